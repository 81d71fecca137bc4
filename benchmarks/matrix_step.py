"""The demo's MLP step written by hand with matrices: NumPy and PyTorch, the speed to reach.

micrograd's demo step (2-16-16-1, ReLU, the mean hinge loss relu(1 − y·score) plus 1e-4 times
the sum of squared parameters, SGD) over all the points at once, as the lecture writes a layer:
Z = X·Wᵀ + b, H = relu(Z), and backward ∂l/∂W = (∂l/∂Z)ᵀ·H_below. Both take and give the
parameters as micrograd's flat list (each neuron's weights, then its bias).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from .float_mlp import ALPHA
from .mlp_step import learning_rate
from .scalar_mlp import DEMO_SIZES

Layer = tuple[list[list[float]], list[float]]


def _split(theta: Sequence[float], sizes: Sequence[int]) -> list[Layer]:
    """micrograd's flat parameter list as (rows, biases) per layer."""
    layers, k = [], 0
    for n_in, n_out in itertools.pairwise(sizes):
        rows, biases = [], []
        for _ in range(n_out):
            rows.append(list(theta[k : k + n_in]))
            biases.append(theta[k + n_in])
            k += n_in + 1
        layers.append((rows, biases))
    return layers


def _flatten(layers: Sequence[tuple[Any, Any]]) -> list[float]:
    flat: list[float] = []
    for rows, biases in layers:
        for row, b in zip(rows.tolist(), biases.tolist(), strict=True):
            flat.extend((*row, b))
    return flat


class NumpyStep:
    """The step with NumPy matrices (float64)."""

    name = "NumPy matrices, by hand"

    def __init__(self, theta: Sequence[float], points: Any, labels: Any,
                 sizes: Sequence[int] = DEMO_SIZES) -> None:
        import numpy as np

        self.np = np
        self.layers = [(np.array(rows), np.array(biases)) for rows, biases in _split(theta, sizes)]
        self.x = np.asarray(points, dtype=float)
        self.y = np.asarray(labels, dtype=float)

    def step(self, k: int) -> float:
        np = self.np
        activations = [self.x]
        pre = []
        for i, (w, b) in enumerate(self.layers):
            z = activations[-1] @ w.T + b
            pre.append(z)
            activations.append(np.maximum(z, 0.0) if i < len(self.layers) - 1 else z)
        score = activations[-1][:, 0]
        margins = 1.0 - self.y * score
        n = len(self.y)
        penalty = sum(float((w * w).sum() + (b * b).sum()) for w, b in self.layers)
        loss = float(np.maximum(margins, 0.0).sum()) / n + ALPHA * penalty
        # backward: ∂l/∂score = −y [margin > 0] / n, then layer by layer
        g = (-(self.y * (margins > 0)) / n)[:, None]
        grads = []
        for i in range(len(self.layers) - 1, -1, -1):
            w, b = self.layers[i]
            if i < len(self.layers) - 1:
                g = g * (pre[i] > 0)
            grads.append((g.T @ activations[i] + 2 * ALPHA * w, g.sum(axis=0) + 2 * ALPHA * b))
            g = g @ w
        lr = learning_rate(k)
        self.layers = [(w - lr * gw, b - lr * gb)
                       for (w, b), (gw, gb) in zip(self.layers, reversed(grads), strict=True)]
        return loss

    def parameters(self) -> list[float]:
        return _flatten(self.layers)


class TorchStep:
    """The step in PyTorch, float64, one thread, autograd doing the backward pass."""

    name = "PyTorch float64, one thread"

    def __init__(self, theta: Sequence[float], points: Any, labels: Any,
                 sizes: Sequence[int] = DEMO_SIZES) -> None:
        import torch

        torch.set_num_threads(1)
        self.torch = torch
        self.layers = [
            (torch.tensor(rows, dtype=torch.float64, requires_grad=True),
             torch.tensor(biases, dtype=torch.float64, requires_grad=True))
            for rows, biases in _split(theta, sizes)
        ]
        self.x = torch.tensor(points, dtype=torch.float64)
        self.y = torch.tensor(labels, dtype=torch.float64)

    def step(self, k: int) -> float:
        torch = self.torch
        h = self.x
        for i, (w, b) in enumerate(self.layers):
            h = h @ w.T + b
            if i < len(self.layers) - 1:
                h = torch.relu(h)
        data_loss = torch.relu(1.0 - self.y * h[:, 0]).mean()
        penalty = sum((w * w).sum() + (b * b).sum() for w, b in self.layers)
        loss = data_loss + ALPHA * penalty
        for w, b in self.layers:
            w.grad = None
            b.grad = None
        loss.backward()
        lr = learning_rate(k)
        with torch.no_grad():
            for w, b in self.layers:
                assert w.grad is not None and b.grad is not None
                w -= lr * w.grad
                b -= lr * b.grad
        return float(loss.detach())

    def parameters(self) -> list[float]:
        return _flatten([(w.detach().numpy(), b.detach().numpy()) for w, b in self.layers])
