"""The layer view of ``draw_graph``: each layer one box (``W1  16×2``), edges in matrix form.

A network of hundreds of scalar nodes draws as the lecture writes it, a dozen arrays: the
parameters W1, b1 (blue), the input x (grey), z1 = W1·x + b1, h1 = relu(z1), ... the loss
(green). A box shows its name and shape and, for a small layer, its values and gradients as a
little matrix; for a large one their mean ± standard deviation. With ``local_derivatives=True``
(and on the edges of the current step) each edge carries the local derivative in matrix form,
``∂z1/∂W1 = xᵀ``, in red. A box reads::

    z1 = W1·x + b1   16
    value  0.21 ± 0.33          (mean ± standard deviation)
    grad   -0.01 ± 0.05
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from typing import Any

from ..graph.layer_view import Layer, LayerView, layer_view
from ..graph.matrix_form import local_matrix
from ..graph.numbers_format import check_precision, format_number
from ..value import Value
from .escaping import dot_html_text, dot_tooltip
from .grad_fields import (
    NOT_COMPUTED_NOTE,
    STALE_NOTE,
    UNKNOWN_GRAD,
    grad_fields,
    stale_nodes,
    stale_warning,
)
from .layer_steps import complete_after, gradients_after, layer_steps, mean_and_std
from .notebook_display import scrolling_digraph
from .palette import (
    HIGHLIGHT,
    INTERIOR_FILL,
    LEAF_FILL,
    LOCAL_DERIVATIVE_COLOUR,
    OUTPUT_FILL,
    PARAMETER_FILL,
    STALE_COLOUR,
)

SMALL = 6  # a layer of at most this many numbers shows them all
SUMMARY_NOTE = f"a layer of more than {SMALL} numbers: mean ± standard deviation"


def draw_layers(
    root: Value,
    *,
    grads: bool = True,
    local_derivatives: bool = False,
    highlight: Iterable[Value] = (),
    rankdir: str | None = None,
    max_nodes: int = 500,
    precision: int = 4,
    step: int | None = None,
) -> Any:
    """``draw_graph(root, group="layer")``: the layer view (see the module docstring).

    ``step`` shows backprop after ``backprop_steps(root, group="layer")``'s step ``step``:
    the gradients of the layers that are complete by then, ``grad ?`` for the others, the
    step's layer and the edges it sends its gradient along in orange. ``max_nodes`` limits the
    number of layers. Drawn top to bottom unless ``rankdir`` says otherwise.
    """
    import graphviz  # draw_graph has checked that it is installed
    check_precision(precision, "draw_graph")
    view = layer_view(root, "draw_graph")
    if len(view.layers) > max_nodes:
        raise ValueError(
            f"draw_graph: the layer view has {len(view.layers):,} layers, more than "
            f"max_nodes={max_nodes:,}; raise max_nodes or draw a subgraph"
        )
    shown, current = _gradients(view, grads, step)
    not_computed = step is None and grads and shown is None  # before any backward()
    stale = _stale_layers(view, shown) if step is None and shown is not None else set()
    if stale:
        names = [layer.name for layer in view.layers if id(layer) in stale]
        warnings.warn(stale_warning(names, view.root_layer.name), stacklevel=3)
    lit = _highlighted(view, highlight)
    graph = scrolling_digraph()(  # a graphviz.Digraph, shown at natural size in notebooks
        graph_attr={"rankdir": rankdir or "TB", "nodesep": "0.2", "ranksep": "0.35"},
        node_attr={"fontname": "Helvetica", "fontsize": "11", "shape": "box",
                   "style": "filled", "margin": "0.05,0.03"},
        edge_attr={"fontname": "Helvetica", "fontsize": "10"},
    )
    summary = any(layer.size > SMALL and layer.kind != "constant" for layer in view.layers)
    _add_notes(graph, stale=bool(stale), not_computed=not_computed, summary=summary)
    ids = {id(layer): f"L{i}" for i, layer in enumerate(view.layers)}
    show_grads = (grads or step is not None) and not not_computed
    for layer in view.layers:
        attrs = {"fillcolor": _fill(layer, view)}
        if id(layer) in stale:
            attrs.update(color=STALE_COLOUR, style="filled,dashed", penwidth="2")
        if layer is current or id(layer) in lit:
            attrs.update(color=HIGHLIGHT, penwidth="3")
        tooltip = f"{layer.name} {layer.shape_text()}"
        graph.node(ids[id(layer)], label=box(view, layer, shown, show_grads, precision),
                   tooltip=graphviz.nohtml(dot_tooltip(tooltip, "draw_graph")), **attrs)
    for layer in view.layers:
        sends = layer is current
        for source in layer.inputs:
            edge: dict[str, str] = {}
            if (local_derivatives or sends) and source.has_gradient:
                edge.update(label=dot_html_label(local_matrix(layer, source)),
                            fontcolor=LOCAL_DERIVATIVE_COLOUR)
            if sends:
                edge.update(color=HIGHLIGHT, penwidth="2.5")
            graph.edge(ids[id(source)], ids[id(layer)], **edge)
    return graph


def dot_html_label(text: str) -> str:
    """``text`` as an HTML-like Graphviz label (so no DOT escape sequence is read in it)."""
    return f"<{dot_html_text(text, 'draw_graph')}>"


def _add_notes(graph: Any, *, stale: bool, not_computed: bool, summary: bool) -> None:
    """The picture's notes, as the scalar view writes them: on top if they warn, else below."""
    lines = []
    if stale:
        warning = dot_html_text(f"⚠ dashed red: {STALE_NOTE}", "draw_graph")
        lines.append(f'<FONT COLOR="{STALE_COLOUR}">{warning}</FONT>')
    if not_computed:
        lines.append(dot_html_text(NOT_COMPUTED_NOTE, "draw_graph"))
    if summary:
        lines.append(dot_html_text(SUMMARY_NOTE, "draw_graph"))
    if lines:
        graph.attr(label=f"<{'<BR/>'.join(lines)}>", labelloc="t" if stale or not_computed
                   else "b", fontname="Helvetica", fontsize="10")


