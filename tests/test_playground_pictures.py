"""The playground's pictures and explanations against hand-computed values on tiny networks."""

from __future__ import annotations

import math
import struct
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Callable, Sequence

import pytest

import nn
from autograd import Value
from nn.playground import Playground, boundary_grid, feature_tiles, unit_tiles
from nn.playground.pictures import activate
from nn.playground.render import NEGATIVE, POSITIVE, ZERO, colours, png

np = pytest.importorskip("numpy")

W1 = [[1.0, -1.0], [0.5, 2.0]]
B1 = [0.0, 0.5]
W2 = [2.0, -1.0]
B2 = 0.25


def tiny(activation: str = "tanh") -> nn.MLP:
    """MLP 2-2-1 with the weights above: ŷ = 2 σ(x1 - x2) - σ(0.5 x1 + 2 x2 + 0.5) + 0.25."""
    model = nn.MLP(2, [2, 1], activation=activation, seed=0)
    hidden, output = model.layers
    for neuron, weights, bias in zip(hidden.neurons, W1, B1, strict=True):
        for w, value in zip(neuron.w, weights, strict=True):
            w.data = value
        neuron.b.data = bias
    for w, value in zip(output.neurons[0].w, W2, strict=True):
        w.data = value
    output.neurons[0].b.data = B2
    return model


SIGMA = {
    "tanh": math.tanh,
    "relu": lambda z: max(z, 0.0),
    "sigmoid": lambda z: 1.0 / (1.0 + math.exp(-z)),
    "linear": lambda z: z,
}


def by_hand(x1: float, x2: float, activation: str) -> tuple[float, float, float]:
    sigma = SIGMA[activation]
    h1 = sigma(1.0 * x1 - 1.0 * x2 + 0.0)
    h2 = sigma(0.5 * x1 + 2.0 * x2 + 0.5)
    return h1, h2, 2.0 * h1 - 1.0 * h2 + 0.25


# ---- the boundary grid and the unit tiles --------------------------------------------------------

@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "linear"])
def test_boundary_grid_holds_the_output_at_each_grid_point(activation: str) -> None:
    grid = boundary_grid(tiny(activation), extent=(-1.0, 1.0, -2.0, 2.0), resolution=3)
    assert list(grid.x1) == [-1.0, 0.0, 1.0] and list(grid.x2) == [-2.0, 0.0, 2.0]
    assert grid.values.shape == (3, 3)
    for r, x2 in enumerate([-2.0, 0.0, 2.0]):  # rows: x2 from the bottom up
        for c, x1 in enumerate([-1.0, 0.0, 1.0]):
            assert grid.values[r][c] == pytest.approx(by_hand(x1, x2, activation)[2], rel=1e-12)


def test_the_grid_point_at_x1_1_x2_minus_1_by_hand() -> None:
    # ŷ(1, -1) = 2 tanh(1 + 1) - tanh(0.5 - 2 + 0.5) + 0.25 = 2 tanh 2 + tanh 1 + 0.25
    grid = boundary_grid(tiny(), extent=(-1.0, 1.0, -1.0, 1.0), resolution=3)
    assert grid.values[0][2] == pytest.approx(2 * math.tanh(2) + math.tanh(1) + 0.25, rel=1e-12)
    assert grid[0][2] == grid.values[0][2] and grid.shape == (3, 3) and len(grid) == 3
    assert (np.asarray(grid) == grid.values).all()


def test_unit_tiles_hold_each_hidden_units_activation() -> None:
    tiles = unit_tiles(tiny(), extent=(-1.0, 1.0, -1.0, 1.0), resolution=3)
    assert [len(layer) for layer in tiles] == [2]
    first, second = tiles[0]
    # h1[1] at (x1, x2) = (0, 1): tanh(0.5·0 + 2·1 + 0.5) = tanh 2.5
    assert second.values[2][1] == pytest.approx(math.tanh(2.5), rel=1e-12)
    for r, x2 in enumerate([-1.0, 0.0, 1.0]):
        for c, x1 in enumerate([-1.0, 0.0, 1.0]):
            h1, h2, _ = by_hand(x1, x2, "tanh")
            assert first.values[r][c] == pytest.approx(h1, rel=1e-12)
            assert second.values[r][c] == pytest.approx(h2, rel=1e-12)


