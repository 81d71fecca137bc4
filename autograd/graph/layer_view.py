"""The layer view of a graph: each layer (W1, b1, z1 = W1·x + b1, h1 = relu(z1)) as one node.

The lecture writes a network in arrays, h1 = σ(W1·x + b1); the engine records one node per
number. ``layer_view`` finds the arrays again, knowing nothing of ``nn``: nodes are alike when
they do the same op on alike inputs, in the same places (a ``dot``'s weights and its inputs are
two places); leaves are alike when they are used alike. This is the colour refinement of
``autograd.graph.groups`` with one difference, which keeps a ConvNet's layers whole: an op's
colour reads the *set* of its inputs' colours, not their tuple, so a convolution window at the
border (fewer pixels, fewer weights) is alike with one in the middle, and every pixel is alike.

Then each ``dot`` whose results feed, one to one, a ``+`` with a Parameter (a bias) is folded
into that ``+``: the layer z = W·x + b reads W, x and b. Layers get the lecture's names: the
nodes' shared label without indices (``W1[0,1]`` gives ``W1``), else ``W{k}``, ``b{k}``,
``z{k}`` for the k-th affine layer and ``h{k}`` for its activation, ``x`` for inputs, a
constant's number (``c1``, ``c2`` ... when two layers would share it), or the op's name and a
count from 1 (``sub1``, ``exp1``). Names are unique within a view.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from ..backprop import local_derivatives, topological_order
from ..value import Parameter, Value
from .numbers_format import format_number

__all__ = ["ACTIVATIONS", "N_ARY", "Layer", "LayerView", "layer_view"]

_ROUNDS = 6  # refinement rounds at most; three suffice for the course's networks
N_ARY = frozenset({"sum", "max", "dot"})
ACTIVATIONS = frozenset({"tanh", "sigmoid", "relu"})
_INDEX = re.compile(r"\[[\d,\s]*\]")
_ONE_WORD = re.compile(r"[^\s.]+")  # not a state dict's "0.weight.1.2": then W1, b1 ...


@dataclass(frozen=True, eq=False)
class Layer:
    """One array of the graph: its ``name``, ``shape``, and its scalar ``nodes`` (row-major).

    ``kind`` is ``"parameter"``, ``"input"``, ``"constant"`` or ``"op"``; ``op`` the op's
    symbol (``"relu"``, ``"+"``), ``"W·x + b"`` for an affine layer, ``""`` for a leaf.
    ``inner`` holds the scalar nodes folded into the layer (an affine layer's ``dot`` nodes);
    ``inputs`` the layers it reads (an affine layer: W, x, b).
    """

    name: str
    kind: str
    op: str
    shape: tuple[int, ...]
    nodes: tuple[Value, ...]
    inputs: tuple[Layer, ...] = ()
    inner: tuple[Value, ...] = ()
    dense: bool = True  # an affine layer whose every row reads all of x (not a convolution)

    @property
    def size(self) -> int:
        return len(self.nodes)

    @property
    def is_leaf(self) -> bool:
        return self.kind != "op"

    @property
    def affine(self) -> bool:
        return self.op == "W·x + b"

    def shape_text(self) -> str:
        """``16×2`` for a matrix, ``16`` for a vector."""
        return "×".join(str(n) for n in self.shape)

    def __repr__(self) -> str:
        return f"Layer({self.name!r}, op={self.op!r}, shape={self.shape})"


@dataclass(frozen=True, eq=False)
class LayerView:
    """The layers of the graph ``root`` depends on, inputs before the layers that use them."""

    root: Value
    layers: tuple[Layer, ...]
    layer_of: Mapping[Value, Layer] = field(repr=False)
    rank: Mapping[Value, int] = field(repr=False)  # each node's place in topological order

    @property
    def root_layer(self) -> Layer:
        return self.layer_of[self.root]

    def named(self, name: str) -> Layer:
        """The layer called ``name``; KeyError listing the names if there is none."""
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise KeyError(
            f"no layer is named {name!r}; the layers are {', '.join(x.name for x in self.layers)}"
        )

    def users(self, layer: Layer) -> list[Layer]:
        """The layers that read ``layer``, in order."""
        return self._users.get(id(layer), [])

    @cached_property
    def _users(self) -> dict[int, list[Layer]]:
        found: dict[int, list[Layer]] = {}
        for user in self.layers:
            for source in user.inputs:
                readers = found.setdefault(id(source), [])
                if not readers or readers[-1] is not user:
                    readers.append(user)
        return found

    def formula(self, layer: Layer) -> str:
        """What the layer computes, in its inputs' names: ``W1·x + b1``, ``relu(z1)``."""
        names = [source.name for source in layer.inputs]
        if layer.is_leaf:
            return ""
        if layer.affine:
            weights, inputs, bias = names
            return f"{weights}·{inputs} + {bias}"
        symbol = layer.op
        if symbol in ("+", "-", "*", "/") and len(names) == 2:
            return f"{names[0]} {symbol} {names[1]}"
        if symbol.startswith("**"):
            return f"{names[0]}{symbol}"
        if symbol == "neg":
            return f"-{names[0]}"
        return f"{symbol}({', '.join(names)})"

    def send_gradient(
        self, layer: Layer, grad: Sequence[float]
    ) -> dict[Layer, dict[Value, float]]:
        """What ``layer`` sends each input layer, given d root/d(layer's nodes) = ``grad``.

        The chain rule node by node inside the layer (its ``dot`` nodes included): for each
        scalar input ``c`` of a node ``n``, ``∂n/∂c · ∂root/∂n``, summed per input node.
        """
        gradient = {node: g for node, g in zip(layer.nodes, grad, strict=True)}
        inside = set(map(id, (*layer.nodes, *layer.inner)))
        sent: dict[Layer, dict[Value, float]] = {source: {} for source in layer.inputs}
        for node in sorted((*layer.nodes, *layer.inner), key=lambda n: -self.rank[n]):
            g = gradient.get(node, 0.0)
            for child, local in zip(node.inputs, local_derivatives(node), strict=True):
                share = float(local) * g
                if id(child) in inside:
                    gradient[child] = gradient.get(child, 0.0) + share
                else:
                    into = sent[self.layer_of[child]]
                    into[child] = into.get(child, 0.0) + share
        return sent


# ---- finding the layers --------------------------------------------------------------------------

def layer_view(root: Value, where: str = "draw_graph") -> LayerView:
    """The ``LayerView`` of ``root``'s graph (see the module docstring)."""
    if not isinstance(root, Value):
        raise TypeError(f"{where}: root must be a Value, got {type(root).__name__} {root!r}")
    order = topological_order(root)
    colours = _colours(order)
    members: dict[int, list[int]] = {}
    for i, colour in enumerate(colours):
        members.setdefault(colour, []).append(i)
    height = [0] * len(order)
    position = {id(node): i for i, node in enumerate(order)}
    for i, node in enumerate(order):
        if node.inputs:
            height[i] = 1 + max(height[position[id(c)]] for c in node.inputs)
    groups = sorted(members.values(), key=lambda m: (height[m[0]], m[0]))
    return _build(root, order, position, groups)


def _op_key(node: Value) -> tuple[object, ...]:
    op = node._op
    assert op is not None
    constant = getattr(op, "exponent", getattr(op, "constant", None))
    arity = None if op.name in N_ARY else len(node.inputs)
    return (op.name, type(op).__name__, repr(constant), arity)


def _place(node: Value, position: int) -> int:
    """A dot's weights are place 0 and its inputs place 1; any input of a sum or max place 0."""
    assert node._op is not None
    if node._op.name == "dot":
        return 0 if position < len(node.inputs) // 2 else 1
    if node._op.name in N_ARY:
        return 0
    return position


def _leaf_kind(node: Value) -> str:
    return "parameter" if isinstance(node, Parameter) else "leaf"


def _colours(order: list[Value]) -> list[int]:
    """Colour refinement over sets of (input colour, place): equal colours, one layer."""
    position = {id(node): i for i, node in enumerate(order)}
    arguments = [[(position[id(c)], _place(node, p)) for p, c in enumerate(node.inputs)]
                 if node._op is not None else [] for node in order]
    users: list[set[tuple[int, int]]] = [set() for _ in order]
    for i, args in enumerate(arguments):
        for child, where in args:
            users[child].add((i, where))
    keys = [_op_key(node) if node._op is not None else None for node in order]
    leaf: dict[int, object] = {i: _leaf_kind(n) for i, n in enumerate(order) if n._op is None}
    colours: list[int] = []
    count = -1
    for _ in range(_ROUNDS):
        table: dict[object, int] = {}
        colours = [0] * len(order)
        for i in range(len(order)):
            key = keys[i]
            signature: object = ("leaf", leaf[i]) if key is None else (
                key, tuple(sorted({(colours[c], where) for c, where in arguments[i]}))
            )
            colours[i] = table.setdefault(signature, len(table))
        if len(table) == count:
            break
        count = len(table)
        for i in leaf:
            leaf[i] = (_leaf_kind(order[i]),
                       tuple(sorted({(colours[u], where) for u, where in users[i]})))
    return colours


def _build(
    root: Value, order: list[Value], position: dict[int, int], groups: list[list[int]]
) -> LayerView:
    group_of = {i: g for g, members in enumerate(groups) for i in members}
    nodes_of = [[order[i] for i in members] for members in groups]
    # a leaf group's nodes in the order their users first read them
    first_read: dict[int, int] = {}
    for node in order:
        for child in node.inputs:
            first_read.setdefault(id(child), len(first_read))
    for g, members in enumerate(groups):
        if order[members[0]]._op is None:
            nodes_of[g].sort(key=lambda n: first_read.get(id(n), len(order)))

    def source_groups(g: int, place: int | None = None) -> list[int]:
        found: list[int] = []
        for node in nodes_of[g]:
            for p, child in enumerate(node.inputs):
                if place is None or _place(node, p) == place:
                    source = group_of[position[id(child)]]
                    if source not in found:
                        found.append(source)
        return found

    users_of: dict[int, set[int]] = {}
    for g in range(len(groups)):
        for source in source_groups(g):
            users_of.setdefault(source, set()).add(g)

    folded: dict[int, int] = {}  # an affine + group -> its dot group
    for g, nodes in enumerate(nodes_of):
        dot = _affine_dot(g, nodes, group_of, position, nodes_of, users_of, root)
        if dot is not None:
            folded[g] = dot
    hidden = set(folded.values())

    names = _Names(root)
    for nodes in nodes_of:
        if nodes[0]._op is None and _kind_of_leaves(nodes) == "constant":
            number = format_number(nodes[0].data)
            names.numbers[number] = names.numbers.get(number, 0) + 1
    shapes: dict[int, tuple[int, ...]] = {}
    layers: dict[int, Layer] = {}
    layer_of: dict[Value, Layer] = {}
    affine_count = 0
    affine_numbers: dict[int, str] = {}  # an affine layer (by id) and its k in z{k}, h{k}
    for g, nodes in enumerate(nodes_of):
        if g in hidden:
            continue
        node = nodes[0]
        if g in folded:
            dot = folded[g]
            affine_count += 1
            (weights,), (inputs,), = source_groups(dot, 0), source_groups(dot, 1)
            bias = next(s for s in source_groups(g) if s != dot)
            rows = _weight_rows(nodes_of[dot], set(map(id, nodes_of[weights])))
            if rows is not None:
                nodes_of[weights] = [w for row in rows for w in row]
                shapes[weights] = (len(rows), len(rows[0]))
            w_name = names.leaf(layers[weights], f"W{affine_count}")
            number = w_name[1:] if re.fullmatch(r"W\d+", w_name) else str(affine_count)
            for source, stem in ((inputs, "x"), (bias, f"b{number}")):
                names.leaf(layers[source], stem)
            dense = all(
                dot_node.inputs[len(dot_node.inputs) // 2:]
                == nodes_of[dot][0].inputs[len(nodes_of[dot][0].inputs) // 2:]
                for dot_node in nodes_of[dot]
            )
            layer = Layer(names.take(nodes, f"z{number}"), "op", "W·x + b", (len(nodes),),
                          tuple(nodes), (layers[weights], layers[inputs], layers[bias]),
                          tuple(nodes_of[dot]), dense)
            affine_numbers[id(layer)] = number
            for inner in nodes_of[dot]:
                layer_of[inner] = layer
        elif node._op is None:
            layer = Layer("", _kind_of_leaves(nodes), "", (len(nodes),), tuple(nodes))
        else:
            sources = tuple(layers[s] for s in source_groups(g))
            stem = node._op.name
            if node._op.name in ACTIVATIONS and len(sources) == 1 and sources[0].affine:
                # h{k} = σ(z{k}), also when the layer's outputs carry labels of their own (y)
                stem = "h" + affine_numbers.get(id(sources[0]), sources[0].name[1:])
            layer = Layer(names.take(nodes, stem, count=stem == node._op.name), "op",
                          node._op.symbol, (len(nodes),), tuple(nodes), sources)
        layers[g] = layer
        for member in layer.nodes:
            layer_of[member] = layer
    # leaves were made before their shapes and names were known: make them again
    final: dict[int, Layer] = {}
    group_index = {id(layer): g for g, layer in layers.items()}
    leaves = [g for g, layer in layers.items() if layer.is_leaf]
    for g in sorted(leaves, key=lambda g: layers[g].kind == "constant"):  # constants last
        layer = layers[g]
        final[g] = Layer(names.leaf(layer, ""), layer.kind, "", shapes.get(g, layer.shape),
                         tuple(nodes_of[g]))
    for g, layer in layers.items():
        if not layer.is_leaf:
            read = tuple(final[group_index[id(s)]] for s in layer.inputs)
            final[g] = Layer(layer.name, "op", layer.op, layer.shape, layer.nodes, read,
                             layer.inner, layer.dense)
    ordered = tuple(final[g] for g in sorted(final))
    by_old = {id(layers[g]): final[g] for g in final}
    return LayerView(root, ordered, {node: by_old[id(layer)] for node, layer in layer_of.items()},
                     {node: i for i, node in enumerate(order)})


def _kind_of_leaves(nodes: Sequence[Value]) -> str:
    """``parameter``; ``constant``: unlabelled, one number throughout; else ``input``."""
    if isinstance(nodes[0], Parameter):
        return "parameter"
    if not nodes[0].label and len({node.data for node in nodes}) == 1:
        return "constant"
    return "input"


def _affine_dot(
    g: int,
    nodes: list[Value],
    group_of: Mapping[int, int],
    position: Mapping[int, int],
    nodes_of: list[list[Value]],
    users_of: Mapping[int, set[int]],
    root: Value,
) -> int | None:
    """The dot group that ``+`` group ``g`` adds a bias to (z = W·x + b), or None."""
    if nodes[0].op != "+" or any(len(n.inputs) != 2 for n in nodes):
        return None
    dots = {group_of[position[id(n.inputs[0])]] for n in nodes}
    biases = {group_of[position[id(n.inputs[1])]] for n in nodes}
    if len(dots) != 1 or len(biases) != 1:
        return None
    (dot,), (bias,) = dots, biases
    dot_nodes = nodes_of[dot]
    if (dot_nodes[0].op != "dot" or not isinstance(nodes_of[bias][0], Parameter)
            or users_of.get(dot) != {g} or len(dot_nodes) != len(nodes)
            or any(n is root for n in dot_nodes)):
        return None
    weights = {group_of[position[id(c)]] for n in dot_nodes for c in n.inputs[: len(n.inputs) // 2]}
    inputs = {group_of[position[id(c)]] for n in dot_nodes for c in n.inputs[len(n.inputs) // 2 :]}
    if len(weights) != 1 or len(inputs) != 1 or weights == inputs:
        return None
    if nodes_of[next(iter(weights))][0]._op is not None:
        return None
    return dot


def _weight_rows(dots: list[Value], weights: set[int]) -> list[list[Value]] | None:
    """The weight matrix's rows: the longest weight tuples the dots read, if they partition it."""
    tuples = [tuple(n.inputs[: len(n.inputs) // 2]) for n in dots]
    width = max(len(t) for t in tuples)
    rows: list[tuple[Value, ...]] = []
    seen: set[int] = set()
    for row in tuples:
        if len(row) == width and id(row[0]) not in seen:
            if any(id(w) in seen for w in row):
                return None
            rows.append(row)
            seen.update(map(id, row))
    if seen != weights:
        return None
    return [list(row) for row in rows]


class _Names:
    """Unique layer names: labels without their indices, else the lecture's letters."""

    def __init__(self, root: Value) -> None:
        self.taken: set[str] = set()
        self.given: dict[int, str] = {}
        self.counts: dict[str, int] = {}
        self.root = root
        self.numbers: dict[str, int] = {}  # how many constant layers write each number

    def _unique(self, name: str) -> str:
        if name not in self.taken:
            return name
        k = 2
        while f"{name}_{k}" in self.taken:
            k += 1
        return f"{name}_{k}"

    def take(self, nodes: Sequence[Value], stem: str, count: bool = False) -> str:
        labelled = _labelled_name(nodes)
        if labelled:
            name = labelled
        elif count:
            self.counts[stem] = self.counts.get(stem, 0) + 1
            name = f"{stem}{self.counts[stem]}"
        else:
            name = stem
        name = self._unique(name)
        self.taken.add(name)
        return name

    def constant(self, layer: Layer) -> str:
        """A constant's number, or ``c1``, ``c2`` ... if several layers would have that name."""
        number = format_number(layer.nodes[0].data)
        if self.numbers.get(number, 0) == 1 and number not in self.taken:
            self.taken.add(number)
            return number
        return self.take(layer.nodes, "c", count=True)

    def leaf(self, layer: Layer, stem: str) -> str:
        """A leaf layer's name, given once (the first stem asked for wins)."""
        key = id(layer.nodes[0])
        if key in self.given:
            return self.given[key]
        if layer.kind == "constant":
            name = self.constant(layer)
            self.given[key] = name
            return name
        if not stem:
            stem = {"parameter": "p", "input": "x"}.get(layer.kind, "c")
            name = self.take(layer.nodes, stem, count=not _labelled_name(layer.nodes)
                             and stem != "x")
        else:
            name = self.take(layer.nodes, stem)
        self.given[key] = name
        return name


def _labelled_name(nodes: Sequence[Value]) -> str:
    """The nodes' shared label with indices dropped (``W1``), or their shared stem (``x``).

    Only a name of one word without dots is taken: PyTorch-style names such as
    ``0.weight.1.2`` give way to the lecture's letters.
    """
    if not all(node.label for node in nodes):
        return ""
    names = {_INDEX.sub("", node.label) for node in nodes}
    if len(names) > 1:
        names = {name.rstrip("0123456789") for name in names}
    name = names.pop() if len(names) == 1 else ""
    return name if _ONE_WORD.fullmatch(name) else ""
