"""The playground's state machine, headless: it trains as fit does, resets, takes controls."""

from __future__ import annotations

import copy
import math
import subprocess
import sys
from typing import Any

import pytest

import nn
import optim
from nn.playground import Playground

pytest.importorskip("numpy")

SMALL = {"n_samples": 40, "hidden": [4, 3], "lr": 0.1, "seed": 3}


def reference_optimizer(name: str, model: nn.Module, lr: float) -> optim.Optimizer:
    """The optimizer the playground names, made here as a user of optim would."""
    params = model.parameters()
    return {
        "sgd": lambda: optim.SGD(params, lr=lr),
        "momentum": lambda: optim.SGD(params, lr=lr, momentum=0.9),
        "rmsprop": lambda: optim.RMSProp(params, lr=lr),
        "adam": lambda: optim.Adam(params, lr=lr),
    }[name]()


def mean_loss(loss: str, model: nn.Module, xs: list[Any], ys: list[float]) -> float:
    """The loss of ``model`` on (xs, ys), computed from its outputs by formula."""
    scores = [model(x).data for x in xs]
    if loss == "hinge":
        terms = [max(0.0, 1.0 - y * s) for s, y in zip(scores, ys, strict=True)]
    elif loss == "mse":
        terms = [(y - s) ** 2 for s, y in zip(scores, ys, strict=True)]
    else:  # bce, labels ±1 read as 1/0
        terms = [
            math.log1p(math.exp(-s)) if y > 0 else math.log1p(math.exp(s))
            for s, y in zip(scores, ys, strict=True)
        ]
    return math.fsum(terms) / len(terms)


# ---- play for k steps == fit for k steps ------------------------------------------------------

@pytest.mark.parametrize(
    ("optimizer", "batch_size", "loss", "l2"),
    [
        ("sgd", 10, None, 0.0),
        ("sgd", None, "mse", 1e-3),
        ("momentum", 7, "bce", 0.0),
        ("rmsprop", 10, None, 1e-2),
        ("adam", None, None, 0.0),
    ],
)
def test_k_steps_equal_fit_for_k_epochs_with_the_same_settings_and_seed(
    optimizer: str, batch_size: int | None, loss: str | None, l2: float
) -> None:
    pg = Playground(
        "moons", optimizer=optimizer, batch_size=batch_size, loss=loss, l2=l2, **SMALL
    )
    model = nn.MLP(2, [4, 3, 1], activation="tanh", seed=3)
    assert model.state_dict() == pg.model.state_dict()  # the same start, built independently
    loss_name = loss or "hinge"
    targets = [(y + 1) / 2 for y in pg.ys_train] if loss_name == "bce" else pg.ys_train

    pg.step(4)
    history = nn.fit(
        model, pg.xs_train, targets, loss=loss_name,
        optimizer=reference_optimizer(optimizer, model, 0.1), epochs=4,
        batch_size=batch_size, l2=l2, seed=3, progress=False,
    )

    assert pg.train_losses == history.losses
    assert pg.model.state_dict() == model.state_dict()
    assert pg.epoch == 4 and len(pg.test_losses) == 4
    assert pg.test_losses[-1] == pytest.approx(
        mean_loss(loss_name, model, pg.xs_test, pg.ys_test), rel=1e-12
    )


def test_regression_on_the_sine_trains_as_fit_with_mse() -> None:
    pg = Playground("sine", hidden=[5], activation="relu", lr=0.05, seed=1, n_samples=30)
    assert pg.task == "regression" and pg.loss_name == "mse"
    model = nn.MLP(1, [5, 1], activation="relu", seed=1)
    pg.step(3)
    history = nn.fit(model, pg.xs_train, pg.ys_train, loss="mse",
                     optimizer=optim.SGD(model.parameters(), lr=0.05), epochs=3, batch_size=10,
                     seed=1, progress=False)
    assert pg.train_losses == history.losses
    assert pg.model.state_dict() == model.state_dict()


def test_the_split_holds_out_test_fraction_of_the_data_set() -> None:
    pg = Playground("moons", n_samples=40, test_fraction=0.25, noise=0.0, seed=5)
    xs, ys = nn.make_moons(40, noise=0.0, seed=5)
    assert len(pg.xs_test) == 10 and len(pg.xs_train) == 30
    points = [tuple(x) for x in pg.xs_train + pg.xs_test]
    together = sorted(zip(points, pg.ys_train + pg.ys_test, strict=True))
    assert together == sorted(zip(map(tuple, xs), ys, strict=True))


