"""Groups of like nodes: an MLP's layers (W1, b1, z1, h1), micrograd-style code, ConvNet windows."""

from __future__ import annotations

import random

from hypothesis import given, settings

import autograd
import nn
from autograd import Parameter, Value
from autograd.backprop import topological_order
from autograd.graph.groups import GroupEdge, NodeGroup, group_like_nodes

from .test_compile_properties import Program, programs


def _groups(root: Value, inputs: list[Value]) -> dict[str, NodeGroup]:
    groups = group_like_nodes(topological_order(root), inputs)
    return {group.name: group for group in groups}


def _mlp_loss(widths: list[int]) -> tuple[Value, list[Value]]:
    model = nn.MLP(2, widths, activation="relu", seed=0)
    x = [Value(0.5, label="x1"), Value(-0.3, label="x2")]
    return (model(x) - 1.0) ** 2, x


def _check_edges(groups: list[NodeGroup], order: list[Value]) -> None:
    """Every node in one group; each edge's index map gives each node's inputs; topological."""
    seen = [node for group in groups for node in group.nodes]
    assert sorted(map(id, seen)) == sorted(map(id, order))
    by_name = {group.name: group for group in groups}
    assert len(by_name) == len(groups)
    earlier: set[str] = set()
    for group in groups:
        size = 1
        for extent in group.shape:
            size *= extent
        assert size == len(group.nodes)
        covered = set()
        for edge in group.inputs:
            assert edge.source in earlier
            source = by_name[edge.source]
            if edge.padded:
                _check_padded_edge(group, edge, source)
                covered.update(range(len(group.nodes[0].inputs)))
                continue
            for k, node in enumerate(group.nodes):
                for a, argument in enumerate(edge.arguments):
                    assert node.inputs[argument] is source.nodes[edge.index[k * edge.width + a]]
            covered.update(edge.arguments)
        if group.kind == "op":
            assert covered == set(range(len(group.nodes[0].inputs)))
        else:
            assert group.inputs == ()
        earlier.add(group.name)


def _check_padded_edge(group: NodeGroup, edge: GroupEdge, source: NodeGroup) -> None:
    """Each row of a padded edge: the node's arguments of that place, then len(source)s."""
    places = 2 if group.op == "dot" else 1
    for k, node in enumerate(group.nodes):
        row = edge.index[k * edge.width : (k + 1) * edge.width]
        half = len(node.inputs) // places
        mine = node.inputs[edge.position * half : (edge.position + 1) * half]
        assert row[half:] == (source.size,) * (edge.width - half)
        assert all(source.nodes[i] is child for i, child in zip(row[:half], mine, strict=True))


def test_an_mlp_loss_groups_into_its_layers() -> None:
    loss, x = _mlp_loss([16, 16, 1])
    groups = _groups(loss, x)
    assert groups["W1"].shape == (16, 2) and groups["W1"].kind == "parameter"
    assert groups["b1"].shape == (16,)
    assert groups["W2"].shape == (16, 16)
    assert groups["W3"].shape == (1, 16)
    assert groups["x"].shape == (2,) and groups["x"].kind == "input"
    assert groups["z1"].op == "+" and groups["z1"].shape == (16,)
    assert groups["h1"].op == "relu" and groups["h1"].shape == (16,)
    # row j of W1 is neuron j's weights: the labels say so
    assert [w.label for w in groups["W1"].nodes[:3]] == ["W1[0,0]", "W1[0,1]", "W1[1,0]"]
    dots = [g for g in groups.values() if g.op == "dot"]
    assert [{edge.source: edge.kind for edge in dot.inputs} for dot in dots] == [
        {"W1": "matmul", "x": "matmul"},
        {"W2": "matmul", "h1": "matmul"},
        {"W3": "matmul", "h2": "matmul"},
    ]
    _check_edges(list(groups.values()), topological_order(loss))


def test_the_number_of_groups_does_not_depend_on_the_widths() -> None:
    counts = set()
    for widths in ([16, 16, 1], [5, 3, 1], [40, 7, 1]):
        loss, x = _mlp_loss(widths)
        groups = group_like_nodes(topological_order(loss), x)
        counts.add(tuple((g.name, g.op, len(g.shape)) for g in groups))
    assert len(counts) == 1


def _micrograd_layer(rng: random.Random, nin: int, nout: int, xs: list[Value]) -> list[Value]:
    outs = []
    for _ in range(nout):
        w = [Parameter(rng.uniform(-1, 1)) for _ in range(nin)]
        b = Parameter(0.0)
        outs.append(sum((wi * xi for wi, xi in zip(w, xs, strict=True)), b).relu())
    return outs


def test_micrograd_style_code_groups_one_node_per_op() -> None:
    rng = random.Random(0)
    x = [Value(0.5), Value(-0.2)]
    h = _micrograd_layer(rng, 2, 16, x)
    out = _micrograd_layer(rng, 16, 3, h)
    loss = autograd.sum(out)
    order = topological_order(loss)
    groups = group_like_nodes(order, x)
    _check_edges(groups, order)
    sizes = sorted(len(g.nodes) for g in groups)
    # the first layer's 32 products are one group, their weights another; the second's 48 too
    assert sizes.count(32) == 2 and sizes.count(48) == 2
    assert len(groups) < 60  # against 16 * 2 * 2 + 3 * 16 * 2 nodes one by one
    first = next(g for g in groups if g.op == "*" and len(g.nodes) == 32)
    assert {edge.kind for edge in first.inputs} == {"identity", "broadcast"}


