"""What each layer does on a batch: its activations and gradients as numbers and histograms.

As in Karpathy's makemore: a healthy network's hidden activations are spread out (not all 0,
not all at ±1) and its gradients keep about the same size from the last layer to the first.
``activation_stats`` and ``gradient_stats`` give the numbers, ``plot_activations`` and
``plot_gradients`` one histogram per layer. They find the layers by walking the model's
sub-modules (``nn.inspection.named_layers``), so they work on an ``MLP``, on a stack of
modules, and on a model of your own; the model is run in eval mode (dropout off) and left in
the mode it was in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from autograd import Value, enable_grad

from .inspection import named_layers
from .module import Module
from .recording import flat, recording
from .sequences import as_list
from .training import LOSSES, LossFunction
from .validation import evaluation_mode, predict

if TYPE_CHECKING:
    from matplotlib.axes import Axes

SATURATED_TANH = 0.97  # |tanh| beyond this: the slope 1 - tanh² is below 0.06
SATURATED_SIGMOID = (0.03, 0.97)  # sigmoid outside this: the slope σ(1 - σ) is below 0.03


def _activation_of(layer: Module) -> str:
    """``"relu"``, ``"tanh"``, ... : the layer's ``activation``, or its class (``ReLU()``)."""
    name = getattr(layer, "activation", None)
    return name if isinstance(name, str) else type(layer).__name__.lower()


Recorded = list[tuple[str, str, list[list[Any]]]]  # (layer name, activation, outputs per call)


def _layer_outputs(
    model: Module, xs: Sequence[Any], where: str, record_graph: bool = False
) -> tuple[Recorded, list[Any]]:
    """For each layer that ran: its name, its activation and its flattened output per call;
    and the model's predictions. Runs in eval mode, recording the graph only if asked."""
    if not isinstance(model, Module):
        raise TypeError(f"{where}: expected an nn.Module, got {type(model).__name__}")
    layers = named_layers(model)
    if not layers:
        raise ValueError(f"{where}: {type(model).__name__} has no layers (no sub-modules)")
    xs = as_list(xs, where, "xs")
    if not xs:
        raise ValueError(f"{where}: expected a non-empty list of inputs, got an empty one")
    with evaluation_mode(model, record_graph), recording([m for _, m in layers]) as outputs:
        predictions = predict(model, xs)
    found = [
        (name, _activation_of(layer), [flat(call) for call in calls])
        for (name, layer), calls in zip(layers, outputs, strict=True)
    ]
    return [layer for layer in found if any(layer[2])], predictions  # layers that gave values


# ---- numbers ----------------------------------------------------------------------------------

def _mean_std(values: list[float]) -> tuple[float, float]:
    mean = math.fsum(values) / len(values)
    return mean, math.sqrt(math.fsum((v - mean) ** 2 for v in values) / len(values))


def _dead_fraction(calls: list[list[float]]) -> float:
    """The fraction of units (output positions) that are 0 for every input."""
    units = max(len(call) for call in calls)
    alive = [False] * units
    for call in calls:
        for position, value in enumerate(call):
            if value != 0.0:
                alive[position] = True
    return alive.count(False) / units


def _saturated_fraction(activation: str, values: list[float]) -> float:
    if activation == "tanh":
        saturated = sum(abs(v) > SATURATED_TANH for v in values)
    elif activation == "sigmoid":
        low, high = SATURATED_SIGMOID
        saturated = sum(not low <= v <= high for v in values)
    else:
        return 0.0
    return saturated / len(values)


def activation_stats(model: Module, xs: Sequence[Any]) -> list[dict[str, float]]:
    """One dict per layer, in order, describing its outputs on the inputs ``xs``.

    - ``"mean"``, ``"std"``: over every output of the layer for every x;
    - ``"dead_fraction"``: for a ReLU layer, the fraction of its units that are 0 for every x
      (they pass no gradient, so they never learn again); 0.0 for other activations;
    - ``"saturated_fraction"``: the fraction of outputs with |tanh| > 0.97 (tanh), or outside
      [0.03, 0.97] (sigmoid), where the slope has all but vanished; 0.0 for other activations.

    A layer is what ``nn.inspection.named_layers`` finds (an ``MLP``'s ``layers.0``, ...,
    the output layer included; each module of a stack); layers that did not run are left out.
    The model runs in eval mode without recording a graph.

    >>> from nn import MLP
    >>> stats = activation_stats(MLP(2, [8, 1], activation="relu", seed=0), [[0.5, 1.0]])
    >>> len(stats), sorted(stats[0])
    (2, ['dead_fraction', 'mean', 'saturated_fraction', 'std'])
    """
    layers, _ = _layer_outputs(model, xs, "activation_stats")
    return _activation_numbers(layers)


def _activation_numbers(layers: Recorded) -> list[dict[str, float]]:
    stats = []
    for _, activation, calls in layers:
        numbers = [[float(v) for v in call] for call in calls]
        values = [v for call in numbers for v in call]
        mean, std = _mean_std(values)
        stats.append({
            "mean": mean,
            "std": std,
            "dead_fraction": _dead_fraction(numbers) if activation == "relu" else 0.0,
            "saturated_fraction": _saturated_fraction(activation, values),
        })
    return stats


