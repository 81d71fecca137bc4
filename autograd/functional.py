"""``grad(f)`` and ``gradients``: derivatives as functions, composable like JAX's, that accumulate
nothing into any ``.grad``."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from .backprop import propagate, topological_order
from .grad_mode import enable_grad
from .value import Value, as_float

# How many ``grad``-made functions are evaluating their ``f`` right now. Inside one, a nested
# derivative must stay in the graph (a Value), since the outer one differentiates through it,
# even when its own arguments are plain numbers and the dependence comes through a closure.
_depth: ContextVar[int] = ContextVar("backprop_lab_grad_depth", default=0)


def grad(f: Callable[..., Any], argnum: int | tuple[int, ...] = 0) -> Callable[..., Any]:
    """Return a function that computes df/dx at the given arguments.

    ``f`` takes Values (or numbers) and returns a Value. ``argnum`` picks the argument to
    differentiate with respect to; a tuple of positions gives a tuple of partial derivatives.

    Called with numbers, the result is a float. Called with a Value (which is what happens
    inside another ``grad``), the result is a Value in the graph, so derivatives compose:

    >>> from autograd import grad
    >>> f = lambda x: x ** 3
    >>> grad(f)(2.0)
    12.0
    >>> grad(grad(f))(2.0)
    12.0

    No ``.grad`` attribute is changed: nothing accumulates. Like ``torch.func.grad``, it
    differentiates inside ``no_grad()`` too.
    """
    positions = argnum if isinstance(argnum, tuple) else (argnum,)
    for position in positions:
        if not isinstance(position, int) or isinstance(position, bool):
            raise TypeError(f"grad: argnum must be an int or a tuple of ints, got {argnum!r}")

    def derivative(*args: Any) -> Any:
        for position in positions:
            if not -len(args) <= position < len(args):
                raise IndexError(
                    f"grad: argnum {position} is out of range for {len(args)} argument(s)"
                )
        arguments = list(args)
        nested = _depth.get() > 0 or any(isinstance(a, Value) for a in arguments)
        variables = []
        for position in positions:
            x = arguments[position]
            if not isinstance(x, Value):
                x = Value(as_float(x, f"grad: argument {position}"))
            variable = x
            arguments[position] = variable
            variables.append(variable)
        token = _depth.set(_depth.get() + 1)
        try:
            with enable_grad():  # a derivative is a derivative, inside no_grad() too
                out = f(*arguments)
        finally:
            _depth.reset(token)
        if isinstance(out, Value):
            with enable_grad():
                partials = gradients(out, tuple(variables), create_graph=nested)
        elif isinstance(out, (int, float)) and not isinstance(out, bool):
            partials = tuple(0.0 for _ in variables)  # f is constant in x
        else:
            raise TypeError(f"grad: f must return a Value or a number, got {type(out).__name__}")
        if not nested:
            partials = tuple(float(p) for p in partials)
        return partials if isinstance(argnum, tuple) else partials[0]

    derivative.__name__ = f"grad_{getattr(f, '__name__', 'f')}"
    derivative.__doc__ = f"The derivative of {getattr(f, '__name__', 'f')} (see autograd.grad)."
    return derivative


def gradients(
    root: Value, wrt: tuple[Value, ...], create_graph: bool = False
) -> tuple[float | Value, ...]:
    """d(root)/d(w) for each w in ``wrt``, leaving every node's ``.grad`` as it was.

    This is the functional form behind ``autograd.grad``: it accumulates nothing. A ``w`` that
    ``root`` does not depend on gets 0.0. With ``create_graph=True`` the derivatives are Values
    in the graph, recorded inside ``no_grad()`` too (as in PyTorch).
    """
    if not isinstance(root, Value):
        raise TypeError(f"gradients: root must be a Value, got {_describe(root)}")
    if isinstance(wrt, Value) or not isinstance(wrt, (tuple, list)):
        raise TypeError(f"gradients: wrt must be a tuple of Values, got {_describe(wrt)}")
    for w in wrt:
        if not isinstance(w, Value):
            raise TypeError(f"gradients: wrt must hold Values, got {_describe(w)}")
    order = topological_order(root)
    saved = [node.grad for node in order]
    try:
        for node in order:
            node.grad = 0.0
        if create_graph:
            root.grad = Value(1.0)
            with enable_grad():  # asked for a graph: record it, inside no_grad() too
                propagate(order, create_graph)
        else:
            root.grad = 1.0
            propagate(order, create_graph)
        reached = set(order)
        return tuple(w.grad if w in reached else 0.0 for w in wrt)
    finally:
        for node, grad in zip(order, saved, strict=True):
            node.grad = grad


def _describe(x: object) -> str:
    return f"{type(x).__name__} {x!r}"
