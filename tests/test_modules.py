"""Modules: parameter discovery and names, MLP forward against NumPy, seeding, feature models,
dropout, and gradients through models against central differences."""

from __future__ import annotations

import json
import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Parameter, Value, numerical_gradient
from nn import (
    MLP,
    Dropout,
    FeatureMap,
    FeatureModel,
    Layer,
    Module,
    Neuron,
    fourier,
    mse_loss,
    polynomial,
)

NUMPY_ACTIVATIONS = {
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "linear": lambda z: z,
}


def numpy_forward(model: MLP, x: list[float]) -> np.ndarray:
    """sigma(W x + b) layer by layer, with W and b read from the model into NumPy arrays."""
    h = np.array(x)
    for i, layer in enumerate(model.layers):
        weights = np.array([[w.data for w in neuron.w] for neuron in layer.neurons])
        biases = np.array([neuron.b.data for neuron in layer.neurons])
        last = i == len(model.layers) - 1
        name = model.output_activation if last else model.activation
        h = NUMPY_ACTIVATIONS[name](weights @ h + biases)
    return h


# ---- MLP forward -------------------------------------------------------------------------------

@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "linear"])
def test_mlp_forward_matches_numpy(activation: str) -> None:
    model = MLP(3, [4, 2], activation=activation, output_activation="sigmoid", seed=1)
    for b in model.parameters():  # nonzero biases, so that b really is added
        if b.label.startswith("b"):
            b.data = 0.1
    x = [0.5, -1.5, 2.0]
    outputs = model(x)
    assert isinstance(outputs, list)
    assert [o.data for o in outputs] == pytest.approx(list(numpy_forward(model, x)), rel=1e-12)


