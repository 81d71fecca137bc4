"""backprop-lab's nn: neural-network models, losses and data built from autograd Values.

The lecture's models: a layer h(x) = σ(W x + b) (``Layer``), stacks of them
f(x) = h2(h1(x)) (``MLP``), and linear models on features f_θ(x) = θᵀβ(x) (``FeatureModel``);
the loss l(y, ŷ) = 1/n Σ (y_i − ŷ_i)² (``mse_loss``) and friends; the penalty β‖θ‖²
(``l2_penalty``); seeded data sets; saving and loading parameters.
"""

from .data import accuracy, make_moons, noisy_sine
from .layers import MLP, Layer, Neuron
from .module import Module, StateDictError
from .serialization import ModelFileError, load, save

__all__ = [
    "MLP",
    "Layer",
    "ModelFileError",
    "Module",
    "Neuron",
    "StateDictError",
    "accuracy",
    "load",
    "make_moons",
    "noisy_sine",
    "save",
]

# ---- training loop (nn.fit, nn.History) ---------------------------------------------------
# The training loop lives in its own modules; its names are imported and exported here.
