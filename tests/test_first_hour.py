"""What a student brings from PyTorch and NumPy works, or says clearly what to do instead."""

from __future__ import annotations

import inspect
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import nn
import optim
from autograd import Value
from nn.sequences import as_example, as_list

ROOT = Path(__file__).resolve().parents[1]


class ArrayLike:
    """A stand-in for any array library: ``__array__`` and ``tolist()``, nothing else."""

    def __init__(self, rows: Any) -> None:
        self.rows = rows
        self.ndim = 2 if rows and isinstance(rows[0], list) else 1

    def __array__(self) -> Any:
        raise AssertionError("nn must read an array through tolist(), without NumPy")

    def tolist(self) -> Any:
        return self.rows

    def __len__(self) -> int:
        return len(self.rows)


# ---- NumPy arrays and any sequence, wherever a list is taken ---------------------------------

def test_fit_trains_on_numpy_arrays_as_on_the_same_lists() -> None:
    xs = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    ys = np.array([0.0, 1.0, 1.0, 0.0])
    on_arrays = nn.MLP(2, [4, 1], seed=0)
    on_lists = nn.MLP(2, [4, 1], seed=0)
    history = nn.fit(on_arrays, xs, ys, epochs=3, progress=False)
    expected = nn.fit(on_lists, xs.tolist(), ys.tolist(), epochs=3, progress=False)
    assert history.losses == expected.losses
    assert on_arrays.state_dict() == on_lists.state_dict()


def test_fit_takes_tuples_and_a_one_dimensional_array_for_a_feature_model() -> None:
    xs = np.linspace(0.0, 1.0, 5)
    ys = tuple(math.sin(math.pi * x) for x in xs)
    model = nn.FeatureModel(nn.fourier(2))
    history = nn.fit(model, xs, ys, epochs=20, progress=False, lr=0.5)
    assert history.losses[-1] < history.losses[0]


def test_models_take_an_array_of_inputs_and_an_array_of_sizes() -> None:
    model = nn.MLP(2, np.array([3, 1]), activation="tanh", seed=0)
    assert model.sizes == [3, 1] and all(type(size) is int for size in model.sizes)
    x = np.array([0.5, -1.0])
    assert model(x).data == model([0.5, -1.0]).data
    assert model((0.5, -1.0)).data == model([0.5, -1.0]).data
    layer = nn.Layer(2, 3, seed=0)
    assert [v.data for v in layer(x)] == [v.data for v in layer([0.5, -1.0])]
    neuron = nn.Neuron(2, seed=0)
    assert neuron(x).data == neuron([0.5, -1.0]).data
    features = nn.FeatureModel(nn.fourier(3), seed=0)
    assert features(np.array([0.25])).data == features(0.25).data
    assert features(np.float32(0.25)).data == pytest.approx(features(0.25).data, rel=1e-6)


def test_losses_accuracy_and_dropout_take_arrays() -> None:
    predictions, targets = np.array([0.5, -0.2, 1.5]), np.array([1.0, -1.0, 1.0])
    assert nn.mse_loss(predictions, targets).data == pytest.approx(
        ((0.5 - 1) ** 2 + (-0.2 + 1) ** 2 + (1.5 - 1) ** 2) / 3
    )
    assert nn.hinge_loss(predictions, targets).data == pytest.approx((0.5 + 0.8 + 0.0) / 3)
    assert nn.bce_loss(np.array([0.0]), np.array([1])).data == pytest.approx(math.log(2))
    logits = np.array([1.0, 2.0, 0.5])
    expected = math.log(sum(math.exp(z) for z in logits)) - 2.0
    assert nn.cross_entropy(logits, 1).data == pytest.approx(expected)
    assert nn.accuracy(predictions, targets) == 1.0
    assert [v.data for v in nn.Dropout(0.5).eval()(np.ones(3))] == [1.0, 1.0, 1.0]


