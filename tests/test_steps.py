"""Tests for backprop_steps: replaying the steps is backward(), and no .grad is touched."""

from __future__ import annotations

import inspect
import math
from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import autograd
from autograd import Parameter, Value, backprop_steps, numerical_gradient, topological_order
from autograd.examples import house_price

# ---- random graphs using every operation, staying inside each one's domain ----------------------

UNARY = ["neg", "abs", "exp", "log", "sqrt", "tanh", "sigmoid", "relu", "sin", "cos",
         "square", "cube", "reciprocal", "root"]
BINARY = ["+", "-", "*", "/", "**"]
NARY = ["sum", "dot"]


def positive(v: Value) -> Value:
    """v * v + 0.5: a node that is always inside log's, sqrt's and 1/x's domain."""
    return v * v + 0.5


def apply_unary(name: str, v: Value) -> Value:
    if name == "neg":
        return -v
    if name == "abs":
        return abs(v)
    if name == "exp":
        return v.tanh().exp()  # the exponent stays in (-1, 1): no overflow
    if name == "log":
        return positive(v).log()
    if name == "sqrt":
        return positive(v).sqrt()
    if name == "square":
        return v**2
    if name == "cube":
        return v**3
    if name == "reciprocal":
        return positive(v) ** -1
    if name == "root":
        return positive(v) ** 0.5
    return getattr(v, name)()


def apply_binary(name: str, a: Value, b: Value) -> Value:
    if name == "+":
        return a + b
    if name == "-":
        return a - b
    if name == "*":
        return a * b
    if name == "/":
        return a / positive(b)
    return positive(a) ** b.tanh()  # positive base, exponent in (-1, 1)


# One operation of a recipe: its kind, its name, and the indices of the nodes it uses.
Operation = tuple[str, str, tuple[int, ...]]


@dataclass(frozen=True)
class Recipe:
    """A random graph as instructions, so it can be rebuilt at other input values."""

    point: tuple[float, ...]  # the leaves' values
    parameters: tuple[bool, ...]  # which leaves are Parameters
    operations: tuple[Operation, ...]

    def build(self, leaves: Sequence[Value]) -> list[Value]:
        """Every node: the leaves, then one node per operation, the root last."""
        nodes = list(leaves)
        for kind, name, picked in self.operations:
            chosen = [nodes[i] for i in picked]
            if kind == "unary":
                node = apply_unary(name, chosen[0])
            elif kind == "binary":
                node = apply_binary(name, chosen[0], chosen[1])
            elif name == "sum":
                node = autograd.sum(chosen)
            else:
                node = autograd.dot(chosen, list(reversed(chosen)))
            nodes.append(node)
        return nodes

    def leaves(self) -> list[Value]:
        return [
            (Parameter if is_parameter else Value)(x, label=f"x{i}")
            for i, (x, is_parameter) in enumerate(zip(self.point, self.parameters, strict=True))
        ]


@st.composite
def recipes(draw: st.DrawFn) -> Recipe:
    """Leaves (some Parameters), then operations on nodes drawn from everything built so far."""
    point = draw(st.lists(st.floats(-2.0, 2.0), min_size=1, max_size=4))
    parameters = [draw(st.booleans()) for _ in point]
    operations: list[Operation] = []
    for _ in range(draw(st.integers(1, 12))):
        pick = st.integers(0, len(point) + len(operations) - 1)
        kind = draw(st.sampled_from(["unary", "binary", "nary"]))
        if kind == "unary":
            operations.append((kind, draw(st.sampled_from(UNARY)), (draw(pick),)))
        elif kind == "binary":  # the same node may stand on both sides: a + a
            operations.append((kind, draw(st.sampled_from(BINARY)), (draw(pick), draw(pick))))
        else:
            picked = tuple(draw(st.lists(pick, min_size=1, max_size=4)))
            operations.append((kind, draw(st.sampled_from(NARY)), picked))
    return Recipe(tuple(point), tuple(parameters), tuple(operations))


def graphs() -> st.SearchStrategy[list[Value]]:
    """The nodes of a random recipe, built at its own point."""
    return recipes().map(lambda recipe: recipe.build(recipe.leaves()))


