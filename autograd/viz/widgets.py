"""``step_through``: a notebook widget that walks a student through backprop one node at a time."""

from __future__ import annotations

from typing import Any

from ..backprop import topological_order
from ..value import Value
from .chain_rule import explain_step
from .draw import draw_graph
from .escaping import html_text
from .graphviz_program import INSTALL_HINT, GraphvizTimeout, run_dot
from .names import stable_names
from .steps import backprop_steps


def step_through(root: Value, *, precision: int = 4, max_nodes: int = 500) -> Any:
    """An ipywidgets box: Prev / slider / Next over the steps of ``backprop_steps(root)``.

    Below the controls it shows ``draw_graph(root, step=k)`` as SVG (gradients known so far,
    the current node and the edges it sends gradient along in orange, their local derivatives
    in red) and the step's chain-rule arithmetic from ``explain_step``. ipywidgets is an
    optional extra (``pip install backprop-lab[notebooks]``); it is imported only here.

    >>> from autograd.examples import house_price
    >>> from autograd.viz import step_through
    >>> step_through(house_price().loss)  # doctest: +SKIP
    """
    import ipywidgets as widgets

    if not isinstance(root, Value):
        raise TypeError(f"step_through: root must be a Value, got {type(root).__name__} {root!r}")
    steps = list(backprop_steps(root))
    if not steps:
        raise ValueError(f"step_through: root {root!r} is a leaf, so backprop has no steps")
    draw_graph(root, max_nodes=max_nodes, precision=precision)  # fail now on a graph too large
    names = stable_names(topological_order(root))

    slider = widgets.IntSlider(
        value=0, min=0, max=len(steps) - 1, step=1, description="step", continuous_update=False
    )
    previous = widgets.Button(description="◀ Prev", tooltip="previous step")
    following = widgets.Button(description="Next ▶", tooltip="next step")
    picture = widgets.HTML()
    arithmetic = widgets.HTML()

    def show(k: int) -> None:
        step = steps[k]
        graph = draw_graph(root, step=k, precision=precision, max_nodes=max_nodes)
        picture.value = _svg_or_source(graph)
        lines = explain_step(step, root, precision=precision, names=names)
        title = f"step {k + 1} of {len(steps)}: {names[step.node]} sends its gradient back"
        arithmetic.value = (
            f"<b>{html_text(title)}</b><pre>{html_text(chr(10).join(lines))}</pre>"
        )
        previous.disabled = k == 0
        following.disabled = k == len(steps) - 1

    def on_slider(change: dict[str, Any]) -> None:
        show(change["new"])

    def on_previous(_: Any) -> None:
        slider.value = max(slider.value - 1, 0)

    def on_next(_: Any) -> None:
        slider.value = min(slider.value + 1, len(steps) - 1)

    slider.observe(on_slider, names="value")
    previous.on_click(on_previous)
    following.on_click(on_next)
    show(0)
    return widgets.VBox([widgets.HBox([previous, slider, following]), arithmetic, picture])


def _svg_or_source(graph: Any) -> str:
    """The graph as inline SVG; without the Graphviz program, its DOT text and how to get it."""
    import graphviz

    try:
        svg = run_dot(graph, "svg", where="step_through").decode("utf-8")
    except GraphvizTimeout as error:
        return (
            f"<p>Cannot draw: {html_text(str(error))}</p>"
            f"<pre>{html_text(graph.source)}</pre>"
        )
    except graphviz.ExecutableNotFound:
        return (
            f"<p>Cannot draw: the Graphviz program is missing ({html_text(INSTALL_HINT)}). "
            f"The graph in DOT:</p><pre>{html_text(graph.source)}</pre>"
        )
    start = svg.find("<svg")  # drop the XML prolog: the SVG goes inline into the page
    return f'<div style="overflow-x: auto">{svg[start:]}</div>'
