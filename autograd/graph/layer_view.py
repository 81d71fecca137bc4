"""The layer view of a graph: each layer (W1, b1, z1 = W1·x + b1, h1 = relu(z1)) as one node.

The lecture writes a network in arrays, h1 = σ(W1·x + b1); the engine records one node per
number. ``layer_view`` finds the arrays again, knowing nothing of ``nn``: nodes are alike when
they do the same op on alike inputs, in the same places (a ``dot``'s weights and its inputs are
two places); leaves are alike when they are used alike. This is the colour refinement of
``autograd.graph.groups`` with one difference, which keeps a ConvNet's layers whole: an op's
colour reads the *set* of its inputs' colours, not their tuple, so a convolution window at the
border (fewer pixels, fewer weights) is alike with one in the middle, and every pixel is alike.

Then each ``dot`` whose results feed, one to one, a ``+`` with a Parameter (a bias) is folded
into that ``+``: the layer z = W·x + b reads W, x and b. A neuron written without ``dot``, as
micrograd writes it (``sum((wi*xi for wi, xi in zip(w, x)), b)``: a chain of ``+`` over
products and one leaf, the bias), is folded the same way before the colouring, so its layer is
one affine layer too; the leaves multiplied by its inputs are its weights, Parameters or not.
An affine layer applied to several examples (a batch) keeps one W: ``batch`` says how many.

Layers get the lecture's names: the nodes' shared label without indices (``W1[0,1]`` gives
``W1``), else ``W{k}``, ``b{k}``, ``z{k}`` for the k-th affine layer and ``h{k}`` for its
activation, ``x`` for what a network reads and ``y`` for an input it does not (a target), a
constant's number (``c1``, ``c2`` ... when two layers would share it), or the op's name and a
count from 1 (``sub1``, ``exp1``). Names are unique within a view.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
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
    batch: int = 1  # an affine layer: the examples it is applied to, each reading its own x

    @property
    def has_gradient(self) -> bool:
        """False for a number in a formula and an unlabelled input: no view shows their gradient."""
        if self.kind == "constant":
            return False
        return self.kind != "input" or all(node.label for node in self.nodes)

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
    # a copy of an input number (``w*2.0`` makes a new 2.0 for each row) -> the one x shows
    alias: Mapping[Value, Value] = field(default_factory=dict, repr=False)
    # an affine layer's node -> the weights and the inputs it reads, in column order
    reads: Mapping[Value, tuple[tuple[Value, ...], tuple[Value, ...]]] = field(
        default_factory=dict, repr=False)
    labelled: Mapping[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    @property
    def root_layer(self) -> Layer:
        return self.layer_of[self.root]

    def named(self, name: str) -> Layer:
        """The layer called ``name``; KeyError listing the names if there is none, or the
        candidates if several layers carry the label ``name``."""
        candidates = self.labelled.get(name, ())
        if len(candidates) > 1:
            raise KeyError(
                f"{name!r} is ambiguous: the layers {', '.join(candidates)} all carry that "
                f"label; give one of those names"
            )
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

    def weight_gradient(self, layer: Layer, grad: Sequence[float]) -> list[float]:
        """∂root/∂W of a dense affine layer as the product it is: Σ over examples ∂root/∂z · xᵀ."""
        weights = layer.inputs[0]
        column = {id(w): i for i, w in enumerate(weights.nodes)}
        total = [0.0] * weights.size
        for node, g in zip(layer.nodes, grad, strict=True):
            row, inputs = self.reads[node]
            for w, x in zip(row, inputs, strict=True):
                total[column[id(w)]] += g * x.data
        return total

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
                    child = self.alias.get(child, child)
                    into[child] = into.get(child, 0.0) + share
        return sent


# ---- finding the layers --------------------------------------------------------------------------

def layer_view(root: Value, where: str = "draw_graph") -> LayerView:
    """The ``LayerView`` of ``root``'s graph (see the module docstring)."""
    if not isinstance(root, Value):
        raise TypeError(f"{where}: root must be a Value, got {type(root).__name__} {root!r}")
    order = topological_order(root)
    chains = _chains(order, root)
    while True:
        hidden = {id(node) for chain in chains.values() for node in chain.inner}
        shown = [node for node in order if id(node) not in hidden]
        position = {id(node): i for i, node in enumerate(shown)}
        arguments = [[(position[id(c)], place) for c, place in _arguments(node, chains)]
                     for node in shown]
        colours = _colours(shown, arguments, chains)
        members: dict[int, list[int]] = {}
        for i, colour in enumerate(colours):
            members.setdefault(colour, []).append(i)
        height = [0] * len(shown)
        for i, args in enumerate(arguments):
            if args:
                height[i] = 1 + max(height[c] for c, _ in args)
        groups = sorted(members.values(), key=lambda m: (height[m[0]], m[0]))
        split = _split_chains(groups, shown, arguments, chains)
        if not split:
            break
        for key in split:  # its weights, inputs or bias are not one array each: keep it scalar
            del chains[key]
    return _build(root, order, shown, position, groups, chains, arguments)


