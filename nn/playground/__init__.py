"""The training playground: watch a network learn on train and test data, unit by unit.

``Playground`` holds the state and trains headless; ``boundary_grid`` and ``unit_tiles`` give
the numbers its pictures show; ``app`` (ipywidgets) and ``render`` (SVG) draw them. Neither
ipywidgets nor NumPy is imported until a picture or the app is asked for.
"""

from .datasets import DATASETS
from .explain import Inspection
from .inputs import FEATURES
from .pictures import Grid, boundary_grid, feature_tiles, unit_tiles
from .state import OPTIMIZERS, Playground

__all__ = [
    "DATASETS",
    "FEATURES",
    "OPTIMIZERS",
    "Grid",
    "Inspection",
    "Playground",
    "boundary_grid",
    "feature_tiles",
    "unit_tiles",
]
