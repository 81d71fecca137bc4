"""The whole-number check shared by optim and nn: step counts, layer sizes, epochs, seeds."""

from __future__ import annotations

import numbers


def whole_number(value: object, where: str, name: str, smallest: int = 1) -> int:
    """``value`` as an int if it is a whole number >= ``smallest``, else ValueError.

    Python ints and NumPy integers count; bool, floats (even 3.0) and strings do not. The
    message names the operation, the argument and the value:
    ``"StepDecay: step_size must be an int >= 1, got 0"``.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < smallest:
        raise ValueError(f"{where}: {name} must be an int >= {smallest}, got {value!r}")
    return int(value)
