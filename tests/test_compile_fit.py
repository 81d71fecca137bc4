"""fit(compile=True) trains exactly as fit(compile=False): the same History and parameters."""

from __future__ import annotations

import math
from typing import Any

import pytest

import nn
import optim

pytest.importorskip("numpy")

XS, MOONS = nn.make_moons(24, seed=3)
SINE_XS, SINE_YS = nn.noisy_sine(20, seed=2)
LABELS = {
    "hinge": MOONS,
    "bce": [1 if y > 0 else 0 for y in MOONS],
    "mse": [0.5 * y for y in MOONS],
    "sse": [0.5 * y for y in MOONS],
    "cross_entropy": [(i * 7) % 3 for i in range(len(XS))],
}
OPTIMIZERS = {
    "sgd": lambda params: optim.SGD(params, lr=0.05),
    "momentum": lambda params: optim.SGD(params, lr=0.05, momentum=0.9),
    "rmsprop": lambda params: optim.RMSProp(params, lr=0.01),
    "adam": lambda params: optim.Adam(params, lr=0.02),
}


def train(compile: bool, loss: str, optimizer: str, l2: float, batch_size: int | None,
          **fit_options: Any) -> tuple[nn.History, list[float]]:
    outputs = 3 if loss == "cross_entropy" else 1
    model = nn.MLP(2, [6, 5, outputs], activation="tanh", seed=7)
    history = nn.fit(
        model, XS, LABELS[loss], loss=loss, optimizer=OPTIMIZERS[optimizer](model.parameters()),
        epochs=4, batch_size=batch_size, l2=l2, seed=11, progress=False, compile=compile,
        **fit_options,
    )
    return history, [p.data for p in model.parameters()]


def assert_same(a: tuple[nn.History, list[float]], b: tuple[nn.History, list[float]]) -> None:
    (history_a, params_a), (history_b, params_b) = a, b
    assert len(history_a.losses) == len(history_b.losses)
    for x, y in zip(history_a.losses + params_a, history_b.losses + params_b, strict=True):
        assert math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12), (x, y)
    assert history_a.accuracies == history_b.accuracies


@pytest.mark.parametrize("loss", list(LABELS))
@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_compiled_training_matches_eager_for_every_loss_and_optimizer(
    loss: str, optimizer: str
) -> None:
    assert_same(train(False, loss, optimizer, 0.0, None), train(True, loss, optimizer, 0.0, None))


@pytest.mark.parametrize("loss", list(LABELS))
@pytest.mark.parametrize("l2", [0.0, 1e-3])
@pytest.mark.parametrize("batch_size", [1, 5, 24, 100])
def test_compiled_training_matches_eager_for_every_l2_and_batch_size(
    loss: str, l2: float, batch_size: int
) -> None:
    assert_same(train(False, loss, "sgd", l2, batch_size), train(True, loss, "sgd", l2, batch_size))


def test_compiled_training_matches_eager_with_a_schedule_and_a_feature_model() -> None:
    def run(compile: bool) -> tuple[nn.History, list[float]]:
        model = nn.FeatureModel(nn.fourier(4))
        opt = optim.SGD(model.parameters(), lr=0.1)
        history = nn.fit(model, SINE_XS, SINE_YS, loss="mse", optimizer=opt, epochs=5,
                         batch_size=6, seed=1, progress=False, compile=compile,
                         lr_schedule=lambda k: 1.0 / (1 + k))
        return history, [p.data for p in model.parameters()]

    assert_same(run(False), run(True))


def test_the_exact_slope_of_bce_at_a_zero_logit_is_kept() -> None:
    # a linear model with zero weights gives logit 0 on every sample: slope sigma(0) - y
    ys = LABELS["bce"][:9]

    def run(compile: bool) -> list[float]:
        model = nn.MLP(2, [1], seed=0)
        for p in model.parameters():
            p.data = 0.0
        opt = optim.SGD(model.parameters(), lr=0.5)
        nn.fit(model, XS[:9], ys, loss="bce", optimizer=opt, epochs=1, progress=False,
               compile=compile)
        return [p.data for p in model.parameters()]

    eager, compiled = run(False), run(True)
    # by hand: ∂l/∂b = mean(σ(0) − y) = 0.5 − mean(y), and b = 0 − 0.5 · ∂l/∂b
    assert math.isclose(compiled[-1], -0.5 * (0.5 - sum(ys) / len(ys)), rel_tol=1e-12)
    for a, b in zip(eager, compiled, strict=True):
        assert math.isclose(a, b, rel_tol=1e-12)


