"""What is going on inside the playground's network: dead and saturated units, update ratios.

Per hidden unit, over the training points (eval mode): the mean and standard deviation of its
activation, whether it is dead (a ReLU that is 0 for every point, so no gradient reaches its
weights) and the fraction of points where it is saturated (|tanh| > 0.97, or a sigmoid outside
[0.03, 0.97], where its derivative is nearly 0). Per layer the same as fractions of its units,
with the gradient norm ‖∇θ ℓ‖ and the update ratio ‖Δθ‖ / ‖θ‖ of the last optimizer step
(CS231n's rule of thumb: about 1e-3).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..layers import MLP
from .pictures import layer_outputs

SATURATED_TANH = 0.97
SATURATED_SIGMOID = (0.03, 0.97)
GUIDE_UPDATE_RATIO = 1e-3


@dataclass(frozen=True)
class StepRecord:
    """Per layer (``"layers.0"``, ...): ‖∇θ ℓ‖ and ‖Δθ‖ / ‖θ‖ of one optimizer step."""

    grad_norms: dict[str, float]
    update_ratios: dict[str, float]

    @classmethod
    def of(cls, model: MLP, before: Sequence[float]) -> StepRecord:
        """The record of the step that moved ``model``'s parameters from ``before``."""
        grads: dict[str, list[float]] = {}
        steps: dict[str, list[float]] = {}
        olds: dict[str, list[float]] = {}
        for (name, p), old in zip(model.named_parameters(), before, strict=True):
            layer = ".".join(name.split(".")[:2])
            grads.setdefault(layer, []).append(float(p.grad))
            steps.setdefault(layer, []).append(p.data - old)
            olds.setdefault(layer, []).append(old)
        norm = _norm
        return cls(
            {layer: norm(g) for layer, g in grads.items()},
            {
                layer: norm(steps[layer]) / norm(olds[layer]) if norm(olds[layer]) > 0 else math.inf
                for layer in steps
            },
        )


def saturation(activation: str, values: Any) -> Any:
    """Where each activation value is saturated (a boolean array); all False when it cannot."""
    import numpy as np

    if activation == "tanh":
        return np.abs(values) > SATURATED_TANH
    if activation == "sigmoid":
        low, high = SATURATED_SIGMOID
        return (values < low) | (values > high)
    return np.zeros_like(values, dtype=bool)


def layer_diagnostics(
    model: MLP, xs: Sequence[Any], last_step: StepRecord | None
) -> list[dict[str, Any]]:
    """One dict per layer (output layer last), each with a ``"units"`` list of per-unit dicts.

    Layer keys: ``"layer"`` (its name in ``named_parameters()``), ``"mean"``, ``"std"``,
    ``"dead_fraction"``, ``"saturated_fraction"``, ``"grad_norm"`` and ``"update_ratio"``
    (None before the first step). Unit keys: ``"name"`` (``h1[0]``; ``ŷ`` for the output),
    ``"mean"``, ``"std"``, ``"dead"``, ``"saturated_fraction"``.
    """
    import numpy as np

    with np.errstate(over="ignore", invalid="ignore"):  # a diverging net: inf and nan shown
        return _layer_diagnostics(model, layer_outputs(model, [list(x) for x in xs]), last_step)


def _layer_diagnostics(
    model: MLP, outputs: list[Any], last_step: StepRecord | None
) -> list[dict[str, Any]]:
    import numpy as np

    report = []
    last = len(model.layers) - 1
    for index, (layer, values) in enumerate(zip(model.layers, outputs, strict=True)):
        name = f"layers.{index}"
        saturated = saturation(layer.activation, values)
        dead = (
            np.all(values == 0.0, axis=0)
            if layer.activation == "relu"
            else np.zeros(values.shape[1], dtype=bool)
        )
        means = values.mean(axis=0).tolist()
        stds = values.std(axis=0).tolist()
        saturated_fractions = saturated.mean(axis=0).tolist()
        units = [
            {
                "name": "ŷ" if index == last else f"h{index + 1}[{j}]",
                "mean": means[j],
                "std": stds[j],
                "dead": bool(dead[j]),
                "saturated_fraction": saturated_fractions[j],
            }
            for j in range(values.shape[1])
        ]
        report.append(
            {
                "layer": name,
                "mean": float(values.mean()),
                "std": float(values.std()),
                "dead_fraction": float(dead.mean()),
                "saturated_fraction": float(saturated.mean()),
                "grad_norm": None if last_step is None else last_step.grad_norms[name],
                "update_ratio": None if last_step is None else last_step.update_ratios[name],
                "units": units,
            }
        )
    return report


def _norm(numbers: Sequence[float]) -> float:
    return math.sqrt(math.fsum(x * x for x in numbers))