_SUMS = frozenset({"add", "sum"})


@dataclass(frozen=True, eq=False)
class _Chain:
    """A neuron without ``dot``: a chain of + over products w*x and one leaf, the bias."""

    weights: tuple[Value, ...]
    inputs: tuple[Value, ...]
    bias: Value
    inner: tuple[Value, ...]  # the +'s below the chain's top, and the products


def _chains(order: list[Value], root: Value) -> dict[int, _Chain]:
    """Each chain of + over at least two products w*x and one leaf (the bias), by its top."""
    users: dict[int, int] = {}
    for node in order:
        for child in node.inputs:
            users[id(child)] = users.get(id(child), 0) + 1

    def own(node: Value, ops: Collection[str]) -> bool:  # only the chain reads it
        return (node._op is not None and node._op.name in ops and node is not root
                and users.get(id(node), 0) == 1)

    found: dict[int, _Chain] = {}
    absorbed: set[int] = set()
    for top in reversed(order):
        if id(top) in absorbed or top._op is None or top._op.name not in _SUMS:
            continue
        terms: list[Value] = []
        inner: list[Value] = []
        stack = list(reversed(top.inputs))
        while stack:
            child = stack.pop()
            if own(child, _SUMS):
                inner.append(child)
                stack.extend(reversed(child.inputs))
            else:
                terms.append(child)
        products = [t for t in terms if own(t, ("mul",)) and len(t.inputs) == 2]
        others = [t for t in terms if not any(t is p for p in products)]
        if len(products) < 2 or len(others) != 1 or others[0]._op is not None:
            continue
        pairs = _weights_first(products)
        if pairs is None:
            continue
        found[id(top)] = _Chain(tuple(w for w, _ in pairs), tuple(x for _, x in pairs),
                                others[0], (*inner, *products))
        absorbed.update(map(id, (*inner, *products)))
    return found


def _weights_first(products: list[Value]) -> list[tuple[Value, Value]] | None:
    """Each product as (weight, input): the leaf times a computed value, else the Parameter,
    else as most of the chain's products say, else as written (``wi*xi``). None if a product
    has no leaf: then the chain is no neuron."""
    decided: list[bool | None] = []
    for product in products:
        a, b = product.inputs
        if a.is_leaf != b.is_leaf:
            decided.append(a.is_leaf)
        elif not a.is_leaf:
            return None
        elif isinstance(a, Parameter) != isinstance(b, Parameter):
            decided.append(isinstance(a, Parameter))
        else:
            decided.append(None)
    votes = [d for d in decided if d is not None]
    default = votes.count(True) >= votes.count(False)
    pairs = []
    for product, first in zip(products, decided, strict=True):
        a, b = product.inputs
        pairs.append((a, b) if (default if first is None else first) else (b, a))
    return pairs


def _arguments(node: Value, chains: Mapping[int, _Chain]) -> list[tuple[Value, int]]:
    """What a shown node reads, each with its place: a chain reads W (0), x (1) and b (2)."""
    chain = chains.get(id(node))
    if chain is not None:
        return [*((w, 0) for w in chain.weights), *((x, 1) for x in chain.inputs),
                (chain.bias, 2)]
    return [(child, _place(node, p)) for p, child in enumerate(node.inputs)]


def _split_chains(
    groups: list[list[int]],
    shown: list[Value],
    arguments: list[list[tuple[int, int]]],
    chains: Mapping[int, _Chain],
) -> set[int]:
    """The chains of groups whose weights, inputs or bias are not one leaf array each."""
    group_of = {i: g for g, members in enumerate(groups) for i in members}
    split: set[int] = set()
    for members in groups:
        if id(shown[members[0]]) not in chains:
            continue
        roles = [{group_of[c] for i in members for c, place in arguments[i] if place == where}
                 for where in (0, 1, 2)]
        weights, bias = roles[0], roles[2]
        if (any(len(role) != 1 for role in roles) or weights == roles[1] or bias == roles[1]
                or weights == bias):
            split.update(id(shown[i]) for i in members)
    return split


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


