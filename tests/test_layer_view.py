"""The layer view: a 2-16-16-1 MLP and the digits ConvNet each drawn as a dozen arrays, readable
700 px wide; the matrix-form chain rule, one backprop step per layer, the page and the widget.

Gradients are checked against PyTorch (``nn.to_torch``), never only against our own backward.
"""

from __future__ import annotations

import builtins
import math
import random
import re
import statistics
import subprocess
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

import nn
from autograd import Parameter, Value, backprop_steps, chain_rule, draw_graph, format_number, sum
from autograd.backprop import topological_order
from autograd.graph.layer_view import layer_view
from autograd.viz.draw import NOT_COMPUTED_NOTE, STALE_COLOUR, StaleGradientWarning
from autograd.viz.layer_steps import LayerStep, explain_layer_step, gradients_after, layer_steps
from autograd.viz.stepping_page import stepping_page, write_stepping_page

from .test_compile_properties import Program, programs

torch = pytest.importorskip("torch")

SHOWN_WIDTH = 700  # px: a README or notebook column
READABLE = 10  # px


def mlp_loss() -> tuple[nn.MLP, list[Value], Value]:
    model = nn.MLP(2, [16, 16, 1], activation="relu", seed=0)
    x = [Value(0.5, label="x1"), Value(-0.3, label="x2")]
    loss = (model(x) - 1.0) ** 2
    loss.label = "loss"
    return model, x, loss


def convnet_loss() -> tuple[nn.Sequential, list[list[list[float]]], Value]:
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1, seed=0), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(64, 10, seed=1))
    rng = random.Random(0)
    image = [[[rng.uniform(0.0, 1.0) for _ in range(8)] for _ in range(8)]]
    loss = nn.cross_entropy(model([[[Value(p) for p in row] for row in image[0]]]), 3)
    return model, image, loss


def torch_mlp_grads(model: nn.MLP, x: list[float]) -> list[Any]:
    """∂loss/∂W of each Linear layer, by PyTorch."""
    copy = nn.to_torch(model)
    out = copy(torch.tensor(x, dtype=torch.float64))
    ((out[0] - 1.0) ** 2).backward()
    return [layer.weight.grad for layer in copy if isinstance(layer, torch.nn.Linear)]


def rendered_svg(graph: Any) -> str:
    return subprocess.run(["dot", "-Tsvg"], input=graph.source.encode("utf-8"),
                          capture_output=True, check=True).stdout.decode("utf-8")


def smallest_text_px_at_700(svg: str) -> float:
    """The smallest font size in px when the SVG is shown at most 700 px wide (1 unit = 1 pt)."""
    width_pt = float(re.search(r'<svg\b[^>]*\bwidth="([0-9.]+)pt"', svg)[1])  # type: ignore[index]
    view = float(re.search(r'viewBox="[-0-9.]+ [-0-9.]+ ([0-9.]+)', svg)[1])  # type: ignore[index]
    unit_px = width_pt * 4 / 3 / view
    smallest = min(float(size) for size in re.findall(r'font-size="([0-9.]+)"', svg))
    return smallest * unit_px * min(1.0, SHOWN_WIDTH / (width_pt * 4 / 3))


def boxes(source: str) -> dict[str, str]:
    """Each box of the layer view's DOT text, by the layer name in bold at its top."""
    found = re.findall(r"^\t(L\d+) \[label=<(.*)> ", source, re.MULTILINE)
    return {re.search(r"<B>(.*?)</B>", body)[1]: body for _, body in found}  # type: ignore[index]


# ---- pictures ----------------------------------------------------------------------------------

@pytest.mark.parametrize("make", [mlp_loss, convnet_loss], ids=["mlp-2-16-16-1", "convnet"])
def test_a_network_draws_in_at_most_30_boxes_readable_700_px_wide(make: Any) -> None:
    *_, loss = make()
    loss.backward()
    graph = draw_graph(loss, group="layer", local_derivatives=True)
    svg = rendered_svg(graph)
    assert 0 < svg.count('class="node"') <= 30
    assert smallest_text_px_at_700(svg) >= READABLE
    scalar_nodes = svg.count('class="node"')
    assert scalar_nodes < len(layer_view(loss).layer_of) / 10  # hundreds of scalars, few boxes