def _gradients(
    view: LayerView, grads: bool, step: int | None
) -> tuple[dict[Value, float] | None, Layer | None]:
    """The gradient to show for each scalar node (None: not known yet), and the step's layer.

    Without ``step``, what the ``.grad`` fields hold, or None before any ``backward()``.
    """
    if step is None:
        return (grad_fields(list(view.rank)) if grads else None), None
    if isinstance(step, bool) or not isinstance(step, int):
        raise TypeError(f"draw_graph: step must be an int, got {type(step).__name__} {step!r}")
    steps = list(layer_steps(view))
    if not 0 <= step < len(steps):
        if not steps:
            raise ValueError(f"draw_graph: step={step}, but root is a leaf: there are no steps")
        raise ValueError(f"draw_graph: step must be from 0 to {len(steps) - 1}, got {step}")
    done = steps[: step + 1]
    totals = gradients_after(view, done)
    complete = complete_after(view, done)
    known = {node: totals.get(node, 0.0) for layer in complete for node in layer.nodes}
    return known, steps[step].layer


def _stale_layers(view: LayerView, shown: dict[Value, float]) -> set[int]:
    """The layers (by id) showing a gradient one ``backward()`` of the root cannot have given."""
    stale = set(stale_nodes(view.root, list(view.rank), shown))
    return {id(layer) for layer in view.layers
            if layer.kind != "constant" and any(node in stale for node in layer.nodes)}


def _highlighted(view: LayerView, highlight: Iterable[Value]) -> set[int]:
    if isinstance(highlight, Value):
        highlight = (highlight,)
    chosen = set()
    for node in highlight:
        if not isinstance(node, Value):
            raise TypeError(
                f"draw_graph: highlight must hold Values, got {type(node).__name__} {node!r}"
            )
        if node not in view.layer_of:
            raise ValueError(f"draw_graph: cannot highlight {node!r}: root does not depend on it")
        chosen.add(id(view.layer_of[node]))
    return chosen


