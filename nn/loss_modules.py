"""PyTorch's loss modules: ``criterion = nn.MSELoss()``, then ``criterion(outputs, targets)``.

Each is the matching loss function of ``nn.losses`` as an object, for code written the PyTorch
way and for ``fit(loss=criterion)``, which trains with it exactly as with the loss's name
(``nn.MSELoss()`` as ``loss="mse"``: the same numbers, the accuracy of the classification
losses, and ``compile=True``).
"""

from __future__ import annotations

from typing import Any

import autograd
from autograd import Value

from .losses import Predictions, Targets, bce_loss, cross_entropy, hinge_loss, mse_loss, sse_loss
from .outputs import one_output
from .sequences import as_list, is_sequence

REDUCTIONS = ("mean", "sum")


class LossModule:
    """A loss as a callable object: ``criterion(outputs, targets)`` is a Value.

    ``reduction`` is "mean" (the default, as PyTorch) or "sum" (the mean times the number of
    examples). ``fit_name`` is the name ``fit`` knows the loss by (None for a reduction fit
    has no name for: fit then calls the module as a loss function).
    """

    fit_name: str | None = None

    def __init__(self, reduction: str = "mean") -> None:
        if reduction not in REDUCTIONS:
            raise ValueError(
                f"{type(self).__name__}: reduction must be 'mean' or 'sum', got {reduction!r}"
            )
        self.reduction = reduction

    def __call__(self, outputs: Any, targets: Any) -> Value:
        raise NotImplementedError

    def _reduced(self, mean: Value, count: int) -> Value:
        return mean if self.reduction == "mean" else mean * count

    def __repr__(self) -> str:
        settings = "" if self.reduction == "mean" else f"reduction={self.reduction!r}"
        return f"{type(self).__name__}({settings})"


def _count(outputs: Any) -> int:
    return len(as_list(outputs, "loss", "outputs")) if is_sequence(outputs) else 1


class MSELoss(LossModule):
    """1/n Σ (y_i − ŷ_i)², ``nn.mse_loss``; ``reduction="sum"``: Σ (y_i − ŷ_i)², ``sse_loss``."""

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.fit_name = "mse" if reduction == "mean" else "sse"

    def __call__(self, outputs: Predictions, targets: Targets) -> Value:
        if self.reduction == "sum":
            return sse_loss(outputs, targets)
        return mse_loss(outputs, targets)


class BCEWithLogitsLoss(LossModule):
    """Binary cross-entropy from logits, labels 0/1: ``nn.bce_loss`` (as PyTorch's, unweighted)."""

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.fit_name = "bce" if reduction == "mean" else None

    def __call__(self, outputs: Predictions, targets: Targets) -> Value:
        return self._reduced(bce_loss(outputs, targets), _count(outputs))


class HingeLoss(LossModule):
    """1/n Σ max(0, 1 − y_i s_i), labels −1/+1: ``nn.hinge_loss``, micrograd's max-margin loss.

    PyTorch has no module for this binary hinge loss (its ``HingeEmbeddingLoss`` is another
    formula, for distances: x_i when y_i = 1, max(0, margin − x_i) when y_i = −1); scikit-learn
    calls it ``hinge_loss``.
    """

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.fit_name = "hinge" if reduction == "mean" else None

    def __call__(self, outputs: Predictions, targets: Targets) -> Value:
        return self._reduced(hinge_loss(outputs, targets), _count(outputs))


class CrossEntropyLoss(LossModule):
    """1/n Σ −log softmax(z_i)_(k_i) over a batch: class logits z_i, class indices k_i.

    ``criterion(outputs, targets)`` takes a list of logit lists (one per example) and a list
    of class indices, as PyTorch's takes (N, C) logits and (N,) classes; or one example's
    logits and its class, ``criterion(model(x), 2)``. Each term is ``nn.cross_entropy``.
    """

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.fit_name = "cross_entropy" if reduction == "mean" else None

    def __call__(self, outputs: Any, targets: Any) -> Value:
        if not is_sequence(targets):  # one example: its logits and its class
            return cross_entropy(outputs, one_output(targets))
        logits = as_list(outputs, "CrossEntropyLoss", "outputs")
        classes = as_list(targets, "CrossEntropyLoss", "targets")
        if len(logits) != len(classes):
            raise ValueError(
                f"CrossEntropyLoss: outputs and targets differ in length ({len(logits)} and "
                f"{len(classes)}); give one list of class logits per target"
            )
        if not logits:
            raise ValueError("CrossEntropyLoss: no outputs given (empty input)")
        terms = [cross_entropy(z, one_output(k)) for z, k in zip(logits, classes, strict=True)]
        total = autograd.sum(terms)
        return total / len(terms) if self.reduction == "mean" else total


def module_loss(loss: Any) -> tuple[str, str] | None:
    """(the named loss, the reduction) that one of these modules computes, or None for
    anything else: ``("cross_entropy", "sum")`` for ``nn.CrossEntropyLoss(reduction="sum")``.
    A subclass may compute something else, so only these classes themselves count."""
    name = _NAMED.get(type(loss))
    return None if name is None else (name, loss.reduction)


_NAMED: dict[type, str] = {
    MSELoss: "mse", BCEWithLogitsLoss: "bce", HingeLoss: "hinge", CrossEntropyLoss: "cross_entropy",
}


def fit_loss(loss: Any) -> Any:
    """What ``fit`` trains with: a loss module's name where fit has one, else ``loss`` itself."""
    if isinstance(loss, LossModule) and loss.fit_name is not None:
        return loss.fit_name
    return loss