def test_on_one_input_the_grid_is_the_fitted_curve() -> None:
    model = nn.MLP(1, [1], activation="linear", seed=0)
    model.layers[0].neurons[0].w[0].data = 3.0
    model.layers[0].neurons[0].b.data = -1.0
    grid = boundary_grid(model, extent=(0.0, 1.0), resolution=5)
    assert grid.x2 is None
    assert list(grid.values) == pytest.approx([3.0 * x - 1.0 for x in (0, 0.25, 0.5, 0.75, 1.0)])


def test_a_model_that_is_not_an_mlp_is_evaluated_point_by_point() -> None:
    model = nn.FeatureModel(nn.polynomial(2))
    for theta, value in zip(model.theta, [1.0, -2.0, 0.5], strict=True):
        theta.data = value
    grid = boundary_grid(model, extent=(-1.0, 1.0), resolution=3)
    assert list(grid.values) == pytest.approx([1 + 2 + 0.5, 1.0, 1 - 2 + 0.5])


def test_the_playgrounds_network_is_drawn_on_its_features() -> None:
    pg = Playground("circles", hidden=[2], features="polynomial", degree=2, seed=0)
    grid = pg.boundary_grid(resolution=4)
    points = [[x1, x2] for x2 in grid.x2 for x1 in grid.x1]
    expected = [pg.model(p).data for p in points]
    assert grid.values.ravel().tolist() == pytest.approx(expected, rel=1e-12)
    features = feature_tiles(pg.model, pg.extent, resolution=3)
    x1, x2 = features[0].x1, features[0].x2
    assert features[3].values[2][0] == pytest.approx(x1[0] * x2[2])  # the x1·x2 tile


@pytest.mark.parametrize("name", sorted(nn.ACTIVATIONS))
def test_the_fast_activations_agree_with_the_engines_ops(name: str) -> None:
    z = np.array([[-50.0, -2.0, -0.3], [0.0, 0.7, 40.0]])
    expected = [nn.ACTIVATIONS[name](Value(float(v))).data for v in z.ravel()]
    got = activate(name, z)
    assert got.shape == z.shape
    assert got.ravel().tolist() == pytest.approx(expected, rel=1e-12, abs=1e-300)


def test_a_bad_extent_or_resolution_is_refused() -> None:
    with pytest.raises(ValueError, match="boundary_grid: resolution must be an int >= 2, got 1"):
        boundary_grid(tiny(), (-1, 1, -1, 1), resolution=1)
    with pytest.raises(ValueError, match="boundary_grid: extent must be"):
        boundary_grid(tiny(), (-1, 1, -1), resolution=3)
    with pytest.raises(TypeError, match=r"unit_tiles: model must be an nn\.MLP"):
        unit_tiles(nn.FeatureModel(nn.fourier(2)), (0, 1), resolution=3)


# ---- clicking a unit or a weight -----------------------------------------------------------------

def numerical(f: Callable[[], float], parameter: Value, h: float = 1e-6) -> float:
    """Central difference of f() in ``parameter.data``."""
    saved = parameter.data
    parameter.data = saved + h
    up = f()
    parameter.data = saved - h
    down = f()
    parameter.data = saved
    return (up - down) / (2 * h)


def hinge(scores: Sequence[float], ys: Sequence[float]) -> float:
    return math.fsum(max(0.0, 1.0 - y * s) for s, y in zip(scores, ys, strict=True)) / len(ys)