def test_the_lecture_two_layer_network_by_hand() -> None:
    # f(x) = sigma2(W2 sigma1(W1 x + b1) + b2) with one input, two hidden units, one output
    model = MLP(1, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
    model.load_state_dict(
        {
            "layers.0.neurons.0.w.0": 1.0,
            "layers.0.neurons.0.b": 0.0,
            "layers.0.neurons.1.w.0": -2.0,
            "layers.0.neurons.1.b": 1.0,
            "layers.1.neurons.0.w.0": 3.0,
            "layers.1.neurons.0.w.1": -1.0,
            "layers.1.neurons.0.b": 0.5,
        }
    )
    x = 0.7

    def s(z: float) -> float:
        return 1.0 / (1.0 + math.exp(-z))

    expected = s(3.0 * s(1.0 * x + 0.0) - 1.0 * s(-2.0 * x + 1.0) + 0.5)
    out = model([x])
    assert isinstance(out, Value)
    assert out.data == pytest.approx(expected, rel=1e-14)


def test_one_output_is_a_value_and_more_are_a_list() -> None:
    assert isinstance(MLP(2, [3, 1], seed=0)([1.0, 2.0]), Value)
    many = MLP(2, [3, 2], seed=0)([1.0, 2.0])
    assert isinstance(many, list) and len(many) == 2
    assert all(isinstance(v, Value) for v in many)
    assert isinstance(Layer(2, 1, seed=0)([1.0, 2.0]), list)  # a Layer always gives a list


def test_inputs_may_be_values_and_a_single_input_may_be_bare() -> None:
    model = MLP(1, [2, 1], seed=3)
    x = Value(0.25)
    by_list = model([x])
    bare = model(0.25)
    assert isinstance(by_list, Value) and isinstance(bare, Value)
    assert by_list.data == bare.data
    by_list.backward()
    assert x.grad != 0.0  # the input is part of the graph


def test_wrong_input_length_names_expected_and_actual() -> None:
    model = MLP(3, [2, 1], seed=0)
    with pytest.raises(ValueError, match="MLP: expected 3 inputs, got 2"):
        model([1.0, 2.0])
    with pytest.raises(ValueError, match="MLP: expected 3 inputs, got a single number"):
        model(1.0)
    with pytest.raises(ValueError, match="Neuron: expected 2 inputs, got 3"):
        Neuron(2, seed=0)([1.0, 2.0, 3.0])


def test_an_input_that_is_not_a_number_is_named_by_the_model() -> None:
    with pytest.raises(TypeError, match=r"^MLP: input 1 must be a number or a Value, got bool"):
        MLP(2, [1], seed=0)([True, False])
    with pytest.raises(TypeError, match=r"^Layer: input 2 must be a number or a Value, got str"):
        Layer(2, 3, seed=0)([1.0, "2"])
    with pytest.raises(TypeError, match=r"^Neuron: input 1 must be a number or a Value"):
        Neuron(1, seed=0)([None])


# ---- parameters ------------------------------------------------------------------------------

architectures = st.tuples(
    st.integers(1, 4), st.lists(st.integers(1, 4), min_size=1, max_size=3)
)


@settings(max_examples=30)
@given(architectures)
def test_parameter_count_is_sum_of_nin_plus_one_times_nout(arch: tuple[int, list[int]]) -> None:
    nin, sizes = arch
    model = MLP(nin, sizes, seed=0)
    fan_ins = [nin, *sizes[:-1]]
    expected = sum((fan_in + 1) * nout for fan_in, nout in zip(fan_ins, sizes, strict=True))
    parameters = model.parameters()
    assert len(parameters) == expected
    assert len({id(p) for p in parameters}) == expected
    assert all(isinstance(p, Parameter) for p in parameters)


def test_names_follow_the_dotted_scheme_and_label_the_parameters() -> None:
    model = MLP(2, [2, 1], seed=0)
    names = [name for name, _ in model.named_parameters()]
    assert names == [
        "layers.0.neurons.0.w.0",
        "layers.0.neurons.0.w.1",
        "layers.0.neurons.0.b",
        "layers.0.neurons.1.w.0",
        "layers.0.neurons.1.w.1",
        "layers.0.neurons.1.b",
        "layers.1.neurons.0.w.0",
        "layers.1.neurons.0.w.1",
        "layers.1.neurons.0.b",
    ]
    labels = ["W1[0,0]", "W1[0,1]", "b1[0]", "W1[1,0]", "W1[1,1]", "b1[1]",
              "W2[0,0]", "W2[0,1]", "b2[0]"]
    assert [p.label for _, p in model.named_parameters()] == labels
    assert list(model.state_dict()) == names
    assert model.layers[1].neurons[0].w[1] is dict(model.named_parameters())[names[7]]
    assert [name for name, _ in Neuron(2, seed=0).named_parameters()] == ["w.0", "w.1", "b"]


def test_a_shared_parameter_is_listed_once_under_its_first_name() -> None:
    class Tied(Module):
        def __init__(self) -> None:
            self.encoder = Neuron(2, seed=0)
            self.decoder = Neuron(2, seed=1)
            self.decoder.w = self.encoder.w  # the same weights, stored twice
            self.again = self.encoder  # the same module, stored twice

    model = Tied()
    names = [name for name, _ in model.named_parameters()]
    assert names == ["encoder.w.0", "encoder.w.1", "encoder.b", "decoder.b"]
    assert len(model.parameters()) == 4


def test_zero_grad_resets_every_parameter() -> None:
    model = MLP(2, [3, 1], seed=0)
    out = model([1.0, -1.0])
    assert isinstance(out, Value)
    out.backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_train_and_eval_reach_every_sub_module() -> None:
    class Net(Module):
        def __init__(self) -> None:
            self.body = MLP(2, [3, 1], seed=0)
            self.drop = [Dropout(0.5, seed=0)]

    net = Net()
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert len(net.modules()) == 1 + 1 + 2 + 3 + 1 + 1  # net, mlp, layers, neurons, dropout
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


# ---- initialisation and seeds -----------------------------------------------------------------

def test_same_seed_same_model_different_seed_different_model() -> None:
    a = MLP(3, [4, 4, 1], activation="relu", seed=7)
    b = MLP(3, [4, 4, 1], activation="relu", seed=7)
    c = MLP(3, [4, 4, 1], activation="relu", seed=8)
    assert a.state_dict() == b.state_dict()
    assert a.state_dict() != c.state_dict()
    d = MLP(3, [4, 4, 1], activation="relu", seed=random.Random(7))
    assert d.state_dict() == a.state_dict()  # an int seed means random.Random(seed)
    fresh = [MLP(3, [4, 1]).state_dict() for _ in range(2)]
    assert fresh[0] != fresh[1]  # seed=None draws from a fresh random source


@pytest.mark.parametrize(
    ("activation", "bound"),
    [("sigmoid", lambda n: 1 / math.sqrt(n)), ("relu", lambda n: math.sqrt(6 / n))],
)
def test_weights_are_scaled_by_fan_in_and_biases_start_at_zero(activation: str, bound) -> None:
    nin = 16
    layer = Layer(nin, 50, activation=activation, seed=0)
    weights = [w.data for neuron in layer.neurons for w in neuron.w]
    assert max(abs(w) for w in weights) <= bound(nin)
    assert max(abs(w) for w in weights) > 0.9 * bound(nin)  # the whole range is used
    assert all(neuron.b.data == 0.0 for neuron in layer.neurons)


def test_bad_constructor_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match=r"MLP: unknown activation 'softmax'.*'sigmoid', 'tanh'"):
        MLP(2, [3, 1], activation="softmax")
    with pytest.raises(ValueError, match="MLP: unknown activation 'swish'"):
        MLP(2, [3, 1], output_activation="swish")
    with pytest.raises(ValueError, match="MLP: nin must be an int >= 1, got 0"):
        MLP(0, [1])
    with pytest.raises(ValueError, match="MLP: sizes must be a non-empty list"):
        MLP(2, [])
    with pytest.raises(ValueError, match="MLP: each layer size must be an int >= 1, got -1"):
        MLP(2, [3, -1])
    with pytest.raises(TypeError, match="seed must be an int"):
        MLP(2, [1], seed="0")  # type: ignore[arg-type]


