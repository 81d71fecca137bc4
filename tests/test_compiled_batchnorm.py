"""fit(compile=True) trains a model with batch norm in training mode as fit(compile=False) does.

The compiled step traces the loss of a whole batch (``nn.coupled_step``); these tests hold it
to the eager engine: the same History, parameters and running statistics after epochs whose
last batch is smaller, a gradient agreeing with central differences, and the same ending when
a batch overflows. Most runs use plain SGD: Adam divides a gradient by its own size, and the
bias of a layer just before batch norm has an exact gradient of 0 (the batch mean takes it out
again), so Adam turns that gradient's rounding noise (1e-17, summed in another order compiled)
into steps of the learning rate's size; the test with Adam has no bias just before batch norm.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest

import autograd
import nn
import optim

np = pytest.importorskip("numpy")

XS, MOONS = nn.make_moons(10, seed=4)  # batches of 4: 4, 4 and a last batch of 2
CLASSES = [(i * 7) % 3 for i in range(len(XS))]
IMAGES = [[[[x[0], x[1], x[0] * x[1]], [x[1] - x[0], 1.0, x[0]], [0.5, x[1], -x[0]]]]
          for x in XS]  # one channel, 3x3


def assert_close(a: float, b: float) -> None:
    assert math.isclose(a, b, rel_tol=1e-10, abs_tol=1e-13), (a, b)


def assert_same_training(eager: tuple[Any, ...], compiled: tuple[Any, ...]) -> None:
    """The same losses and accuracies, parameters, running statistics and batch counts."""
    (history_a, params_a, buffers_a), (history_b, params_b, buffers_b) = eager, compiled
    assert len(history_a.losses) == len(history_b.losses)
    assert history_a.accuracies == history_b.accuracies
    for x, y in zip(history_a.losses + params_a, history_b.losses + params_b, strict=True):
        assert_close(x, y)
    assert [name for name, _ in buffers_a] == [name for name, _ in buffers_b]
    for (name, x), (_, y) in zip(buffers_a, buffers_b, strict=True):
        if name.endswith("num_batches_tracked"):
            assert x == y, name
        else:
            assert_close(x, y)


def mlp_with_batch_norm(outputs: int, momentum: float | None = 0.1) -> nn.Sequential:
    return nn.Sequential(nn.Linear(2, 4, seed=0), nn.BatchNorm1d(4, momentum=momentum),
                         nn.Tanh(), nn.Linear(4, outputs, seed=1))


def convnet_with_batch_norm() -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(1, 2, kernel_size=2, padding=1, seed=0), nn.BatchNorm2d(2),
                         nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8, 3, seed=1))


def fit_both(
    make_model: Callable[[], nn.Module], xs: list[Any], ys: list[Any], loss: str,
    make_optimizer: Callable[[list[Any]], optim.Optimizer] = lambda p: optim.SGD(p, lr=0.1),
    **options: Any,
) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """(eager, compiled): each fit's History, parameters and buffers, from the same start."""

    def run(compile: bool) -> tuple[Any, ...]:
        model = make_model()
        history = nn.fit(model, xs, ys, loss=loss, optimizer=make_optimizer(model.parameters()),
                         epochs=3, batch_size=4, seed=2, progress=False, compile=compile,
                         **options)
        return history, [p.data for p in model.parameters()], model.named_buffers()

    return run(False), run(True)


@pytest.mark.parametrize("loss", ["cross_entropy", "mse", "hinge"])
def test_batchnorm1d_trains_compiled_as_eager(loss: str) -> None:
    ys = {"cross_entropy": CLASSES, "mse": [0.5 * y for y in MOONS], "hinge": MOONS}[loss]
    outputs = 3 if loss == "cross_entropy" else 1
    eager, compiled = fit_both(lambda: mlp_with_batch_norm(outputs), XS, ys, loss)
    assert_same_training(eager, compiled)
    assert dict(compiled[2])["1.num_batches_tracked"] == 9  # 3 epochs of 3 batches


