"""``Linear``: y = W x + b, a fully connected layer, PyTorch's ``weight[o][i]`` and ``bias[o]``."""

from __future__ import annotations

import math
import random
from typing import Any

from autograd import Parameter, Value, dot
from optim.checks import whole_number

from .layers import random_source
from .limits import check_parameter_count, readable_count
from .module import Module
from .shapes import as_values, batch_hint, describe, shape_of


class Linear(Module):
    """y_o = Σ_i W[o][i] x_i + b[o] for o = 0..out_features−1, each one ``dot`` node plus bias.

    Unlike ``Layer`` it applies no activation (put a ``ReLU()`` after it in a ``Sequential``),
    and it always returns a list, one Value per output (a one-element list counts as its
    number in every loss and in ``fit``, see ``nn.outputs``). With ``in_features == 1`` a lone
    number is taken as well as ``[x]``, as every model of one input takes it. ``weight[o][i]``
    and ``bias[o]`` are initialised as in PyTorch: uniform in [-1/sqrt(in_features),
    1/sqrt(in_features)].

    >>> layer = Linear(3, 2, seed=0)
    >>> len(layer([1.0, 2.0, 3.0]))
    2
    """

    def __init__(
        self, in_features: int, out_features: int, seed: int | random.Random | None = None
    ) -> None:
        self.in_features = whole_number(in_features, "Linear", "in_features")
        self.out_features = whole_number(out_features, "Linear", "out_features")
        check_parameter_count(
            "Linear",
            self.out_features * (self.in_features + 1),
            f"in_features={readable_count(self.in_features)} and "
            f"out_features={readable_count(self.out_features)}",
        )
        rng = random_source(seed)
        bound = 1.0 / math.sqrt(self.in_features)
        self.weight = [
            [Parameter(rng.uniform(-bound, bound)) for _ in range(self.in_features)]
            for _ in range(self.out_features)
        ]
        self.bias = [Parameter(rng.uniform(-bound, bound)) for _ in range(self.out_features)]
        self._label_parameters()

    def __call__(self, x: Any) -> list[Value]:
        shape = shape_of(x, repr(self))
        if shape == () and self.in_features == 1:  # a lone number: the one input
            x, shape = [x], (1,)
        if shape != (self.in_features,):
            raise ValueError(
                f"{self!r}: expected an input of shape [{self.in_features}], got {describe(shape)}"
                + (batch_hint(shape, 1, self.in_features) or self._flatten_hint(shape))
            )
        inputs = as_values(x, repr(self))
        return [dot(w, inputs) + b for w, b in zip(self.weight, self.bias, strict=True)]

    @staticmethod
    def _flatten_hint(shape: tuple[int, ...]) -> str:
        return "; put a Flatten() before it" if len(shape) > 1 else ""

    def architecture(self) -> dict[str, Any]:
        return {
            "type": "Linear",
            "in_features": self.in_features,
            "out_features": self.out_features,
        }

    def __repr__(self) -> str:
        return f"Linear(in_features={self.in_features}, out_features={self.out_features})"
