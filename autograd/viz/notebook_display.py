"""A graph in a notebook at its natural size, in a box that scrolls sideways when it is wider.

JupyterLab and exported HTML scale an SVG down to the width of the cell, so a wide graph's text
would shrink to a few pixels. Shown through ``scrolling_svg`` the graph keeps the size Graphviz
gave it (11 pt text, about 15 px) and the box around it scrolls instead: an inline SVG with
``max-width: none`` in a ``<div>`` with ``overflow: auto``. ``draw_graph``'s result, the widget and
its static copy all show their graphs this way.
"""

from __future__ import annotations

import functools
from typing import Any

from .escaping import html_text
from .graphviz_program import DOT_TIMEOUT, INSTALL_HINT, GraphvizTimeout, run_dot

# The wrapper every graph is shown in: a class to find it by, and sideways scrolling.
WRAPPER = '<div class="backprop-graph" style="overflow: auto; max-width: 100%{height}">'
NATURAL_SIZE = '<svg style="max-width: none; height: auto" '


def scrolling_svg(svg: str, max_height: int | None = None) -> str:
    """``svg`` (Graphviz's output, prolog and all) as HTML: natural size, scrolling box.

    ``max_height`` (pixels) makes a tall graph scroll up and down too, as in the widget.
    """
    start = svg.find("<svg")  # drop the XML prolog: the SVG goes inline into the page
    inline = svg[start:].replace("<svg ", NATURAL_SIZE, 1)
    height = f"; max-height: {max_height}px" if max_height else ""
    return f"{WRAPPER.format(height=height)}{inline}</div>"


def graph_html(
    graph: Any, where: str, timeout: float = DOT_TIMEOUT, max_height: int | None = None
) -> str:
    """The graph as ``scrolling_svg`` HTML; without Graphviz's program, its DOT text and why."""
    import graphviz

    try:
        svg = run_dot(graph, "svg", timeout=timeout, where=where).decode("utf-8")
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
    return scrolling_svg(svg, max_height)


@functools.cache
def scrolling_digraph() -> type:
    """``graphviz.Digraph``, shown in a notebook at its natural size in a scrolling box.

    Its ``_repr_mimebundle_`` gives ``text/html`` (the ``scrolling_svg``, which JupyterLab and
    nbconvert prefer) and ``image/svg+xml`` with the metadata ``{"unconfined": true}`` (natural
    size, for renderers that take only images). Everything else is Graphviz's own Digraph.
    """
    import graphviz

    class Graph(graphviz.Digraph):
        """A ``graphviz.Digraph`` a notebook shows at its natural size, scrolling if wide."""

        def _repr_mimebundle_(
            self, include: Any = None, exclude: Any = None, **kwargs: Any
        ) -> tuple[dict[str, str], dict[str, Any]]:
            html = graph_html(self, "draw_graph")
            data = {"text/html": html, "text/plain": repr(self)}
            if NATURAL_SIZE in html:  # drawn: the same SVG for renderers that take only images
                svg = html[html.index(NATURAL_SIZE) : -len("</div>")]
                data["image/svg+xml"] = svg.replace(NATURAL_SIZE, "<svg ", 1)
            return data, {"image/svg+xml": {"unconfined": True}}

    Graph.__module__ = __name__
    Graph.__qualname__ = "scrolling_digraph.<locals>.Graph"
    return Graph