# ---- gradients through a model ------------------------------------------------------------------

def test_mlp_parameter_gradients_match_central_differences() -> None:
    model = MLP(2, [3, 1], activation="tanh", seed=4)
    xs = [[0.5, -1.0], [1.5, 0.25], [-0.5, 0.75]]
    ys = [1.0, -1.0, 0.5]
    parameters = model.parameters()

    def loss_at(*theta: Value):
        for p, t in zip(parameters, theta, strict=True):
            p.data = float(t)
        return mse_loss([model(x) for x in xs], ys)  # type: ignore[misc]

    start = [p.data for p in parameters]
    loss = loss_at(*[Value(t) for t in start])
    loss.backward()
    analytic = [p.grad for p in parameters]
    for i in range(len(start)):
        numeric = numerical_gradient(loss_at, start, i)
        assert analytic[i] == pytest.approx(numeric, rel=1e-5, abs=1e-8)


# ---- feature models --------------------------------------------------------------------------

def test_fourier_features_are_the_lecture_sines() -> None:
    x = 0.3
    features = fourier(4)(x)
    assert [float(f) for f in features] == pytest.approx(
        list(np.sin(np.arange(1, 5) * np.pi * x)), rel=1e-14
    )


def test_polynomial_features_include_the_constant() -> None:
    features = polynomial(3)(2.0)
    assert [float(f) for f in features] == [1.0, 2.0, 4.0, 8.0]
    assert polynomial(3).n == 4
    assert [float(f) for f in polynomial(0)(5.0)] == [1.0]


def test_feature_model_is_theta_transpose_beta_and_its_gradient_is_beta() -> None:
    model = FeatureModel(fourier(3), seed=2)
    theta = np.array([p.data for p in model.parameters()])
    assert np.all(np.abs(theta) <= 0.1) and np.any(theta != 0)
    x = 0.45
    beta = np.sin(np.arange(1, 4) * np.pi * x)
    out = model(x)
    assert out.data == pytest.approx(float(theta @ beta), rel=1e-14)
    out.backward()
    assert [p.grad for p in model.parameters()] == pytest.approx(list(beta), rel=1e-14)
    assert [name for name, _ in model.named_parameters()] == ["theta.0", "theta.1", "theta.2"]


def test_feature_model_starts_at_zero_without_a_seed() -> None:
    model = FeatureModel(polynomial(2))
    assert model.state_dict() == {"theta.0": 0.0, "theta.1": 0.0, "theta.2": 0.0}
    assert model([3.0]).data == 0.0  # a one-element list works like a number


def test_feature_model_with_a_plain_function() -> None:
    def features(x: Value) -> list[Value | float]:
        return [1.0, x, x.exp()]

    model = FeatureModel(features, n=3)
    model.load_state_dict({"theta.0": 1.0, "theta.1": 2.0, "theta.2": 3.0})
    assert model(Value(0.5)).data == pytest.approx(1.0 + 2.0 * 0.5 + 3.0 * math.exp(0.5))
    with pytest.raises(ValueError, match="FeatureModel: give n"):
        FeatureModel(features)
    wrong = FeatureModel(features, n=2)
    with pytest.raises(ValueError, match=r"FeatureMap '.*\.features': expected 2 features, got 3"):
        wrong(Value(0.5))
    with pytest.raises(ValueError, match="contradicts"):
        FeatureModel(fourier(3), n=4)
    assert FeatureMap("pair", 2, lambda x: [x, x])(1.0) == [1.0, 1.0]