def test_a_weights_gradient_and_its_chain_rule_match_central_differences() -> None:
    pg = Playground("moons", hidden=[3, 2], seed=1, n_samples=30, l2=0.01)
    pg.step(2)
    weight = pg.model.layers[0].neurons[1].w[0]

    def objective() -> float:
        scores = [pg.model(x).data for x in pg.xs_train]
        return hinge(scores, pg.ys_train) + 0.01 * sum(p.data**2 for p in pg.model.parameters())

    def point_loss() -> float:
        return hinge([pg.model(pg.xs_train[4]).data], [pg.ys_train[4]])

    grads = [p.grad for p in pg.model.parameters()]
    labels = [p.label for p in pg.model.parameters()]
    inspection = pg.inspect("W1[1,0]", point=4)
    assert [p.grad for p in pg.model.parameters()] == grads  # inspecting accumulates nothing
    assert inspection.kind == "weight" and inspection.value == weight.data
    assert inspection.gradient == pytest.approx(numerical(objective, weight), rel=1e-5)
    assert inspection.point_gradient == pytest.approx(numerical(point_loss, weight), abs=1e-8)
    text = str(inspection)
    assert "∂ℓ/∂W1[1,0] = " in text and "∂h1[1]/∂z1[1]" in text
    assert "∂(relu(1 - " in text  # the hinge loss's nodes read as formulas of ŷ
    assert [p.label for p in pg.model.parameters()] == labels  # inspecting relabels nothing
    assert pg.inspect("layers.0.neurons.1.w.0", point=4).gradient == inspection.gradient


def test_a_units_value_and_gradient_on_one_point() -> None:
    pg = Playground("moons", hidden=[2], seed=0, n_samples=20)
    neuron = pg.model.layers[0].neurons[1]
    x = pg.xs_train[3]
    h = math.tanh(neuron.w[0].data * x[0] + neuron.w[1].data * x[1] + neuron.b.data)
    out = pg.model.layers[1].neurons[0]
    score = out.w[0].data * math.tanh(
        sum(w.data * xi for w, xi in zip(pg.model.layers[0].neurons[0].w, x, strict=True))
        + pg.model.layers[0].neurons[0].b.data
    ) + out.w[1].data * h + out.b.data
    y = pg.ys_train[3]
    # ℓ = max(0, 1 - y ŷ): ∂ℓ/∂h = -y w_out inside the margin, 0 outside
    expected = -y * out.w[1].data if 1 - y * score > 0 else 0.0
    inspection = pg.inspect("h1[1]", point=3)
    assert inspection.value == pytest.approx(h, rel=1e-12)
    assert inspection.gradient == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("h3[0]", "no hidden layer 3"),
        ("h1[9]", "layer 1 has units 0..1, not 9"),
        ("W1[0,5]", "units of layer 1 have inputs 0..1, not 5"),
        ("W9[0,0]", "no layer 9"),
        ("theta", "cannot read 'theta'"),
    ],
)
def test_inspect_names_a_bad_name(name: str, message: str) -> None:
    pg = Playground("moons", hidden=[2], seed=0, n_samples=20)
    with pytest.raises(ValueError, match=f"Playground.inspect: {message}"):
        pg.inspect(name)
    with pytest.raises(ValueError, match=r"point must be a training point's index in 0\.\.9"):
        pg.inspect("h1[0]", point=10)


# ---- diagnostics ---------------------------------------------------------------------------------

def test_a_relu_unit_forced_dead_and_a_saturated_tanh_unit_are_reported() -> None:
    pg = Playground("moons", hidden=[3], activation="relu", seed=0, n_samples=20)
    dead = pg.model.layers[0].neurons[2]
    for w in dead.w:
        w.data = 0.0
    dead.b.data = -1.0
    layer = pg.diagnostics()[0]
    assert [u["dead"] for u in layer["units"]][2] is True
    assert layer["dead_fraction"] >= 1 / 3 - 1e-12
    assert layer["grad_norm"] is None and layer["update_ratio"] is None

    pg = Playground("moons", hidden=[2], activation="tanh", seed=0, n_samples=20)
    pg.model.layers[0].neurons[0].b.data = 10.0  # tanh(z) > 0.97 wherever |w·x| < 7.9
    units = pg.diagnostics()[0]["units"]
    assert units[0]["saturated_fraction"] == 1.0
    assert units[0]["mean"] == pytest.approx(1.0, abs=0.03)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_the_layer_numbers_agree_with_nn_activation_stats(activation: str) -> None:
    pg = Playground("moons", hidden=[4, 3], activation=activation, lr=1.0, seed=0, n_samples=40)
    pg.step(3)
    expected = nn.activation_stats(pg.model, pg.xs_train)  # the engine's Values, layer by layer
    for mine, theirs in zip(pg.diagnostics(), expected, strict=True):
        for key in ("mean", "std", "dead_fraction", "saturated_fraction"):
            assert mine[key] == pytest.approx(theirs[key], rel=1e-9, abs=1e-12), key


