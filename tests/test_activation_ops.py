"""leaky_relu, elu, softplus, gelu, silu and erf: values, derivatives, pictures and names."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Value, draw_graph, format_number, grad, numerical_gradient, parse_expression
from nn import ACTIVATIONS, MLP

OpOnValue = Callable[[Value], Value]

# name, the op on a Value, an independent float implementation of its value
OPS: list[tuple[str, OpOnValue, Callable[[float], float]]] = [
    ("leaky_relu", Value.leaky_relu, lambda x: x if x > 0 else 0.01 * x),
    ("elu", Value.elu, lambda x: x if x > 0 else math.exp(x) - 1),
    ("softplus", Value.softplus, lambda x: math.log(1 + math.exp(x))),
    ("gelu", Value.gelu, lambda x: x * (1 + math.erf(x / math.sqrt(2))) / 2),
    ("silu", Value.silu, lambda x: x / (1 + math.exp(-x))),
    ("erf", Value.erf, math.erf),
]
POINTS = [-3.1, -0.8, -0.05, 0.3, 1.7, 4.2]


def derivative(op: OpOnValue, x: float) -> float:
    leaf = Value(x)
    op(leaf).backward()
    return float(leaf.grad)


@pytest.mark.parametrize("x", POINTS)
@pytest.mark.parametrize(("name", "op", "value"), OPS, ids=[case[0] for case in OPS])
def test_value_matches_the_formula_and_derivative_matches_central_differences(
    name: str, op: OpOnValue, value: Callable[[float], float], x: float
) -> None:
    out = op(Value(x))
    assert out.op == name
    assert math.isclose(out.data, value(x), rel_tol=1e-12, abs_tol=1e-15)
    numeric = numerical_gradient(lambda v: op(v), [x], 0)
    assert math.isclose(derivative(op, x), numeric, rel_tol=1e-6, abs_tol=1e-8)


@pytest.mark.parametrize(
    ("op", "x", "expected_value", "expected_derivative"),
    [
        # known values, derived by hand
        (Value.softplus, 0.0, math.log(2), 0.5),
        (Value.gelu, 0.0, 0.0, 0.5),  # Φ(0) = 1/2
        (Value.gelu, 1.0, 0.8413447460685429, 0.8413447460685429 + math.exp(-0.5) / math.sqrt(
            2 * math.pi)),  # Φ(1), and Φ(1) + φ(1)
        (Value.silu, 0.0, 0.0, 0.5),
        (Value.elu, -1.0, math.exp(-1) - 1, math.exp(-1)),
        (Value.erf, 0.0, 0.0, 2 / math.sqrt(math.pi)),
        (lambda v: v.leaky_relu(0.2), -2.0, -0.4, 0.2),
    ],
)
def test_known_values(
    op: OpOnValue, x: float, expected_value: float, expected_derivative: float
) -> None:
    assert math.isclose(op(Value(x)).data, expected_value, rel_tol=1e-12, abs_tol=1e-15)
    assert math.isclose(derivative(op, x), expected_derivative, rel_tol=1e-12)


def test_the_kinks_take_the_left_slope_as_pytorch_does() -> None:
    assert derivative(Value.leaky_relu, 0.0) == 0.01
    assert derivative(lambda v: v.leaky_relu(0.3), 0.0) == 0.3
    assert derivative(Value.elu, 0.0) == 1.0
    assert derivative(lambda v: v.elu(2.0), 0.0) == 2.0
    assert derivative(lambda v: v.elu(2.0), 0.5) == 1.0


@pytest.mark.parametrize("x", [-1000.0, 1000.0, -1e300, 1e300])
@pytest.mark.parametrize(("name", "op", "value"), OPS, ids=[case[0] for case in OPS])
def test_no_overflow_at_large_inputs(
    name: str, op: OpOnValue, value: Callable[[float], float], x: float
) -> None:
    leaf = Value(x)
    out = op(leaf)
    out.backward()
    assert math.isfinite(out.data) and math.isfinite(leaf.grad)


def test_softplus_far_out_is_relu_and_its_slope_is_sigmoid() -> None:
    assert Value(1000.0).softplus().data == 1000.0
    assert Value(-1000.0).softplus().data == 0.0
    assert derivative(Value.softplus, 1000.0) == 1.0
    assert derivative(Value.softplus, -1000.0) == 0.0
    assert Value(-40.0).softplus().data == pytest.approx(math.exp(-40.0), rel=1e-12)


@given(st.floats(-4, 4).filter(lambda x: abs(x) > 1e-3))
def test_second_derivatives_match_hand_derivations(x: float) -> None:
    s = 1 / (1 + math.exp(-x))
    density = math.exp(-x * x / 2) / math.sqrt(2 * math.pi)
    cases: list[tuple[OpOnValue, float]] = [
        (Value.softplus, s * (1 - s)),  # σ'
        (Value.gelu, density * (2 - x * x)),  # d/dx (Φ + x φ) = 2φ - x² φ
        (Value.silu, s * (1 - s) * (2 + x * (1 - 2 * s))),
        (Value.elu, 0.0 if x > 0 else math.exp(x)),
        (Value.leaky_relu, 0.0),
        (Value.erf, -4 * x * math.exp(-x * x) / math.sqrt(math.pi)),
    ]
    for op, expected in cases:
        assert math.isclose(grad(grad(op))(x), expected, rel_tol=1e-9, abs_tol=1e-12)


@pytest.mark.parametrize(("name", "bad"), [("leaky_relu", math.inf), ("elu", math.nan)])
def test_a_non_finite_constant_is_refused_naming_the_op(name: str, bad: float) -> None:
    with pytest.raises(ValueError, match=rf"^{name}: .* must be finite, got {bad!r}"):
        getattr(Value(1.0), name)(bad)
    with pytest.raises(TypeError, match=rf"^{name}: .*expected a real number, got str"):
        getattr(Value(1.0), name)("0.1")


def test_each_op_is_drawn_with_its_local_derivative() -> None:
    x = Value(-0.5, label="x")
    for name, op, _ in OPS:
        dot = draw_graph(op(x), local_derivatives=True).source
        assert re.search(rf'label="?{name}"?[ \]]', dot), dot
        # the edge x -> op carries d op/dx at x = -0.5
        local = format_number(derivative(op, -0.5), 4)
        assert re.search(rf'v0 -> op1 \[label="?{re.escape(local)}"? fontcolor=red', dot), dot


@pytest.mark.parametrize("name", ["leaky_relu", "elu", "softplus", "gelu", "silu", "erf"])
def test_the_command_line_whitelist_accepts_each_op(name: str) -> None:
    out = parse_expression(f"{name}(2 * x) + x.{name}()", {"x": -0.7})
    method = getattr(Value, name)
    expected = method(Value(-1.4)).data + method(Value(-0.7)).data
    assert out.data == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("name", ["leaky_relu", "elu", "softplus", "gelu", "silu"])
def test_mlp_accepts_each_activation_by_name(name: str) -> None:
    assert name in ACTIVATIONS
    model = MLP(2, [3, 1], activation=name, seed=0)
    hidden = model.layers[0]([0.4, -1.1])
    method = getattr(Value, name)
    for neuron, h in zip(model.layers[0].neurons, hidden, strict=True):
        z = sum(w.data * x for w, x in zip(neuron.w, [0.4, -1.1], strict=True)) + neuron.b.data
        assert h.data == pytest.approx(method(Value(z)).data, rel=1e-12)
        assert h.op == name


def test_graphs_with_the_new_ops_copy_and_pickle_with_their_constants() -> None:
    import copy
    import pickle

    x = Value(-0.5, label="x")
    y = x.leaky_relu(0.2) + x.elu(2.0) + x.softplus() + x.gelu() + x.silu() + x.erf()
    y.backward()
    for twin in (copy.deepcopy(y), pickle.loads(pickle.dumps(y))):
        (x_twin,) = {node for node in autograd.topological_order(twin) if node.label == "x"}
        x_twin.grad = 0.0
        twin.backward()
        assert twin.data == y.data
        assert x_twin.grad == x.grad  # the slope 0.2 and alpha 2.0 came along
