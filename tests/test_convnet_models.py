"""Linear, activations, Flatten and Sequential; forward_batch, fit, save/load and the digits."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

import nn
import optim
from autograd import Parameter, Value
from nn import (
    BatchNorm1d,
    BatchNorm2d,
    Conv2d,
    Flatten,
    Linear,
    MaxPool2d,
    ModelFileError,
    ReLU,
    Sequential,
    Sigmoid,
    Tanh,
)
from nn.shapes import flatten

from .convnet_oracle import check_gradients, image, weighted_sum


def convnet(channels: int = 2, seed: int = 0) -> Sequential:
    return Sequential(
        Conv2d(1, channels, 3, padding=1, seed=seed),
        BatchNorm2d(channels),
        ReLU(),
        MaxPool2d(2),
        Flatten(),
        Linear(channels * 2 * 2, 3, seed=seed + 1),
    )


# ---- Linear, activations, Flatten ----------------------------------------------------------


def test_linear_by_hand_and_against_central_differences() -> None:
    layer = Linear(2, 2)
    for o, (row, b) in enumerate([([1.0, -2.0], 0.5), ([3.0, 4.0], -1.0)]):
        layer.weight[o][0].data, layer.weight[o][1].data = row
        layer.bias[o].data = b
    assert [y.data for y in layer([2.0, 1.0])] == [2.0 - 2.0 + 0.5, 6.0 + 4.0 - 1.0]
    x = [Value(0.3), Value(-1.2), Value(0.7)]
    layer = Linear(3, 4, seed=2)
    check_gradients(lambda: weighted_sum(layer(x)), [*layer.parameters(), *x])
    assert len(layer.weight) == 4 and len(layer.weight[0]) == 3 and len(layer.bias) == 4
    assert repr(layer) == "Linear(in_features=3, out_features=4)"


def test_linear_shape_error_suggests_flatten() -> None:
    with pytest.raises(
        ValueError,
        match=r"Linear\(in_features=8.*expected .*\[8\], got \[2\]\[2\]\[2\]; put a Flatten",
    ):
        Linear(8, 2)(image(2, 2, 2))
    with pytest.raises(ValueError, match=r"got \[2\]\[8\]; this looks like a batch of 2 examples"):
        Linear(8, 2)([[1.0] * 8, [2.0] * 8])
    with pytest.raises(ValueError, match=r"expected an input of shape \[8\], got \[3\]"):
        Linear(8, 2)([1.0, 2.0, 3.0])


@pytest.mark.parametrize(
    ("module", "f", "derivative"),
    [
        (ReLU(), lambda z: max(z, 0.0), lambda z: 1.0 if z > 0 else 0.0),
        (Tanh(), math.tanh, lambda z: 1 - math.tanh(z) ** 2),
        (
            Sigmoid(),
            lambda z: 1 / (1 + math.exp(-z)),
            lambda z: math.exp(-z) / (1 + math.exp(-z)) ** 2,
        ),
    ],
)
def test_activations_apply_to_every_value_keeping_the_shape(module, f, derivative) -> None:  # type: ignore[no-untyped-def]
    x = [[[Value(-1.5), Value(0.0)], [Value(0.25), Value(2.0)]]]
    y = module(x)
    assert len(y) == 1 and [len(row) for row in y[0]] == [2, 2]
    assert [v.data for v in flatten(y)] == pytest.approx([f(v.data) for v in flatten(x)], rel=1e-15)
    for row_x, row_y in zip(x[0], y[0], strict=True):
        for v, out in zip(row_x, row_y, strict=True):
            out.backward()
            assert v.grad == pytest.approx(derivative(v.data), rel=1e-12)  # relu'(0) = 0
    assert module([1.0, -1.0])[0].data == pytest.approx(f(1.0), rel=1e-15)
    assert module(Value(0.5)).data == pytest.approx(f(0.5), rel=1e-15)
    assert module.parameters() == []
    assert repr(module) == f"{type(module).__name__}()"


def test_flatten_reads_channels_then_rows() -> None:
    x = [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]
    assert Flatten()(x) == [1, 2, 3, 4, 5, 6, 7, 8]
    with pytest.raises(ValueError, match=r"Flatten\(\): ragged"):
        Flatten()([[1, 2], [3]])


# ---- Sequential and forward_batch ------------------------------------------------------------


def test_sequential_chains_members_names_them_by_position_and_prints_like_pytorch() -> None:
    model = convnet()
    assert len(model) == 6 and isinstance(model[0], Conv2d)
    names = [name for name, _ in model.named_parameters()]
    assert names[0] == "0.weight.0.0.0.0" and names[-1] == "5.bias.2"
    assert model[0].weight[1][0][2][2].label == "0.weight.1.0.2.2"
    assert "1.running_mean.0" in model.state_dict()
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n"
        "  (1): BatchNorm2d(2, eps=1e-05, momentum=0.1)\n"
        "  (2): ReLU()\n"
        "  (3): MaxPool2d(kernel_size=(2, 2), stride=(2, 2))\n"
        "  (4): Flatten()\n"
        "  (5): Linear(in_features=8, out_features=3)\n"
        ")"
    )
    with pytest.raises(
        TypeError, match=r"Sequential: member 1 must be an nn\.Module, got builtin_function"
    ):
        Sequential(ReLU(), print)  # type: ignore[arg-type]


def test_train_and_eval_reach_every_member() -> None:
    model = convnet()
    model.eval()
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())


def test_forward_batch_defaults_to_one_call_per_example() -> None:
    layer = Linear(2, 1, seed=0)
    xs = [[1.0, 2.0], [3.0, -1.0]]
    assert [y[0].data for y in layer.forward_batch(xs)] == [layer(x)[0].data for x in xs]
    mlp = nn.MLP(2, [3, 1], seed=0)
    assert [y.data for y in mlp.forward_batch(xs)] == [mlp(x).data for x in xs]  # type: ignore[union-attr]
    expected = r"Linear\.forward_batch: xs \(the examples\) must be a list, .* got float 3\.0"
    with pytest.raises(TypeError, match=expected):
        layer.forward_batch(3.0)  # type: ignore[arg-type]


def test_sequential_forward_batch_gives_batch_norm_the_batch() -> None:
    model = convnet()
    xs = [image(1, 4, 4, seed=s) for s in range(3)]
    with pytest.raises(nn.BatchRequired, match="forward_batch"):
        model(xs[0])
    outputs = model.forward_batch(xs)
    assert len(outputs) == 3 and all(len(y) == 3 for y in outputs)
    assert model[1].num_batches_tracked == 1
    leaves = [*model.parameters(), *flatten(xs)]
    check_gradients(lambda: weighted_sum(model.forward_batch(xs)), leaves, tolerance=1e-5)
    model.eval()
    single = [y.data for y in model(xs[0])]
    assert single == [y.data for y in model.forward_batch(xs)[0]]


def test_fit_trains_a_convnet_with_batch_norm_in_batches() -> None:
    xs = [image(1, 4, 4, seed=s) for s in range(12)]
    xs = [[[[v.data for v in row] for row in channel] for channel in x] for x in xs]
    ys = [int(x[0][0][0] > 0) + int(x[0][3][3] > 0) for x in xs]  # classes 0, 1, 2
    model = convnet(channels=3, seed=4)
    history = nn.fit(
        model,
        xs,
        ys,
        loss="cross_entropy",
        optimizer=optim.Adam(model.parameters(), lr=0.05),
        epochs=15,
        batch_size=4,
        seed=0,
        progress=False,
    )
    assert history.losses[-1] < 0.5 * history.losses[0]
    assert model[1].num_batches_tracked == 15 * 3
    assert model[1].running_mean != [0.0, 0.0, 0.0]


# ---- saving and loading ------------------------------------------------------------------------


def test_save_load_round_trip_of_a_convnet_with_batch_norm(tmp_path: Path) -> None:
    model = convnet(seed=1)
    model.forward_batch([image(1, 4, 4, seed=s) for s in range(4)])  # running statistics move
    model.eval()
    path = tmp_path / "convnet.json"
    model.save(path)
    fresh = convnet(seed=9)
    assert fresh.state_dict() != model.state_dict()
    fresh.load(path)
    assert fresh.state_dict() == model.state_dict()
    assert fresh[1].running_var == model[1].running_var
    assert isinstance(fresh[1].num_batches_tracked, int) and fresh[1].num_batches_tracked == 1
    fresh.eval()
    x = image(1, 4, 4, seed=7)
    assert [y.data for y in fresh(x)] == [y.data for y in model(x)]
    other = convnet(seed=3)
    nn.load(other, path)  # the function form loads as well
    assert other.state_dict() == model.state_dict()


@pytest.mark.parametrize(
    "other",
    [
        lambda: convnet(channels=3),
        lambda: Sequential(
            Conv2d(1, 2, 3, padding=0),
            BatchNorm2d(2),
            ReLU(),
            MaxPool2d(2),
            Flatten(),
            Linear(8, 3),
        ),
        lambda: Sequential(
            Conv2d(1, 2, 3, padding=1),
            BatchNorm2d(2, momentum=0.2),
            ReLU(),
            MaxPool2d(2),
            Flatten(),
            Linear(8, 3),
        ),
        lambda: Sequential(
            Conv2d(1, 2, 3, padding=1),
            BatchNorm1d(2),
            ReLU(),
            MaxPool2d(2),
            Flatten(),
            Linear(8, 3),
        ),
    ],
)
def test_a_saved_convnet_refuses_another_architecture(tmp_path: Path, other) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "convnet.json"
    convnet().save(path)
    target = other()
    before = target.state_dict()
    with pytest.raises(ModelFileError, match="saved from another architecture"):
        target.load(path)
    assert target.state_dict() == before


def test_load_state_dict_checks_buffers_too() -> None:
    model = convnet()
    state = model.state_dict()
    del state["1.running_var.1"]
    with pytest.raises(nn.StateDictError, match=r"missing '1.running_var.1'"):
        model.load_state_dict(state)
    state = model.state_dict()
    state["1.running_mean.0"] = math.nan
    before = model.state_dict()
    with pytest.raises(nn.StateDictError, match=r"'1.running_mean.0' must be finite"):
        model.load_state_dict(state)
    assert model.state_dict() == before
    for name, value, problem in [
        ("1.running_var.0", -0.5, "is a variance and must be >= 0, got -0.5"),
        ("1.num_batches_tracked", 2.5, "counts batches and must be a whole number >= 0, got 2.5"),
        ("1.num_batches_tracked", -1, "counts batches and must be a whole number >= 0, got -1"),
    ]:
        state = model.state_dict()
        state[name] = value
        with pytest.raises(nn.StateDictError, match=re.escape(f"{name!r} {problem}")):
            model.load_state_dict(state)
        assert model.state_dict() == before


def test_nested_lists_of_parameters_and_named_modules() -> None:
    class Grid(nn.Module):
        def __init__(self) -> None:
            self.cells = [[Parameter(1.0), Parameter(2.0)], [Parameter(3.0)]]
            self.inner = Linear(1, 1, seed=0)

    grid = Grid()
    assert [name for name, _ in grid.named_parameters()] == [
        "cells.0.0",
        "cells.0.1",
        "cells.1.0",
        "inner.weight.0.0",
        "inner.bias.0",
    ]
    model = convnet()
    assert [name for name, _ in model.named_modules()] == ["", "0", "1", "2", "3", "4", "5"]


# ---- the digits ------------------------------------------------------------------------


def test_load_digits_gives_scikit_learns_digits_as_one_channel_images() -> None:
    datasets = pytest.importorskip("sklearn.datasets")
    xs, ys = nn.load_digits()
    assert len(xs) == len(ys) == 1797
    assert all(len(x) == 1 and len(x[0]) == 8 and all(len(row) == 8 for row in x[0]) for x in xs)
    assert all(isinstance(y, int) and 0 <= y <= 9 for y in ys)
    pixels = [p for x in xs for p in flatten(x)]
    assert all(isinstance(p, float) for p in pixels)
    assert min(pixels) == 0.0 and max(pixels) == 1.0
    reference = datasets.load_digits()
    assert xs[5][0][3][4] == reference.images[5][3][4] / 16.0
    assert ys[:10] == [int(y) for y in reference.target[:10]]


def test_numpy_arrays_are_accepted_as_examples_and_batches() -> None:
    np = pytest.importorskip("numpy")
    model = convnet()
    batch = np.arange(3 * 16, dtype=float).reshape(3, 1, 4, 4) / 48.0
    from_arrays = model.forward_batch(batch)
    from_lists = model.forward_batch(batch.tolist())
    assert [[v.data for v in y] for y in from_arrays] == [[v.data for v in y] for y in from_lists]
    model.eval()
    assert [v.data for v in model(batch[0])] == [v.data for v in model(batch[0].tolist())]
    assert Flatten()(np.ones((2, 2))) == [1.0] * 4
    assert [v.data for v in ReLU()(np.array([-1.0, 2.0]))] == [0.0, 2.0]
