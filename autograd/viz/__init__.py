"""Seeing backprop: graph pictures, backprop step by step, chain-rule text, the stepping page.

Every picture and text reads the graph through one of three views: every scalar node, or each
neuron as one node (``group="neuron"``, ``autograd.graph.views``), or each layer as one node
(``group="layer"``, ``autograd.graph.layer_view``), and names nodes with ``names.node_names``.

Everything here reads the graph the engine records and changes nothing in it. It imports the
engine core; the core never imports it. Graphviz and ipywidgets are imported only by the
functions that need them.
"""

from ..graph.names import formula_names, node_names, stable_names
from ..graph.numbers_format import format_number
from .chain_rule import ChainRule, Factor, chain_rule, explain_step
from .draw import StaleGradientWarning, draw_graph, render
from .graphviz_program import GraphvizTimeout
from .layer_chain_rule import LayerChainRule
from .layer_steps import LayerContribution, LayerStep
from .stepping_page import stepping_page, write_stepping_page
from .steps import BackpropStep, Contribution, backprop_steps
from .widgets import step_through

__all__ = [
    "BackpropStep",
    "ChainRule",
    "Contribution",
    "Factor",
    "GraphvizTimeout",
    "LayerChainRule",
    "LayerContribution",
    "LayerStep",
    "StaleGradientWarning",
    "backprop_steps",
    "chain_rule",
    "draw_graph",
    "explain_step",
    "format_number",
    "formula_names",
    "node_names",
    "render",
    "stable_names",
    "step_through",
    "stepping_page",
    "write_stepping_page",
]
