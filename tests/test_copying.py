"""Graphs can be pickled and deep-copied, however deep, keeping shared nodes shared."""

from __future__ import annotations

import copy
import math
import pickle
from collections.abc import Callable
from typing import Any

import pytest

from autograd import Parameter, Value, gradients
from autograd.op import SINGULAR

COPIES: list[Callable[[Any], Any]] = [
    lambda thing: pickle.loads(pickle.dumps(thing)),
    copy.deepcopy,
]
COPY_IDS = ["pickle", "deepcopy"]


@pytest.mark.parametrize("copied", COPIES, ids=COPY_IDS)
def test_a_copied_graph_backpropagates_like_the_original(copied: Callable[[Any], Any]) -> None:
    x = Parameter(0.5, label="x")
    y = (x * x + 3.0 * x).tanh()  # x is used twice: two edges into one node
    twin = copied(y)
    assert twin is not y and twin.data == y.data and twin.op == "tanh"
    square = twin.inputs[0].inputs[0]
    x_twin = square.inputs[0]
    assert square.inputs[1] is x_twin and x_twin is not x
    assert type(x_twin) is Parameter and x_twin.label == "x"
    assert twin._op is y._op and square._op is (x * x)._op  # the engine's own ops again
    twin.backward()
    # by hand: d tanh(u)/dx = (1 - tanh(u)^2) (2x + 3), u = x^2 + 3x
    u = 0.5**2 + 3 * 0.5
    assert x_twin.grad == pytest.approx((1 - math.tanh(u) ** 2) * (2 * 0.5 + 3), rel=1e-12)
    assert x.grad == 0.0  # the original is untouched


@pytest.mark.parametrize("copied", COPIES, ids=COPY_IDS)
def test_values_copied_together_keep_sharing_their_inputs(copied: Callable[[Any], Any]) -> None:
    a = Value(2.0, label="a")
    b = a * 3.0
    c = b + a
    a2, b2, c2 = copied([a, b, c])
    assert c2.inputs == (b2, a2) and b2.inputs[0] is a2


@pytest.mark.parametrize("copied", COPIES, ids=COPY_IDS)
def test_a_chain_of_ten_thousand_nodes_copies(copied: Callable[[Any], Any]) -> None:
    x = Value(1.0, label="x")
    y = x
    for _ in range(10_000):
        y = y * 1.0001
    twin = copied(y)
    leaf = twin
    depth = 0
    while leaf.inputs:
        leaf, depth = leaf.inputs[0], depth + 1
    assert depth == 10_000 and leaf.label == "x"
    twin.backward()
    assert leaf.grad == pytest.approx(1.0001**10_000, rel=1e-9)  # d(x c^n)/dx = c^n


@pytest.mark.parametrize("copied", COPIES, ids=COPY_IDS)
def test_gradients_recorded_by_create_graph_are_copied_too(copied: Callable[[Any], Any]) -> None:
    x = Value(3.0, label="x")
    y = x * x * x
    y.backward(create_graph=True)
    x_twin = copied(x)
    assert isinstance(x_twin.grad, Value) and x_twin.grad is not x.grad
    assert x_twin.grad.data == 27.0  # dy/dx = 3 x^2, by hand
    (second,) = gradients(x_twin.grad, (x_twin,))
    assert float(second) == 18.0  # d(3 x^2)/dx = 6 x, by hand, through the copied graph


def test_pole_nodes_and_powers_copy() -> None:
    x = Value(0.0, label="x")
    y = x.sqrt() ** 2
    twin = copy.deepcopy(y)
    assert twin.op == "**2" and twin.inputs[0].op == "sqrt"
    assert copy.deepcopy(SINGULAR) is SINGULAR
    assert pickle.loads(pickle.dumps(SINGULAR)) is SINGULAR


@pytest.mark.parametrize("copied", COPIES, ids=COPY_IDS)
def test_a_deep_graph_copies_after_create_graph(copied: Callable[[Any], Any]) -> None:
    # each grad recorded by create_graph refers back into the graph: the nodes form loops
    x = Value(0.5, label="x")
    y = x
    for _ in range(5000):
        y = y.tanh()
    y.backward(create_graph=True)
    y_twin = copied(y)
    x_twin = copied(x)  # a second copy, starting from the other end
    leaf = y_twin
    while leaf.inputs:
        leaf = leaf.inputs[0]
    assert leaf.label == "x" and isinstance(leaf.grad, Value)
    # by hand: dy/dx = prod over the chain of 1 - tanh(t_i)^2, t_0 = x, t_(i+1) = tanh(t_i)
    t, slope = 0.5, 1.0
    for _ in range(5000):
        t = math.tanh(t)
        slope *= 1.0 - t * t
    assert leaf.grad.data == pytest.approx(slope, rel=1e-9)
    assert isinstance(x_twin.grad, Value) and x_twin.grad.data == pytest.approx(slope, rel=1e-9)
    assert leaf is not x and x_twin is not x and x.grad.data == pytest.approx(slope, rel=1e-9)
