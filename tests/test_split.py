"""``nn.train_test_split``: sizes, pairing, seeds, stratification and refusals."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

import nn


def numbered(n: int) -> tuple[list[list[float]], list[float]]:
    """n distinct samples whose target tells which sample it belongs to."""
    xs = [[float(i), -float(i)] for i in range(n)]
    ys = [10.0 * i for i in range(n)]
    return xs, ys


@pytest.mark.parametrize(("n", "fraction", "n_test"), [(20, 0.25, 5), (10, 0.25, 3), (7, 0.5, 4),
                                                       (30, 0.1, 3), (100, 0.25, 25)])
def test_sizes_follow_scikit_learn_and_every_sample_lands_once_with_its_target(
    n: int, fraction: float, n_test: int
) -> None:
    xs, ys = numbered(n)
    xs_train, xs_test, ys_train, ys_test = nn.train_test_split(xs, ys, test_fraction=fraction)
    assert (len(xs_test), len(ys_test)) == (n_test, n_test)
    assert (len(xs_train), len(ys_train)) == (n - n_test, n - n_test)
    assert sorted(x[0] for x in xs_train + xs_test) == [float(i) for i in range(n)]
    for x, y in zip(xs_train + xs_test, ys_train + ys_test, strict=True):
        assert y == 10.0 * x[0]  # pairs stay together


def test_the_default_holds_out_a_quarter_with_seed_0() -> None:
    xs, ys = numbered(40)
    assert nn.train_test_split(xs, ys) == nn.train_test_split(xs, ys, test_fraction=0.25, seed=0)
    assert len(nn.train_test_split(xs, ys)[1]) == 10


def test_the_same_seed_gives_the_same_split_and_another_seed_another() -> None:
    xs, ys = numbered(50)
    first = nn.train_test_split(xs, ys, seed=3)
    assert nn.train_test_split(xs, ys, seed=3) == first
    assert nn.train_test_split(xs, ys, seed=4)[1] != first[1]
    # the split is shuffled, not the first or last quarter
    test_indices = sorted(int(x[0]) for x in first[1])
    assert test_indices not in (list(range(13)), list(range(37, 50)))


def test_the_inputs_are_left_as_they_were() -> None:
    xs, ys = numbered(12)
    copies = ([list(x) for x in xs], list(ys))
    nn.train_test_split(xs, ys, seed=1, stratify=True)
    assert (xs, ys) == copies


def test_stratified_split_keeps_each_class_share() -> None:
    # 30 of class 0 and 10 of class 1: a quarter held out is 10 samples, 7.5 : 2.5 ideally
    ys = [0] * 30 + [1] * 10
    xs = list(range(40))
    for seed in range(5):
        _, xs_test, ys_train, ys_test = nn.train_test_split(xs, ys, seed=seed, stratify=True)
        counts = Counter(ys_test)
        assert len(ys_test) == 10
        assert counts[0] in (7, 8) and counts[1] in (2, 3)
        assert Counter(ys_train) + counts == Counter(ys)
        for x, y in zip(xs_test, ys_test, strict=True):
            assert y == (0 if x < 30 else 1)


def test_stratification_is_exact_where_the_shares_are_whole() -> None:
    ys = [-1.0] * 20 + [1.0] * 20 + [2.0] * 40
    _, _, _, ys_test = nn.train_test_split(list(range(80)), ys, seed=0, stratify=True)
    assert Counter(ys_test) == {-1.0: 5, 1.0: 5, 2.0: 10}


def test_without_stratification_a_rare_class_can_be_missed() -> None:
    # the reason stratify exists: one seed's plain split holds out no sample of the rare class
    ys = [0] * 36 + [1] * 4
    missed = [
        seed for seed in range(30)
        if 1 not in nn.train_test_split(list(range(40)), ys, test_fraction=0.1, seed=seed)[3]
    ]
    assert missed
    for seed in missed:
        _, _, _, ys_test = nn.train_test_split(
            list(range(40)), ys, test_fraction=0.1, seed=seed, stratify=True
        )
        assert Counter(ys_test) == {0: 4}  # 0.4 of a rare sample rounds to none, 3.6 to 4
    _, _, _, ys_test = nn.train_test_split(list(range(40)), ys, test_fraction=0.25, stratify=True)
    assert Counter(ys_test) == {0: 9, 1: 1}


def test_stratify_by_other_labels_and_numpy_labels() -> None:
    xs = list(range(16))
    groups = ["a"] * 8 + ["b"] * 8
    _, xs_test, _, _ = nn.train_test_split(xs, [0.0] * 16, stratify=groups)
    assert sum(x < 8 for x in xs_test) == 2 and len(xs_test) == 4
    labels = np.array([0] * 8 + [1] * 8)
    _, _, _, ys_test = nn.train_test_split(xs, labels, stratify=True)
    assert Counter(int(y) for y in ys_test) == {0: 2, 1: 2}


def test_numpy_arrays_are_accepted_and_rows_come_back() -> None:
    xs = np.arange(20.0).reshape(10, 2)
    ys = np.arange(10.0)
    xs_train, xs_test, _, ys_test = nn.train_test_split(xs, ys, test_fraction=0.3)
    assert len(xs_test) == 3 and len(xs_train) == 7
    for x, y in zip(xs_test, ys_test, strict=True):
        assert list(x) == [2 * y, 2 * y + 1]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"test_fraction": 0.0}, ValueError, "test_fraction must be a number between 0 and 1"),
        ({"test_fraction": 1.0}, ValueError, "got 1.0"),
        ({"test_fraction": math.nan}, ValueError, "got nan"),
        ({"test_fraction": "0.2"}, ValueError, "got '0.2'"),
        ({"test_fraction": 0.99}, ValueError, "leaves 4 for testing and 0 for training"),
        ({"stratify": [0, 1]}, ValueError, "stratify has 2 labels for 4 samples"),
        ({"stratify": 3}, TypeError, "stratify must be True, False or a list of labels"),
        ({"seed": "x"}, TypeError, "seed must be an int"),
    ],
)
def test_bad_arguments_are_refused(kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        nn.train_test_split([1, 2, 3, 4], [1, 2, 3, 4], **kwargs)


def test_bad_data_is_refused_naming_it() -> None:
    with pytest.raises(ValueError, match=r"train_test_split: xs and ys differ in length \(3 and"):
        nn.train_test_split([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="need at least 2 samples"):
        nn.train_test_split([1], [1])
    with pytest.raises(TypeError, match="train_test_split: xs must be a list, a tuple or a NumPy"):
        nn.train_test_split(5, [1])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="cannot stratify by label"):
        nn.train_test_split([1, 2], [[0], [1]], stratify=True)
