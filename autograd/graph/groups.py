"""Groups of like nodes: the layers a scalar graph is made of, found by colour refinement.

The lecture writes a layer as z1 = W1·x + b1; the engine records one node per neuron and one
leaf per weight. ``group_like_nodes`` finds the layers again, knowing nothing of ``nn``: nodes
are alike when they do the same op (with the same constant, such as an exponent) on inputs that
are alike, position by position; leaves (Parameters, inputs, constants) are alike when they are
used alike, so the weights of one layer, each feeding the same group of ``dot`` nodes in the same
place, form one matrix W1. This is colour refinement, as in the Weisfeiler-Lehman test:

1. colour each op node by (op, its constant, the number of inputs, its inputs' colours in
   position), inputs before the nodes that use them: one pass;
2. colour each leaf by its kind and the set of (user's colour, place) it is used in;
3. colour the op nodes once more, as in 1, with the leaves' new colours. (Going on until
   nothing changes would split a convolution's windows by their distance from the image's
   border, one pixel further each round: the windows near a border read pixels used by fewer
   windows.) Each step is one pass over the graph's edges, so grouping costs O(N log N) for N
   nodes and their edges (the log from the sorts in 2).

A ``dot`` node's inputs have two places, its weights (the first half) and its inputs (the
second); ``sum`` and ``max`` have one: the place of an input, not its position, is what a leaf's
use is told by. Each group is then one array, and each edge between groups an index map: which
node of the source feeds which argument of which node of the group (``GroupEdge``).

A ``dot`` or ``sum`` whose every place reads one group is coloured by those groups alone, not by
its number of inputs: a padded convolution's windows at the border (4 or 6 taps of a 3x3
kernel) and inside (9) are one group, their rows padded to the widest with an index that reads
0 (the zeros of the padding, which add nothing). Where padding would more than double a group's
size, or the nodes of one width all read the same inputs (a matrix product of their own), those
nodes are grouped again with their widths told apart.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from ..value import Parameter, Value
from .identifiers import identifier
from .names import node_names, stable_names

__all__ = [
    "GroupEdge",
    "NodeGroup",
    "group_like_nodes",
    "is_identity",
    "op_key",
    "renamed",
    "structure_count",
]

_ROUNDS = 2  # colourings of the op nodes: before and after the leaves are told apart
_N_ARY = frozenset({"sum", "max", "dot"})
_PADDABLE = frozenset({"sum", "dot"})  # ops to which a 0 argument adds nothing
_MOST_PADDING = 2.0  # a padded group at most twice the size of its arguments
_PADDING_TRIES = 3  # colourings that unpad the groups better apart, before padding none


@dataclass(frozen=True)
class GroupEdge:
    """Where a group's arguments come from: one source group, one place of the op.

    ``position`` is the argument position for an op of fixed arity (``0`` and ``1`` for ``+``),
    the place for ``dot`` (``0`` its weights, ``1`` its inputs) and ``0`` for ``sum`` and ``max``.
    ``arguments`` are the argument positions this edge feeds in every node of the group and
    ``index`` the source's node feeding each, row by row: node ``k`` of the group takes, as
    argument ``arguments[a]``, node ``index[k * len(arguments) + a]`` of the source. ``kind`` says
    what the map is: ``"identity"``, ``"reshape"`` (the same nodes, another shape),
    ``"broadcast"`` (source nodes repeated), ``"slice"`` (evenly spaced ones), ``"matmul"``
    (a ``dot``'s weights as a matrix, or its inputs as one vector for every row) or ``"gather"``.
    ``padded`` (a ``gather``): the group's nodes have fewer arguments than ``width``, and their
    rows end in the index ``len(source)``, one past the source, which reads 0.
    """

    source: str
    position: int
    kind: str
    arguments: tuple[int, ...]
    index: tuple[int, ...]
    padded: bool = False  # rows padded with the index len(source), which reads 0

    @property
    def width(self) -> int:
        """How many arguments of each node this edge feeds."""
        return len(self.arguments)


@dataclass(frozen=True)
class NodeGroup:
    """Like nodes taken as one array: a layer's weights W1, its sums z1, its outputs h1.

    ``name`` is the nodes' shared name with the indices dropped (``W1`` for ``W1[0,1]``...),
    ``op`` the op's symbol (None for leaves), ``kind`` one of ``"parameter"``, ``"input"``,
    ``"constant"``, ``"op"``; ``nodes`` are in row-major order of ``shape``.
    """

    name: str
    op: str | None
    kind: str
    shape: tuple[int, ...]
    nodes: tuple[Value, ...]
    inputs: tuple[GroupEdge, ...]
    named: bool = True  # False: a stand-in (p1, dot2) for nodes whose labels give no name

    @property
    def size(self) -> int:
        return len(self.nodes)

    def __repr__(self) -> str:
        return f"NodeGroup({self.name!r}, op={self.op!r}, kind={self.kind!r}, shape={self.shape})"


def op_key(node: Value) -> tuple[object, ...]:
    """What makes two nodes' ops the same: the op's name, its constant, its number of inputs."""
    op = node._op
    assert op is not None
    constant = getattr(op, "exponent", getattr(op, "constant", None))
    return (op.name, type(op).__name__, repr(constant), len(node.inputs))


def place(op_name: str, position: int, arity: int) -> int:
    """The place of argument ``position``: a dot's weights 0 and inputs 1, any of a sum's 0."""
    if op_name == "dot":
        return 0 if position < arity // 2 else 1
    if op_name in _N_ARY:
        return 0
    return position


def group_like_nodes(order: Sequence[Value], inputs: Sequence[Value] = ()) -> list[NodeGroup]:
    """The groups of like nodes of ``order`` (a topological order), in topological order.

    ``inputs`` are the leaves that are a function's arguments (kind ``"input"``); other leaves
    are ``"parameter"`` (a Parameter) or ``"constant"``. Every node of ``order`` is in exactly
    one group; a node like no other is a group of one.
    """
    order = list(order)
    position_of = {id(node): i for i, node in enumerate(order)}
    input_ids = {id(node) for node in inputs}
    kinds = [_kind(node, input_ids) for node in order]
    arguments = [[position_of[id(child)] for child in node.inputs] for node in order]
    users: list[list[tuple[int, int]]] = [[] for _ in order]
    for i, node in enumerate(order):
        if node._op is not None:
            arity = len(node.inputs)
            for p, child in enumerate(arguments[i]):
                users[child].append((i, place(node._op.name, p, arity)))
    keys = [op_key(node) if node._op is not None else None for node in order]

    paddable = [key is not None and key[0] in _PADDABLE for key in keys]
    for _ in range(_PADDING_TRIES):
        colours = _refine(order, kinds, keys, arguments, users, paddable)
        unwanted = _badly_padded(keys, arguments, colours)
        if not unwanted:
            return _groups(order, kinds, arguments, users, colours)
        paddable = [p and colours[i] not in unwanted for i, p in enumerate(paddable)]
    colours = _refine(order, kinds, keys, arguments, users, [False] * len(order))
    return _groups(order, kinds, arguments, users, colours)


def _padded_signature(
    key: tuple[object, ...], children: list[int], colours: list[int]
) -> tuple[object, ...] | None:
    """A ``dot``'s or ``sum``'s colour without its number of inputs, when each of its places
    reads one colour (the padded rows of ``_padded_edges``); else None."""
    name = key[0]
    if name == "sum" and children:
        seen = {colours[j] for j in children}
        if len(seen) == 1:
            return ("padded", *key[:3], seen.pop())
    elif name == "dot" and children:
        half = len(children) // 2
        weights = {colours[j] for j in children[:half]}
        inputs = {colours[j] for j in children[half:]}
        if len(weights) == 1 and len(inputs) == 1:
            return ("padded", *key[:3], weights.pop(), inputs.pop())
    return None


def _badly_padded(
    keys: list[tuple[object, ...] | None], arguments: list[list[int]], colours: list[int]
) -> set[int]:
    """The colours of the groups of ``dot`` or ``sum`` nodes of unequal widths that are better
    apart: padding would more than double the group (``_MOST_PADDING``), or the nodes of one
    width all read the same inputs, a matrix product of their own (two dense layers of
    different widths on one input), which a padded gather would turn into a slower product."""
    by_colour: dict[int, list[int]] = {}
    inputs_from: dict[int, int] = {}  # where a node's inputs start: a dot's second half
    for i, key in enumerate(keys):
        if key is not None and key[0] in _PADDABLE:
            by_colour.setdefault(colours[i], []).append(i)
            inputs_from[i] = len(arguments[i]) // 2 if key[0] == "dot" else 0
    unwanted = set()
    for colour, members in by_colour.items():
        widths = {len(arguments[i]) for i in members}
        if len(widths) == 1:
            continue
        size = sum(len(arguments[i]) for i in members)
        if max(widths) * len(members) > _MOST_PADDING * size:
            unwanted.add(colour)
            continue
        rows: dict[int, set[tuple[int, ...]]] = {}
        for i in members:
            rows.setdefault(len(arguments[i]), set()).add(tuple(arguments[i][inputs_from[i]:]))
        counts = Counter(len(arguments[i]) for i in members)
        if any(len(read) == 1 and counts[width] > 1 for width, read in rows.items()):
            unwanted.add(colour)
    return unwanted


def renamed(groups: Sequence[NodeGroup], wanted: Mapping[int, str]) -> list[NodeGroup]:
    """``groups`` with a stand-in name (``named`` False: p1, dot2) named as ``wanted`` names
    every one of its nodes (by ``id``), where they all want the same name, no other node wants
    it and no other group has it; edges follow.

    The pictures' layer view calls a graph's arrays W1, b1, z1, h1 by the layers it finds;
    where a group is one of those layers, the compiled code takes its name.
    """
    wanting = Counter(wanted.values())
    names: dict[str, str] = {}
    for group in groups:
        name = wanted.get(id(group.nodes[0]))
        if (not group.named and name and wanting[name] == group.size
                and all(wanted.get(id(node)) == name for node in group.nodes)):
            name = name if _IDENTIFIER.fullmatch(name) else identifier(name)  # μ1 is mu1
            if _IDENTIFIER.fullmatch(name) and name != group.name:
                names[group.name] = name
    # a group keeps its name where another keeps that name, until no name is had twice
    while True:
        kept = {group.name for group in groups if group.name not in names}
        twice = {new for new, count in Counter(names.values()).items() if count > 1}
        clashing = {old for old, new in names.items() if new in kept or new in twice}
        if not clashing:
            break
        for old in clashing:
            del names[old]
    if not names:
        return list(groups)
    return [
        replace(group, name=names.get(group.name, group.name), inputs=tuple(
            replace(edge, source=names.get(edge.source, edge.source)) for edge in group.inputs))
        for group in groups
    ]


def structure_count(order: Sequence[Value]) -> int:
    """How many kinds of op node ``order`` has, told apart by op and by what they are made of
    (step 1 of the colouring, all leaves alike): at least the number of op groups, and a cheap
    first look, one pass, at whether a graph repeats itself at all."""
    table: dict[int, int] = {}  # by the signature's hash: a count, so collisions hardly matter
    colour: dict[int, int] = {}
    for node in order:
        if node._op is None:
            colour[id(node)] = -1
            continue
        signature = hash((op_key(node), tuple(colour[id(child)] for child in node.inputs)))
        colour[id(node)] = table.setdefault(signature, len(table))
    return len(table)


def _kind(node: Value, input_ids: set[int]) -> str:
    if node._op is not None:
        return "op"
    if id(node) in input_ids:
        return "input"
    return "parameter" if isinstance(node, Parameter) else "constant"


def _refine(
    order: list[Value],
    kinds: list[str],
    keys: list[tuple[object, ...] | None],
    arguments: list[list[int]],
    users: list[list[tuple[int, int]]],
    paddable: list[bool],
) -> list[int]:
    """Each node's colour after refinement: equal colours, like nodes. A ``paddable`` ``dot``
    or ``sum`` is coloured by its places' colours, not its width (``_padded_signature``)."""
    leaf_colour: dict[int, object] = {i: kind for i, kind in enumerate(kinds) if kind != "op"}
    colours: list[int] = []
    count = -1
    for _ in range(_ROUNDS):
        table: dict[object, int] = {}
        colours = [0] * len(order)
        for i in range(len(order)):
            key = keys[i]
            signature: object = None
            if key is None:
                signature = leaf_colour[i]
            elif paddable[i]:
                signature = _padded_signature(key, arguments[i], colours)
            if signature is None:
                signature = (key, tuple(colours[j] for j in arguments[i]))
            colours[i] = table.setdefault(signature, len(table))
        if len(table) == count:
            break
        count = len(table)
        for i in leaf_colour:
            leaf_colour[i] = (kinds[i], tuple(sorted({(colours[u], p) for u, p in users[i]})))
    return colours


def _groups(
    order: list[Value],
    kinds: list[str],
    arguments: list[list[int]],
    users: list[list[tuple[int, int]]],
    colours: list[int],
) -> list[NodeGroup]:
    members: dict[int, list[int]] = {}
    for i, colour in enumerate(colours):
        members.setdefault(colour, []).append(i)
    # op groups keep topological order; a leaf group takes the order its users first read it in
    op_members = [m for m in members.values() if kinds[m[0]] == "op"]
    leaf_order: dict[int, int] = {}
    for group in sorted(op_members, key=lambda m: m[0]):
        for i in group:
            for child in arguments[i]:
                if kinds[child] != "op":
                    leaf_order.setdefault(child, len(leaf_order))
    groups_members: list[list[int]] = []
    for leaves in members.values():
        if kinds[leaves[0]] != "op":
            leaves.sort(key=lambda i: leaf_order.get(i, len(order) + i))
        groups_members.append(leaves)
    # topological order of groups: by their first node in ``order`` (a group's inputs come
    # from groups whose first nodes are earlier, because like nodes have like inputs)
    groups_members.sort(key=lambda m: min(m))
    group_of = {}
    slot = {}
    for g, m in enumerate(groups_members):
        for k, i in enumerate(m):
            group_of[i] = g
            slot[i] = k
    names, stand_ins = _group_names(order, groups_members, kinds)
    shapes: list[tuple[int, ...]] = [(len(m),) for m in groups_members]
    edges_of: list[tuple[tuple[int, int, tuple[int, ...], tuple[int, ...]], ...]] = []
    for m in groups_members:
        first = m[0]
        if kinds[first] != "op":
            edges_of.append(())
            continue
        node = order[first]
        assert node._op is not None
        arity = len(arguments[first])
        if any(len(arguments[i]) != arity for i in m):  # a dot or sum of unequal widths
            edges_of.append(_padded_edges(node._op.name, m, arguments, group_of, slot,
                                          [len(members) for members in groups_members]))
            continue
        by_source: dict[tuple[int, int], list[int]] = {}
        for p, child in enumerate(arguments[first]):
            by_source.setdefault((place(node._op.name, p, arity), group_of[child]), []).append(p)
        found = []
        for (where, source), feeding in by_source.items():
            index = tuple(slot[arguments[i][p]] for i in m for p in feeding)
            found.append((where, source, tuple(feeding), index))
        edges_of.append(tuple(found))
    # a leaf group read by a dot's weights row by row is a matrix: rows x the dot's width
    for g, m in enumerate(groups_members):
        for where, source, positions, index in edges_of[g]:
            if order[m[0]]._op is not None and order[m[0]]._op.name == "dot" and where == 0:
                width = len(positions)
                size = len(groups_members[source])
                if (
                    kinds[groups_members[source][0]] != "op"
                    and size % width == 0
                    and size >= width
                    and _rows_of_matrix(index, width)
                ):
                    shapes[source] = (size // width, width)
    result = []
    for g, m in enumerate(groups_members):
        node = order[m[0]]
        ragged = any(len(arguments[i]) != len(arguments[m[0]]) for i in m)
        edges = tuple(
            GroupEdge(
                names[source],
                where,
                "gather" if ragged else _edge_kind(
                    node, where, positions, index, len(groups_members[source]),
                    shapes[source], len(m)),
                positions,
                index,
                ragged,
            )
            for where, source, positions, index in edges_of[g]
        )
        result.append(
            NodeGroup(
                names[g],
                node._op.symbol if node._op is not None else None,
                kinds[m[0]],
                shapes[g],
                tuple(order[i] for i in m),
                edges,
                g not in stand_ins,
            )
        )
    return result


def _padded_edges(
    op_name: str,
    members: list[int],
    arguments: list[list[int]],
    group_of: dict[int, int],
    slot: dict[int, int],
    sizes: list[int],
) -> tuple[tuple[int, int, tuple[int, ...], tuple[int, ...]], ...]:
    """The edges of a ``dot`` or ``sum`` group of unequal widths, one per place: every row as
    wide as the widest, the missing arguments read at ``len(source)``, a 0."""
    halves = 2 if op_name == "dot" else 1
    width = max(len(arguments[i]) for i in members) // halves
    edges = []
    for where in range(halves):
        source = -1
        index: list[int] = []
        for i in members:
            half = len(arguments[i]) // halves
            children = arguments[i][where * half : (where + 1) * half]
            source = group_of[children[0]]
            index.extend(slot[child] for child in children)
            index.extend([sizes[source]] * (width - half))
        positions = tuple(range(where * width, (where + 1) * width))
        edges.append((where, source, positions, tuple(index)))
    return tuple(edges)


def _rows_of_matrix(index: tuple[int, ...], width: int) -> bool:
    """True if every row of ``index`` (``width`` wide) is a whole row r·width .. r·width+width−1."""
    for start in range(0, len(index), width):
        first = index[start]
        if first % width or index[start : start + width] != tuple(range(first, first + width)):
            return False
    return True


def _edge_kind(
    node: Value,
    where: int,
    positions: tuple[int, ...],
    index: tuple[int, ...],
    source_size: int,
    source_shape: tuple[int, ...],
    size: int,
) -> str:
    """What an index map is: identity, reshape, broadcast, slice, matmul or gather."""
    assert node._op is not None
    width = len(positions)
    if node._op.name == "dot" and width > 1:
        if where == 0 and is_identity(index, source_size) and len(source_shape) == 2:
            return "matmul"
        if where == 1 and all(
            index[k * width : (k + 1) * width] == index[:width] for k in range(size)
        ):
            return "matmul"
        return "gather"
    if width == 1:
        if is_identity(index, source_size):
            return "identity" if len(source_shape) == 1 else "reshape"
        if source_size == 1 or _is_tiled(index, source_size) or _is_repeated(index, source_size):
            return "broadcast"
        if _is_progression(index):
            return "slice"
    return "gather"


def is_identity(index: Sequence[int], size: int) -> bool:
    """True if ``index`` is 0, 1, ..., size − 1: each of ``size`` nodes once, in order."""
    return len(index) == size and all(i == k for k, i in enumerate(index))


def _is_progression(index: tuple[int, ...]) -> bool:
    if len(index) < 2:
        return True
    step = index[1] - index[0]
    return step > 0 and all(b - a == step for a, b in itertools.pairwise(index))


def _is_tiled(index: tuple[int, ...], n: int) -> bool:
    """index is 0..n−1 repeated whole: the source laid along the last axis of a matrix."""
    return len(index) % n == 0 and index == tuple(range(n)) * (len(index) // n)


def _is_repeated(index: tuple[int, ...], n: int) -> bool:
    """index is each of 0..n−1 repeated in turn: the source laid along the first axis."""
    if len(index) % n:
        return False
    times = len(index) // n
    return index == tuple(k for k in range(n) for _ in range(times))


# ---- names -------------------------------------------------------------------------------------

_INDEX = re.compile(r"\[[\d,\s]*\]")
_MODULE_PATH = re.compile(r"(\w+\.)*[A-Za-z_]\w*(\.\d+)+")  # 0.weight.3.1: a module's parameter
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LEAF_NAMES = {"parameter": "p", "input": "x", "constant": "c"}


def _group_names(
    order: list[Value], groups_members: list[list[int]], kinds: list[str]
) -> tuple[list[str], set[int]]:
    """A name for each group: its nodes' shared name without the indices, else op name + count;
    and which groups got the stand-in op name + count.

    ``W1[0,1]``, ``W1[1,0]`` ... give ``W1``; ``x1``, ``x2`` give ``x``. A module's path
    (``0.weight.3``, a ``Sequential``'s parameter) is no name. A name is a plain ASCII
    identifier, distinct from every other group's.
    """
    names_of = node_names(order)
    fallback = stable_names(order)
    wanted_names = [
        {_INDEX.sub("", names_of[order[i]]) for i in m if (names_of[order[i]] != fallback[order[i]]
         or order[i].label) and not _MODULE_PATH.fullmatch(names_of[order[i]])}
        for m in groups_members
    ]
    everywhere = set().union(*wanted_names) if wanted_names else set()
    taken: set[str] = set()
    counters: dict[str, int] = {}
    result = []
    stand_ins = set()
    for g, (m, wanted) in enumerate(zip(groups_members, wanted_names, strict=True)):
        node = order[m[0]]
        name = next(iter(wanted)) if len(wanted) == 1 else _common_stem(wanted)
        if kinds[m[0]] == "constant" and not node.label:
            name = ""
        elif name and not _IDENTIFIER.fullmatch(name):
            name = identifier(name)  # the lecture's letters spelled out: ŷ is y_hat, σ² sigma_2
        op_only = node._op is not None and name.rstrip("0123456789_") == node._op.name
        if not _IDENTIFIER.fullmatch(name) or op_only:
            stand_ins.add(g)  # no name, or only the op's: add, dot2
        if not _IDENTIFIER.fullmatch(name) or name in taken:
            stem = name if _IDENTIFIER.fullmatch(name) else (
                node._op.name if node._op is not None else _LEAF_NAMES[kinds[m[0]]]
            )
            stem = stem if _IDENTIFIER.fullmatch(stem) else "v"
            while True:
                counters[stem] = counters.get(stem, 0) + 1
                name = f"{stem}_{counters[stem] + 1}" if stem == name else f"{stem}{counters[stem]}"
                if name not in taken and name not in everywhere:
                    break
        taken.add(name)
        result.append(name)
    return result, stand_ins


def _common_stem(names: set[str]) -> str:
    """``x`` for ``x1``, ``x2``: the names with their trailing digits dropped, if then equal."""
    stems = {name.rstrip("0123456789") for name in names}
    return stems.pop() if len(stems) == 1 else ""
