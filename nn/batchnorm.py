"""``BatchNorm1d`` and ``BatchNorm2d``: normalise each channel over the batch, then scale and shift.

In training mode, for each channel c over the m values it has in the batch (m = batch size for
``BatchNorm1d`` on [C], batch size x H x W for ``BatchNorm2d``)::

    μ = 1/m Σ x_j                   the batch mean (one ``sum`` node)
    σ² = 1/m Σ (x_j − μ)²           the batch variance, biased (one ``dot`` node: (x−μ)·(x−μ))
    x̂_j = (x_j − μ) / sqrt(σ² + ε)
    y_j = γ x̂_j + β                 γ = ``weight[c]``, β = ``bias[c]``, both Parameters

and the running statistics move towards the batch's, as PyTorch does (momentum α = 0.1)::

    running_mean ← (1 − α) running_mean + α μ
    running_var  ← (1 − α) running_var  + α σ² m / (m − 1)     (the unbiased variance)

(with ``momentum=None`` α = 1 / the number of batches seen: a plain average). In eval mode
μ and σ² are replaced by ``running_mean`` and ``running_var``. Everything is built from Values,
so the gradient flows through μ and σ² to every example of the batch.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import autograd
from autograd import Parameter, Value
from autograd.value import is_real_number
from optim.checks import whole_number

from .limits import check_parameter_count, readable_count
from .module import Module
from .sequences import ListLike, as_list
from .shapes import as_values, describe, flatten, map_nested, shape_of

# The largest batch count a model file may hold: 2**53, the last whole number a float counts
# exactly (the count is saved as a number like every buffer). A million batches a second would
# take 285 years to get there; a file saying more (1e300, 2**70) is not a real model's.
MAX_BATCHES_TRACKED = 2**53


def _positions(part: Any) -> list[tuple[int, ...]]:
    """The index of each value of nested lists, in reading order (``()`` for a single value)."""
    shape = shape_of(part, "batch norm")
    return list(itertools.product(*(range(n) for n in shape)))


class BatchRequired(ValueError, RuntimeError):
    """Batch norm in training mode was given one example: it needs the batch's statistics."""