def test_batchnorm2d_trains_compiled_as_eager() -> None:
    eager, compiled = fit_both(convnet_with_batch_norm, IMAGES, CLASSES, "cross_entropy",
                               lambda p: optim.SGD(p, lr=0.1, momentum=0.9))
    assert_same_training(eager, compiled)
    assert dict(compiled[2])["1.num_batches_tracked"] == 9


def no_bias_before_batch_norm(outputs: int) -> nn.Sequential:
    return nn.Sequential(nn.BatchNorm1d(2, momentum=None), nn.Linear(2, 3, seed=5), nn.Tanh(),
                         nn.BatchNorm1d(3, momentum=0.3), nn.Linear(3, outputs, seed=6))


def test_cumulative_running_averages_and_adam_without_a_bias_before_batch_norm() -> None:
    eager, compiled = fit_both(lambda: no_bias_before_batch_norm(3), XS, CLASSES, "cross_entropy",
                               lambda p: optim.Adam(p, lr=0.05), l2=1e-3)
    assert_same_training(eager, compiled)


def test_the_last_batch_of_one_example_is_refused_as_eagerly_but_before_the_first_step() -> None:
    # 9 examples in batches of 4: the last holds one, and batch norm needs two values
    def run(compile: bool) -> tuple[str, bool]:
        model = mlp_with_batch_norm(1)
        start = model.state_dict()
        with pytest.raises(nn.BatchRequired) as error:
            nn.fit(model, XS[:9], MOONS[:9], loss="mse", epochs=1, batch_size=4,
                   progress=False, compile=compile)
        return str(error.value), model.state_dict() == start

    (eager, eager_unchanged), (compiled, compiled_unchanged) = run(False), run(True)
    assert compiled == eager
    assert compiled_unchanged and not eager_unchanged  # compiling traces every batch size first


def test_validation_early_stopping_and_monitoring_see_the_compiled_statistics() -> None:
    xs_val, ys_val = nn.make_moons(6, seed=8)
    ys = [0.5 * y for y in MOONS]

    def run(compile: bool) -> tuple[Any, ...]:
        model = mlp_with_batch_norm(1)
        history = nn.fit(model, XS, ys, loss="mse", epochs=5, batch_size=4, seed=2,
                         optimizer=optim.SGD(model.parameters(), lr=0.3), progress=False,
                         validation=(xs_val, [0.5 * y for y in ys_val]), early_stopping=2,
                         monitor=True, compile=compile)
        return history, [p.data for p in model.parameters()], model.named_buffers()

    eager, compiled = run(False), run(True)
    assert_same_training(eager, compiled)
    assert eager[0].best_epoch == compiled[0].best_epoch
    for x, y in zip(eager[0].val_losses, compiled[0].val_losses, strict=True):
        assert_close(x, y)  # in eval mode, with the running statistics of the steps taken
    for layer, norms in eager[0].grad_norms.items():
        for x, y in zip(norms, compiled[0].grad_norms[layer], strict=True):
            assert_close(x, y)


