"""The rolled programs' scatter-add sums the uses of each slot in order, one by one."""

from __future__ import annotations

import random

import pytest

from autograd.compiler.array_runtime import Scatter

np = pytest.importorskip("numpy")


def one_by_one(values: list[float], index: list[int], size: int) -> list[float]:
    """Each value added into its slot in turn, left to right: the engine's order."""
    out = [0.0] * size
    for value, slot in zip(values, index, strict=True):
        out[slot] += value
    return out


@pytest.mark.parametrize("uses", [2, 16, 17, 40])  # a node used that many times, at most
def test_a_scatter_of_repeated_uses_adds_them_in_order_for_each_row(uses: int) -> None:
    rng = random.Random(uses)
    size = 5
    index = [rng.randrange(size) for _ in range(size * uses)]
    index[:size] = range(size)  # every slot used, some many times, in a shuffled order
    rng.shuffle(index)
    rows = [[rng.uniform(-1, 1) * 10 ** rng.randint(-8, 8) for _ in index] for _ in range(3)]
    scatter = Scatter(np, np.array(index), size)
    assert not (scatter.injective or scatter.tiled or scatter.repeated)
    summed = scatter(np.array(rows))
    assert summed.shape == (3, size)
    for row, got in zip(rows, summed.tolist(), strict=True):
        assert got == one_by_one(row, index, size)  # exactly: the same additions in order
    alone = scatter(np.array(rows[1]))  # one example, then a batch of two: slots per row
    assert alone.tolist() == one_by_one(rows[1], index, size)
    assert scatter(np.array(rows[:2])).tolist() == [one_by_one(r, index, size) for r in rows[:2]]


def test_a_scatter_keeps_nan_and_infinity_where_they_land() -> None:
    scatter = Scatter(np, np.array([0, 1, 0, 0]), 3)
    got = scatter(np.array([1.0, float("inf"), float("nan"), 2.0])).tolist()
    assert got[1] == float("inf") and got[0] != got[0] and got[2] == 0.0