def test_the_mlp_shows_its_layers_by_name_and_shape_with_matrix_derivatives() -> None:
    _, _, loss = mlp_loss()
    loss.backward()
    source = draw_graph(loss, group="layer", local_derivatives=True).source
    shown = boxes(source)
    for name, shape in (("W1", "16×2"), ("W2", "16×16"), ("W3", "1×16"), ("x", "2"),
                        ("b1", "16"), ("z1", "16"), ("h1", "16"), ("z3", "1")):
        assert f"<B>{name}</B>" in shown[name] and f">{shape}</FONT>" in shown[name], name
    assert "<B>z1</B>\u00a0= W1·x + b1" in shown["z1"]
    assert "<B>h1</B>\u00a0= relu(z1)" in shown["h1"]
    for label in ("∂z1/∂W1 = xᵀ", "∂z1/∂x = W1ᵀ", "∂z1/∂b1 = I", "∂h1/∂z1 = diag([z1 &gt; 0])",
                  "∂z2/∂W2 = h1ᵀ", "∂z3/∂h2 = W3ᵀ"):
        assert f"label=<{label}>" in source, label


def test_values_and_gradients_are_the_scalar_graphs() -> None:
    model, x, loss = mlp_loss()
    loss.backward()
    source = draw_graph(loss, group="layer").source
    assert "mean ± standard deviation" in source  # the picture says what the summary is
    shown = boxes(source)
    # a small layer shows each number: x's values and the gradients backward left on x
    for node in x:
        assert f">{format_number(node.data)}</TD>" in shown["x"]
        assert f">{format_number(node.grad)}</TD>" in shown["x"]
    assert f">{format_number(loss.data)}</TD>" in shown["loss"]
    # a large one mean ± standard deviation, here of W2's weights and their gradients
    weights = [w for neuron in model.layers[1].neurons for w in neuron.w]
    for numbers in ([w.data for w in weights], [w.grad for w in weights]):
        mean, spread = statistics.fmean(numbers), statistics.pstdev(numbers)
        assert f"{format_number(mean)} ± {format_number(spread)}" in shown["W2"]
    (w2_torch,) = torch_mlp_grads(model, [0.5, -0.3])[1:2]
    assert statistics.fmean(w.grad for w in weights) == pytest.approx(float(w2_torch.mean()))


def test_the_convnet_finds_its_convolution_pooling_and_linear_layer() -> None:
    model, _, loss = convnet_loss()
    view = layer_view(loss)
    shapes = {layer.name: layer.shape for layer in view.layers}
    assert shapes["W1"] == (4, 9) and shapes["b1"] == (4,) and shapes["x"] == (64,)
    # the convolution's outputs keep their own name, y[o,i,j] (as in every view), its ReLU is h1
    assert shapes["y"] == (256,) and shapes["h1"] == (256,)  # 4 channels × 8 × 8
    assert shapes["W2"] == (10, 64) and shapes["z2"] == (10,)
    assert [layer.op for layer in view.layers if not layer.is_leaf][:4] == [
        "W·x + b", "relu", "max", "W·x + b"]
    # W1 holds the convolution's weights, row o is output channel o
    conv = model.layers[0]
    kernel = [w for row in conv.weight[0][0] for w in row]
    assert list(view.named("W1").nodes[:9]) == kernel


def test_the_same_graph_gives_the_same_dot_text() -> None:
    first = draw_graph(convnet_loss()[2], group="layer", local_derivatives=True).source
    second = draw_graph(convnet_loss()[2], group="layer", local_derivatives=True).source
    assert first == second


def test_hostile_labels_are_text_in_the_picture() -> None:
    w = [Parameter(0.5, label='W<&>"\\N[0]'), Parameter(-1.0, label='W<&>"\\N[1]')]
    b = Parameter(0.1, label="b</TD>")
    x = [Value(2.0, label="x1"), Value(3.0, label="x2")]
    out = (sum(wi * xi for wi, xi in zip(w, x, strict=True)) + b).tanh()
    out.label = "out"
    graph = draw_graph(out, group="layer", local_derivatives=True)
    svg = rendered_svg(graph)  # dot reads it: nothing broke out of a label
    assert "<B>b&lt;/TD&gt;</B>" in graph.source and "<B>b</TD>" not in graph.source
    assert "W&lt;&amp;&gt;&quot;\\N" in graph.source
    assert "<svg" in svg


