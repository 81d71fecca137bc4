"""Small seeded data sets for the lecture's demos (two moons, a noisy sine) and ±1 accuracy.

Everything is built with the standard library's ``random.Random(seed)``: the same arguments
give the same numbers on every run and machine.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from autograd import Value
from autograd.value import is_real_number
from optim.checks import whole_number

from .layers import random_source


def _check_size(n: int, noise: float, where: str, smallest: int) -> tuple[int, float]:
    """``n`` as an int and ``noise`` as a float (NumPy scalars converted), after checking them."""
    n = whole_number(n, where, "n", smallest)
    if not (is_real_number(noise) and math.isfinite(noise) and noise >= 0):
        raise ValueError(f"{where}: noise must be a finite number >= 0, got {noise!r}")
    return n, float(noise)


def _linspace(start: float, stop: float, n: int) -> list[float]:
    """n evenly spaced numbers from start to stop, both included (start alone for n = 1)."""
    if n == 1:
        return [start]
    step = (stop - start) / (n - 1)
    return [start + i * step for i in range(n - 1)] + [stop]


def make_moons(
    n: int = 100, noise: float = 0.1, seed: int = 0
) -> tuple[list[list[float]], list[float]]:
    """Two interleaving half circles in the plane, labelled -1 (upper) and +1 (lower).

    The same construction as scikit-learn's ``make_moons`` (labels mapped 0 -> -1, 1 -> +1,
    as for ``hinge_loss``): n // 2 points on the upper moon (cos t, sin t), the rest on the
    lower moon (1 - cos t, 0.5 - sin t), t evenly spaced in [0, π]; the points are shuffled
    and Gaussian noise with standard deviation ``noise`` is added to each coordinate.
    Returns ``(xs, ys)``: n points [x1, x2] and n labels.
    """
    n, noise = _check_size(n, noise, "make_moons", 2)
    rng = random_source(seed)
    n_upper = n // 2
    n_lower = n - n_upper
    points: list[tuple[list[float], float]] = []
    for t in _linspace(0.0, math.pi, n_upper):
        points.append(([math.cos(t), math.sin(t)], -1.0))
    for t in _linspace(0.0, math.pi, n_lower):
        points.append(([1.0 - math.cos(t), 0.5 - math.sin(t)], 1.0))
    rng.shuffle(points)
    xs = [[x1 + rng.gauss(0.0, noise), x2 + rng.gauss(0.0, noise)] for (x1, x2), _ in points]
    ys = [label for _, label in points]
    return xs, ys


def noisy_sine(n: int = 50, noise: float = 0.1, seed: int = 0) -> tuple[list[float], list[float]]:
    """n samples of y = sin(2πx) + Gaussian noise (standard deviation ``noise``).

    x is evenly spaced on [0, 1], both ends included, so plots read left to right; on this
    interval sin(2πx) is exactly the Fourier feature β_2(x) = sin(2πx) of the lecture.
    Returns ``(xs, ys)``.
    """
    n, noise = _check_size(n, noise, "noisy_sine", 1)
    rng = random_source(seed)
    xs = _linspace(0.0, 1.0, n)
    ys = [math.sin(2.0 * math.pi * x) + rng.gauss(0.0, noise) for x in xs]
    return xs, ys


def accuracy(scores: Sequence[Value | float], ys: Sequence[float]) -> float:
    """The fraction of labels y in {-1, +1} whose sign the score gets right.

    A score > 0 predicts +1, any other score predicts -1 (as in micrograd's demo).
    """
    if len(scores) != len(ys):
        raise ValueError(
            f"accuracy: scores and labels differ in length ({len(scores)} and {len(ys)})"
        )
    if not scores:
        raise ValueError("accuracy: no scores given")
    correct = 0
    for score, y in zip(scores, ys, strict=True):
        if y not in (-1, 1):
            raise ValueError(f"accuracy: labels must be -1 or +1, got {y!r}")
        predicted = 1.0 if float(score) > 0 else -1.0
        correct += predicted == y
    return correct / len(scores)
