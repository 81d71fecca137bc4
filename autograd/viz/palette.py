"""The colours every picture uses, and what each one means (the legend of ``draw_graph``)."""

from __future__ import annotations

from collections.abc import Sequence

from ..graph.numbers_format import format_number

OUTPUT_FILL = "#b7e4c7"  # green: the output (root) of the graph, usually the loss
PARAMETER_FILL = "#a9cce3"  # blue: a Parameter, something the model learns
LEAF_FILL = "#e5e5e5"  # grey: any other leaf (an input, a target, a constant)
INTERIOR_FILL = "#ffffff"  # white: an intermediate result
NEURON_FILL = "#fff8e7"  # cream: a neuron σ(w · x + b) drawn as one box (group="neuron")
HIGHLIGHT = "#f08c00"  # orange border / edge: highlighted, or the current backprop step
LOCAL_DERIVATIVE_COLOUR = "red"  # edge labels: the lecture's red factors d(out)/d(in)
STALE_COLOUR = "#c00000"  # dashed red border: a gradient that is not this root's


def edge_style(
    derivatives: Sequence[float], position: int, sends_gradient: bool, precision: int
) -> dict[str, str]:
    """An edge into a node: its local derivative as a red label (if shown), orange if current."""
    attrs: dict[str, str] = {}
    if derivatives:
        attrs.update(
            label=format_number(derivatives[position], precision),
            fontcolor=LOCAL_DERIVATIVE_COLOUR,
        )
    if sends_gradient:
        attrs.update(color=HIGHLIGHT, penwidth="2.5")
    return attrs
