"""``stepping_page``: one self-contained web page that steps through backprop, frame by frame.

Frame 0 is the graph after the forward pass ("Step 0 of n"); frame k is the graph after step k
(``backprop_steps(root)``'s step with ``number`` k), with its node and the edges it sends
gradient along highlighted. Beside the graph, each frame writes out the step's chain-rule
arithmetic as ``explain_step`` does, in the lecture's order (gradient, then local derivative):

    d root/d input  +=  d root/d node  x  d node/d input      (for each input of the node)

The graph sits in a window-sized pane that pans (drag, or the scroll bars' keys) and zooms
(wheel, the + / - / Fit buttons, or the + - 0 keys). It opens at a zoom where the smallest node
text is at least 12 px, on the whole graph if that fits, else centred on the current step's
node; each step pans to its node if it is out of view. ``group="neuron"`` draws each neuron as
one box (``draw_graph(root, group="neuron")``), left to right, layer by layer;
``group="layer"`` each layer as one box, one step per layer, in matrix form.

The page has no external resources at all (inline SVG, CSS and script), so it works offline,
from a file, on a course site, or on a lecture-hall PC. Prev/Next and the Left/Right arrow keys
move between frames. The steps are also embedded as JSON (``<script id="backprop-steps">``), and
the ``<main>`` element's ``data-current-node`` and ``data-current-grad`` say what is shown.
"""

from __future__ import annotations

import base64
import hashlib
import math
import os
import re
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..backprop import topological_order
from ..files import write_atomically
from ..graph.layer_view import layer_view
from ..graph.names import in_fraction, node_names, stable_names
from ..graph.numbers_format import check_precision, format_number
from ..graph.views import graph_view
from ..value import Value
from .chain_rule import output_formula
from .draw import draw_graph
from .escaping import fill_template, html_attribute, html_text, script_json
from .graphviz_program import ADVICE, DOT_TIMEOUT, GraphvizTimeout, run_dot
from .layer_page import layer_explanations, layer_steps_data
from .layer_steps import layer_steps
from .local_derivative import as_factor, local_derivative_text, used_more_than_once
from .network import neuron_formula
from .steps import BackpropStep, backprop_steps

DEFAULT_TITLE = "Backprop, step by step"


@dataclass(frozen=True)
class _Names:
    """How the page names each node: ``shown`` to the reader, ``ids`` in data attributes.

    ``shown`` is ``node_names``: the name the picture writes on the node, the label, a
    neuron's ``h1[0]``, or the formula (``w1*x1``); ``ids`` are ``stable_names`` (label, else
    ``mul2``); ``pictures`` are the node ids of the drawing (``v7``).
    """

    shown: dict[Value, str]
    ids: dict[Value, str]
    pictures: dict[Value, str]


def stepping_page(
    root: Value,
    *,
    title: str = DEFAULT_TITLE,
    precision: int = 4,
    timeout: float = DOT_TIMEOUT,
    group: str | None = None,
) -> str:
    """The HTML text of the stepping page for the graph ``root`` depends on.

    Each frame is ``draw_graph(root, step=k, local_derivatives=True, group=group)`` as inline
    SVG; the first frame, before any step, is drawn with ``grads=False``. The scalar view is
    drawn top to bottom, the neuron view (``group="neuron"``) left to right, layer by layer.
    The ``.grad`` fields are neither read nor changed. Needs the Graphviz ``dot`` program,
    which gets ``timeout`` seconds for all the frames together (past that, ``GraphvizTimeout``
    says what to do instead); a graph too large to lay out is refused before, as by
    ``draw_graph``.

    >>> from autograd.examples import house_price
    >>> page = stepping_page(house_price().loss)  # doctest: +SKIP
    """
    if not isinstance(root, Value):
        raise TypeError(
            f"stepping_page: root must be a Value, got {type(root).__name__} {root!r}"
        )
    check_precision(precision, "stepping_page")
    _check_title_and_timeout(title, timeout)
    drawing: dict[str, Any] = {
        "local_derivatives": True,
        "precision": precision,
        "rankdir": "LR" if group == "neuron" else "TB",
        "group": group,
    }
    if group == "layer":  # one step per layer, in matrix form: autograd.viz.layer_page
        layers = layer_view(root, "stepping_page")
        by_layer = list(layer_steps(layers))
        indices = [step.index for step in by_layer]
        explanations = layer_explanations(layers, by_layer, precision)
        data = layer_steps_data(layers, by_layer, precision, title)
    else:
        order = topological_order(root)
        names = _Names(
            node_names(order),
            stable_names(order),
            {node: f"v{i}" for i, node in enumerate(order)},
        )
        view = graph_view(root, group, "stepping_page")
        operations = {  # beside a step's node: its op, or its neuron's formula
            node: neuron_formula(neuron, names.shown) for node, neuron in view.neurons.items()
        }
        steps = list(backprop_steps(root, group=group))
        indices = [step.index for step in steps]
        explanations = [_before_backprop(root, names, len(steps), precision)]
        explanations += [
            _explain(step, root, names, len(steps), precision,
                     operations.get(step.node, step.node.op))
            for step in steps
        ]
        if steps:
            explanations[-1] += _leaf_gradients(order, steps, root, names, precision)
        data = _steps_data(steps, root, names, precision, title, group)
    deadline = time.monotonic() + timeout
    frames = [_svg(draw_graph(root, grads=False, **drawing), deadline)]
    frames += [_svg(draw_graph(root, step=index, **drawing), deadline) for index in indices]
    fields = {
        "title": html_text(title),
        "steps": str(len(indices)),
        "frames": "\n".join(
            f'    <figure class="frame" data-frame="{k}"{" hidden" if k else ""}>\n'
            f"{_unique_ids(svg, f'f{k}-')}\n    </figure>"
            for k, svg in enumerate(frames)
        ),
        "explanations": "\n".join(
            f'    <div class="explain" data-frame="{k}"{" hidden" if k else ""}>\n'
            f"{text}\n    </div>"
            for k, text in enumerate(explanations)
        ),
        "steps_json": script_json(data),
    }
    template = resources.files(__package__).joinpath("stepping_page.html").read_text("utf-8")
    fields["script_hashes"] = _script_hashes(template)
    # One pass: a label that reads "{{steps_json}}" is text, never a placeholder.
    return fill_template(template, fields)


