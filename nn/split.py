"""``train_test_split``: hold out part of a data set, to measure error on inputs not trained on."""

from __future__ import annotations

import math
import numbers
import random
from collections.abc import Hashable, Sequence
from typing import Any

from autograd.value import is_real_number

from .layers import random_source
from .sequences import ListLike, as_list, is_sequence

_UNSET: Any = object()  # an argument not given (None means something for seed)


def train_test_split(
    xs: ListLike,
    ys: ListLike,
    test_fraction: float = _UNSET,
    seed: int | random.Random | None = _UNSET,
    stratify: bool | Sequence[Hashable] = False,
    *,
    test_size: float | int | None = None,
    random_state: int | random.Random | None = _UNSET,
) -> tuple[Any, Any, Any, Any]:
    """Split the samples (xs[i], ys[i]) at random into a training set and a held-out test set.

    Returns ``(xs_train, xs_test, ys_train, ys_test)``, scikit-learn's order. The test set has
    ceil(test_fraction · n) samples, the training set the rest; both must be non-empty. The
    samples are drawn in a random order from ``random.Random(seed)``, so the same seed gives
    the same split on every run (None draws a fresh one). Each sample keeps its pairing.

    ``stratify=True`` keeps the proportion of each label of ``ys`` the same in both sets (as
    nearly as whole numbers allow), which matters for small or unbalanced classification data;
    a sequence of labels (one per sample) stratifies by those instead, as scikit-learn's
    ``stratify=`` does.

    scikit-learn's names work too: ``test_size`` (a fraction in (0, 1), or a whole number of
    test samples) for ``test_fraction``, and ``random_state`` for ``seed``; give one name of
    each pair, not both. (The split is drawn with Python's ``random``, so it has
    scikit-learn's sizes and order of results but not its exact samples.) Given NumPy arrays
    (or pandas objects), it returns NumPy arrays (or pandas objects) of the same kind, taken
    with ``take``; given lists, lists.

    >>> xs_train, xs_test, ys_train, ys_test = train_test_split(list(range(8)), [0, 1] * 4)
    >>> len(xs_train), len(xs_test)
    (6, 2)
    """
    given_xs, given_ys = xs, ys
    xs, ys = _checked_samples(xs, ys)
    n = len(xs)
    n_test, asked = _test_count(n, test_fraction, test_size)
    if not 0 < n_test < n:
        raise ValueError(
            f"train_test_split: {asked} of {n} samples leaves {n_test} for testing and "
            f"{n - n_test} for training; both need at least one"
        )
    rng = random_source(_one_of("seed", seed, "random_state", random_state, default=0))
    labels = _stratification_labels(stratify, ys, n)
    if labels is None:
        order = list(range(n))
        rng.shuffle(order)
        test, train = order[:n_test], order[n_test:]
    else:
        test, train = _stratified(labels, n_test, rng)
    return (
        _taken(given_xs, xs, train),
        _taken(given_xs, xs, test),
        _taken(given_ys, ys, train),
        _taken(given_ys, ys, test),
    )


def _one_of(name: str, value: Any, other_name: str, other: Any, default: Any) -> Any:
    """The value given under either of two names for one argument; both given is an error."""
    if value is not _UNSET and other is not _UNSET:
        raise ValueError(
            f"train_test_split: give {name} or {other_name} (scikit-learn's name), not both; "
            f"got {name}={value!r} and {other_name}={other!r}"
        )
    if value is not _UNSET:
        return value
    return default if other is _UNSET else other


def _test_count(n: int, test_fraction: Any, test_size: Any) -> tuple[int, str]:
    """How many of the n samples go to the test set, and the argument that said so."""
    size = _one_of("test_fraction", test_fraction, "test_size", _UNSET if test_size is None
                   else test_size, default=0.25)
    name = "test_size" if test_size is not None else "test_fraction"
    if isinstance(size, numbers.Integral) and not isinstance(size, bool) and name == "test_size":
        return int(size), f"test_size={size!r}"  # scikit-learn: an int is a number of samples
    if not is_real_number(size) or not 0.0 < float(size) < 1.0:
        whole = " or a whole number of samples" if name == "test_size" else ""
        raise ValueError(
            f"train_test_split: {name} must be a number between 0 and 1{whole}, got {size!r}"
        )
    return math.ceil(float(size) * n - 1e-9), f"{name}={size!r}"  # 0.25 · 100 is 25, not 26


def _taken(given: Any, items: list[Any], indices: list[int]) -> Any:
    """The samples at ``indices``: of the kind given (a NumPy array's ``take``), else a list."""
    take = getattr(given, "take", None)
    if not isinstance(given, (list, tuple)) and hasattr(given, "__array__") and callable(take):
        return take(indices, axis=0)
    return [items[i] for i in indices]


def _checked_samples(xs: ListLike, ys: ListLike) -> tuple[list[Any], list[Any]]:
    """xs and ys as lists (from tuples or NumPy arrays too), of equal length, at least 2."""
    xs = as_list(xs, "train_test_split", "xs")
    ys = as_list(ys, "train_test_split", "ys")
    if len(xs) != len(ys):
        raise ValueError(
            f"train_test_split: xs and ys differ in length ({len(xs)} and {len(ys)})"
        )
    if len(xs) < 2:
        raise ValueError(f"train_test_split: need at least 2 samples to split, got {len(xs)}")
    return xs, ys


def _stratification_labels(
    stratify: bool | Sequence[Hashable], ys: Sequence[Any], n: int
) -> list[Hashable] | None:
    """The label of each sample to stratify by, or None for a plain random split."""
    if stratify is False:
        return None
    if stratify is not True and not is_sequence(stratify):
        raise TypeError(
            f"train_test_split: stratify must be True, False or a list of labels, got {stratify!r}"
        )
    source = ys if stratify is True else as_list(stratify, "train_test_split", "stratify")
    if len(source) != n:
        raise ValueError(
            f"train_test_split: stratify has {len(source)} labels for {n} samples"
        )
    labels = []
    for position, label in enumerate(source):
        if is_real_number(label):
            label = float(label)  # 1, 1.0 and numpy.int64(1) are one class
        elif not isinstance(label, Hashable):
            raise TypeError(
                f"train_test_split: cannot stratify by label {label!r} of sample {position}; "
                f"labels must be numbers or other hashable values"
            )
        labels.append(label)
    return labels


def _stratified(
    labels: list[Hashable], n_test: int, rng: random.Random
) -> tuple[list[int], list[int]]:
    """Test and training indices with each class's share of the test set as near to its
    share of the data as whole numbers allow (largest remainders get the spare places)."""
    classes: dict[Hashable, list[int]] = {}
    for index, label in enumerate(labels):
        classes.setdefault(label, []).append(index)
    n = len(labels)
    quotas = {label: len(members) * n_test / n for label, members in classes.items()}
    counts = {label: math.floor(quota) for label, quota in quotas.items()}
    spare = n_test - sum(counts.values())
    by_remainder = sorted(classes, key=lambda label: counts[label] - quotas[label])
    for label in by_remainder[:spare]:  # sorted is stable: ties go to the first class seen
        counts[label] += 1
    test: list[int] = []
    train: list[int] = []
    for label, members in classes.items():
        shuffled = list(members)
        rng.shuffle(shuffled)
        test.extend(shuffled[: counts[label]])
        train.extend(shuffled[counts[label] :])
    rng.shuffle(test)
    rng.shuffle(train)
    return test, train
