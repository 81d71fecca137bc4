"""``fit(validation=..., early_stopping=...)``: held-out curves in eval mode, best epoch kept."""

from __future__ import annotations

from typing import Any

import matplotlib
import pytest

import autograd
import nn
from autograd import Value, no_grad
from optim import SGD, Adam

matplotlib.use("Agg")


def values_of(model: nn.Module) -> list[float]:
    return [p.data for p in model.parameters()]


def held_out_mse(model: nn.Module, xs: list[Any], ys: list[float]) -> float:
    """The mean squared error by hand, in eval mode, without any penalty."""
    model.eval()
    with no_grad():
        errors = [(y - float(model(x))) ** 2 for x, y in zip(xs, ys, strict=True)]
    model.train()
    return sum(errors) / len(errors)


class DropoutNet(nn.Module):
    """f(x) = W2 dropout(tanh(W1 x + b1)) + b2."""

    def __init__(self, p: float, seed: int) -> None:
        self.hidden = nn.Layer(1, 12, "tanh", seed=seed)
        self.dropout = nn.Dropout(p, seed=seed)
        self.output = nn.Layer(12, 1, "linear", seed=seed + 1)

    def __call__(self, x: Any) -> Value:
        return self.output(self.dropout(self.hidden(x)))[0]


def sine_split() -> tuple[list[float], list[float], list[float], list[float]]:
    xs, ys = nn.noisy_sine(40, noise=0.2, seed=2)
    return nn.train_test_split(xs, ys, seed=0)


# ---- validation curves ------------------------------------------------------------------------

def test_each_validation_loss_is_the_held_out_mse_after_that_epochs_step_without_l2() -> None:
    xs_train, xs_val, ys_train, ys_val = sine_split()
    model = nn.MLP(1, [8, 1], activation="tanh", seed=0)
    history = nn.fit(model, xs_train, ys_train, epochs=4, l2=0.1, progress=False,
                     optimizer=SGD(model.parameters(), lr=0.1), validation=(xs_val, ys_val))
    assert len(history.val_losses) == 4
    assert history.val_accuracies is None  # mse has no accuracy

    # the same training one epoch at a time (full-batch SGD keeps no state between epochs)
    step_by_step = nn.MLP(1, [8, 1], activation="tanh", seed=0)
    expected = []
    for _ in range(4):
        nn.fit(step_by_step, xs_train, ys_train, epochs=1, l2=0.1, progress=False,
               optimizer=SGD(step_by_step.parameters(), lr=0.1))
        expected.append(held_out_mse(step_by_step, xs_val, ys_val))
    assert history.val_losses == pytest.approx(expected, rel=1e-12)
    assert values_of(model) == values_of(step_by_step)


def test_the_validation_loss_leaves_out_the_l2_penalty() -> None:
    # Validate on the training data itself. With one full batch, losses[e + 1] is the loss at
    # the parameters that epoch e ended with, penalty included; val_losses[e] is the same
    # loss at the same parameters without the penalty.
    xs, ys = nn.noisy_sine(20, noise=0.2, seed=3)
    beta = 0.05
    norms = []

    def mse_noting_the_norm(predictions: list[Any], targets: list[Any]) -> Value:
        if autograd.is_recording():  # a training step: note ‖θ‖² at its parameters
            norms.append(sum(p.data ** 2 for p in model.parameters()))
        return nn.mse_loss(predictions, targets)

    model = nn.MLP(1, [6, 1], activation="tanh", seed=2)
    history = nn.fit(model, xs, ys, loss=mse_noting_the_norm, epochs=5, l2=beta, progress=False,
                     optimizer=SGD(model.parameters(), lr=0.1), validation=(xs, ys))
    for e in range(4):
        with_penalty = history.val_losses[e] + beta * norms[e + 1]
        assert history.losses[e + 1] == pytest.approx(with_penalty, rel=1e-12)
        assert history.val_losses[e] < history.losses[e + 1]


