"""Many-input operations: ``sum``, ``dot`` and ``max``, each one node however many inputs it has.

A neuron's weighted sum w . x + b written with ``+`` and ``*`` is 2n nodes; as ``dot(w, x) + b``
it is two, which draws as the lecture writes it (W x + b) and back-propagates several times
faster. The derivatives are the same either way.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .op import Op
from .value import Operand, Value, _constant, _result, is_real_number


def _as_values(operands: Iterable[Operand], where: str) -> tuple[Value, ...]:
    if isinstance(operands, Value) or not isinstance(operands, Iterable):
        raise TypeError(
            f"{where}: expected a list of Values or numbers, got {type(operands).__name__} "
            f"{operands!r}"
        )
    given = tuple(operands)
    for item in given:
        if not isinstance(item, Value):
            break
    else:
        return given  # type: ignore[return-value]  # all Values: the common case, no copies
    values = []
    for item in given:
        if isinstance(item, Value):
            values.append(item)
        elif is_real_number(item):
            values.append(_constant(item, where))
        else:
            raise TypeError(
                f"{where}: expected Values or real numbers, got {type(item).__name__} {item!r}"
            )
    return tuple(values)


# ---- sum(v1, ..., vn) ----------------------------------------------------------------------

def sum(values: Iterable[Operand]) -> Value:
    """v1 + v2 + ... + vn as one node ``sum``. An empty sum is a constant 0."""
    inputs = _as_values(values, "sum")
    if not inputs:
        return _constant(0.0)
    total = 0.0
    for v in inputs:
        total += v.data  # as a chain of + would: an overflow gives inf, not an error
    return _result(total, inputs, _SUM)


def _sum_derivatives(*args: Any) -> tuple[Any, ...]:
    # d(v1 + ... + vn)/dvi = 1; args are the n inputs, then the output
    return (1.0,) * (len(args) - 1)


_SUM = Op("sum", "sum", _sum_derivatives)


# ---- dot(w, x) = w1 x1 + ... + wn xn ----------------------------------------------------------

def dot(weights: Iterable[Operand], inputs: Iterable[Operand]) -> Value:
    """w . x = w1 x1 + ... + wn xn as one node ``dot`` whose inputs are (w1..wn, x1..xn).

    ``weights`` and ``inputs`` are lists, tuples or other iterables (a generator too) of
    Values or numbers, of the same length.
    """
    w = _as_values(weights, "dot")
    x = _as_values(inputs, "dot")
    if len(w) != len(x):
        raise ValueError(f"dot: weights and inputs differ in length ({len(w)} and {len(x)})")
    if not w:
        return _constant(0.0)
    data = 0.0
    for wi, xi in zip(w, x, strict=True):
        data += wi.data * xi.data
    return _result(data, w + x, _DOT)


def _dot_derivatives(*args: Any) -> tuple[Any, ...]:
    # d(w . x)/dwi = xi,  d(w . x)/dxi = wi; args are w1..wn, x1..xn, then the output
    n = (len(args) - 1) // 2
    return args[n : 2 * n] + args[:n]


_DOT = Op("dot", "dot", _dot_derivatives)


# ---- max(v1, ..., vn) ------------------------------------------------------------------------

def max(values: Iterable[Operand]) -> Value:
    """The largest of v1..vn as one node ``max``: max-pooling's operation.

    The gradient flows only to the winner: the first input holding the largest value (the
    first NaN, if any input is NaN, as PyTorch's max-pooling does).
    """
    inputs = _as_values(values, "max")
    if not inputs:
        raise ValueError("max: no values given (the max of an empty list is undefined)")
    winner = _winner(inputs)
    return _result(inputs[winner].data, inputs, _MAX)


def _winner(inputs: tuple[Any, ...]) -> int:
    """The position of the first largest value, or of the first NaN."""
    best = 0
    for position in range(len(inputs)):
        x = float(inputs[position])
        if x != x:  # NaN wins, as in PyTorch
            return position
        if x > float(inputs[best]):
            best = position
    return best


def _max_derivatives(*args: Any) -> tuple[Any, ...]:
    # d max(v)/dvi = 1 for the winner i, 0 for every other input; args are v1..vn, then the output
    inputs = args[:-1]
    winner = _winner(inputs)
    return tuple(1.0 if position == winner else 0.0 for position in range(len(inputs)))


_MAX = Op("max", "max", _max_derivatives)
