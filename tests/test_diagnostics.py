"""Looking inside a network: layers, activation and gradient statistics, monitoring in fit."""

from __future__ import annotations

import math
import statistics
from typing import Any

import matplotlib
import pytest

import nn
from autograd import Parameter, Value, dot
from nn.inspection import layer_parameters, named_layers
from optim import SGD

matplotlib.use("Agg")


# ---- hand-built modules, shaped like a stack of layers (not MLP internals) -------------------

class Affine(nn.Module):
    """z = W x + b with given weights: a layer that holds its Parameters itself."""

    def __init__(self, weights: list[list[float]], biases: list[float]) -> None:
        self.weight = [Parameter(w) for row in weights for w in row]
        self.bias = [Parameter(b) for b in biases]
        self._shape = (len(weights), len(weights[0]))

    def __call__(self, x: list[Any]) -> list[Value]:
        rows, columns = self._shape
        return [dot(self.weight[o * columns:(o + 1) * columns], x) + self.bias[o]
                for o in range(rows)]


class ReLU(nn.Module):
    def __call__(self, values: list[Value]) -> list[Value]:
        return [v.relu() for v in values]


class Tanh(nn.Module):
    def __call__(self, values: list[Value]) -> list[Value]:
        return [v.tanh() for v in values]


class Stack(nn.Module):
    """Modules applied one after another, kept in a list as a sequential container would."""

    def __init__(self, *layers: nn.Module) -> None:
        self.layers = list(layers)

    def __call__(self, x: Any) -> Any:
        for layer in self.layers:
            x = layer(x)
        return x


class Wrapped(nn.Module):
    def __init__(self, net: nn.Module) -> None:
        self.scale = Parameter(2.0)
        self.net = net

    def __call__(self, x: Any) -> Value:
        return self.scale * self.net(x)[0]


INPUTS = [[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8], [2.0, 2.0]]


def grads_of(model: nn.Module) -> list[Any]:
    return [p.grad for p in model.parameters()]


# ---- which modules are layers ------------------------------------------------------------------

def test_an_mlps_layers_are_named_as_named_parameters_names_them() -> None:
    model = nn.MLP(2, [4, 3, 1], activation="relu", seed=0)
    assert [name for name, _ in named_layers(model)] == ["layers.0", "layers.1", "layers.2"]
    groups = layer_parameters(model)
    assert list(groups) == ["layers.0", "layers.1", "layers.2"]
    assert [len(ps) for ps in groups.values()] == [12, 15, 4]  # (2 + 1) 4, (4 + 1) 3, (3 + 1) 1
    assert [p for ps in groups.values() for p in ps] == model.parameters()


def test_stacks_are_looked_into_and_parameters_on_containers_keep_their_names() -> None:
    model = Wrapped(Stack(Affine([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0]), ReLU(), nn.Dropout(0.5)))
    names = [name for name, _ in named_layers(model)]
    assert names == ["net.layers.0", "net.layers.1", "net.layers.2"]
    groups = layer_parameters(model)
    assert list(groups) == ["scale", "net.layers.0"]
    assert groups["scale"] == [model.scale]
    features = nn.FeatureModel(nn.fourier(3))
    assert layer_parameters(features) == {"theta": features.parameters()}


# ---- activation statistics --------------------------------------------------------------------

def test_a_layer_forced_dead_reads_one() -> None:
    model = nn.MLP(2, [5, 3, 1], activation="relu", seed=0)
    for neuron in model.layers[1].neurons:  # every unit of layer 1 below zero for any input
        neuron.b.data = -100.0
    stats = nn.activation_stats(model, INPUTS)
    assert len(stats) == 3
    assert stats[1]["dead_fraction"] == 1.0
    assert stats[1]["mean"] == 0.0 and stats[1]["std"] == 0.0
    assert stats[0]["dead_fraction"] < 1.0
    assert stats[2]["dead_fraction"] == 0.0  # a linear output is never "dead"


def test_the_dead_fraction_counts_units_dead_for_every_input() -> None:
    # unit 0 is alive for some inputs only, unit 1 never: one of two units is dead
    model = Stack(Affine([[1.0, 0.0], [0.0, 0.0]], [0.0, -1.0]), ReLU())
    (_, relu_stats) = nn.activation_stats(model, INPUTS)
    assert relu_stats["dead_fraction"] == 0.5
    outputs = [max(x[0], 0.0) for x in INPUTS] + [0.0] * len(INPUTS)
    assert relu_stats["mean"] == pytest.approx(statistics.fmean(outputs), rel=1e-12)
    assert relu_stats["std"] == pytest.approx(statistics.pstdev(outputs), rel=1e-12)