def _layer_gradients(
    model: Module, xs: Sequence[Any], ys: Sequence[Any], loss: str | LossFunction, where: str
) -> list[tuple[str, str, list[float]]]:
    """Each layer's name, its activation and the gradients ∂ℓ/∂h of the loss on (xs, ys) with
    respect to each of its outputs h. The parameters' ``.grad`` are left as they were."""
    loss_function = _loss_function(loss, where)
    layers, predictions = _layer_outputs(model, xs, where, record_graph=True)
    ys = as_list(ys, where, "ys")
    if len(ys) != len(predictions):
        raise ValueError(f"{where}: xs and ys differ in length ({len(predictions)} and {len(ys)})")
    parameters = model.parameters()
    kept = [p.grad for p in parameters]
    try:
        with enable_grad():
            objective = loss_function(predictions, ys)
        objective.backward()
        return [
            (name, activation, [float(v.grad) if isinstance(v, Value) else 0.0
                                for call in calls for v in call])
            for name, activation, calls in layers
        ]
    finally:
        for p, grad in zip(parameters, kept, strict=True):
            p.grad = grad


def gradient_stats(
    model: Module, xs: Sequence[Any], ys: Sequence[Any], loss: str | LossFunction = "mse"
) -> list[dict[str, float]]:
    """One dict per layer, in order: ``"mean"`` and ``"std"`` of the gradients ∂ℓ/∂h of the
    loss on (xs, ys) with respect to the layer's outputs h (eval mode; ``loss`` as in ``fit``).

    In a healthy network the std stays about the same from the last layer to the first; when
    it shrinks layer by layer, the first layers barely learn (vanishing gradients).
    """
    stats = []
    for _, _, grads in _layer_gradients(model, xs, ys, loss, "gradient_stats"):
        mean, std = _mean_std(grads)
        stats.append({"mean": mean, "std": std})
    return stats


def _loss_function(loss: str | LossFunction, where: str) -> LossFunction:
    if isinstance(loss, str):
        if loss not in LOSSES:
            raise ValueError(f"{where}: unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
        return LOSSES[loss]
    if callable(loss):
        return loss
    raise TypeError(f"{where}: loss must be a name or a function, got {loss!r}")


# ---- pictures ---------------------------------------------------------------------------------

def _histograms(ax: Axes, curves: list[tuple[str, list[float]]], title: str, xlabel: str) -> None:
    for label, values in curves:
        ax.hist(values, bins=50, histtype="step", density=True, label=label)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("density")
    ax.legend(fontsize=8)


def _drawn(found: list[Any], layers: Sequence[str] | None, where: str) -> list[Any]:
    """The layers to draw: those named in ``layers``, or every layer."""
    if layers is None:
        return found
    if isinstance(layers, str):
        layers = [layers]
    names = [entry[0] for entry in found]
    unknown = [name for name in layers if name not in names]
    if unknown:
        raise ValueError(f"{where}: no layer {unknown[0]!r}; the layers are {', '.join(names)}")
    return [entry for entry in found if entry[0] in layers]


def plot_activations(
    model: Module, xs: Sequence[Any], ax: Axes | None = None, layers: Sequence[str] | None = None
) -> Axes:
    """Histograms of each layer's outputs on ``xs`` (makemore's activation distribution), the
    legend giving each layer's mean, std and saturated or dead fraction. Needs matplotlib.

    ``layers`` names the layers to draw (``["layers.0", "layers.1"]``), by default every layer
    of ``activation_stats``. makemore draws the hidden layers only: a linear output layer's wide
    spread can squash their histograms. Draws on ``ax`` if given, else on a new figure; returns
    the Axes.
    """
    import matplotlib.pyplot as plt

    found, _ = _layer_outputs(model, xs, "plot_activations")
    chosen = _drawn(found, layers, "plot_activations")
    stats = _activation_numbers(chosen)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    curves = []
    for (name, activation, calls), numbers in zip(chosen, stats, strict=True):
        label = f"{name} ({activation}): mean {numbers['mean']:+.2f}, std {numbers['std']:.2f}"
        if activation == "relu":
            label += f", dead {numbers['dead_fraction']:.0%}"
        elif activation in ("tanh", "sigmoid"):
            label += f", saturated {numbers['saturated_fraction']:.0%}"
        curves.append((label, [float(v) for call in calls for v in call]))
    _histograms(ax, curves, "Activation distribution per layer", "layer output h")
    return ax


def plot_gradients(
    model: Module,
    xs: Sequence[Any],
    ys: Sequence[Any],
    loss: str | LossFunction = "mse",
    ax: Axes | None = None,
    layers: Sequence[str] | None = None,
) -> Axes:
    """Histograms of each layer's output gradients ∂ℓ/∂h on (xs, ys) (makemore's gradient
    distribution), the legend giving each layer's mean and std. Needs matplotlib.

    ``loss`` is a name fit knows (``"mse"``, ``"hinge"``, ...) or a function; ``layers`` and
    ``ax`` as for ``plot_activations``. The parameters' ``.grad`` are left as they were.
    """
    import matplotlib.pyplot as plt

    found = _layer_gradients(model, xs, ys, loss, "plot_gradients")
    chosen = _drawn(found, layers, "plot_gradients")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    curves = []
    for name, _, grads in chosen:
        mean, std = _mean_std(grads)
        curves.append((f"{name}: mean {mean:+.2e}, std {std:.2e}", grads))
    _histograms(ax, curves, "Gradient distribution per layer", "∂ℓ/∂h")
    return ax
