"""Watching a forward pass: what each of some modules returns, without changing the modules.

``recording(layers)`` swaps each layer's class for a subclass whose calls also keep their
result, and swaps it back when the block ends. Any module can be watched this way, whatever
its ``__call__`` or ``forward`` does; nothing about the model is changed. A batch passed to a
watched layer's ``forward_batch`` is run one example at a time, so watch a model in eval mode
(as ``nn.diagnostics`` does), where batch norm treats each example alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .module import Module

# The methods through which a module's forward pass is entered: calling it, PyTorch's
# ``forward``, and ``_output``, which nn's models call on their layers with inputs they have
# already checked. The outermost of them to run in a layer records its result.
ENTRY_POINTS = ("__call__", "forward", "_output")

_recording_classes: dict[type, type] = {}


def _recorded(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    """``method`` that, when it is the outermost entry into its layer, keeps its result."""

    def entry(self: Any, *args: Any, **kwargs: Any) -> Any:
        depth = vars(self).get("_recording_depth", 0)
        vars(self)["_recording_depth"] = depth + 1
        try:
            out = method(self, *args, **kwargs)
        finally:
            vars(self)["_recording_depth"] = depth
        if depth == 0:
            self._recorded_outputs.append(out)
        return out

    entry.__name__ = name
    return entry


def _recording_class(cls: type) -> type:
    """A subclass of ``cls`` whose forward passes also append their result to
    ``_recorded_outputs``."""
    if cls in _recording_classes:
        return _recording_classes[cls]

    def forward_batch(self: Any, xs: Sequence[Any]) -> list[Any]:
        # one example at a time, so every output passes through __call__ (in eval mode a
        # batch's outputs are those of its examples)
        return [self(x) for x in xs]

    namespace: dict[str, Any] = {"forward_batch": forward_batch, "__slots__": ()}
    for name in ENTRY_POINTS:
        method = getattr(cls, name, None)
        if callable(method):
            namespace[name] = _recorded(name, method)
    watched = type(cls.__name__, (cls,), namespace)
    _recording_classes[cls] = watched
    return watched


@contextmanager
def recording(layers: list[Module]) -> Iterator[list[list[Any]]]:
    """While open, every call of ``layers[i]`` appends its output to ``outputs[i]``.

    Each layer's class is swapped for a recording subclass and swapped back on leaving, so
    nothing about the model changes and any module's forward pass can be watched.
    """
    outputs: list[list[Any]] = [[] for _ in layers]
    swapped: list[tuple[Module, type]] = []
    try:
        for layer, sink in zip(layers, outputs, strict=True):
            original = type(layer)
            layer.__class__ = _recording_class(original)
            swapped.append((layer, original))
            vars(layer)["_recorded_outputs"] = sink
        yield outputs
    finally:
        for layer, original in swapped:
            layer.__class__ = original
            vars(layer).pop("_recorded_outputs", None)
            vars(layer).pop("_recording_depth", None)


def flat(output: Any) -> list[Any]:
    """The scalars of a layer's output (a Value, a list, nested lists such as [C][H][W])."""
    scalars: list[Any] = []
    stack = [output]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
        else:
            scalars.append(item)
    return scalars
