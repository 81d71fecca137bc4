"""One name per node across the picture, the chain-rule text, the steps and the page, in the
lecture's notation; no chain-rule line repeats one side of its equation on the other."""

from __future__ import annotations

import re

import pytest

import autograd
import nn
from autograd import Value, backprop_steps, chain_rule, draw_graph, topological_order
from autograd.cli.expression import parse_expression
from autograd.examples import house_price
from autograd.graph.names import node_names
from autograd.viz import explain_step
from autograd.viz.draw import NOT_COMPUTED_NOTE
from tests.test_neuron_view import fractions, mlp_loss, names_in_picture

pytest.importorskip("graphviz")


def conv_loss() -> tuple[nn.Conv2d, Value]:
    conv = nn.Conv2d(1, 1, kernel_size=2, seed=0)
    y = conv([[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]])
    loss = autograd.sum([v for row in y[0] for v in row])
    loss.label = "L"
    return conv, loss


def batch_norm_output() -> tuple[nn.BatchNorm1d, list[list[Value]], Value]:
    bn = nn.BatchNorm1d(1)
    batch = [[Value(v, label=f"x{j}")] for j, v in enumerate([1.0, 2.0, 4.0, 7.0])]
    outputs = bn.forward_batch(batch)
    return bn, batch, outputs[3][0]


def names_of(root: Value) -> list[str]:
    return list(node_names(topological_order(root)).values())


def test_a_convolution_names_its_outputs_and_windows_by_position() -> None:
    _, loss = conv_loss()
    names = names_of(loss)
    for r in range(2):
        for c in range(2):
            assert f"y[0,{r},{c}]" in names and f"W·x[0,{r},{c}]" in names
    assert not any(re.fullmatch(r"dot\d+", name) for name in names)
    # labelled as notebook 6 does (bias b, outputs y00 ... y11): each window by its output
    conv, _ = conv_loss()
    conv.bias[0].label = "b"
    y = conv([[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]])
    for r in range(2):
        for c in range(2):
            y[0][r][c].label = f"y{r}{c}"
    relabelled = names_of(autograd.sum([v for row in y[0] for v in row]))
    assert {"W·x00", "W·x01", "W·x10", "W·x11"} <= set(relabelled)


def test_an_mlp_on_a_batch_keeps_the_lecture_s_names_for_one_example() -> None:
    model = nn.MLP(2, [2, 1], activation="tanh", seed=0)
    loss = autograd.sum([(model(x) - 1.0) ** 2 for x in ([0.5, 1.0], [1.5, -1.0])])
    names = names_of(loss)
    assert {"h1[0]", "z1[1]", "W1[0]·x", "ŷ"} <= set(names)  # the first example's nodes


def test_batch_norm_is_named_as_the_lecture_writes_it() -> None:
    bn, batch, y3 = batch_norm_output()
    names = names_of(y3)
    for name in ("Σx", "μ", "Σ(x−μ)²", "σ²", "x̂[3]", "γ", "β"):
        assert name in names
    assert bn.weight[0].label == "γ" and bn.bias[0].label == "β"
    wide = nn.BatchNorm1d(2)
    outputs = wide.forward_batch([[1.0, 2.0], [3.0, 5.0]])
    wide_names = names_of(outputs[1][1])
    assert {"μ[1]", "σ²[1]", "x̂[1,1]", "γ[1]", "β[1]"} <= set(wide_names)
    # the labels change no number: d y3/d x0 against central differences, by hand
    y3.backward()

    def y3_at(shift: float) -> float:
        xs = [[v + shift] if j == 0 else [v] for j, v in enumerate([1.0, 2.0, 4.0, 7.0])]
        probe = nn.BatchNorm1d(1)
        return probe.forward_batch(xs)[3][0].data

    eps = 1e-6
    assert batch[0][0].grad == pytest.approx((y3_at(eps) - y3_at(-eps)) / (2 * eps), rel=1e-5)


