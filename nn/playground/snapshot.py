"""``PlaygroundSnapshot``: the playground's picture at one moment, kept as it was.

A playground shown in a notebook is live: its app follows every later step. A snapshot is not:
``pg.snapshot()`` draws the picture now and keeps it, so the cell that shows it, and the notebook
saved or exported afterwards, show the state the text beside it describes, however the
playground is trained later.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from autograd.viz.notebook_display import scrolling_svg


@dataclass(frozen=True)
class PlaygroundSnapshot:
    """The picture (SVG) of a playground at one epoch, and what it was (``description``)."""

    svg: str
    description: str
    epoch: int

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        """The picture at its natural size (scrolling if wider than the cell), for any reader."""
        return {
            "text/plain": f"snapshot at epoch {self.epoch} of {self.description}",
            "text/html": scrolling_svg(self.svg),
            "image/svg+xml": self.svg,
        }

    def __repr__(self) -> str:
        return f"<PlaygroundSnapshot at epoch {self.epoch} of {self.description}>"