def test_a_convnet_groups_its_windows() -> None:
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(18, 1))
    image = [[[Value(random.Random(i).uniform(-1, 1)) for i in range(5 * r, 5 * r + 5)]
              for r in range(5)]]
    loss = model(image)[0]
    order = topological_order(loss)
    inputs = [v for row in image[0] for v in row]
    groups = group_like_nodes(order, inputs)
    _check_edges(groups, order)
    windows = next(g for g in groups if g.op == "dot" and len(g.nodes) == 18)  # 2 x 3 x 3
    weights = next(g for g in groups if g.name == next(
        e.source for e in windows.inputs if e.position == 0))
    assert weights.shape == (2, 9)
    pixels = next(e for e in windows.inputs if e.position == 1)
    assert pixels.kind == "gather" and pixels.width == 9


def test_a_padded_convolution_is_one_group_of_windows_padded_with_zeros() -> None:
    model = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.ReLU(), nn.Flatten(),
                          nn.Linear(50, 1))
    image = [[[Value(random.Random(i).uniform(-1, 1)) for i in range(5 * r, 5 * r + 5)]
              for r in range(5)]]
    order = topological_order(model(image)[0])
    groups = group_like_nodes(order, [v for row in image[0] for v in row])
    _check_edges(groups, order)
    windows = [g for g in groups if g.op == "dot" and g.size > 1]
    assert [g.size for g in windows] == [2 * 5 * 5]  # corners, edges and inside: one array
    pixels = next(e for e in windows[0].inputs if e.position == 1)
    assert pixels.padded and pixels.kind == "gather" and pixels.width == 9
    # per channel: 4 corners of 4 taps, 12 edge windows of 6, 9 inside of 9
    assert pixels.index.count(25) == 2 * (4 * 5 + 12 * 3)
    assert len([g for g in groups if g.op == "relu"]) == 1


def test_dense_layers_of_two_widths_on_one_input_stay_two_matrix_products() -> None:
    narrow, wide = nn.Linear(2, 8, seed=1), nn.Linear(6, 8, seed=2)
    xs = [Value(0.1 * k, label=f"x{k}") for k in range(6)]
    root = autograd.sum(narrow(xs[:2])) * autograd.sum(wide(xs))
    order = topological_order(root)
    groups = group_like_nodes(order, xs)
    _check_edges(groups, order)
    layers = [g for g in groups if g.op == "dot"]
    assert sorted(g.size for g in layers) == [8, 8]  # not one gather padded to width 6
    assert not any(e.padded for g in layers for e in g.inputs)
    assert {e.kind for g in layers for e in g.inputs if e.position == 1} == {"matmul"}


def test_sums_padded_past_twice_their_size_are_grouped_by_width() -> None:
    xs = [Value(0.1 * k, label=f"x{k}") for k in range(12)]

    def sum_groups(widths: list[int]) -> list[NodeGroup]:
        root = autograd.sum([autograd.sum(xs[:w]).tanh() for w in widths])
        return [g for g in group_like_nodes(topological_order(root), xs)
                if g.op == "sum" and g.nodes[0] is not root]

    close = sum_groups([9, 10, 11, 12])  # padded to 4 x 12 = 48 from 42: one group
    assert [g.size for g in close] == [4] and close[0].inputs[0].padded
    apart = sum_groups([1, 2, 1, 12])  # 4 x 12 = 48 from 16: by width
    assert sorted(g.size for g in apart) == [1, 1, 2]
    assert not any(e.padded for g in apart for e in g.inputs)


@settings(max_examples=40, deadline=None)
@given(programs(max_inputs=3, max_steps=12))
def test_any_program_groups_with_index_maps_that_rebuild_it(program: Program) -> None:
    leaves = [Value(x) for x in program.inputs]
    # the program three times over on other inputs, added up: groups of three at least
    copies = [[Value(x * (1 + 0.01 * k)) for x in program.inputs] for k in range(3)]
    root = autograd.sum([program(*leaves), *(program(*copy) for copy in copies)])
    order = topological_order(root)
    groups = group_like_nodes(order, [v for copy in [leaves, *copies] for v in copy])
    _check_edges(groups, order)
    interior = [node for node in order if node._op is not None and node is not root]
    assert len([g for g in groups if g.kind == "op"]) <= len(interior) // 4 + 1 + 1


def test_layer_names_given_to_stand_ins_are_plain_ascii_identifiers_each_once() -> None:
    from autograd.graph.groups import renamed

    a, b = [Parameter(0.1 * k) for k in range(3)], [Parameter(0.2 * k) for k in range(3)]
    x = Value(0.5, label="x")
    root = autograd.dot(a, [x, x, x]) * autograd.dot(b, [x.tanh()] * 3)
    groups = group_like_nodes(topological_order(root), [x])
    weights = [g for g in groups if g.kind == "parameter"]
    assert len(weights) == 2 and not any(g.named for g in weights)
    for first, second in (("ﬁ", "h₁"), ("𝐱", "x1"), ("ﬁ", "fi")):
        wanted = {id(n): first for n in weights[0].nodes}
        wanted |= {id(n): second for n in weights[1].nodes}
        names = [g.name for g in renamed(groups, wanted)]
        assert len(set(names)) == len(names)
        assert all(name.isascii() and name.isidentifier() for name in names), names
    wanted = {id(n): "ﬁ" for n in weights[0].nodes}
    assert "fi" in [g.name for g in renamed(groups, wanted)]  # NFKC's reading, spelled out
