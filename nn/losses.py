"""Loss functions l(y, ŷ): how far predictions are from targets, as one Value to backpropagate.

Each loss takes predictions (a list of Values or numbers, or a single one) and targets of the
same length, and returns a Value. A one-element list counts as its one item (see
``nn.outputs``), so the ``[Value]`` of ``Sequential(..., Linear(8, 1))`` is a prediction.
Empty inputs, lists of different lengths and labels outside a loss's allowed set raise
ValueError naming the loss and the value; a prediction or target that is not a number (or,
for predictions, a Value) raises TypeError naming the loss, its position and the value.
NumPy scalars count as numbers, and a tuple or a NumPy array as a list.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import autograd
from autograd import Value
from autograd.value import Operand, as_float, is_real_number

from .outputs import one_output
from .sequences import ArrayLike, as_list, is_sequence

Predictions = Sequence[Operand] | ArrayLike | Operand
Targets = Sequence[Operand] | ArrayLike | Operand


def _as_list(x: Predictions, what: str, loss: str) -> list[Operand]:
    if is_sequence(x):  # a list, a tuple, a NumPy array
        return list(as_list(x, loss, what))
    if isinstance(x, Value) or is_real_number(x):
        return [x]  # type: ignore[list-item]  # a lone Value or number
    raise TypeError(f"{loss}: {what} must be a Value, a number or a list of them, got {x!r}")


def _pairs(loss: str, predictions: Predictions, targets: Targets) -> list[tuple[Value, float]]:
    """(ŷ_i as a Value, y_i as a float) pairs; the targets are constants of the loss."""
    y_hat = _as_list(predictions, "predictions", loss)
    y = _as_list(targets, "targets", loss)
    if len(y_hat) != len(y):
        raise ValueError(
            f"{loss}: predictions and targets differ in length ({len(y_hat)} and {len(y)})"
        )
    if not y_hat:
        raise ValueError(f"{loss}: no predictions given (empty input)")
    pairs = []
    for position, (output, label) in enumerate(zip(y_hat, y, strict=True)):
        prediction, target = one_output(output), one_output(label)
        if not isinstance(prediction, Value):
            prediction = Value(as_float(prediction, f"{loss}: prediction {position}"))
        pairs.append((prediction, as_float(target, f"{loss}: target {position}")))
    return pairs


# The other convention's loss, named when labels of that convention are given.
_OTHER_CONVENTION = {
    "hinge_loss": (0.0, "for 0/1 labels use bce_loss, or map 0 to -1"),
    "bce_loss": (-1.0, "for -1/+1 labels use hinge_loss, or map -1 to 0"),
}


def _check_labels(loss: str, pairs: list[tuple[Value, float]], allowed: tuple[float, ...]) -> None:
    for _, y in pairs:
        if y not in allowed:
            choices = " or ".join(f"{a:g}" for a in allowed)
            other_label, other_loss = _OTHER_CONVENTION.get(loss, (None, ""))
            hint = f" ({other_loss})" if y == other_label else ""
            raise ValueError(f"{loss}: labels must be {choices}, got {y!r}{hint}")


# ---- mean squared error -----------------------------------------------------------------------

def mse_loss(y_hat: Predictions, y: Targets) -> Value:
    """The lecture's l(y, ŷ) = 1/n Σ (y_i − ŷ_i)².  ∂l/∂ŷ_i = −2/n (y_i − ŷ_i)."""
    pairs = _pairs("mse_loss", y_hat, y)
    return autograd.sum((y_i - y_hat_i) ** 2 for y_hat_i, y_i in pairs) / len(pairs)


# ---- sum of squared errors --------------------------------------------------------------------

def sse_loss(y_hat: Predictions, y: Targets) -> Value:
    """Σ (y_i − ŷ_i)², the squared error without the 1/n.  ∂l/∂ŷ_i = −2 (y_i − ŷ_i)."""
    pairs = _pairs("sse_loss", y_hat, y)
    return autograd.sum((y_i - y_hat_i) ** 2 for y_hat_i, y_i in pairs)


# ---- hinge (max-margin) -------------------------------------------------------------------------

def hinge_loss(scores: Predictions, y: Targets) -> Value:
    """1/n Σ max(0, 1 − y_i s_i) for labels y_i in {-1, +1}, as in micrograd's moons demo.

    A score on the right side of the margin (y_i s_i >= 1) costs nothing;
    ∂l/∂s_i = −y_i / n inside the margin, 0 outside (and 0 exactly on it, relu's kink).
    """
    pairs = _pairs("hinge_loss", scores, y)
    _check_labels("hinge_loss", pairs, (-1.0, 1.0))
    return autograd.sum((1 - y_i * s_i).relu() for s_i, y_i in pairs) / len(pairs)


# ---- binary cross-entropy from logits -----------------------------------------------------------

def bce_loss(logits: Predictions, y: Targets) -> Value:
    """Binary cross-entropy of labels y_i in {0, 1} from logits z_i (before the sigmoid).

    l = 1/n Σ −[y_i log σ(z_i) + (1 − y_i) log(1 − σ(z_i))]
      = 1/n Σ max(z_i, 0) − z_i y_i + log(1 + e^−|z_i|),

    the second form being stable: e^−|z| never overflows, so logits of ±1000 are fine.
    The sign of z picks the branch (z >= 0: z (1 − y) + log(1 + e^−z); z < 0:
    −z y + log(1 + e^z)); each branch is smooth, so even at z = 0 the gradient is the exact
    ∂l/∂z_i = (σ(z_i) − y_i) / n rather than one taken at the kinks of max and |z|.
    """
    pairs = _pairs("bce_loss", logits, y)
    _check_labels("bce_loss", pairs, (0.0, 1.0))
    terms = []
    for z, y_i in pairs:
        if z.data >= 0:
            terms.append(z * (1 - y_i) + (1 + (-z).exp()).log())
        else:
            terms.append((1 + z.exp()).log() - z * y_i)
    return autograd.sum(terms) / len(pairs)


# ---- cross-entropy over classes -----------------------------------------------------------------

def cross_entropy(logits: Sequence[Operand] | ArrayLike, target: int) -> Value:
    """−log softmax(z)_target = log Σ_j e^(z_j) − z_target for one sample's class logits z.

    Computed stably as m + log Σ_j e^(z_j − m) − z_target with m = max_j z_j taken as a
    constant: shifting every logit by m changes neither the value nor the gradient
    ∂l/∂z_j = softmax(z)_j − [j = target], so the shift needs no derivative.
    """
    if not is_sequence(logits):
        raise TypeError(f"cross_entropy: logits must be a list of Values or numbers: {logits!r}")
    logits = as_list(logits, "cross_entropy", "logits")
    if not logits:
        raise ValueError("cross_entropy: no logits given (empty input)")
    z = [
        v if isinstance(v, Value) else Value(as_float(v, f"cross_entropy: logit {j}"))
        for j, v in enumerate(logits)
    ]
    if isinstance(target, bool) or not isinstance(target, numbers.Integral):
        raise ValueError(f"cross_entropy: target must be a class index (int), got {target!r}")
    if not 0 <= target < len(z):
        raise ValueError(
            f"cross_entropy: target {target!r} is not a class index in 0..{len(z) - 1}"
        )
    for j, z_j in enumerate(z):
        if not math.isfinite(z_j.data):
            raise ValueError(f"cross_entropy: logits must be finite, got logit {j} = {z_j.data!r}")
    m = max(z_j.data for z_j in z)
    log_sum_exp = autograd.sum((z_j - m).exp() for z_j in z).log() + m
    return log_sum_exp - z[int(target)]