def test_the_whole_batch_gradient_agrees_with_central_differences() -> None:
    from nn.coupled_step import CoupledBatchStep

    model = nn.Sequential(nn.Linear(2, 2, seed=3), nn.BatchNorm1d(2), nn.Tanh(),
                          nn.Linear(2, 1, seed=4))
    model.train()
    xs, ys = XS[:3], [0.5, -1.0, 2.0]
    step = CoupledBatchStep(model, "mse", xs, ys, batch_size=3)
    parameters = model.parameters()
    theta = np.array([p.data for p in parameters])
    loss, gradient, _ = step.loss_and_gradients(theta, [0, 1, 2])

    saved = [value for _, value in model.named_buffers()]

    def eager_loss(at: list[float]) -> float:
        """The eager engine's mean squared error of the batch at parameters ``at``."""
        for p, value in zip(parameters, at, strict=True):
            p.data = value
        with autograd.no_grad():
            predictions = model.forward_batch(xs)
        model._set_buffers(saved)  # the eager pass moved the running statistics
        return sum((y - p[0].data) ** 2 for p, y in zip(predictions, ys, strict=True)) / 3

    assert_close(loss, eager_loss(theta.tolist()))
    h = 1e-6
    for i in range(len(theta)):
        up, down = theta.tolist(), theta.tolist()
        up[i] += h
        down[i] -= h
        central = (eager_loss(up) - eager_loss(down)) / (2 * h)
        assert math.isclose(gradient[i], central, rel_tol=1e-6, abs_tol=1e-8), (i, gradient[i])

    # the running statistics move only once the step is taken, by the batch's μ and σ² (by hand)
    assert model[1].running_mean == [0.0, 0.0] and model[1].num_batches_tracked == 0
    step.step_taken()
    w, b = [[p.data for p in row] for row in model[0].weight], [p.data for p in model[0].bias]
    z = np.array(xs) @ np.array(w).T + np.array(b)  # the batch norm's inputs, one row each
    for c in range(2):
        assert_close(model[1].running_mean[c], 0.1 * z[:, c].mean())
        assert_close(model[1].running_var[c], 0.9 + 0.1 * z[:, c].var(ddof=1))
    assert model[1].num_batches_tracked == 1
    step.step_taken()  # nothing pending: nothing moves
    assert model[1].num_batches_tracked == 1


