"""The two-moons data set of micrograd's demo, made here with a seeded generator (no sklearn).

Like ``sklearn.datasets.make_moons(n_samples, noise=0.1)`` followed by ``y = y * 2 - 1``: the
upper moon gets label -1, the lower one +1, the points are shuffled and jittered by Gaussian
noise. The same seed always gives the same points.
"""

from __future__ import annotations

import math
import random


def make_moons(
    n_samples: int = 100, noise: float = 0.1, seed: int = 1337
) -> tuple[list[list[float]], list[int]]:
    """``n_samples`` points ``[x1, x2]`` on two interleaving half circles, and labels -1 or +1."""
    if n_samples < 2:
        raise ValueError(f"make_moons: need at least 2 samples, got {n_samples}")
    rng = random.Random(seed)
    n_upper = n_samples // 2
    n_lower = n_samples - n_upper
    points: list[list[float]] = []
    labels: list[int] = []
    for i in range(n_upper):
        angle = math.pi * i / (n_upper - 1) if n_upper > 1 else 0.0
        points.append([math.cos(angle), math.sin(angle)])
        labels.append(-1)
    for i in range(n_lower):
        angle = math.pi * i / (n_lower - 1) if n_lower > 1 else 0.0
        points.append([1.0 - math.cos(angle), 0.5 - math.sin(angle)])
        labels.append(1)
    order = list(range(n_samples))
    rng.shuffle(order)
    noisy = [[x + rng.gauss(0.0, noise) for x in points[i]] for i in order]
    return noisy, [labels[i] for i in order]