def test_features_feed_the_network_and_a_linear_model_on_them_is_allowed() -> None:
    pg = Playground("circles", hidden=[], features="polynomial", degree=2, seed=0)
    assert pg.input_features.names() == ["x1", "x2", "x1²", "x1x2", "x2²"]
    model = pg.model
    assert len(model.layers) == 1 and model.layers[0].nin == 5
    x = [0.5, -2.0]
    w = [p.data for p in model.layers[0].neurons[0].w]
    expected = w[0] * 0.5 + w[1] * -2.0 + w[2] * 0.25 + w[3] * -1.0 + w[4] * 4.0
    assert model(x).data == pytest.approx(expected, rel=1e-12)
    sines = Playground("xor", features="sin", degree=2, seed=0).input_features
    assert sines.names() == ["sin(πx1)", "sin(πx2)", "sin(2πx1)", "sin(2πx2)"]
    assert sines([0.5, 0.25]) == pytest.approx(
        [1.0, math.sin(math.pi / 4), math.sin(math.pi), 1.0], abs=1e-15
    )


# ---- reset ------------------------------------------------------------------------------------

def test_reset_restores_the_start_and_training_again_repeats_itself() -> None:
    pg = Playground("xor", **SMALL)
    start = pg.model.state_dict()
    data = (copy.deepcopy(pg.xs_train), copy.deepcopy(pg.ys_test))
    pg.step(3)
    losses = list(pg.train_losses)
    assert pg.model.state_dict() != start
    model = pg.model
    pg.reset()
    assert pg.model is model and pg.model.state_dict() == start  # the same network, restored
    assert (pg.epoch, pg.train_losses, pg.test_losses) == (0, [], [])
    assert (pg.xs_train, pg.ys_test) == data
    pg.step(3)
    assert pg.train_losses == losses


# ---- controls mid-run -------------------------------------------------------------------------

def test_a_new_learning_rate_takes_effect_at_the_next_step() -> None:
    pg = Playground("moons", batch_size=None, **SMALL)
    model = nn.MLP(2, [4, 3, 1], activation="tanh", seed=3)
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    pg.step(2)
    nn.fit(model, pg.xs_train, pg.ys_train, loss="hinge", optimizer=optimizer, epochs=2,
           progress=False)
    pg.lr = 0.7
    assert pg.model.state_dict() == model.state_dict()  # nothing moved yet
    pg.step(1)
    optimizer.lr = 0.7
    nn.fit(model, pg.xs_train, pg.ys_train, loss="hinge", optimizer=optimizer, epochs=1,
           progress=False)
    assert pg.model.state_dict() == model.state_dict()
    assert pg.epoch == 3


def test_a_new_optimizer_and_l2_take_effect_at_the_next_step_keeping_the_weights() -> None:
    pg = Playground("blobs", batch_size=None, **SMALL)
    pg.step(2)
    model = copy.deepcopy(pg.model)
    pg.optimizer = "adam"
    pg.l2 = 0.01
    pg.step(1)
    nn.fit(model, pg.xs_train, pg.ys_train, loss="hinge", epochs=1, l2=0.01,
           optimizer=optim.Adam(model.parameters(), lr=0.1), progress=False)
    assert pg.model.state_dict() == model.state_dict()


def test_dropout_changed_mid_run_drops_units_from_the_next_step() -> None:
    pg = Playground("moons", batch_size=None, **SMALL)
    pg.step(1)
    without = copy.deepcopy(pg.model)
    pg.dropout = 0.5
    assert pg.model.dropout.p == 0.5 and pg.model.state_dict() == without.state_dict()
    hidden = pg.model.trace([0.3, 0.2])[0]
    assert any(h.data == 0.0 for h in hidden)  # seeded: some of the 4 units are dropped
    pg.model.eval()
    assert pg.model([0.3, 0.2]).data == without([0.3, 0.2]).data  # eval: no dropout
    pg.model.train()


def test_changing_the_data_or_the_network_starts_afresh() -> None:
    pg = Playground("moons", **SMALL)
    pg.step(2)
    pg.hidden = [5]
    assert pg.epoch == 0 and pg.train_losses == []
    assert pg.model.state_dict() == nn.MLP(2, [5, 1], activation="tanh", seed=3).state_dict()
    pg.data = "sine"
    assert pg.task == "regression" and pg.model.nin == 1


