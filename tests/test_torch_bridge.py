"""to_torch, and each ConvNet layer checked against PyTorch as an oracle (skipped without torch)."""

from __future__ import annotations

import random
from typing import Any

import pytest

import nn
from autograd import Value
from nn import (
    AvgPool2d,
    BatchNorm1d,
    BatchNorm2d,
    Conv2d,
    Flatten,
    Linear,
    MaxPool2d,
    ReLU,
    Sequential,
    Sigmoid,
    Tanh,
)
from nn.shapes import flatten

torch = pytest.importorskip("torch")


def images(n: int, c: int, h: int, w: int, seed: int) -> list[Any]:
    rng = random.Random(seed)
    return [
        [[[rng.gauss(0, 1) for _ in range(w)] for _ in range(h)] for _ in range(c)]
        for _ in range(n)
    ]


def tensor(xs: Any) -> Any:
    return torch.tensor(xs, dtype=torch.float64, requires_grad=True)


def numbers(outputs: Any) -> list[float]:
    return [float(v) for v in flatten(outputs)]


def convnet(seed: int = 0) -> Sequential:
    return Sequential(
        Conv2d(2, 3, 3, stride=1, padding=1, seed=seed),
        BatchNorm2d(3),
        ReLU(),
        MaxPool2d(2),
        Conv2d(3, 4, (2, 1), stride=(1, 2), seed=seed + 1),
        Tanh(),
        AvgPool2d(1),
        Flatten(),
        Linear(4 * 2 * 1, 5, seed=seed + 2),
        BatchNorm1d(5, momentum=None),
        Sigmoid(),
        Linear(5, 3, seed=seed + 3),
    )


def test_to_torch_gives_the_same_outputs_and_gradients_in_training_and_eval() -> None:
    model = convnet()
    xs = images(4, 2, 6, 5, seed=1)
    torch_model = to_torch_checked(model)
    assert torch_model.training
    ours = model.forward_batch([[[[Value(p) for p in row] for row in c] for c in x] for x in xs])
    x_t = tensor(xs)
    theirs = torch_model(x_t)
    assert theirs.dtype == torch.float64 and theirs.shape == (4, 3)
    assert (
        max(abs(a - b) for a, b in zip(numbers(ours), theirs.flatten().tolist(), strict=True))
        < 1e-12
    )
    # the same loss backward in both: every parameter's gradient agrees
    weights = [random.Random(k).uniform(-1, 1) for k in range(12)]
    loss = sum((w * y for w, y in zip(weights, flatten(ours), strict=True)), Value(0.0))
    loss.backward()
    (theirs.flatten() * torch.tensor(weights, dtype=torch.float64)).sum().backward()
    theirs_grads = [g for p in torch_model.parameters() for g in p.grad.flatten().tolist()]
    ours_grads = [p.grad for p in model.parameters()]
    assert len(ours_grads) == len(theirs_grads)
    assert max(abs(a - b) for a, b in zip(ours_grads, theirs_grads, strict=True)) < 1e-12
    # both updated their running statistics alike
    assert model[1].running_var == pytest.approx(torch_model[1].running_var.tolist(), abs=1e-12)
    assert model[9].running_mean == pytest.approx(torch_model[9].running_mean.tolist(), abs=1e-12)
    model.eval()
    torch_model = nn.to_torch(model)
    assert not torch_model.training
    for x, row in zip(xs, torch_model(tensor(xs)).tolist(), strict=True):
        assert max(abs(a - b) for a, b in zip(numbers(model(x)), row, strict=True)) < 1e-12


def to_torch_checked(model: nn.Module) -> Any:
    torch_model = nn.to_torch(model)
    assert isinstance(torch_model, torch.nn.Module)
    ours = [p.data for p in model.parameters()]
    theirs = [v for p in torch_model.parameters() for v in p.detach().flatten().tolist()]
    if isinstance(model, (nn.MLP, nn.Layer)):  # neuron by neuron here, weights then biases there
        ours, theirs = sorted(ours), sorted(theirs)
    assert ours == theirs  # same weights (in PyTorch's layout and order for the new layers)
    return torch_model


@pytest.mark.parametrize(
    "model",
    [
        nn.MLP(3, [4, 4, 1], activation="tanh", seed=0),
        nn.MLP(3, [5, 2], activation="relu", output_activation="sigmoid", seed=1),
        nn.Layer(3, 2, "sigmoid", seed=2),
        Sequential(Linear(3, 4, seed=3), nn.Dropout(0.5), ReLU(), Linear(4, 2, seed=4)),
    ],
)
def test_to_torch_mlps_agree_in_eval(model: nn.Module) -> None:
    model.eval()
    torch_model = to_torch_checked(model)
    xs = [[random.Random(k).gauss(0, 1) for _ in range(3)] for k in range(5)]
    theirs = torch_model(tensor(xs)).tolist()
    for x, row in zip(xs, theirs, strict=True):
        assert max(abs(a - b) for a, b in zip(numbers(model(x)), row, strict=True)) < 1e-12


def test_to_torch_copies_and_shares_nothing() -> None:
    model = Linear(2, 1, seed=0)
    torch_model = nn.to_torch(model)
    with torch.no_grad():
        torch_model.weight.fill_(7.0)
    assert model.weight[0][0].data != 7.0


def test_to_torch_refuses_what_it_cannot_convert() -> None:
    with pytest.raises(TypeError, match="to_torch: no PyTorch equivalent for FeatureModel"):
        nn.to_torch(nn.FeatureModel(nn.polynomial(2)))
    with pytest.raises(TypeError, match=r"to_torch: expected an nn\.Module, got int"):
        nn.to_torch(3)  # type: ignore[arg-type]


