"""The neuron view, the names pictures and text share, input leaves, and the stale-gradient rule.

Gradients are checked against central differences of the model's loss, never against backward.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

import nn
from autograd import Value, backprop_steps, chain_rule, draw_graph, no_grad, topological_order
from autograd.cli import main
from autograd.graph.names import node_names
from autograd.viz.chain_rule import explain_step
from autograd.viz.draw import STALE_COLOUR, StaleGradientWarning
from autograd.viz.stepping_page import stepping_page

GOLDEN = Path(__file__).resolve().parent / "golden"
EPS = 1e-6


def mlp_loss(sizes: list[int], x: list[float], target: float = 0.5) -> tuple[nn.MLP, Value]:
    model = nn.MLP(len(x), sizes, activation="tanh", seed=0)
    loss = (model(x) - target) ** 2
    loss.label = "loss"
    return model, loss


def central_difference(parameter: Value, loss_of: Callable[[], float]) -> float:
    """d loss/d parameter by (loss(p + eps) - loss(p - eps)) / 2 eps, with no graph."""
    start = parameter.data
    try:
        parameter.data = start + EPS
        with no_grad():
            up = loss_of()
        parameter.data = start - EPS
        with no_grad():
            down = loss_of()
    finally:
        parameter.data = start
    return (up - down) / (2 * EPS)


def replayed(root: Value, group: str | None) -> dict[Value, float]:
    """Each node's gradient, from the steps of one view replayed: 1 at the root, then += each."""
    totals = {root: 1.0}
    for step in backprop_steps(root, group=group):
        for part in step.contributions:
            totals[part.input] = totals.get(part.input, 0.0) + part.contribution
    return totals


# ---- the neuron view ---------------------------------------------------------------------------

def test_golden_dot_of_the_neuron_view_of_a_2_2_1_mlp() -> None:
    _, loss = mlp_loss([2, 1], [1.0, 2.0])
    loss.backward()
    source = draw_graph(loss, group="neuron", local_derivatives=True).source
    assert source == (GOLDEN / "neuron_view_2_2_1.dot").read_text(encoding="utf-8")


def test_each_neuron_is_one_box_with_its_parameters_and_inputs_are_drawn_once() -> None:
    _, loss = mlp_loss([8, 1], [0.3, -0.7])
    source = draw_graph(loss, group="neuron").source
    boxes = re.findall(r"^\t(v\d+) \[label=<(.*)> ", source, re.MULTILINE)
    neurons = [body for _, body in boxes if re.search(r"<B>(h\d\[\d\]|ŷ) = ", body)]
    assert len(neurons) == 8 + 1
    for j in range(8):  # each hidden neuron lists its two weights and its bias
        (box,) = [body for body in neurons if f"<B>h1[{j}] = tanh(W1[{j}]·x + b1[{j}])" in body]
        for name in (f"W1[{j},0]", f"W1[{j},1]", f"b1[{j}]"):
            assert f">{name}</TD>" in box
    inputs = [v for v, body in boxes if re.search(r">x[12]</TD>", body)]
    assert len(inputs) == 2  # one box per input, not one per neuron
    for v in inputs:
        assert len(re.findall(rf"^\t{v} -> v\d+", source, re.MULTILINE)) == 8
    assert "op" not in re.findall(r"^\t(\w+?)\d+ \[", source, re.MULTILINE)  # no op ellipses
    # layers in columns: the inputs, then the 8 hidden neurons, then the output neuron
    columns = re.findall(r"subgraph layer\d+ \{\n\t\trank=same\n((?:\t\tv\d+\n)+)", source)
    assert [len(column.split()) for column in columns] == [2, 8, 1]


