"""Putting a model's buffers back when training fails, so they match its parameters again.

A training forward pass updates buffers as it goes (batch norm's running statistics move
towards each batch's), before the loss says whether the step can be taken. When ``fit`` fails
(a NaN loss, an overflow, an error in the data), the parameters are those of the last step
taken, and ``BufferRollback`` puts the buffers back to what they were after that step: a NaN
batch never leaves ``running_mean`` NaN for every later prediction.
"""

from __future__ import annotations

from typing import Any

from .module import Module


class BufferRollback:
    """``save()`` after each step taken, ``restore()`` when training fails."""

    def __init__(self, model: Any) -> None:
        self._model = model
        # a function or a Module without buffers: nothing to do per step
        self._has_buffers = isinstance(model, Module) and bool(model.named_buffers())
        self._saved: list[float] = []
        self.save()

    def save(self) -> None:
        """Remember the buffers as they are now (after the step just taken)."""
        if self._has_buffers:
            self._saved = [value for _, value in self._model.named_buffers()]

    def restore(self) -> None:
        """Put the buffers back as they were at the last ``save()``."""
        if self._has_buffers:
            self._model._set_buffers(self._saved)
