"""What rolled programs call as they run: scatter-adds, joins of arrays, argument pickers.

``autograd.compiler.rolling`` writes these into its programs' namespace; they take NumPy as
an argument or from the arrays they are given, so this module imports nothing beyond the
standard library.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["Scatter", "concatenate", "picker", "with_zero"]


class Scatter:
    """The transpose of a gather: sums values into ``size`` slots along the last axis.

    A source laid along one axis of a matrix (each node used once per row, or once per column)
    is a sum over the other axis; otherwise one ``np.bincount`` adds every use into its slot,
    in the order of the uses (as adding them one by one would), each row of the batch into
    slots of its own.
    """

    def __init__(self, np: Any, index: Any, size: int) -> None:
        self.np = np
        self.index = index.reshape(-1)
        self.size = size
        self.dims = index.ndim
        flat = self.index.tolist()
        self.injective = len(set(flat)) == len(flat)
        self.tiled = len(flat) % size == 0 and flat == list(range(size)) * (len(flat) // size)
        self.repeated = len(flat) % size == 0 and flat == [
            k for k in range(size) for _ in range(len(flat) // size)
        ]
        self._slots: tuple[int, Any] = (0, None)  # the last batch's rows, each use's slot in all

    def __call__(self, values: Any) -> Any:
        np = self.np
        values = np.asarray(values)
        lead = values.shape[: values.ndim - self.dims]
        flat = values.reshape((*lead, self.index.size))
        if self.tiled:
            return flat.reshape((*lead, -1, self.size)).sum(axis=-2)
        if self.repeated:
            return flat.reshape((*lead, self.size, -1)).sum(axis=-1)
        if self.injective:
            out = np.zeros((*lead, self.size))
            out[..., self.index] = flat
            return out
        rows = flat.size // self.index.size
        known, slots = self._slots
        if known != rows:
            offsets = np.arange(rows, dtype=np.intp).reshape(-1, 1) * self.size
            slots = (self.index.astype(np.intp) + offsets).reshape(-1)
            self._slots = (rows, slots)
        sums = np.bincount(slots, weights=flat.reshape(-1), minlength=rows * self.size)
        return sums.reshape((*lead, self.size))


def picker(positions: list[int]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """A function picking the items at ``positions`` out of a tuple, as a tuple."""
    if len(positions) == 1:
        position = positions[0]
        return lambda items: (items[position],)
    return operator.itemgetter(*positions)


def concatenate(np: Any, *parts: Any) -> Any:
    """Arrays joined along the last axis, their leading (batch) axes broadcast."""
    first = parts[0].shape[:-1]
    if all(part.shape[:-1] == first for part in parts):  # all batched alike: nothing to broadcast
        return np.concatenate(parts, axis=-1)
    lead = np.broadcast_shapes(*(part.shape[:-1] for part in parts))
    return np.concatenate([np.broadcast_to(p, (*lead, p.shape[-1])) for p in parts], axis=-1)


def with_zero(np: Any, array: Any) -> Any:
    """``array`` with a 0 after its last entry along the last axis: what a padded index map's
    index ``len(array)`` reads (the zeros around a padded convolution's image)."""
    return np.concatenate((array, np.zeros((*array.shape[:-1], 1))), axis=-1)
