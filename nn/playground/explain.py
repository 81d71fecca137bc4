"""One click from the picture to the maths: a unit's or a weight's value, gradient and chain rule.

Units are named ``h1[j]`` (unit j of the first hidden layer), weights ``W1[j,i]`` (into unit j
of layer 1 from input i) and biases ``b1[j]``, the lecture's W⁽¹⁾ and b⁽¹⁾ with indices from 0;
the output is ``ŷ`` and the loss on one point ``ℓ``. The chain-rule text is the engine's own
``autograd.chain_rule`` on the graph of one training point's loss.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from autograd import Value, chain_rule, gradients, topological_order
from autograd.viz import ChainRule, formula_names

from ..layers import MLP
from ..penalty import l2_penalty

_UNIT = re.compile(r"h(\d+)\[(\d+)\]")
_WEIGHT = re.compile(r"W(\d+)\[(\d+),\s*(\d+)\]")
_BIAS = re.compile(r"b(\d+)\[(\d+)\]")
_DOTTED = re.compile(r"layers\.(\d+)\.neurons\.(\d+)\.(?:w\.(\d+)|b)")


@dataclass(frozen=True)
class Inspection:
    """What a click on ``name`` shows.

    ``value``: a weight's current value, or a unit's activation on training point ``point``.
    ``gradient``: for a weight, ∂L/∂θ of the whole training objective (mean loss over the
    training points, plus the L2 term), what full-batch gradient descent steps along; for a
    unit, ∂ℓ/∂h on the point. ``point_gradient``: ∂ℓ/∂(name) on the point alone, which the
    ``chain`` writes out as a sum over paths of products of local derivatives.
    """

    name: str
    kind: str  # "unit", "weight" or "bias"
    value: float
    gradient: float
    point: int
    point_gradient: float
    chain: ChainRule

    def lines(self) -> list[str]:
        """The explanation as text, one line per fact, the chain rule last."""
        what = (
            f"{self.name} = {self.value:.6g} on training point {self.point}"
            if self.kind == "unit"
            else f"{self.name} = {self.value:.6g}"
        )
        lines = [what]
        if self.kind != "unit":
            lines.append(f"∂L/∂{self.name} = {self.gradient:.6g} over the training set")
        lines.append(f"on training point {self.point}:")
        lines.extend(self.chain.lines())
        return lines

    def __str__(self) -> str:
        return "\n".join(self.lines())


def unit_names(model: MLP) -> list[list[str]]:
    """The hidden units' names, layer by layer: [["h1[0]", "h1[1]", ...], ...]."""
    return [
        [f"h{index + 1}[{j}]" for j in range(layer.nout)]
        for index, layer in enumerate(model.layers[:-1])
    ]


def parameter_names(model: MLP) -> dict[Value, str]:
    """Each parameter's short name: ``W1[0,1]``, ``b1[0]``, ..., ``W3[0,7]`` for the output."""
    names: dict[Value, str] = {}
    for index, layer in enumerate(model.layers):
        for j, neuron in enumerate(layer.neurons):
            for i, w in enumerate(neuron.w):
                names[w] = f"W{index + 1}[{j},{i}]"
            names[neuron.b] = f"b{index + 1}[{j}]"
    return names


def inspect(
    model: Any,
    name: str,
    xs: Sequence[Any],
    ys: Sequence[float],
    point: int,
    loss: Callable[[list[Any], list[Any]], Value],
    l2: float = 0.0,
) -> Inspection:
    """See ``Playground.inspect``: ``model`` is the playground's network, (xs, ys) the
    training points with the targets as ``loss`` wants them."""
    if isinstance(point, bool) or not isinstance(point, int) or not 0 <= point < len(xs):
        raise ValueError(
            f"Playground.inspect: point must be a training point's index in 0..{len(xs) - 1}, "
            f"got {point!r}"
        )
    kind, layer, unit, weight = _parse(model, name)
    was_training = model.training
    model.eval()  # no dropout: the picture shows the network as it predicts
    try:
        outputs = model.trace(xs[point])
        point_loss = loss([outputs[-1][0]], [ys[point]])
        names = _node_names(model, outputs, point_loss)
        if kind == "unit":
            node = outputs[layer][unit]
            value = node.data
        else:
            neuron = model.layers[layer].neurons[unit]
            node = neuron.b if kind == "bias" else neuron.w[weight]
            value = node.data
        chain = chain_rule(point_loss, node, names=names)
        if kind == "unit":
            gradient = chain.total
        else:
            gradient = _training_gradient(model, node, xs, ys, loss, l2)
    finally:
        model.train(was_training)
    return Inspection(names[node], kind, value, gradient, point, chain.total, chain)


