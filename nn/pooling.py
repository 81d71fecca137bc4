"""``MaxPool2d`` and ``AvgPool2d``: each output summarises one window of a channel.

For a k_h x k_w window moved by stride s (PyTorch's default: s = k, windows side by side)::

    max-pool:  y[i][r][c] = max_(u,v) x[i][r·s + u][c·s + v]        one ``max`` node
    avg-pool:  y[i][r][c] = (Σ_(u,v) x[i][r·s + u][c·s + v]) / (k_h k_w)   ``sum`` then ``/``

Max-pooling's gradient goes only to the winner of each window (∂y/∂x = 1 for the largest
input, 0 for the others); average pooling shares it equally, 1 / (k_h k_w) each.
Windows that would run past the edge are dropped, as in PyTorch (no padding, floor mode).
"""

from __future__ import annotations

from typing import Any

import autograd
from autograd import Value

from .module import Module
from .shapes import as_values, describe, pair, shape_of


class _Pool2d(Module):
    """What both pools share: the window, the stride and the shape check."""

    def __init__(
        self, kernel_size: int | tuple[int, int], stride: int | tuple[int, int] | None = None
    ) -> None:
        name = type(self).__name__
        self.kernel_size = pair(kernel_size, name, "kernel_size", 1)
        self.stride = self.kernel_size if stride is None else pair(stride, name, "stride", 1)

    def _summarise(self, window: list[Value]) -> Value:
        raise NotImplementedError

    def __call__(self, x: Any) -> list[list[list[Value]]]:
        shape = shape_of(x, repr(self))
        (k_h, k_w), (s_h, s_w) = self.kernel_size, self.stride
        if len(shape) != 3 or shape[1] < k_h or shape[2] < k_w:
            raise ValueError(
                f"{self!r}: expected an input of shape [C][H][W] with H >= {k_h} and W >= {k_w}, "
                f"got {describe(shape)}"
            )
        channels = as_values(x, repr(self))
        _, height, width = shape
        out_h, out_w = (height - k_h) // s_h + 1, (width - k_w) // s_w + 1
        return [
            [
                [
                    self._summarise(
                        [
                            channel[r * s_h + u][c * s_w + v]
                            for u in range(k_h)
                            for v in range(k_w)
                        ]
                    )
                    for c in range(out_w)
                ]
                for r in range(out_h)
            ]
            for channel in channels
        ]

    def architecture(self) -> dict[str, Any]:
        return {
            "type": type(self).__name__,
            "kernel_size": list(self.kernel_size),
            "stride": list(self.stride),
        }

    def __repr__(self) -> str:
        return f"{type(self).__name__}(kernel_size={self.kernel_size}, stride={self.stride})"


class MaxPool2d(_Pool2d):
    """The largest value of each window: ``MaxPool2d(kernel_size, stride=None)`` as in PyTorch.

    >>> pool = MaxPool2d(2)
    >>> [[v.data for v in row] for row in pool([[[1, 5, 2, 0], [3, 4, 8, 1]]])[0]]
    [[5.0, 8.0]]
    """

    def _summarise(self, window: list[Value]) -> Value:
        return autograd.max(window)


class AvgPool2d(_Pool2d):
    """The mean of each window: ``AvgPool2d(kernel_size, stride=None)`` as in PyTorch.

    >>> pool = AvgPool2d(2)
    >>> [[v.data for v in row] for row in pool([[[1, 5, 2, 0], [3, 4, 8, 1]]])[0]]
    [[3.25, 2.75]]
    """

    def _summarise(self, window: list[Value]) -> Value:
        return autograd.sum(window) / len(window)