def test_any_array_like_is_read_through_tolist_without_numpy() -> None:
    model = nn.MLP(2, [2, 1], seed=0)
    xs = ArrayLike([[0.0, 1.0], [1.0, 0.0]])
    history = nn.fit(model, xs, ArrayLike([1.0, -1.0]), loss="hinge", epochs=1, progress=False)
    assert len(history.losses) == 1
    assert model(ArrayLike([0.0, 1.0])).data == model([0.0, 1.0]).data
    assert as_list(ArrayLike([1.0]), "here", "xs") == [1.0]
    assert list(as_example((1.0, 2.0), 2, "here")) == [1.0, 2.0]


def test_numpy_is_not_a_dependency_of_the_core_or_of_nn() -> None:
    blocked = (
        "import sys; sys.modules['numpy'] = None\n"
        "import autograd, nn, optim\n"
        "model = nn.MLP(2, (3, 1), seed=0)\n"
        "print(nn.fit(model, ((0, 1), (1, 0)), (1, -1), loss='hinge', epochs=2,"
        " progress=False).losses[-1] > 0)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", blocked], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    dependencies = pyproject.split("dependencies = [", 1)[1].split("]", 1)[0]
    assert "numpy" not in dependencies.lower()


def test_strings_are_not_sequences_of_inputs() -> None:
    with pytest.raises(TypeError, match="fit: xs must be a list, a tuple or a NumPy array, got"):
        nn.fit(nn.MLP(1, [1]), "abc", [1, 2, 3], progress=False)
    with pytest.raises(TypeError, match="MLP: expected a list of 2 numbers or Values, got 'ab'"):
        nn.MLP(2, [1])("ab")


# ---- item(), comparisons, max, forward -----------------------------------------------------------

def test_item_is_the_number() -> None:
    value = Value(2.5) * 2
    assert value.item() == 5.0 and type(value.item()) is float


def test_a_value_formats_like_its_number() -> None:
    loss = Value(2.0) / 3
    assert f"loss {loss:.3f}" == "loss 0.667" and f"{loss:>8.2e}" == "6.67e-01"
    assert f"{loss}" == repr(loss) == str(loss)


def test_comparisons_compare_data_with_values_and_numbers() -> None:
    a, b = Value(2.0), Value(3.0)
    assert (a < b, a <= b, a > b, a >= b) == (True, True, False, False)
    assert Value(2.0) > 0 and Value(2.0) >= 2 and Value(2.0) <= 2.0 and not Value(2.0) < 2
    zero = 0
    reflected = [zero < Value(2.0), np.float64(3.0) > Value(2.0)]  # number or NumPy on the left
    assert reflected == [True, True]
    assert sorted([b, a, Value(-1.0)], reverse=True)[0] is b
    with pytest.raises(TypeError, match="'<' not supported"):
        _ = a < "3"


def test_max_picks_a_value_itself_and_the_gradient_flows_through_it_only() -> None:
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    biggest = max(a, b)
    assert biggest is b and not biggest.inputs  # a comparison records no node
    loss = biggest * 4.0
    loss.backward()
    # d(4 max(a, b))/db = 4 where b > a, and 0 for a (by hand)
    assert (a.grad, b.grad) == (0.0, 4.0)


def test_comparisons_record_nothing_in_the_graph() -> None:
    x = Value(1.5)
    y = x * 2
    before = (y.inputs, y.op)
    assert (y > x) is True and (y < 0) is False
    assert (y.inputs, y.op) == before and not x.inputs


def test_equality_stays_identity_so_values_can_be_dict_keys() -> None:
    a, b = Value(2.0), Value(2.0)
    assert a != b and a == a
    assert len({a: 1, b: 2}) == 2
    assert a.data == b.data and a.item() == 2.0
    assert "identity" in inspect.getdoc(Value)  # and the docstring says so


def test_forward_is_the_same_as_calling_a_model() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    assert model.forward([0.5, 1.0]).data == model([0.5, 1.0]).data

    class Doubler(nn.Module):  # PyTorch style: only forward is defined
        def forward(self, x: Any) -> Any:
            return Value(x) * 2

    assert Doubler()(3.0).data == 6.0 and Doubler().forward(3.0).data == 6.0
    with pytest.raises(NotImplementedError, match="Nothing: define forward"):
        type("Nothing", (nn.Module,), {})()(1.0)