# ---- dropout ---------------------------------------------------------------------------------

def test_dropout_is_the_identity_in_eval_mode() -> None:
    drop = Dropout(0.9, seed=0).eval()
    xs = [Value(float(i)) for i in range(100)]
    out = drop(xs)
    assert all(o is x for o, x in zip(out, xs, strict=True))


def test_dropout_zeroes_about_p_and_scales_the_survivors() -> None:
    p, n = 0.3, 20_000
    drop = Dropout(p, seed=123)
    out = drop([1.0] * n)
    zeros = sum(1 for o in out if o.data == 0.0)
    # binomial(n, p): the standard deviation of the fraction is sqrt(p (1 - p) / n) ~ 0.0032
    assert abs(zeros / n - p) < 5 * math.sqrt(p * (1 - p) / n)
    assert {o.data for o in out if o.data != 0.0} == {1.0 / (1.0 - p)}


def test_dropout_gradient_is_the_mask_over_one_minus_p() -> None:
    p = 0.5
    xs = [Value(2.0) for _ in range(50)]
    out = Dropout(p, seed=5)(xs)
    total = out[0]
    for o in out[1:]:
        total = total + o
    total.backward()
    for x, o in zip(xs, out, strict=True):
        assert x.grad == (0.0 if o.data == 0.0 else 1.0 / (1.0 - p))


def test_dropout_is_reproducible_from_a_seed_and_refuses_bad_p() -> None:
    first = [o.data for o in Dropout(0.5, seed=9)([1.0] * 50)]
    second = [o.data for o in Dropout(0.5, seed=9)([1.0] * 50)]
    assert first == second
    assert [o.data for o in Dropout(0.0, seed=0)([1.0, 2.0])] == [1.0, 2.0]
    for bad in (-0.1, 1.0, 1.5, math.nan):
        with pytest.raises(ValueError, match=r"Dropout: p must be a probability in \[0, 1\)"):
            Dropout(bad)


# ---- errors name the class; NumPy numbers count as numbers ------------------------------------

@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda: Neuron(2, activation="foo"), "Neuron"),
        (lambda: Layer(2, 3, activation="foo"), "Layer"),
        (lambda: MLP(2, [3, 1], activation="foo"), "MLP"),
        (lambda: MLP(2, [3, 1], output_activation="foo"), "MLP"),
    ],
)
def test_an_unknown_activation_names_the_class_and_the_choices(make: object, name: str) -> None:
    with pytest.raises(
        ValueError, match=rf"^{name}: unknown activation 'foo'; choose from 'sigmoid', 'tanh'"
    ):
        make()  # type: ignore[operator]


def test_dropout_of_a_single_value_asks_for_a_list() -> None:
    with pytest.raises(TypeError, match="Dropout: expected a list of Values or numbers, got Value"):
        Dropout(0.5, seed=0)(Value(1.0))  # type: ignore[arg-type]


def test_numpy_integers_and_floats_are_accepted_where_numbers_are() -> None:
    plain = MLP(2, [3, 1], activation="tanh", seed=0)
    from_numpy = MLP(np.int64(2), [np.int64(3), np.int64(1)], activation="tanh", seed=np.int64(0))
    assert from_numpy.state_dict() == plain.state_dict()
    one_input = MLP(1, [1], seed=0)
    assert one_input(np.float32(0.5)).data == one_input(0.5).data  # 0.5 is exact in float32
    assert one_input(np.array(0.5)).data == one_input(0.5).data  # a 0-d array is a number too
    assert fourier(np.int64(3)).identity() == {"kind": "fourier", "name": "fourier(3)", "n": 3}
    assert [float(f) for f in polynomial(np.int64(2))(np.float32(2.0))] == [1.0, 2.0, 4.0]
    assert Dropout(np.float32(0.5)).p == 0.5
    pair = FeatureModel(FeatureMap("pair", np.int64(2), lambda x: [x, x]))
    assert json.loads(json.dumps(pair.architecture()))["features"]["n"] == 2  # saved as JSON
    values = {name: np.float32(0.25) for name in plain.state_dict()}
    plain.load_state_dict(values)
    assert set(plain.state_dict().values()) == {0.25}
