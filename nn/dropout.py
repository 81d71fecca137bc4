"""Dropout: in training, zero each value with probability p so no unit can be relied on alone."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from autograd import Value
from autograd.value import Operand, as_float, is_real_number

from .layers import random_source
from .module import Module
from .sequences import ArrayLike, as_list, is_sequence


class Dropout(Module):
    """Inverted dropout on a list of Values.

    In training mode each value is kept with probability 1 - p and then scaled by 1/(1 - p),
    or zeroed with probability p: h_i -> m_i h_i / (1 - p) with m_i ~ Bernoulli(1 - p).
    Scaling the survivors during training ("inverted" dropout, as in PyTorch) keeps the
    expected value of each output equal to its input, so in eval mode dropout is simply the
    identity. Each kept or dropped value is one ``*`` node, so gradients flow through the
    survivors only.

    ``seed`` is an int, a ``random.Random`` or None (a fresh random source); every call in
    training mode draws new masks from it.
    """

    def __init__(self, p: float = 0.5, *, seed: int | random.Random | None = None) -> None:
        # NaN fails the range check too
        if not is_real_number(p) or not (0.0 <= p < 1.0):
            raise ValueError(f"Dropout: p must be a probability in [0, 1), got {p!r}")
        self.p = float(p)
        self._rng = random_source(seed)

    def __call__(self, values: Sequence[Operand] | ArrayLike) -> list[Value]:
        if not is_sequence(values):
            raise TypeError(
                f"Dropout: expected a list of Values or numbers, got {type(values).__name__} "
                f"{values!r}; wrap a single value in a list"
            )
        values = as_list(values, "Dropout", "values")
        inputs = [
            v if isinstance(v, Value) else Value(as_float(v, f"Dropout: item {position}"))
            for position, v in enumerate(values)
        ]
        if not self.training or self.p == 0.0:
            return inputs
        scale = 1.0 / (1.0 - self.p)
        return [v * (0.0 if self._rng.random() < self.p else scale) for v in inputs]

    def architecture(self) -> dict[str, Any]:
        return {"type": "Dropout", "p": self.p}

    def __repr__(self) -> str:
        return f"Dropout(p={self.p!r})"