def test_a_step_shows_the_gradients_complete_so_far() -> None:
    _, _, loss = mlp_loss()
    steps = list(backprop_steps(loss, group="layer"))
    source = draw_graph(loss, group="layer", step=2).source  # z3 sends to W3, h2 and b3
    shown = boxes(source)
    assert steps[2].layer.name == "z3"
    assert "grad" in shown["W3"] and "?" not in shown["W3"] and "?" not in shown["b3"]
    assert ">?</TD>" in shown["W1"] and ">?</TD>" in shown["z2"]
    z3 = re.search(r"^\t(L\d+) \[label=<<TABLE[^\n]*<B>z3</B>", source, re.MULTILINE)[1]  # type: ignore[index]
    assert re.search(rf"^\t{z3} \[.*color=\"#f08c00\"", source, re.MULTILINE)
    assert len(re.findall(rf"-> {z3} \[.*color=\"#f08c00\"", source)) == 3


def test_a_picture_drawn_before_backward_says_gradients_are_not_computed_yet() -> None:
    _, _, loss = mlp_loss()
    before = draw_graph(loss, group="layer").source
    assert NOT_COMPUTED_NOTE in before
    assert not any(">grad<" in box for box in boxes(before).values())  # no grad 0 ± 0 anywhere
    assert ">grad<" in boxes(draw_graph(loss, group="layer", step=0).source)["loss"]  # replayed
    loss.backward()
    after = draw_graph(loss, group="layer").source
    assert NOT_COMPUTED_NOTE not in after and ">grad<" in boxes(after)["W1"]


def test_gradients_of_two_passes_warn_in_python_and_on_the_picture() -> None:
    model, _, loss = mlp_loss()
    loss.backward()
    loss.backward()  # every leaf now holds twice its gradient
    with pytest.warns(StaleGradientWarning) as caught:
        source = draw_graph(loss, group="layer").source
    (warning,) = caught
    assert str(warning.message).startswith(
        "draw_graph: the gradients of W3, W2, W1, x, b1 and 2 more are not those of one "
        "backward() of loss: they hold gradients from other passes")
    assert warning.filename == __file__  # it points at the draw_graph call
    stale = re.findall(r"^\t(L\d+) \[label=<.*<B>(\w+)</B>.* color=\"([^\"]+)\".*dashed",
                       source, re.MULTILINE)
    assert sorted(name for _, name, _ in stale) == ["W1", "W2", "W3", "b1", "b2", "b3", "x"]
    assert {colour for *_, colour in stale} == {STALE_COLOUR}
    assert "⚠ dashed red" in source
    model.zero_grad()
    for node in topological_order(loss):
        node.grad = 0.0
    loss.backward()  # one pass: nothing stale
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert STALE_COLOUR not in draw_graph(loss, group="layer").source
        draw_graph(loss, group="layer", step=1)  # a step frame never reads .grad


def test_gradients_left_by_another_output_are_stale_but_a_seeded_pass_is_not() -> None:
    model = nn.MLP(2, [2, 1], seed=0)
    first = (model([1.0, 0.0]) - 1) ** 2  # type: ignore[operator]
    first.backward()
    second = (model([0.0, 1.0]) - 1) ** 2  # type: ignore[operator]
    with pytest.warns(StaleGradientWarning, match="not those of one backward"):
        draw_graph(second, group="layer")
    x = Value(3.0, label="x")
    y = x * x
    y.backward(2.0)  # every gradient twice ∂y/∂x = 6: one pass, seeded with 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ">12</TD>" in boxes(draw_graph(y, group="layer").source)["x"]