def test_the_neuron_view_sends_the_same_gradients_as_central_differences() -> None:
    model, loss = mlp_loss([3, 3, 1], [0.4, -1.1])
    totals = replayed(loss, "neuron")

    def loss_of() -> float:
        return float((model([0.4, -1.1]) - 0.5) ** 2)  # type: ignore[operator]

    for parameter in model.parameters():
        expected = central_difference(parameter, loss_of)
        assert totals[parameter] == pytest.approx(expected, rel=1e-5, abs=1e-8)
    steps = list(backprop_steps(loss, group="neuron"))
    assert len(steps) == 2 + 7  # the square and the -, then 7 neurons: one step each


def test_chain_rule_in_the_neuron_view_multiplies_one_factor_per_neuron() -> None:
    model, loss = mlp_loss([3, 3, 1], [0.4, -1.1])
    w = model.layers[0].neurons[0].w[1]
    rule = chain_rule(loss, w, group="neuron")
    assert len(rule.paths) == 3  # through h2[0], h2[1] and h2[2]
    assert all(len(path) == 5 for path in rule.paths)  # **2, -, ŷ, h2[j], h1[0]
    assert rule.total == pytest.approx(
        central_difference(w, lambda: float((model([0.4, -1.1]) - 0.5) ** 2)),  # type: ignore[operator]
        rel=1e-5,
    )
    first = rule.lines()[0]
    # the linear last layer's output is the network's ŷ, not h3[0]
    assert first.startswith("∂loss/∂W1[0,1] = ∂loss/∂(ŷ - 0.5) · ∂(ŷ - 0.5)/∂ŷ · ")
    assert "∂h1[0]/∂W1[0,1]" in first
    with pytest.raises(ValueError, match=r"chain_rule: z1\[0\] is inside neuron h1\[0\]"):
        chain_rule(loss, _inside(loss, "z1[0]"), group="neuron")


def _inside(root: Value, name: str) -> Value:
    names = node_names(topological_order(root))
    (node,) = [node for node, given in names.items() if given == name]
    return node


def test_a_bad_group_is_named() -> None:
    _, loss = mlp_loss([2, 1], [1.0, 2.0])
    with pytest.raises(ValueError, match="draw_graph: group must be None, 'neuron' or 'layer'"):
        draw_graph(loss, group="layers")
    with pytest.raises(ValueError, match="backprop_steps: group must be None, 'neuron' or 'layer'"):
        backprop_steps(loss, group="layers")


def test_a_hand_built_neuron_is_found_by_its_shape() -> None:
    from autograd import Parameter, dot

    w = [Parameter(0.5, label="w1"), Parameter(-0.25, label="w2")]
    b = Parameter(0.1, label="b")
    x = [Value(2.0, label="x1"), Value(4.0, label="x2")]
    out = (dot(w, x) + b).sigmoid()
    steps = list(backprop_steps(out, group="neuron"))
    assert len(steps) == 1
    s = out.data * (1 - out.data)  # σ'(z) = σ(z)(1 - σ(z)), by hand
    locals_ = [c.local_derivative for c in steps[0].contributions]
    assert locals_ == pytest.approx([s * 2.0, s * 4.0, s * 0.5, s * -0.25, s])


# ---- names: the text names nodes the picture shows ----------------------------------------------

def fractions(line: str) -> list[str]:
    """The names in every ∂top/∂bottom of ``line``, brackets around a formula removed."""
    names = []
    i = 0
    while (i := line.find("∂", i)) != -1:
        i += 1
        if line[i] == "(":
            depth, j = 0, i
            while True:
                depth += {"(": 1, ")": -1}.get(line[j], 0)
                if depth == 0:
                    break
                j += 1
            names.append(line[i + 1 : j])
            i = j + 1
        else:
            found = re.match(r"[^/\s|·]+", line[i:])
            assert found is not None
            names.append(found.group())
            i += found.end()
    return names


