"""What a Value is: its data, label, op, inputs, identity, and how numbers mix with it."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np
import pytest

import autograd
from autograd import Parameter, Value


@pytest.mark.parametrize(
    "data", [3, 3.0, np.float64(3.0), np.float32(3.0), np.int64(3), Fraction(3, 1)]
)
def test_real_numbers_are_stored_as_float(data: object) -> None:
    v = Value(data)  # type: ignore[arg-type]
    assert type(v.data) is float and v.data == 3.0
    assert v.grad == 0.0 and v.label == "" and v.op == "" and v.inputs == () and v.is_leaf


@pytest.mark.parametrize("data", ["3", None, 1 + 2j, [3.0], True, np.bool_(True)])
def test_anything_else_is_a_type_error_naming_the_type(data: object) -> None:
    expected = rf"Value: expected a real number, got {type(data).__name__}"
    with pytest.raises(TypeError, match=expected):
        Value(data)  # type: ignore[arg-type]


def test_a_label_must_be_a_string() -> None:
    with pytest.raises(TypeError, match="label must be a str, got int"):
        Value(1.0, label=3)  # type: ignore[arg-type]


def test_each_operator_is_one_node_recording_what_was_written() -> None:
    a, b = Value(5.0, "a"), Value(2.0, "b")
    for expression, symbol, value in [
        (a - b, "-", 3.0),
        (a / b, "/", 2.5),
        (a + b, "+", 7.0),
        (a * b, "*", 10.0),
        (a**b, "**", 25.0),
    ]:
        assert expression.op == symbol
        assert expression.inputs == (a, b)
        assert expression.data == value
    square = a**2
    assert square.op == "**2" and square.inputs == (a,) and square.data == 25.0
    assert (-a).op == "neg" and (-a).inputs == (a,)


def test_a_number_becomes_a_constant_leaf_on_its_side() -> None:
    a = Value(5.0)
    left = 2 - a
    assert left.op == "-" and left.inputs[1] is a and left.inputs[0].data == 2.0
    assert left.inputs[0].is_leaf and left.data == -3.0
    right = a / 4
    assert right.inputs[0] is a and right.inputs[1].data == 4.0 and right.data == 1.25


def test_a_plus_a_keeps_both_edges() -> None:
    a = Value(3.0)
    b = a + a
    assert b.inputs == (a, a)


def test_numpy_scalars_work_on_both_sides() -> None:
    left = np.float64(2) * Value(3)
    right = Value(3) * np.float64(2)
    assert isinstance(left, Value) and isinstance(right, Value)
    assert left.data == right.data == 6.0
    assert isinstance(np.float32(1) + Value(1), Value)
    assert isinstance(np.int64(8) / Value(2), Value)


class ZeroDimensional:
    """A 0-d array as NumPy and PyTorch shape one, NumPy not needed: ``ndim`` 0 and ``item()``."""

    ndim = 0

    def __init__(self, number: object) -> None:
        self.number = number

    def item(self) -> object:
        return self.number


def test_a_0d_array_is_a_number() -> None:
    assert Value(np.array(2.0)).data == 2.0 and Value(ZeroDimensional(3)).data == 3.0
    for left, right in [(Value(3.0), np.array(2.0)), (np.array(2.0), Value(3.0))]:
        product = left * right
        assert isinstance(product, Value) and product.data == 6.0
    total = Value(1.0) + ZeroDimensional(2.5)
    assert total.data == 3.5
    assert Value(1.0) < np.array(2.0) and Value(3.0) >= ZeroDimensional(3)
    for bad in (np.array(True), np.array("2"), np.array(1 + 2j), np.array([2.0])):
        with pytest.raises(TypeError, match="Value: expected a real number"):
            Value(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Value: expected a real number"):
        Value(ZeroDimensional(True))  # type: ignore[arg-type]


def test_comparisons_with_ints_are_exact_as_python_s() -> None:
    huge = 10**400  # too large for a float: Python still compares 1.0 < huge (True)
    assert Value(1.0) < huge and Value(1.0) <= huge and not Value(1.0) > huge
    assert Value(-1e308) > -huge and Value(math.inf) > huge and not Value(math.nan) < huge
    # 2**53 + 1 has no float: float(2**53 + 1) == 2.0**53, yet 2.0**53 < 2**53 + 1 in Python
    assert Value(2.0**53) < 2**53 + 1 and not Value(2.0**53) >= 2**53 + 1
    assert Value(1.0) < Fraction(huge) and Value(3.0) > np.int64(2)
    assert type(Value(3.0) > np.int64(2)) is bool


def test_unsupported_operands_raise_type_error_naming_the_op() -> None:
    with pytest.raises(TypeError, match=r"unsupported operand type\(s\) for \+: 'Value' and 'str'"):
        Value(1.0) + "x"  # type: ignore[operator]
    with pytest.raises(TypeError, match=r"for \*: 'NoneType' and 'Value'"):
        None * Value(2.0)  # type: ignore[operator]
    with pytest.raises(TypeError):
        Value(1.0) + True  # type: ignore[operator]


def test_identity_semantics_and_hashing() -> None:
    a, b = Value(1.0), Value(1.0)
    assert a != b and a == a
    assert len({a, b, a}) == 2
    assert {a: "first"}[a] == "first"


def test_float_and_repr() -> None:
    v = Value(2.5, label="theta1")
    assert float(v) == 2.5
    assert repr(v) == "Value(data=2.5, grad=0.0, label='theta1')"
    assert repr(v * 2) == "Value(data=5.0, grad=0.0, op='*')"
    assert repr(Parameter(1.0)) == "Parameter(data=1.0, grad=0.0)"


def test_a_parameter_is_a_value_and_its_results_are_values() -> None:
    p = Parameter(2.0, label="w")
    out = p * 3.0
    assert isinstance(p, Value) and type(out) is Value
    assert out.inputs[0] is p
    out.backward()
    assert p.grad == 3.0


def test_nan_and_infinity_propagate() -> None:
    nan, inf = Value(math.nan), Value(math.inf)
    assert math.isnan((nan * 2).data) and math.isnan(nan.exp().data) and math.isnan(nan.relu().data)
    assert (inf + 1).data == math.inf and inf.tanh().data == 1.0 and (-inf).exp().data == 0.0
    assert inf.log().data == math.inf
    out = nan * Value(2.0)
    out.backward()
    assert math.isnan(out.inputs[1].grad)


@pytest.mark.parametrize(
    ("make", "op"),
    [
        (lambda: Value(10**400), "Value"),
        (lambda: Value(1.0) * 10**400, "mul"),
        (lambda: 10**400 + Value(1.0), "add"),
        (lambda: Value(1.0) - (-(10**400)), "sub"),
        (lambda: Value(1.0) / 10**400, "div"),
        (lambda: Value(2.0) ** 10**400, "pow"),
        (lambda: autograd.sum([Value(1.0), 10**400]), "sum"),
    ],
)
def test_an_int_too_large_for_a_float_names_the_op_and_the_number(make: Any, op: str) -> None:
    with pytest.raises(OverflowError) as caught:
        make()
    assert str(caught.value).startswith(f"{op}: an int of about 401 digits (")
    assert "is too large for a float" in str(caught.value)