def test_two_constants_with_one_number_get_names_apart() -> None:
    _, _, loss = convnet_loss()
    view = layer_view(loss)
    names = [layer.name for layer in view.layers]
    assert len(set(names)) == len(names)
    # cross-entropy subtracts the largest logit from all 10 and adds it back once
    shift = max(node.data for node in view.named("z2").nodes)
    assert view.named("c1").shape == (10,) and view.named("c2").shape == (1,)
    assert {node.data for node in (*view.named("c1").nodes, *view.named("c2").nodes)} == {shift}
    assert view.formula(view.named("sub1")) == "z2 - c1"
    assert view.formula(view.named("add1")) == "log1 + c2"
    shown = boxes(draw_graph(loss, group="layer").source)
    assert f">{format_number(shift)} each</TD>" in shown["c1"]
    assert f">{format_number(shift)}</TD>" in shown["c2"]
    # a constant alone with its number is still named by it, and shows it once
    a = Value(1.5, label="a")
    out = (a + 2.0) * 2.0 - 3.0  # two layers of 2 (one added, one multiplied) and one of 3
    view = layer_view(out)
    assert sorted(layer.name for layer in view.layers if layer.kind == "constant") == [
        "3", "c1", "c2"]
    assert view.formula(view.layer_of[out]) == "mul1 - 3"


def test_a_notebook_shows_the_layer_view_at_natural_size_in_a_box_that_scrolls() -> None:
    *_, loss = convnet_loss()
    data, metadata = draw_graph(loss, group="layer")._repr_mimebundle_()
    assert data["text/html"].startswith('<div class="backprop-graph" style="overflow: auto')
    assert metadata == {"image/svg+xml": {"unconfined": True}}


def test_a_bad_group_or_layer_is_named() -> None:
    _, _, loss = mlp_loss()
    with pytest.raises(ValueError, match="draw_graph: group must be None, 'neuron' or 'layer'"):
        draw_graph(loss, group="layers")
    with pytest.raises(ValueError, match="chain_rule: group must be None, 'neuron' or 'layer', "
                       "got 'layers'"):
        chain_rule(loss, "W1", group="layers")
    with pytest.raises(ValueError, match="chain_rule: no layer is named 'W9'; the layers are W3, "):
        chain_rule(loss, "W9", group="layer")
    with pytest.raises(ValueError, match=r"chain_rule: the Values given lie in several layers"):
        chain_rule(loss, [loss, loss.inputs[0]], group="layer")


# ---- the chain rule in matrix form -----------------------------------------------------------

def test_chain_rule_writes_the_lectures_matrix_form_with_shapes() -> None:
    model, _, loss = mlp_loss()
    loss.backward()
    w2 = [w for neuron in model.layers[1].neurons for w in neuron.w]
    rule = chain_rule(loss, w2, group="layer")
    lines = rule.lines()
    assert lines[0] == "∂loss/∂W2 = ∂loss/∂z2 · h1ᵀ"
    assert lines[1].strip() == "(16×16) = (16×1) · (1×16)"
    w3 = chain_rule(loss, "W3", group="layer").lines()
    assert w3[0] == "∂loss/∂W3 = ∂loss/∂z3 · h2ᵀ"
    assert w3[1].strip() == "(1×16) = (1×1) · (1×16)"
    assert chain_rule(loss, "x", group="layer").lines()[0] == "∂loss/∂x = W1ᵀ · ∂loss/∂z1"


def test_the_matrix_the_chain_rule_states_is_the_gradient() -> None:
    model, _, loss = mlp_loss()
    loss.backward()
    w2 = [w for neuron in model.layers[1].neurons for w in neuron.w]
    rule = chain_rule(loss, w2, group="layer", precision=6)
    backward = [[neuron.w[i].grad for i in range(16)] for neuron in model.layers[1].neurons]
    assert len(rule.matrix) == 16 and all(len(row) == 16 for row in rule.matrix)
    assert flat(rule.matrix) == pytest.approx(flat(backward), abs=1e-12)
    (w2_torch,) = torch_mlp_grads(model, [0.5, -0.3])[1:2]
    assert flat(rule.matrix) == pytest.approx(flat(w2_torch.tolist()), rel=1e-9, abs=1e-12)
    # and the text states those numbers, row by row
    rows = [line.strip().strip("= []") for line in rule.lines()[2:]]
    stated = [[float(x) for x in row.split(", ")] for row in rows]
    assert len(stated) == 16
    assert flat(stated) == pytest.approx(flat(backward), rel=1e-5, abs=1e-9)


