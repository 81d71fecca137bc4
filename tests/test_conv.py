"""Conv2d: hand-computed values and gradients, stride and padding, central differences, errors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Parameter, Value
from nn import Conv2d
from nn.shapes import flatten

from .convnet_oracle import check_gradients, image, weighted_sum


def set_kernel(conv: Conv2d, kernel: list[list[list[list[float]]]], bias: list[float]) -> None:
    for o, per_output in enumerate(kernel):
        for i, rows in enumerate(per_output):
            for u, row in enumerate(rows):
                for v, w in enumerate(row):
                    conv.weight[o][i][u][v].data = w
        conv.bias[o].data = bias[o]


def data(grid: list[list[list[Value]]]) -> list[list[list[float]]]:
    return [[[v.data for v in row] for row in channel] for channel in grid]


GRID_3X3 = [[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]]


def test_a_2x2_kernel_over_3x3_input_by_hand() -> None:
    conv = Conv2d(1, 1, 2)
    set_kernel(conv, [[[[1.0, 2.0], [3.0, 4.0]]]], [0.5])
    x = [[[Value(p) for p in row] for row in channel] for channel in GRID_3X3]
    y = conv(x)
    # y[r][c] = Σ_uv w[u][v] x[r+u][c+v] + b
    assert data(y) == [[[37.5, 47.5], [67.5, 77.5]]]
    (flatten(y)[0] + flatten(y)[1] + flatten(y)[2] + flatten(y)[3]).backward()
    # L = Σ y: ∂L/∂w[u][v] = the sum of the four inputs w[u][v] met, ∂L/∂b = 4 positions
    assert [[w.grad for w in row] for row in conv.weight[0][0]] == [[12.0, 16.0], [24.0, 28.0]]
    assert conv.bias[0].grad == 4.0
    # ∂L/∂x: the centre pixel is under every position of the kernel, a corner under one
    assert x[0][1][1].grad == 1.0 + 2.0 + 3.0 + 4.0
    assert x[0][0][0].grad == 1.0
    assert x[0][2][2].grad == 4.0


def test_each_output_is_one_dot_node_plus_bias() -> None:
    conv = Conv2d(2, 3, 2, seed=0)
    y = conv(image(2, 3, 3))
    out = y[1][0][1]
    assert out.op == "+"
    node, bias = out.inputs
    assert node.op == "dot" and bias is conv.bias[1]
    assert len(node.inputs) == 2 * (2 * 2 * 2)  # 8 weights, 8 pixels


def test_stride_and_padding_by_hand() -> None:
    conv = Conv2d(1, 1, 3, stride=2, padding=1)
    set_kernel(conv, [[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]]], [0.0])
    x = [[[1.0, 2.0], [3.0, 4.0]]]
    # padded to 4x4; H_out = (2 + 2 - 3) // 2 + 1 = 1: the window meets the four pixels at
    # kernel taps (1,1), (1,2), (2,1), (2,2) = 5, 6, 8, 9
    assert data(conv(x)) == [[[1 * 5 + 2 * 6 + 3 * 8 + 4 * 9]]]
    conv2 = Conv2d(1, 1, 2, stride=(1, 2), padding=(0, 1))
    set_kernel(conv2, [[[[1.0, 10.0], [100.0, 1000.0]]]], [0.0])
    # padded columns: [0 1 2 0] / [0 3 4 0]; windows at columns 0 and 2
    assert data(conv2(x)) == [[[10 * 1 + 1000 * 3, 2 + 100 * 4]]]


@pytest.mark.parametrize(
    ("kernel_size", "stride", "padding", "size"),
    [(3, 1, 0, (5, 5)), (3, 2, 1, (5, 6)), ((2, 3), (2, 1), (1, 0), (4, 5)), (2, 3, 2, (3, 3))],
)
def test_gradients_match_central_differences(
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int],
    padding: int | tuple[int, int],
    size: tuple[int, int],
) -> None:
    conv = Conv2d(2, 3, kernel_size, stride=stride, padding=padding, seed=1)
    x = image(2, *size, seed=2)
    leaves: list[Value] = [*conv.parameters(), *flatten(x)]
    check_gradients(lambda: weighted_sum(conv(x)), leaves)


def test_output_size_follows_pytorchs_formula() -> None:
    conv = Conv2d(1, 2, (3, 2), stride=(2, 3), padding=(1, 2))
    y = conv(image(1, 7, 8))
    assert conv.output_size(7, 8) == ((7 + 2 - 3) // 2 + 1, (8 + 4 - 2) // 3 + 1) == (4, 4)
    assert (len(y), len(y[0]), len(y[0][0])) == (2, 4, 4)


def test_weights_are_parameters_in_pytorchs_layout_and_seeded() -> None:
    conv = Conv2d(3, 4, 2, seed=5)
    assert (len(conv.weight), len(conv.weight[0]), len(conv.weight[0][0])) == (4, 3, 2)
    assert len(conv.weight[0][0][0]) == 2 and len(conv.bias) == 4
    assert all(isinstance(p, Parameter) for p in conv.parameters())
    assert len(conv.parameters()) == 4 * 3 * 2 * 2 + 4
    names = [name for name, _ in conv.named_parameters()]
    assert names[0] == "weight.0.0.0.0" and names[-1] == "bias.3"
    assert conv.weight[3][2][1][0].label == "weight.3.2.1.0"
    bound = 1.0 / (3 * 2 * 2) ** 0.5  # PyTorch's uniform(-1/sqrt(fan_in), 1/sqrt(fan_in))
    assert all(-bound <= p.data <= bound for p in conv.parameters())
    assert Conv2d(3, 4, 2, seed=5).state_dict() == conv.state_dict()
    assert Conv2d(3, 4, 2, seed=6).state_dict() != conv.state_dict()


def test_repr_and_architecture() -> None:
    conv = Conv2d(1, 8, 3, padding=1)
    assert repr(conv) == "Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))"
    assert conv.architecture() == {
        "type": "Conv2d",
        "in_channels": 1,
        "out_channels": 8,
        "kernel_size": [3, 3],
        "stride": [1, 1],
        "padding": [1, 1],
    }


def test_wrong_channels_name_the_layer_and_both_shapes() -> None:
    conv = Conv2d(2, 4, 3)
    with pytest.raises(
        ValueError, match=r"Conv2d\(2, 4.*expected .*\[2\]\[H\]\[W\].*got \[3\]\[5\]\[5\]"
    ):
        conv(image(3, 5, 5))
    with pytest.raises(ValueError, match=r"expected .*\[2\]\[H\]\[W\].*got \[5\]\[5\]"):
        conv([[1.0] * 5] * 5)


def test_a_batch_given_as_one_example_is_pointed_to_forward_batch() -> None:
    with pytest.raises(ValueError, match=r"got \[2\]\[1\]\[3\]\[3\]; this looks like a batch of 2"):
        Conv2d(1, 1, 2)([image(1, 3, 3), image(1, 3, 3)])


def test_kernel_larger_than_the_padded_input_is_refused() -> None:
    conv = Conv2d(1, 1, 5, padding=1)
    with pytest.raises(
        ValueError, match=r"kernel 5x5 is larger than the padded input 4x4.*got \[1\]\[2\]\[2\]"
    ):
        conv([[[1.0, 2.0], [3.0, 4.0]]])


def test_ragged_input_names_the_row() -> None:
    conv = Conv2d(1, 1, 2)
    with pytest.raises(ValueError, match=r"Conv2d.*ragged.*x\[0\]\[1\] has 2 entries where 3"):
        conv([[[1.0, 2.0, 3.0], [4.0, 5.0], [6.0, 7.0, 8.0]]])
    with pytest.raises(TypeError, match=r"Conv2d.*str 'a'"):
        conv([[[1.0, 2.0], [3.0, "a"]]])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((0, 1, 3), "in_channels must be an int >= 1, got 0"),
        ((1, 1, 0), "kernel_size must be an int >= 1, got 0"),
        ((1, 1, (3, 3, 3)), "kernel_size must be an int or a pair"),
        ((1, 1, 3, 0), "stride must be an int >= 1, got 0"),
        ((1, 1, 3, 1, -1), "padding must be an int >= 0, got -1"),
        ((1, 1, 2.5), "kernel_size must be an int >= 1, got 2.5"),
    ],
)
def test_bad_arguments(arguments: tuple[object, ...], message: str) -> None:
    with pytest.raises(ValueError, match=r"Conv2d: " + message.replace("(", r"\(")):
        Conv2d(*arguments)  # type: ignore[arg-type]


@st.composite
def convolutions(draw: st.DrawFn) -> tuple[Conv2d, list[list[list[float]]]]:
    k_h, k_w = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    p_h, p_w = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    height = draw(st.integers(max(1, k_h - 2 * p_h), 6))
    width = draw(st.integers(max(1, k_w - 2 * p_w), 6))
    in_channels = draw(st.integers(1, 2))
    conv = Conv2d(
        in_channels,
        draw(st.integers(1, 2)),
        (k_h, k_w),
        stride=(draw(st.integers(1, 3)), draw(st.integers(1, 3))),
        padding=(p_h, p_w),
        seed=draw(st.integers(0, 100)),
    )
    pixel = st.floats(-2.0, 2.0, allow_nan=False)
    x = [[[draw(pixel) for _ in range(width)] for _ in range(height)] for _ in range(in_channels)]
    return conv, x


@given(convolutions())
@settings(max_examples=60)
def test_any_convolution_matches_the_formula_on_a_zero_padded_image(
    case: tuple[Conv2d, list[list[list[float]]]],
) -> None:
    conv, x = case
    (k_h, k_w), (s_h, s_w), (p_h, p_w) = conv.kernel_size, conv.stride, conv.padding
    height, width = len(x[0]), len(x[0][0])
    padded = [
        [
            [
                x[i][r - p_h][c - p_w] if 0 <= r - p_h < height and 0 <= c - p_w < width else 0.0
                for c in range(width + 2 * p_w)
            ]
            for r in range(height + 2 * p_h)
        ]
        for i in range(len(x))
    ]
    y = conv(x)
    out_h, out_w = (height + 2 * p_h - k_h) // s_h + 1, (width + 2 * p_w - k_w) // s_w + 1
    assert (len(y), len(y[0]), len(y[0][0])) == (conv.out_channels, out_h, out_w)
    for o in range(conv.out_channels):
        for r in range(out_h):
            for c in range(out_w):
                expected = conv.bias[o].data + sum(
                    conv.weight[o][i][u][v].data * padded[i][r * s_h + u][c * s_w + v]
                    for i in range(len(x))
                    for u in range(k_h)
                    for v in range(k_w)
                )
                assert y[o][r][c].data == pytest.approx(expected, rel=1e-12, abs=1e-12)
