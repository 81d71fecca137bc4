"""The compiled step of ``fit(compile=True)`` for a model whose forward couples a batch's examples.

Batch norm in training mode normalises each channel with the mean μ and variance σ² of the
whole batch, so one example's output depends on every other example of its batch: there is no
per-example graph (``nn.compiled_step``). Here the loss of a whole mini-batch is traced instead,
once per batch size (the last batch of an epoch may be smaller), with the b examples' inputs and
targets and the parameters θ as the inputs of one graph::

    ℓ(θ; x_1..x_b, t_1..t_b) = Σ_i ℓ_i(f_θ(x_1..x_b)_i, t_i)      μ and σ² inside the graph

and generated as the rolled program (``nn.batch_gradient``; one row holding the whole batch),
or one NumPy line per node where rolling declines. The gradient flows through μ and σ² to every
example, as in the eager ``forward_batch``. The graph also returns the model's outputs (for the
accuracy) and every batch norm's μ and σ² per channel; after each step taken, the running
statistics are moved with them by the layer's own ``update_running_statistics``, the formula
of the eager pass (momentum, the unbiased variance σ² m/(m − 1), ``num_batches_tracked``).
A batch giving a NaN or an infinity raises ``NotFinite`` and leaves the statistics alone: the
eager engine computes that batch again, and updates them itself if its step is taken.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from contextlib import ExitStack
from typing import Any

import autograd
from autograd import Parameter, Value
from autograd.compiler.tracing import Trace, input_node, trace

from .batch_gradient import LossAndGrads, batch_program
from .batchnorm import _BatchNorm
from .compiled_step import (
    MEAN_LOSSES,
    PER_EXAMPLE,
    NotFinite,
    _as_value,
    _examples,
    _numpy,
    _rebuilt,
    _refuse_uncompilable,
    _shape_of,
    check_named_loss,
    count_hits,
    target_rows,
)
from .fit_checks import check_predictions
from .module import Module
from .outputs import one_output_each


def batch_norms_in_training(model: Any) -> list[_BatchNorm]:
    """The model's batch norm layers in training mode, in module order (their statistics tie a
    batch's examples together)."""
    if not isinstance(model, Module):
        return []
    return [m for m in model.modules() if isinstance(m, _BatchNorm) and m.training]


