"""backprop-lab's nn: neural-network models, losses and data built from autograd Values.

The lecture's models: a layer h(x) = σ(W x + b) (``Layer``), stacks of them
f(x) = h2(h1(x)) (``MLP``), and linear models on features f_θ(x) = θᵀβ(x) (``FeatureModel``);
the loss l(y, ŷ) = 1/n Σ (y_i − ŷ_i)² (``mse_loss``) and friends; the penalty β‖θ‖²
(``l2_penalty``); seeded data sets; saving and loading parameters; held-out data
(``train_test_split``, ``fit(..., validation=...)``) and looking inside a network
(``activation_stats``, ``plot_activations``, ``plot_gradients``). For reinforcement learning:
a policy π_θ(a|s) as a ``softmax`` over logits (``log_softmax`` for log π_θ), the returns G_t
(``discounted_returns``) and ε-greedy action choice (``epsilon_greedy``).

ConvNets with PyTorch's names: ``Conv2d``, ``MaxPool2d``, ``AvgPool2d``, ``Flatten``, ``Linear``,
``ReLU``/``Tanh``/``Sigmoid``, ``BatchNorm1d``/``BatchNorm2d`` and ``Sequential``; the
handwritten digits (``load_digits``) and the way on to PyTorch (``to_torch``).

``Playground`` is a notebook app that trains a network step by step in front of the student.

PyTorch's loss modules (``MSELoss``, ``CrossEntropyLoss``, ``BCEWithLogitsLoss``, and
``HingeLoss`` for micrograd's max-margin loss) work as ``criterion(outputs, targets)`` and as
``fit(loss=criterion)``. A model's one-element output ``[v]`` counts as ``v`` everywhere one
number is expected (``nn.outputs``). A name that is not here (``nn.MSE``) raises
AttributeError naming the nearest ones and listing all.
"""

from typing import NoReturn

import optim
from optim.checks import missing_name

from .activations import ReLU, Sigmoid, Tanh
from .batchnorm import BatchNorm1d, BatchNorm2d, BatchRequired
from .conv import Conv2d
from .data import accuracy, make_moons, noisy_sine
from .diagnostics import activation_stats, gradient_stats, plot_activations, plot_gradients
from .digits import load_digits
from .dropout import Dropout
from .features import FeatureMap, FeatureModel, fourier, polynomial
from .flatten import Flatten
from .layers import ACTIVATIONS, MLP, Layer, Neuron
from .linear import Linear
from .loss_modules import BCEWithLogitsLoss, CrossEntropyLoss, HingeLoss, MSELoss
from .losses import bce_loss, cross_entropy, hinge_loss, mse_loss, sse_loss
from .module import Module, StateDictError
from .penalty import l2_penalty
from .playground import Playground
from .pooling import AvgPool2d, MaxPool2d
from .probabilities import log_softmax, softmax
from .reinforcement import discounted_returns, epsilon_greedy
from .sequential import Sequential
from .serialization import ModelFileError, load, save
from .split import train_test_split
from .torch_bridge import to_torch
from .training import History, TrainingDiverged, fit

__all__ = [
    "ACTIVATIONS",
    "MLP",
    "AvgPool2d",
    "BCEWithLogitsLoss",
    "BatchNorm1d",
    "BatchNorm2d",
    "BatchRequired",
    "Conv2d",
    "CrossEntropyLoss",
    "Dropout",
    "FeatureMap",
    "FeatureModel",
    "Flatten",
    "HingeLoss",
    "History",
    "Layer",
    "Linear",
    "MSELoss",
    "MaxPool2d",
    "ModelFileError",
    "Module",
    "Neuron",
    "Playground",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "StateDictError",
    "Tanh",
    "TrainingDiverged",
    "accuracy",
    "activation_stats",
    "bce_loss",
    "cross_entropy",
    "discounted_returns",
    "epsilon_greedy",
    "fit",
    "fourier",
    "gradient_stats",
    "hinge_loss",
    "l2_penalty",
    "load",
    "load_digits",
    "log_softmax",
    "make_moons",
    "mse_loss",
    "noisy_sine",
    "plot_activations",
    "plot_gradients",
    "polynomial",
    "save",
    "softmax",
    "sse_loss",
    "to_torch",
    "train_test_split",
]


def __getattr__(name: str) -> NoReturn:
    """``nn.MSE`` and other names not here: AttributeError listing what exists."""
    if name.startswith("__"):
        raise AttributeError(f"module 'nn' has no attribute {name!r}")
    if name in optim.__all__:
        raise AttributeError(f"module 'nn' has no attribute {name!r}; it is optim.{name}")
    raise missing_name("nn", name, __all__)