def test_a_saturated_tanh_layer_reads_near_one() -> None:
    model = nn.MLP(2, [20, 1], activation="tanh", seed=0)
    for weight in model.layers[0].parameters():
        weight.data *= 50.0
    stats = nn.activation_stats(model, INPUTS)
    assert stats[0]["saturated_fraction"] > 0.9
    values = [math.tanh(50.0 * (sum(w.data / 50.0 * x for w, x in zip(n.w, xs, strict=True))
                                + n.b.data / 50.0)) for xs in INPUTS
              for n in model.layers[0].neurons]
    expected = sum(abs(v) > 0.97 for v in values) / len(values)
    assert stats[0]["saturated_fraction"] == pytest.approx(expected)
    assert stats[0]["dead_fraction"] == 0.0 and stats[1]["saturated_fraction"] == 0.0


def test_a_well_initialised_tanh_layer_is_not_saturated() -> None:
    stats = nn.activation_stats(nn.MLP(2, [20, 1], activation="tanh", seed=0), INPUTS)
    assert stats[0]["saturated_fraction"] < 0.1


def test_saturation_by_activation_module_and_by_sigmoid() -> None:
    model = Stack(Affine([[10.0, 0.0], [0.0, 0.01]], [0.0, 0.0]), Tanh())
    (_, tanh_stats) = nn.activation_stats(model, INPUTS)
    saturated = [abs(math.tanh(10 * x[0])) > 0.97 for x in INPUTS] + [False] * len(INPUTS)
    assert tanh_stats["saturated_fraction"] == sum(saturated) / len(saturated)
    sigmoid = nn.MLP(2, [3, 1], activation="sigmoid", seed=1)
    for neuron in sigmoid.layers[0].neurons:
        neuron.b.data = 40.0
    assert nn.activation_stats(sigmoid, INPUTS)[0]["saturated_fraction"] == 1.0


def test_statistics_leave_the_model_as_it_was() -> None:
    model = Wrapped(Stack(Affine([[1.0, 2.0]], [0.5]), nn.Dropout(0.5, seed=0)))
    model.train()
    for p in model.parameters():
        p.grad = 0.25
    before = [p.data for p in model.parameters()]
    nn.activation_stats(model, INPUTS)
    nn.gradient_stats(model, INPUTS, [1.0, 0.0, -1.0, 2.0])
    assert [p.data for p in model.parameters()] == before
    assert grads_of(model) == [0.25] * 4
    assert all(m.training for m in model.modules())
    assert [type(layer) for _, layer in named_layers(model)] == [Affine, nn.Dropout]
    assert not {"_recorded_outputs", "_recording_depth"} & set(vars(model.net.layers[0]))


def test_dropout_is_off_while_measuring() -> None:
    model = Stack(Affine([[1.0, 1.0]], [0.0]), nn.Dropout(0.9, seed=0))
    affine, dropout = nn.activation_stats(model, INPUTS)
    assert dropout == affine


def test_models_without_layers_and_empty_inputs_are_refused_naming_the_function() -> None:
    with pytest.raises(ValueError, match="activation_stats: FeatureModel has no layers"):
        nn.activation_stats(nn.FeatureModel(nn.fourier(2)), [0.5])
    with pytest.raises(ValueError, match="activation_stats: expected a non-empty list"):
        nn.activation_stats(nn.MLP(1, [2, 1]), [])
    with pytest.raises(ValueError, match="gradient_stats: unknown loss 'l1'"):
        nn.gradient_stats(nn.MLP(1, [2, 1]), [0.5], [1.0], loss="l1")
    with pytest.raises(TypeError, match=r"plot_activations: expected an nn\.Module"):
        nn.plot_activations(lambda x: x, [0.5])  # type: ignore[arg-type]


# ---- gradients per layer ------------------------------------------------------------------------