def _parse(model: MLP, name: str) -> tuple[str, int, int, int]:
    """(kind, layer index from 0, unit, input) of a unit's or a parameter's name."""
    if not isinstance(name, str):
        raise TypeError(f"Playground.inspect: name must be a str, got {name!r}")
    text = name.strip()
    hidden = len(model.layers) - 1
    if match := _UNIT.fullmatch(text):
        layer, unit, weight, kind = int(match[1]) - 1, int(match[2]), 0, "unit"
        if not 0 <= layer < hidden:
            where = f"hidden layers are 1..{hidden}" if hidden else "the model has no hidden units"
            message = f"Playground.inspect: no hidden layer {layer + 1} in {name!r}; {where}"
            raise ValueError(message)
    elif match := _WEIGHT.fullmatch(text):
        layer, unit, weight, kind = int(match[1]) - 1, int(match[2]), int(match[3]), "weight"
    elif match := _BIAS.fullmatch(text):
        layer, unit, weight, kind = int(match[1]) - 1, int(match[2]), 0, "bias"
    elif match := _DOTTED.fullmatch(text):
        layer, unit = int(match[1]), int(match[2])
        kind = "bias" if match[3] is None else "weight"
        weight = 0 if match[3] is None else int(match[3])
    else:
        raise ValueError(
            f"Playground.inspect: cannot read {name!r}; name a unit 'h1[0]', a weight 'W1[0,1]', "
            f"a bias 'b1[0]' or a parameter 'layers.0.neurons.0.w.1'"
        )
    if not 0 <= layer < len(model.layers):
        raise ValueError(f"Playground.inspect: no layer {layer + 1} in {name!r}")
    if not 0 <= unit < model.layers[layer].nout:
        raise ValueError(
            f"Playground.inspect: layer {layer + 1} has units 0..{model.layers[layer].nout - 1}"
            f", not {unit} in {name!r}"
        )
    if kind == "weight" and not 0 <= weight < model.layers[layer].nin:
        raise ValueError(
            f"Playground.inspect: units of layer {layer + 1} have inputs "
            f"0..{model.layers[layer].nin - 1}, not {weight} in {name!r}"
        )
    return kind, layer, unit, weight


def _node_names(model: MLP, outputs: list[list[Value]], point_loss: Value) -> dict[Value, str]:
    """Short names for the nodes a chain-rule line passes: ℓ, ŷ, h and z of each unit, θ."""
    names = parameter_names(model)
    last = len(outputs) - 1
    for index, values in enumerate(outputs):
        below = "x" if index == 0 else f"h{index}"
        for j, h in enumerate(values):
            z = h
            if index == last:
                names[h] = "ŷ"
            else:
                names[h] = f"h{index + 1}[{j}]"
                if model.layers[index].activation != "linear" and len(h.inputs) == 1:
                    z = h.inputs[0]
                    names[z] = f"z{index + 1}[{j}]"  # z = w·x + b, before σ
            if z.inputs and z.inputs[0] not in names:
                names[z.inputs[0]] = f"W{index + 1}[{j}]·{below}"  # the weighted sum w·x
    names[point_loss] = "ℓ"
    return {**_loss_formulas(point_loss, names), **names}


def _loss_formulas(point_loss: Value, names: dict[Value, str]) -> dict[Value, str]:
    """The nodes between ŷ and ℓ written as formulas of ŷ and y: ``(1 - 1*ŷ)``.

    ``formula_names`` reads labels, so the named nodes of this one-point graph (all made for
    this explanation, no parameter among them) are labelled for the call and unlabelled after.
    """
    order = topological_order(point_loss)
    fresh = [node for node in order if node in names and not node.is_leaf and not node.label]
    try:
        for node in fresh:
            node.label = names[node]
        return formula_names(order)
    finally:
        for node in fresh:
            node.label = ""


def _training_gradient(
    model: Any,
    parameter: Value,
    xs: Sequence[Any],
    ys: Sequence[float],
    loss: Callable[[list[Any], list[Any]], Value],
    l2: float,
) -> float:
    """∂L/∂θ of the whole training objective, accumulating nothing into ``.grad``."""
    objective = loss([model(x) for x in xs], list(ys))
    if l2 > 0:
        objective = objective + l2_penalty(model.parameters(), l2)
    (gradient,) = gradients(objective, (parameter,))
    return float(gradient) if math.isfinite(float(gradient)) else math.nan

