"""Watching training from inside: each layer's gradient norm and update-to-parameter ratio.

CS231n's rule of thumb for babysitting a network: the size of a step compared with the size of
the parameters it changes, ‖Δθ‖ / ‖θ‖, should be about 1e-3 per layer. Much lower and that
layer learns too slowly (α too small, or its gradients vanish); much higher and it thrashes.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from autograd import Value

from .inspection import layer_parameters
from .module import Module

if TYPE_CHECKING:
    from matplotlib.axes import Axes

GUIDE_RATIO = 1e-3  # CS231n: updates about a thousandth of the parameters' size


def norm(numbers: list[float]) -> float:
    """The Euclidean norm √(Σ x_i²), without overflow for large entries."""
    return math.hypot(*numbers)


class Monitor:
    """Measures one step of each layer: ‖∇θ ℓ‖ before it and ‖Δθ‖ / ‖θ‖ across it.

    Call ``before_step()`` after ``backward()`` and ``after_step()`` after ``optimizer.step()``;
    ``grad_norms`` and ``update_ratios`` then hold that step's numbers by layer name. The
    ratio divides by ‖θ‖ before the step (as CS231n does); for a layer whose parameters are
    all 0 it is inf if the step moved them, else 0.
    """

    def __init__(self, model: Any, parameters: list[Value]) -> None:
        if isinstance(model, Module):
            groups = layer_parameters(model)
            self.layers: dict[str, list[Value]] = {k: list(v) for k, v in groups.items()}
        else:  # a plain callable: its parameters as one group
            self.layers = {"parameters": list(parameters)}
        self.grad_norms: dict[str, float] = {}
        self.update_ratios: dict[str, float] = {}
        self._before: dict[str, list[float]] = {}

    def before_step(self) -> None:
        for name, parameters in self.layers.items():
            self.grad_norms[name] = norm([float(p.grad) for p in parameters])
            self._before[name] = [p.data for p in parameters]

    def after_step(self) -> None:
        for name, parameters in self.layers.items():
            before = self._before[name]
            step = norm([p.data - old for p, old in zip(parameters, before, strict=True)])
            size = norm(before)
            if size > 0:
                self.update_ratios[name] = step / size
            else:
                self.update_ratios[name] = math.inf if step > 0 else 0.0


def plot_diagnostics(
    grad_norms: dict[str, list[float]],
    update_ratios: dict[str, list[float]],
    axes: tuple[Axes, Axes] | None = None,
) -> tuple[Axes, Axes]:
    """Two panels against the epoch: each layer's ‖∇θ ℓ‖, and its ‖Δθ‖ / ‖θ‖ with the 1e-3
    guide line, both on a log scale. Needs matplotlib."""
    import matplotlib.pyplot as plt

    if axes is None:
        _, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    else:
        left, right = axes
    for name, values in grad_norms.items():
        left.plot(range(1, len(values) + 1), values, label=name)
    for name, values in update_ratios.items():
        right.plot(range(1, len(values) + 1), values, label=name)
    right.axhline(GUIDE_RATIO, color="black", linestyle="--", linewidth=1,
                  label="1e-3 (CS231n's guide)")
    for ax, title, label in (
        (left, "Gradient norm per layer", "‖∇θ ℓ‖ (last step of the epoch)"),
        (right, "Update : parameter ratio per layer", "‖Δθ‖ / ‖θ‖"),
    ):
        ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.set_title(title)
        ax.legend(fontsize=8)
    return left, right