def test_the_update_ratio_is_the_steps_norm_over_the_weights_norm() -> None:
    pg = Playground("moons", hidden=[3], seed=0, n_samples=20, batch_size=None)
    before = pg.model.state_dict()
    pg.step(1)
    after = pg.model.state_dict()
    for index in range(2):
        names = [n for n in before if n.startswith(f"layers.{index}.")]
        step = math.sqrt(sum((after[n] - before[n]) ** 2 for n in names))
        size = math.sqrt(sum(before[n] ** 2 for n in names))
        grads = math.sqrt(sum((after[n] - before[n]) ** 2 for n in names)) / pg.lr
        report = pg.diagnostics()[index]
        assert report["update_ratio"] == pytest.approx(step / size, rel=1e-9)
        assert report["grad_norm"] == pytest.approx(grads, rel=1e-9)  # SGD: Δθ = -α g


# ---- the picture ---------------------------------------------------------------------------------

def test_colours_run_from_orange_through_grey_to_blue() -> None:
    rgb = colours(np.array([-2.0, -1.0, 0.0, 1.0, 5.0]), limit=1.0)
    assert [tuple(c) for c in rgb] == [NEGATIVE, NEGATIVE, ZERO, POSITIVE, POSITIVE]


def test_png_decodes_to_its_pixels() -> None:
    rgb = np.array([[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]], dtype=np.uint8)
    data = png(rgb)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (2, 2)
    start = data.index(b"IDAT") + 4
    (length,) = struct.unpack(">I", data[start - 8:start - 4])
    raw = zlib.decompress(data[start:start + length])
    assert raw == b"\x00" + bytes(range(1, 7)) + b"\x00" + bytes(range(7, 13))


def test_the_picture_is_svg_with_a_tile_per_unit_a_line_per_weight_and_every_point() -> None:
    pg = Playground("moons", hidden=[3, 2], seed=0, n_samples=20)
    pg.step(1)
    svg = pg.picture()
    root = ET.fromstring(svg)
    images = [e for e in root.iter() if e.tag.endswith("image")]
    assert len(images) == 2 + 3 + 2 + 1 + 1  # features, units, ŷ tile, the big output
    lines = [e for e in root.iter() if e.tag == "{http://www.w3.org/2000/svg}line"]
    assert len(lines) == 2 * 3 + 3 * 2 + 2 * 1  # one per weight
    circles = [e for e in root.iter() if e.tag.endswith("circle")]
    assert len(circles) == 20  # every train and test point
    assert "epoch 1 · train loss" in svg


def test_the_loss_chart_has_axes_with_epochs_and_loss_values() -> None:
    pg = Playground("moons", hidden=[3], seed=0, n_samples=20)
    pg.step(7)
    root = ET.fromstring(pg.picture())
    texts = {
        e.get("class"): [] for e in root.iter() if e.get("class") in ("tick", "axis-title")
    }
    for e in root.iter():
        if e.get("class") in texts:
            texts[e.get("class")].append(e.text)
    assert sorted(texts["axis-title"]) == ["epoch", "loss"]
    highest = max(pg.train_losses + pg.test_losses) * 1.05
    # the loss axis from 0 to just above the highest loss; the epochs from 1 to 7
    assert texts["tick"] == ["0", f"{highest:.3g}", "1", "7"]
    assert [e for e in root.iter() if e.get("class") == "axes"]


def test_the_static_view_is_in_the_mime_bundle_at_its_natural_size() -> None:
    pg = Playground("sine", hidden=[2], seed=0, n_samples=10)
    bundle = pg._repr_mimebundle_()
    html = bundle["text/html"]
    assert "Playground(sine" in bundle["text/plain"]
    # a box that scrolls sideways around the picture at its natural size, never shrunk
    assert html.startswith('<div class="backprop-graph" style="overflow: auto')
    assert '<svg style="max-width: none' in html
    svg = html[html.index("<svg") : -len("</div>")]
    ET.fromstring(svg)
    assert bundle["image/svg+xml"] == svg.replace('style="max-width: none; height: auto" ', "")
