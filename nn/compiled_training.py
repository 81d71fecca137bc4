"""Which compiled step ``fit(compile=True)`` takes: per example, per batch, or the whole data set.

- a named loss: the per-example loss, batched over each step's examples (``nn.compiled_step``);
- a named loss and a model with batch norm in training mode, whose batch statistics tie a
  batch's examples together: the loss of a whole batch, once per batch size
  (``nn.coupled_step``);
- a loss function, with full-batch training: the loss of the whole data set
  (``WholeBatchStep``); with mini-batches, or batch norm in training mode, it runs eagerly.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from autograd.compiler.tracing import DataDependenceError

from .compiled_step import CompiledStep, WholeBatchStep
from .coupled_step import CoupledBatchStep, batch_norms_in_training
from .loss_modules import module_loss


def compiled_training(
    model: Any, loss: Any, xs: Sequence[Any], ys: Sequence[Any], batch_size: int | None
) -> CompiledStep | WholeBatchStep | CoupledBatchStep | None:
    """The compiled step for ``fit(compile=True)``, or None where the eager engine must run.

    A named loss is compiled per example and batched, as is a loss module computing one
    (``nn.CrossEntropyLoss(reduction="sum")``: cross_entropy, summed); for a model with batch
    norm in training mode, whose examples a batch ties together, the loss of a whole batch is
    compiled instead, once per batch size (``nn.coupled_step``). A loss function of a
    whole batch is compiled as it is when there is one batch (``batch_size=None``: the same
    samples in the same order every epoch); with mini-batches, or a model with batch norm in
    training mode, it runs eagerly, with a warning.
    Tracing runs the model once at the parameters' current values; if that overflows or
    leaves a domain (the first step would diverge), fit runs eagerly and reports it as usual.
    """
    if not callable(getattr(model, "parameters", None)):
        raise TypeError(
            f"fit: compile=True needs a model with parameters() (an nn.Module), got "
            f"{type(model).__name__}"
        )
    reduction = "mean"
    named = module_loss(loss)  # nn.CrossEntropyLoss(reduction="sum"): its named loss, summed
    if named is not None:
        loss, reduction = named
    if not isinstance(loss, str) and (batch_size is not None or batch_norms_in_training(model)):
        warnings.warn(
            "fit: compile=True compiles a loss function of a whole batch only for full-batch "
            "training (batch_size=None) of a model without batch norm in training mode; here "
            "it runs on the eager engine (the named losses are compiled: loss='mse', ...)",
            stacklevel=3,
        )
        return None
    try:
        if not isinstance(loss, str):
            return WholeBatchStep(model, loss, xs, ys)
        if batch_norms_in_training(model):
            return CoupledBatchStep(model, loss, xs, ys, reduction, batch_size)
        return CompiledStep(model, loss, xs, ys, reduction)
    except DataDependenceError:
        raise
    except (ArithmeticError, ValueError) as error:
        if "fit:" in str(error) or not _numeric(error):
            raise
        return None


def _numeric(error: Exception) -> bool:
    """An error of arithmetic (overflow, a domain) rather than of the arguments."""
    return isinstance(error, ArithmeticError) or "math domain error" in str(error)