def test_a_bad_setting_is_refused_and_changes_nothing() -> None:
    pg = Playground("moons", **SMALL)
    pg.step(1)
    before = (pg.model.state_dict(), list(pg.train_losses), pg.lr)
    for name, value, message in [
        ("lr", -1.0, "lr must be a finite number >= 0, got -1.0"),
        ("data", "wobbly", "unknown data set 'wobbly'"),
        ("activation", "swish!", "unknown activation 'swish!'"),
        ("optimizer", "lbfgs", "unknown optimizer 'lbfgs'"),
        ("dropout", 1.0, "dropout must be a probability in"),
        ("batch_size", 0, "batch_size must be an int >= 1, got 0"),
        ("hidden", [4, 0], "each hidden width must be an int >= 1, got 0"),
        ("features", "cubes", "unknown features 'cubes'"),
    ]:
        with pytest.raises(ValueError, match=f"Playground: {message}"):
            setattr(pg, name, value)
        assert (pg.model.state_dict(), pg.train_losses, pg.lr) == before
    pg.loss = "hinge"
    with pytest.raises(ValueError, match="loss 'hinge' needs classes"):
        pg.data = ([0.0, 1.0, 2.0], [0.5, 1.5, 2.5])
    assert pg.data == "moons" and pg.epoch == 0  # the failed rebuild went back to the moons
    with pytest.raises(ValueError, match=r"Playground\.step: n must be an int >= 1"):
        pg.step(0)


# ---- the user's own data ------------------------------------------------------------------------

def test_own_data_in_the_plane_with_0_1_labels_is_classification() -> None:
    xs = [[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0], [0.2, 0.1], [0.9, 0.8]]
    ys = [0, 1, 0, 1, 0, 1]
    pg = Playground((xs, ys), hidden=[3], seed=0)
    assert pg.task == "classification"
    assert sorted(pg.ys_train + pg.ys_test) == [-1.0] * 3 + [1.0] * 3
    assert ys == [0, 1, 0, 1, 0, 1]  # the caller's list is left alone
    pg.step(2)
    assert len(pg.train_losses) == 2


def test_own_data_on_a_line_is_regression() -> None:
    xs = [0.0, 0.25, 0.5, 0.75, 1.0, 1.25]
    pg = Playground((xs, [x * x for x in xs]), hidden=[2], seed=0)
    assert pg.task == "regression" and pg.model.nin == 1 and len(pg.extent) == 2


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        (([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [1, -1]), ValueError,
         r"xs\[0\] has 3 coordinates; .* each x must be one number or a pair"),
        (([[1.0, 2.0], [4.0]], [1, -1]), ValueError,
         r"xs\[1\] has 1 coordinates but xs\[0\] has 2"),
        (([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], [1, -1]), ValueError,
         r"xs and ys differ in length \(3 and 2\)"),
        (([[1.0, 2.0], [3.0, 4.0]], [1, "b"]), ValueError, r"ys\[1\] must be a finite number"),
        (([[1.0, math.nan], [3.0, 4.0]], [1, -1]), ValueError, r"xs\[0\] must hold finite"),
        (([[1.0, 2.0]], [1]), ValueError, "at least 2 samples"),
        (([1.0, 2.0],), ValueError, r"a pair \(xs, ys\), got 1 items"),
        (7, TypeError, r"a data set's name or a pair \(xs, ys\), got int 7"),
        (("ab", [1, 2]), TypeError, "xs must be a list, a tuple or a NumPy array"),
        (([None, 1.0], [1, 2]), TypeError, r"xs\[0\] must be a number or a pair"),
    ],
)
def test_own_data_of_the_wrong_shape_is_a_clear_error(
    data: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match="Playground: " + ".*" + message):
        Playground(data)


def test_own_data_as_numpy_arrays_and_its_wrong_shapes() -> None:
    np = pytest.importorskip("numpy")
    xs = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    pg = Playground((xs, np.array([1, -1, 1, -1])), hidden=[2], seed=0)
    assert pg.task == "classification" and len(pg.xs_train) + len(pg.xs_test) == 4
    with pytest.raises(ValueError, match=r"xs\[0\] has 3 coordinates"):
        Playground((np.zeros((4, 3)), np.ones(4)))
    with pytest.raises(ValueError, match=r"ys\[0\] must be a finite number, got list"):
        Playground((xs, np.ones((4, 1))))