def write_stepping_page(
    root: Value,
    path: str | os.PathLike[str],
    *,
    title: str = DEFAULT_TITLE,
    precision: int = 4,
    timeout: float = DOT_TIMEOUT,
    group: str | None = None,
) -> Path:
    """Write ``stepping_page(root)`` to ``path`` atomically (temporary file + ``os.replace``).

    On any failure an existing file at ``path`` is left as it was.
    """
    page = stepping_page(root, title=title, precision=precision, timeout=timeout, group=group)
    return write_atomically(path, page)


def _check_title_and_timeout(title: str, timeout: float) -> None:
    if not isinstance(title, str):
        raise TypeError(f"stepping_page: title must be a str, got {type(title).__name__} {title!r}")
    try:
        title.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(
            f"stepping_page: the title {title!r} is not valid Unicode ({error.reason})"
        ) from None
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(f"stepping_page: timeout must be a positive number, got {timeout!r}")


# ---- what each frame says --------------------------------------------------------------------

def _derivative(of: str, by: str, kind: str = "") -> str:
    """∂of/∂by, with brackets around a formula so the fraction reads unambiguously."""
    css = f"math {kind}".strip()
    return (f'<span class="{css}">∂{html_text(in_fraction(of))}/'
            f"∂{html_text(in_fraction(by))}</span>")


def _name(node: Value, names: _Names) -> str:
    return f'<span class="node-name">{html_text(names.shown[node])}</span>'


def _before_backprop(root: Value, names: _Names, count: int, precision: int) -> str:
    r = names.shown[root]
    if count == 0:
        return (
            f'      <p class="lead">{_name(root, names)} is a leaf: it depends on nothing, so '
            f"backprop has no steps. {_derivative(r, r)} = 1.</p>"
        )
    return (
        f'      <p class="lead">The forward pass has computed every value '
        f"({_name(root, names)} = {html_text(format_number(root.data, precision))}). "
        f"Backprop starts at the output: {_derivative(r, r)} = "
        f'<span class="grad">1</span>.</p>\n'
        f'      <p class="hint">Each step takes one node whose gradient is complete and passes '
        f"it to the node's inputs by the chain rule, from the output back to the leaves "
        f"({count} steps). Press <kbd>Next</kbd> or <kbd>&#8594;</kbd>.</p>"
    )


def _explain(
    step: BackpropStep, root: Value, names: _Names, count: int, precision: int, operation: str
) -> str:
    """The step's arithmetic, line for line what ``explain_step`` writes, as HTML."""
    r, n = names.shown[root], names.shown[step.node]
    grad = html_text(format_number(step.grad, precision))
    at_output = step.node is root
    formula = output_formula(step, root, names.shown) if at_output else None
    lines = [
        f'      <p class="lead">Step {step.number} of {count}: node {_name(step.node, names)} '
        f'<span class="op">{html_text(operation)}</span> has its complete gradient</p>',
        f'      <p class="equation">{_derivative(r, n)} = '
        f'<span class="grad" data-node="{html_attribute(names.ids[step.node])}">{grad}</span></p>',
        '      <p class="hint">and passes it to each input: gradient × '
        '<span class="local-derivative">local derivative</span> = contribution</p>',
        '      <ol class="contributions">',
    ]
    for position, part in enumerate(step.contributions):
        i = names.shown[part.input]
        local = html_text(format_number(part.local_derivative, precision))
        share = html_text(format_number(part.contribution, precision))
        input_id = html_attribute(names.ids[part.input])
        numbers = (f'<span class="grad">{grad}</span> · '
                   f'<span class="local-derivative">{local}</span> = ')
        if at_output:  # ∂r/∂r = 1: the local derivative is the edge's formula
            edge = local_derivative_text(root, position, part.input, names.shown, formula)
            if f"1 · {as_factor(edge)}" == f"{grad} · {local}":
                numbers = ""  # the product is its own numbers (1 · 1): written once
            product = f'1 · <span class="math local-derivative">{html_text(as_factor(edge))}</span>'
        elif used_more_than_once(step.node, position, part.input):  # x*x: two edges to x
            edge = local_derivative_text(step.node, position, part.input, names.shown)
            product = (f'{_derivative(r, n)} · '
                       f'<span class="math local-derivative">{html_text(as_factor(edge))}</span>')
        else:
            product = f'{_derivative(r, n)} · {_derivative(n, i, "local-derivative")}'
        lines += [
            f'        <li class="contribution" data-input="{input_id}">',
            f'          <div class="formula">{_derivative(r, i)} += {product}</div>',
            f'          <div class="numbers">= {numbers}'
            f'<span class="contribution-value">{share}</span></div>',
            "        </li>",
        ]
    lines.append("      </ol>")
    return "\n".join(lines)


