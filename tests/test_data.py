"""Seeded data sets: the moons lie on their half circles, the sine on sin(2πx), and the same
seed gives the same numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import Value
from nn import accuracy, make_moons, noisy_sine


def test_moons_without_noise_lie_on_their_half_circles() -> None:
    xs, ys = make_moons(n=101, noise=0.0, seed=0)
    assert len(xs) == len(ys) == 101
    assert ys.count(-1.0) == 50 and ys.count(1.0) == 51  # n // 2 upper, the rest lower
    for (x1, x2), y in zip(xs, ys, strict=True):
        if y == -1.0:  # upper moon: (cos t, sin t), t in [0, pi]
            assert math.hypot(x1, x2) == pytest.approx(1.0)
            assert x2 >= -1e-12
        else:  # lower moon: (1 - cos t, 0.5 - sin t)
            assert math.hypot(x1 - 1.0, x2 - 0.5) == pytest.approx(1.0)
            assert x2 <= 0.5 + 1e-12


def test_moons_are_shuffled_and_seeded() -> None:
    xs, ys = make_moons(n=100, noise=0.1, seed=3)
    assert (xs, ys) == make_moons(n=100, noise=0.1, seed=3)
    assert xs != make_moons(n=100, noise=0.1, seed=4)[0]
    assert ys[:50] != [-1.0] * 50  # the two moons are mixed, not one after the other
    assert all(len(x) == 2 for x in xs)


def test_moon_noise_has_the_requested_spread() -> None:
    clean, _ = make_moons(n=4000, noise=0.0, seed=1)
    noisy, _ = make_moons(n=4000, noise=0.2, seed=1)
    residuals = np.array(noisy) - np.array(clean)  # same seed: same shuffle order
    assert residuals.std() == pytest.approx(0.2, rel=0.05)


def test_noisy_sine_without_noise_is_sin_two_pi_x_on_zero_one() -> None:
    xs, ys = noisy_sine(n=11, noise=0.0)
    assert xs == pytest.approx(list(np.linspace(0.0, 1.0, 11)), abs=1e-15)
    assert xs[0] == 0.0 and xs[-1] == 1.0
    assert ys == pytest.approx(list(np.sin(2 * np.pi * np.array(xs))), abs=1e-12)


def test_noisy_sine_noise_is_seeded_gaussian() -> None:
    xs, ys = noisy_sine(n=5000, noise=0.3, seed=2)
    residuals = np.array(ys) - np.sin(2 * np.pi * np.array(xs))
    assert residuals.std() == pytest.approx(0.3, rel=0.05)
    assert abs(residuals.mean()) < 4 * 0.3 / math.sqrt(5000)
    assert noisy_sine(n=20, seed=2) == noisy_sine(n=20, seed=2)
    assert noisy_sine(n=20, seed=2) != noisy_sine(n=20, seed=5)


def test_bad_sizes_and_noise_are_refused() -> None:
    with pytest.raises(ValueError, match="make_moons: n must be an int >= 2, got 1"):
        make_moons(n=1)
    with pytest.raises(ValueError, match="noisy_sine: n must be an int >= 1, got 0"):
        noisy_sine(n=0)
    with pytest.raises(ValueError, match="noisy_sine: noise must be a finite number >= 0, got -1"):
        noisy_sine(noise=-1)
    with pytest.raises(ValueError, match=r"make_moons: noise .* got nan"):
        make_moons(noise=math.nan)


def test_accuracy_counts_signs() -> None:
    scores = [Value(2.0), Value(-0.5), 0.0, 0.1]
    assert accuracy(scores, [1.0, -1.0, -1.0, -1.0]) == 0.75  # a score of 0 predicts -1
    with pytest.raises(ValueError, match=r"accuracy: .*differ in length \(1 and 2\)"):
        accuracy([1.0], [1.0, -1.0])
    with pytest.raises(ValueError, match=r"accuracy: labels must be -1 or \+1 .* got 2"):
        accuracy([1.0], [2])
    with pytest.raises(ValueError, match="accuracy: no scores"):
        accuracy([], [])


def test_numpy_integers_and_floats_are_accepted() -> None:
    # 0.25 is exact in float32
    assert make_moons(np.int64(10), np.float32(0.25), np.int64(3)) == make_moons(10, 0.25, 3)
    assert noisy_sine(np.int64(7), np.float32(0.25), np.int64(1)) == noisy_sine(7, 0.25, 1)