def _colours(
    order: list[Value], arguments: list[list[tuple[int, int]]], chains: Mapping[int, _Chain]
) -> list[int]:
    """Colour refinement over sets of (input colour, place): equal colours, one layer."""
    users: list[set[tuple[int, int]]] = [set() for _ in order]
    for i, args in enumerate(arguments):
        for child, where in args:
            users[child].add((i, where))
    keys: list[object] = [("W·x + b",) if id(node) in chains else
                          _op_key(node) if node._op is not None else None for node in order]
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
    root: Value,
    order: list[Value],
    shown: list[Value],
    position: dict[int, int],
    groups: list[list[int]],
    chains: Mapping[int, _Chain],
    arguments: list[list[tuple[int, int]]],
) -> LayerView:
    group_of = {i: g for g, members in enumerate(groups) for i in members}
    nodes_of = [[shown[i] for i in members] for members in groups]
    # a leaf group's nodes in the order their users first read them
    first_read: dict[int, int] = {}
    for node in order:
        for child in node.inputs:
            first_read.setdefault(id(child), len(first_read))
    for g, members in enumerate(groups):
        if shown[members[0]]._op is None:
            nodes_of[g].sort(key=lambda n: first_read.get(id(n), len(order)))

    def source_groups(g: int, place: int | None = None) -> list[int]:
        found: list[int] = []
        for node in nodes_of[g]:
            for child, where in arguments[position[id(node)]]:
                if place is None or where == place:
                    source = group_of[child]
                    if source not in found:
                        found.append(source)
        return found

    users_of: dict[int, set[int]] = {}
    for g in range(len(groups)):
        for source in source_groups(g):
            users_of.setdefault(source, set()).add(g)

    folded: dict[int, int] = {}  # an affine + group -> its dot group
    for g, nodes in enumerate(nodes_of):
        if id(nodes[0]) in chains:
            continue
        dot = _affine_dot(g, nodes, group_of, position, nodes_of, users_of, root)
        if dot is not None:
            folded[g] = dot
    hidden = set(folded.values())
    chained = {g for g, nodes in enumerate(nodes_of) if id(nodes[0]) in chains}
    role_kind: dict[int, str] = {}  # a chain's weights and bias are parameters, x an input
    for g in chained:
        for place, kind in ((0, "parameter"), (2, "parameter"), (1, "input")):
            (source,) = source_groups(g, place)
            if nodes_of[source][0]._op is None:
                role_kind[source] = kind

    names = _Names(root)
    for g, nodes in enumerate(nodes_of):
        if nodes[0]._op is None and role_kind.get(g, _kind_of_leaves(nodes)) == "constant":
            number = format_number(nodes[0].data)
            names.numbers[number] = names.numbers.get(number, 0) + 1
    shapes: dict[int, tuple[int, ...]] = {}
    layers: dict[int, Layer] = {}
    layer_of: dict[Value, Layer] = {}
    alias: dict[Value, Value] = {}
    reads: dict[Value, tuple[tuple[Value, ...], tuple[Value, ...]]] = {}
    affine_inputs: set[int] = set()
    affine_count = 0
    affine_numbers: dict[int, str] = {}  # an affine layer (by id) and its k in z{k}, h{k}
    for g, nodes in enumerate(nodes_of):
        if g in hidden:
            continue
        node = nodes[0]
        if g in folded or g in chained:
            affine_count += 1
            if g in folded:
                dot = folded[g]
                (weights,), (inputs,) = source_groups(dot, 0), source_groups(dot, 1)
                bias = next(s for s in source_groups(g) if s != dot)
                inner: list[Value] = list(nodes_of[dot])
                for top in nodes:
                    half = len(top.inputs[0].inputs) // 2
                    reads[top] = (top.inputs[0].inputs[:half], top.inputs[0].inputs[half:])
            else:
                (weights,), (inputs,), (bias,) = (source_groups(g, p) for p in (0, 1, 2))
                inner = [n for top in nodes for n in chains[id(top)].inner]
                for top in nodes:
                    reads[top] = (chains[id(top)].weights, chains[id(top)].inputs)
            affine_inputs.add(inputs)
            rows = _weight_rows([reads[top][0] for top in nodes], set(map(id, nodes_of[weights])))
            if rows is not None:
                nodes_of[weights] = [w for row in rows for w in row]
                shapes[weights] = (len(rows), len(rows[0]))
            examples = _examples(nodes, reads, rows)
            copies = _copies(examples, reads) if examples is not None else None
            dense = copies is not None
            if examples is not None and copies is not None:
                alias.update(copies)
                seen = [x for example in examples for x in reads[example[0]][1]]
                if nodes_of[inputs][0]._op is None and (
                        set(map(id, nodes_of[inputs])) - set(map(id, copies))
                        == set(map(id, seen))):
                    nodes_of[inputs] = seen
            for source in (weights, bias, inputs):
                if source in role_kind and layers[source].kind != role_kind[source]:
                    _retype(layers, layer_of, source, role_kind[source])
            w_name = names.leaf(layers[weights], f"W{affine_count}")
            number = w_name[1:] if re.fullmatch(r"W\d+", w_name) else str(affine_count)
            for source, stem in ((inputs, "x"), (bias, f"b{number}")):
                names.leaf(layers[source], stem)
            batch = len(examples) if dense and examples is not None else 1
            layer = Layer(names.take(nodes, f"z{number}"), "op", "W·x + b", (len(nodes),),
                          tuple(nodes), (layers[weights], layers[inputs], layers[bias]),
                          tuple(inner), dense, batch)
            affine_numbers[id(layer)] = number
            for member in inner:
                layer_of[member] = layer
        elif node._op is None:
            layer = Layer("", role_kind.get(g, _kind_of_leaves(nodes)), "", (len(nodes),),
                          tuple(nodes))
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
        # beside a network, an input its layers do not read is a target: y
        stem = "y" if affine_count and layer.kind == "input" and g not in affine_inputs else ""
        shape = shapes.get(g, (len(nodes_of[g]),))
        final[g] = Layer(names.leaf(layer, stem), layer.kind, "", shape, tuple(nodes_of[g]))
    for g, layer in layers.items():
        if not layer.is_leaf:
            read = tuple(final[group_index[id(s)]] for s in layer.inputs)
            final[g] = Layer(layer.name, "op", layer.op, layer.shape, layer.nodes, read,
                             layer.inner, layer.dense, layer.batch)
    ordered = tuple(final[g] for g in sorted(final))
    by_old = {id(layers[g]): final[g] for g in final}
    return LayerView(root, ordered, {node: by_old[id(layer)] for node, layer in layer_of.items()},
                     {node: i for i, node in enumerate(order)}, alias, reads,
                     {name: tuple(given) for name, given in names.labelled.items()
                      if len(given) > 1})


