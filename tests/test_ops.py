"""Each operation: its value against ``math`` and its derivative against a hand derivation."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from autograd import Value, numerical_gradient

UnaryCase = tuple[str, Callable[[Value], Value], Callable[[float], float], Callable[[float], float]]

# name, the op on a Value, its value by math, its derivative derived by hand
UNARY: list[UnaryCase] = [
    ("neg", lambda v: -v, lambda x: -x, lambda x: -1.0),
    ("abs", abs, abs, lambda x: math.copysign(1.0, x)),
    ("exp", Value.exp, math.exp, math.exp),
    ("log", Value.log, math.log, lambda x: 1 / x),
    ("sqrt", Value.sqrt, math.sqrt, lambda x: 0.5 / math.sqrt(x)),
    ("tanh", Value.tanh, math.tanh, lambda x: 1 / math.cosh(x) ** 2),
    ("sigmoid", Value.sigmoid, lambda x: 1 / (1 + math.exp(-x)),
     lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2),
    ("relu", Value.relu, lambda x: max(x, 0.0), lambda x: 1.0 if x > 0 else 0.0),
    ("sin", Value.sin, math.sin, math.cos),
    ("cos", Value.cos, math.cos, lambda x: -math.sin(x)),
    ("square", lambda v: v**2, lambda x: x * x, lambda x: 2 * x),
    ("cube", lambda v: v**3, lambda x: x**3, lambda x: 3 * x * x),
    ("reciprocal", lambda v: v**-1, lambda x: 1 / x, lambda x: -1 / (x * x)),
    ("root", lambda v: v**0.5, math.sqrt, lambda x: 0.5 / math.sqrt(x)),
]

POINTS = [0.3, 1.7, 2.5, -0.8, -2.2]


UNARY_AT_POINTS = [
    pytest.param(*case, x, id=f"{case[0]}({x})")
    for case in UNARY
    for x in POINTS
    if not (case[0] in ("log", "sqrt", "root") and x <= 0)
]


@pytest.mark.parametrize(("name", "op", "value", "derivative", "x"), UNARY_AT_POINTS)
def test_unary_value_and_derivative(
    name: str,
    op: Callable[[Value], Value],
    value: Callable[[float], float],
    derivative: Callable[[float], float],
    x: float,
) -> None:
    leaf = Value(x)
    out = op(leaf)
    assert math.isclose(out.data, value(x), rel_tol=1e-12)
    out.backward()
    assert math.isclose(leaf.grad, derivative(x), rel_tol=1e-12, abs_tol=1e-15)


BinaryCase = tuple[
    str,
    Callable[[Value, Value], Value],
    Callable[[float, float], float],
    Callable[[float, float], tuple[float, float]],
]

BINARY: list[BinaryCase] = [
    ("add", lambda a, b: a + b, lambda a, b: a + b, lambda a, b: (1.0, 1.0)),
    ("sub", lambda a, b: a - b, lambda a, b: a - b, lambda a, b: (1.0, -1.0)),
    ("mul", lambda a, b: a * b, lambda a, b: a * b, lambda a, b: (b, a)),
    ("div", lambda a, b: a / b, lambda a, b: a / b, lambda a, b: (1 / b, -a / (b * b))),
    ("pow", lambda a, b: a**b, lambda a, b: a**b,
     lambda a, b: (b * a ** (b - 1), a**b * math.log(a))),
]


@pytest.mark.parametrize(("name", "op", "value", "derivatives"), BINARY, ids=[c[0] for c in BINARY])
@pytest.mark.parametrize(("a", "b"), [(1.5, 2.0), (0.7, -1.3), (2.2, 0.4)])
def test_binary_value_and_derivatives(
    name: str,
    op: Callable[[Value, Value], Value],
    value: Callable[[float, float], float],
    derivatives: Callable[[float, float], tuple[float, float]],
    a: float,
    b: float,
) -> None:
    left, right = Value(a), Value(b)
    out = op(left, right)
    assert math.isclose(out.data, value(a, b), rel_tol=1e-12)
    out.backward()
    d_left, d_right = derivatives(a, b)
    assert math.isclose(left.grad, d_left, rel_tol=1e-12)
    assert math.isclose(right.grad, d_right, rel_tol=1e-12)


@pytest.mark.parametrize(
    ("expression", "derivative"),
    [
        (lambda x: 3 + x, lambda x: 1.0),
        (lambda x: 3 - x, lambda x: -1.0),
        (lambda x: 3 * x, lambda x: 3.0),
        (lambda x: 3 / x, lambda x: -3 / x**2),
        (lambda x: 3**x, lambda x: 3**x * math.log(3)),
        (lambda x: x - 3, lambda x: 1.0),
        (lambda x: x / 3, lambda x: 1 / 3),
    ],
)
def test_numbers_on_either_side(
    expression: Callable[[Value], Value], derivative: Callable[[float], float]
) -> None:
    x = Value(1.3)
    expression(x).backward()
    assert math.isclose(x.grad, derivative(1.3), rel_tol=1e-12)


def test_the_kinks_of_relu_and_abs_have_derivative_zero() -> None:
    for op in (Value.relu, abs):
        x = Value(0.0)
        op(x).backward()
        assert x.grad == 0.0
    x = Value(-0.0)
    x.relu().backward()
    assert x.grad == 0.0


def test_sqrt_at_zero_has_an_infinite_derivative_rather_than_an_error() -> None:
    x = Value(0.0)
    x.sqrt().backward()
    assert x.grad == math.inf


def test_power_with_a_value_exponent_at_zero_base() -> None:
    base, exponent = Value(0.0), Value(2.0)
    (base**exponent).backward()
    assert base.grad == 0.0  # 2 * 0^1
    assert exponent.grad == 0.0  # the limit of 0^b ln 0 as the base goes to 0


def test_negative_base_with_integer_value_exponent() -> None:
    base, exponent = Value(-2.0), Value(3.0)
    out = base**exponent
    assert out.data == -8.0
    out.backward()
    assert base.grad == 12.0  # 3 (-2)^2
    assert math.isnan(exponent.grad)  # (-2)^b is not real for non-integer b


def test_the_lecture_mse_derivative() -> None:
    # l = 1/n sum (y_i - y_hat_i)^2  =>  dl/dy_hat_i = -2/n (y_i - y_hat_i)
    ys = [1.0, -2.0, 0.5, 4.0]
    y_hats = [Value(v) for v in (0.3, -1.0, 2.0, 3.5)]
    n = len(ys)
    loss = sum(((y - y_hat) ** 2 for y, y_hat in zip(ys, y_hats, strict=True)), Value(0.0)) / n
    loss.backward()
    for y, y_hat in zip(ys, y_hats, strict=True):
        assert math.isclose(y_hat.grad, -2 / n * (y - y_hat.data), rel_tol=1e-12)


def test_sum_and_dot_match_their_hand_derivatives() -> None:
    from autograd import dot, sum

    w = [Value(v) for v in (0.5, -1.0, 2.0)]
    x = [Value(v) for v in (3.0, 0.25, -1.5)]
    out = dot(w, x) * sum(w)
    out.backward()
    d = sum(w).data
    s = dot(w, x).data
    for wi, xi in zip(w, x, strict=True):
        # d(dot * sum)/dw_i = x_i * sum(w) + dot(w, x);  d/dx_i = w_i * sum(w)
        assert math.isclose(wi.grad, xi.data * d + s, rel_tol=1e-12)
        assert math.isclose(xi.grad, wi.data * d, rel_tol=1e-12)


def test_dot_refuses_different_lengths_naming_them() -> None:
    from autograd import dot

    with pytest.raises(ValueError, match=r"dot: .*\(2 and 3\)"):
        dot([Value(1.0), Value(2.0)], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"dot: .*\(1 and 2\)"):
        dot((w for w in [Value(1.0)]), iter([1.0, 2.0]))


def test_dot_takes_generators() -> None:
    from autograd import dot

    x = Value(2.0)
    out = dot((v for v in [x, Value(3.0)]), (c for c in [1.5, -4.0]))
    assert out.op == "dot" and out.data == 2.0 * 1.5 + 3.0 * -4.0
    out.backward()
    assert x.grad == 1.5  # d(1.5 x - 4 y)/dx, by hand


@pytest.mark.parametrize("op", [Value.tanh, Value.sigmoid, Value.sin, Value.exp, Value.log])
def test_composite_matches_central_differences(op: Callable[[Value], Value]) -> None:
    def f(x: Value, y: Value) -> Value:
        return op(x * y + 2.0) / (y**2 + 1.0)

    x, y = Value(0.4), Value(-0.7)
    f(x, y).backward()
    assert math.isclose(x.grad, numerical_gradient(f, [0.4, -0.7], 0), rel_tol=1e-6)
    assert math.isclose(y.grad, numerical_gradient(f, [0.4, -0.7], 1), rel_tol=1e-6)


def test_sum_overflows_to_infinity_as_a_chain_of_additions_does() -> None:
    from autograd import sum

    big = [Value(1e308), Value(1e308), Value(-1e308)]
    assert sum(big).data == (big[0] + big[1] + big[2]).data == math.inf
    assert math.isnan(sum([Value(math.inf), Value(-math.inf)]).data)


def test_derivatives_at_poles_are_infinite_not_errors_also_with_create_graph() -> None:
    from autograd import grad

    assert grad(Value.sqrt)(0.0) == math.inf
    # the second derivative -x^(-3/2) / 4 does not exist at 0: nan, not a made-up 0
    assert math.isnan(grad(grad(Value.sqrt))(0.0))
    assert grad(lambda v: v**0.5)(0.0) == math.inf
    x, y = Value(0.0), Value(3.0)
    (x.sqrt() + y * y).backward(create_graph=True)
    assert float(y.grad) == 6.0 and float(x.grad) == math.inf


def test_x_to_the_zero_is_flat_everywhere() -> None:
    from autograd import grad

    # d(x^0)/dx = 0, also at x = 0 where n x^(n-1) would read 0 * inf
    assert grad(lambda v: v**0)(0.0) == 0.0
    assert grad(lambda v: v ** Value(0.0))(0.0) == 0.0


def test_an_overflowing_derivative_keeps_its_sign() -> None:
    from autograd import grad

    # d(x^-2)/dx = -2 x^-3: for x = -1e-120 that is +2e360, past the float range: +inf
    assert grad(lambda v: v**-2)(-1e-120) == math.inf
    assert grad(lambda v: v**-2)(1e-120) == -math.inf
    # d(x^-1)/dx = -x^-2 at x = -1e-200: -1e400, -inf
    assert grad(lambda v: v**-1)(-1e-200) == -math.inf


def test_sum_and_dot_refuse_a_single_value_naming_themselves() -> None:
    from autograd import dot, sum

    with pytest.raises(TypeError, match=r"sum: expected a list of Values or numbers, got Value"):
        sum(Value(1.0))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"dot: expected Values or real numbers, got str 'a'"):
        dot(["a"], [1.0])  # type: ignore[list-item]