def test_pi_is_drawn_as_pi_and_a_constant_has_no_gradient_line() -> None:
    f = parse_expression("pi*x + 2*x", {"x": 1.5})
    f.label = "f"
    f.backward()
    source = draw_graph(f).source
    assert "π" in source and "3.142" not in source
    constants = re.findall(r"\tv\d+ \[label=(\S+) ", source)
    assert constants and all("grad" not in label for label in constants)
    assert "x | data 1.5 | grad" in source  # a named leaf keeps its gradient
    x = next(n for n in topological_order(f) if n.label == "x")
    # ∂f/∂x = π + 2 by hand
    assert chain_rule(f, x).lines()[0] == "∂f/∂x = ∂f/∂(π*x) · ∂(π*x)/∂x + ∂f/∂(2*x) · ∂(2*x)/∂x"
    g = parse_expression("pi*x", {"x": 1.5})
    g.label = "g"
    (leaf,) = [n for n in topological_order(g) if n.label == "x"]
    assert str(chain_rule(g, leaf)) == "∂g/∂x = π = 3.142"  # the direct edge, by name
    assert chain_rule(f, x).total == pytest.approx(3.141592653589793 + 2)


def test_an_mlp_s_linear_output_is_y_hat_and_hidden_outputs_stay_h() -> None:
    _, loss = mlp_loss([3, 2, 1], [0.4, -1.1])
    names = names_of(loss)
    assert "ŷ" in names and "h3[0]" not in names
    assert {"h1[0]", "h2[1]", "z2[1]", "W3[0]·h2"} <= set(names)
    two = nn.MLP(2, [3, 2], seed=0)
    outputs = two([0.5, 1.0])
    assert isinstance(outputs, list)
    assert names_of(autograd.sum(outputs))[-3:-1] != []
    assert {"ŷ[0]", "ŷ[1]"} <= set(names_of(autograd.sum(outputs)))


def test_short_names_are_counted_from_1_in_each_graph() -> None:
    f = parse_expression("x*y + x*y + x*y + x*y + x*y", {"x": 1.0, "y": 2.0})
    short = [name for name in names_of(f) if re.fullmatch(r"[a-z]+\d+", name)]
    assert short
    for kind in {re.sub(r"\d", "", name) for name in short}:
        numbers = [int(name[len(kind):]) for name in short if name.startswith(kind)]
        assert numbers == list(range(1, len(numbers) + 1)), short  # mul1, mul2, ... in order
    g = Value(1.0, label="mul1") * 3.0  # a label that looks like a short name keeps it
    h = (g * g) * (g * g)
    assert names_of(h).count("mul1") == 1


GRAPHS = {
    "house": lambda: house_price().loss,
    "x*x": lambda: parse_expression("x*x", {"x": 3.0}),
    "a*b + a": lambda: parse_expression("a*b + a", {"a": 2.0, "b": 3.0}),
    "x*x*3": lambda: parse_expression("x*x*3", {"x": 3.0}),
    "exp": lambda: parse_expression("exp(x) * x", {"x": 2.0}),
    "mlp": lambda: mlp_loss([2, 1], [1.0, 2.0])[1],
    "conv": lambda: conv_loss()[1],
    "batch norm": lambda: batch_norm_output()[2],
}


def sides(line: str) -> list[str]:
    """The sides of a chain-rule line: ``a += b = c`` gives a, b, c."""
    return [side.strip() for side in re.split(r" \+?= ", line) if side.strip()]


def terms(side: str) -> list[str]:
    return [t.strip() for t in re.split(r" \+ ", side)]


@pytest.mark.parametrize("name", GRAPHS)
def test_no_chain_rule_line_repeats_a_side(name: str) -> None:
    root = GRAPHS[name]()
    if not root.label:
        root.label = "f"
    order = topological_order(root)
    lines = []
    for leaf in (node for node in order if node.is_leaf and node.label):
        lines += chain_rule(root, leaf).lines()
    for step in backprop_steps(root):
        lines += explain_step(step, root)[1:]
    assert lines
    for line in lines:
        parts = sides(line)
        lhs, rest = parts[0], parts[1:]
        assert len(set(parts)) == len(parts), line  # no side equal to another
        for side in rest:
            assert lhs not in terms(side), line  # the total is never one of its own terms
            for term in terms(side):
                assert lhs not in term.split(" · "), line
        assert "|direct" not in line


