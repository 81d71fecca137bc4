"""gradcheck: passes when backward is right, and tables the mismatch when it is not."""

from __future__ import annotations

import math

import pytest

from autograd import GradcheckError, Value, gradcheck, numerical_gradient
from autograd.op import Op


def test_a_correct_function_passes() -> None:
    assert gradcheck(lambda x, y: (x * y).tanh() + x.exp() / y, 0.3, -1.2) is True
    assert gradcheck(lambda x: x.sqrt(), Value(4.0)) is True


def test_a_wrong_derivative_is_reported_with_a_table(monkeypatch: pytest.MonkeyPatch) -> None:
    def wrong(x: object, out: object) -> tuple[float, ...]:
        return (1.0,)  # the true derivative is 1 - tanh(x)^2

    monkeypatch.setattr(Value, "_TANH", Op("tanh", "tanh", wrong))
    with pytest.raises(GradcheckError) as raised:
        gradcheck(lambda x, y: x.tanh() * y, 0.8, 2.0)
    message = str(raised.value)
    assert "analytic" in message and "numeric" in message and "difference" in message
    lines = message.splitlines()
    assert "mismatch" in lines[2] and "0.8" in lines[2]  # input 0 is wrong
    assert "mismatch" not in lines[3]  # input 1 (y) gets tanh(x) right


def test_gradcheck_refuses_bad_arguments() -> None:
    with pytest.raises(ValueError, match="at least one input"):
        gradcheck(lambda: Value(1.0))
    with pytest.raises(ValueError, match="eps must be positive"):
        gradcheck(Value.tanh, 1.0, eps=0.0)
    with pytest.raises(TypeError, match="f must return a Value"):
        gradcheck(lambda x: 1.0, 1.0)
    with pytest.raises(TypeError, match="expected a real number, got str"):
        gradcheck(Value.tanh, "1")  # type: ignore[arg-type]


def test_gradcheck_leaves_captured_values_alone() -> None:
    w = Value(3.0)
    assert gradcheck(lambda a: a * w, 1.0)
    assert w.grad == 0.0


def test_numerical_gradient_refuses_an_index_out_of_range() -> None:
    from autograd import numerical_gradient

    with pytest.raises(IndexError, match="numerical_gradient: index 2 is out of range for 2"):
        numerical_gradient(lambda a, b: a * b, [1.0, 2.0], 2)


def test_gradients_of_an_unreached_value_is_zero_even_if_its_grad_is_stale() -> None:
    from autograd import gradients

    # root = 3 y does not depend on w, so d root/d w = 0 by definition
    w, y = Value(1.0), Value(2.0)
    w.grad = 7.0  # left over from an earlier backward()
    assert gradients(3 * y, (w, y)) == (0.0, 3.0)
    assert w.grad == 7.0  # and it is left alone


def test_gradcheck_uses_the_relative_tolerance_for_large_gradients() -> None:
    import math

    # d/dx e^(10x) = 10 e^(10x), about 4.9e9 at x = 2: the central difference is off by far
    # more than atol from rounding alone, and far less than rtol * |numeric|
    assert 10 * math.exp(20.0) > 1e9
    assert gradcheck(lambda x: (10 * x).exp(), 2.0)


@pytest.mark.parametrize(
    ("keyword", "bad", "message"),
    [
        ("eps", math.inf, "gradcheck: eps must be positive and finite, got inf"),
        ("eps", math.nan, "gradcheck: eps must be positive and finite, got nan"),
        ("eps", "1e-6", "gradcheck: eps must be positive and finite, got '1e-6'"),
        ("atol", -1, "gradcheck: atol must be finite and >= 0, got -1"),
        ("atol", math.inf, "gradcheck: atol must be finite and >= 0, got inf"),
        ("rtol", -0.1, "gradcheck: rtol must be finite and >= 0, got -0.1"),
        ("rtol", math.nan, "gradcheck: rtol must be finite and >= 0, got nan"),
    ],
)
def test_gradcheck_names_a_tolerance_that_could_never_check_anything(
    keyword: str, bad: object, message: str
) -> None:
    with pytest.raises(ValueError) as caught:
        gradcheck(lambda x: x * x, 1.0, **{keyword: bad})  # type: ignore[arg-type]
    assert str(caught.value) == message
    with pytest.raises(ValueError, match="numerical_gradient: eps must be positive and finite"):
        numerical_gradient(lambda x: x * x, [1.0], 0, eps=math.inf)
