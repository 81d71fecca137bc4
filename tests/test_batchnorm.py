"""BatchNorm1d/2d: PyTorch's semantics checked by hand, by formula and by central differences."""

from __future__ import annotations

import math
import random
import statistics

import pytest

from autograd import Parameter, Value
from nn import BatchNorm1d, BatchNorm2d, BatchRequired, Module
from nn.shapes import flatten

from .convnet_oracle import check_gradients, image, weighted_sum

EPS = 1e-5


def test_a_batch_of_two_by_hand() -> None:
    bn = BatchNorm1d(1)
    y = bn.forward_batch([[1.0], [3.0]])
    # μ = 2, σ² = 1 (biased), x̂ = ±1 / sqrt(1 + ε)
    assert [out[0].data for out in y] == pytest.approx(
        [-1 / math.sqrt(1 + EPS), 1 / math.sqrt(1 + EPS)], abs=1e-15
    )
    # running_mean = 0.9·0 + 0.1·2; running_var = 0.9·1 + 0.1·(unbiased σ² = 2)
    assert bn.running_mean == pytest.approx([0.2], abs=1e-15)
    assert bn.running_var == pytest.approx([1.1], abs=1e-15)
    assert bn.num_batches_tracked == 1


def test_a_batch_of_four_against_the_hand_derived_backward() -> None:
    rng = random.Random(1)
    bn = BatchNorm1d(2)
    bn.weight[0].data, bn.bias[0].data = 1.5, -0.5
    xs = [[Value(rng.gauss(0, 2)), Value(rng.gauss(1, 1))] for _ in range(4)]
    outputs = bn.forward_batch(xs)
    r = [rng.uniform(-1, 1) for _ in range(4)]  # ∂L/∂y_j for channel 0
    loss = sum((r_j * out[0] for r_j, out in zip(r, outputs, strict=True)), Value(0.0))
    loss.backward()
    x = [example[0].data for example in xs]
    m, mean = 4, statistics.fmean(x)
    variance = statistics.pvariance(x)
    sigma = math.sqrt(variance + EPS)
    x_hat = [(x_j - mean) / sigma for x_j in x]
    gamma = 1.5
    assert [out[0].data for out in outputs] == pytest.approx([gamma * h - 0.5 for h in x_hat])
    # ∂L/∂β = Σ r_j, ∂L/∂γ = Σ r_j x̂_j, ∂L/∂x_j = γ / (m σ) (m r_j − Σ r − x̂_j Σ r x̂)
    sum_r, sum_r_x_hat = sum(r), sum(a * b for a, b in zip(r, x_hat, strict=True))
    assert bn.bias[0].grad == pytest.approx(sum_r)
    assert bn.weight[0].grad == pytest.approx(sum_r_x_hat)
    expected = [
        gamma / (m * sigma) * (m * r_j - sum_r - h * sum_r_x_hat)
        for r_j, h in zip(r, x_hat, strict=True)
    ]
    assert [example[0].grad for example in xs] == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert all(example[1].grad == 0.0 for example in xs)  # channel 1 did not reach the loss


def random_batch(n: int, shape: tuple[int, ...], seed: int) -> list[object]:
    rng = random.Random(seed)

    def example(shape: tuple[int, ...]) -> object:
        if not shape:
            return Value(rng.gauss(0.5, 2.0))
        return [example(shape[1:]) for _ in range(shape[0])]

    return [example(shape) for _ in range(n)]


@pytest.mark.parametrize(
    ("layer", "shape"),
    [(BatchNorm1d(3), (3,)), (BatchNorm1d(2), (2, 3)), (BatchNorm2d(2), (2, 2, 3))],
)
def test_training_gradients_match_central_differences(
    layer: Module, shape: tuple[int, ...]
) -> None:
    rng = random.Random(4)
    for p in layer.parameters():
        p.data = rng.uniform(0.5, 1.5)
    xs = random_batch(4, shape, seed=5)
    leaves: list[Value] = [*layer.parameters(), *flatten(xs)]
    check_gradients(lambda: weighted_sum(layer.forward_batch(xs)), leaves, tolerance=1e-5)


@pytest.mark.parametrize(
    ("layer", "shape"),
    [(BatchNorm1d(3, momentum=0.3), (3,)), (BatchNorm2d(2, momentum=None), (2, 2, 3))],
)
def test_running_statistics_after_several_steps(layer: BatchNorm1d, shape: tuple[int, ...]) -> None:
    mean = [0.0] * layer.num_features
    var = [1.0] * layer.num_features
    for step in range(1, 6):
        xs = random_batch(3, shape, seed=step)
        layer.forward_batch(xs)
        alpha = 1.0 / step if layer.momentum is None else layer.momentum
        for c in range(layer.num_features):
            values = [v.data for x in xs for v in flatten(x[c])]  # type: ignore[index]
            mean[c] = (1 - alpha) * mean[c] + alpha * statistics.fmean(values)
            var[c] = (1 - alpha) * var[c] + alpha * statistics.variance(values)  # unbiased
    assert layer.running_mean == pytest.approx(mean, rel=1e-12)
    assert layer.running_var == pytest.approx(var, rel=1e-12)
    assert layer.num_batches_tracked == 5


