"""micrograd-style layers found again: a chain of + groups over a group of products is a dot.

micrograd writes a neuron as ``sum((wi * xi for wi, xi in zip(w, x)), b)``: one ``*`` node per
weight and one ``+`` node per term. Grouped (``autograd.graph.groups``), a layer is a group of
all its products and a chain of + groups, the k-th adding the k-th product of every neuron.
``fuse_sums_of_products`` rewrites such a chain as b + one ``dot`` group, which
``autograd.compiler.rolling`` runs as one matrix product.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..graph.groups import GroupEdge, NodeGroup, is_identity

__all__ = ["DOT_OP", "fuse_sums_of_products"]


@dataclass(frozen=True)
class _DotOp:
    name: str = "dot"
    symbol: str = "dot"


DOT_OP = _DotOp()


def fuse_sums_of_products(groups: list[NodeGroup]) -> tuple[list[NodeGroup], dict[str, int]]:
    """micrograd-style layers as matrix products: ``b + w0*x0 + w1*x1 + ...`` added one ``+``
    at a time is, group by group, a chain of + groups each adding one slice of one group of
    products; such a chain (whose inner sums nothing else reads) becomes b + one ``dot`` group.

    Returns the new groups and, for each new dot group, its width. The dot adds the products in
    another order than the chain (each sum is rounded differently, by about 1e-16 of the terms).
    """
    by_name = {g.name: g for g in groups}
    users: dict[str, list[tuple[NodeGroup, GroupEdge]]] = {g.name: [] for g in groups}
    for group in groups:
        for edge in group.inputs:
            users[edge.source].append((group, edge))
    last_group = groups[-1].name if groups else ""
    replaced: dict[str, list[NodeGroup]] = {}
    removed: set[str] = set()
    fused: dict[str, int] = {}
    for products in groups:
        chain = _chain(products, by_name, users, last_group)
        if chain is None:
            continue
        first, last = chain[0], chain[-1]
        width, size = len(chain), last.size
        slots = [next(e for e in a.inputs if e.arguments == (1,)).index for a in chain]
        left, right = sorted(products.inputs, key=lambda e: e.arguments)
        weights = tuple(left.index[slots[k][j]] for j in range(size) for k in range(width))
        inputs = tuple(right.index[slots[k][j]] for j in range(size) for k in range(width))
        rows_alike = all(inputs[j * width : (j + 1) * width] == inputs[:width]
                         for j in range(size))
        dot = NodeGroup(
            products.name, "dot", "op", (size,), last.nodes,
            (
                GroupEdge(left.source, 0,
                          "matmul" if is_identity(weights, by_name[left.source].size)
                          else "gather", tuple(range(width)), weights),
                GroupEdge(right.source, 1, "matmul" if rows_alike else "gather",
                          tuple(range(width, 2 * width)), inputs),
            ),
        )
        start = next(e for e in first.inputs if e.arguments == (0,))
        total = NodeGroup(
            last.name, last.op, "op", last.shape, last.nodes,
            (start, GroupEdge(products.name, 1, "identity", (1,), tuple(range(size)))),
        )
        replaced[last.name] = [dot, total]
        removed.update(a.name for a in chain)
        removed.add(products.name)
        fused[products.name] = width
    if not fused:
        return groups, {}
    result: list[NodeGroup] = []
    for group in groups:
        if group.name in replaced:
            result.extend(replaced[group.name])
        elif group.name not in removed:
            result.append(group)
    return result, fused


def _chain(
    products: NodeGroup,
    by_name: dict[str, NodeGroup],
    users: dict[str, list[tuple[NodeGroup, GroupEdge]]],
    last_group: str,
) -> list[NodeGroup] | None:
    """The chain of + groups adding up the slices of a group of products, if it is one."""
    node = products.nodes[0]
    if node._op is None or node._op.name != "mul" or len(products.inputs) != 2:
        return None
    if any(e.width != 1 for e in products.inputs):
        return None
    readers = users[products.name]
    if len(readers) < 2 or any(
        u.nodes[0]._op is None or u.nodes[0]._op.name != "add" or e.arguments != (1,)
        for u, e in readers
    ):
        return None
    members = {u.name for u, _ in readers}
    if len(members) != len(readers):
        return None
    size = readers[0][0].size
    if any(u.size != size for u, _ in readers) or size * len(readers) != products.size:
        return None
    if sorted(i for _, e in readers for i in e.index) != list(range(products.size)):
        return None
    # the first adds to something else; each next one to the one before, slot for slot
    firsts = [u for u, _ in readers
              if next(e for e in u.inputs if e.arguments == (0,)).source not in members]
    if len(firsts) != 1:
        return None
    chain = [firsts[0]]
    while len(chain) < len(readers):
        current = chain[-1]
        if current.name == last_group or len(users[current.name]) != 1:
            return None
        following, edge = users[current.name][0]
        if following.name not in members or edge.arguments != (0,) or \
                not is_identity(edge.index, size):
            return None
        chain.append(following)
    return chain