# ---- fit(lr=...) -------------------------------------------------------------------------------

def test_fit_lr_sets_the_default_sgds_learning_rate() -> None:
    xs, ys = [[0.0, 1.0], [1.0, 0.0]], [1.0, -1.0]
    with_lr = nn.MLP(2, [2, 1], seed=0)
    with_sgd = nn.MLP(2, [2, 1], seed=0)
    nn.fit(with_lr, xs, ys, lr=0.01, epochs=2, progress=False)
    nn.fit(with_sgd, xs, ys, optimizer=optim.SGD(with_sgd.parameters(), lr=0.01), epochs=2,
           progress=False)
    assert with_lr.state_dict() == with_sgd.state_dict()
    default = nn.MLP(2, [2, 1], seed=0)
    nn.fit(default, xs, ys, epochs=2, progress=False)
    with_01 = nn.MLP(2, [2, 1], seed=0)
    nn.fit(with_01, xs, ys, lr=0.1, epochs=2, progress=False)
    assert default.state_dict() == with_01.state_dict() != with_lr.state_dict()


def test_fit_refuses_lr_with_an_optimizer_and_names_the_default() -> None:
    model = nn.MLP(1, [1], seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"fit: give lr .*SGD with lr 0\.1.* not both"):
        nn.fit(model, [1.0], [1.0], lr=0.01, optimizer=optim.Adam(model.parameters()),
               progress=False)
    with pytest.raises(ValueError, match=r"fit: lr: Invalid learning rate: -1"):
        nn.fit(model, [1.0], [1.0], lr=-1, progress=False)
    assert model.state_dict() == before
    doc = inspect.getdoc(nn.fit) or ""
    assert "optim.SGD(model.parameters(), lr=0.1)" in doc and "plain SGD (default 0.1)" in doc


# ---- a batch given to a model -------------------------------------------------------------------

@pytest.mark.parametrize(
    "batch", [[[0, 0], [1, 1], [0, 1]], [[0, 0], [1, 1]], np.zeros((3, 2))], ids=str
)
def test_a_batch_given_to_a_model_says_so(batch: Any) -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    with pytest.raises(ValueError, match=r"MLP: .*looks like a batch of \d examples.*once per "
                       r"example.*model\.predict\(xs\)"):
        model(batch)
    with pytest.raises(ValueError, match=r"Layer: .*looks like a batch"):
        nn.Layer(2, 2)(batch)


def test_several_numbers_for_a_one_input_model_suggest_a_batch() -> None:
    with pytest.raises(ValueError, match=r"MLP: expected 1 input, got 3; if these are 3 "
                       "examples, call the model once per example"):
        nn.MLP(1, [2, 1], seed=0)([0.1, 0.2, 0.3])
    features = nn.FeatureModel(nn.fourier(2))
    with pytest.raises(ValueError, match=r"fourier: expected one input, got 3 inputs; if this "
                       r"is a batch of examples, call the model once per example"):
        features(np.array([0.1, 0.2, 0.3]))
    with pytest.raises(ValueError, match="got a list in a list; if this is a batch"):
        features([[0.5]])
    assert features.predict(np.array([[0.1], [0.2]])) == [features(0.1).data, features(0.2).data]


def test_predict_gives_floats_for_many_examples_without_a_graph() -> None:
    model = nn.MLP(2, [3, 2], seed=0)
    xs = np.array([[0.0, 1.0], [1.0, 0.5]])
    outputs = model.predict(xs)
    assert outputs == [[v.data for v in model(x)] for x in xs.tolist()]
    assert all(type(number) is float for row in outputs for number in row)
    single = nn.MLP(2, [3, 1], seed=0)
    assert single.predict([[0.0, 1.0]]) == [single([0.0, 1.0]).data]


