"""Whether operations record a graph: on by default, off inside ``no_grad()``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# A ContextVar rather than a global flag: each thread and each asyncio task sees its own
# setting, so one task's ``no_grad()`` never switches recording off in another.
_recording: ContextVar[bool] = ContextVar("backprop_lab_recording", default=True)


def is_recording() -> bool:
    """True when operations on Values record the graph that ``backward()`` walks."""
    return _recording.get()


@contextmanager
def no_grad() -> Iterator[None]:
    """Run a block without recording a graph: results are plain leaves with no inputs.

    Use it for inference and for parameter updates. Also works as a decorator::

        with no_grad():
            prediction = model(x)
    """
    token = _recording.set(False)
    try:
        yield
    finally:
        _recording.reset(token)
