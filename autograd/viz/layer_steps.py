"""Backprop one layer at a time: each step sends a layer's gradient, a whole array, to its inputs.

``backprop_steps(root, group="layer")`` gives these steps. At each step a layer's gradient
∂root/∂layer is complete (every layer that reads it has sent its share), and the layer passes
it to each input by the chain rule in matrix form, the local derivative (``local_matrix``)
applied to the gradient: for z2 = W2·h1 + b2, ∂root/∂W2 += ∂root/∂z2 · h1ᵀ, ∂root/∂h1 +=
W2ᵀ · ∂root/∂z2 and ∂root/∂b2 += ∂root/∂z2. The numbers come from the scalar nodes' own local
derivatives, so the leaves get exactly the gradients ``backward()`` gives them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..graph.layer_view import Layer, LayerView
from ..graph.matrix_form import local_matrix
from ..graph.numbers_format import format_number
from ..value import Value


@dataclass(frozen=True, eq=False)
class LayerContribution:
    """What one step sends one input layer: ``contribution[i]`` to its node ``i``."""

    input: Layer
    local_derivative: str  # ∂z2/∂W2 = h1ᵀ
    contribution: tuple[float, ...]


@dataclass(frozen=True, eq=False)
class LayerStep:
    """Step ``index`` of backprop in the layer view: ``layer`` passes its gradient ``grad`` on.

    ``grad[i]`` is ∂root/∂(node i of the layer); ``contributions`` has one entry per input layer.
    """

    index: int
    layer: Layer
    grad: tuple[float, ...]
    contributions: tuple[LayerContribution, ...]

    @property
    def number(self) -> int:
        """The step's number as people read it, counting from 1."""
        return self.index + 1


def layer_steps(view: LayerView) -> Iterator[LayerStep]:
    """One step per op layer, the output's layer first, as backprop visits them."""
    gradient: dict[Value, float] = {view.root: 1.0}
    for index, layer in enumerate(layer for layer in reversed(view.layers) if not layer.is_leaf):
        grad = tuple(gradient.get(node, 0.0) for node in layer.nodes)
        sent = view.send_gradient(layer, grad)
        contributions = []
        for source in layer.inputs:
            shares = sent[source]
            for node, share in shares.items():
                gradient[node] = gradient.get(node, 0.0) + share
            contributions.append(LayerContribution(
                source, local_matrix(layer, source),
                tuple(shares.get(node, 0.0) for node in source.nodes),
            ))
        yield LayerStep(index, layer, grad, tuple(contributions))


def gradients_after(view: LayerView, steps: Sequence[LayerStep]) -> dict[Value, float]:
    """Each scalar node's gradient once ``steps`` are done: 1 at the root, then += each share."""
    totals: dict[Value, float] = {view.root: 1.0}
    for step in steps:
        for part in step.contributions:
            for node, share in zip(part.input.nodes, part.contribution, strict=True):
                totals[node] = totals.get(node, 0.0) + share
    return totals


def complete_after(view: LayerView, steps: Sequence[LayerStep]) -> set[Layer]:
    """The layers whose gradient is complete after ``steps``: every user has stepped."""
    done = {id(step.layer) for step in steps}
    complete = {view.root_layer}
    for layer in view.layers:
        users = view.users(layer)
        if users and all(id(user) in done for user in users):
            complete.add(layer)
    return complete


def summary(numbers: Sequence[float], precision: int = 4, small: int = 4) -> str:
    """A few numbers as ``[0.5, -0.3]``, many as ``mean 0.1 ± 0.2 (n = 16)``."""
    if len(numbers) <= small:
        return "[" + ", ".join(format_number(x, precision) for x in numbers) + "]"
    mean, spread = mean_and_std(numbers)
    return (f"mean {format_number(mean, precision)} ± {format_number(spread, precision)} "
            f"(n = {len(numbers)})")


def mean_and_std(numbers: Sequence[float]) -> tuple[float, float]:
    """The mean and the population standard deviation of ``numbers``."""
    mean = math.fsum(numbers) / len(numbers)
    return mean, math.sqrt(math.fsum((x - mean) ** 2 for x in numbers) / len(numbers))


def explain_layer_step(step: LayerStep, view: LayerView, precision: int = 4) -> list[str]:
    """One layer step as the lecture's matrix chain rule, one line per input layer::

        ∂loss/∂z2 = mean 0.01 ± 0.2 (n = 16)
        ∂loss/∂W2 += ∂loss/∂z2 · h1ᵀ      (16×16) = (16×1) · (1×16)
    """
    root = view.root_layer.name
    lines = [f"∂{root}/∂{step.layer.name} = {summary(step.grad, precision)}"]
    for part in step.contributions:
        if not part.input.has_gradient:
            continue
        term, shapes = matrix_term(root, step.layer, part.input)
        lines.append(f"∂{root}/∂{part.input.name} += {term}   {shapes}"
                     f"   = {summary(part.contribution, precision)}")
    return lines


def matrix_term(root: str, user: Layer, source: Layer) -> tuple[str, str]:
    """``source``'s share of ∂root/∂source through ``user``, in matrix form, and the shapes."""
    upstream = f"∂{root}/∂{user.name}"
    n, m = user.size, source.size
    column = f"({n}×1)"
    if user.affine:
        weights, inputs, bias = user.inputs
        rows, examples = n // user.batch, user.batch
        stacked = f", the {examples} examples as columns" if examples > 1 else ""
        if user.dense and source is weights:
            width = inputs.size // examples
            return (f"{upstream} · {inputs.name}ᵀ",
                    f"({rows}×{width}) = ({rows}×{examples}) · ({examples}×{width}){stacked}")
        if user.dense and source is inputs:
            width = m // examples
            return (f"{weights.name}ᵀ · {upstream}",
                    f"({width}×{examples}) = ({width}×{rows}) · ({rows}×{examples}){stacked}")
        if source is bias and m == n:
            return upstream, f"({m}×1) = {column}"
        if user.dense and source is bias and m == rows:
            return (f"{upstream} · 1",
                    f"({rows}×1) = ({rows}×{examples}) · ({examples}×1){stacked}")
    local = local_matrix(user, source).split(" = ", 1)[1]
    if user.op == "sum":
        return f"1 · {upstream}", f"({m}×1) = ({m}×1) · (1×1)"
    if m != n:
        return f"(∂{user.name}/∂{source.name})ᵀ · {upstream}", f"({m}×1) = ({m}×{n}) · {column}"
    if local == "I":
        return upstream, f"({m}×1) = {column}"
    if local == "−I":
        return f"−{upstream}", f"({m}×1) = {column}"
    if local.startswith("diag("):
        return f"{local} · {upstream}", f"({m}×1) = ({m}×{n}) · {column}"
    return f"(∂{user.name}/∂{source.name})ᵀ · {upstream}", f"({m}×1) = ({m}×{n}) · {column}"
