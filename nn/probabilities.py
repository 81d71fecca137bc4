"""softmax and log_softmax: class logits z turned into probabilities π_j = e^(z_j) / Σ_k e^(z_k).

A policy π_θ(a|s) over discrete actions is a softmax over a network's logits, and REINFORCE
needs log π_θ(a|s). Both functions take a list of Values or numbers (a tuple or a NumPy array
too) and return a list of Values in the graph, so gradients flow back to whatever computed the
logits.

Both shift the logits by their largest value m = max_k z_k first, taken as a constant (one leaf
labelled ``m``, so a drawn graph shows the shift once): e^(z − m) never overflows (logits of ±1000
are fine), and shifting every logit by the same amount changes neither the result nor its
gradient, so the shift needs no derivative (backward gives m a gradient of 0, up to rounding).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import autograd
from autograd import Value
from autograd.value import Operand, as_float

from .sequences import ArrayLike, as_list, is_sequence

# A list (or tuple, or NumPy array) of logits, Values or numbers.
Logits = Sequence[Operand] | ArrayLike


def _logits(where: str, logits: Logits) -> list[Value]:
    """The logits as Values, checked: a non-empty list (or array) of finite numbers or Values."""
    if not is_sequence(logits):
        raise TypeError(
            f"{where}: logits must be a list of Values or numbers, got "
            f"{type(logits).__name__} {logits!r}"
        )
    logits = as_list(logits, where, "logits")
    if not logits:
        raise ValueError(f"{where}: no logits given (empty input)")
    z = [
        v if isinstance(v, Value) else Value(as_float(v, f"{where}: logit {j}"))
        for j, v in enumerate(logits)
    ]
    for j, z_j in enumerate(z):
        if not math.isfinite(z_j.data):
            raise ValueError(f"{where}: logits must be finite, got logit {j} = {z_j.data!r}")
    return z


def _largest(z: list[Value]) -> Value:
    """m = max_k z_k as a constant leaf: the shift, not a path for gradients to the logits."""
    return Value(max(z_j.data for z_j in z), label="m")


# ---- softmax ------------------------------------------------------------------------------------

def softmax(logits: Logits) -> list[Value]:
    """π_j = e^(z_j − m) / Σ_k e^(z_k − m), with m = max_k z_k: probabilities that sum to 1.

    One ``sum`` node is shared by every output. The local derivatives along the graph multiply
    out to ∂π_i/∂z_j = π_i ([i = j] − π_j).

    >>> [round(p.data, 4) for p in softmax([0.0, 1000.0, -1000.0])]
    [0.0, 1.0, 0.0]
    """
    z = _logits("softmax", logits)
    m = _largest(z)
    exps = [(z_j - m).exp() for z_j in z]
    total = autograd.sum(exps)  # >= 1: the largest term is e^0
    return [e_j / total for e_j in exps]


# ---- log_softmax --------------------------------------------------------------------------------

def log_softmax(logits: Logits) -> list[Value]:
    """log π_j = (z_j − m) − log Σ_k e^(z_k − m), with m = max_k z_k.

    Never the log of a probability: the sum inside the log is at least 1 (its largest term is
    e^0), so a probability that underflows to 0 (logits 2000 apart) still has a finite log
    probability, here −2000, and a finite gradient ∂ log π_i/∂z_j = [i = j] − π_j.

    >>> [p.data for p in log_softmax([1000.0, -1000.0])]
    [0.0, -2000.0]
    """
    z = _logits("log_softmax", logits)
    m = _largest(z)
    shifted = [z_j - m for z_j in z]
    log_total = autograd.sum(s_j.exp() for s_j in shifted).log()
    return [s_j - log_total for s_j in shifted]
