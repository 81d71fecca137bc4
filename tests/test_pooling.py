"""MaxPool2d, AvgPool2d and autograd.max: hand-computed values, gradient routing, differences."""

from __future__ import annotations

import math

import pytest

import autograd
from autograd import Value
from nn import AvgPool2d, MaxPool2d
from nn.shapes import flatten

from .convnet_oracle import check_gradients, image, weighted_sum


def test_max_is_one_node_whose_gradient_goes_to_the_winner() -> None:
    a, b, c = Value(1.0), Value(5.0), Value(2.0)
    m = autograd.max([a, b, c])
    assert m.data == 5.0 and m.op == "max" and m.inputs == (a, b, c)
    (m * 3.0).backward()
    assert (a.grad, b.grad, c.grad) == (0.0, 3.0, 0.0)


def test_max_gives_a_tie_to_the_first_and_a_nan_wins() -> None:
    a, b = Value(2.0), Value(2.0)
    autograd.max([a, b]).backward()
    assert (a.grad, b.grad) == (1.0, 0.0)
    x, y = Value(1.0), Value(math.nan)
    out = autograd.max([x, y, 3.0])
    assert math.isnan(out.data)
    out.backward()
    assert (x.grad, y.grad) == (0.0, 1.0)


def test_max_refuses_nothing_and_non_numbers() -> None:
    with pytest.raises(ValueError, match="max: no values given"):
        autograd.max([])
    with pytest.raises(TypeError, match="max: expected Values or real numbers, got str 'a'"):
        autograd.max([Value(1.0), "a"])  # type: ignore[list-item]


def test_max_differentiates_twice() -> None:
    # f(a, b) = max(a, b)² with b the winner: ∂f/∂b = 2b = 8, ∂²f/∂b² = 2, ∂f/∂a = 0
    def f(a: Value, b: Value) -> Value:
        return autograd.max([a, b]) ** 2

    assert autograd.grad(f, (0, 1))(1.0, 4.0) == (0.0, 8.0)
    assert autograd.grad(autograd.grad(f, 1), 1)(1.0, 4.0) == 2.0


ROWS = [[[1.0, 5.0, 2.0, 0.0], [3.0, 4.0, 8.0, 1.0], [0.0, 2.0, 6.0, 7.0], [9.0, 1.0, 3.0, 3.0]]]


def values(grid: list[list[list[float]]]) -> list[list[list[Value]]]:
    return [[[Value(p) for p in row] for row in channel] for channel in grid]


def test_max_pool_by_hand_routes_each_gradient_to_its_window_winner() -> None:
    x = values(ROWS)
    y = MaxPool2d(2)(x)
    assert [[v.data for v in row] for row in y[0]] == [[5.0, 8.0], [9.0, 7.0]]
    autograd.sum(flatten(y)).backward()
    grads = [[v.grad for v in row] for row in x[0]]
    assert grads == [
        [0.0, 1.0, 0.0, 0.0],
        [0.0, 0.0, 1.0, 0.0],
        [0.0, 0.0, 0.0, 1.0],
        [1.0, 0.0, 0.0, 0.0],
    ]


def test_avg_pool_by_hand_shares_each_gradient_equally() -> None:
    x = values(ROWS)
    y = AvgPool2d(2)(x)
    assert [[v.data for v in row] for row in y[0]] == [[13 / 4, 11 / 4], [12 / 4, 19 / 4]]
    autograd.sum(flatten(y)).backward()
    assert all(v.grad == 0.25 for row in x[0] for v in row)


def test_overlapping_windows_with_a_stride() -> None:
    x = values(ROWS)
    y = MaxPool2d(3, stride=1)(x)
    assert [[v.data for v in row] for row in y[0]] == [[8.0, 8.0], [9.0, 8.0]]
    y = AvgPool2d((2, 4), stride=(2, 1))(x)  # one window per row pair; columns fit once
    assert [[v.data for v in row] for row in y[0]] == [[24 / 8], [31 / 8]]


def test_windows_past_the_edge_are_dropped_as_in_pytorch() -> None:
    y = MaxPool2d(2)(image(3, 5, 7))
    assert (len(y), len(y[0]), len(y[0][0])) == (3, 2, 3)


@pytest.mark.parametrize("pool", [MaxPool2d(2), MaxPool2d(3, stride=2), AvgPool2d(2, stride=1)])
def test_pool_gradients_match_central_differences(pool: MaxPool2d | AvgPool2d) -> None:
    x = image(2, 5, 5, seed=3)  # distinct random values: no ties, max is differentiable
    check_gradients(lambda: weighted_sum(pool(x)), flatten(x))


def test_pools_hold_no_parameters_and_describe_themselves() -> None:
    pool = MaxPool2d(2)
    assert pool.parameters() == []
    assert repr(pool) == "MaxPool2d(kernel_size=(2, 2), stride=(2, 2))"
    assert repr(AvgPool2d(3, stride=1)) == "AvgPool2d(kernel_size=(3, 3), stride=(1, 1))"
    assert AvgPool2d(2).architecture() == {
        "type": "AvgPool2d",
        "kernel_size": [2, 2],
        "stride": [2, 2],
    }


def test_shape_errors_name_the_pool_and_both_shapes() -> None:
    with pytest.raises(
        ValueError, match=r"MaxPool2d\(kernel_size=\(3, 3\).*H >= 3 and W >= 3, got \[1\]\[2\]\[4\]"
    ):
        MaxPool2d(3)(image(1, 2, 4))
    with pytest.raises(ValueError, match=r"AvgPool2d.*\[C\]\[H\]\[W\].*got \[4\]\[4\]"):
        AvgPool2d(2)([[1.0] * 4] * 4)
    with pytest.raises(ValueError, match="MaxPool2d: kernel_size must be an int >= 1, got 0"):
        MaxPool2d(0)
