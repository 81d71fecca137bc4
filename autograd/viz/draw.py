"""Draw a computation graph with Graphviz: every value, gradient and local derivative."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import backprop
from ..files import write_atomically
from ..graph.names import node_names
from ..graph.numbers_format import check_precision, format_number
from ..graph.views import View, graph_view, is_constant
from ..value import Parameter, Value
from .escaping import dot_record_field, dot_text, dot_tooltip
from .grad_fields import (
    NOT_COMPUTED_NOTE,
    STALE_NOTE,
    UNKNOWN_GRAD,
    StaleGradientWarning,
    grad_fields,
    stale_nodes,
    stale_warning,
)
from .graphviz_program import ADVICE, DOT_TIMEOUT, run_dot
from .graphviz_program import INSTALL_HINT as INSTALL_HINT  # where it was first defined
from .layers import draw_layers
from .network import add_neuron_view
from .notebook_display import scrolling_digraph
from .palette import (
    HIGHLIGHT,
    INTERIOR_FILL,
    LEAF_FILL,
    LOCAL_DERIVATIVE_COLOUR,
    NEURON_FILL,
    OUTPUT_FILL,
    PARAMETER_FILL,
    STALE_COLOUR,
    edge_style,
)
from .steps import view_steps

if TYPE_CHECKING:
    import graphviz

__all__ = [
    "HIGHLIGHT",
    "INTERIOR_FILL",
    "LEAF_FILL",
    "LOCAL_DERIVATIVE_COLOUR",
    "NEURON_FILL",
    "OUTPUT_FILL",
    "PARAMETER_FILL",
    "STALE_COLOUR",
    "StaleGradientWarning",
    "draw_graph",
    "render",
]

RANKDIRS = ("LR", "RL", "TB", "BT")
RENDER_FORMATS = ("svg", "png", "pdf", "dot", "gv")

DEFAULT_MAX_EDGES = 2000  # Graphviz lays this out in about a second


def draw_graph(
    root: Value,
    *,
    grads: bool = True,
    local_derivatives: bool = False,
    highlight: Iterable[Value] = (),
    rankdir: str | None = None,
    max_nodes: int = 500,
    max_edges: int = DEFAULT_MAX_EDGES,
    precision: int = 4,
    step: int | None = None,
    group: str | None = None,
) -> graphviz.Digraph:
    """The graph ``root`` depends on, as a ``graphviz.Digraph`` (show it in Jupyter, or ``render``).

    Each value is a box showing its name, ``data`` and ``grad`` (the grad is left out when
    ``grads=False``). Each operation is its own small ellipse with its symbol, and edges run
    input -> operation -> result, one edge per input, so ``a + a`` shows two. Numbers are
    written by ``format_number`` with ``precision`` significant digits. A constant (an
    unlabelled leaf that is not a Parameter, as the ``2`` of ``2*x``) shows only its number.
    Drawn before any ``backward()`` (every ``.grad`` 0), the picture says on top that the
    gradients are not computed yet and shows no gradient lines.

    Names are ``autograd.viz.names.node_names``, the same the chain-rule text, the stepping
    page and the widget write: the label; for a neuron's parts ``h1[0]`` (its output),
    ``z1[0]`` (w · x + b) and ``W1[0]·x``; else the formula that made the node (``w1*x1``), or
    a short name counted from 1 (``mul1``) when the formula is long.

    ``group="neuron"`` draws the network view: each neuron σ(w · x + b) (its ``dot``, bias and
    activation) is one box headed ``h1[0] = tanh(W1[0]·x + b1[0])``, listing its own weights
    and bias with their values and gradients; its inputs come in as edges, so each input is
    drawn once, and the neurons of a layer line up in one column (in one row with
    ``rankdir="TB"``). Everything else (the loss and its inputs) is one box per value, named
    as above.
    ``group="layer"`` draws each layer as one box, as the lecture writes a network in arrays:
    ``W1  16×2``, ``z1 = W1·x + b1``, ``h1 = relu(z1)``, with its values and gradients (all of
    them for a small layer, mean ± std for a large one) and, with ``local_derivatives=True``,
    edges labelled by the local derivative in matrix form (``∂z1/∂W1 = xᵀ``); see
    ``autograd.viz.layers``. It is drawn top to bottom.
    ``group=None`` (the default) is the scalar view, every node of the engine.

    Legend (fill colours):

    - green ``#b7e4c7``: the output, ``root`` (usually the loss);
    - blue ``#a9cce3``: a ``Parameter`` (something the model learns);
    - grey ``#e5e5e5``: any other leaf (an input, a target, a constant);
    - white: an intermediate result, and every operation;
    - cream ``#fff8e7``: a neuron (``group="neuron"``), its weights and bias on blue;
    - a dashed red border and a note on top: a gradient that one ``backward()`` of ``root``
      cannot have given (it mixes several passes); a ``StaleGradientWarning`` says the same.
    - a thick orange border or edge: highlighted (``highlight``, or the current ``step``);
    - red edge labels: local derivatives d(out)/d(in) (``local_derivatives=True``).

    Arguments:

    - ``local_derivatives``: label each input -> operation edge with the local derivative of
      the operation's result with respect to that input, at the current values (the lecture's
      red factors; multiplying them along a path gives the chain rule).
    - ``highlight``: Values (of this graph) to draw with an orange border.
    - ``rankdir``: "TB" (top to bottom), "BT", "LR" (left to right) or "RL"; None (the
      default) picks "TB" for the scalar view, which stays narrow enough to read at the
      width of a notebook or a README, and "LR" for the neuron view, layers in columns.
    - ``max_nodes``: a graph with more values than this raises ValueError before anything is
      drawn (Graphviz is slow and the picture unreadable past a few hundred).
    - ``max_edges``: the same for edges, counted as Graphviz lays them out: an edge that
      crosses k ranks counts k times. A value used all along a long chain (``x + x + ... + x``)
      gives few nodes but quadratically many edge pieces, and Graphviz's work grows far faster
      than that (60 terms take seconds, 200 take minutes).
    - ``step``: show the backward pass after ``backprop_steps(root, group=group)[step]``
      (``step`` is its ``index``, 0 to number of steps - 1; the page and the widget call it
      "Step ``step + 1``"), whatever the ``.grad`` fields hold: a gradient is shown once it is
      complete (every node that uses the value has sent its contribution), others show
      ``grad ?``; the step's node and the edges it sends gradient along are highlighted, and
      those edges carry their local derivatives.

    In a notebook the result shows at its natural size (11 pt text), in a box that scrolls
    sideways when the graph is wider than the cell, instead of being shrunk to the cell's
    width (``text/html``; an ``image/svg+xml`` with the metadata ``{"unconfined": true}`` for
    renderers that take only images).

    Node ids come from the topological order (value ``i`` is ``v{i}``, the operation that
    made it ``op{i}``), so the same graph always gives byte-identical DOT text (``.source``).
    Building the Digraph needs the ``graphviz`` Python package but not the Graphviz programs;
    rendering to an image needs the ``dot`` program.

    >>> from autograd.examples import house_price
    >>> house = house_price()
    >>> house.loss.backward()
    >>> graph = draw_graph(house.loss, local_derivatives=True)
    >>> "grad -2.125e+08" in graph.source
    True
    """
    graphviz = graphviz_package("draw_graph")

    if not isinstance(root, Value):
        raise TypeError(f"draw_graph: root must be a Value, got {type(root).__name__} {root!r}")
    if group == "layer":  # each layer (W1, z1 = W1·x + b1, h1) one box: autograd.viz.layers
        _check_options(rankdir or "TB", max_nodes, max_edges, precision)
        return draw_layers(root, grads=grads, local_derivatives=local_derivatives,
                           highlight=highlight, rankdir=rankdir, max_nodes=max_nodes,
                           precision=precision, step=step)
    view = graph_view(root, group)
    if rankdir is None:
        rankdir = "TB" if group is None else "LR"
    _check_options(rankdir, max_nodes, max_edges, precision)
    order = backprop.topological_order(root)
    if len(order) > max_nodes:
        raise ValueError(
            f"draw_graph: the graph has {len(order):,} values, more than max_nodes={max_nodes:,}; "
            f"raise max_nodes (draw_graph(root, max_nodes={len(order)})) or draw a subgraph "
            f"(draw_graph(some_intermediate_value))"
        )
    edges = laid_out_edges(order)
    if edges > max_edges:
        raise ValueError(
            f"draw_graph: the graph has {edges:,} edge pieces as Graphviz would lay them out, "
            f"more than max_edges={max_edges:,} (a value used along a long chain, such as "
            f"x + x + ... + x, makes many); {ADVICE}, or raise max_edges "
            f"(draw_graph(root, max_edges={edges}))"
        )
    index = {node: i for i, node in enumerate(order)}
    names = node_names(order)  # the names the chain-rule text and the stepping page use
    highlighted = _highlighted(highlight, index)

    # The gradients to show: after ``step`` if given, else what the .grad fields hold.
    shown_grads: dict[Value, float] = {}
    current: Value | None = None
    stale: list[Value] = []
    not_computed = False
    if step is not None:
        shown_grads, current = _grads_after_step(view, step)
    elif grads:
        held = grad_fields(order)
        if held is None:  # before any backward(): nothing to show yet
            grads, not_computed = False, True
        else:
            shown_grads = held
            stale = stale_nodes(root, order, shown_grads)
        if stale:
            warnings.warn(stale_warning([names[node] for node in stale], names[root]),
                          stacklevel=2)

    graph = scrolling_digraph()(  # a graphviz.Digraph, shown at natural size in notebooks
        graph_attr={"rankdir": rankdir},
        node_attr={"fontname": "Helvetica", "fontsize": "11"},
        edge_attr={"fontname": "Helvetica", "fontsize": "10"},
    )
    if stale:
        graph.attr(label=f"⚠ dashed red: {STALE_NOTE}", labelloc="t", fontcolor=STALE_COLOUR,
                   fontname="Helvetica")
    if not_computed:
        graph.attr(label=NOT_COMPUTED_NOTE, labelloc="t", fontname="Helvetica", fontsize="12")
    show_grad_field = grads or step is not None
    if group == "neuron":
        add_neuron_view(
            graph, view, index, names,
            grads=shown_grads if show_grad_field else None,
            current=current,
            highlighted=highlighted,
            stale=set(stale),
            local_derivatives=local_derivatives,
            precision=precision,
        )
        return graph
    stale_set = set(stale)
    for i, node in enumerate(order):
        fields = []
        if node.label or not node.is_leaf:
            fields.append(dot_record_field(names[node], "draw_graph"))
            fields.append(f"data {format_number(node.data, precision)}")
        else:  # a constant: its name is its number
            fields.append(dot_record_field(names[node], "draw_graph"))
        tooltip = f"{dot_tooltip(names[node], 'draw_graph')}: data={node.data!r}"
        if show_grad_field and not is_constant(node):
            if node in shown_grads:
                fields.append(f"grad {format_number(shown_grads[node], precision)}")
                tooltip += f" grad={shown_grads[node]!r}"
            else:
                fields.append(f"grad {UNKNOWN_GRAD}")
        record = " | ".join(fields)
        if rankdir in ("LR", "RL"):
            record = "{ " + record + " }"  # fields side by side, across the flow
        attrs = {"shape": "record", "style": "filled", "fillcolor": _fill(node, root)}
        if node in stale_set:
            attrs.update(color=STALE_COLOUR, style="filled,dashed", penwidth="2")
        if node in highlighted or node is current:
            attrs.update(color=HIGHLIGHT, penwidth="3")
        label, tip = graphviz.nohtml(record), graphviz.nohtml(tooltip)
        graph.node(f"v{i}", label=label, tooltip=tip, **attrs)

        if node.is_leaf:
            continue
        op_attrs = {"shape": "ellipse", "style": "filled", "fillcolor": INTERIOR_FILL}
        if node is current:
            op_attrs.update(color=HIGHLIGHT, penwidth="3")
        symbol = graphviz.nohtml(dot_text(node.op, "draw_graph"))
        graph.node(f"op{i}", label=symbol, margin="0.05,0.02", **op_attrs)
        graph.edge(f"op{i}", f"v{i}")
        sends_gradient = node is current
        derivatives: tuple[Any, ...] = ()
        if local_derivatives or sends_gradient:
            derivatives = backprop.local_derivatives(node)
        for position, child in enumerate(node.inputs):
            edge_attrs = edge_style(derivatives, position, sends_gradient, precision)
            graph.edge(f"v{index[child]}", f"op{i}", **edge_attrs)
    return graph


def render(graph: Any, path: str | os.PathLike[str], *, timeout: float = DOT_TIMEOUT) -> Path:
    """Write ``graph`` (from ``draw_graph``) to ``path``; the format comes from the suffix.

    ``.svg``, ``.png`` and ``.pdf`` need the Graphviz ``dot`` program; ``.dot`` (or ``.gv``)
    writes the DOT text and needs nothing. The file is written atomically (a temporary file in
    the same directory, then ``os.replace``): on any failure an existing file at ``path`` is
    left as it was and no temporary file is left behind. Without the ``dot`` program this
    raises ``graphviz.ExecutableNotFound`` with the line "install Graphviz: sudo apt-get
    install graphviz" added. ``dot`` gets ``timeout`` seconds; past that it is stopped and
    ``GraphvizTimeout`` says what to do instead (``.dot`` output needs no layout).
    """
    target = Path(path)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in RENDER_FORMATS:
        raise ValueError(
            f"render: cannot tell the format from {str(path)!r}; "
            f"end the file name in .svg, .png, .pdf or .dot"
        )
    if fmt in ("dot", "gv"):
        data = graph.source.encode("utf-8")
    else:
        data = run_dot(graph, fmt, timeout=timeout, where="render")
    return write_atomically(target, data)


# ---- helpers ---------------------------------------------------------------------------------

def graphviz_package(where: str) -> Any:
    """The ``graphviz`` Python package, or ModuleNotFoundError saying what to install."""
    try:
        import graphviz
    except ImportError:
        raise ModuleNotFoundError(
            f"{where}: drawing needs the graphviz Python package: pip install graphviz "
            f"(and, for .svg .png .pdf, the Graphviz programs: sudo apt-get install graphviz)",
            name="graphviz",
        ) from None
    return graphviz


def _check_options(rankdir: str, max_nodes: int, max_edges: int, precision: int) -> None:
    if rankdir not in RANKDIRS:
        choices = ", ".join(RANKDIRS)
        raise ValueError(f"draw_graph: rankdir must be one of {choices}, got {rankdir!r}")
    for name, limit in (("max_nodes", max_nodes), ("max_edges", max_edges)):
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValueError(f"draw_graph: {name} must be a positive int, got {limit!r}")
    check_precision(precision, "draw_graph")


def _highlighted(highlight: Iterable[Value], index: dict[Value, int]) -> set[Value]:
    if isinstance(highlight, Value):  # one Value is taken as a group of one
        highlight = (highlight,)
    if not isinstance(highlight, Iterable):
        raise TypeError(
            f"draw_graph: highlight must be a Value or an iterable of Values, got "
            f"{type(highlight).__name__} {highlight!r}"
        )
    chosen = set()
    for node in highlight:
        if not isinstance(node, Value):
            raise TypeError(
                f"draw_graph: highlight must hold Values, got {type(node).__name__} {node!r}"
            )
        if node not in index:
            raise ValueError(f"draw_graph: cannot highlight {node!r}: root does not depend on it")
        chosen.add(node)
    return chosen


def _grads_after_step(view: View, step: int) -> tuple[dict[Value, float], Value]:
    """The gradients complete after ``step`` (replaying the view's steps), and its node."""
    if isinstance(step, bool) or not isinstance(step, int):
        raise TypeError(f"draw_graph: step must be an int, got {type(step).__name__} {step!r}")
    steps = list(view_steps(view))
    if not 0 <= step < len(steps):
        if not steps:
            raise ValueError(f"draw_graph: step={step}, but root is a leaf: there are no steps")
        raise ValueError(f"draw_graph: step must be from 0 to {len(steps) - 1}, got {step}")
    uses_left = {node: 0 for node in view.order}  # contributions each node is still waiting for
    for node in view.order:
        for child in view.inputs(node):
            uses_left[child] = uses_left.get(child, 0) + 1
    totals: dict[Value, float] = {view.root: 1.0}
    for done in steps[: step + 1]:
        for part in done.contributions:
            totals[part.input] = totals.get(part.input, 0.0) + part.contribution
            uses_left[part.input] -= 1
    known = {node: totals.get(node, 0.0) for node in uses_left if uses_left[node] == 0}
    return known, steps[step].node


def _fill(node: Value, root: Value) -> str:
    if node is root:
        return OUTPUT_FILL
    if isinstance(node, Parameter):
        return PARAMETER_FILL
    if node.is_leaf:
        return LEAF_FILL
    return INTERIOR_FILL


def laid_out_edges(order: list[Value]) -> int:
    """How many edge pieces Graphviz lays out for the drawing of ``order``.

    Each value sits one rank below the operation that uses it last-most (the output at the
    top, everything as close to its users as it can be, as Graphviz's ranking tries to put
    it); an edge across k ranks is laid out as k pieces. Linear in the size of the graph.
    """
    rank: dict[Value, int] = {}
    pieces = 0
    for node in reversed(order):  # every user of a node comes before the node itself
        if node.is_leaf:
            continue
        op_rank = rank.get(node, 0) + 1
        for child in node.inputs:
            rank[child] = max(rank.get(child, 0), op_rank + 1)
    for node in reversed(order):
        if node.is_leaf:
            continue
        pieces += 1  # operation -> its result
        op_rank = rank.get(node, 0) + 1
        pieces += sum(rank[child] - op_rank for child in node.inputs)
    return pieces