def test_dropout_in_training_mode_is_refused_with_a_clear_error() -> None:
    class WithDropout(nn.Module):
        def __init__(self) -> None:
            self.mlp = nn.MLP(2, [4], seed=0)
            self.drop = nn.Dropout(0.5, seed=0)
            self.out = nn.Neuron(4, activation="linear", seed=0)

        def __call__(self, x: Any) -> Any:
            return self.out(self.drop(self.mlp(x)))

    model = WithDropout()
    before = [p.data for p in model.parameters()]
    with pytest.raises(ValueError, match=r"compile=True cannot train a model with Dropout"):
        nn.fit(model, XS, MOONS, loss="hinge", epochs=1, progress=False, compile=True)
    assert [p.data for p in model.parameters()] == before


def test_a_model_whose_graph_changes_from_call_to_call_is_refused() -> None:
    import random

    class Noisy(nn.Module):
        def __init__(self) -> None:
            self.neuron = nn.Neuron(2, activation="linear", seed=0)
            self._rng = random.Random(0)

        def __call__(self, x: Any) -> Any:
            return self.neuron(x) * self._rng.random()

    with pytest.raises(ValueError, match="built different graphs for two examples"):
        nn.fit(Noisy(), XS, MOONS, loss="hinge", epochs=1, progress=False, compile=True)


def test_a_model_that_branches_on_values_is_refused() -> None:
    class Branching(nn.Module):
        def __init__(self) -> None:
            self.neuron = nn.Neuron(2, activation="linear", seed=0)

        def __call__(self, x: Any) -> Any:
            z = self.neuron(x)
            return z if z.data > 0 else -z

    with pytest.raises(ValueError, match="depends on the input values"):
        nn.fit(Branching(), XS, MOONS, loss="hinge", epochs=1, progress=False, compile=True)


def test_a_loss_function_is_compiled_for_full_batch_training() -> None:
    def loss(predictions: list[Any], targets: list[Any]) -> Any:
        return nn.mse_loss(predictions, targets) + 0.1 * nn.sse_loss(predictions, targets)

    def run(compile: bool, batch_size: int | None) -> tuple[nn.History, list[float]]:
        model = nn.MLP(2, [5, 1], activation="sigmoid", seed=4)
        history = nn.fit(model, XS, LABELS["mse"], loss=loss, epochs=4, progress=False,
                         optimizer=optim.Adam(model.parameters(), lr=0.05),
                         batch_size=batch_size, seed=2, l2=1e-3, compile=compile)
        return history, [p.data for p in model.parameters()]

    assert_same(run(False, None), run(True, None))
    with pytest.warns(UserWarning, match="runs on the eager engine"):
        compiled = run(True, 5)
    assert_same(run(False, 5), compiled)


def test_a_loss_function_that_branches_on_values_is_refused() -> None:
    def loss(predictions: list[Any], targets: list[Any]) -> Any:
        return nn.mse_loss(predictions, targets) if predictions[0].data > 0 else predictions[0]

    with pytest.raises(ValueError, match="depends on the input values"):
        nn.fit(nn.MLP(2, [1], seed=0), XS, MOONS, loss=loss, epochs=1, progress=False,
               compile=True)


def test_bad_labels_are_refused_as_without_compile() -> None:
    labels = [2] * len(XS)
    model = nn.MLP(2, [1], seed=0)
    with pytest.raises(ValueError) as eager_error:
        nn.fit(model, XS, labels, loss="hinge", epochs=1, progress=False)
    with pytest.raises(ValueError) as compiled_error:
        nn.fit(model, XS, labels, loss="hinge", epochs=1, progress=False, compile=True)
    assert str(compiled_error.value) == str(eager_error.value)


