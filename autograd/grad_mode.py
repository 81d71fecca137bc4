"""Whether operations record a graph: on by default, off inside ``no_grad()``."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

# A ContextVar rather than a global flag: each thread and each asyncio task sees its own
# setting, so one task's ``no_grad()`` never switches recording off in another.
_recording: ContextVar[bool] = ContextVar("backprop_lab_recording", default=True)

# How many ``no_grad()`` blocks are open anywhere, in any thread or task. While it is 0 (the
# usual case) every operation records, and the ContextVar need not be consulted: reading a
# module global is several times cheaper, and this check runs once per operation.
_open_no_grad_blocks = [0]
_count_lock = threading.Lock()


def is_recording() -> bool:
    """True when operations on Values record the graph that ``backward()`` walks."""
    return _open_no_grad_blocks[0] == 0 or _recording.get()


@contextmanager
def no_grad() -> Iterator[None]:
    """Run a block without recording a graph: results are plain leaves with no inputs.

    Use it for inference and for parameter updates. Also works as a decorator::

        with no_grad():
            prediction = model(x)
    """
    with _count_lock:
        _open_no_grad_blocks[0] += 1
    token = _recording.set(False)
    try:
        yield
    finally:
        with _count_lock:  # first, so that nothing below can leave the block counted
            _open_no_grad_blocks[0] -= 1
        _restore(token)


def _restore(token: Token[bool]) -> None:
    """Undo ``_recording.set``, unless the block is being left from another context.

    A generator suspended inside ``no_grad()`` can be closed from another thread, whose context
    this block never changed; ``reset`` refuses the token there, and there is nothing to undo.
    """
    with contextlib.suppress(ValueError):  # "<Token ...> was created in a different Context"
        _recording.reset(token)


@contextmanager
def enable_grad() -> Iterator[None]:
    """Record a graph inside this block even within ``no_grad()``, as PyTorch's ``enable_grad``.

    ``autograd.grad`` uses it: a derivative is computed the same way wherever it is asked for.
    """
    token = _recording.set(True)
    try:
        yield
    finally:
        _restore(token)