def flat(rows: list[list[float]]) -> list[float]:
    return [x for row in rows for x in row]


# ---- steps, the page and the widget ------------------------------------------------------------

def test_backprop_takes_one_step_per_layer_and_gives_pytorchs_gradients() -> None:
    model, image, loss = convnet_loss()
    steps = list(backprop_steps(loss, group="layer"))
    assert all(isinstance(step, LayerStep) for step in steps)
    view = layer_view(loss)
    assert [step.layer.name for step in steps] == [
        layer.name for layer in reversed(view.layers) if not layer.is_leaf]
    assert len(steps) == 10  # conv, relu, pool, linear, then the loss's six
    totals = gradients_after(view, steps)
    copy = nn.to_torch(model)
    logits = copy(torch.tensor([image], dtype=torch.float64))
    torch.nn.functional.cross_entropy(logits, torch.tensor([3])).backward()
    conv, linear = model.layers[0], model.layers[4]
    want = copy[0].weight.grad[:, 0].reshape(4, 9).tolist()
    got = [[totals[w] for row in conv.weight[o][0] for w in row] for o in range(4)]
    assert flat(got) == pytest.approx(flat(want), rel=1e-9, abs=1e-12)
    assert [totals[b] for b in linear.bias] == pytest.approx(copy[4].bias.grad.tolist(), rel=1e-9)


def test_the_stepping_page_has_one_frame_per_layer_step(tmp_path: Path) -> None:
    _, _, loss = mlp_loss()
    page = stepping_page(loss, group="layer")
    assert page.count('<figure class="frame"') == 7 + 1
    assert "Step 1 of 7: layer" in page and "∂loss/∂W2</span> += ∂loss/∂z2 · h1ᵀ" in page
    path = write_stepping_page(loss, tmp_path / "layers.html", group="layer")
    assert path.read_text(encoding="utf-8") == page


def test_the_stepping_page_steps_through_the_layers_in_chromium(tmp_path: Path) -> None:
    from .test_stepping_page import CHROMIUM, CHROMIUM_ARGS, Page

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (make browser-deps)")
    from playwright.sync_api import sync_playwright

    _, _, loss = mlp_loss()
    names = [step.layer.name for step in backprop_steps(loss, group="layer")]
    path = write_stepping_page(loss, tmp_path / "layers.html", group="layer")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = Page(browser, path)
            for k, name in enumerate(names, start=1):
                page.page.keyboard.press("ArrowRight")
                shown = page.current()
                assert shown["step"] == k and shown["node"] == name
                assert len(shown["highlighted"]) == 1
            assert page.problems == [] and page.requests == [page.url]
        finally:
            browser.close()


def test_step_through_takes_the_layer_view() -> None:
    pytest.importorskip("ipywidgets")
    from autograd.viz import step_through

    _, _, loss = mlp_loss()
    widget = step_through(loss, group="layer")
    controls, arithmetic, picture = widget.children
    controls.children[1].value = 7
    assert "Step 7 of 7: layer z1 (16) sends its gradient back" in arithmetic.value
    assert "∂loss/∂W1 += ∂loss/∂z1 · xᵀ   (16×2) = (16×1) · (1×2)" in arithmetic.value
    assert "<svg" in picture.value


# ---- any graph -------------------------------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(programs(max_inputs=3, max_steps=10))
def test_any_program_splits_into_layers_whose_steps_give_backwards_gradients(
    program: Program,
) -> None:
    copies = [[Value(x * (1 + 0.01 * k)) for x in program.inputs] for k in range(3)]
    root = sum([program(*copy) for copy in copies])
    view = layer_view(root)
    order = topological_order(root)
    assert sorted(map(id, view.layer_of)) == sorted(map(id, order))  # each node in one layer
    drawn = {id(node) for layer in view.layers for node in (*layer.nodes, *layer.inner)}
    names = [layer.name for layer in view.layers]
    assert len(set(names)) == len(names)
    assert drawn == set(map(id, order))
    seen: set[int] = set()
    for layer in view.layers:  # inputs before the layers that read them
        assert all(id(source) in seen for source in layer.inputs)
        seen.add(id(layer))
    totals = gradients_after(view, list(layer_steps(view)))
    root.backward()
    for leaf in (node for copy in copies for node in copy):
        scale = max(1.0, abs(leaf.grad))
        assert math.isclose(totals.get(leaf, 0.0), leaf.grad, rel_tol=1e-9, abs_tol=1e-9 * scale)
    draw_graph(root, group="layer", local_derivatives=True)  # every layer can be drawn