def box(
    view: LayerView,
    layer: Layer,
    grads: Mapping[Value, float] | None,
    show_grads: bool,
    precision: int,
) -> str:
    """The HTML-like label of one layer's box: title, then its numbers."""

    def text(words: str) -> str:
        return dot_html_text(words, "draw_graph")

    def number(x: float) -> str:
        return text(format_number(x, precision))

    show_grads = show_grads and layer.has_gradient  # no gradient line for a number or x
    formula = view.formula(layer)
    title = f"<B>{text(layer.name)}</B>"
    if formula:
        title += text(f"\u00a0= {formula}")  # a no-break space: SVG text drops a leading one
    if layer.kind != "constant" or layer.size > 1:
        title += f'  <FONT COLOR="#555555">{text(layer.shape_text())}</FONT>'
    rows = []
    values = [node.data for node in layer.nodes]
    gradient: list[float] | None = None
    if show_grads and grads is not None and all(node in grads for node in layer.nodes):
        gradient = [grads[node] for node in layer.nodes]
    if layer.kind == "constant":  # no gradient to show; its number, unless it is its name
        if layer.name != format_number(values[0]):
            each = " each" if layer.size > 1 else ""
            rows.append(f'<TR><TD ALIGN="LEFT">value</TD>'
                        f'<TD ALIGN="LEFT">{number(values[0])}{each}</TD></TR>')
    elif layer.size <= SMALL:
        width = layer.shape[-1] if len(layer.shape) == 2 else 1
        header = f'<TD ALIGN="LEFT" COLSPAN="{width}">value</TD>'
        if show_grads:
            header += f'<TD ALIGN="LEFT" COLSPAN="{width}">grad</TD>'
        rows.append(f"<TR>{header}</TR>")
        for start in range(0, layer.size, width):
            cells = "".join(f'<TD ALIGN="RIGHT">{number(x)}</TD>'
                            for x in values[start : start + width])
            if show_grads:
                if gradient is None:
                    cells += f'<TD ALIGN="RIGHT" COLSPAN="{width}">{UNKNOWN_GRAD}</TD>'
                else:
                    cells += "".join(f'<TD ALIGN="RIGHT">{number(g)}</TD>'
                                     for g in gradient[start : start + width])
            rows.append(f"<TR>{cells}</TR>")
    else:
        rows.append(_summary_row("value", values, number))
        if show_grads:
            if gradient is None:
                rows.append(f'<TR><TD ALIGN="LEFT">grad</TD>'
                            f'<TD ALIGN="LEFT">{UNKNOWN_GRAD}</TD></TR>')
            else:
                rows.append(_summary_row("grad", gradient, number))
    columns = max(_cells(row) for row in rows) if rows else 1
    head = f'<TR><TD ALIGN="LEFT" COLSPAN="{columns}">{title}</TD></TR>'
    return ('<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
            + head + "".join(rows) + "</TABLE>>")


def _summary_row(what: str, numbers: list[float], number: Any) -> str:
    mean, spread = mean_and_std(numbers)
    return (f'<TR><TD ALIGN="LEFT">{what}</TD>'
            f'<TD ALIGN="LEFT">{number(mean)} ± {number(spread)}</TD></TR>')


def _cells(row: str) -> int:
    count = 0
    for part in row.split("<TD")[1:]:
        span = part.split(">", 1)[0]
        count += int(span.split('COLSPAN="')[1].split('"')[0]) if "COLSPAN" in span else 1
    return count


def _fill(layer: Layer, view: LayerView) -> str:
    if layer is view.root_layer:
        return OUTPUT_FILL
    if layer.kind == "parameter":
        return PARAMETER_FILL
    if layer.is_leaf:
        return LEAF_FILL
    return INTERIOR_FILL
