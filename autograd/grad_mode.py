"""Whether operations record a graph: on by default, off inside ``no_grad()``."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token


class _Block:
    """One open ``no_grad()`` or ``enable_grad()`` block: what it sets, and what it is inside.

    A context holds the innermost block it is in. Leaving a block marks it closed, which every
    context that still holds it sees at once, even a context the block is left from elsewhere
    (a generator suspended inside ``no_grad()`` and closed from another thread).
    """

    __slots__ = ("open", "outer", "recording")

    def __init__(self, recording: bool, outer: _Block | None) -> None:
        self.recording = recording
        self.outer = outer
        self.open = True


# A ContextVar rather than a global flag: each thread and each asyncio task sees its own
# setting, so one task's ``no_grad()`` never switches recording off in another.
_innermost: ContextVar[_Block | None] = ContextVar("backprop_lab_grad_mode", default=None)

# How many ``no_grad()`` blocks are open anywhere, in any thread or task. While it is 0 (the
# usual case) every operation records, and the ContextVar need not be consulted: reading a
# module global is several times cheaper, and this check runs once per operation.
_open_no_grad_blocks = [0]
_count_lock = threading.Lock()


def is_recording() -> bool:
    """True when operations on Values record the graph that ``backward()`` walks."""
    if _open_no_grad_blocks[0] == 0:
        return True
    block = _innermost.get()
    while block is not None and not block.open:  # left from another context
        block = block.outer
    return block is None or block.recording


@contextmanager
def no_grad() -> Iterator[None]:
    """Run a block without recording a graph: results are plain leaves with no inputs.

    Use it for inference and for parameter updates. Also works as a decorator::

        with no_grad():
            prediction = model(x)
    """
    with _count_lock:
        _open_no_grad_blocks[0] += 1
    block, token = _enter(recording=False)
    try:
        yield
    finally:
        with _count_lock:  # first, so that nothing below can leave the block counted
            _open_no_grad_blocks[0] -= 1
        _leave(block, token)


@contextmanager
def enable_grad() -> Iterator[None]:
    """Record a graph inside this block even within ``no_grad()``, as PyTorch's ``enable_grad``.

    ``autograd.grad`` uses it: a derivative is computed the same way wherever it is asked for.
    """
    block, token = _enter(recording=True)
    try:
        yield
    finally:
        _leave(block, token)


def _enter(recording: bool) -> tuple[_Block, Token[_Block | None]]:
    block = _Block(recording, _innermost.get())
    return block, _innermost.set(block)


def _leave(block: _Block, token: Token[_Block | None]) -> None:
    """Close ``block``, and restore the context's previous block where that is possible.

    Left from another context (a thread that closes a generator suspended inside the block),
    ``reset`` refuses the token; the block is closed all the same, so the context it was
    opened in goes back to the block outside it.
    """
    block.open = False
    with contextlib.suppress(ValueError):  # "<Token ...> was created in a different Context"
        _innermost.reset(token)
