"""Lists from what users hold: lists, tuples, NumPy arrays and other sequences, NumPy not needed.

Every ``nn`` function that takes a list of numbers or of examples (a model's input, the data
given to ``fit``, a loss's predictions and targets, ``accuracy``'s scores and labels) reads it
through ``as_list``. A NumPy array (or anything array-like: it has ``tolist()`` and
``__array__``, as a pandas Series does) becomes the nested list of Python numbers its
``tolist()`` gives, so NumPy is never imported here. A str is never a sequence of numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from autograd import Value
from autograd.value import Operand, is_real_number


class ArrayLike(Protocol):
    """For type checkers: a NumPy array, or any array type with ``tolist()``."""

    def tolist(self) -> Any: ...


# What may stand where nn takes a list: of numbers or Values, or of examples.
ListLike = Sequence[Any] | ArrayLike
# One example for a model: its inputs as a list, a tuple or an array, or a lone number or Value.
Example = Sequence[Operand] | ArrayLike | Operand


def _is_array_like(x: object) -> bool:
    """An array with at least one axis (a NumPy 0-d array or scalar is a number, not a list)."""
    return (
        hasattr(x, "__array__")
        and callable(getattr(x, "tolist", None))
        and getattr(x, "ndim", 1) >= 1
    )


def is_sequence(x: object) -> bool:
    """True for a list, a tuple, a NumPy array or another sequence; False for str and bytes."""
    if isinstance(x, (str, bytes, bytearray)):
        return False
    return isinstance(x, Sequence) or _is_array_like(x)


def as_list(x: Any, where: str, what: str) -> list[Any]:
    """``x`` as a list (a NumPy array through ``tolist()``), or TypeError naming ``where``."""
    if isinstance(x, list):
        return x
    if is_sequence(x):
        return list(x.tolist() if _is_array_like(x) else x)
    raise TypeError(
        f"{where}: {what} must be a list, a tuple or a NumPy array, got {type(x).__name__} "
        f"{_short(x)}"
    )


def as_example(x: Any, nin: int, where: str) -> Sequence[Operand]:
    """One example's ``nin`` inputs for a model; a lone number or Value counts as one input.

    Input that looks like a batch of examples (a list of lists, or ``nin == 1`` and several
    numbers) is refused with an error that says so: a model takes one example per call.
    """
    if type(x) is list or type(x) is tuple or is_sequence(x):  # the common cases first: fast
        inputs = x if type(x) is list or type(x) is tuple else as_list(x, where, "the input")
        first = inputs[0] if inputs else None
        if not isinstance(first, (Value, float, int)) and is_sequence(first):
            shape = f"an array of shape {x.shape}" if hasattr(x, "shape") else "a list of lists"
            raise ValueError(
                f"{where}: expected one example of {nin} inputs, got what looks like a batch of "
                f"{len(inputs)} examples ({shape}); call the model once per example, "
                f"[model(x) for x in xs], or use model.predict(xs) for their outputs as numbers"
            )
        if len(inputs) != nin:
            hint = ""
            if nin == 1 and all(is_real_number(item) or isinstance(item, Value) for item in inputs):
                hint = (
                    f"; if these are {len(inputs)} examples, call the model once per example, "
                    f"[model(x) for x in xs], or use model.predict(xs)"
                )
            expected = "1 input" if nin == 1 else f"{nin} inputs"
            raise ValueError(f"{where}: expected {expected}, got {len(inputs)}{hint}")
        for position, item in enumerate(inputs, start=1):  # x_1 ... x_n, as the lecture
            if type(item) is not float and not isinstance(item, Value) and not is_real_number(item):
                raise TypeError(
                    f"{where}: input {position} must be a number or a Value, got "
                    f"{type(item).__name__} {_short(item)}"
                )
        return inputs
    if isinstance(x, Value) or is_real_number(x):
        if nin == 1:
            return (_as_number(x),)
        raise ValueError(f"{where}: expected {nin} inputs, got a single number")
    raise TypeError(f"{where}: expected a list of {nin} numbers or Values, got {_short(x)}")


def _as_number(x: Any) -> Operand:
    """A lone input as the engine takes it: a 0-d array (``np.array(2.0)``) as its number."""
    if isinstance(x, Value) or type(x) is float or type(x) is int:
        return x
    ndim = getattr(x, "ndim", None)
    if type(ndim) is int and ndim == 0 and callable(getattr(x, "item", None)):
        number: Operand = x.item()
        return number
    return x


def _short(x: object, longest: int = 60) -> str:
    text = repr(x)
    return text if len(text) <= longest else text[: longest - 3] + "..."