def test_predict_runs_in_evaluation_mode_and_restores_training() -> None:
    class Noisy(nn.Module):
        def __init__(self) -> None:
            self.dropout = nn.Dropout(0.5, seed=0)

        def __call__(self, x: Any) -> Any:
            return self.dropout([x])[0]

    model = Noisy()
    assert model.predict([1.0] * 20) == [1.0] * 20  # dropout off: every value kept, unscaled
    assert model.training and model.dropout.training


# ---- accuracy's labels --------------------------------------------------------------------------

def test_accuracy_reads_plus_minus_one_and_zero_one_labels() -> None:
    scores = [0.3, -0.2, 0.0, 2.0]
    assert nn.accuracy(scores, [1, -1, -1, -1]) == 0.75  # a score of 0 predicts -1
    assert nn.accuracy(scores, [1, 0, 0, 0]) == 0.75  # and 0 with 0/1 labels
    assert nn.accuracy([0.3, -0.2], [1, 0]) == 1.0  # the example that failed before
    assert nn.accuracy([0.7, 0.2], [1, 0], threshold=0.5) == 1.0  # probabilities
    assert nn.accuracy([1.0, 1.0], [1, 1]) == 1.0  # all positive: either convention
    with pytest.raises(ValueError, match="accuracy: labels mix -1 and 0"):
        nn.accuracy([1.0, 1.0, 1.0], [1, -1, 0])


def test_accuracy_reads_class_indices_for_lists_of_class_scores() -> None:
    scores = [[0.1, 2.0, -1.0], [Value(0.5), Value(0.2), Value(0.1)], np.array([0.0, 0.0, 3.0])]
    assert nn.accuracy(scores, [1, 2, 2]) == pytest.approx(2 / 3)
    assert nn.accuracy(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([0, 1])) == 1.0
    with pytest.raises(ValueError, match=r"accuracy: class label 3 is not a class index in 0\.\.2"):
        nn.accuracy(scores, [1, 2, 3])
    with pytest.raises(ValueError, match="accuracy: a class label must be a class index"):
        nn.accuracy(scores, [1, 2, 0.5])


def test_a_loss_given_the_other_label_convention_names_the_loss_for_it() -> None:
    with pytest.raises(ValueError, match=r"hinge_loss: labels must be -1 or 1, got 0\.0 \(for "
                       r"0/1 labels use bce_loss, or map 0 to -1\)"):
        nn.hinge_loss([0.3, -0.2], [1, 0])
    with pytest.raises(ValueError, match=r"bce_loss: .*got -1\.0 \(for -1/\+1 labels use "
                       r"hinge_loss"):
        nn.bce_loss([0.3, -0.2], [1, -1])


def test_accuracy_agrees_with_what_fit_counts() -> None:
    xs, ys = nn.make_moons(20, seed=0)
    model = nn.MLP(2, [4, 1], activation="relu", seed=0)
    with_01 = [(y + 1) / 2 for y in ys]
    scores = model.predict(xs)
    assert nn.accuracy(scores, ys) == nn.accuracy(scores, with_01)
    history = nn.fit(model, xs, with_01, loss="bce", epochs=1, progress=False)
    assert history.accuracies == [nn.accuracy(scores, with_01)]


# ---- MLP's default activation, said up front -----------------------------------------------------

def test_mlps_default_activation_is_the_sigmoid_and_both_docs_say_so() -> None:
    assert nn.MLP(2, [4, 1]).activation == "sigmoid"
    assert nn.MLP(2, [4, 1]).layers[0].neurons[0].activation == "sigmoid"
    doc = inspect.getdoc(nn.MLP) or ""
    opening = doc.split("\n\n")[1]  # the paragraph after the summary line
    assert "sigmoid by default" in opening and 'activation="relu"' in opening
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    models = readme.split("## Models, losses and saving", 1)[1].split("\n## ", 1)[0]
    assert "**`MLP`'s hidden layers use the sigmoid by default**" in models
