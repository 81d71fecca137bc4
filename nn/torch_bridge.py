"""``to_torch``: the same model as a float64 ``torch.nn.Module``, for when scalars are outgrown.

The PyTorch model has the same layers, weights, running statistics and training mode, and
takes a batch tensor where ours takes one example at a time: for an image model, shape
(N, C, H, W); for an MLP or a ``Linear``, (N, in_features). Its outputs agree with ours
to rounding (1e-12). Needs PyTorch (``pip install torch``), imported only when called.
"""

from __future__ import annotations

from typing import Any

from .activations import ReLU, Sigmoid, Tanh
from .batchnorm import BatchNorm1d, BatchNorm2d
from .conv import Conv2d
from .dropout import Dropout
from .flatten import Flatten
from .layers import MLP, Layer, Neuron
from .linear import Linear
from .module import Module
from .pooling import AvgPool2d, MaxPool2d
from .sequential import Sequential


def to_torch(model: Module) -> Any:
    """An equivalent ``torch.nn.Module`` in float64 (a ``torch.nn.Sequential`` for our
    ``Sequential``, ``MLP`` and ``Layer``).

    Supported: ``Sequential``, ``MLP``, ``Layer``, ``Neuron``, ``Conv2d``, ``Linear``,
    ``MaxPool2d``, ``AvgPool2d``, ``Flatten``, ``ReLU``, ``Tanh``, ``Sigmoid``,
    ``BatchNorm1d``, ``BatchNorm2d``, ``Dropout``. Anything else raises TypeError naming it.
    The copy shares nothing with ``model``: training one does not change the other.

    >>> import torch                                   # doctest: +SKIP
    >>> torch_model = to_torch(model)                  # doctest: +SKIP
    >>> torch_model(torch.tensor(xs, dtype=torch.float64))  # doctest: +SKIP
    """
    try:
        import torch
    except ImportError:
        raise ImportError("to_torch needs PyTorch: pip install torch") from None
    if not isinstance(model, Module):
        raise TypeError(f"to_torch: expected an nn.Module, got {type(model).__name__} {model!r}")
    with torch.no_grad():
        converted = _convert(model, torch)
    converted.train(model.training)
    return converted


def _tensor(torch: Any, values: Any) -> Any:
    """A float64 tensor of the ``.data`` of nested lists of Parameters (or of floats)."""
    def numbers(x: Any) -> Any:
        return [numbers(item) for item in x] if isinstance(x, list) else float(x)

    return torch.tensor(numbers(values), dtype=torch.float64)


def _activation(torch: Any, name: str) -> list[Any]:
    layers = {
        "relu": torch.nn.ReLU,
        "tanh": torch.nn.Tanh,
        "sigmoid": torch.nn.Sigmoid,
    }
    return [] if name == "linear" else [layers[name]()]


def _dense(torch: Any, weight: list[list[Any]], bias: list[Any]) -> Any:
    layer = torch.nn.Linear(len(weight[0]), len(weight), dtype=torch.float64)
    layer.weight.copy_(_tensor(torch, weight))
    layer.bias.copy_(_tensor(torch, bias))
    return layer


def _convert(model: Module, torch: Any) -> Any:
    nn = torch.nn
    f64 = torch.float64
    if isinstance(model, Sequential):
        return nn.Sequential(*[_convert(member, torch) for member in model])
    if isinstance(model, MLP):
        return nn.Sequential(*[part for layer in model.layers for part in _convert(layer, torch)])
    if isinstance(model, Layer):
        weight = [[w for w in neuron.w] for neuron in model.neurons]
        bias = [neuron.b for neuron in model.neurons]
        return nn.Sequential(_dense(torch, weight, bias), *_activation(torch, model.activation))
    if isinstance(model, Neuron):
        dense = _dense(torch, [list(model.w)], [model.b])
        return nn.Sequential(dense, *_activation(torch, model.activation))
    if isinstance(model, Linear):
        return _dense(torch, model.weight, model.bias)
    if isinstance(model, Conv2d):
        conv = nn.Conv2d(
            model.in_channels,
            model.out_channels,
            model.kernel_size,
            stride=model.stride,
            padding=model.padding,
            dtype=f64,
        )
        conv.weight.copy_(_tensor(torch, model.weight))
        conv.bias.copy_(_tensor(torch, model.bias))
        return conv
    if isinstance(model, MaxPool2d):
        return nn.MaxPool2d(model.kernel_size, stride=model.stride)
    if isinstance(model, AvgPool2d):
        return nn.AvgPool2d(model.kernel_size, stride=model.stride)
    if isinstance(model, (BatchNorm1d, BatchNorm2d)):
        kind = nn.BatchNorm1d if isinstance(model, BatchNorm1d) else nn.BatchNorm2d
        norm = kind(model.num_features, eps=model.eps, momentum=model.momentum, dtype=f64)
        norm.weight.copy_(_tensor(torch, model.weight))
        norm.bias.copy_(_tensor(torch, model.bias))
        norm.running_mean.copy_(_tensor(torch, model.running_mean))
        norm.running_var.copy_(_tensor(torch, model.running_var))
        norm.num_batches_tracked.fill_(model.num_batches_tracked)
        return norm
    if isinstance(model, Flatten):
        return nn.Flatten()
    if isinstance(model, Dropout):
        return nn.Dropout(model.p)
    if isinstance(model, ReLU):
        return nn.ReLU()
    if isinstance(model, Tanh):
        return nn.Tanh()
    if isinstance(model, Sigmoid):
        return nn.Sigmoid()
    raise TypeError(
        f"to_torch: no PyTorch equivalent for {type(model).__name__} ({model!r}); supported: "
        "Sequential, MLP, Layer, Neuron, Conv2d, Linear, MaxPool2d, AvgPool2d, Flatten, ReLU, "
        "Tanh, Sigmoid, BatchNorm1d, BatchNorm2d, Dropout"
    )