class CoupledBatchStep:
    """A model's mini-batch loss, compiled per batch size; ``loss_and_gradients(theta, batch)``
    runs one step's worth and ``step_taken()`` moves the running statistics after it."""

    def __init__(
        self, model: Module, loss: str, xs: Sequence[Any], ys: Sequence[Any],
        reduction: str = "mean", batch_size: int | None = None,
    ) -> None:
        np = _numpy()
        check_named_loss(loss)
        _refuse_uncompilable(model, batch_norm=True)
        self.model: Any = model  # called: a Module subclass defines forward_batch
        self.loss = loss
        self.mean = loss in MEAN_LOSSES and reduction == "mean"  # else the sum over examples
        self.norms = batch_norms_in_training(model)
        self.parameters: list[Parameter] = model.parameters()
        self.x_shape, self.x_rows = _examples(xs, np)
        self.inputs_per_x = self.x_rows.shape[1]
        n = len(xs)
        size = n if batch_size is None else min(batch_size, n)
        self.n_outputs = self._output_count(size)
        self.y_rows = target_rows(loss, ys, self.n_outputs, np)
        # for each batch size, each batch norm pass of the graph (a layer used twice passes
        # twice) and its counts m per channel, in the order of the extras
        self.passes: dict[int, list[tuple[_BatchNorm, list[int]]]] = {}
        self.programs: dict[int, LossAndGrads] = {}
        self.sources: dict[int, str] = {}
        first = list(range(size))
        graph = self._trace(first)
        again = self._trace(list(range(n - 1, n - 1 - size, -1)))  # the same graph, or none
        if _shape_of(graph) != _shape_of(again):
            raise ValueError(
                "fit: compile=True needs a model whose graph is the same on every call, but "
                "this model built different graphs for two batches (does it draw random "
                "numbers, or branch on values?); use compile=False"
            )
        self._compile(size, graph)
        if n % size:  # the last, smaller batch of each epoch
            self._compile(n % size, self._trace(list(range(n % size))))
        self._pending: list[tuple[_BatchNorm, list[tuple[float, float, int]]]] = []

    @property
    def source(self) -> str:
        """The generated program of the full batch size (the first compiled)."""
        return next(iter(self.sources.values()))

    def _output_count(self, size: int) -> int:
        """How many outputs the model gives per example: one forward of a batch without a
        graph, the running statistics left as they are."""
        with ExitStack() as stack, autograd.no_grad():
            for norm in self.norms:
                stack.enter_context(norm.recording_batch_statistics())
            rows = self.x_rows[:size].tolist()
            outputs = one_output_each(
                self.model.forward_batch([_rebuilt(self.x_shape, iter(row)) for row in rows])
            )
        check_predictions(self.loss, outputs, list(range(size)))
        return len(outputs[0]) if self.loss == "cross_entropy" else 1

    def _trace(self, batch: list[int]) -> Trace:
        """The graph of the loss summed over ``batch``, its outputs and batch statistics extras."""
        b, d, k = len(batch), self.inputs_per_x, self.y_rows.shape[1]
        outputs: list[Value] = []
        statistics: list[Value] = []
        loss_term = PER_EXAMPLE[self.loss]

        def whole_batch(*data: Value) -> Value:
            examples = [_rebuilt(self.x_shape, iter(data[i * d:(i + 1) * d])) for i in range(b)]
            predictions = one_output_each(self.model.forward_batch(examples))
            check_predictions(self.loss, predictions, batch)  # as the eager fit says
            targets = data[b * d:]
            terms = []
            for i, prediction in enumerate(predictions):
                if self.loss == "cross_entropy":
                    logits = [_as_value(z) for z in prediction]
                    outputs.extend(logits)
                    terms.append(loss_term(logits, targets[i * k:(i + 1) * k]))
                else:
                    outputs.append(_as_value(prediction))
                    terms.append(loss_term(outputs[-1], targets[i * k:(i + 1) * k]))
            return autograd.sum(terms)

        x_numbers = self.x_rows[batch].tolist()
        t_numbers = self.y_rows[batch].tolist()
        leaves = [input_node(v, f"x{j + 1}[{i}]") for i, row in enumerate(x_numbers)
                  for j, v in enumerate(row)]
        leaves += [input_node(v, f"t{j}[{i}]" if k > 1 else f"y[{i}]")
                   for i, row in enumerate(t_numbers) for j, v in enumerate(row)]
        with ExitStack() as stack:
            recorded = [stack.enter_context(norm.recording_batch_statistics())
                        for norm in self.norms]

            def extras() -> list[Value]:
                for passes in recorded:
                    for channels in passes:
                        statistics.extend(v for mean, variance, _ in channels
                                          for v in (mean, variance))
                return [*outputs, *statistics]

            graph = trace(whole_batch, "fit", leaves, self.parameters, extras=extras)
        self.passes[b] = [(norm, [m for _, _, m in channels])
                          for norm, passes in zip(self.norms, recorded, strict=True)
                          for channels in passes]
        return graph

    def _compile(self, size: int, graph: Trace) -> None:
        np = _numpy()
        names = [p.label or f"theta{i}" for i, p in enumerate(self.parameters)]
        names += [node.label for node in graph.inputs[len(self.parameters):]]
        self.programs[size], self.sources[size] = batch_program(
            graph, names, len(self.parameters), f"fit {self.loss}, a batch of {size}", np
        )

    def loss_and_gradients(self, theta: Any, batch: Sequence[int]) -> tuple[float, Any, int]:
        """(the batch's loss, ∂loss/∂θ as an array, how many examples it classified correctly)
        at parameters ``theta``; NotFinite otherwise. The batch statistics are kept for
        ``step_taken``."""
        np = _numpy()
        m = len(batch)
        rows = np.asarray(batch)
        x = self.x_rows[rows].reshape(1, -1)  # the whole batch is one row of the program
        t = self.y_rows[rows]
        with np.errstate(all="ignore"):
            try:
                total, grad, extras = self.programs[m](theta, x, t.reshape(1, -1))
            except (ArithmeticError, ValueError) as error:  # on the parameters (floats) alone
                raise NotFinite from error
            loss = float(total[0]) / m if self.mean else float(total[0])
            gradient = grad * (1.0 / m if self.mean else 1.0)
        values = extras[0]
        outputs = values[: m * self.n_outputs].reshape(m, self.n_outputs)
        statistics = values[m * self.n_outputs:]
        if not (math.isfinite(loss) and np.isfinite(gradient).all()
                and np.isfinite(statistics).all()):
            raise NotFinite
        numbers = statistics.tolist()
        pairs = iter(zip(numbers[0::2], numbers[1::2], strict=True))  # (μ, σ²) per channel
        self._pending = [(norm, [(*next(pairs), count) for count in counts])
                         for norm, counts in self.passes[m]]
        return loss, gradient, count_hits(self.loss, outputs, t, np)

    def step_taken(self) -> None:
        """Move each batch norm's running statistics with the last batch's μ and σ², as its
        eager forward pass would have done."""
        for norm, channels in self._pending:
            norm.update_running_statistics(channels)
        self._pending = []
