"""Checks shared by optim and nn: whole numbers (steps, sizes, epochs, seeds) and unknown names."""

from __future__ import annotations

import difflib
import numbers
from collections.abc import Iterable


def whole_number(value: object, where: str, name: str, smallest: int = 1) -> int:
    """``value`` as an int if it is a whole number >= ``smallest``, else ValueError.

    Python ints and NumPy integers count; bool, floats (even 3.0) and strings do not. The
    message names the operation, the argument and the value:
    ``"StepDecay: step_size must be an int >= 1, got 0"``.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < smallest:
        raise ValueError(f"{where}: {name} must be an int >= {smallest}, got {value!r}")
    return int(value)


def missing_name(package: str, name: str, known: Iterable[str]) -> AttributeError:
    """The error for ``package.name`` that does not exist: the nearest names, then all of them.

    ``optim.Adagrad`` gives "module 'optim' has no attribute 'Adagrad' (did you mean Adam?);
    it has: Adam, AdamW, ...". Close names are found by ``difflib`` ignoring case, so
    ``nn.mseloss`` finds ``MSELoss`` and ``nn.MSE`` finds it too.
    """
    names = sorted(set(known), key=str.lower)
    by_lower = {candidate.lower(): candidate for candidate in names}
    close = difflib.get_close_matches(name.lower(), list(by_lower), n=2, cutoff=0.5)
    starting = [c for c in names if c.lower().startswith(name.lower()) and len(name) >= 2]
    suggestions = list(dict.fromkeys([*starting, *(by_lower[c] for c in close)]))[:3]
    hint = f" (did you mean {' or '.join(suggestions)}?)" if suggestions else ""
    return AttributeError(
        f"module {package!r} has no attribute {name!r}{hint}; it has: {', '.join(names)}"
    )