def test_batch_size_and_loss_changed_mid_run_apply_from_the_next_step() -> None:
    pg = Playground("moons", batch_size=None, **SMALL)
    pg.step(1)
    model = copy.deepcopy(pg.model)
    pg.batch_size = 5
    pg.loss = "mse"
    pg.step(1)
    history = nn.fit(model, pg.xs_train, pg.ys_train, loss="mse", epochs=1, batch_size=5,
                     seed=3, optimizer=optim.SGD(model.parameters(), lr=0.1), progress=False)
    assert pg.model.state_dict() == model.state_dict()
    assert pg.train_losses[-1] == history.losses[-1]


# ---- diverging ----------------------------------------------------------------------------------

def test_a_diverging_run_raises_and_keeps_the_last_finite_weights() -> None:
    xs = [[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]]
    pg = Playground((xs, [1.0, 2.0, 30.0, 4.0]), hidden=[], lr=10.0, batch_size=None, seed=0)
    with pytest.raises(nn.TrainingDiverged, match=r"Playground\.step: training diverged") as info:
        pg.step(200)
    assert all(math.isfinite(v) for v in pg.model.state_dict().values())
    assert info.value.epoch == pg.epoch + 1
    assert len(pg.train_losses) == pg.epoch


def test_a_step_that_would_leave_the_weights_infinite_is_refused_as_divergence() -> None:
    xs = [[1000.0, 0.0], [0.0, 1000.0], [-1000.0, 0.0], [0.0, -1000.0]]
    pg = Playground((xs, [1, 1, -1, -1]), hidden=[], lr=1e308, batch_size=None, loss="mse")
    start = pg.model.state_dict()
    with pytest.raises(nn.TrainingDiverged, match=r"training diverged in epoch 1") as info:
        pg.step(1)
    assert isinstance(info.value.__cause__, optim.NonFiniteStep)
    assert pg.model.state_dict() == start and pg.epoch == 0 and pg.train_losses == []


# ---- the built-in data sets ----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["moons", "circles", "xor", "spiral", "blobs"])
def test_each_data_set_in_the_plane_has_both_labels_and_repeats_for_a_seed(name: str) -> None:
    a = Playground(name, n_samples=30, noise=0.05, seed=2)
    b = Playground(name, n_samples=30, noise=0.05, seed=2)
    c = Playground(name, n_samples=30, noise=0.05, seed=3)
    assert a.dataset == b.dataset and a.dataset != c.dataset
    assert len(a.dataset.xs) == 30 and a.dataset.dimension == 2
    assert set(a.dataset.ys) == {-1.0, 1.0}
    assert abs(sum(a.dataset.ys)) <= 2  # balanced


def test_data_sets_without_noise_lie_where_their_definition_puts_them() -> None:
    circles = Playground("circles", n_samples=20, noise=0.0).dataset
    for (x1, x2), y in zip(circles.xs, circles.ys, strict=True):
        assert math.hypot(x1, x2) == pytest.approx(1.0 if y < 0 else 0.5)
    xor = Playground("xor", n_samples=20, noise=0.0).dataset
    for (x1, x2), y in zip(xor.xs, xor.ys, strict=True):
        assert y == (1.0 if x1 * x2 > 0 else -1.0)
    spiral = Playground("spiral", n_samples=20, noise=0.0).dataset
    for (x1, x2), y in zip(spiral.xs, spiral.ys, strict=True):
        t = math.hypot(x1, x2)
        angle = 1.75 * 2 * math.pi * t + (0.0 if y > 0 else math.pi)
        assert (x1, x2) == pytest.approx((t * math.sin(angle), t * math.cos(angle)), abs=1e-12)
    sine = Playground("sine", n_samples=10, noise=0.0).dataset
    for (x,), y in zip(sine.xs, sine.ys, strict=True):
        assert y == pytest.approx(math.sin(2 * math.pi * x), abs=1e-12)


# ---- importing nn stays light -------------------------------------------------------------------

def test_importing_nn_imports_neither_widgets_nor_plotting_nor_numpy() -> None:
    code = (
        "import sys, nn\n"
        "print(sorted(m for m in ('ipywidgets', 'matplotlib', 'numpy') if m in sys.modules))\n"
        "pg = nn.Playground(n_samples=10, hidden=[2])\n"
        "pg.step(1)\n"
        "print(sorted(m for m in ('ipywidgets', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["[]", "[]"]