def _leaf_gradients(
    order: list[Value],
    steps: list[BackpropStep],
    root: Value,
    names: _Names,
    precision: int,
) -> str:
    """For the last frame: the gradient of every named leaf, now complete."""
    totals: dict[Value, float] = {}
    for step in steps:
        for part in step.contributions:
            totals[part.input] = totals.get(part.input, 0.0) + part.contribution
    leaves = [node for node in order if node.is_leaf and node.label]
    if not leaves:
        return ""
    items = ", ".join(
        f"{_derivative(names.shown[root], names.shown[leaf])} = "
        f'<span class="grad" data-node="{html_attribute(names.ids[leaf])}">'
        f"{html_text(format_number(totals.get(leaf, 0.0), precision))}</span>"
        for leaf in leaves
    )
    return f'\n      <p class="hint">Backprop is done. Every gradient is complete: {items}.</p>'


# ---- the data behind the page ----------------------------------------------------------------

def _steps_data(
    steps: list[BackpropStep],
    root: Value,
    names: _Names,
    precision: int,
    title: str,
    group: str | None,
) -> dict[str, Any]:
    return {
        "title": title,
        "group": group,
        "root": names.ids[root],
        "root_picture": names.pictures[root],
        "steps": [
            {
                "index": step.index,
                "number": step.number,
                "node": names.ids[step.node],
                "picture": names.pictures[step.node],
                "node_text": names.shown[step.node],
                "op": step.node.op,
                "data": _json_number(step.node.data),
                "grad": _json_number(step.grad),
                "grad_text": format_number(step.grad, precision),
                "contributions": [
                    {
                        "input": names.ids[part.input],
                        "input_text": names.shown[part.input],
                        "local_derivative": _json_number(part.local_derivative),
                        "local_derivative_text": format_number(part.local_derivative, precision),
                        "contribution": _json_number(part.contribution),
                        "contribution_text": format_number(part.contribution, precision),
                    }
                    for part in step.contributions
                ],
            }
            for step in steps
        ],
    }


def _json_number(x: float) -> float | None:
    """JSON has no nan or inf: those become null (the ``_text`` fields still show them)."""
    return x if math.isfinite(x) else None


def _script_hashes(template: str) -> str:
    """The Content-Security-Policy sources that let the page's own scripts run, and no other.

    With hashes in ``script-src`` (and no ``'unsafe-inline'``), browsers refuse inline event
    handlers (``onmouseover=...``) and any script that is not exactly one of the template's.
    """
    scripts = re.findall(r"<script>(.*?)</script>", template, flags=re.DOTALL)
    if not scripts:
        raise ValueError("stepping_page: the page template has no inline script")
    return " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        + "'"
        for script in scripts
    )


# ---- SVG frames ------------------------------------------------------------------------------

def _svg(graph: Any, deadline: float) -> str:
    """The graph as an inline ``<svg>`` element (without the XML prolog and comments).

    Larger type and tighter spacing than ``draw_graph``'s defaults; the page shows every frame
    at the same zoom, so the graph does not jump while stepping.
    """
    graph.node_attr.update(fontsize="15")
    graph.edge_attr.update(fontsize="14")
    graph.graph_attr.setdefault("nodesep", "0.2")
    graph.graph_attr.setdefault("ranksep", "0.3")
    left = deadline - time.monotonic()
    if left <= 0:
        raise GraphvizTimeout(f"stepping_page: Graphviz ran out of time for the frames; {ADVICE}")
    text = run_dot(graph, "svg", timeout=left, where="stepping_page").decode("utf-8")
    text = text[text.index("<svg") :]
    return re.sub(r"<!--.*?-->\n?", "", text, flags=re.DOTALL).strip()


def _unique_ids(svg: str, prefix: str) -> str:
    """Prefix every ``id`` so the frames' ids (``node1``, ``edge1``) stay unique on one page."""
    return re.sub(r'\bid="', f'id="{prefix}', svg)
