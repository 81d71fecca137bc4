"""The playground's network: input features, then an MLP whose hidden layers may drop units.

``PlaygroundNet`` is an ``nn.MLP`` (same layers, same initialisation for the same seed, same
parameter names) that first turns a raw point into its features and, in training mode, applies
inverted dropout to each hidden layer's output. Built with ``seed`` and no dropout it computes
exactly what ``nn.MLP(len(features), [*hidden, 1], activation, seed=seed)`` computes on the
features.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from autograd import Value

from ..dropout import Dropout
from ..layers import MLP
from .inputs import InputFeatures


class PlaygroundNet(MLP):
    """f(x) = h_L(... D(h_1(β(x)))): features β, hidden layers h with dropout D, one output."""

    def __init__(
        self,
        features: InputFeatures,
        hidden: Sequence[int],
        activation: str,
        *,
        dropout: float = 0.0,
        seed: int | random.Random | None = None,
    ) -> None:
        super().__init__(len(features), [*hidden, 1], activation=activation, seed=seed)
        self.input_features = features
        self.dropout = Dropout(dropout, seed=random.Random(seed if isinstance(seed, int) else 0))

    def set_dropout(self, p: float) -> None:
        """Change the dropout probability, keeping the stream of random masks going."""
        self.dropout = Dropout(p, seed=self.dropout._rng)
        self.dropout.training = self.training

    def trace(self, x: Sequence[float]) -> list[list[Value]]:
        """Every layer's outputs for the point ``x``, first hidden layer first, output last."""
        values: list[Any] = [Value(f) for f in self.input_features(x)]  # one leaf per input
        outputs = []
        last = len(self.layers) - 1
        for index, layer in enumerate(self.layers):
            values = layer(values)
            if index < last and self.dropout.p > 0 and self.dropout.training:
                values = self.dropout(values)  # (otherwise the identity: skipped, it costs)
            outputs.append(values)
        return outputs

    def __call__(self, x: Any) -> Value:
        if not isinstance(x, Sequence):
            x = [x]
        return self.trace(x)[-1][0]

    def architecture(self) -> dict[str, Any]:
        return {
            **super().architecture(),
            "type": "PlaygroundNet",
            "features": {
                "kind": self.input_features.kind,
                "dimension": self.input_features.dimension,
                "degree": self.input_features.degree,
            },
            "dropout": self.dropout.p,
        }

    def __repr__(self) -> str:
        hidden = self.sizes[:-1]
        return (
            f"PlaygroundNet({self.input_features.kind} features {self.input_features.names()}, "
            f"hidden={hidden}, activation={self.activation!r}, dropout={self.dropout.p!r})"
        )
