"""Rolling: a traced graph run as the lecture's matrix form, one NumPy line per group of like nodes.

``autograd.graph.groups`` finds the groups (a layer's weights W1, its sums z1, its outputs h1);
here each group becomes one array and each line of the generated function computes one group
over a whole batch: ``dot`` groups whose weights form a matrix become one matrix product
(``x @ W1.T``), the others a product over gathered windows (``np.einsum``); ``sum`` and ``max``
groups reduce gathered arrays; every other op is its NumPy expression from ``op_code`` on whole
arrays. Backward runs group by group from the output: each edge's transpose carries the
gradient back (the transposed product for a matrix, a scatter-add for a gather).

Arrays hold the batch on the first axis and the group's nodes on the last: a batched group is
(n, size), a group that depends on no batched argument (a layer's weights) is (size,) and its
gradient is summed over the batch. Values and gradients are the eager engine's to 1e-12
relative: the ops are the same formulas; what differs is the order of additions inside a
``sum`` or ``dot`` node and where a gradient sums over several uses (a matrix product and a
scatter-add add in another order than the engine's node-by-node loop, and a micrograd-style
chain of + over products, ``fusing``'s, becomes one product), each a rounding of 1e-16 of the
terms' size: where the terms nearly cancel, the agreement is 1e-12 of the terms' size.

Parameters the graph reads are read at each call (``p.data``), constants are in the program.
A graph with about as many groups as nodes is not rolled (``NotWorthRolling``): the
node-by-node program (``codegen``) is as short.
"""

from __future__ import annotations

import builtins
import keyword
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..graph.groups import (
    GroupEdge,
    NodeGroup,
    group_like_nodes,
    is_identity,
    renamed,
    structure_count,
)
from ..value import Parameter
from .array_runtime import Scatter, concatenate, picker, with_zero
from .fusing import DOT_OP, fuse_sums_of_products
from .op_code import code_for, fill, fill_derivative, number, numpy_rules, numpy_template
from .tracing import Trace

__all__ = ["NotWorthRolling", "RolledProgram", "call_rolled", "roll"]

_RESERVED = frozenset({"np", "math", "l"}) | frozenset(keyword.kwlist) | frozenset(dir(builtins))


# a local derivative that is 1 where a condition holds and 0 elsewhere (relu's, say)
_STEP = re.compile(r"np\.where\(([\w.]+ [<>]=? 0), 1\.0, 0\.0\)")
_FEWEST_WORTH_ROLLING = 256  # groups that are always rolled, however few nodes share them


class NotWorthRolling(ValueError):
    """A graph with hardly any repeated structure: as many groups as nodes, about."""


@dataclass(frozen=True)
class RolledProgram:
    """The rolled function ``run(*arguments) -> (value, gradients)`` and its source."""

    source: str
    run: Callable[..., Any]
    groups: tuple[NodeGroup, ...]
    batched: tuple[bool, ...]  # which arguments are batches
    packed: bool = False  # run(shared, batched) on two arrays, the extras' values returned

    @property
    def shared_first(self) -> bool:
        """True if the shared arguments all come before the batched ones."""
        count = self.batched.count(False)
        return not any(self.batched[:count])


