"""Small seeded data sets for the lecture's demos (two moons, a noisy sine) and accuracy.

Everything is built with the standard library's ``random.Random(seed)``: the same arguments
give the same numbers on every run and machine.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from autograd.value import is_real_number
from optim.checks import whole_number

from .layers import random_source
from .limits import MAX_SAMPLES, check_at_most
from .outputs import one_output_each
from .sequences import ListLike, as_list, is_sequence


def _check_size(n: int, noise: float, where: str, smallest: int) -> tuple[int, float]:
    """``n`` as an int and ``noise`` as a float (NumPy scalars converted), after checking them."""
    n = whole_number(n, where, "n", smallest)
    check_at_most(where, "n", n, MAX_SAMPLES, "MAX_SAMPLES",
                  "every sample is a Python list, and fit runs each through the engine")
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


def accuracy(scores: ListLike, ys: ListLike, threshold: float = 0.0) -> float:
    """The fraction of examples whose class the model's output gets right.

    Three kinds of labels, told apart by the outputs and the labels themselves:

    - one output per example and labels -1 / +1 (``hinge_loss``, ``make_moons``): a score
      above ``threshold`` predicts +1, any other score -1 (as in micrograd's demo);
    - one output per example and labels 0 / 1 (``bce_loss``): a score (logit) above
      ``threshold`` predicts 1, any other 0; for outputs that are probabilities (a sigmoid
      output layer) give ``threshold=0.5``;
    - a list of outputs per example (class scores, ``cross_entropy``) and class indices
      0, 1, ..., k-1: the largest output (the first, on ties) predicts the class.

    Scores may be Values or numbers; scores and labels may be lists, tuples or NumPy arrays.
    A one-element output ``[v]`` (``Sequential(..., Linear(8, 1))``) is one score ``v``.
    Labels mixing the conventions (-1 with 0), or outside them, raise ValueError naming the
    label.

    >>> accuracy([0.3, -0.2], [1, -1]), accuracy([0.3, -0.2], [1, 0])
    (1.0, 1.0)
    >>> accuracy([[0.1, 2.0, -1.0], [0.5, 0.2, 0.1]], [1, 2])
    0.5
    """
    scores = one_output_each(as_list(scores, "accuracy", "scores"))  # [v] is v (nn.outputs)
    ys = one_output_each(as_list(ys, "accuracy", "labels"))
    if len(scores) != len(ys):
        raise ValueError(
            f"accuracy: scores and labels differ in length ({len(scores)} and {len(ys)})"
        )
    if not scores:
        raise ValueError("accuracy: no scores given")
    if not is_real_number(threshold):
        raise TypeError(f"accuracy: threshold must be a number, got {threshold!r}")
    predicted: list[float]
    labels: list[float]
    if all(is_sequence(score) for score in scores):
        class_scores = [as_list(score, "accuracy", "class scores") for score in scores]
        predicted = [float(_largest(scores_i)) for scores_i in class_scores]
        labels = [float(_class_index(y, len(c))) for y, c in zip(ys, class_scores, strict=True)]
    elif any(is_sequence(score) for score in scores):
        raise ValueError(
            "accuracy: give one score per example, or a list of class scores for every example, "
            "not a mixture"
        )
    else:
        labels = [_binary_label(y) for y in ys]
        negative = -1.0 if -1.0 in labels else 0.0
        if negative == -1.0 and 0.0 in labels:
            raise ValueError("accuracy: labels mix -1 and 0; use -1 / +1 or 0 / 1, not both")
        predicted = [1.0 if float(score) > threshold else negative for score in scores]
    correct = sum(p == y for p, y in zip(predicted, labels, strict=True))
    return correct / len(scores)


def _binary_label(y: Any) -> float:
    if not is_real_number(y) or float(y) not in (-1.0, 0.0, 1.0):
        raise ValueError(
            f"accuracy: labels must be -1 or +1 (hinge), 0 or 1 (bce), or class indices for a "
            f"list of class scores per example; got {y!r}"
        )
    return float(y)


def _class_index(y: Any, classes: int) -> int:
    """``y`` as a class index in 0..classes-1; a whole float (1.0, from a float array) counts."""
    whole = isinstance(y, numbers.Integral) or (is_real_number(y) and float(y).is_integer())
    if isinstance(y, bool) or not whole:
        raise ValueError(f"accuracy: a class label must be a class index (int), got {y!r}")
    if not 0 <= y < classes:
        raise ValueError(f"accuracy: class label {y!r} is not a class index in 0..{classes - 1}")
    return int(y)


def _largest(class_scores: list[Any]) -> int:
    """The index of the largest score, the first on ties."""
    if not class_scores:
        raise ValueError("accuracy: an example has an empty list of class scores")
    numbers_ = [float(score) for score in class_scores]
    return numbers_.index(max(numbers_))
