"""Higher-order gradients: create_graph=True and the composable ``grad``."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, grad


@given(st.floats(-3, 3))
def test_grad_of_grad_of_sin_is_minus_sin(x: float) -> None:
    assert math.isclose(grad(grad(Value.sin))(x), -math.sin(x), rel_tol=1e-12, abs_tol=1e-12)
    assert math.isclose(grad(grad(grad(Value.sin)))(x), -math.cos(x), rel_tol=1e-12, abs_tol=1e-12)


@given(st.floats(0.2, 3))
def test_second_derivatives_of_each_function(x: float) -> None:
    # (hand derivations) d2/dx2 of: x^3 = 6x, exp = exp, log = -1/x^2, sqrt = -x^-1.5 / 4,
    # tanh = -2 tanh (1 - tanh^2), 1/x = 2/x^3, x^x = x^x ((ln x + 1)^2 + 1/x)
    t = math.tanh(x)
    cases = [
        (lambda v: v**3, 6 * x),
        (Value.exp, math.exp(x)),
        (Value.log, -1 / x**2),
        (Value.sqrt, -(x**-1.5) / 4),
        (Value.tanh, -2 * t * (1 - t * t)),
        (lambda v: 1 / v, 2 / x**3),
        (lambda v: v**v, x**x * ((math.log(x) + 1) ** 2 + 1 / x)),
    ]
    for f, expected in cases:
        assert math.isclose(grad(grad(f))(x), expected, rel_tol=1e-9, abs_tol=1e-12)


def test_backward_with_create_graph_gives_gradients_as_values() -> None:
    x = Value(2.0)
    y = x**3
    y.backward(create_graph=True)
    first = x.grad
    assert isinstance(first, Value) and first.data == 12.0  # 3 x^2
    x.grad = 0.0
    first.backward()
    assert x.grad == 12.0  # 6 x


def test_grad_with_several_arguments() -> None:
    def f(x: Value, y: Value) -> Value:
        return x * y.sin()

    assert grad(f, argnum=1)(2.0, 1.0) == pytest.approx(2 * math.cos(1.0))
    d_x, d_y = grad(f, argnum=(0, 1))(2.0, 1.0)
    assert d_x == pytest.approx(math.sin(1.0)) and d_y == pytest.approx(2 * math.cos(1.0))
    # the mixed partial d2f/dxdy = cos(y)
    mixed = grad(lambda x, y: grad(f, argnum=0)(x, y), argnum=1)(2.0, 1.0)
    assert mixed == pytest.approx(math.cos(1.0))


def test_grad_changes_no_gradient_attribute() -> None:
    w = Value(3.0)
    w.grad = 7.0

    def f(x: Value) -> Value:
        return w * x * x

    assert grad(f)(2.0) == 12.0
    assert w.grad == 7.0


def test_grad_of_a_constant_function_is_zero() -> None:
    assert grad(lambda x: 5.0)(1.0) == 0.0
    assert grad(lambda x: Value(5.0))(1.0) == 0.0


def test_grad_refuses_bad_arguments() -> None:
    with pytest.raises(TypeError, match="argnum must be an int"):
        grad(Value.sin, argnum="x")  # type: ignore[arg-type]
    with pytest.raises(IndexError, match="argnum 2 is out of range for 1 argument"):
        grad(Value.sin, argnum=2)(1.0)
    with pytest.raises(TypeError, match="f must return a Value or a number, got str"):
        grad(lambda x: "x")(1.0)
    with pytest.raises(TypeError, match="expected a real number, got str"):
        grad(Value.sin)("1")


def test_newton_method_with_grad_of_grad() -> None:
    # minimise f(x) = x^4 - 3x^2 + x: Newton's step x <- x - f'(x)/f''(x)
    def f(x: Value) -> Value:
        return x**4 - 3 * x**2 + x

    df, d2f = grad(f), grad(grad(f))
    x = 2.0
    for _ in range(20):
        x -= df(x) / d2f(x)
    assert abs(4 * x**3 - 6 * x + 1) < 1e-12  # f'(x) = 0, by hand


def test_a_nested_derivative_through_a_closure() -> None:
    # d/dx [ d/dy (x y^2) at y = 3 ] = d/dx (6 x) = 6
    def outer(x: Value) -> Value:
        return grad(lambda y: x * y * y)(3.0)

    assert grad(outer)(2.0) == 6.0


def test_grad_differentiates_inside_no_grad_too() -> None:
    from autograd import no_grad, numerical_gradient

    with no_grad():
        assert grad(lambda x: x**3)(2.0) == 12.0  # 3 x^2
    # numerical_gradient evaluates under no_grad: a derivative inside it still works
    def f(x: Value) -> Value:
        return Value(grad(lambda v: v**3)(x.data))

    assert math.isclose(numerical_gradient(f, [2.0], 0), 12.0, rel_tol=1e-6)  # 6 x


def test_a_power_of_a_negative_base_has_no_derivatives_in_its_exponent() -> None:
    # (hand derivation) d/db (-2)^b = (-2)^b ln(-2): no real value, and neither have the
    # derivatives of that; PyTorch gives nan for both. In the base they exist:
    # d2/da2 a^b = b (b - 1) a^(b - 2) = 3 * 2 * (-2) = -12 at a = -2, b = 3.
    def f(b: Value) -> Value:
        return Value(-2.0) ** b

    assert math.isnan(grad(f)(3.0))
    assert math.isnan(grad(grad(f))(3.0))
    assert math.isnan(grad(grad(grad(f)))(3.0))

    def g(a: Value, b: Value) -> Value:
        return a**b

    assert math.isnan(grad(grad(g, 0), 1)(-2.0, 3.0))  # d/db (b a^(b-1)) has ln(a) in it
    assert grad(grad(g, 0), 0)(-2.0, 3.0) == -12.0
