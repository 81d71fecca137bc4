"""``gradcheck``: compare backpropagation with central finite differences."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .functional import gradients
from .grad_mode import enable_grad, no_grad
from .value import Value, as_float, is_real_number


class GradcheckError(AssertionError):
    """Backward and finite differences disagree; the message tables every input."""


def numerical_gradient(
    f: Callable[..., Any], inputs: list[float], index: int, eps: float = 1e-6
) -> float:
    """Central difference (f(x + eps) - f(x - eps)) / 2 eps in input ``index``."""
    _check_tolerance("numerical_gradient", "eps", eps, positive=True)
    if not -len(inputs) <= index < len(inputs):
        raise IndexError(
            f"numerical_gradient: index {index} is out of range for {len(inputs)} input(s)"
        )
    def f_at(shift: float) -> float:
        shifted = [Value(x + shift if i == index else x) for i, x in enumerate(inputs)]
        with no_grad():
            return float(f(*shifted))

    return (f_at(eps) - f_at(-eps)) / (2.0 * eps)


def _check_tolerance(where: str, name: str, value: object, *, positive: bool) -> None:
    """``eps`` must be a finite number > 0; ``atol`` and ``rtol`` finite numbers >= 0."""
    rule = "positive and finite" if positive else "finite and >= 0"
    if not is_real_number(value) or not math.isfinite(value):  # type: ignore[arg-type]
        raise ValueError(f"{where}: {name} must be {rule}, got {value!r}")
    if value < 0 or (positive and value == 0):  # type: ignore[operator]
        raise ValueError(f"{where}: {name} must be {rule}, got {value!r}")


def gradcheck(
    f: Callable[..., Any],
    *inputs: float | Value,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> bool:
    """Check ``f``'s backward pass against central differences at ``inputs``.

    ``f`` takes one Value per input and returns a Value. For each input, the analytic
    gradient (from ``backward()``) must satisfy |analytic - numeric| <= atol + rtol * |numeric|.
    Returns True, or raises ``GradcheckError`` with a table of input, analytic, numeric and
    difference for every input, the failing ones marked.

    >>> from autograd import gradcheck
    >>> gradcheck(lambda x, y: (x * y).tanh(), 0.3, -1.2)
    True
    """
    if not inputs:
        raise ValueError("gradcheck: give at least one input")
    _check_tolerance("gradcheck", "eps", eps, positive=True)
    _check_tolerance("gradcheck", "atol", atol, positive=False)
    _check_tolerance("gradcheck", "rtol", rtol, positive=False)
    points = [float(x) if isinstance(x, Value) else as_float(x, "gradcheck") for x in inputs]
    leaves = [Value(x) for x in points]
    with enable_grad():  # f's graph is needed for backward, inside no_grad() too (as in grad)
        out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: f must return a Value, got {type(out).__name__}")
    # the functional form: nothing accumulates into Values that f captured
    analytic_gradients = gradients(out, tuple(leaves))
    rows = []
    failed = False
    for i, analytic_gradient in enumerate(analytic_gradients):
        analytic = float(analytic_gradient)
        numeric = numerical_gradient(f, points, i, eps)
        difference = abs(analytic - numeric)
        ok = math.isfinite(difference) and difference <= atol + rtol * abs(numeric)
        failed = failed or not ok
        rows.append((i, points[i], analytic, numeric, difference, ok))
    if failed:
        lines = [
            f"gradcheck: backward disagrees with central differences "
            f"(eps={eps:g}, atol={atol:g}, rtol={rtol:g})",
            f"{'input':>5} {'value':>14} {'analytic':>14} {'numeric':>14} {'difference':>12}",
        ]
        for i, x, analytic, numeric, difference, ok in rows:
            mark = "" if ok else "  <-- mismatch"
            lines.append(
                f"{i:>5} {x:>14.6g} {analytic:>14.6g} {numeric:>14.6g} {difference:>12.3g}{mark}"
            )
        raise GradcheckError("\n".join(lines))
    return True