def names_in_picture(source: str) -> set[str]:
    """Every name written on a node of draw_graph's DOT: record fields, table cells, titles."""
    shown = set()
    for quoted, bare in re.findall(r'label=(?:"([^"]*)"|([^\s<"\]]+))', source):
        label = quoted or bare  # a constant's label is its number, written without quotes
        shown.update(field.strip(" {}") for field in label.split(" | "))
    for cell in re.findall(r"<TD[^>]*>([^<]*)</TD>", source):
        shown.add(cell)
    for title in re.findall(r"<B>([^<]*)</B>", source):
        shown.add(title.split(" = ")[0])
    return {name.replace("\\", "").replace("\xa0", " ").replace("&gt;", ">").replace("&lt;", "<")
            .replace("&amp;", "&") for name in shown}


@pytest.mark.parametrize("group", [None, "neuron"])
def test_every_name_the_text_writes_is_on_a_node_of_the_picture(group: str | None) -> None:
    model, loss = mlp_loss([3, 2, 1], [0.4, -1.1])
    order = topological_order(loss)
    for k, step in enumerate(backprop_steps(loss, group=group)):
        shown = names_in_picture(draw_graph(loss, step=k, group=group).source)
        for line in explain_step(step, loss):
            for name in fractions(line):
                assert name in shown, f"step {step.number}: {name!r} of {line!r} is not drawn"
    for parameter in model.parameters():
        rule = chain_rule(loss, parameter, group=group)
        shown = names_in_picture(draw_graph(loss, group=group).source)
        for name in fractions(rule.lines()[0]):
            assert name in shown
    page = stepping_page(loss, group=group)
    for name in re.findall(r'<span class="node-name">([^<]*)</span>', page):
        assert name.replace("&amp;", "&") in {node_names(order)[n] for n in order}


def test_parameters_are_named_as_the_lecture_writes_w_and_b() -> None:
    model = nn.MLP(3, [4, 2], seed=0)
    assert model.layers[0].neurons[2].w[1].label == "W1[2,1]"
    assert model.layers[1].neurons[1].b.label == "b2[1]"
    assert [p.label for p in nn.Layer(2, 1, seed=0).parameters()] == ["W[0,0]", "W[0,1]", "b[0]"]
    assert [p.label for p in nn.Neuron(2, seed=0).parameters()] == ["w[0]", "w[1]", "b"]
    # the saved names are unchanged
    assert list(model.state_dict())[:2] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1"]


# ---- inputs once -----------------------------------------------------------------------------

def test_a_model_call_turns_numbers_into_one_shared_input_leaf_each() -> None:
    model = nn.MLP(2, [8, 1], activation="tanh", seed=0)
    out = model([0.3, -0.7])
    assert isinstance(out, Value)
    leaves = [n for n in topological_order(out) if n.is_leaf and not n.label.startswith(("W", "b"))]
    assert [leaf.label for leaf in leaves] == ["x1", "x2"]
    users = {leaf: 0 for leaf in leaves}
    for node in topological_order(out):
        for child in node.inputs:
            if child in users:
                users[child] += 1
    assert list(users.values()) == [8, 8]
    out.backward()
    x = [0.3, -0.7]
    for i, leaf in enumerate(leaves):  # the whole gradient d out/d x_i, in one node

        def out_at(shift: float, i: int = i) -> float:
            moved = [v + shift if j == i else v for j, v in enumerate(x)]
            with no_grad():
                return float(model(moved))  # type: ignore[arg-type]

        expected = (out_at(EPS) - out_at(-EPS)) / (2 * EPS)
        assert leaf.grad == pytest.approx(expected, rel=1e-6)


def test_values_given_to_a_model_are_used_as_they_are() -> None:
    x = [Value(0.3, label="speed"), 1.5]
    layer = nn.Layer(2, 3, seed=0)
    outs = layer(x)
    leaves = {n.label: n for n in topological_order(outs[0]) if n.is_leaf}
    assert leaves["speed"] is x[0] and "x2" in leaves


# ---- chain-rule text -------------------------------------------------------------------------

def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert main(argv) == 0
    return [line.strip() for line in capsys.readouterr().out.splitlines()[1:]]