def same_float(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


@given(graphs())
def test_replaying_the_steps_gives_exactly_what_backward_gives(nodes: list[Value]) -> None:
    root = nodes[-1]
    order = topological_order(root)
    for i, node in enumerate(order):  # sentinel grads: the steps must neither read nor write them
        node.grad = 1000.0 + i
    steps = list(backprop_steps(root))
    assert [node.grad for node in order] == [1000.0 + i for i in range(len(order))]

    replayed: dict[Value, float] = {root: 1.0}
    for step in steps:
        assert same_float(step.grad, replayed.get(step.node, 0.0))
        for part in step.contributions:
            replayed[part.input] = replayed.get(part.input, 0.0) + part.contribution

    for node in order:
        node.grad = 0.0
    root.backward()
    for node in order:
        assert same_float(replayed.get(node, 0.0), node.grad), node


@given(graphs())
def test_one_step_per_interior_node_in_reverse_topological_order(nodes: list[Value]) -> None:
    root = nodes[-1]
    steps = list(backprop_steps(root))
    interior = [node for node in reversed(topological_order(root)) if not node.is_leaf]
    assert [step.node for step in steps] == interior
    assert [step.index for step in steps] == list(range(len(steps)))
    for step in steps:
        assert tuple(part.input for part in step.contributions) == step.node.inputs
        for part in step.contributions:
            assert same_float(part.contribution, part.local_derivative * step.grad)


@pytest.mark.parametrize(("root", "shown"), [(5, "int 5"), ("x", "str 'x'")])
def test_a_root_that_is_not_a_value_is_refused_at_the_call(root: object, shown: str) -> None:
    with pytest.raises(TypeError) as caught:
        backprop_steps(root)  # type: ignore[arg-type]  # refused before the first next()
    assert str(caught.value) == f"backprop_steps: root must be a Value, got {shown}"


def test_backprop_steps_is_a_lazy_generator() -> None:
    steps = backprop_steps(house_price().loss)
    assert inspect.isgenerator(steps)
    assert next(steps).index == 0


def test_house_price_steps_match_the_hand_derivation() -> None:
    house = house_price()
    theta1, theta2, x, y = 50_000.0, 163.0, 2_500.0, 500_000.0
    c2 = theta1 + theta2 * x - y
    steps = list(backprop_steps(house.loss))
    assert [s.node for s in steps] == [house.loss, house.c2, house.y_pred, house.c1]
    assert [s.grad for s in steps] == [1.0, 2 * c2, 2 * c2, 2 * c2]
    last = steps[-1].contributions
    assert [part.input for part in last] == [house.theta2, house.x]
    assert [part.local_derivative for part in last] == [x, theta2]  # d(theta2 x) = x, theta2
    assert last[0].contribution == 2 * c2 * x == -2.125e8


def test_a_leaf_root_has_no_steps_and_a_plus_a_sends_twice() -> None:
    a = Value(3.0, label="a")
    assert list(backprop_steps(a)) == []
    (step,) = backprop_steps(a + a)
    assert [(p.input, p.contribution) for p in step.contributions] == [(a, 1.0), (a, 1.0)]


def replayed_gradients(root: Value) -> dict[Value, float]:
    """d root/d node for every node, by adding up the contributions of backprop_steps(root)."""
    replayed: dict[Value, float] = {root: 1.0}
    for step in backprop_steps(root):
        for part in step.contributions:
            replayed[part.input] = replayed.get(part.input, 0.0) + part.contribution
    return replayed


def test_replayed_leaf_gradients_agree_with_central_differences() -> None:
    def f(a: Value, b: Value, c: Value) -> Value:  # c is used twice and by two paths
        return (a * b + a.sin()).tanh() * (b / (a * a + 1.0)) + c * c.exp() - c

    point = [0.7, -1.3, 0.4]
    leaves = [Value(x) for x in point]
    replayed = replayed_gradients(f(*leaves))
    for i, leaf in enumerate(leaves):
        assert math.isclose(replayed[leaf], numerical_gradient(f, point, i), rel_tol=1e-6)


KINKS = ("abs", "relu")  # their derivative jumps at 0, where central differences average it
SAFE_MAGNITUDE = 1e3  # larger values lose too many digits to a difference quotient


@settings(max_examples=60)
@given(recipes())
def test_every_inputs_replayed_gradient_agrees_with_central_differences(recipe: Recipe) -> None:
    leaves = recipe.leaves()
    nodes = recipe.build(leaves)
    root = nodes[-1]
    order = topological_order(root)
    assume(all(math.isfinite(node.data) and abs(node.data) < SAFE_MAGNITUDE for node in order))
    assume(all(abs(node.inputs[0].data) > 1e-3 for node in order if node.op in KINKS))
    replayed = replayed_gradients(root)
    scale = 1.0 + max(abs(node.data) for node in order)

    def f(*xs: Value) -> Value:
        return recipe.build(xs)[-1]

    for i, leaf in enumerate(leaves):  # every input, used by the root or not (then 0)
        numeric = numerical_gradient(f, list(recipe.point), i)
        analytic = replayed.get(leaf, 0.0)
        assert math.isclose(analytic, numeric, rel_tol=1e-4, abs_tol=1e-6 * scale), (i, leaf)
