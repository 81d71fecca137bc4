"""Held-out data during training: the validation loss of each epoch, and early stopping on it."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from autograd import Value, enable_grad, no_grad
from optim import Optimizer
from optim.checks import whole_number

from .fit_checks import check_finite, first_non_finite
from .module import Module
from .outputs import one_output, one_output_each
from .sequences import as_list

LossFunction = Callable[[list[Any], list[Any]], Value]
Hits = Callable[[list[Any], list[Any]], int]


def checked_validation(validation: Any) -> tuple[list[Any], list[Any]] | None:
    """``validation=(xs_val, ys_val)`` as two lists of equal, non-zero length, or None."""
    if validation is None:
        return None
    if isinstance(validation, (str, bytes)) or not isinstance(validation, Sequence):
        raise TypeError(
            f"fit: validation must be a pair (xs_val, ys_val), got {type(validation).__name__}"
        )
    if len(validation) != 2:
        raise ValueError(
            f"fit: validation must be a pair (xs_val, ys_val), got {len(validation)} items"
        )
    xs_val = as_list(validation[0], "fit", "validation's xs_val")
    ys_val = one_output_each(as_list(validation[1], "fit", "validation's ys_val"))
    if len(xs_val) != len(ys_val):
        raise ValueError(
            f"fit: validation's xs_val and ys_val differ in length ({len(xs_val)} and "
            f"{len(ys_val)})"
        )
    if len(xs_val) == 0:
        raise ValueError("fit: validation holds no samples (xs_val and ys_val are empty)")
    return xs_val, ys_val


# The labels each classification loss takes.
_LABELS = {"hinge": (-1.0, 1.0), "bce": (0.0, 1.0)}


def check_validation_targets(
    loss: str | None, model: Any, held_out: tuple[list[Any], list[Any]]
) -> None:
    """ValueError before the first step for validation data the end of the first epoch would
    refuse: a NaN or infinite number, or a target that is no label of ``loss`` (a named loss:
    -1/+1 for hinge, 0/1 for bce, a class index of the model's outputs for cross_entropy)."""
    xs_val, ys_val = held_out
    check_finite(xs_val, "validation's xs_val")
    check_finite(ys_val, "validation's ys_val")
    if loss in _LABELS:
        allowed = _LABELS[loss]
        for index, y in enumerate(ys_val):
            if (y.data if isinstance(y, Value) else y) not in allowed:
                raise ValueError(
                    f"fit: validation's ys_val[{index}] is {y!r}, but loss {loss!r} takes the "
                    f"labels {allowed[0]:g} and {allowed[1]:g}"
                )
    if loss == "cross_entropy":
        classes = _class_count(model, xs_val[0])
        for index, k in enumerate(ys_val):
            whole = isinstance(k, numbers.Integral) and not isinstance(k, bool)
            if not whole or (classes is not None and not 0 <= k < classes):
                among = "" if classes is None else f" in 0..{classes - 1}"
                raise ValueError(
                    f"fit: validation's ys_val[{index}] is {k!r}, but loss 'cross_entropy' "
                    f"takes a class index (an int){among}, one per output of the model"
                )


def _class_count(model: Any, x: Any) -> int | None:
    """How many class logits the model gives for ``x`` (in eval mode, recording nothing), or
    None if it cannot say (the first step reports what is wrong)."""
    try:
        with evaluation_mode(model):
            output = one_output(model(x))
    except Exception:  # any failure of the model is the first step's to report
        return None
    return len(output) if isinstance(output, (list, tuple)) else None


@contextmanager
def evaluation_mode(model: Any, record_graph: bool = False) -> Iterator[None]:
    """Eval mode (dropout off), with no graph recorded unless asked; each module's own mode
    restored after."""
    modules = model.modules() if isinstance(model, Module) else []
    modes = [module.training for module in modules]
    for module in modules:
        module.training = False
    try:
        with enable_grad() if record_graph else no_grad():
            yield
    finally:
        for module, mode in zip(modules, modes, strict=True):
            module.training = mode


def predict(model: Any, xs: Sequence[Any]) -> list[Any]:
    """The model's outputs for ``xs``: ``model.forward_batch(xs)`` where it has one; a
    one-element output as its item (``nn.outputs``)."""
    forward_batch = getattr(model, "forward_batch", None)
    if callable(forward_batch):
        return one_output_each(list(forward_batch(list(xs))))
    return one_output_each([model(x) for x in xs])


def evaluate(
    model: Any,
    data: tuple[list[Any], list[Any]],
    loss_function: LossFunction,
    hits: Hits | None,
) -> tuple[float, float | None]:
    """The loss (no penalty) and accuracy (None without ``hits``) on ``data``, in eval mode.

    A loss that refuses NaN or infinite outputs (cross-entropy raises ValueError on such
    logits) gives a NaN validation loss for them, as mse's own arithmetic does.
    """
    xs, ys = data
    with evaluation_mode(model):
        predictions = predict(model, xs)
        try:
            loss = float(loss_function(predictions, ys))
        except ValueError:
            if first_non_finite(predictions) is None:
                raise
            loss = math.nan
        accuracy = hits(predictions, ys) / len(xs) if hits is not None else None
    return loss, accuracy


class EarlyStopping:
    """Stop after ``patience`` epochs without a lower validation loss; keep the best parameters.

    ``update(epoch, loss)`` is called at the end of each epoch (counted from 0) and says whether
    to stop; ``restore()`` puts back the parameters saved at the end of ``best_epoch``, exactly
    (the floats themselves are copied). A Module's whole ``state_dict()`` is kept; for another
    callable model, the optimizer's parameters.
    """

    def __init__(self, patience: int, model: Any, optimizer: Optimizer) -> None:
        self.patience = whole_number(patience, "fit", "early_stopping")
        self._model = model
        self._optimizer = optimizer
        self.best_loss = math.inf
        self.best_epoch: int | None = None
        self._best_state: Any = None
        self._epochs_without_improvement = 0

    def update(self, epoch: int, loss: float) -> bool:
        """Record epoch ``epoch``'s validation loss; True once patience has run out."""
        if loss < self.best_loss:  # a NaN loss is never an improvement
            self.best_loss = loss
            self.best_epoch = epoch
            self._best_state = self._snapshot()
            self._epochs_without_improvement = 0
        else:
            self._epochs_without_improvement += 1
        return self._epochs_without_improvement >= self.patience

    def restore(self) -> None:
        """Put back the parameters of the best epoch (nothing, if no epoch was recorded)."""
        if self._best_state is None:
            return
        if isinstance(self._model, Module):
            self._model.load_state_dict(self._best_state)
        else:
            for parameter, value in zip(self._optimizer.params, self._best_state, strict=True):
                parameter.data = value

    def _snapshot(self) -> Any:
        if isinstance(self._model, Module):
            return self._model.state_dict()
        return [parameter.data for parameter in self._optimizer.params]
