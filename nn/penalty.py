"""The L2 penalty β‖θ‖² that regularisation adds to a loss to keep the parameters small."""

from __future__ import annotations

import math
from collections.abc import Iterable

import autograd
from autograd import Value
from autograd.value import is_real_number


def l2_penalty(parameters: Iterable[Value], beta: float) -> Value:
    """β ‖θ‖² = β Σ θ_i², whose gradient is ∂/∂θ_i = 2 β θ_i.

    Add it to the loss: θ* = argmin_θ Σ l(f_θ(x), y) + β ‖θ‖². (The slide writes
    ``− β‖θ‖²``; with a minus, minimising would reward large parameters, so the penalty must
    be added when minimising, or subtracted from an objective that is maximised.)

    ``parameters`` is usually ``model.parameters()``; ``beta`` >= 0 is the strength (0 turns
    the penalty off). A negative or non-finite ``beta`` raises ValueError.

    >>> from autograd import Parameter
    >>> l2_penalty([Parameter(3.0), Parameter(-4.0)], beta=0.1).data
    2.5
    """
    if not is_real_number(beta):
        raise TypeError(f"l2_penalty: beta must be a number, got {type(beta).__name__} {beta!r}")
    if not (math.isfinite(beta) and beta >= 0):
        raise ValueError(f"l2_penalty: beta must be a finite number >= 0, got {beta!r}")
    if isinstance(parameters, Value):
        raise TypeError(
            f"l2_penalty: parameters must be a list of Values, got a single Value {parameters!r}"
            f"; wrap it in a list"
        )
    squares = []
    for theta in parameters:
        if not isinstance(theta, Value):
            raise TypeError(f"l2_penalty: parameters must be Values, got {type(theta).__name__}")
        squares.append(theta**2)
    return float(beta) * autograd.sum(squares)
