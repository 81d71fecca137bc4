"""The neuron view of ``draw_graph``: each neuron one box, inputs drawn once, layers in columns.

Like the lecture's network diagrams (and the TensorFlow Playground), a neuron is one node and
what it reads comes in as edges; like torchviz, the parameters are shown with their values and
gradients, here as rows of the neuron that owns them. A box reads::

    h1[0] = tanh(W1[0]·x + b1[0])
    h1[0]     0.5321   grad -0.1234
    W1[0,0]   0.4101   grad 0.0211      (blue: parameters)
    W1[0,1]  -0.3002   grad -0.0105
    b1[0]     0        grad 0.0302
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from ..graph.names import formula_of
from ..graph.numbers_format import format_number
from ..graph.views import Neuron, View, is_constant
from ..value import Parameter, Value
from .escaping import dot_html_text, dot_tooltip
from .grad_fields import UNKNOWN_GRAD
from .palette import (
    HIGHLIGHT,
    INTERIOR_FILL,
    LEAF_FILL,
    NEURON_FILL,
    OUTPUT_FILL,
    PARAMETER_FILL,
    STALE_COLOUR,
    edge_style,
)


def add_neuron_view(
    graph: Any,
    view: View,
    index: Mapping[Value, int],
    names: Mapping[Value, str],
    *,
    grads: Mapping[Value, float] | None,
    current: Value | None,
    highlighted: set[Value],
    stale: set[Value],
    local_derivatives: bool,
    precision: int,
) -> None:
    """Add ``view``'s nodes and edges to ``graph`` (a ``graphviz.Digraph``), ids ``v{index}``."""
    from graphviz import nohtml  # a tooltip is text, even one that looks like <html>

    graph.graph_attr.update(nodesep="0.25", ranksep="0.6")
    users: dict[Value, int] = {}
    for node in view.order:
        for child in view.inputs(node):
            users[child] = users.get(child, 0) + 1
    inside = {  # parameters drawn as rows of the one neuron that uses them
        parameter
        for neuron in view.neurons.values()
        for parameter in neuron.parameters
        if users.get(parameter) == 1 and parameter is not view.root
    }

    owner = {  # a node drawn inside a neuron's box is highlighted (or stale) by its box
        **{part: neuron.output for part, neuron in view.hidden.items()},
        **{p: n.output for n in view.neurons.values() for p in n.parameters if p in inside},
    }
    highlighted = {owner.get(node, node) for node in highlighted}
    stale = {owner.get(node, node) for node in stale}

    def number(x: float) -> str:
        return html.escape(format_number(x, precision))

    def text(words: str) -> str:
        return dot_html_text(words, "draw_graph")

    def grad_text(node: Value) -> str:
        if grads is None:
            return ""
        return f"grad {number(grads[node])}" if node in grads else f"grad {UNKNOWN_GRAD}"

    def row(node: Value, fill: str = "", name: str | None = None) -> str:
        colour = f' BGCOLOR="{fill}"' if fill else ""
        cells = [
            f'<TD ALIGN="LEFT"{colour}>{text(names[node] if name is None else name)}</TD>',
        ]
        if node.label or not node.is_leaf:  # a constant's name is already its number
            cells.append(f'<TD ALIGN="RIGHT">{number(node.data)}</TD>')
        if grads is not None:
            shown = "" if is_constant(node) else grad_text(node)
            cells.append(f'<TD ALIGN="LEFT">{shown}</TD>')
        return "<TR>" + "".join(cells) + "</TR>"

    def table(title: str, rows: list[str]) -> str:
        columns = 3 if grads is not None else 2
        head = f'<TR><TD COLSPAN="{columns}"><B>{title}</B></TD></TR>' if title else ""
        return ('<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">'
                + head + "".join(rows) + "</TABLE>>")

    columns: dict[int, list[str]] = {}
    depth: dict[Value, int] = {}
    for node in view.order:
        if node in inside:
            continue
        i = index[node]
        neuron = view.neurons.get(node)
        tooltip = f"{dot_tooltip(names[node], 'draw_graph')}: data={node.data!r}"
        if node in (grads or {}) and not is_constant(node):
            tooltip += f" grad={grads[node]!r}"  # type: ignore[index]
        attrs = {"shape": "box", "style": "filled", "fillcolor": _fill(node, view.root)}
        if neuron is not None:
            title = text(f"{names[node]} = {neuron_formula(neuron, names)}")
            rows = [row(node)] + [
                row(p, PARAMETER_FILL) for p in neuron.parameters if p in inside
            ]
            label = table(title, rows)
            attrs["fillcolor"] = OUTPUT_FILL if node is view.root else NEURON_FILL
            depth[node] = 1 + max(
                (depth.get(x, 0) for x in neuron.inputs), default=0
            )
            columns.setdefault(depth[node], []).append(f"v{i}")
        elif node.is_leaf:
            label = table("", [row(node)])
            depth[node] = 0
            if any(node in n.inputs for n in view.neurons.values()):
                columns.setdefault(0, []).append(f"v{i}")
        else:
            formula = formula_of(node, names)
            title = names[node] if formula == names[node] else f"{names[node]} = {formula}"
            label = table(text(title), [row(node, name="data")])
            depth[node] = max((depth.get(x, 0) for x in node.inputs), default=0)
        if node in stale:
            attrs.update(color=STALE_COLOUR, style="filled,dashed", penwidth="2")
        if node in highlighted or node is current:
            attrs.update(color=HIGHLIGHT, penwidth="3")
        graph.node(f"v{i}", label=label, tooltip=nohtml(tooltip), **attrs)

        if node.is_leaf:
            continue
        sends_gradient = node is current
        derivatives: tuple[float, ...] = ()
        if local_derivatives or sends_gradient:
            derivatives = view.local_derivatives(node)
        for position, child in enumerate(view.inputs(node)):
            if child in inside:
                continue
            edge_attrs = edge_style(derivatives, position, sends_gradient, precision)
            graph.edge(f"v{index[child]}", f"v{i}", **edge_attrs)

    for layer in sorted(columns):  # the inputs, then each layer's neurons, in one column
        with graph.subgraph(name=f"layer{layer}") as column:
            column.attr(rank="same")
            for node_id in columns[layer]:
                column.node(node_id)
            for above, below in zip(columns[layer], columns[layer][1:], strict=False):
                column.edge(above, below, style="invis")  # keep the neurons in order


def neuron_formula(neuron: Neuron, names: Mapping[Value, str]) -> str:
    """``tanh(W1[0]·x + b1[0])``: what the neuron computes, in the names of its parts."""
    z = f"{names[neuron.weighted_sum]} + {names[neuron.bias]}"
    return f"{neuron.activation}({z})" if neuron.activation else z


def _fill(node: Value, root: Value) -> str:
    if node is root:
        return OUTPUT_FILL
    if isinstance(node, Parameter):
        return PARAMETER_FILL
    if node.is_leaf:
        return LEAF_FILL
    return INTERIOR_FILL