def test_the_output_layers_gradients_are_the_lectures_mse_derivative() -> None:
    # ∂l/∂ŷ_i = -2/n (y_i - ŷ_i) for l = 1/n Σ (y_i - ŷ_i)², derived on the slide
    model = nn.MLP(2, [4, 1], activation="tanh", seed=3)
    ys = [1.0, -0.5, 0.25, 2.0]
    model.eval()
    predictions = [float(model(x)) for x in INPUTS]
    model.train()
    expected = [-2 / 4 * (y - p) for y, p in zip(ys, predictions, strict=True)]
    stats = nn.gradient_stats(model, INPUTS, ys, "mse")
    assert len(stats) == 2
    assert stats[1]["mean"] == pytest.approx(statistics.fmean(expected), rel=1e-12)
    assert stats[1]["std"] == pytest.approx(statistics.pstdev(expected), rel=1e-12)


def test_hidden_gradients_follow_the_chain_rule_through_the_output_weights() -> None:
    # h = tanh(W1 x + b1), ŷ = w2 · h + b2: ∂l/∂h_j = Σ_i ∂l/∂ŷ_i · w2_j (per sample i)
    model = nn.MLP(2, [3, 1], activation="tanh", seed=5)
    ys = [0.0, 1.0, 0.0, 1.0]
    with_output = nn.gradient_stats(model, INPUTS, ys)
    model.eval()
    predictions = [float(model(x)) for x in INPUTS]
    w2 = [w.data for w in model.layers[1].neurons[0].w]
    hidden = [-2 / 4 * (y - p) * w for y, p in zip(ys, predictions, strict=True) for w in w2]
    assert with_output[0]["mean"] == pytest.approx(statistics.fmean(hidden), rel=1e-12)
    assert with_output[0]["std"] == pytest.approx(statistics.pstdev(hidden), rel=1e-12)


# ---- monitoring in fit ---------------------------------------------------------------------------

def norm(values: list[float]) -> float:
    return math.sqrt(sum(v * v for v in values))


def test_update_ratio_of_one_sgd_step_is_lr_times_grad_norm_over_parameter_norm() -> None:
    xs, ys = nn.noisy_sine(12, noise=0.1, seed=0)
    model = nn.MLP(1, [5, 1], activation="tanh", seed=1)
    lr = 0.05
    # the gradient of the first step, and the parameters it starts from
    loss = nn.mse_loss([model(x) for x in xs], ys)
    loss.backward()
    groups = layer_parameters(model)
    grads = {name: [float(p.grad) for p in ps] for name, ps in groups.items()}
    sizes = {name: norm([p.data for p in ps]) for name, ps in groups.items()}
    model.zero_grad()

    history = nn.fit(model, xs, ys, epochs=1, progress=False, monitor=True,
                     optimizer=SGD(model.parameters(), lr=lr))
    assert list(history.grad_norms) == list(history.update_ratios) == ["layers.0", "layers.1"]
    for name in groups:
        assert history.grad_norms[name] == [pytest.approx(norm(grads[name]), rel=1e-12)]
        expected = lr * norm(grads[name]) / sizes[name]
        assert history.update_ratios[name] == [pytest.approx(expected, rel=1e-9)]


def test_monitoring_records_one_number_per_layer_and_epoch_and_changes_no_result() -> None:
    xs, ys = nn.noisy_sine(16, noise=0.1, seed=1)
    watched, plain = (nn.MLP(1, [4, 4, 1], activation="relu", seed=2) for _ in range(2))
    history = nn.fit(watched, xs, ys, epochs=6, batch_size=5, seed=0, progress=False,
                     monitor=True, optimizer=SGD(watched.parameters(), lr=0.05))
    reference = nn.fit(plain, xs, ys, epochs=6, batch_size=5, seed=0, progress=False,
                       optimizer=SGD(plain.parameters(), lr=0.05))
    assert history.losses == reference.losses
    assert [p.data for p in watched.parameters()] == [p.data for p in plain.parameters()]
    assert {name: len(v) for name, v in history.grad_norms.items()} == {
        "layers.0": 6, "layers.1": 6, "layers.2": 6}
    assert all(r > 0 for ratios in history.update_ratios.values() for r in ratios)
    assert reference.grad_norms == {} and reference.update_ratios == {}