def test_a_leaf_has_no_layer_steps() -> None:
    x = Value(2.0, label="x")
    assert list(backprop_steps(x, group="layer")) == []
    assert chain_rule(x, x, group="layer").lines() == ["∂x/∂x = 1"]
    with pytest.raises(ValueError, match="draw_graph: step=0, but root is a leaf"):
        draw_graph(x, group="layer", step=0)


def test_bad_options_are_named_and_change_nothing() -> None:
    _, _, loss = mlp_loss()
    loss.backward()
    before = [(node.data, node.grad) for node in topological_order(loss)]
    with pytest.raises(ValueError, match="draw_graph: rankdir must be one of"):
        draw_graph(loss, group="layer", rankdir="up")
    with pytest.raises(ValueError, match="draw_graph: max_nodes must be a positive int"):
        draw_graph(loss, group="layer", max_nodes=0)
    with pytest.raises(ValueError, match="draw_graph: the layer view has 15 layers, more than"):
        draw_graph(loss, group="layer", max_nodes=10)
    with pytest.raises(ValueError, match="draw_graph: step must be from 0 to 6, got 7"):
        draw_graph(loss, group="layer", step=7)
    with pytest.raises(TypeError, match="chain_rule: with group='layer', wrt must be"):
        chain_rule(loss, 3.0, group="layer")  # type: ignore[call-overload]
    assert [(node.data, node.grad) for node in topological_order(loss)] == before


# ---- a network written as micrograd writes it, and a batch of examples ------------------------

def micrograd_net(seed: int = 1) -> tuple[list[list[tuple[list[Value], Value]]], Value]:
    """A 3-4-1 tanh net of plain Values, each neuron ``sum((wi*xi ...), b).tanh()``, on floats."""
    rng = random.Random(seed)
    net = [[([Value(rng.uniform(-1, 1)) for _ in range(n_in)], Value(rng.uniform(-1, 1)))
            for _ in range(n_out)] for n_in, n_out in ((3, 4), (4, 1))]
    x: list[Any] = [2.0, 3.0, -1.0]
    for layer in net:
        x = [builtins.sum((wi * xi for wi, xi in zip(w, x, strict=True)), b).tanh()
             for w, b in layer]
    return net, x[0]


def test_a_micrograd_style_network_folds_into_its_layers_named_as_the_lecture_names_them() -> None:
    _, out = micrograd_net()
    view = layer_view(out)
    names = [layer.name for layer in view.layers]
    assert len(names) == len(set(names))
    assert sorted(names) == sorted(["x", "W1", "b1", "z1", "h1", "W2", "b2", "z2", "h2"])
    assert view.named("W1").shape == (4, 3) and view.named("x").shape == (3,)
    assert view.named("W2").shape == (1, 4) and view.named("b1").kind == "parameter"
    assert view.formula(view.named("z2")) == "W2·h1 + b2"
    drawn = boxes(draw_graph(out, group="layer").source)
    assert len(drawn) <= 10 and {"W1", "b1", "z1", "h1", "W2", "b2", "z2", "h2"} <= set(drawn)