# ---- each layer against PyTorch's functional form, values and all gradients --------------------


@pytest.mark.parametrize(
    ("kernel_size", "stride", "padding"), [(3, 1, 0), (3, 2, 1), ((2, 3), (1, 2), (1, 0))]
)
def test_conv2d_against_pytorch(kernel_size: Any, stride: Any, padding: Any) -> None:
    conv = Conv2d(2, 3, kernel_size, stride=stride, padding=padding, seed=5)
    (x,) = images(1, 2, 5, 6, seed=6)
    x_ours = [[[Value(p) for p in row] for row in c] for c in x]
    y = conv(x_ours)
    weight = tensor([[[[w.data for w in row] for row in i] for i in o] for o in conv.weight])
    bias = tensor([b.data for b in conv.bias])
    x_t = tensor([x])
    y_t = torch.nn.functional.conv2d(x_t, weight, bias, stride=stride, padding=padding)
    assert numbers(y) == pytest.approx(y_t.flatten().tolist(), abs=1e-12)
    r = [random.Random(k).uniform(-1, 1) for k in range(y_t.numel())]
    sum((k * v for k, v in zip(r, flatten(y), strict=True)), Value(0.0)).backward()
    (y_t.flatten() * torch.tensor(r, dtype=torch.float64)).sum().backward()
    assert [p.grad for p in flatten(conv.weight)] == pytest.approx(
        weight.grad.flatten().tolist(), abs=1e-12
    )
    assert [b.grad for b in conv.bias] == pytest.approx(bias.grad.tolist(), abs=1e-12)
    assert [v.grad for v in flatten(x_ours)] == pytest.approx(
        x_t.grad.flatten().tolist(), abs=1e-12
    )


@pytest.mark.parametrize(
    ("pool", "function"), [(MaxPool2d(2), "max_pool2d"), (AvgPool2d(3, 2), "avg_pool2d")]
)
def test_pools_against_pytorch(pool: Any, function: str) -> None:
    (x,) = images(1, 2, 7, 6, seed=8)
    x_ours = [[[Value(p) for p in row] for row in c] for c in x]
    y = pool(x_ours)
    x_t = tensor([x])
    y_t = getattr(torch.nn.functional, function)(x_t, pool.kernel_size, pool.stride)
    assert numbers(y) == pytest.approx(y_t.flatten().tolist(), abs=1e-12)
    r = [random.Random(k).uniform(-1, 1) for k in range(y_t.numel())]
    sum((k * v for k, v in zip(r, flatten(y), strict=True)), Value(0.0)).backward()
    (y_t.flatten() * torch.tensor(r, dtype=torch.float64)).sum().backward()
    assert [v.grad for v in flatten(x_ours)] == pytest.approx(
        x_t.grad.flatten().tolist(), abs=1e-12
    )


@pytest.mark.parametrize(
    ("ours", "theirs", "shape"),
    [
        (BatchNorm1d(3), torch.nn.BatchNorm1d(3, dtype=torch.float64), (3,)),
        (
            BatchNorm1d(2, momentum=0.5),
            torch.nn.BatchNorm1d(2, momentum=0.5, dtype=torch.float64),
            (2, 4),
        ),
        (
            BatchNorm2d(2, eps=1e-3, momentum=None),
            torch.nn.BatchNorm2d(2, eps=1e-3, momentum=None, dtype=torch.float64),
            (2, 3, 2),
        ),
    ],
)
def test_batch_norm_against_pytorch_over_several_steps(
    ours: Any, theirs: Any, shape: tuple[int, ...]
) -> None:
    rng = random.Random(2)
    with torch.no_grad():
        for p, q in zip(ours.weight, theirs.weight, strict=True):
            p.data = rng.uniform(0.5, 2.0)
            q.fill_(p.data)
    for step in range(4):
        xs = torch.randn(
            (5, *shape), dtype=torch.float64, generator=torch.Generator().manual_seed(step)
        )
        xs.requires_grad_(True)
        x_ours = _values(xs.tolist())
        y = ours.forward_batch(x_ours)
        y_t = theirs(xs)
        assert numbers(y) == pytest.approx(y_t.flatten().tolist(), abs=1e-12)
        r = torch.randn(
            y_t.numel(), dtype=torch.float64, generator=torch.Generator().manual_seed(50 + step)
        )
        ours.zero_grad()
        theirs.zero_grad()
        sum((k * v for k, v in zip(r.tolist(), flatten(y), strict=True)), Value(0.0)).backward()
        (y_t.flatten() * r).sum().backward()
        assert [v.grad for v in flatten(x_ours)] == pytest.approx(
            xs.grad.flatten().tolist(), abs=1e-12
        )
        assert [p.grad for p in ours.weight] == pytest.approx(
            theirs.weight.grad.tolist(), abs=1e-12
        )
        assert [p.grad for p in ours.bias] == pytest.approx(theirs.bias.grad.tolist(), abs=1e-12)
        assert ours.running_mean == pytest.approx(theirs.running_mean.tolist(), abs=1e-12)
        assert ours.running_var == pytest.approx(theirs.running_var.tolist(), abs=1e-12)
    ours.eval()
    theirs.eval()
    xs = torch.randn((2, *shape), dtype=torch.float64, generator=torch.Generator().manual_seed(99))
    assert numbers([ours(x) for x in xs.tolist()]) == pytest.approx(
        theirs(xs).flatten().tolist(), abs=1e-12
    )


def _values(x: Any) -> Any:
    return [_values(item) for item in x] if isinstance(x, list) else Value(x)