def test_a_feature_model_is_monitored_under_theta() -> None:
    xs, ys = nn.noisy_sine(10, seed=0)
    model = nn.FeatureModel(nn.fourier(3))  # θ starts at 0: the first ratio is infinite
    history = nn.fit(model, xs, ys, epochs=2, progress=False, monitor=True)
    assert list(history.update_ratios) == ["theta"]
    assert history.update_ratios["theta"][0] == math.inf
    assert 0 < history.update_ratios["theta"][1] < math.inf


def test_plot_diagnostics_draws_both_panels_with_the_guide_line() -> None:
    xs, ys = nn.noisy_sine(10, seed=0)
    model = nn.MLP(1, [4, 1], activation="tanh", seed=0)
    history = nn.fit(model, xs, ys, epochs=4, progress=False, monitor=True)
    norms_ax, ratios_ax = history.plot_diagnostics()
    norm_lines = {line.get_label(): list(line.get_ydata()) for line in norms_ax.get_lines()}
    assert norm_lines == history.grad_norms
    ratio_lines = {line.get_label(): list(line.get_ydata()) for line in ratios_ax.get_lines()}
    assert ratio_lines.pop("1e-3 (CS231n's guide)") == [1e-3, 1e-3]
    assert ratio_lines == history.update_ratios
    assert ratios_ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="monitor=True"):
        nn.fit(model, xs, ys, epochs=1, progress=False).plot_diagnostics()
    matplotlib.pyplot.close("all")


# ---- pictures ---------------------------------------------------------------------------------

def test_plot_activations_and_plot_gradients_draw_one_histogram_per_layer() -> None:
    model = nn.MLP(2, [6, 6, 1], activation="tanh", seed=0)
    ys = [1.0, -1.0, 1.0, -1.0]
    ax = nn.plot_activations(model, INPUTS)
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    stats = nn.activation_stats(model, INPUTS)
    assert len(labels) == len(ax.patches) == len(stats) == 3  # one histogram per layer
    assert labels[0].startswith("layers.0 (tanh): mean")
    assert f"saturated {stats[1]['saturated_fraction']:.0%}" in labels[1]
    assert labels[2].startswith("layers.2 (linear): mean")
    ax = nn.plot_activations(model, INPUTS, layers=["layers.0", "layers.1"])
    assert len(ax.patches) == 2
    ax = nn.plot_gradients(model, INPUTS, ys, "hinge", layers=["layers.0", "layers.2"])
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert [label.split(":")[0] for label in labels] == ["layers.0", "layers.2"]
    gradients = nn.gradient_stats(model, INPUTS, ys, "hinge")
    assert f"std {gradients[2]['std']:.2e}" in labels[1]
    with pytest.raises(ValueError, match=r"plot_activations: no layer 'layers\.7'; the layers are"):
        nn.plot_activations(model, INPUTS, layers=["layers.7"])
    matplotlib.pyplot.close("all")


def test_numpy_batches_are_accepted() -> None:
    np = pytest.importorskip("numpy")
    model = Stack(Affine([[1.0, 0.0], [0.0, -1.0]], [0.0, 0.0]), ReLU())
    as_lists = nn.activation_stats(model, INPUTS)
    assert nn.activation_stats(model, np.array(INPUTS)) == as_lists
    ys = [1.0, 0.0, 2.0, -1.0]
    wrapped = Wrapped(model)
    assert nn.gradient_stats(wrapped, np.array(INPUTS), np.array(ys)) == nn.gradient_stats(
        wrapped, INPUTS, ys)


def test_layers_written_pytorch_style_with_forward_are_watched_too() -> None:
    class Scale(nn.Module):
        def __init__(self, factor: float) -> None:
            self.factor = Parameter(factor)

        def forward(self, values: list[Value]) -> list[Value]:
            return [self.factor * v for v in values]

    class Net(nn.Module):
        def __init__(self) -> None:
            self.scale = Scale(-2.0)
            self.activation = ReLU()

        def forward(self, x: list[float]) -> list[Value]:
            return self.activation(self.scale([Value(v) for v in x]))

    model = Net()
    scale_stats, relu_stats = nn.activation_stats(model, INPUTS)
    scaled = [-2.0 * v for x in INPUTS for v in x]
    assert scale_stats["mean"] == pytest.approx(statistics.fmean(scaled), rel=1e-12)
    assert relu_stats["mean"] == pytest.approx(statistics.fmean(max(v, 0.0) for v in scaled))
    assert type(model.scale) is Scale
