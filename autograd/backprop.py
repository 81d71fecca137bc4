"""Backpropagation: walk the graph from the output back to the leaves, applying the chain rule.

Everything here is iterative (no recursion), so a graph a million operations deep is fine, and
deterministic: nodes are visited in the order their inputs were written.
"""

from __future__ import annotations

from typing import Any

from .value import Value, as_float


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, each once, inputs before the nodes that use them.

    A depth-first search with an explicit stack of input iterators (no recursion). Inputs
    are explored left to right, so the order depends only on how the graph was written,
    never on object ids. ``root`` comes last.
    """
    if not isinstance(root, Value):
        raise TypeError(f"topological_order: root must be a Value, got {_describe(root)}")
    order: list[Value] = []
    visited = {root}
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


def local_derivatives(node: Value, create_graph: bool = False) -> tuple[Any, ...]:
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


def _propagate(order: list[Value], create_graph: bool) -> None:
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


def _seed(grad: object, create_graph: bool) -> float | Value:
    seed = as_float(grad, "backward: grad")
    return Value(seed) if create_graph else seed


def backward(root: Value, grad: object = 1.0, create_graph: bool = False) -> None:
    """Fill in the ``.grad`` of every node ``root`` depends on (see ``Value.backward``).

    Interior nodes are reset at the start of each pass, so they hold this pass's gradient and
    send back only this pass's contribution; leaves keep what earlier passes gave them and add
    to it, as PyTorch does.
    """
    seed = _seed(grad, create_graph)
    order = topological_order(root)
    for node in order:
        if node._op is not None:
            node.grad = 0.0
    if root._op is None:
        root.grad += seed
    else:
        root.grad = seed
    _propagate(order, create_graph)


def gradients(
    root: Value, wrt: tuple[Value, ...], create_graph: bool = False
) -> tuple[float | Value, ...]:
    """d(root)/d(w) for each w in ``wrt``, leaving every node's ``.grad`` as it was.

    This is the functional form behind ``autograd.grad``: it accumulates nothing. A ``w`` that
    ``root`` does not depend on gets 0.0.
    """
    if not isinstance(root, Value):
        raise TypeError(f"gradients: root must be a Value, got {_describe(root)}")
    if isinstance(wrt, Value) or not isinstance(wrt, (tuple, list)):
        raise TypeError(f"gradients: wrt must be a tuple of Values, got {_describe(wrt)}")
    for w in wrt:
        if not isinstance(w, Value):
            raise TypeError(f"gradients: wrt must hold Values, got {_describe(w)}")
    order = topological_order(root)
    saved = [node.grad for node in order]
    try:
        for node in order:
            node.grad = 0.0
        root.grad = _seed(1.0, create_graph)
        _propagate(order, create_graph)
        reached = set(order)
        return tuple(w.grad if w in reached else 0.0 for w in wrt)
    finally:
        for node, grad in zip(order, saved, strict=True):
            node.grad = grad
