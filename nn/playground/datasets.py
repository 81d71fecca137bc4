"""The playground's data sets: five in the plane labelled ±1, a noisy sine, or the user's own.

Every built-in set is made with ``random.Random(seed)``: the same name, size, noise and seed
give the same points on every run and machine. Labels are -1 and +1 (as ``nn.make_moons`` and
``nn.hinge_loss`` use them); "sine" is regression on one input.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from autograd.value import is_real_number

from ..data import make_moons, noisy_sine
from ..sequences import as_list, is_sequence

CLASSIFICATION = "classification"
REGRESSION = "regression"

Points = list[list[float]]


@dataclass(frozen=True)
class DataSet:
    """Inputs ``xs`` (each a list of 1 or 2 numbers), targets ``ys``, and the kind of task."""

    name: str
    xs: Points
    ys: list[float]
    task: str

    @property
    def dimension(self) -> int:
        """How many numbers each input has: 1 (a curve) or 2 (the plane)."""
        return len(self.xs[0])


# ---- the built-in sets ------------------------------------------------------------------------

def _moons(n: int, noise: float, rng: random.Random) -> tuple[Points, list[float]]:
    return make_moons(n, noise=noise, seed=rng)  # type: ignore[arg-type]


def _circles(n: int, noise: float, rng: random.Random) -> tuple[Points, list[float]]:
    """An outer circle of radius 1 (label -1) around an inner one of radius 0.5 (label +1)."""
    points: list[tuple[list[float], float]] = []
    for i in range(n):
        radius, label = (1.0, -1.0) if i % 2 == 0 else (0.5, 1.0)
        angle = rng.uniform(0.0, 2.0 * math.pi)
        points.append(([radius * math.cos(angle), radius * math.sin(angle)], label))
    rng.shuffle(points)
    return _jittered(points, noise, rng)


def _xor(n: int, noise: float, rng: random.Random) -> tuple[Points, list[float]]:
    """Points in [-1, 1]², labelled by the sign of x1·x2 (kept 0.05 away from the axes).

    The quadrants take turns, so the classes are balanced.
    """
    quadrants = ((1.0, 1.0), (-1.0, 1.0), (-1.0, -1.0), (1.0, -1.0))
    points: list[tuple[list[float], float]] = []
    for i in range(n):
        s1, s2 = quadrants[i % 4]
        x1, x2 = s1 * rng.uniform(0.05, 1.0), s2 * rng.uniform(0.05, 1.0)
        points.append(([x1, x2], 1.0 if x1 * x2 > 0 else -1.0))
    rng.shuffle(points)
    return _jittered(points, noise, rng)


def _spiral(n: int, noise: float, rng: random.Random) -> tuple[Points, list[float]]:
    """Two interleaved spirals, r = t, angle 1.75·2πt + (0 or π), t evenly spaced in [0, 1]."""
    points: list[tuple[list[float], float]] = []
    half = n // 2
    for arm, (count, label) in enumerate(((half, 1.0), (n - half, -1.0))):
        for i in range(count):
            t = i / max(count - 1, 1)
            angle = 1.75 * 2.0 * math.pi * t + arm * math.pi
            points.append(([t * math.sin(angle), t * math.cos(angle)], label))
    rng.shuffle(points)
    return _jittered(points, noise, rng)


def _blobs(n: int, noise: float, rng: random.Random) -> tuple[Points, list[float]]:
    """Two Gaussian clouds (standard deviation 0.4) around (1, 1), label +1, and (-1, -1), -1."""
    points: list[tuple[list[float], float]] = []
    for i in range(n):
        centre, label = (1.0, 1.0) if i % 2 == 0 else (-1.0, -1.0)
        points.append(([rng.gauss(centre, 0.4), rng.gauss(centre, 0.4)], label))
    rng.shuffle(points)
    return _jittered(points, noise, rng)


def _sine(n: int, noise: float, rng: random.Random) -> tuple[Points, list[float]]:
    xs, ys = noisy_sine(n, noise=noise, seed=rng)  # type: ignore[arg-type]
    return [[x] for x in xs], ys


def _jittered(
    points: list[tuple[list[float], float]], noise: float, rng: random.Random
) -> tuple[Points, list[float]]:
    """Gaussian noise of standard deviation ``noise`` added to every coordinate."""
    xs = [[x + rng.gauss(0.0, noise) for x in point] for point, _ in points]
    return xs, [label for _, label in points]


MAKERS: dict[str, Callable[[int, float, random.Random], tuple[Points, list[float]]]] = {
    "moons": _moons,
    "circles": _circles,
    "xor": _xor,
    "spiral": _spiral,
    "blobs": _blobs,
    "sine": _sine,
}

DATASETS = tuple(MAKERS)


def make_dataset(name: str, n: int, noise: float, seed: int) -> DataSet:
    """The built-in data set ``name`` with ``n`` points and the given noise, from ``seed``."""
    if not isinstance(name, str) or name not in MAKERS:
        choices = ", ".join(repr(k) for k in MAKERS)
        raise ValueError(f"Playground: unknown data set {name!r}; choose {choices} or (xs, ys)")
    xs, ys = MAKERS[name](n, noise, random.Random(seed))
    task = REGRESSION if name == "sine" else CLASSIFICATION
    return DataSet(name, xs, [float(y) for y in ys], task)


# ---- the user's own data ----------------------------------------------------------------------

def own_dataset(data: Any) -> DataSet:
    """``(xs, ys)`` checked and copied: each x one number or a pair, each y a number.

    Labels that are all -1/+1 (or all 0/1, read as -1/+1) make a classification task, anything
    else regression. A wrong shape raises ValueError (TypeError for a wrong type) naming the
    Playground, the position and the value; the caller's lists are never changed.
    """
    if not isinstance(data, (tuple, list)):
        raise TypeError(
            f"Playground: data must be a data set's name or a pair (xs, ys), got {_short(data)}"
        )
    if len(data) != 2:
        raise ValueError(
            f"Playground: data must be a pair (xs, ys), got {len(data)} items: {_short(data)}"
        )
    xs = as_list(data[0], "Playground", "data's xs")
    ys = as_list(data[1], "Playground", "data's ys")
    if len(xs) != len(ys):
        raise ValueError(
            f"Playground: data's xs and ys differ in length ({len(xs)} and {len(ys)})"
        )
    if len(xs) < 2:
        raise ValueError(
            f"Playground: data needs at least 2 samples to split into train and test, "
            f"got {len(xs)}"
        )
    points = [_point(x, i) for i, x in enumerate(xs)]
    dimension = len(points[0])
    for i, point in enumerate(points):
        if len(point) != dimension:
            raise ValueError(
                f"Playground: data's xs[{i}] has {len(point)} coordinates but xs[0] has "
                f"{dimension}; every x must have the same shape"
            )
    targets = [_target(y, i) for i, y in enumerate(ys)]
    labels = set(targets)
    if labels <= {-1.0, 1.0} or labels <= {0.0, 1.0}:
        targets = [1.0 if y == 1.0 else -1.0 for y in targets]
        return DataSet("own", points, targets, CLASSIFICATION)
    return DataSet("own", points, targets, REGRESSION)


def _point(x: object, i: int) -> list[float]:
    if is_real_number(x):
        coordinates: list[object] = [x]
    elif is_sequence(x):
        coordinates = as_list(x, "Playground", f"data's xs[{i}]")
    else:
        raise TypeError(f"Playground: data's xs[{i}] must be a number or a pair, got {_short(x)}")
    if len(coordinates) not in (1, 2):
        raise ValueError(
            f"Playground: data's xs[{i}] has {len(coordinates)} coordinates; the playground "
            f"draws inputs on a line or in the plane, so each x must be one number or a pair"
        )
    point = []
    for c in coordinates:
        if not is_real_number(c) or not math.isfinite(float(c)):  # type: ignore[arg-type]
            raise ValueError(
                f"Playground: data's xs[{i}] must hold finite numbers, got {_short(x)}"
            )
        point.append(float(c))  # type: ignore[arg-type]
    return point


def _target(y: object, i: int) -> float:
    if not is_real_number(y) or not math.isfinite(float(y)):  # type: ignore[arg-type]
        raise ValueError(f"Playground: data's ys[{i}] must be a finite number, got {_short(y)}")
    return float(y)  # type: ignore[arg-type]


def _short(value: object) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 60 else text[:57] + '...'}"
