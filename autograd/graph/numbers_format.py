"""``format_number``: how backprop-lab writes a number for people (graphs, chain rules, steps)."""

from __future__ import annotations

import math
import numbers

# Whole numbers smaller than this in magnitude are written out in full, with thousands commas.
WHOLE_NUMBER_LIMIT = 1e6


def format_number(x: float, precision: int = 4) -> str:
    """``x`` written the way the lecture writes it: ``-85,000``, ``2.5``, ``-2.125e+08``.

    The rule, in order:

    1. nan, +inf and -inf are ``"nan"``, ``"inf"`` and ``"-inf"``.
    2. A whole number with magnitude below 1,000,000 is written in full with thousands
       separators: ``-85000.0 -> "-85,000"``, ``2500.0 -> "2,500"``, ``-0.0 -> "0"``.
    3. Anything else gets ``precision`` significant digits (Python's ``g`` format, trailing
       zeros dropped), switching to scientific notation when the decimal exponent is below -4
       or at least ``precision``: ``-2.125e8 -> "-2.125e+08"``, ``0.0001234 -> "0.0001234"``,
       ``1.234e-05 -> "1.234e-05"``, ``0.1 + 0.2 -> "0.3"``.

    >>> format_number(-85000.0), format_number(-2.125e8), format_number(1 / 3)
    ('-85,000', '-2.125e+08', '0.3333')
    """
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"format_number: expected a real number, got {type(x).__name__} {x!r}")
    check_precision(precision, "format_number")
    value = float(x)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value.is_integer() and abs(value) < WHOLE_NUMBER_LIMIT:
        return f"{int(value):,}"
    return f"{value:.{precision}g}"


def check_precision(precision: object, where: str) -> None:
    """Raise ValueError naming ``where`` unless ``precision`` is a positive int (not a bool)."""
    if isinstance(precision, bool) or not isinstance(precision, int) or precision < 1:
        raise ValueError(f"{where}: precision must be a positive int, got {precision!r}")
