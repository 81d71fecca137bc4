"""Shapes of nested lists: ``[C][H][W]`` examples checked, described and built for the layers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from autograd import Parameter, Value
from autograd.value import as_float, is_real_number
from optim.checks import whole_number

from .sequences import _is_array_like

Shape = tuple[int, ...]


def describe(shape: Shape) -> str:
    """``[1][8][8]`` for the shape (1, 8, 8); ``a single number`` for ()."""
    return "".join(f"[{n}]" for n in shape) if shape else "a single number"


def _is_list(x: object) -> bool:
    kind = type(x)
    if kind is list or kind is tuple:  # the common cases, without an abstract-class check
        return True
    if kind is Value or kind is Parameter or kind is float or kind is int:
        return False
    return isinstance(x, Sequence) and not isinstance(x, (str, bytes))


def plain(x: Any) -> Any:
    """A NumPy array (or another array-like) as the nested lists of its ``tolist()``."""
    if type(x) is list or isinstance(x, Value) or not _is_array_like(x):
        return x
    return x.tolist()


def shape_of(x: Any, where: str) -> Shape:
    """The shape of nested lists of numbers or Values, or ValueError/TypeError naming ``where``.

    Ragged lists (rows of different lengths) and empty lists are refused, naming the position.
    A NumPy array is read as its nested lists.
    """
    x = plain(x)
    shape: list[int] = []
    nodes = [x]  # everything at the current depth, level by level
    while _is_list(nodes[0]):
        n = len(nodes[0])
        if n == 0:
            so_far = describe((*shape, 0))
            raise ValueError(f"{where}: empty list in the input, shape so far {so_far}")
        for node in nodes:
            if not _is_list(node) or len(node) != n:
                _check_regular(x, _first_path_shape(x), (), where)  # raises, naming where
        shape.append(n)
        nodes = [item for node in nodes for item in node]
    for leaf in nodes:
        kind = type(leaf)
        if kind is not Value and kind is not float and not _is_number(leaf):
            _check_regular(x, tuple(shape), (), where)  # raises, naming the position
    return tuple(shape)


def _first_path_shape(x: Any) -> Shape:
    """The shape x would have if every list were as long as the first one at its depth."""
    shape = []
    while _is_list(x) and len(x) > 0:
        shape.append(len(x))
        x = x[0]
    return tuple(shape)


def _is_number(x: object) -> bool:
    return (isinstance(x, Value) or is_real_number(x)) and not _is_list(x)


def _check_regular(x: Any, shape: Shape, position: Shape, where: str) -> None:
    if not shape:
        if _is_list(x):
            at = f"x{describe(position)}" if position else "the input"
            raise ValueError(f"{where}: ragged input: {at} is a list where a number was expected")
        if not _is_number(x):
            at = f"x{describe(position)}" if position else "the input"
            raise TypeError(
                f"{where}: expected numbers or Values, got {type(x).__name__} {x!r} at {at}"
            )
        return
    at = f"x{describe(position)}" if position else "the input"
    if not _is_list(x):
        raise ValueError(
            f"{where}: ragged input: {at} is a single number where a list of {shape[0]} "
            f"was expected"
        )
    if len(x) != shape[0]:
        raise ValueError(
            f"{where}: ragged input: {at} has {len(x)} entries where {shape[0]} were expected"
        )
    for index, item in enumerate(x):
        _check_regular(item, shape[1:], (*position, index), where)


def as_values(x: Any, where: str) -> Any:
    """The same nested lists with every number made a constant Value (Values kept as they are)."""
    x = plain(x)
    if isinstance(x, Value):
        return x
    if _is_list(x):
        if all(type(item) is Value for item in x):
            return x  # a row of Values (the output of a layer): nothing to convert
        return [as_values(item, where) for item in x]
    return Value(as_float(x, where))


def map_nested(f: Callable[[Any], Any], x: Any) -> Any:
    """``f`` applied to every number or Value in nested lists, keeping the nesting.

    The lists must be regular (as ``shape_of`` checks): a list whose first item is a number
    holds only numbers.
    """
    x = plain(x)
    if not _is_list(x):
        return f(x)
    if x and not _is_list(x[0]):
        return [f(item) for item in x]  # the innermost level: no call per number
    return [map_nested(f, item) for item in x]


def flatten(x: Any) -> list[Any]:
    """The numbers or Values of nested lists in reading order (last index fastest)."""
    x = plain(x)
    if not _is_list(x):
        return [x]
    flat: list[Any] = []
    stack = [iter(x)]
    while stack:  # iterative: no recursion limit on deep nesting
        for item in stack[-1]:
            if _is_list(item):
                stack.append(iter(item))
                break
            flat.append(item)
        else:
            stack.pop()
    return flat


def batch_hint(shape: Shape, example_rank: int, leading: int) -> str:
    """A hint when ``shape`` looks like a batch of examples given where one example was due."""
    if len(shape) == example_rank + 1 and shape[1] == leading:
        return f"; this looks like a batch of {shape[0]} examples: call forward_batch(xs)"
    return ""


def pair(value: Any, where: str, what: str, smallest: int) -> tuple[int, int]:
    """An int or a pair of ints (height, width), each >= ``smallest``, as in PyTorch."""
    if _is_list(value):
        if len(value) != 2:
            raise ValueError(f"{where}: {what} must be an int or a pair of ints, got {value!r}")
        first, second = value
        return (
            whole_number(first, where, what, smallest),
            whole_number(second, where, what, smallest),
        )
    number = whole_number(value, where, what, smallest)
    return (number, number)
