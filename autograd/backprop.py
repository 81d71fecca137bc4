"""Backpropagation: walk the graph from the output back to the leaves, applying the chain rule.

Everything here is iterative (no recursion), so a graph a million operations deep is fine, and
deterministic: nodes are visited in the order their inputs were written.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar, runtime_checkable


@runtime_checkable
class Node(Protocol):
    """What backprop needs of a node: its value, its gradient, its inputs and the op that made it.

    ``autograd.Value`` is the node; this module reads only these four attributes, so the
    backward pass depends on nothing above it (``Value.backward`` calls down into it).
    """

    data: float
    grad: Any
    inputs: tuple[Any, ...]
    _op: Any


# The engine's nodes: Values (a type variable, so a list of Values comes back as one).
V = TypeVar("V", bound=Node)


def topological_order(root: V, visited: set[V] | None = None) -> list[V]:
    """Every node ``root`` depends on, each once, inputs before the nodes that use them.

    A depth-first search with an explicit stack of input iterators (no recursion). Inputs
    are explored left to right, so the order depends only on how the graph was written,
    never on object ids. ``root`` comes last.

    ``visited``, if given, holds nodes already ordered (with everything they depend on):
    they are left out, and the new ones are added to it, so the orders of several roots join
    without walking a shared part twice.
    """
    if not isinstance(root, Node):
        raise TypeError(f"topological_order: root must be a Value, got {_describe(root)}")
    order: list[V] = []
    if visited is None:
        visited = set()
    elif root in visited:
        return order
    visited.add(root)
    path = [root]  # the nodes whose inputs are being explored, outermost first
    pending = [iter(root.inputs)]  # for each node on the path, its inputs not yet explored
    while path:
        for child in pending[-1]:
            if child not in visited:
                visited.add(child)
                if child.inputs:
                    path.append(child)
                    pending.append(iter(child.inputs))
                    break
                order.append(child)  # a leaf is done as soon as it is found
        else:  # every input of path[-1] is done, so it is done too
            order.append(path.pop())
            pending.pop()
    return order


def local_derivatives(node: Node, create_graph: bool = False) -> tuple[Any, ...]:
    """d(node)/d(input) for each of ``node``'s inputs, at the current values.

    Floats normally; Values recorded in the graph when ``create_graph`` is true.
    """
    op = node._op
    if op is None:
        return ()
    inputs = node.inputs
    if create_graph:
        return op.derivatives(*inputs, node)
    return op.derivatives(*[child.data for child in inputs], node.data)


def propagate(order: list[V], create_graph: bool) -> None:
    """The chain rule, node by node in reverse topological order.

    When a node is reached, every node that uses it has already sent its contribution, so
    ``node.grad`` is complete; the node then sends ``local derivative * node.grad`` to each
    input. Contributions add up (``+=``): an input used twice receives both.
    """
    for node in reversed(order):
        op = node._op
        if op is None:
            continue
        upstream = node.grad
        inputs = node.inputs
        # local_derivatives(node), written out here: this loop is the engine's hot path
        if create_graph:
            local = op.derivatives(*inputs, node)
        elif len(inputs) == 2:
            a, b = inputs
            local = op.derivatives(a.data, b.data, node.data)
            a.grad += local[0] * upstream
            b.grad += local[1] * upstream
            continue
        elif len(inputs) == 1:
            local = op.derivatives(inputs[0].data, node.data)
        else:
            local = op.derivatives(*[child.data for child in inputs], node.data)
        for child, derivative in zip(inputs, local, strict=True):
            child.grad += derivative * upstream


def _describe(x: object) -> str:
    return f"{type(x).__name__} {x!r}"


def backward(root: Node, seed: Any, create_graph: bool = False) -> None:
    """Fill in the ``.grad`` of every node ``root`` depends on (see ``Value.backward``).

    ``seed`` is d(something)/d(root): a float, or a Value when ``create_graph`` is true.
    Interior nodes are reset at the start of each pass, so they hold this pass's gradient and
    send back only this pass's contribution; leaves keep what earlier passes gave them and add
    to it, as PyTorch does.
    """
    order = topological_order(root)
    for node in order:
        if node._op is not None:
            node.grad = 0.0
    if root._op is None:
        root.grad += seed
    else:
        root.grad = seed
    propagate(order, create_graph)