def test_the_step_runs_as_the_rolled_program_and_falls_back_to_one_line_per_node(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from autograd.compiler.rolling import NotWorthRolling
    from nn.compiled_training import compiled_training

    model = mlp_with_batch_norm(3)
    step = compiled_training(model, "cross_entropy", XS, CLASSES, 4)
    assert step is not None and "def rolled(" in step.source

    def declined(*args: Any, **kwargs: Any) -> Any:
        raise NotWorthRolling("compile: nothing to roll")

    eager, _ = fit_both(lambda: mlp_with_batch_norm(3), XS, CLASSES, "cross_entropy")
    monkeypatch.setattr("nn.batch_gradient.roll", declined)
    step = compiled_training(mlp_with_batch_norm(3), "cross_entropy", XS, CLASSES, 4)
    assert step is not None and "def value_and_grad(" in step.source
    _, per_node = fit_both(lambda: mlp_with_batch_norm(3), XS, CLASSES, "cross_entropy")
    assert_same_training(eager, per_node)


def test_a_batch_given_up_on_is_computed_eagerly_and_moves_the_statistics_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from nn.compiled_step import NotFinite
    from nn.coupled_step import CoupledBatchStep

    compiled_batches = CoupledBatchStep.loss_and_gradients
    calls = [0]

    def sometimes_not_finite(self: CoupledBatchStep, theta: Any, batch: Any) -> Any:
        calls[0] += 1
        result = compiled_batches(self, theta, batch)  # its statistics are pending, then
        if calls[0] in (2, 3, 7):
            raise NotFinite
        return result

    monkeypatch.setattr(CoupledBatchStep, "loss_and_gradients", sometimes_not_finite)
    eager, compiled = fit_both(convnet_with_batch_norm, IMAGES, CLASSES, "cross_entropy")
    assert calls[0] == 9
    assert_same_training(eager, compiled)


def test_a_batch_whose_statistics_overflow_is_computed_eagerly_and_training_goes_on() -> None:
    # example 5 is in no traced batch; its square overflows, so its batches' variance is
    # infinite: the compiled program gives up on them and the eager engine computes them
    # (and takes their steps: the eager engine accepts the infinite variance, as it is)
    xs = [list(x) for x in XS]
    xs[5] = [1e200, -1e200]
    eager, compiled = fit_both(lambda: mlp_with_batch_norm(1), xs, [0.5 * y for y in MOONS],
                               "mse")
    assert_same_training(eager, compiled)
    assert dict(compiled[2])["1.num_batches_tracked"] == 9


def test_a_diverging_step_ends_fit_as_eagerly_with_the_last_steps_statistics() -> None:
    # in the third epoch the learning rate jumps so that a step would make a parameter infinite:
    # the running statistics are put back to those of the last step taken, compiled
    def run(compile: bool) -> tuple[str, list[float], list[tuple[str, float]]]:
        model = no_bias_before_batch_norm(3)
        with pytest.raises(nn.TrainingDiverged) as error:
            nn.fit(model, XS, CLASSES, loss="cross_entropy", epochs=4, batch_size=4,
                   seed=1, progress=False, compile=compile,
                   lr_schedule=lambda k: 0.1 if k < 2 else 1e308)
        return str(error.value), [p.data for p in model.parameters()], model.named_buffers()

    (eager_error, eager_params, eager_buffers) = run(False)
    (compiled_error, compiled_params, compiled_buffers) = run(True)
    assert "epoch 3 of 4" in eager_error
    assert compiled_error.split(" inf (from")[0] == eager_error.split(" inf (from")[0]
    for x, y in zip(eager_params, compiled_params, strict=True):
        assert_close(x, y)
    assert dict(eager_buffers)["0.num_batches_tracked"] >= 6  # two epochs of steps, and more
    assert [n for n, _ in compiled_buffers] == [n for n, _ in eager_buffers]
    for (_, x), (_, y) in zip(eager_buffers, compiled_buffers, strict=True):
        assert_close(x, y)


def test_dropout_and_other_batch_wide_modules_are_still_refused_beside_batch_norm() -> None:
    model = nn.Sequential(nn.Linear(2, 4, seed=0), nn.BatchNorm1d(4), nn.Dropout(0.5, seed=0),
                          nn.Linear(4, 1, seed=1))
    with pytest.raises(ValueError, match=r"Dropout.*draws a new mask"):
        nn.fit(model, XS, MOONS, loss="hinge", epochs=1, batch_size=4, progress=False,
               compile=True)


def test_a_loss_function_with_batch_norm_trains_eagerly_with_a_warning() -> None:
    def loss(p: Any, y: Any) -> Any:
        return nn.mse_loss(p, y)

    eager, compiled = mlp_with_batch_norm(1), mlp_with_batch_norm(1)
    nn.fit(eager, XS, MOONS, loss=loss, epochs=2, progress=False)
    with pytest.warns(UserWarning, match="batch norm in training mode"):
        nn.fit(compiled, XS, MOONS, loss=loss, epochs=2, progress=False, compile=True)
    for a, b in zip(eager.parameters(), compiled.parameters(), strict=True):
        assert a.data == b.data
    assert eager[1].running_mean == compiled[1].running_mean


def test_the_notebooks_batch_norm_convnet_trains_compiled_as_pytorch_does() -> None:
    pytest.importorskip("torch")
    from benchmarks.digits_epoch import COMPILED, TORCH, run_digits_epoch

    # 20 digits in batches of 8: two batches of 8 and a last one of 4, Adam, batch statistics
    runs = {run.engine: run for run in run_digits_epoch(20, batch_norm=True)}
    assert math.isclose(runs[COMPILED].mean_loss, runs[TORCH].mean_loss, rel_tol=1e-10)


def test_a_batch_norm_layer_used_twice_moves_its_statistics_twice_per_step() -> None:
    def model() -> nn.Sequential:
        shared = nn.BatchNorm1d(2, momentum=0.2)
        return nn.Sequential(shared, nn.Linear(2, 2, seed=1), nn.Tanh(), shared,
                             nn.Linear(2, 1, seed=2))

    eager, compiled = fit_both(model, XS, [0.5 * y for y in MOONS], "mse")
    assert_same_training(eager, compiled)
    assert dict(compiled[2])["0.num_batches_tracked"] == 18  # 9 steps, two passes each
