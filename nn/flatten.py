"""``Flatten``: an example's nested lists ``[C][H][W]`` as one list, ready for ``Linear``."""

from __future__ import annotations

from typing import Any

from .module import Module
from .shapes import flatten, shape_of


class Flatten(Module):
    """All of one example's values in reading order: x[c][h][w] goes to position (c·H + h)·W + w.

    This is PyTorch's ``nn.Flatten()`` on a batch (it keeps the batch dimension and flattens
    the rest), applied to each example.
    """

    def __call__(self, x: Any) -> list[Any]:
        shape_of(x, "Flatten()")
        return flatten(x)

    def __repr__(self) -> str:
        return "Flatten()"