def test_x_times_x_writes_each_use_of_x_as_its_own_edge() -> None:
    x = Value(3.0, label="x")
    f = x * x
    f.label = "f"
    assert chain_rule(f, x).lines() == ["∂f/∂x = x + x", "      = 3 + 3", "      = 6"]
    g = f * 2.0  # the edges to x sit one node down
    g.label = "g"
    assert chain_rule(g, x).lines()[0] == "∂g/∂x = ∂g/∂f · x + ∂g/∂f · x"
    house = house_price()
    first = explain_step(next(backprop_steps(house.loss)), house.loss)
    # d(c2²)/dc2 = 2 c2 = 2 · -42,500 by hand
    assert first[1] == "∂loss/∂c2 += 1 · (2·c2) = 1 · -85,000 = -85,000"


@pytest.mark.parametrize("name", ["conv", "batch norm", "mlp"])
def test_the_names_are_the_same_in_picture_text_and_page(name: str) -> None:
    from autograd.viz.stepping_page import stepping_page

    root = GRAPHS[name]()
    root.label = root.label or "f"
    picture = names_in_picture(draw_graph(root).source)
    order = topological_order(root)
    leaves = [node for node in order if node.is_leaf and node.label]
    for leaf in leaves:
        for part in fractions(chain_rule(root, leaf).lines()[0]):
            assert part in picture, f"{part!r} of the chain rule is not drawn"
    for k, step in enumerate(backprop_steps(root)):
        drawn = names_in_picture(draw_graph(root, step=k).source)
        for line in explain_step(step, root):
            for part in fractions(line):
                assert part in drawn, f"step {step.number}: {part!r} is not drawn"
    try:
        page = stepping_page(root)
    except Exception as error:  # no Graphviz program here
        pytest.skip(f"stepping_page needs dot: {error}")
    shown = set(node_names(order).values())
    for written in re.findall(r'<span class="node-name">([^<]*)</span>', page):
        assert written.replace("&amp;", "&") in shown


def test_a_picture_drawn_before_backward_says_gradients_are_not_computed_yet() -> None:
    house = house_price()
    before = draw_graph(house.loss).source
    assert NOT_COMPUTED_NOTE in before and "grad 0" not in before and "| grad" not in before
    _, loss = mlp_loss([2, 1], [1.0, 2.0])
    network = draw_graph(loss, group="neuron").source
    assert NOT_COMPUTED_NOTE in network and "grad 0" not in network
    house.loss.backward()
    after = draw_graph(house.loss).source
    assert NOT_COMPUTED_NOTE not in after and "theta1 | data 50,000 | grad -85,000" in after


def test_two_convolutions_and_two_batch_norms_in_one_model_name_their_nodes_apart() -> None:
    model = nn.Sequential(
        nn.Conv2d(1, 1, 2, seed=0), nn.BatchNorm2d(1), nn.Conv2d(1, 1, 2, seed=1),
        nn.BatchNorm2d(1), nn.Flatten(),
    )
    image = [[[float(3 * r + c) for c in range(4)] for r in range(4)]]
    outputs = model.forward_batch([image, [[[-v for v in row] for row in image[0]]]])
    loss = autograd.sum([v for example in outputs for v in example])
    names = names_of(loss)
    assert {"y1[0,0,0]", "y2[0,0,0]", "W·x1[0,0,0]", "W·x2[0,0,0]"} <= set(names)
    assert {"μ1", "σ²1", "μ2", "σ²2", "x̂1[0,0,0]", "x̂2[1,1,1]"} <= set(names)
    lone = nn.Conv2d(1, 1, 2, seed=0)([[[1.0, 2.0], [3.0, 4.0]]])
    assert lone[0][0][0].label == "y[0,0,0]"  # a convolution on its own: no number
