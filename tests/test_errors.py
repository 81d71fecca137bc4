"""Bad input: errors follow Python's ``math``, name the op and the operand, and change nothing."""

from __future__ import annotations

import gc
from collections.abc import Callable

import pytest

from autograd import Value


def values_alive() -> int:
    gc.collect()
    # type(obj), not isinstance: isinstance reads obj.__class__, which some modules' objects
    # (PyTorch's deprecated aliases, once torch is imported) answer with a warning
    return sum(1 for obj in gc.get_objects() if issubclass(type(obj), Value))


CASES: list[tuple[Callable[[Value], object], float, type[Exception], str]] = [
    (Value.log, 0.0, ValueError, "log: math domain error for input 0.0"),
    (Value.log, -1.0, ValueError, "log: math domain error for input -1.0"),
    (Value.sqrt, -1.0, ValueError, "sqrt: math domain error for input -1.0"),
    (lambda v: v**0.5, -8.0, ValueError, "pow: math domain error for inputs -8.0 and 0.5"),
    (lambda v: v ** Value(0.5), -8.0, ValueError, "pow: math domain error for inputs -8.0 and 0.5"),
    (lambda v: v**-1, 0.0, ValueError, "pow: math domain error for inputs 0.0 and -1.0"),
    (lambda v: 1 / v, 0.0, ZeroDivisionError, "div: float division by zero for inputs 1.0 and 0.0"),
    (lambda v: v / Value(0.0), 3.0, ZeroDivisionError, "div: float division by zero for inputs 3"),
    (Value.exp, 1000.0, OverflowError, "exp: math range error for input 1000.0"),
    (lambda v: v**500, 1e10, OverflowError, "pow: math range error for inputs 10000000000.0"),
    (Value.sin, float("inf"), ValueError, "sin: math domain error for input inf"),
]


@pytest.mark.parametrize(("op", "x", "error", "message"), CASES, ids=[c[3] for c in CASES])
def test_error_names_the_op_and_operand_and_adds_nothing(
    op: Callable[[Value], object], x: float, error: type[Exception], message: str
) -> None:
    leaf = Value(x, label="x")
    before = leaf * 2.0  # an existing graph that uses the leaf
    before.backward()
    alive = values_alive()
    with pytest.raises(error) as raised:
        op(leaf)
    assert str(raised.value).startswith(message)
    del raised
    # nothing was added: no new node survives, and the existing graph is as it was
    assert values_alive() <= alive
    assert before.inputs[0] is leaf and leaf.grad == 2.0 and before.grad == 1.0


def test_backward_grad_must_be_a_number() -> None:
    out = Value(2.0) * 3.0
    with pytest.raises(TypeError, match="backward: grad: expected a real number, got str"):
        out.backward("1")  # type: ignore[arg-type]
    assert out.inputs[0].grad == 0.0


def test_graph_functions_name_themselves_when_given_something_else() -> None:
    from autograd import grad, gradients, topological_order

    with pytest.raises(TypeError, match="topological_order: root must be a Value, got int 5"):
        topological_order(5)  # type: ignore[arg-type]
    x = Value(1.0)
    with pytest.raises(TypeError, match="gradients: wrt must be a tuple of Values, got int 5"):
        gradients(x * 2.0, 5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="gradients: wrt must hold Values, got str"):
        gradients(x * 2.0, ("x",))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="grad: argument 0: expected a real number, got bool"):
        grad(Value.tanh)(True)