def test_validation_runs_in_eval_mode_without_a_graph_and_training_resumes_in_train_mode() -> None:
    xs_train, xs_val, ys_train, ys_val = sine_split()
    seen: list[tuple[int, bool, bool]] = []
    model = DropoutNet(p=0.5, seed=1)

    def spying_mse(predictions: list[Any], targets: list[Any]) -> Value:
        recorded = any(not p.is_leaf for p in predictions)
        seen.append((len(predictions), model.dropout.training, recorded))
        return nn.mse_loss(predictions, targets)

    history = nn.fit(model, xs_train, ys_train, loss=spying_mse, epochs=3, progress=False,
                     optimizer=Adam(model.parameters(), lr=0.01), validation=(xs_val, ys_val))
    n_train, n_val = len(xs_train), len(xs_val)
    # per epoch: one training batch in train mode with a graph, then the held-out set in eval
    # mode with no graph
    assert seen == [(n_train, True, True), (n_val, False, False)] * 3
    assert model.training and model.dropout.training
    # with dropout off the held-out loss is deterministic: it is the final model's eval loss
    assert history.val_losses[-1] == pytest.approx(held_out_mse(model, xs_val, ys_val), rel=1e-12)


def test_validation_does_not_draw_dropout_masks() -> None:
    xs_train, xs_val, ys_train, ys_val = sine_split()
    with_validation, without = DropoutNet(0.3, seed=4), DropoutNet(0.3, seed=4)
    for model, validation in ((with_validation, (xs_val, ys_val)), (without, None)):
        nn.fit(model, xs_train, ys_train, epochs=3, progress=False, validation=validation,
               optimizer=SGD(model.parameters(), lr=0.05))
    assert values_of(with_validation) == values_of(without)


def test_classification_records_validation_accuracy() -> None:
    xs, ys = nn.make_moons(60, noise=0.15, seed=1)
    xs_train, xs_val, ys_train, ys_val = nn.train_test_split(xs, ys, seed=1, stratify=True)
    model = nn.MLP(2, [8, 1], activation="relu", seed=0)
    history = nn.fit(model, xs_train, ys_train, loss="hinge", epochs=5, progress=False,
                     optimizer=SGD(model.parameters(), lr=0.3), validation=(xs_val, ys_val))
    assert history.val_accuracies is not None and len(history.val_accuracies) == 5
    with no_grad():
        scores = [model(x) for x in xs_val]
    assert history.val_accuracies[-1] == nn.accuracy(scores, ys_val)
    assert history.val_losses[-1] == pytest.approx(nn.hinge_loss(scores, ys_val).data, rel=1e-12)


def test_history_plot_draws_training_and_validation_curves() -> None:
    xs_train, xs_val, ys_train, ys_val = sine_split()
    model = nn.FeatureModel(nn.fourier(4))
    history = nn.fit(model, xs_train, ys_train, epochs=6, progress=False,
                     validation=(xs_val, ys_val), early_stopping=10)
    ax = history.plot()
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert list(lines["training loss"].get_ydata()) == history.losses
    assert list(lines["validation loss"].get_ydata()) == history.val_losses
    assert list(lines["validation loss"].get_xdata()) == [1, 2, 3, 4, 5, 6]
    assert history.best_epoch is not None
    assert f"best epoch ({history.best_epoch + 1})" in lines
    matplotlib.pyplot.close("all")


# ---- early stopping ---------------------------------------------------------------------------

def line_that_overshoots() -> tuple[nn.FeatureModel, list[float], list[float], list[float],
                                    list[float]]:
    """θ·x trained towards y = x while held-out targets are y = 0.5 x: the validation loss
    (θ - 0.5)² · mean(x²) falls while θ climbs to 0.5, then rises again."""
    xs = [0.2, 0.5, 0.9, 1.0]
    model = nn.FeatureModel(lambda x: [x], n=1)
    return model, xs, list(xs), xs, [0.5 * x for x in xs]


def test_early_stopping_restores_the_best_epochs_parameters_exactly() -> None:
    model, xs, ys, xs_val, ys_val = line_that_overshoots()
    history = nn.fit(model, xs, ys, epochs=100, progress=False, validation=(xs_val, ys_val),
                     early_stopping=3, optimizer=SGD(model.parameters(), lr=0.3))
    best = history.best_epoch
    assert best is not None and best > 0
    assert history.val_losses[best] == min(history.val_losses)
    # it stopped after 3 epochs in a row without a lower validation loss
    assert len(history.losses) == len(history.val_losses) == best + 1 + 3
    assert all(loss >= history.val_losses[best] for loss in history.val_losses[best + 1:])

    # the same training without early stopping, one epoch at a time: the parameters at the end
    # of the best epoch are exactly the ones the model ended with
    replay, *_ = line_that_overshoots()
    for _ in range(best + 1):
        nn.fit(replay, xs, ys, epochs=1, progress=False,
               optimizer=SGD(replay.parameters(), lr=0.3))
    assert values_of(model) == values_of(replay)
    assert held_out_mse(model, xs_val, ys_val) == pytest.approx(history.val_losses[best], rel=1e-12)