def roll(
    graph: Trace,
    input_names: Sequence[str],
    batched: Sequence[bool],
    numpy: Any,
    gradients: bool = True,
    title: str = "f",
    parameters: bool = False,
    packed: bool = False,
    names: Mapping[int, str] | None = None,
) -> RolledProgram:
    """The rolled program of ``graph`` for arguments batched as ``batched`` says.

    ``run(*arguments)`` returns the value and the gradients with respect to the arguments
    (without ``gradients``, an empty tuple); with ``parameters`` also, third, the gradients of
    the Parameters the graph reads, one array per group of them, summed over the batch.
    ``input_names`` name the arguments in the docstring. Raises ``UnsupportedOp`` (from
    ``op_code``) for an op without code.

    ``packed`` takes the arguments as two arrays, ``run(shared, batch)``: the shared ones in
    argument order (m,), the batched ones (n, b), one example per row in argument order; it
    returns ``(value (n,), ∂value/∂shared summed over the batch (m,), extras (n, e))``, the
    extras being the values of ``graph.extras``, and no gradients for the batched arguments
    (a ValueError if a group of inputs mixes shared and batched ones, or an extra is no node
    of a group).

    ``names`` (by node ``id``) renames the groups that are one of them (``groups.renamed``):
    the layer view's W1, b1, z1, h1, for a program people read.
    """
    order = list(graph.order)
    if structure_count(order) > max(_FEWEST_WORTH_ROLLING, len(order) // 4):
        raise NotWorthRolling(
            f"compile: {title}'s {len(order):,} nodes are nearly all unlike: nothing to roll"
        )
    groups, fused = fuse_sums_of_products(group_like_nodes(order, graph.inputs))
    if names:
        before = [group.name for group in groups]
        groups = renamed(groups, names)
        fused = {after.name: fused[name] for name, after in zip(before, groups, strict=True)
                 if name in fused}
    if len(groups) > max(_FEWEST_WORTH_ROLLING, len(graph.order) // 2):
        raise NotWorthRolling(
            f"compile: {title}'s {len(graph.order):,} nodes form {len(groups):,} groups: "
            f"nothing to roll, the node-by-node program is as short"
        )
    writer = _Writer(graph, groups, list(batched), numpy, gradients, parameters, fused, packed)
    body = writer.write(title, list(input_names))
    namespace: dict[str, Any] = {"np": numpy, "math": math, **writer.constants}
    filename = f"<autograd.compile {title} rolled>"
    builtins.exec(builtins.compile(body, filename, "exec"), namespace)
    return RolledProgram(body, namespace["rolled"], tuple(groups), tuple(batched), packed)


def _quiet(text: str) -> str:
    """``text`` safe in a comment: every character that could end a line escaped, and every
    other unprintable one (a NUL byte cannot be in source code at all)."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def _in_docstring(text: str) -> str:
    """``text`` safe inside a triple-quoted docstring: quotes and backslashes escaped too."""
    return "".join("\\" + ch if ch in '"\\' else ch for ch in _quiet(text))


def _shape(shape: tuple[int, ...]) -> str:
    return f"({shape[0]},)" if len(shape) == 1 else "(" + ",".join(map(str, shape)) + ")"


def _is_progression(index: Sequence[int]) -> bool:
    if len(index) < 2:
        return len(index) == 1
    step = index[1] - index[0]
    return step > 0 and all(index[k + 1] - index[k] == step for k in range(len(index) - 1))


class _Writer:
    """Writes the rolled function of one graph, group by group."""

    def __init__(
        self,
        graph: Trace,
        groups: list[NodeGroup],
        batched: list[bool],
        np: Any,
        gradients: bool,
        parameters: bool,
        fused: dict[str, int] | None = None,
        packed: bool = False,
    ) -> None:
        self.graph = graph
        self.packed = packed
        self.groups = groups
        self.np = np
        self.gradients = gradients
        self.ones = ""  # the root's gradient, when it is an array of ones
        self.fused = fused or {}  # dot groups made of a chain of + over products: their width
        self.parameters = parameters and gradients
        self.batched_arguments = batched
        self.by_name = {group.name: group for group in groups}
        self.constants: dict[str, Any] = {}
        self.code: dict[str, str] = {}
        taken: set[str] = set()
        root = graph.output
        for group in groups:
            name = group.name
            if group.nodes[0] is root and not root.label:
                name = "l"
            elif (name in _RESERVED or name.startswith(("_", "g_")) or not name.isascii()
                  or not name.isidentifier()):
                name = f"v_{name}"
            while name in taken:
                name += "_"
            taken.add(name)
            self.code[group.name] = name
        self.argument_of = {id(node): k for k, node in enumerate(graph.inputs)}
        # which groups depend on a batched argument, which on any argument at all
        self.batched: dict[str, bool] = {}
        self.depends: dict[str, bool] = {}
        for group in groups:
            if group.kind == "input":
                self.batched[group.name] = any(
                    batched[self.argument_of[id(node)]] for node in group.nodes
                )
                # packed: no gradients for the batched arguments
                self.depends[group.name] = not (packed and self.batched[group.name])
            elif group.kind != "op":
                self.batched[group.name] = False
                self.depends[group.name] = self.parameters and group.kind == "parameter"
            else:
                self.batched[group.name] = any(self.batched[e.source] for e in group.inputs)
                self.depends[group.name] = any(self.depends[e.source] for e in group.inputs)
        self.users: dict[str, list[tuple[NodeGroup, GroupEdge]]] = {g.name: [] for g in groups}
        for group in groups:
            for edge in group.inputs:
                self.users[edge.source].append((group, edge))
        self.math: dict[str, str] = {g.name: self.code[g.name] for g in groups}
        self.shape_math: dict[str, str] = {g.name: _shape(g.shape) for g in groups}
        self.inlined: set[str] = set()
        self.forward: list[tuple[str, str]] = []
        self.backward: list[tuple[str, str]] = []
        self.operands: dict[tuple[str, int], str] = {}
        # scattered terms that could be added in place instead: term -> (index, unscattered)
        self.places: dict[str, tuple[str, str]] = {}
        self.winners: set[str] = set()  # max groups whose winners' gradient is computed

    # ---- small helpers ----------------------------------------------------------------

    def constant(self, stem: str, value: Any) -> str:
        name = f"_{stem}{len(self.constants)}"
        self.constants[name] = value
        return name

    def take(self, edge: GroupEdge, size: int) -> str:
        """The expression of ``edge``'s source gathered by its index map, (..., size[, width])."""
        source = self.by_name[edge.source]
        name = self.code[edge.source]
        index = edge.index
        if edge.width == 1:
            if is_identity(index, source.size):
                return name
            if _is_progression(index):
                step = index[1] - index[0] if len(index) > 1 else 1
                stop = index[-1] + 1
                return f"{name}[..., {index[0]}:{stop}{f':{step}' if step > 1 else ''}]"
            array = self.np.array(index, dtype=self.np.intp)
        else:
            array = self.np.array(index, dtype=self.np.intp).reshape(size, edge.width)
        return f"{name}[..., {self.constant('i', array)}]"

    def scatter(self, expression: str, edge: GroupEdge, size: int) -> str:
        """The transpose of ``take``: ``expression`` (shaped as the gather) into the source."""
        source = self.by_name[edge.source]
        if edge.width == 1 and is_identity(edge.index, source.size):
            return expression
        if source.size == 1:
            return f"({expression}).sum(axis=-1, keepdims=True)"
        array = self.np.array(edge.index, dtype=self.np.intp)
        scatter = Scatter(self.np, array, source.size)
        helper = self.constant("scatter", scatter)
        if scatter.injective:  # where an accumulator can take it in place: g[..., place] += t
            self.places[f"{helper}({expression})"] = (self._pick_slots(list(edge.index)),
                                                      expression)
        return f"{helper}({expression})"

    # ---- the function -------------------------------------------------------------------

    def write(self, title: str, input_names: list[str]) -> str:
        self.inputs_prologue()
        for group in self.groups:
            if group.kind == "input":
                continue
            if group.kind in ("parameter", "constant"):
                self.leaf_line(group)
            else:
                self.op_line(group)
        if self.gradients:
            self.backward_lines()
        return self.assemble(title, input_names)

    def inputs_prologue(self) -> None:
        used = [g for g in self.groups if g.kind == "input"]
        # the arguments in the order of the groups, so that each group is a slice of them
        shared = self._grouped_order(used, batched=False)
        batched = self._grouped_order(used, batched=True)
        self.shared_order = shared
        shared_at = {k: i for i, k in enumerate(shared)}
        batched_at = {k: i for i, k in enumerate(batched)}
        if self.packed:
            self.packed_prologue(used, shared, batched)
        elif any(not self.batched[g.name] or not all(
                self.batched_arguments[self.argument_of[id(n)]] for n in g.nodes) for g in used):
            shared_picker = self.constant("shared", picker(shared))
            self.forward.append((f"_s = np.fromiter({shared_picker}(_args), float, {len(shared)})",
                                 "the arguments shared by the batch"))
        if self.packed:
            pass
        elif batched:
            batched_picker = self.constant("batched", picker(batched))
            self.forward.append((f"_b = np.stack({batched_picker}(_args), axis=1)",
                                 "the batched arguments, one row per example"))
            self.forward.append(("_n = len(_b)", "the number of examples"))
        else:
            self.forward.append(("_n = 1", "no batched argument"))
        for group in used:
            positions = [self.argument_of[id(node)] for node in group.nodes]
            name = self.code[group.name]
            labels = ", ".join(_quiet(node.label) or "?" for node in group.nodes[:3])
            if len(group.nodes) > 3:
                labels += ", ..."
            comment = f"{name}: the inputs {labels}    {_shape(group.shape)}"
            if all(not self.batched_arguments[k] for k in positions):
                expression = self._pick("_s", [shared_at[k] for k in positions], len(shared))
            elif all(self.batched_arguments[k] for k in positions):
                expression = self._pick("_b", [batched_at[k] for k in positions], len(batched))
            else:
                slots = self.constant("i", self.np.array(positions, dtype=self.np.intp))
                expression = (f"np.stack(np.broadcast_arrays(*[_args[k] for k in {slots}]), "
                              f"axis=-1).astype(float)")
            self.forward.append((f"{name} = {expression}", comment))

    def packed_prologue(self, used: list[NodeGroup], shared: list[int],
                        batched: list[int]) -> None:
        """``_s`` and ``_b`` given in argument order, put in the order of the groups."""
        for group in used:
            kinds = {self.batched_arguments[self.argument_of[id(n)]] for n in group.nodes}
            if len(kinds) > 1:
                raise ValueError(f"compile: the inputs {group.name} mix shared and batched "
                                 f"arguments: they cannot be packed into two arrays")
        for array, order, axis in (("_s", shared, "..."), ("_b", batched, ":")):
            rank = {k: i for i, k in enumerate(sorted(order))}
            places = [rank[k] for k in order]
            if places != list(range(len(order))):
                index = self.constant("i", self.np.array(places, dtype=self.np.intp))
                self.forward.append((f"{array} = {array}[{axis}, {index}]",
                                     f"{array} in the order of the groups"))
        self.forward.append(("_n = len(_b)", "the number of examples"))

    def _grouped_order(self, used: list[NodeGroup], batched: bool) -> list[int]:
        """The shared (or batched) arguments' positions, each group of only them together."""
        order: list[int] = []
        for group in used:
            positions = [self.argument_of[id(node)] for node in group.nodes]
            if all(self.batched_arguments[k] == batched for k in positions):
                order.extend(positions)
        taken = set(order)
        order.extend(k for k, b in enumerate(self.batched_arguments)
                     if b == batched and k not in taken)
        return order

    def _pick_slots(self, slots: list[int]) -> str:
        """An index for ``slots``: a slice where they are evenly spaced, else an index array."""
        if _is_progression(slots):
            step = slots[1] - slots[0] if len(slots) > 1 else 1
            return f"{slots[0]}:{slots[-1] + 1}{f':{step}' if step > 1 else ''}"
        return self.constant("i", self.np.array(slots, dtype=self.np.intp))

    def _pick(self, array: str, slots: list[int], size: int) -> str:
        if slots == list(range(size)):
            return array
        if _is_progression(slots) and (len(slots) == 1 or slots[1] - slots[0] == 1):
            return f"{array}[..., {slots[0]}:{slots[-1] + 1}]"
        index = self.constant("i", self.np.array(slots, dtype=self.np.intp))
        return f"{array}[..., {index}]"

    def leaf_line(self, group: NodeGroup) -> None:
        name = self.code[group.name]
        shape = _shape(group.shape)
        if group.kind == "parameter" and all(isinstance(n, Parameter) for n in group.nodes):
            nodes = self.constant("nodes", group.nodes)
            self.forward.append(
                (f"{name} = np.array([p.data for p in {nodes}])",
                 f"{name}: Parameters, read at each call    {shape}")
            )
            return
        values = self.np.array([float(n.data) for n in group.nodes])
        if group.size == 1:
            literal = number(float(values[0])).replace("math.", "np.")
            array = self.constant("values", values)  # made once, not at each call
            self.forward.append((f"{name} = {array}", f"{name}: the constant {_quiet(literal)}"))
            return
        array = self.constant("values", values)
        self.forward.append((f"{name} = {array}", f"{name}: constants    {shape}"))

    def op_line(self, group: NodeGroup) -> None:
        node = group.nodes[0]
        assert node._op is not None
        op = node._op
        name = self.code[group.name]
        shape = _shape(group.shape)
        kind = op.name if op.name in ("sum", "dot", "max") else "elementwise"
        if group.name in self.fused:
            kind = "dot"
        if kind == "dot":
            self.dot_line(group)
            return
        if kind in ("sum", "max"):
            gathered = self.gathered(group, 0, list(group.inputs))
            reduce = "sum" if kind == "sum" else "max"
            sources = " ".join(sorted({self.math[e.source] for e in group.inputs}))
            self.forward.append((f"{name} = {gathered}.{reduce}(axis=-1)",
                                 f"{name} = {reduce} over windows of {sources}    {shape}"))
            return
        code = code_for(op)
        arity = len(node.inputs)
        operands: list[str] = []
        shapes: list[str] = []
        maths: list[str] = []
        edges = {e.arguments[0]: e for e in group.inputs}
        full = any(
            self.by_name[edges[p].source].size == group.size for p in range(arity)
        )
        for p in range(arity):
            edge = edges[p]
            source = self.by_name[edge.source]
            if source.size == 1 and group.size > 1 and full:
                expression = self.code[edge.source]
            else:
                expression = self.take(edge, group.size)
            if not expression.isidentifier():
                temporary = f"_{name}_{p}"
                self.forward.append((f"{temporary} = {expression}", ""))
                expression = temporary
            operands.append(expression)
            self.operands[(group.name, p)] = expression
            shapes.append(self.shape_math[edge.source])
            maths.append(self.math[edge.source])
        template = code.numpy_value or numpy_template(code.value)
        expression = fill(template, operands, name, op)
        in_math = fill(code.math, maths, name, op)
        shapes_text = fill(code.math, shapes, shape, op) if arity == 2 else shapes[0]
        self.forward.append((f"{name} = {expression}",
                             f"{name} = {in_math}    {shape} = {shapes_text}"))

    def gathered(self, group: NodeGroup, place: int, edges: list[GroupEdge]) -> str:
        """The arguments of ``place`` as one (..., size, width) array, in argument order."""
        mine = [e for e in edges if e.position == place]
        if len(mine) == 1 and mine[0].arguments == tuple(sorted(mine[0].arguments)):
            expression = self.take_wide(mine[0], group.size)
        else:
            parts = [self.take_wide(e, group.size) for e in mine]
            columns = [a for e in mine for a in e.arguments]
            order = sorted(range(len(columns)), key=columns.__getitem__)
            perm = self.constant("i", self.np.array(order, dtype=self.np.intp))
            joined = self.constant("concatenate", concatenate)
            expression = f"{joined}(np, {', '.join(parts)})[..., {perm}]"
        temporary = f"_{self.code[group.name]}_{place}"
        self.forward.append((f"{temporary} = {expression}", ""))
        self.operands[(group.name, place)] = temporary
        return temporary

    def take_wide(self, edge: GroupEdge, size: int) -> str:
        """``take`` with the width axis kept, also for an edge one argument wide; a padded
        edge reads its source with a 0 after it."""
        array = self.np.array(edge.index, dtype=self.np.intp).reshape(size, edge.width)
        source = self.code[edge.source]
        if edge.padded:
            source = f"{self.constant('with_zero', with_zero)}(np, {source})"
        return f"{source}[..., {self.constant('i', array)}]"

    def matmul_edges(self, group: NodeGroup) -> tuple[GroupEdge, GroupEdge] | None:
        """The dot group's (weights, inputs) edges when it is one matrix product."""
        weights = [e for e in group.inputs if e.position == 0]
        inputs = [e for e in group.inputs if e.position == 1]
        if len(weights) != 1 or len(inputs) != 1:
            return None
        w, x = weights[0], inputs[0]
        source = self.by_name[w.source]
        if (
            w.kind != "matmul"
            or x.kind != "matmul"
            or source.size != group.size * w.width
            or self.batched[w.source]
        ):
            return None
        return w, x

    def dot_line(self, group: NodeGroup) -> None:
        name = self.code[group.name]
        shape = _shape(group.shape)
        pair = self.matmul_edges(group)
        if pair is not None:
            w, x = pair
            row = x.index[: x.width]
            source = self.by_name[x.source]
            if is_identity(row, source.size):
                vector = self.code[x.source]
            else:
                vector = f"_{name}_x"
                picked = self.take(GroupEdge(x.source, 1, "gather", (0,), row), x.width)
                self.forward.append((f"{vector} = {picked}", ""))
            self.operands[(group.name, 1)] = vector
            matrix = f"{self.code[w.source]}.reshape({group.size}, {w.width})"
            self.operands[(group.name, 0)] = matrix
            self.forward.append((
                f"{name} = {vector} @ {matrix}.T",
                f"{name} = {self.math[w.source]}·{self.math[x.source]}    {shape} = "
                f"{_shape((group.size, w.width))}·({x.width},)",
            ))
            if group.name != group.nodes[0].label and len(self.users[group.name]) == 1:
                self.math[group.name] = f"{self.math[w.source]}·{self.math[x.source]}"
                self.shape_math[group.name] = f"{_shape((group.size, w.width))}·({x.width},)"
                self.inlined.add(group.name)
            return
        weights = self.gathered(group, 0, list(group.inputs))
        inputs = self.gathered(group, 1, list(group.inputs))
        sources = [sorted({self.math[e.source] for e in group.inputs if e.position == p})
                   for p in (0, 1)]
        self.forward.append((
            f"{name} = np.einsum('...kw,...kw->...k', {weights}, {inputs})",
            f"{name} = {','.join(sources[0])}·{','.join(sources[1])} "
            f"over gathered windows    {shape}",
        ))

    # ---- backward -----------------------------------------------------------------------

    def backward_lines(self) -> None:
        groups = self.groups
        root = groups[-1]
        needed: set[str] = set()
        if self.depends[root.name]:
            needed.add(root.name)
        for group in reversed(groups):
            if group.name in needed:
                needed.update(e.source for e in group.inputs if self.depends[e.source])
        self.needed = needed
        self.gradient: dict[str, str] = {}
        self.gradient_math: dict[str, str] = {}
        top = self.code[root.name]
        if root.name not in needed:
            return
        if self.batched[root.name]:
            self.backward.append((f"g_{top} = np.ones_like({top})", f"∂{top}/∂{top} = 1"))
            self.ones = f"g_{top}"
        else:
            self.backward.append((f"g_{top} = np.full(1, float(_n))",
                                  f"∂{top}/∂{top} = 1, for each of the n examples"))
        self.gradient[root.name] = f"g_{top}"
        self.gradient_math[root.name] = f"∂{top}/∂{top}"
        for group in reversed(groups[:-1]):
            if group.name in needed:
                self.gradient_line(group, top)

    def gradient_line(self, group: NodeGroup, top: str) -> None:
        terms: list[str] = []
        maths: list[str] = []
        alias = None
        for user, edge in self.users[group.name]:
            if user.name not in self.needed:
                continue
            term, shown, plain = self.contribution(user, edge, group)
            terms.append(term)
            maths.append(shown)
            alias = plain
        name = self.code[group.name]
        if len(terms) == 1 and alias is not None and group.name in self.inlined:
            self.gradient[group.name] = alias
            self.gradient_math[group.name] = maths[0]
            return
        self.gradient[group.name] = f"g_{name}"
        self.gradient_math[group.name] = f"∂{top}/∂{name}"
        comment = f"∂{top}/∂{name} = {' + '.join(maths)}    {_shape(group.shape)}"
        in_place = [t for t in terms if t in self.places]
        if len(terms) == 1 or len(in_place) < 2:
            self.backward.append((f"g_{name} = {' + '.join(terms)}", comment))
            return
        # many slices of one gradient: add each into one array instead of summing whole arrays
        shape = f"(_n, {group.size})" if self.batched[group.name] else f"({group.size},)"
        self.backward.append((f"g_{name} = np.zeros({shape})", comment))
        for term in terms:
            if term in self.places:
                index, raw = self.places[term]
                self.backward.append((f"g_{name}[..., {index}] += {raw}", ""))
            else:
                self.backward.append((f"g_{name} += {term}", ""))

    def contribution(
        self, user: NodeGroup, edge: GroupEdge, source: NodeGroup
    ) -> tuple[str, str, str | None]:
        """The user's gradient carried back through ``edge``: (code, math, alias if plain)."""
        node = user.nodes[0]
        assert node._op is not None
        op = node._op
        if user.name in self.fused:
            op = DOT_OP
        upstream = self.gradient[user.name]
        upstream_math = self.gradient_math[user.name]
        batch_sum = self.batched[user.name] and not self.batched[source.name]
        if op.name == "dot":
            pair = self.matmul_edges(user)
            if pair is not None:
                w, x = pair
                vector = self.operands[(user.name, 1)]
                matrix = self.operands[(user.name, 0)]
                if edge is w:
                    if self.batched[user.name]:
                        code = f"({upstream}.T @ {vector}).reshape(-1)"
                    else:
                        code = f"np.outer({upstream}, {vector}).reshape(-1)"
                    return code, f"{upstream_math} · {self.math[x.source]}ᵀ", None
                back = f"{upstream} @ {matrix}"
                if batch_sum:
                    back = f"({back}).sum(axis=0)"
                row = x.index[: x.width]
                picked = GroupEdge(x.source, 1, "gather", (0,), row)
                code = self.scatter(back, picked, x.width)
                return code, f"{self.math[w.source]}ᵀ · {upstream_math}", None
            half = self.fused.get(user.name) or builtins.sum(
                e.width for e in user.inputs if e.position == 0)  # padded rows: the widest
            columns = [a - half * edge.position for a in edge.arguments]
            partner = self.operands[(user.name, 1 - edge.position)]
            if columns != list(range(half)):
                picks = self.constant("i", self.np.array(columns, dtype=self.np.intp))
                partner = f"{partner}[..., {picks}]"
            others = sorted({self.math[e.source] for e in user.inputs
                             if e.position != edge.position})
            shown = f"{upstream_math} ⊙ {','.join(others)}"
            if batch_sum and all(self.batched[e.source] for e in user.inputs
                                 if e.position != edge.position):
                # summed over the batch as one product, not an (n, size, width) array first
                summed = f"np.einsum('nk,nkw->kw', {upstream}, {partner})"
                return self.through(summed, edge, user, False), shown, None
            local = f"{upstream}[..., None] * {partner}"
            return self.through(local, edge, user, batch_sum), shown, None
        if op.name == "sum":
            local = f"np.repeat({upstream}[..., None], {edge.width}, axis=-1)"
            return self.through(local, edge, user, batch_sum), upstream_math, None
        if op.name == "max":
            gathered = self.operands[(user.name, 0)]
            columns = self.np.array(edge.arguments, dtype=self.np.intp)
            arity = len(node.inputs)
            won = f"_{self.code[user.name]}_won"  # the upstream gradient at each window's winner
            if won not in self.winners:
                self.winners.add(won)
                self.backward.append((
                    f"{won} = {upstream}[..., None] * "
                    f"(np.arange({arity}) == {gathered}.argmax(axis=-1)[..., None])",
                    f"{upstream_math} where the first largest of each window is",
                ))
            local = won
            if columns.tolist() != list(range(arity)):
                local = f"{won}[..., {self.constant('i', columns)}]"
            return self.through(local, edge, user, batch_sum), \
                f"{upstream_math}·[the first largest]", None
        entry = code_for(op)
        position = edge.arguments[0]
        arity = len(node.inputs)
        operands = [self.operands[(user.name, p)] for p in range(arity)]
        rules = entry.numpy_derivatives or numpy_rules(entry.derivatives)
        local = fill_derivative(rules, position, operands, self.code[user.name], op)
        maths = [self.math[e.source] for e in sorted(user.inputs, key=lambda e: e.arguments)]
        local_math = fill_derivative(
            entry.math_derivatives, position, maths, self.code[user.name], op
        )
        compound = any(sign in local_math for sign in (" + ", " − ", "/", " ")) or \
            local_math.startswith("−")
        if local_math == "1":
            shown = upstream_math
        elif local_math == "−1":
            shown = f"−{upstream_math}"
        else:
            shown = f"{upstream_math} ⊙ {f'({local_math})' if compound else local_math}"
        if local == "1.0":
            term = upstream
        elif local == "-1.0":
            term = f"(-{upstream})"
        elif step := _STEP.fullmatch(local):  # g·[condition]: the gradient where it holds
            ones = upstream == self.ones and arity == 1  # ∂l/∂l = 1 on the root's own shape
            term = f"np.where({step.group(1)}, {'1.0' if ones else upstream}, 0.0)"
        else:
            term = f"{upstream} * ({local})"
        plain = term if (local == "1.0" and not batch_sum and edge.width == 1
                         and is_identity(edge.index, source.size)) else None
        full = self.by_name[user.name].size
        if batch_sum:
            term = f"({term}).sum(axis=0)"
            shown = f"Σₙ {shown}"
        return self.scatter(term, edge, full), shown, plain

    def through(self, local: str, edge: GroupEdge, user: NodeGroup, batch_sum: bool) -> str:
        """A (..., size, width) gradient of the gathered arguments, back into the source."""
        if batch_sum:
            local = f"({local}).sum(axis=0)"
        array = self.np.array(edge.index, dtype=self.np.intp).reshape(user.size, edge.width)
        source = self.by_name[edge.source]
        if edge.padded:  # the padding's 0 at len(source) gets a gradient too: dropped
            helper = self.constant("scatter", Scatter(self.np, array, source.size + 1))
            return f"{helper}({local})[..., :{source.size}]"
        helper = self.constant("scatter", Scatter(self.np, array, source.size))
        return f"{helper}({local})"

    # ---- assembling ---------------------------------------------------------------------

    def assemble(self, title: str, input_names: list[str]) -> str:
        root = self.groups[-1]
        top = self.code[root.name]
        value = f"{top}[..., 0]"
        shared = self.shared_order
        per_example: dict[int, str] = {}
        blocks: list[str] = []  # the shared arguments' gradients, in the order of ``shared``
        rest: dict[int, str] = {}
        for group in self.groups if self.gradients else []:
            if group.kind != "input":
                continue
            positions = [self.argument_of[id(node)] for node in group.nodes]
            needed = group.name in self.needed
            gradient = self.gradient.get(group.name, "")
            if not any(self.batched_arguments[k] for k in positions):
                blocks.append(gradient if needed else f"np.zeros({group.size})")
                continue
            for slot, k in enumerate(positions):
                if self.batched_arguments[k]:
                    if needed:
                        per_example[k] = f"{gradient}[:, {slot}]"
                elif needed:
                    rest[k] = f"{gradient}[:, {slot}].sum()"
        pure = [g for g in self.groups if g.kind == "input" and not any(
            self.batched_arguments[self.argument_of[id(n)]] for n in g.nodes)]
        tail = shared[sum(g.size for g in pure):]
        if tail:
            blocks.append(f"np.array([{', '.join(rest.get(k, '0.0') for k in tail)}])")
        gathered: list[tuple[str, str]] = []
        if self.gradients and shared:
            joined = blocks[0] if len(blocks) == 1 else f"np.concatenate([{', '.join(blocks)}])"
            comment = "the shared arguments' gradients, summed over the batch"
            if shared != sorted(shared):
                back = self.np.argsort(self.np.array(shared, dtype=self.np.intp))
                joined = f"{joined}[{self.constant('i', back)}]"
                comment += ", in argument order"
            gathered.append((f"_gs = {joined}", comment))
        self.backward.extend(gathered)
        batched_gradients = [] if self.packed else [
            per_example.get(k, "np.zeros(_n)")
            for k, b in enumerate(self.batched_arguments) if b
        ]
        width = min(60, max((len(code) for code, _ in self.forward + self.backward), default=0))

        def lines(pairs: list[tuple[str, str]]) -> list[str]:
            out = []
            for code, comment in pairs:
                comment = _quiet(comment)
                out.append(f"    {code.ljust(width)}  # {comment}" if comment else f"    {code}")
            return out

        arguments = _in_docstring(", ".join(input_names))
        text = [
            "def rolled(_s, _b):" if self.packed else "def rolled(*_args):",
            f'    """{_in_docstring(title)}({arguments}) as arrays: one line per group of like'
            f' nodes; examples on axis 0."""',
            "    # forward: one array per group",
            *lines(self.forward),
        ]
        if self.gradients:
            text.append(f"    # backward: ∂{top}/∂group from {top} back to the inputs,"
                        f" one line per group")
            text.extend(lines(self.backward))
        grads = f"{'_gs' if shared else 'np.zeros(0)'}, [{', '.join(batched_gradients)}]" \
            if self.gradients else "None, []"
        if self.packed:
            shared_gradients = "_gs" if self.gradients and shared else "None"
            text.append(f"    return {value}, {shared_gradients}, {self.extras()}")
        elif self.parameters:
            weights = [
                f"{self.gradient[g.name]}" for g in self.groups
                if g.kind == "parameter" and g.name in self.needed
            ]
            listed = ", ".join(weights) + ("," if len(weights) == 1 else "")
            text.append(f"    return {value}, {grads}, ({listed})")
        else:
            text.append(f"    return {value}, {grads}")
        return "\n".join(text) + "\n"

    def extras(self) -> str:
        """The expression of the extras' values, (n, e): one slice of a group where it can."""
        place = {id(node): (group, k) for group in self.groups
                 for k, node in enumerate(group.nodes)}
        missing = [node for node in self.graph.extras if id(node) not in place]
        if missing:
            raise ValueError(f"compile: the extra {missing[0]!r} is no node of a group")
        found = [place[id(node)] for node in self.graph.extras]
        if not found:
            return "np.zeros((_n, 0))"
        group = found[0][0]
        columns = [k for _, k in found]
        if all(g is group for g, _ in found) and self.batched[group.name]:
            return self._pick(self.code[group.name], columns, group.size)
        parts = ", ".join(f"np.broadcast_to({self.code[g.name]}[..., {k}], (_n,))"
                          for g, k in found)
        return f"np.stack([{parts}], axis=1)"


def call_rolled(
    program: RolledProgram, arguments: list[Any], n: int, np: Any
) -> tuple[Any, tuple[Any, ...]] | None:
    """``program`` on ``arguments`` (floats and length-n arrays): (values, gradients), or None.

    None when the arrays meet an error (overflow, division by zero, a value outside an op's
    domain) or a NaN or infinity anywhere: the caller then computes the batch point by point, as
    the engine would. Every line's inputs are finite when the arguments and parameters are, and
    NumPy raises on the first line whose result would not be (errors on, underflow to 0 allowed
    as in floats), so a finite result means every group's values were finite.
    """
    count = program.batched.count(False)
    in_order = program.shared_first
    shared = arguments[:count] if in_order else [a for a in arguments if type(a) is float]
    batched = arguments[count:] if in_order else [a for a in arguments if type(a) is not float]
    if not math.isfinite(builtins.sum(shared)) or not all(
        bool(np.isfinite(a).all()) for a in batched
    ):
        return None
    try:
        with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
            value, shared_gradients, per_example = program.run(*arguments)[:3]
    except (ArithmeticError, ValueError):
        return None
    values = np.array(np.broadcast_to(value, (n,)), dtype=float)
    if not bool(np.isfinite(values).all()):
        return None
    if shared_gradients is None:
        return values, ()
    if not bool(np.isfinite(shared_gradients).all()) or not all(
        bool(np.isfinite(g).all()) for g in per_example
    ):
        return None
    floats = shared_gradients.tolist()
    arrays = [g if g.shape == (n,) else np.array(np.broadcast_to(g, (n,))) for g in per_example]
    if in_order:
        return values, (*floats, *arrays)
    shared_first, batched_first = iter(floats), iter(arrays)
    return values, tuple(
        next(shared_first) if type(a) is float else next(batched_first) for a in arguments
    )
