"""Two views of one graph: every scalar node, or each neuron σ(w · x + b) as a single node.

The pictures, the backprop steps and the chain-rule text all read a graph through a ``View``:
its nodes in topological order, and for each node its inputs and the local derivatives
d(node)/d(input). In the scalar view (``group=None``) these are the engine's own. In the neuron
view (``group="neuron"``) the three nodes of a neuron, ``dot(w, x)``, ``+ b`` and the
activation, become one node whose inputs are its weights, its inputs x and its bias, and whose
local derivatives are the products along the way, by the chain rule:

    d h/d w_i = σ'(z) · x_i,    d h/d x_i = σ'(z) · w_i,    d h/d b = σ'(z)      (z = w · x + b)

A neuron is found by its shape, whoever built it: a ``+`` of a ``dot`` whose weights are
Parameters and a Parameter bias, optionally followed by ``tanh``, ``sigmoid`` or ``relu`` used by
nothing else. ``nn``'s neurons have this shape; the view needs nothing from ``nn``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..backprop import local_derivatives, topological_order
from ..value import Parameter, Value

GROUPS = (None, "neuron")
ACTIVATIONS = ("tanh", "sigmoid", "relu")


@dataclass(frozen=True, eq=False)
class Neuron:
    """The nodes of one neuron h = σ(w · x + b) in a graph, and what it reads."""

    output: Value  # the activation, or the + for a linear neuron
    pre_activation: Value  # z = w · x + b
    weighted_sum: Value  # w · x, one dot node
    weights: tuple[Value, ...]
    inputs: tuple[Value, ...]
    bias: Value

    @property
    def activation(self) -> str:
        """``"tanh"``, ``"sigmoid"``, ``"relu"``, or ``""`` for a linear neuron."""
        return "" if self.output is self.pre_activation else self.output.op

    @property
    def parameters(self) -> tuple[Value, ...]:
        return (*self.weights, self.bias)


@dataclass(frozen=True, eq=False)
class View:
    """The graph ``root`` depends on, as one view shows it.

    ``order`` holds the shown nodes, inputs before the nodes that use them; ``inputs(node)``
    and ``local_derivatives(node)`` give each shown node's inputs and d(node)/d(input).
    ``neurons`` maps each neuron's output to its ``Neuron`` (empty in the scalar view);
    ``hidden`` maps each node folded into a neuron to that neuron.
    """

    root: Value
    group: str | None
    order: list[Value]
    neurons: Mapping[Value, Neuron] = field(default_factory=dict)
    hidden: Mapping[Value, Neuron] = field(default_factory=dict)

    def inputs(self, node: Value) -> tuple[Value, ...]:
        neuron = self.neurons.get(node)
        if neuron is None:
            return node.inputs
        return (*neuron.weighted_sum.inputs, neuron.bias)

    def local_derivatives(self, node: Value) -> tuple[float, ...]:
        neuron = self.neurons.get(node)
        if neuron is None:
            return tuple(float(d) for d in local_derivatives(node))
        z = neuron.pre_activation
        slope = 1.0 if node is z else float(local_derivatives(node)[0])  # σ'(z)
        through_z = local_derivatives(z)  # d z/d(w · x) and d z/d b, both 1
        dz_dsum = float(through_z[z.inputs.index(neuron.weighted_sum)])
        dz_db = float(through_z[z.inputs.index(neuron.bias)])
        sum_derivatives = local_derivatives(neuron.weighted_sum)  # x_i for w_i, w_i for x_i
        return (
            *(slope * dz_dsum * float(d) for d in sum_derivatives),
            slope * dz_db,
        )


def check_group(group: object, where: str, allowed: tuple[str | None, ...] = GROUPS) -> None:
    """ValueError naming ``where`` and the bad ``group`` unless it is one of the views."""
    if (group is None or isinstance(group, str)) and group in allowed:
        return
    raise ValueError(f"{where}: group must be None, 'neuron' or 'layer', got {group!r}")


def graph_view(root: Value, group: str | None = None, where: str = "draw_graph") -> View:
    """The ``View`` of ``root``'s graph for ``group`` (None: every scalar node; "neuron")."""
    check_group(group, where)
    order = topological_order(root)
    if group is None:
        return View(root, None, order)
    neurons = find_neurons(order, root)
    hidden = {}
    for neuron in neurons.values():
        hidden[neuron.weighted_sum] = neuron
        if neuron.output is not neuron.pre_activation:
            hidden[neuron.pre_activation] = neuron
    shown = [node for node in order if node not in hidden]
    return View(root, group, shown, neurons, hidden)


def find_neurons(order: list[Value], root: Value) -> dict[Value, Neuron]:
    """Every neuron σ(w · x + b) in ``order`` (see the module docstring), by its output."""
    users: dict[Value, list[Value]] = {node: [] for node in order}
    for node in order:
        for child in node.inputs:
            users[child].append(node)
    found: dict[Value, Neuron] = {}
    for node in order:
        neuron = _neuron_at(node, users, root)
        if neuron is not None:
            found[neuron.output] = neuron
    return found


def _neuron_at(z: Value, users: Mapping[Value, list[Value]], root: Value) -> Neuron | None:
    """The neuron whose pre-activation is ``z``, if ``z`` is ``dot(w, x) + b``."""
    if z.op != "+" or len(z.inputs) != 2:
        return None
    weighted_sum, bias = z.inputs
    if weighted_sum.op != "dot" or not _is_parameter(bias) or users[weighted_sum] != [z]:
        return None
    n = len(weighted_sum.inputs) // 2
    weights, inputs = weighted_sum.inputs[:n], weighted_sum.inputs[n:]
    if not weights or not all(_is_parameter(w) for w in weights):
        return None
    output = z
    if z is not root and len(users[z]) == 1 and users[z][0].op in ACTIVATIONS:
        output = users[z][0]
    return Neuron(output, z, weighted_sum, tuple(weights), tuple(inputs), bias)


def is_constant(node: Value) -> bool:
    """A number in a formula (the ``2`` of ``2*x``): an unlabelled leaf that is not a Parameter.

    Pictures show it by its number alone, with no gradient line: nobody asks for its gradient.
    """
    return node.is_leaf and not node.label and not isinstance(node, Parameter)


def _is_parameter(node: Value) -> bool:
    return isinstance(node, Parameter) and node.is_leaf
