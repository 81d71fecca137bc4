"""``step_through``: a notebook widget that walks a student through backprop one node at a time."""

from __future__ import annotations

from typing import Any

from ..backprop import topological_order
from ..graph.layer_view import layer_view
from ..graph.names import in_fraction, node_names
from ..graph.numbers_format import format_number
from ..value import Value
from .chain_rule import explain_step
from .draw import draw_graph
from .escaping import html_text
from .layer_steps import explain_layer_step, layer_steps, summary
from .notebook_display import graph_html
from .steps import BackpropStep, backprop_steps


def step_through(
    root: Value, *, precision: int = 4, max_nodes: int = 500, group: str | None = None
) -> Any:
    """An ipywidgets box: Prev / slider / Next over the frames of backprop, as the page shows them.

    Frame 0 is the forward pass ("Step 0 of n"); frame k is step k of ``backprop_steps(root,
    group=group)`` (its ``number``), the same numbering as the stepping page. Each frame shows
    the step's chain-rule arithmetic from ``explain_step`` (gradient, then local derivative, the
    lecture's order) and ``draw_graph(root, step=k - 1, group=group)`` as SVG at its natural
    size, in a pane that scrolls: gradients known so far, the current node and the edges it
    sends gradient along in orange, their local derivatives in red. The scalar view is drawn
    top to bottom, the neuron view (``group="neuron"``) left to right; the layer view
    (``group="layer"``) top to bottom, one step per layer, its arithmetic in matrix form.

    Displayed in a notebook, the widget is followed by a static copy (every step's arithmetic
    and the finished picture, folded under a summary line), so a notebook exported to HTML or
    shown on GitHub, where widgets come out blank, still shows the steps; the widget's own
    output also carries the frame it shows as ``text/html``, for renderers without widgets.
    ipywidgets is an optional extra (``pip install backprop-lab[notebooks]``); it is imported
    only here.

    >>> from autograd.examples import house_price
    >>> from autograd.viz import step_through
    >>> step_through(house_price().loss)  # doctest: +SKIP
    """
    import ipywidgets as widgets

    if not isinstance(root, Value):
        raise TypeError(f"step_through: root must be a Value, got {type(root).__name__} {root!r}")
    # the layer view: one step per layer, in matrix form (autograd.viz.layer_steps)
    texts = _layer_texts(root, precision) if group == "layer" else _texts(root, precision, group)
    count = len(texts) - 1
    if not count:
        raise ValueError(f"step_through: root {root!r} is a leaf, so backprop has no steps")
    rankdir = "LR" if group == "neuron" else "TB"
    drawing: dict[str, Any] = {
        "precision": precision, "max_nodes": max_nodes, "group": group, "rankdir": rankdir
    }
    draw_graph(root, grads=False, **drawing)  # fail now on a graph too large

    def picture_of(k: int) -> str:
        if k == 0:
            return _svg_or_source(draw_graph(root, grads=False, **drawing))
        return _svg_or_source(draw_graph(root, step=k - 1, **drawing))

    def text_of(k: int) -> str:
        title, lines = texts[k]
        return f"<b>{html_text(title)}</b><pre>{html_text(chr(10).join(lines))}</pre>"

    class Stepper(widgets.VBox):
        """The widget, and a static copy of the steps for notebooks exported without widgets."""

        def _repr_mimebundle_(self, **kwargs: Any) -> Any:
            """The widget, with the frame it shows as HTML for renderers without widgets."""
            bundle = super()._repr_mimebundle_(**kwargs)
            if isinstance(bundle, dict):
                bundle["text/html"] = arithmetic.value + picture.value
            return bundle

        def _ipython_display_(self, **kwargs: Any) -> None:
            from IPython.display import HTML, display

            display(self._repr_mimebundle_(**kwargs), raw=True)
            display(HTML(_static_copy(texts[1:], picture_of(count))))

    slider = widgets.IntSlider(
        value=0, min=0, max=count, step=1, description="step", continuous_update=False
    )
    previous = widgets.Button(description="◀ Prev", tooltip="previous step")
    following = widgets.Button(description="Next ▶", tooltip="next step")
    picture = widgets.HTML()
    arithmetic = widgets.HTML()

    def show(k: int) -> None:
        picture.value = picture_of(k)
        arithmetic.value = text_of(k)
        previous.disabled = k == 0
        following.disabled = k == count

    def on_slider(change: dict[str, Any]) -> None:
        show(change["new"])

    def on_previous(_: Any) -> None:
        slider.value = max(slider.value - 1, 0)

    def on_next(_: Any) -> None:
        slider.value = min(slider.value + 1, count)

    slider.observe(on_slider, names="value")
    previous.on_click(on_previous)
    following.on_click(on_next)
    show(0)
    return Stepper([widgets.HBox([previous, slider, following]), arithmetic, picture])


def _texts(root: Value, precision: int, group: str | None) -> list[tuple[str, list[str]]]:
    """Each frame's title and chain-rule lines: the forward pass, then each step's arithmetic."""
    steps = list(backprop_steps(root, group=group))
    names = node_names(topological_order(root))
    count = len(steps)
    texts = [(
        f"Step 0 of {count}: the forward pass has computed every value",
        [
            f"{names[root]} = {format_number(root.data, precision)}",
            f"∂{in_fraction(names[root])}/∂{in_fraction(names[root])} = 1: "
            f"backprop starts at the output",
        ],
    )]
    for step in steps:
        texts.append((_title(step, count, names),
                      explain_step(step, root, precision=precision, names=names)))
    return texts


def _layer_texts(root: Value, precision: int) -> list[tuple[str, list[str]]]:
    """As ``_texts`` in the layer view: one step per layer, its gradient in matrix form."""
    view = layer_view(root, "step_through")
    steps = list(layer_steps(view))
    name = view.root_layer.name
    texts = [(
        f"Step 0 of {len(steps)}: the forward pass has computed every layer",
        [f"{name} = {summary([n.data for n in view.root_layer.nodes], precision)}",
         f"∂{name}/∂{name} = 1: backprop starts at the output"],
    )]
    for step in steps:
        texts.append((
            f"Step {step.number} of {len(steps)}: layer {step.layer.name} "
            f"({step.layer.shape_text()}) sends its gradient back",
            explain_layer_step(step, view, precision),
        ))
    return texts


def _title(step: BackpropStep, count: int, names: dict[Value, str]) -> str:
    return f"Step {step.number} of {count}: {names[step.node]} sends its gradient back"


def _static_copy(texts: list[tuple[str, list[str]]], finished_picture: str) -> str:
    """Every step's arithmetic and the finished picture, as HTML that needs no widget."""
    parts = [
        f"<b>{html_text(title)}</b><pre>{html_text(chr(10).join(lines))}</pre>"
        for title, lines in texts
    ]
    return (
        f'<details class="backprop-steps"><summary>Backprop in {len(texts)} steps, as text '
        f"(a static copy of the widget above, kept when the notebook is exported)</summary>"
        + "".join(parts)
        + finished_picture
        + "</details>"
    )


def _svg_or_source(graph: Any) -> str:
    """The graph at its natural size in a pane that scrolls (the text stays readable)."""
    return graph_html(graph, "step_through", max_height=640)