class _BatchNorm(Module):
    """What both batch norms share; subclasses say which example shapes they accept."""

    buffer_names = ("running_mean", "running_var", "num_batches_tracked")
    shapes: tuple[str, ...]  # descriptions of the accepted example shapes, for errors

    def __init__(
        self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1
    ) -> None:
        name = type(self).__name__
        self.num_features = whole_number(num_features, name, "num_features")
        check_parameter_count(
            name, 2 * self.num_features, f"num_features={readable_count(self.num_features)}"
        )
        if not is_real_number(eps) or not 0.0 < eps < math.inf:
            raise ValueError(f"{name}: eps must be a finite number > 0, got {eps!r}")
        if momentum is not None and (not is_real_number(momentum) or not 0.0 <= momentum <= 1.0):
            raise ValueError(
                f"{name}: momentum must be a number in [0, 1] or None, got {momentum!r}"
            )
        self.eps = float(eps)
        self.momentum = None if momentum is None else float(momentum)
        self.weight = [Parameter(1.0) for _ in range(self.num_features)]  # γ
        self.bias = [Parameter(0.0) for _ in range(self.num_features)]  # β
        self.running_mean = [0.0] * self.num_features
        self.running_var = [1.0] * self.num_features
        self.num_batches_tracked = 0
        self._number = ""  # μ1, μ2, ... when a model holds several (see number_nodes)
        self._label_parameters()

    # ---- shapes ----------------------------------------------------------------------------

    def _accepts(self, shape: tuple[int, ...]) -> bool:
        raise NotImplementedError

    def _check(self, x: Any) -> tuple[int, ...]:
        shape = shape_of(x, repr(self))
        if not self._accepts(shape):
            expected = " or ".join(self.shapes)
            raise ValueError(
                f"{self!r}: expected an example of shape {expected}, got {describe(shape)}"
            )
        return shape

    # ---- forward ---------------------------------------------------------------------------

    def __call__(self, x: Any) -> Any:
        if self.training:
            raise BatchRequired(
                f"{self!r} in training mode normalises with the statistics of a whole batch: "
                f"call forward_batch(xs) on a list of examples (Sequential.forward_batch and "
                f"fit do), or switch to eval() to use the running statistics on one example"
            )
        self._check(x)
        return self._normalise([as_values(x, repr(self))])[0]

    def forward_batch(self, xs: ListLike) -> list[Any]:
        xs = as_list(xs, f"{self!r}.forward_batch", "xs (the examples)")
        if not xs:
            raise ValueError(f"{self!r}.forward_batch: expected a non-empty list of examples")
        if not self.training:
            return [self(x) for x in xs]
        shapes = {self._check(x) for x in xs}
        if len(shapes) > 1:
            raise ValueError(
                f"{self!r}.forward_batch: the examples differ in shape: "
                + ", ".join(sorted(describe(shape) for shape in shapes))
            )
        shape = shapes.pop()
        m = len(xs) * math.prod(shape[1:])  # the values each channel has in the batch
        if m < 2:
            raise BatchRequired(
                f"{self!r}: expected more than 1 value per channel when training, got a batch "
                f"of {len(xs)} example of shape {describe(shape)}"
            )
        return self._normalise([as_values(x, repr(self)) for x in xs])

    def _normalise(self, batch: list[Any]) -> list[Any]:
        """y = γ (x − μ) / sqrt(σ² + ε) + β for every value, channel by channel.

        In training μ and σ² are the batch's (Values the gradient flows through), and the
        running statistics are updated; in eval they are the running statistics (numbers).
        """
        outputs: list[Any] = [[None] * self.num_features for _ in batch]
        number = getattr(self, "_number", "")  # (a layer pickled before it was numbered)
        batch_statistics = []
        for c in range(self.num_features):
            parts = [x[c] for x in batch]  # channel c of each example
            mean: Value | float
            std: Value | float
            if self.training:
                values = [v for part in parts for v in flatten(part)]
                total = autograd.sum(values)
                total.label = "Σx" + number + self._channel(c)
                mean = total / len(values)  # μ
                mean.label = "μ" + number + self._channel(c)
                centered = [map_nested(lambda v: v - mean, part) for part in parts]  # noqa: B023
                deviations = [d for part in centered for d in flatten(part)]
                # σ² = 1/m Σ (x_j − μ)², the sum of squares as one dot node (biased: 1/m)
                squares = autograd.dot(deviations, deviations)
                squares.label = "Σ(x−μ)²" + number + self._channel(c)
                variance = squares / len(values)
                variance.label = "σ²" + number + self._channel(c)
                std = (variance + self.eps).sqrt()
                batch_statistics.append((mean, variance, len(values)))
            else:
                mean = self.running_mean[c]
                centered = [map_nested(lambda v: v - mean, part) for part in parts]  # noqa: B023
                std = math.sqrt(self.running_var[c] + self.eps)
            gamma, beta = self.weight[c], self.bias[c]
            for j, (example, part) in enumerate(zip(outputs, centered, strict=True)):
                normalised: list[Value] = []

                def scale_and_shift(d: Value) -> Value:
                    x_hat = d / std  # noqa: B023
                    normalised.append(x_hat)  # noqa: B023
                    return gamma * x_hat + beta  # noqa: B023

                example[c] = map_nested(scale_and_shift, part)
                for position, x_hat in zip(_positions(part), normalised, strict=True):
                    where = (j, c, *position) if self.num_features > 1 else (j, *position)
                    x_hat.label = f"x̂{number}[{','.join(str(i) for i in where)}]"
        if self.training:
            recorder = getattr(self, "_statistics_recorder", None)
            if recorder is not None:  # traced: the compiled step updates them after each step
                recorder.append(batch_statistics)
            else:
                self.update_running_statistics(
                    [(float(mean.data), float(variance.data), m)
                     for mean, variance, m in batch_statistics]
                )
        return outputs

    @contextmanager
    def recording_batch_statistics(self) -> Iterator[list[list[tuple[Value, Value, int]]]]:
        """While open, a training forward pass leaves the running statistics as they are and
        appends its batch statistics to the list yielded instead, one entry per pass: each
        channel's (μ, σ², m), μ and σ² as Values. ``fit(compile=True)`` traces the passes this
        way and applies the compiled values with ``update_running_statistics`` after each step."""
        recorded: list[list[tuple[Value, Value, int]]] = []
        self._statistics_recorder = recorded
        try:
            yield recorded
        finally:
            del self._statistics_recorder

    def number_nodes(self, number: int) -> None:
        """Name this batch norm's nodes ``μ{number}``, ``σ²{number}``, ``x̂{number}[…]``."""
        self._number = str(number)

    def _channel(self, c: int) -> str:
        """``[c]`` to label channel c's nodes, or nothing when there is only one channel."""
        return f"[{c}]" if self.num_features > 1 else ""

    def _label_parameters(self) -> None:
        """γ and β, as the lecture writes them: ``γ[c]`` and ``β[c]`` (``γ``, ``β`` for one)."""
        for c in range(self.num_features):
            self.weight[c].label = "γ" + self._channel(c)
            self.bias[c].label = "β" + self._channel(c)

    def update_running_statistics(self, statistics: list[tuple[float, float, int]]) -> None:
        """One training batch's step of the running statistics, from each channel's batch
        mean μ, biased variance σ² and count m (the momentum formula above)."""
        self.num_batches_tracked += 1
        # α: the momentum, or for momentum=None 1/k after k batches (a cumulative average)
        alpha = 1.0 / self.num_batches_tracked if self.momentum is None else self.momentum
        for c, (mean, variance, m) in enumerate(statistics):
            unbiased = variance * m / (m - 1)
            self.running_mean[c] = (1.0 - alpha) * self.running_mean[c] + alpha * mean
            self.running_var[c] = (1.0 - alpha) * self.running_var[c] + alpha * unbiased

    # ---- saving and showing ----------------------------------------------------------------

    def check_buffer(self, attribute: str, value: float) -> str | None:
        if attribute == "running_var" and value < 0.0:
            return "is a variance and must be >= 0"
        if attribute == "num_batches_tracked" and not (value >= 0 and value.is_integer()):
            return "counts batches and must be a whole number >= 0"
        if attribute == "num_batches_tracked" and value > MAX_BATCHES_TRACKED:
            return (
                f"counts batches and must be at most 2**53 = {MAX_BATCHES_TRACKED:,} "
                f"(nn.batchnorm.MAX_BATCHES_TRACKED: no model has trained on more)"
            )
        return None

    def architecture(self) -> dict[str, Any]:
        return {
            "type": type(self).__name__,
            "num_features": self.num_features,
            "eps": self.eps,
            "momentum": self.momentum,
        }

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.num_features}, eps={self.eps!r}, "
            f"momentum={self.momentum!r})"
        )


