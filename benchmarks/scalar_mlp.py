"""micrograd's MLP on three graph engines, all starting from the same weights.

``initial_weights`` draws the weights once (uniform in [-1, 1], biases 0, as micrograd's
``Neuron``); every model below copies them, so the engines train the same network.
On backprop-lab there are two neurons: micrograd's code verbatim (``ScalarOpsNeuron``: 2n
nodes for n inputs) and the fused weighted sum ``dot(w, x) + b`` (``FusedNeuron``: 2 nodes).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from typing import Any

import autograd
from autograd import Parameter, Value

# One layer: the weight rows of its neurons and their biases.
LayerWeights = tuple[list[list[float]], list[float]]

DEMO_SIZES = (2, 16, 16, 1)  # micrograd's demo: MLP(2, [16, 16, 1])


def initial_weights(sizes: Sequence[int] = DEMO_SIZES, seed: int = 1337) -> list[LayerWeights]:
    """Weights drawn from uniform(-1, 1) with a seeded generator, biases 0."""
    rng = random.Random(seed)
    layers: list[LayerWeights] = []
    for n_in, n_out in itertools.pairwise(sizes):
        rows = [[rng.uniform(-1.0, 1.0) for _ in range(n_in)] for _ in range(n_out)]
        layers.append((rows, [0.0] * n_out))
    return layers


def flat_weights(weights: list[LayerWeights]) -> list[float]:
    """The weights in micrograd's parameter order: each neuron's weights, then its bias."""
    return [
        value
        for rows, biases in weights
        for row, b in zip(rows, biases, strict=True)
        for value in (*row, b)
    ]


class ScalarOpsNeuron:
    """micrograd's Neuron, line for line, on backprop-lab Values."""

    def __init__(self, w: list[float], b: float, nonlin: bool) -> None:
        self.w = [Parameter(wi) for wi in w]
        self.b = Parameter(b)
        self.nonlin = nonlin

    def __call__(self, x: Sequence[Value]) -> Value:
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)  # noqa: B905 (verbatim)
        return act.relu() if self.nonlin else act

    def parameters(self) -> list[Parameter]:
        return [*self.w, self.b]


class FusedNeuron(ScalarOpsNeuron):
    """The same neuron with its weighted sum as one ``dot`` node, as backprop-lab's nn builds it."""

    def __call__(self, x: Sequence[Value]) -> Value:
        act = autograd.dot(self.w, x) + self.b
        return act.relu() if self.nonlin else act


class ValueMLP:
    """micrograd's MLP (layers of neurons, ReLU except on the last layer) on backprop-lab."""

    def __init__(self, weights: list[LayerWeights], fused: bool) -> None:
        neuron = FusedNeuron if fused else ScalarOpsNeuron
        last = len(weights) - 1
        self.layers = [
            [neuron(row, b, nonlin=i != last) for row, b in zip(rows, biases, strict=True)]
            for i, (rows, biases) in enumerate(weights)
        ]
        self._parameters = [p for layer in self.layers for n in layer for p in n.parameters()]

    def __call__(self, x: list[Value]) -> Value:
        for layer in self.layers:
            x = [n(x) for n in layer]
        return x[0]

    def parameters(self) -> list[Parameter]:
        return self._parameters

    def zero_grad(self) -> None:
        for p in self._parameters:
            p.grad = 0.0


def micrograd_mlp(weights: list[LayerWeights]) -> Any:
    """micrograd's own ``MLP`` with its parameters overwritten by ``weights``."""
    from micrograd.nn import MLP

    sizes = [len(weights[0][0][0])] + [len(rows) for rows, _ in weights]
    model = MLP(sizes[0], sizes[1:])
    return load_weights(model, weights, "micrograd_mlp")


def load_weights(model: Any, weights: list[LayerWeights], where: str) -> Any:
    """``model`` with its parameters, in order, overwritten by ``weights``; returns it."""
    flat = flat_weights(weights)
    parameters = model.parameters()
    if len(parameters) != len(flat):
        raise ValueError(f"{where}: {len(parameters)} parameters but {len(flat)} weights")
    for p, value in zip(parameters, flat, strict=True):
        p.data = value
    return model
