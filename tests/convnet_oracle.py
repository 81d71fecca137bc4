"""Central differences for modules: the independent oracle the ConvNet tests check backward by."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from autograd import Value, no_grad
from nn.shapes import flatten


def weighted_sum(outputs: Any, seed: int = 7) -> Any:
    """L = Σ r_k y_k with fixed random r_k, so every output's gradient differs (r_k = ∂L/∂y_k)."""
    values = flatten(outputs)
    rng = random.Random(seed)
    total: Any = 0.0
    for y in values:
        total = total + rng.uniform(-1.0, 1.0) * y
    return total


def central_difference(loss: Callable[[], Any], leaf: Value, h: float = 1e-6) -> float:
    """(L(x + h) − L(x − h)) / 2h for one leaf (a Parameter or an input Value)."""
    original = leaf.data
    try:
        with no_grad():
            leaf.data = original + h
            up = float(loss())
            leaf.data = original - h
            down = float(loss())
    finally:
        leaf.data = original
    return (up - down) / (2.0 * h)


def check_gradients(loss: Callable[[], Any], leaves: list[Value], tolerance: float = 1e-6) -> None:
    """Backward's gradient of every leaf equals its central difference."""
    for leaf in leaves:
        leaf.grad = 0.0
    loss().backward()
    for position, leaf in enumerate(leaves):
        numeric = central_difference(loss, leaf)
        assert abs(float(leaf.grad) - numeric) <= tolerance * (1.0 + abs(numeric)), (
            f"leaf {position} ({leaf.label!r}): backward {leaf.grad!r}, central differences "
            f"{numeric!r}"
        )


def image(channels: int, height: int, width: int, seed: int = 0) -> list[list[list[Value]]]:
    """A random [C][H][W] example of Values, to differentiate with respect to."""
    rng = random.Random(seed)
    return [
        [[Value(rng.gauss(0.0, 1.0)) for _ in range(width)] for _ in range(height)]
        for _ in range(channels)
    ]
