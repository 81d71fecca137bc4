"""What the stepping page writes beside each frame of the layer view: one layer per step.

Each step names its layer and its complete gradient, then, for each input layer, the share
it sends in the lecture's matrix form (``∂loss/∂W2 += ∂loss/∂z2 · h1ᵀ``), with the shapes
and the numbers (all of them for a small layer, mean ± std for a large one). The embedded JSON
holds the same steps, each gradient as a list of numbers.
"""

from __future__ import annotations

import math
from typing import Any

from ..graph.layer_view import LayerView
from ..graph.numbers_format import format_number
from .escaping import html_attribute, html_text
from .layer_steps import LayerStep, matrix_term, summary


def layer_explanations(view: LayerView, steps: list[LayerStep], precision: int) -> list[str]:
    """The HTML beside frame 0 (the forward pass) and beside each step's frame."""
    root = view.root_layer.name
    count = len(steps)
    first = (
        f'      <p class="lead">The forward pass has computed every layer '
        f'(<span class="node-name">{html_text(root)}</span> = '
        f"{html_text(summary([n.data for n in view.root_layer.nodes], precision))}). "
        f'Backprop starts at the output: <span class="math">∂{html_text(root)}/∂'
        f'{html_text(root)}</span> = <span class="grad">1</span>.</p>\n'
        f'      <p class="hint">Each step takes one layer whose gradient is complete and passes '
        f"it to the layers it reads, by the chain rule in matrix form ({count} steps). Press "
        f"<kbd>Next</kbd> or <kbd>&#8594;</kbd>.</p>"
    )
    if count == 0:
        first = (f'      <p class="lead"><span class="node-name">{html_text(root)}</span> is a '
                 f"leaf: backprop has no steps.</p>")
    pages = [first]
    for step in steps:
        layer = step.layer
        formula = view.formula(layer)
        lines = [
            f'      <p class="lead">Step {step.number} of {count}: layer '
            f'<span class="node-name">{html_text(layer.name)}</span> '
            f'<span class="op">{html_text(formula)}</span> '
            f"({html_text(layer.shape_text())}) has its complete gradient</p>",
            f'      <p class="equation"><span class="math">∂{html_text(root)}/∂'
            f'{html_text(layer.name)}</span> = <span class="grad" data-node="'
            f'{html_attribute(layer.name)}">{html_text(summary(step.grad, precision))}</span></p>',
            '      <ol class="contributions">',
        ]
        for part in step.contributions:
            if not part.input.has_gradient:
                continue
            term, shapes = matrix_term(root, layer, part.input)
            lines += [
                f'        <li class="contribution" data-input="{html_attribute(part.input.name)}">',
                f'          <div class="formula"><span class="math">∂{html_text(root)}/∂'
                f"{html_text(part.input.name)}</span> += {html_text(term)}</div>",
                f'          <div class="numbers">{html_text(shapes)}: <span class="grad">'
                f"{html_text(summary(step.grad, precision))}</span> through "
                f'<span class="local-derivative">{html_text(part.local_derivative)}</span> = '
                f'<span class="contribution-value">'
                f"{html_text(summary(part.contribution, precision))}</span></div>",
                "        </li>",
            ]
        lines.append("      </ol>")
        pages.append("\n".join(lines))
    return pages


def layer_steps_data(
    view: LayerView, steps: list[LayerStep], precision: int, title: str
) -> dict[str, Any]:
    """The steps as JSON data: each layer's name, its drawing's id and its gradient."""
    ids = {id(layer): f"L{i}" for i, layer in enumerate(view.layers)}
    return {
        "title": title,
        "group": "layer",
        "root": view.root_layer.name,
        "root_picture": ids[id(view.root_layer)],
        "steps": [
            {
                "index": step.index,
                "number": step.number,
                "node": step.layer.name,
                "picture": ids[id(step.layer)],
                "node_text": step.layer.name,
                "op": view.formula(step.layer),
                "shape": list(step.layer.shape),
                "grad": [_json_number(g) for g in step.grad],
                "grad_text": summary(step.grad, precision),
                "contributions": [
                    {
                        "input": part.input.name,
                        "local_derivative_text": part.local_derivative,
                        "contribution": [_json_number(x) for x in part.contribution],
                        "contribution_text": summary(part.contribution, precision),
                    }
                    for part in step.contributions
                    if part.input.has_gradient
                ],
            }
            for step in steps
        ],
    }


def _json_number(x: float) -> float | None:
    return x if math.isfinite(x) else None


__all__ = ["format_number", "layer_explanations", "layer_steps_data"]