def test_divergence_is_reported_as_without_compile() -> None:
    def run(compile: bool) -> tuple[str, list[float]]:
        model = nn.MLP(2, [4, 1], activation="relu", seed=0)
        with pytest.raises(nn.TrainingDiverged) as error:
            nn.fit(model, XS, [1e200 * y for y in MOONS], loss="mse",
                   optimizer=optim.SGD(model.parameters(), lr=1.0), epochs=3, progress=False,
                   compile=compile)
        return str(error.value), [p.data for p in model.parameters()]

    assert run(True) == run(False)


def test_examples_may_be_nested_lists_such_as_images() -> None:
    class ImageModel(nn.Module):
        def __init__(self) -> None:
            self.mlp = nn.MLP(4, [3, 1], activation="tanh", seed=5)

        def __call__(self, image: Any) -> Any:
            return self.mlp([pixel for row in image[0] for pixel in row])  # [1][2][2] -> 4

    images = [[[[x[0], x[1]], [x[0] * x[1], 1.0]]] for x in XS]

    def run(compile: bool) -> tuple[nn.History, list[float]]:
        model = ImageModel()
        history = nn.fit(model, images, MOONS, loss="hinge", epochs=3, batch_size=6, seed=0,
                         progress=False, compile=compile)
        return history, [p.data for p in model.parameters()]

    assert_same(run(False), run(True))
    with pytest.raises(ValueError, match=r"xs\[1\] is"):
        nn.fit(ImageModel(), [images[0], [[[1.0, 2.0]]]], [1, -1], loss="hinge", epochs=1,
               progress=False, compile=True)



def test_a_module_that_computes_a_batch_as_a_whole_is_refused() -> None:
    class BatchCentring(nn.Module):
        """Subtracts the batch mean, as batch norm does: not one graph per example."""

        def __call__(self, x: Any) -> Any:
            return x

        def forward_batch(self, xs: list[Any]) -> list[Any]:
            mean = sum(x for x in xs) / len(xs)
            return [x - mean for x in xs]

    class Model(nn.Module):
        def __init__(self) -> None:
            self.mlp = nn.MLP(2, [1], seed=0)
            self.centre = BatchCentring()

        def __call__(self, x: Any) -> Any:
            return self.centre(self.mlp(x))

    with pytest.raises(ValueError, match="computes each batch as a whole"):
        nn.fit(Model(), XS, MOONS, loss="hinge", epochs=1, progress=False, compile=True)


def test_compiled_training_matches_eager_with_validation_early_stopping_and_monitoring() -> None:
    xs_val, ys_val = nn.make_moons(10, seed=9)

    def run(compile: bool) -> tuple[nn.History, list[float]]:
        model = nn.MLP(2, [6, 1], activation="relu", seed=1)
        history = nn.fit(model, XS, MOONS, loss="hinge", epochs=6, batch_size=8, seed=3,
                         optimizer=optim.Adam(model.parameters(), lr=0.05), progress=False,
                         validation=(xs_val, ys_val), early_stopping=2, monitor=True,
                         compile=compile)
        return history, [p.data for p in model.parameters()]

    (eager, eager_params), (compiled, compiled_params) = run(False), run(True)
    assert_same((eager, eager_params), (compiled, compiled_params))
    assert eager.best_epoch == compiled.best_epoch
    for a, b in zip(eager.val_losses, compiled.val_losses, strict=True):
        assert math.isclose(a, b, rel_tol=1e-9)
    for layer, norms in eager.grad_norms.items():
        for a, b in zip(norms, compiled.grad_norms[layer], strict=True):
            assert math.isclose(a, b, rel_tol=1e-9)


@pytest.mark.parametrize("batch_norm", [False, True])
def test_a_sequential_model_compiles_with_batch_norm_in_training_mode_too(
    batch_norm: bool,
) -> None:
    # batch norm is compiled a whole batch at a time (tests/test_compiled_batchnorm.py)
    def run(compile: bool) -> tuple[nn.History, list[float]]:
        middle = [nn.BatchNorm1d(4), nn.Tanh()] if batch_norm else []
        model = nn.Sequential(nn.Linear(2, 4, seed=0), *middle, nn.Linear(4, 3, seed=1))
        history = nn.fit(model, XS, LABELS["cross_entropy"], loss="cross_entropy", epochs=3,
                         batch_size=7, seed=0, progress=False, compile=compile)
        return history, [p.data for p in model.parameters()]

    assert_same(run(False), run(True))