def test_the_total_never_appears_as_one_of_its_own_terms(
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = run(["graph", "a*b + a", "a=2", "b=3", "--wrt", "a"], capsys)
    assert lines == ["∂f/∂a = ∂f/∂(a*b) · ∂(a*b)/∂a + 1", "= 1 · 3 + 1", "= 4"]
    # by hand: d(ab + a)/da = b + 1 = 4; the direct edge a -> f is its local derivative, 1


@pytest.mark.parametrize(
    ("expression", "line"),
    [
        ("x*3", "∂f/∂x = 3"),
        ("exp(x)", "∂f/∂x = e^x = 7.389"),  # e^2
        ("x - 5", "∂f/∂x = 1"),
    ],
)
def test_a_one_op_graph_prints_no_tautology(
    expression: str, line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["graph", expression, "x=2"], capsys) == [line]


def test_no_line_writes_its_total_as_a_term() -> None:
    a, b = Value(0.5, label="a"), Value(-1.5, label="b")
    roots = [a * b + a, (a * a).tanh() + a, a + a + b * a, (a + b) * a]
    for root in roots:
        root.label = "f"
        for wrt in (a, b):
            for line in chain_rule(root, wrt).lines():
                lhs, _, rhs = line.partition(" = ")
                if lhs.startswith("∂"):
                    assert lhs not in rhs, line


def test_the_first_step_writes_the_edge_as_its_formula_not_the_output_twice() -> None:
    _, loss = mlp_loss([2, 1], [1.0, 2.0])
    first = next(backprop_steps(loss))
    lines = explain_step(first, loss)
    assert lines[0] == "∂loss/∂loss = 1"
    assert lines[1].startswith("∂loss/∂(ŷ - 0.5) += 1 · (2·(ŷ - 0.5)) = 1 · ")
    assert all("∂loss/∂loss ·" not in line for line in lines)


def test_the_page_writes_each_step_as_explain_step_does_gradient_first() -> None:
    _, loss = mlp_loss([2, 1], [1.0, 2.0])
    page = stepping_page(loss, group="neuron")
    for step in backprop_steps(loss, group="neuron"):
        frame = re.search(
            rf'<div class="explain" data-frame="{step.number}"[^>]*>(.*?)\n    </div>', page, re.S
        )
        assert frame is not None
        text = [re.sub(r"<[^>]+>", "", html) for html in re.findall(
            r'<div class="(?:formula|numbers)">(.*?)</div>', frame[1])]
        written = [f"{text[i]} {text[i + 1]}" for i in range(0, len(text), 2)]
        expected = explain_step(step, loss)[1:]
        assert [w.replace("&amp;", "&") for w in written] == expected


# ---- stale gradients ---------------------------------------------------------------------------

def test_fit_leaves_every_gradient_at_zero_so_the_next_backward_is_exact() -> None:
    xs, ys = [[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]], [0.2, -0.4, 0.1]
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    nn.fit(model, xs, ys, epochs=5, progress=False)
    assert all(p.grad == 0.0 for p in model.parameters())
    loss = (model(xs[0]) - ys[0]) ** 2
    loss.backward()

    def loss_of() -> float:
        return float((model(xs[0]) - ys[0]) ** 2)  # type: ignore[operator]

    for p in model.parameters():
        assert p.grad == pytest.approx(central_difference(p, loss_of), rel=1e-5, abs=1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        draw_graph(loss)  # exactly one pass: no warning


@pytest.mark.parametrize("group", [None, "neuron"])
def test_drawing_gradients_mixed_from_two_passes_warns_in_python_and_on_the_picture(
    group: str | None,
) -> None:
    model, loss = mlp_loss([2, 1], [1.0, 2.0])
    loss.backward()
    loss.backward()  # the leaves now hold twice their gradient
    # all 9 parameters, both inputs and the target 0.5 hold two passes' gradients
    stale = r"W2\[0,0\], W2\[0,1\], W1\[0,0\], W1\[0,1\], x1 and 7 more"
    with pytest.warns(StaleGradientWarning, match=rf"draw_graph: the gradients of {stale} are "
                      r"not those of one backward\(\) of loss: they hold gradients from other"):
        source = draw_graph(loss, group=group).source
    (weight,) = [line for line in source.splitlines() if "W1[0,0]" in line and "label=" in line]
    assert f'color="{STALE_COLOUR}"' in weight and "dashed" in weight
    assert "⚠ dashed red" in source and STALE_COLOUR in source
    model.zero_grad()  # then a fresh forward pass (new inputs and target) and one backward
    loss = (model([1.0, 2.0]) - 0.5) ** 2  # type: ignore[operator]
    loss.backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert STALE_COLOUR not in draw_graph(loss, group=group).source


def test_gradients_left_by_another_output_are_stale_for_this_one() -> None:
    model = nn.MLP(2, [2, 1], seed=0)
    first = (model([1.0, 0.0]) - 1) ** 2
    first.backward()
    second = (model([0.0, 1.0]) - 1) ** 2  # never backwarded: its parameters hold first's
    with pytest.warns(StaleGradientWarning, match="not those of one backward"):
        draw_graph(second)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        draw_graph(second, step=0)  # a step frame never reads .grad
        draw_graph(second, grads=False)


def test_a_backward_seeded_with_another_gradient_is_not_stale() -> None:
    x = Value(3.0, label="x")
    y = x * x
    y.backward(2.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert "grad 12" in draw_graph(y).source
    assert math.isclose(x.grad, 12.0)


def test_labels_are_escaped_in_the_neuron_view_and_still_render() -> None:
    from autograd import Parameter, dot

    odd = '<b>&"x"</b> ]]> {|}'
    w = [Parameter(0.5, label="w<1>"), Parameter(-0.25, label="w&2")]
    b = Parameter(0.1, label=odd)
    x = [Value(2.0, label='x"1'), Value(4.0, label="x\\2")]
    out = (dot(w, x) + b).tanh() * Value(3.0, label="<script>")
    out.backward()
    graph = draw_graph(out, group="neuron", highlight=[b])
    svg = graph.pipe(format="svg").decode("utf-8")
    assert "&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt; ]]&gt; {|}" in svg or \
        "&lt;b&gt;&amp;\"x\"&lt;/b&gt; ]]&gt; {|}" in svg
    assert "<script>" not in svg and "<b>&" not in svg
    (box,) = [line for line in graph.source.splitlines() if "w&lt;1&gt;" in line]
    assert 'color="#f08c00"' in box  # the bias is drawn inside its neuron: the box is highlighted


def test_the_latex_form_writes_the_direct_edge_as_its_formula_too() -> None:
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    f = a * b + a
    f.label = "f"
    latex = chain_rule(f, a)._repr_latex_()
    assert r"\cdot \frac{\partial \mathrm{a*b}}{\partial \mathrm{a}} + \mathrm{1} \\" in latex
    assert latex.count(r"\frac{\partial \mathrm{f}}{\partial \mathrm{a}}") == 1  # the total
    assert r"&= 4" in latex  # b + 1, by hand


def test_fit_clears_the_gradients_when_training_diverges_too() -> None:
    model = nn.MLP(2, [2, 1], seed=0)
    calls = []

    def loss(predictions: list[Value], targets: list[float]) -> Value:
        calls.append(1)
        error = (predictions[0] - targets[0]) ** 2
        return error * math.nan if len(calls) == 2 else error  # the second epoch diverges

    with pytest.raises(nn.TrainingDiverged):
        nn.fit(model, [[1.0, 0.5]], [0.3], loss=loss, epochs=3, progress=False)
    assert len(calls) == 2
    assert all(p.grad == 0.0 for p in model.parameters())
