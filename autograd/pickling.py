"""Copying and pickling graphs, iteratively, so a graph of any depth can be saved and copied.

``pickle`` and ``copy.deepcopy`` follow references recursively: a Value's inputs, their
inputs, and so on, several Python frames per node, so a chain a few hundred nodes deep would
exceed the recursion limit. Instead, the first Value reached writes a *prelude* in two passes:
first every node it refers to, directly or not, as an empty shell (no references, so nothing
to follow), then each of those nodes' fields, which refer only to shells already written.
After ``backward(create_graph=True)`` a node's grad refers back into the graph, so the nodes
form loops and no order would put each after everything it refers to; shells need none.
Sharing is kept: a node used twice is one node in the copy, and ops are the engine's own
objects again.

This module knows nodes only by their slots (``data``, ``grad``, ``label``, ``_op``,
``inputs``), and a Parameter's own attributes by its ``__dict__``; ``Value`` calls it from
``__reduce_ex__`` and ``__setstate__``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

# How many preludes are being written in this thread right now.
_writing = threading.local()


def reduce_node(node: Any) -> tuple[Any, ...]:
    """``node.__reduce_ex__``: a new node of its class, then its state (prelude first).

    Inside a prelude, a node is written as a shell only: the prelude writes its fields later.
    """
    if getattr(_writing, "depth", 0) > 0:
        return _new_node, (type(node),)
    prelude: _Prelude | None = None
    if _references(node):
        prelude = _Prelude(_reachable(node))
    state = (prelude, *_fields(node))
    return _new_node, (type(node),), state


def set_state(node: Any, state: tuple[Any, ...]) -> None:
    """``node.__setstate__``: fill in the shells the prelude made, then ``node`` itself."""
    prelude, *fields = state
    if isinstance(prelude, list):  # [shell, ..., shell, fields, ..., fields]
        half = len(prelude) // 2
        for shell, shell_fields in zip(prelude[:half], prelude[half:], strict=True):
            _fill(shell, shell_fields)
    _fill(node, fields)


def _fields(node: Any) -> tuple[Any, ...]:
    fields = (node.data, node.grad, node.label, node._op, node.inputs)
    own = getattr(node, "__dict__", None)  # a Parameter's attributes of the user's own
    return (*fields, dict(own)) if own else fields


def _fill(node: Any, fields: Any) -> None:
    node.data, node.grad, node.label, node._op, node.inputs = fields[:5]
    if len(fields) > 5:
        node.__dict__.update(fields[5])


def _new_node(cls: type) -> Any:
    return object.__new__(cls)


class _Prelude:
    """The nodes a Value depends on, as shells and then their fields (read back as a list)."""

    __slots__ = ("nodes",)

    def __init__(self, nodes: list[Any]) -> None:
        self.nodes = nodes

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        # a list, filled item by item from an iterator that pickle and deepcopy consume lazily
        return list, (), None, _shells_then_fields(self.nodes)


def _shells_then_fields(nodes: list[Any]) -> Iterator[Any]:
    """Yield ``nodes`` (written as shells while this runs), then each one's fields."""
    _writing.depth = getattr(_writing, "depth", 0) + 1
    try:
        yield from nodes
        for node in nodes:
            yield _fields(node)
    finally:
        _writing.depth -= 1


def _references(node: Any) -> tuple[Any, ...]:
    """The nodes ``node`` refers to: its inputs, and its grad when that is a node too."""
    grad = node.grad
    if isinstance(grad, (float, int)):
        return node.inputs
    return (*node.inputs, grad)


def _reachable(root: Any) -> list[Any]:
    """Every node ``root`` refers to, directly or not, each once, in a fixed order.

    An iterative depth-first search; ``root`` itself is left out (pickle has already
    remembered it when its prelude is written).
    """
    order: list[Any] = []
    seen = {id(root)}
    stack = list(reversed(_references(root)))
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        order.append(node)
        stack.extend(reversed(_references(node)))
    return order
