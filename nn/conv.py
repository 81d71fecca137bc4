"""``Conv2d``: one small weight kernel slid over an image, each output one ``dot`` node plus bias.

For output channel o at position (r, c), with stride s and zero padding p::

    y[o][r][c] = b[o] + Σ_i Σ_u Σ_v  w[o][i][u][v] · x[i][r·s + u − p][c·s + v − p]

The same weight w[o][i][u][v] is used at every position, so its gradient is the chain rule's
sum over all the positions it touched: ∂L/∂w = Σ_(r,c) ∂L/∂y[o][r][c] · x[i][r·s+u−p][c·s+v−p].
Padding positions hold 0, so they are left out of the ``dot`` (the value and gradients are
the same, the graph smaller).
"""

from __future__ import annotations

import math
import random
from typing import Any

from autograd import Parameter, Value, dot
from optim.checks import whole_number

from .layers import random_source
from .limits import check_padding, check_parameter_count, readable_count
from .module import Module
from .shapes import as_values, batch_hint, describe, flatten, pair, shape_of

Window = tuple[list[int], list[int]]  # (positions in the flat kernel, positions in the flat input)


class Conv2d(Module):
    """A 2-D convolution (PyTorch's cross-correlation) on one example ``x[C][H][W]``.

    Args (PyTorch's names and order):
        in_channels: C, the channels of each input.
        out_channels: the number of kernels, so the channels of the output.
        kernel_size: k or (k_h, k_w).
        stride: s or (s_h, s_w), default 1.
        padding: p or (p_h, p_w) zeros around each side, default 0, at most 100
            (``nn.limits.MAX_PADDING``).
        seed: an int, a ``random.Random`` or None (see ``nn.layers``).

    A layer has at most 1,000,000 parameters (``nn.limits.MAX_PARAMETERS``): larger sizes are
    refused with a ValueError before anything is made.

    ``weight[o][i][u][v]`` and ``bias[o]`` are the Parameters, initialised as PyTorch does:
    uniform in [-1/sqrt(fan_in), 1/sqrt(fan_in)] with fan_in = in_channels · k_h · k_w.
    Calling it on ``x`` (nested lists of numbers or Values, shape ``[C][H][W]``) returns
    ``y[out_channels][H_out][W_out]`` with H_out = (H + 2 p_h − k_h) // s_h + 1 (W alike).
    Each output is labelled by its position, ``y[o,r,c]``, so pictures and chain-rule texts
    name it so (and its window's weighted sum ``W·x[o,r,c]``); in a ``Sequential`` with
    several convolutions, the k-th labels ``yk[o,r,c]``.

    >>> conv = Conv2d(1, 2, kernel_size=2, seed=0)
    >>> y = conv([[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]])
    >>> len(y), len(y[0]), len(y[0][0])
    (2, 2, 2)
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        stride: int | tuple[int, int] = 1,
        padding: int | tuple[int, int] = 0,
        seed: int | random.Random | None = None,
    ) -> None:
        self.in_channels = whole_number(in_channels, "Conv2d", "in_channels")
        self.out_channels = whole_number(out_channels, "Conv2d", "out_channels")
        self.kernel_size = pair(kernel_size, "Conv2d", "kernel_size", 1)
        self.stride = pair(stride, "Conv2d", "stride", 1)
        self.padding = pair(padding, "Conv2d", "padding", 0)
        k_h, k_w = self.kernel_size
        check_parameter_count(
            "Conv2d",
            self.in_channels * self.out_channels * k_h * k_w + self.out_channels,
            f"in_channels={readable_count(self.in_channels)}, "
            f"out_channels={readable_count(self.out_channels)} and "
            f"kernel_size={readable_count(k_h)}x{readable_count(k_w)}",
        )
        check_padding("Conv2d", self.padding)
        rng = random_source(seed)
        bound = 1.0 / math.sqrt(self.in_channels * k_h * k_w)
        self.weight = [
            [
                [[Parameter(rng.uniform(-bound, bound)) for _ in range(k_w)] for _ in range(k_h)]
                for _ in range(self.in_channels)
            ]
            for _ in range(self.out_channels)
        ]
        self.bias = [Parameter(rng.uniform(-bound, bound)) for _ in range(self.out_channels)]
        self._windows: dict[tuple[int, int], list[list[Window]]] = {}
        self._output_name = "y"  # y1, y2, ... when a model holds several (see number_nodes)
        self._label_parameters()

    def number_nodes(self, number: int) -> None:
        """Name this convolution's outputs ``y{number}[o,r,c]``: the ``number``-th of a model's."""
        self._output_name = f"y{number}"

    def output_size(self, height: int, width: int) -> tuple[int, int]:
        """(H_out, W_out) for an input of ``height`` x ``width``."""
        (k_h, k_w), (s_h, s_w), (p_h, p_w) = self.kernel_size, self.stride, self.padding
        return (height + 2 * p_h - k_h) // s_h + 1, (width + 2 * p_w - k_w) // s_w + 1

    def __call__(self, x: Any) -> list[list[list[Value]]]:
        height, width = self._check_input(x)
        inputs = flatten(as_values(x, repr(self)))
        windows = self._windows_for(height, width)
        name = getattr(self, "_output_name", "y")  # (a layer pickled before it was named)
        out = []
        for o in range(self.out_channels):
            kernel = flatten(self.weight[o])
            b = self.bias[o]
            channel = []
            for r, row in enumerate(windows):
                outputs = []
                for c, (taps, pixels) in enumerate(row):
                    y = dot([kernel[k] for k in taps], [inputs[j] for j in pixels]) + b
                    y.label = f"{name}[{o},{r},{c}]"  # pictures and texts name it by position
                    outputs.append(y)
                channel.append(outputs)
            out.append(channel)
        return out

    def _check_input(self, x: Any) -> tuple[int, int]:
        shape = shape_of(x, repr(self))
        expected = f"[{self.in_channels}][H][W]"
        if len(shape) != 3 or shape[0] != self.in_channels:
            raise ValueError(
                f"{self!r}: expected an input of shape {expected}, got {describe(shape)}"
                + batch_hint(shape, 3, self.in_channels)
            )
        _, height, width = shape
        (k_h, k_w), (p_h, p_w) = self.kernel_size, self.padding
        if height + 2 * p_h < k_h or width + 2 * p_w < k_w:
            raise ValueError(
                f"{self!r}: the kernel {k_h}x{k_w} is larger than the padded input "
                f"{height + 2 * p_h}x{width + 2 * p_w}: expected {expected} with "
                f"H >= {k_h - 2 * p_h} and W >= {k_w - 2 * p_w}, got {describe(shape)}"
            )
        return height, width

    def _windows_for(self, height: int, width: int) -> list[list[Window]]:
        """For each output position, which kernel taps meet which input pixels (cached)."""
        key = (height, width)
        if key not in self._windows:
            (k_h, k_w), (s_h, s_w), (p_h, p_w) = self.kernel_size, self.stride, self.padding
            out_h, out_w = self.output_size(height, width)
            rows = []
            for r in range(out_h):
                row = []
                for c in range(out_w):
                    taps, pixels = [], []
                    for i in range(self.in_channels):
                        for u in range(k_h):
                            y = r * s_h + u - p_h
                            if not 0 <= y < height:
                                continue  # a row of padding: zeros add nothing
                            for v in range(k_w):
                                x = c * s_w + v - p_w
                                if 0 <= x < width:
                                    taps.append((i * k_h + u) * k_w + v)
                                    pixels.append((i * height + y) * width + x)
                    row.append((taps, pixels))
                rows.append(row)
            self._windows[key] = rows
        return self._windows[key]

    def architecture(self) -> dict[str, Any]:
        return {
            "type": "Conv2d",
            "in_channels": self.in_channels,
            "out_channels": self.out_channels,
            "kernel_size": list(self.kernel_size),
            "stride": list(self.stride),
            "padding": list(self.padding),
        }

    def __repr__(self) -> str:
        text = (
            f"Conv2d({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        return text + ")"