class BatchNorm1d(_BatchNorm):
    """Batch norm over examples of shape ``[C]`` (features) or ``[C][L]``, as PyTorch's.

    >>> bn = BatchNorm1d(1)
    >>> [[round(v.data, 4) for v in y] for y in bn.forward_batch([[1.0], [3.0]])]
    [[-1.0], [1.0]]
    """

    shapes = ("[num_features]", "[num_features][L]")

    def _accepts(self, shape: tuple[int, ...]) -> bool:
        return len(shape) in (1, 2) and shape[0] == self.num_features

    def __call__(self, x: Any) -> Any:
        return super().__call__(self._one_feature(x))

    def forward_batch(self, xs: ListLike) -> list[Any]:
        examples = as_list(xs, f"{self!r}.forward_batch", "xs (the examples)")
        return super().forward_batch([self._one_feature(x) for x in examples])

    def _one_feature(self, x: Any) -> Any:
        """A lone number as ``[x]`` when there is one feature, as every layer of one input."""
        if self.num_features == 1 and (isinstance(x, Value) or is_real_number(x)):
            return [x]
        return x


class BatchNorm2d(_BatchNorm):
    """Batch norm over examples of shape ``[C][H][W]``, statistics over batch, height and width."""

    shapes = ("[num_features][H][W]",)

    def _accepts(self, shape: tuple[int, ...]) -> bool:
        return len(shape) == 3 and shape[0] == self.num_features