def test_the_best_epoch_is_restored_also_when_every_epoch_ran() -> None:
    model, xs, ys, xs_val, ys_val = line_that_overshoots()
    history = nn.fit(model, xs, ys, epochs=8, progress=False, validation=(xs_val, ys_val),
                     early_stopping=100, optimizer=SGD(model.parameters(), lr=0.3))
    assert len(history.val_losses) == 8
    best = history.best_epoch
    assert best is not None and best < 7
    assert held_out_mse(model, xs_val, ys_val) == pytest.approx(history.val_losses[best], rel=1e-12)


def test_early_stopping_works_on_a_plain_function_model_too() -> None:
    theta = autograd.Parameter(0.0)

    def model(x: float) -> Value:
        return theta * x

    xs = [0.2, 0.5, 0.9, 1.0]
    history = nn.fit(model, xs, xs, epochs=50, progress=False, early_stopping=2,
                     validation=(xs, [0.5 * x for x in xs]), optimizer=SGD([theta], lr=0.3))
    assert history.best_epoch is not None
    assert theta.data == pytest.approx(0.5, abs=0.1)
    assert len(history.val_losses) == history.best_epoch + 3


def test_early_stopping_without_validation_is_refused_before_anything_changes() -> None:
    model, xs, ys, _, _ = line_that_overshoots()
    model.theta[0].data = 0.25
    with pytest.raises(ValueError, match=r"fit: early_stopping=5 .*give validation="):
        nn.fit(model, xs, ys, early_stopping=5, progress=False)
    assert values_of(model) == [0.25]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"early_stopping": 0}, ValueError, "early_stopping"),
        ({"early_stopping": 2.5}, ValueError, "early_stopping must be an int >= 1, got 2.5"),
        ({"validation": ([1.0], [1.0, 2.0])}, ValueError, r"differ in length \(1 and 2\)"),
        ({"validation": ([], [])}, ValueError, "validation holds no samples"),
        ({"validation": ([1.0],)}, ValueError, "validation must be a pair"),
        ({"validation": 3}, TypeError, "validation must be a pair"),
        ({"monitor": "yes"}, TypeError, "monitor must be True or False"),
    ],
)
def test_bad_arguments_are_refused_and_change_nothing(
    kwargs: dict, error: type, message: str
) -> None:
    model, xs, ys, xs_val, ys_val = line_that_overshoots()
    model.theta[0].data = 0.25
    if "validation" not in kwargs:
        kwargs = {"validation": (xs_val, ys_val), **kwargs}
    with pytest.raises(error, match=message):
        nn.fit(model, xs, ys, progress=False, **kwargs)
    assert values_of(model) == [0.25]


def test_the_progress_bar_shows_the_validation_loss(capsys: pytest.CaptureFixture[str]) -> None:
    xs_train, xs_val, ys_train, ys_val = sine_split()
    nn.fit(nn.FeatureModel(nn.fourier(2)), xs_train, ys_train, epochs=2, progress=True,
           validation=(xs_val, ys_val))
    assert "val_loss=" in capsys.readouterr().err


def test_a_validation_input_that_overflows_stops_training_naming_it() -> None:
    model = nn.FeatureModel(lambda x: [Value(x).exp()], n=1)
    before = values_of(model)
    with pytest.raises(nn.TrainingDiverged, match="epoch 1 of 3: the validation forward pass "
                                                  "overflowed") as caught:
        nn.fit(model, [0.1, 0.2], [1.0, 1.0], epochs=3, progress=False,
               validation=([800.0], [1.0]))
    assert len(caught.value.history.losses) == 1 and caught.value.history.val_losses == []
    assert values_of(model) != before  # the epoch's step was taken; the error says where