def _retype(layers: dict[int, Layer], layer_of: dict[Value, Layer], g: int, kind: str) -> None:
    """Make leaf layer ``g`` of ``kind``: a chain's plain Values in W's place are weights."""
    layers[g] = replace(layers[g], kind=kind)
    for node in layers[g].nodes:
        layer_of[node] = layers[g]


def _examples(
    tops: list[Value],
    reads: Mapping[Value, tuple[tuple[Value, ...], tuple[Value, ...]]],
    rows: list[list[Value]] | None,
) -> list[list[Value]] | None:
    """An affine layer's nodes by example, each example one node per row of W (in the rows'
    order); None if they do not split so, as a convolution's windows do not."""
    if rows is None:
        return None
    row_of = {id(row[0]): r for r, row in enumerate(rows)}
    examples: list[dict[int, Value]] = []
    current: dict[int, Value] = {}
    for top in tops:
        weights = reads[top][0]
        r = row_of.get(id(weights[0]))
        if r is None or list(map(id, weights)) != list(map(id, rows[r])):
            return None
        if r in current:
            examples.append(current)
            current = {}
        current[r] = top
    examples.append(current)
    if any(len(example) != len(rows) for example in examples):
        return None
    return [[example[r] for r in range(len(rows))] for example in examples]


def _copies(
    examples: list[list[Value]],
    reads: Mapping[Value, tuple[tuple[Value, ...], tuple[Value, ...]]],
) -> dict[Value, Value] | None:
    """Each copy of an input number -> the node x shows, if every row of an example reads one
    x: the same Values, or unlabelled copies of the same numbers (``w*2.0`` makes a 2.0 per
    row); None if not (then the layer is no dense one)."""
    copies: dict[Value, Value] = {}
    earlier: set[int] = set()
    for example in examples:
        first = reads[example[0]][1]
        if any(id(x) in earlier for x in first):
            return None
        for top in example[1:]:
            inputs = reads[top][1]
            if len(inputs) != len(first):
                return None
            for x, kept in zip(inputs, first, strict=True):
                if x is kept:
                    continue
                if not (_is_copy(x) and _is_copy(kept) and x.data == kept.data):
                    return None
                copies[x] = kept
        earlier.update(map(id, first))
    return copies


def _is_copy(node: Value) -> bool:
    """A number Python wrapped for one use: an unlabelled leaf that is no Parameter."""
    return node._op is None and not node.label and not isinstance(node, Parameter)


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


def _weight_rows(
    tuples: Sequence[Sequence[Value]], weights: set[int]
) -> list[list[Value]] | None:
    """The weight matrix's rows: the longest weight tuples read, if they partition the weights."""
    width = max(len(t) for t in tuples)
    rows: list[Sequence[Value]] = []
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
        self.labelled: dict[str, list[str]] = {}  # a label -> the layers' names it gave

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
        if labelled:
            self.labelled.setdefault(labelled, []).append(name)
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
