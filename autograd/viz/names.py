"""The names every picture and text gives a graph's nodes; they live in ``autograd.graph.names``."""

from ..graph.names import formula_names, formula_of, in_fraction, node_names, stable_names

__all__ = ["formula_names", "formula_of", "in_fraction", "node_names", "stable_names"]