def test_eval_uses_the_running_statistics_and_updates_nothing() -> None:
    bn = BatchNorm2d(2)
    bn.forward_batch(random_batch(4, (2, 2, 2), seed=9))
    bn.weight[1].data, bn.bias[1].data = 2.0, 0.25
    before = (list(bn.running_mean), list(bn.running_var), bn.num_batches_tracked)
    bn.eval()
    x = image(2, 2, 2, seed=3)
    y = bn(x)
    for c in range(2):
        for row_x, row_y in zip(x[c], y[c], strict=True):
            for v, out in zip(row_x, row_y, strict=True):
                expected = (v.data - bn.running_mean[c]) / math.sqrt(bn.running_var[c] + EPS)
                assert out.data == pytest.approx(bn.weight[c].data * expected + bn.bias[c].data)
    assert bn.forward_batch([x, x])[0][1][0][0].data == y[1][0][0].data
    assert (bn.running_mean, bn.running_var, bn.num_batches_tracked) == before
    leaves = [*bn.parameters(), *flatten(x)]
    check_gradients(lambda: weighted_sum(bn(x)), leaves)


def test_one_example_in_training_mode_says_to_use_forward_batch() -> None:
    bn = BatchNorm2d(1)
    with pytest.raises(BatchRequired, match=r"BatchNorm2d\(1.*training mode.*forward_batch"):
        bn(image(1, 2, 2))
    with pytest.raises(ValueError, match=r"more than 1 value per channel"):
        BatchNorm1d(2).forward_batch([[1.0, 2.0]])
    assert bn.running_mean == [0.0] and bn.num_batches_tracked == 0
    assert issubclass(BatchRequired, ValueError) and issubclass(BatchRequired, RuntimeError)


def test_one_image_is_a_batch_for_batchnorm2d_as_in_pytorch() -> None:
    y = BatchNorm2d(1).forward_batch([[[[1.0, 3.0]]]])
    assert [v.data for v in y[0][0][0]] == pytest.approx(
        [-1 / math.sqrt(1 + EPS), 1 / math.sqrt(1 + EPS)]
    )


def test_parameters_buffers_repr_and_architecture() -> None:
    bn = BatchNorm2d(3, eps=1e-3, momentum=0.2)
    assert all(isinstance(p, Parameter) for p in bn.parameters())
    assert [p.data for p in bn.weight] == [1.0] * 3 and [p.data for p in bn.bias] == [0.0] * 3
    assert [name for name, _ in bn.named_parameters()][:2] == ["weight.0", "weight.1"]
    assert [name for name, _ in bn.named_buffers()] == [
        "running_mean.0",
        "running_mean.1",
        "running_mean.2",
        "running_var.0",
        "running_var.1",
        "running_var.2",
        "num_batches_tracked",
    ]
    assert repr(bn) == "BatchNorm2d(3, eps=0.001, momentum=0.2)"
    assert bn.architecture() == {
        "type": "BatchNorm2d",
        "num_features": 3,
        "eps": 0.001,
        "momentum": 0.2,
    }


def test_shape_errors_name_the_layer_and_both_shapes() -> None:
    with pytest.raises(
        ValueError, match=r"BatchNorm2d\(3.*\[num_features\]\[H\]\[W\].*got \[2\]\[4\]\[4\]"
    ):
        BatchNorm2d(3).forward_batch([image(2, 4, 4), image(2, 4, 4)])
    with pytest.raises(ValueError, match=r"BatchNorm1d\(4.*\[num_features\] or .*got \[3\]"):
        BatchNorm1d(4).forward_batch([[1.0, 2.0, 3.0]] * 2)
    with pytest.raises(ValueError, match=r"differ in shape: \[1\]\[1\]\[2\], \[1\]\[2\]\[1\]"):
        BatchNorm2d(1).forward_batch([[[[1.0, 2.0]]], [[[1.0], [2.0]]]])
    with pytest.raises(ValueError, match="momentum must be a number in"):
        BatchNorm1d(2, momentum=1.5)
    with pytest.raises(ValueError, match="eps must be a finite number > 0"):
        BatchNorm1d(2, eps=0.0)
