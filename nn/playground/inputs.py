"""What the network sees of a point: its raw coordinates, or the lecture's features of them.

``"raw"`` passes x through; ``"sin"`` gives β_i(x_j) = sin(iπx_j) for i = 1, ..., degree and
each coordinate j (the lecture's Fourier features); ``"polynomial"`` gives every product of
powers x1^a x2^b with 1 <= a + b <= degree (no constant: each unit has a bias). The inputs
are data, not parameters, so features are plain floats and add no nodes to the graph.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from optim.checks import whole_number

FEATURES = ("raw", "sin", "polynomial")


@dataclass(frozen=True)
class InputFeatures:
    """The feature map ``kind`` of a ``dimension``-number input, up to ``degree``."""

    kind: str
    dimension: int
    degree: int = 2

    def __post_init__(self) -> None:
        if self.kind not in FEATURES:
            choices = ", ".join(repr(k) for k in FEATURES)
            raise ValueError(f"Playground: unknown features {self.kind!r}; choose {choices}")
        object.__setattr__(self, "degree", whole_number(self.degree, "Playground", "degree"))

    def exponents(self) -> list[tuple[int, ...]]:
        """For "polynomial": the powers (a, b) of each feature x1^a x2^b, in order."""
        if self.dimension == 1:
            return [(a,) for a in range(1, self.degree + 1)]
        return [
            (total - b, b) for total in range(1, self.degree + 1) for b in range(total + 1)
        ]

    def names(self) -> list[str]:
        """A short name per feature: ``x1``, ``sin(2πx1)``, ``x1²x2``."""
        coordinate = ["x"] if self.dimension == 1 else ["x1", "x2"]
        if self.kind == "raw":
            return coordinate
        if self.kind == "sin":
            return [
                f"sin({'' if i == 1 else i}πx{c[1:]})"
                for i in range(1, self.degree + 1)
                for c in coordinate
            ]
        return ["".join(_power(c, a) for c, a in zip(coordinate, powers, strict=True))
                for powers in self.exponents()]

    def __len__(self) -> int:
        return len(self.names())

    def __call__(self, x: Sequence[float]) -> list[float]:
        """The features of one point ``x`` (a list of ``dimension`` numbers)."""
        if self.kind == "raw":
            return [float(c) for c in x]
        if self.kind == "sin":
            return [
                math.sin(i * math.pi * float(c)) for i in range(1, self.degree + 1) for c in x
            ]
        return [
            math.prod(float(c) ** a for c, a in zip(x, powers, strict=True))
            for powers in self.exponents()
        ]


def _power(name: str, a: int) -> str:
    if a == 0:
        return ""
    if a == 1:
        return name
    return f"{name}{_SUPERSCRIPTS[a]}" if a < 10 else f"{name}^{a}"


_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