def test_a_micrograd_style_networks_matrix_chain_rule_is_pytorchs_gradient() -> None:
    net, out = micrograd_net()
    loss = (out - 1.0) ** 2
    loss.backward()
    (w1, b1), (w2, b2) = ([torch.tensor([[w.data for w in ws] for ws, _ in layer],
                                        dtype=torch.float64, requires_grad=True),
                           torch.tensor([b.data for _, b in layer], dtype=torch.float64,
                                        requires_grad=True)] for layer in net)
    h1 = torch.tanh(w1 @ torch.tensor([2.0, 3.0, -1.0], dtype=torch.float64) + b1)
    ((torch.tanh(w2 @ h1 + b2)[0] - 1.0) ** 2).backward()
    rule = chain_rule(loss, "W1", group="layer")
    assert rule.lines()[0] == "∂pow1/∂W1 = ∂pow1/∂z1 · xᵀ"
    assert rule.lines()[1].strip() == "(4×3) = (4×1) · (1×3)"
    assert flat(rule.matrix) == pytest.approx(flat(w1.grad.tolist()), rel=1e-9, abs=1e-12)
    assert chain_rule(loss, "b2", group="layer").gradient == pytest.approx(b2.grad.tolist())
    assert flat(chain_rule(loss, "W2", group="layer").matrix) == pytest.approx(
        flat(w2.grad.tolist()), rel=1e-9, abs=1e-12)


def test_a_label_several_layers_carry_is_refused_naming_the_candidates() -> None:
    a, b, c = (Value(v, label="0") for v in (0.5, -1.0, 2.0))
    f = (a.tanh() * b).exp() + c
    names = [layer.name for layer in layer_view(f).layers]
    assert len(names) == len(set(names))
    with pytest.raises(ValueError, match=r"chain_rule: '0' is ambiguous: the layers 0, 0_2, 0_3"):
        chain_rule(f, "0", group="layer")


def batched_mlp() -> tuple[nn.MLP, list[list[float]], list[float], Value]:
    model = nn.MLP(2, [3, 3, 1], activation="tanh", seed=0)
    xs = [[0.5, -0.3], [1.0, 2.0], [-1.0, 0.2], [0.3, 0.3]]
    ys = [1.0, -1.0, 0.5, 0.0]
    loss = nn.mse_loss([model([Value(a) for a in x]) for x in xs], ys)
    loss.backward()
    return model, xs, ys, loss


SHAPES = re.compile(r"\((\d+)×(\d+)\) = \((\d+)×(\d+)\) · \((\d+)×(\d+)\)")


def test_a_batch_keeps_one_weight_matrix_and_shapes_that_multiply_out() -> None:
    model, xs, ys, loss = batched_mlp()
    copy = nn.to_torch(model)
    torch.nn.functional.mse_loss(copy(torch.tensor(xs, dtype=torch.float64))[:, 0],
                                 torch.tensor(ys, dtype=torch.float64)).backward()
    linears = [layer for layer in copy if isinstance(layer, torch.nn.Linear)]
    view = layer_view(loss)
    for k, linear in enumerate(linears, start=1):
        for name, want in ((f"W{k}", linear.weight.grad), (f"b{k}", linear.bias.grad)):
            rule = chain_rule(loss, name, group="layer")
            shape = view.named(name).shape if name[0] == "W" else (view.named(name).size, 1)
            rows, cols, a, inner_a, inner_b, b = map(int, SHAPES.search(rule.lines()[1]).groups())
            assert (inner_a, (rows, cols)) == (inner_b, shape) and (a, b) == (rows, cols)
            assert inner_a == 4  # the four examples, stacked
            assert flat(rule.matrix) == pytest.approx(flat(want.reshape(rows, cols).tolist()),
                                                      rel=1e-9, abs=1e-12)


def test_an_mlp_is_written_in_its_own_words_not_a_convolutions() -> None:
    *_, loss = batched_mlp()
    view = layer_view(loss)
    page = stepping_page(loss, group="layer")
    texts = [line for step in layer_steps(view) for line in explain_layer_step(step, view)]
    assert "windows" not in page and not any("windows" in line for line in texts)
    assert "∂z3/∂W3 = h2ᵀ" in page
    names = [layer.name for layer in view.layers]
    assert "y" in names and not any(re.fullmatch(r"x_\d+", name) for name in names)
    # the target and the number 4 are no parameters: no gradient line for either
    assert not any(line.startswith(("∂div1/∂y ", "∂div1/∂4 ")) for line in texts)
    assert "∂sub1/∂y" not in page and "∂div1/∂4" not in page
    steps_after_h2 = [line for line in texts if line.startswith("∂div1/∂h2 +=")]
    assert steps_after_h2 and "(3×4) = (3×1) · (1×4)" in steps_after_h2[0]
