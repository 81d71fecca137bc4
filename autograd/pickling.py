"""Copying and pickling graphs, iteratively, so a graph of any depth can be saved and copied.

``pickle`` and ``copy.deepcopy`` follow references recursively: a Value's inputs, their
inputs, and so on, several Python frames per node, so a chain a few hundred nodes deep would
exceed the recursion limit. Instead, the first Value reached writes a *prelude*: every node it
depends on, in an order where each comes after everything it refers to (its inputs and, after
``backward(create_graph=True)``, its grad). Each of those is then written while its inputs are
already in the pickle (or in deepcopy's memo), one frame deep. Sharing is kept: a node used
twice is one node in the copy, and ops are the engine's own objects again.

This module knows nodes only by their slots (``data``, ``grad``, ``label``, ``_op``,
``inputs``); ``Value`` calls it from ``__reduce_ex__`` and ``__setstate__``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

# How many preludes are being written in this thread right now.
_writing = threading.local()


def reduce_node(node: Any) -> tuple[Any, ...]:
    """``node.__reduce_ex__``: a new node of its class, then its state (prelude first)."""
    prelude: _Prelude | None = None
    if getattr(_writing, "depth", 0) == 0 and _references(node):
        prelude = _Prelude(_dependencies_first(node))
    state = (prelude, node.data, node.grad, node.label, node._op, node.inputs)
    return _new_node, (type(node),), state


def set_state(node: Any, state: tuple[Any, ...]) -> None:
    """``node.__setstate__``: the prelude has done its work (it made the nodes); skip it."""
    _, node.data, node.grad, node.label, node._op, node.inputs = state


def _new_node(cls: type) -> Any:
    return object.__new__(cls)


class _Prelude:
    """The nodes a Value depends on, written one after another (read back as a list)."""

    __slots__ = ("nodes",)

    def __init__(self, nodes: list[Any]) -> None:
        self.nodes = nodes

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        # a list, filled item by item from an iterator that pickle and deepcopy consume lazily
        return list, (), None, _one_by_one(self.nodes)


def _one_by_one(nodes: list[Any]) -> Iterator[Any]:
    """Yield ``nodes``, telling each one, while it is written, that it needs no prelude."""
    _writing.depth = getattr(_writing, "depth", 0) + 1
    try:
        yield from nodes
    finally:
        _writing.depth -= 1


def _references(node: Any) -> tuple[Any, ...]:
    """The nodes ``node`` refers to: its inputs, and its grad when that is a node too."""
    grad = node.grad
    if isinstance(grad, (float, int)):
        return node.inputs
    return (*node.inputs, grad)


def _dependencies_first(root: Any) -> list[Any]:
    """Every node ``root`` refers to, directly or not, each after those it refers to.

    An iterative depth-first search in post-order; ``root`` itself is left out. (A grad
    recorded by ``create_graph=True`` can refer back to its own node; such a loop is cut
    where it closes, and pickle's memo handles that reference as usual.)
    """
    order: list[Any] = []
    seen = {id(root)}
    stack: list[tuple[Any, Iterator[Any]]] = [(root, iter(_references(root)))]
    while stack:
        node, remaining = stack[-1]
        for child in remaining:
            if id(child) not in seen:
                seen.add(id(child))
                stack.append((child, iter(_references(child))))
                break
        else:
            stack.pop()
            order.append(node)
    order.pop()  # root, which comes last
    return order
