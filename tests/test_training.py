"""``nn.fit``: it learns the lecture's demos, follows the update rule, is seeded, stops on NaN."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pytest

import autograd
import nn
from autograd import Value, no_grad
from nn.training import History, TrainingDiverged, fit
from optim import SGD, Adam, LinearDecay, StepDecay

matplotlib.use("Agg")


def parameter_values(model: nn.Module) -> list[float]:
    return [p.data for p in model.parameters()]


def sine_data() -> tuple[list[float], list[float]]:
    return nn.noisy_sine(50, noise=0.1, seed=0)


def mean_squared_error(model: nn.Module, xs: list[float], targets: list[float]) -> float:
    with no_grad():
        return sum((float(model(x)) - y) ** 2 for x, y in zip(xs, targets, strict=True)) / len(xs)


# ---- it learns ---------------------------------------------------------------------------------

def test_mlp_separates_the_two_moons() -> None:
    # micrograd's demo: 100 points, MLP 2-16-16-1 relu, hinge loss + 1e-4 L2, full-batch SGD
    # with lr = 1.0 - 0.9 k/100, 100 steps.
    xs, ys = nn.make_moons(100, noise=0.1, seed=0)
    model = nn.MLP(2, [16, 16, 1], activation="relu", seed=0)
    history = fit(
        model, xs, ys, loss="hinge", l2=1e-4, optimizer=SGD(model.parameters(), lr=1.0),
        epochs=100, progress=False, lr_schedule=lambda k: 1.0 - 0.9 * k / 100,
    )
    with no_grad():
        scores = [model(x) for x in xs]
    assert nn.accuracy(scores, ys) == 1.0
    assert history.accuracies is not None and history.accuracies[-1] == 1.0
    assert history.losses[-1] < history.losses[0] / 10


def test_mlp_fits_a_noisy_sine() -> None:
    xs, ys = sine_data()
    model = nn.MLP(1, [16, 1], activation="tanh", seed=0)
    history = fit(model, xs, ys, optimizer=Adam(model.parameters(), lr=0.1), epochs=200,
                  progress=False)
    assert history.accuracies is None
    # The noise has variance 0.01 and sin(2πx) variance 0.5: below 0.03 the curve is learnt.
    assert mean_squared_error(model, xs, ys) < 0.03
    assert mean_squared_error(model, xs, [math.sin(2 * math.pi * x) for x in xs]) < 0.015


def test_fourier_feature_model_fits_a_noisy_sine() -> None:
    xs, ys = sine_data()
    model = nn.FeatureModel(nn.fourier(4))
    fit(model, xs, ys, optimizer=SGD(model.parameters(), lr=0.5), epochs=50, progress=False)
    assert mean_squared_error(model, xs, ys) < 0.015
    assert mean_squared_error(model, xs, [math.sin(2 * math.pi * x) for x in xs]) < 0.002


# ---- it follows the update rule ----------------------------------------------------------------

def test_full_batch_epochs_are_gradient_descent_steps_on_the_mse() -> None:
    # f_θ(x) = θᵀβ(x) with β_i(x) = sin(iπx); l = 1/n Σ (θᵀβ(x) − y)², ∇l = 2/n Σ (θᵀβ − y) β.
    xs, ys = sine_data()
    model = nn.FeatureModel(nn.fourier(3), seed=7)
    theta = np.array(parameter_values(model))
    features = np.array([[math.sin(i * math.pi * x) for i in (1, 2, 3)] for x in xs])
    targets = np.array(ys)
    expected_losses = []
    for _ in range(3):
        residuals = features @ theta - targets
        expected_losses.append(np.mean(residuals**2))
        theta = theta - 0.3 * (2 / len(xs)) * features.T @ residuals

    history = fit(model, xs, ys, optimizer=SGD(model.parameters(), lr=0.3), epochs=3,
                  progress=False)
    np.testing.assert_allclose(parameter_values(model), theta, rtol=1e-10)
    np.testing.assert_allclose(history.losses, expected_losses, rtol=1e-10)


def test_l2_adds_beta_times_the_squared_norm_to_the_recorded_loss() -> None:
    xs, ys = sine_data()
    model = nn.FeatureModel(nn.fourier(3), seed=7)
    theta = np.array(parameter_values(model))
    features = np.array([[math.sin(i * math.pi * x) for i in (1, 2, 3)] for x in xs])
    expected = np.mean((features @ theta - np.array(ys)) ** 2) + 0.5 * theta @ theta
    history = fit(model, xs, ys, optimizer=SGD(model.parameters(), lr=0.0), epochs=1, l2=0.5,
                  progress=False)
    assert history.losses == pytest.approx([expected], rel=1e-12)


def test_a_larger_l2_beta_gives_smaller_parameters() -> None:
    xs, ys = sine_data()
    norms = []
    for beta in (0.0, 0.01, 0.1):
        model = nn.FeatureModel(nn.fourier(4))
        fit(model, xs, ys, optimizer=SGD(model.parameters(), lr=0.3), epochs=60, l2=beta,
            progress=False)
        norms.append(math.hypot(*parameter_values(model)))
    assert norms[0] > norms[1] > norms[2]


def test_minibatches_take_one_step_per_batch_and_the_default_optimizer_is_sgd() -> None:
    steps = []

    class CountingSGD(SGD):
        def step(self) -> None:
            steps.append(len(steps))
            super().step()

    xs, ys = sine_data()
    model = nn.FeatureModel(nn.fourier(3), seed=1)
    fit(model, xs, ys, optimizer=CountingSGD(model.parameters(), lr=0.1), epochs=2,
        batch_size=15, progress=False)
    assert len(steps) == 2 * 4  # 50 samples in batches of 15: 15, 15, 15, 5

    default = nn.FeatureModel(nn.fourier(3), seed=1)
    explicit = nn.FeatureModel(nn.fourier(3), seed=1)
    fit(default, xs, ys, epochs=3, progress=False)
    fit(explicit, xs, ys, optimizer=SGD(explicit.parameters(), lr=0.1), epochs=3, progress=False)
    assert parameter_values(default) == parameter_values(explicit)


def test_a_fixed_seed_gives_the_same_losses_twice() -> None:
    xs, ys = nn.make_moons(30, seed=2)

    def train(seed: int) -> list[float]:
        model = nn.MLP(2, [4, 1], activation="tanh", seed=0)
        optimizer = Adam(model.parameters(), lr=0.05)
        return fit(model, xs, ys, loss="hinge", optimizer=optimizer, epochs=5, batch_size=8,
                   seed=seed, progress=False).losses

    first = train(seed=11)
    assert train(seed=11) == first
    assert train(seed=12) != first  # the seed does decide the shuffling


# ---- schedules -----------------------------------------------------------------------------

def test_a_schedule_is_stepped_once_per_epoch() -> None:
    xs, ys = sine_data()
    model = nn.FeatureModel(nn.fourier(2))
    optimizer = SGD(model.parameters(), lr=0.4)
    fit(model, xs, ys, optimizer=optimizer, epochs=5, batch_size=10, progress=False,
        lr_schedule=StepDecay(optimizer, step_size=2, gamma=0.5))
    assert optimizer.lr == pytest.approx(0.4 * 0.5 ** (5 // 2))

    other = SGD(model.parameters(), lr=0.4)
    with pytest.raises(ValueError, match="different optimizer"):
        fit(model, xs, ys, optimizer=optimizer, lr_schedule=LinearDecay(other), progress=False)


def test_a_schedule_function_sets_the_rate_of_each_epoch() -> None:
    xs, ys = sine_data()
    model = nn.FeatureModel(nn.fourier(2))
    optimizer = SGD(model.parameters(), lr=1.0)
    rates = []
    fit(model, xs, ys, optimizer=optimizer, epochs=4, progress=False,
        lr_schedule=lambda k: rates.append(k) or 0.1 / (k + 1))
    assert rates == [0, 1, 2, 3]
    assert optimizer.lr == pytest.approx(0.1 / 4)
    with pytest.raises(ValueError, match=r"lr_schedule\(0\) gave an invalid learning rate: -1"):
        fit(model, xs, ys, optimizer=optimizer, epochs=2, lr_schedule=lambda k: -1,
            progress=False)


# ---- classification accuracy ---------------------------------------------------------------

def test_accuracy_is_recorded_for_bce_and_cross_entropy() -> None:
    xs, labels = nn.make_moons(40, seed=1)
    bits = [1.0 if y > 0 else 0.0 for y in labels]
    classes = [int(y > 0) + (x[0] > 1.5) for x, y in zip(xs, labels, strict=True)]

    binary = nn.MLP(2, [3, 1], activation="tanh", seed=4)
    with no_grad():  # lr = 0: the parameters stay, so every epoch's accuracy is this one
        predicted = [1.0 if float(binary(x)) > 0 else 0.0 for x in xs]
    expected = np.mean([p == b for p, b in zip(predicted, bits, strict=True)])
    history = fit(binary, xs, bits, loss="bce", optimizer=SGD(binary.parameters(), lr=0.0),
                  epochs=2, progress=False)
    assert history.accuracies == [expected, expected]

    multi = nn.MLP(2, [3, 3], activation="tanh", seed=4)
    with no_grad():
        logits = [[float(z) for z in multi(x)] for x in xs]
    expected = np.mean([int(np.argmax(z)) == k for z, k in zip(logits, classes, strict=True)])
    history = fit(multi, xs, classes, loss="cross_entropy",
                  optimizer=SGD(multi.parameters(), lr=0.0), epochs=1, progress=False)
    assert history.accuracies == [expected]


def test_a_custom_loss_function_is_used_as_given() -> None:
    xs, ys = sine_data()
    model = nn.FeatureModel(nn.fourier(2))

    def mean_absolute_error(predictions: list[Any], targets: list[Any]) -> Value:
        return autograd.sum(abs(p - y) for p, y in zip(predictions, targets, strict=True)) / len(
            targets
        )

    history = fit(model, xs, ys, loss=mean_absolute_error, epochs=1,
                  optimizer=SGD(model.parameters(), lr=0.0), progress=False)
    assert history.losses == pytest.approx([np.mean(np.abs(ys))], rel=1e-12)  # θ = 0 predicts 0


# ---- divergence --------------------------------------------------------------------------------

def test_a_nan_loss_stops_training_and_keeps_the_last_finite_parameters() -> None:
    xs, ys = sine_data()
    calls = []

    def loss_that_breaks_in_epoch_3(predictions: list[Any], targets: list[Any]) -> Value:
        calls.append(1)
        loss = nn.mse_loss(predictions, targets)
        return loss * math.nan if len(calls) == 3 else loss

    model = nn.FeatureModel(nn.fourier(3), seed=5)
    with pytest.raises(TrainingDiverged, match=r"epoch 3 of 10: the loss is nan") as caught:
        fit(model, xs, ys, loss=loss_that_breaks_in_epoch_3, epochs=10,
            optimizer=SGD(model.parameters(), lr=0.5, momentum=0.9), progress=False)
    assert isinstance(caught.value, ArithmeticError)
    assert caught.value.epoch == 3 and math.isnan(caught.value.loss)
    assert len(caught.value.history.losses) == 2

    two_epochs = nn.FeatureModel(nn.fourier(3), seed=5)
    fit(two_epochs, xs, ys, epochs=2, optimizer=SGD(two_epochs.parameters(), lr=0.5, momentum=0.9),
        progress=False)
    assert parameter_values(model) == parameter_values(two_epochs)


def test_a_learning_rate_far_too_large_diverges_with_finite_parameters() -> None:
    xs, ys = sine_data()
    model = nn.FeatureModel(nn.polynomial(3), seed=0)
    with pytest.raises(TrainingDiverged, match="training diverged in epoch"):
        fit(model, xs, ys, optimizer=SGD(model.parameters(), lr=50.0), epochs=500, progress=False)
    assert all(math.isfinite(value) for value in parameter_values(model))


def test_a_non_finite_gradient_from_a_finite_loss_stops_before_the_step() -> None:
    xs, ys = sine_data()

    def square_root_at_zero(predictions: list[Any], targets: list[Any]) -> Value:
        # sqrt(u) at u = 0 is finite, its derivative 1/(2√u) is not
        return autograd.sum((p - p.data + 0.0) ** 2 for p in predictions).sqrt()

    model = nn.FeatureModel(nn.fourier(2), seed=3)
    before = parameter_values(model)
    with pytest.raises(TrainingDiverged, match=r"epoch 1 of 5: the gradient of parameter 0"):
        fit(model, xs, ys, loss=square_root_at_zero, epochs=5, progress=False)
    assert parameter_values(model) == before


# ---- progress bar and plot -------------------------------------------------------------------

def test_the_progress_bar_appears_only_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    xs, ys = sine_data()
    fit(nn.FeatureModel(nn.fourier(2)), xs, ys, epochs=3, progress=False)
    quiet = capsys.readouterr()
    assert quiet.out == "" and quiet.err == ""

    fit(nn.FeatureModel(nn.fourier(2)), xs, ys, epochs=3, progress=True)
    shown = capsys.readouterr()
    assert shown.out == ""
    assert "3/3" in shown.err and "loss=" in shown.err


def test_history_plot_draws_one_point_per_epoch() -> None:
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes

    history = History(losses=[3.0, 2.0, 1.5, 1.25])
    ax = history.plot()
    try:
        assert isinstance(ax, Axes)
        (line,) = ax.get_lines()
        assert list(line.get_xdata()) == [1, 2, 3, 4]
        assert list(line.get_ydata()) == history.losses
        assert ax.get_xlabel() == "epoch"
    finally:
        plt.close(ax.figure)

    figure, given = plt.subplots()
    try:
        assert history.plot(ax=given) is given
    finally:
        plt.close(figure)


# ---- invalid arguments ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"ys": [0.0] * 49}, ValueError, r"xs and ys differ in length \(50 and 49\)"),
        ({"xs": [], "ys": []}, ValueError, "no samples"),
        ({"epochs": 0}, ValueError, "epochs must be an int >= 1, got 0"),
        ({"epochs": 2.5}, ValueError, "epochs must be an int >= 1, got 2.5"),
        ({"batch_size": 0}, ValueError, "batch_size must be an int >= 1, got 0"),
        ({"loss": "l1"}, ValueError, "unknown loss 'l1'; choose one of mse, sse, hinge"),
        ({"loss": 3}, TypeError, "loss must be a name or a function"),
        ({"l2": -0.1}, ValueError, "l2 must be a finite number >= 0, got -0.1"),
        ({"optimizer": "adam"}, TypeError, "optimizer must be an optim.Optimizer"),
        ({"lr_schedule": 0.5}, TypeError, "lr_schedule must be a Schedule or a function"),
        ({"seed": 1.5}, TypeError, "seed must be an int or None"),
    ],
)
def test_invalid_arguments_raise_and_change_nothing(
    arguments: dict[str, Any], error: type[Exception], message: str
) -> None:
    xs, ys = sine_data()
    model = nn.FeatureModel(nn.fourier(3), seed=2)
    before = parameter_values(model)
    call: dict[str, Any] = {"xs": xs, "ys": ys, "progress": False, **arguments}
    with pytest.raises(error, match=message):
        fit(model, **call)
    assert parameter_values(model) == before


# ---- the model's output must fit the loss; NumPy numbers are numbers ---------------------------

@pytest.mark.parametrize("loss", ["hinge", "mse", "bce"])
def test_a_model_with_two_outputs_for_a_one_output_loss_is_named(loss: str) -> None:
    xs, ys = nn.make_moons(10, seed=0)
    model = nn.MLP(2, [3, 2], seed=0)
    before = parameter_values(model)
    with pytest.raises(
        TypeError,
        match=rf"fit: loss '{loss}' needs one Value per sample, but the model returned a list "
              rf"of 2 outputs for sample \d+",
    ):
        fit(model, xs, [max(y, 0.0) for y in ys], loss=loss, progress=False)
    assert parameter_values(model) == before


def test_cross_entropy_with_a_one_output_model_is_named() -> None:
    model = nn.MLP(2, [1], seed=0)
    with pytest.raises(TypeError, match="fit: loss 'cross_entropy' needs a list of class logits"):
        fit(model, [[0.0, 1.0]], [0], loss="cross_entropy", progress=False)


def test_numpy_integers_and_floats_work_as_fit_arguments() -> None:
    xs, ys = nn.make_moons(30, seed=2)

    def train(seed: Any, epochs: Any, batch_size: Any, l2: Any) -> list[float]:
        model = nn.MLP(2, [4, 1], activation="tanh", seed=0)
        optimizer = Adam(model.parameters(), lr=0.05)
        return fit(model, xs, ys, loss="hinge", optimizer=optimizer, epochs=epochs,
                   batch_size=batch_size, l2=l2, seed=seed, progress=False).losses

    # 0.25 is exact in float32, so both runs must be the same to the last bit
    assert train(np.int64(11), np.int64(3), np.int64(8), np.float32(0.25)) == train(11, 3, 8, 0.25)


def test_a_schedule_function_giving_numpy_floats_leaves_a_saveable_optimizer() -> None:
    xs, ys = sine_data()
    model = nn.FeatureModel(nn.fourier(3), seed=2)
    optimizer = SGD(model.parameters(), lr=0.1)
    fit(model, xs, ys, optimizer=optimizer, epochs=2, progress=False,
        lr_schedule=lambda k: np.float32(0.25))
    assert json.loads(json.dumps(optimizer.state_dict()))["hyperparameters"]["lr"] == 0.25


def test_a_step_to_infinite_parameters_stops_training_with_the_last_finite_ones(
    tmp_path: Path,
) -> None:
    xs, ys = sine_data()
    ys = [1000 * y for y in ys]  # gradients of hundreds: lr * g overflows on the first step
    model = nn.FeatureModel(nn.fourier(2), seed=3)
    before = parameter_values(model)
    with pytest.raises(TrainingDiverged, match=r"epoch 1 of 5: SGD\.step: the step would make"):
        fit(model, xs, ys, optimizer=SGD(model.parameters(), lr=1e308), epochs=5, progress=False)
    assert parameter_values(model) == before  # the first step was refused, nothing moved
    model.save(tmp_path / "still_saves.json")
