"""What PyTorch, scikit-learn, NumPy and micrograd users type first, and one output convention.

Oracles: PyTorch (losses, their gradients and a whole training run), scikit-learn (the split's
sizes), hand derivations, and Python's own ``round``/``math`` on the same floats.
"""

from __future__ import annotations

import copy
import math
import pickle
import sys
import textwrap
from typing import Any

import numpy as np
import pytest

import nn
import optim
from autograd import DataDependenceError, Parameter, Value, compile

torch = pytest.importorskip("torch")


def seq_model(nin: int = 2, seed: int = 0) -> nn.Sequential:
    return nn.Sequential(nn.Linear(nin, 8, seed=seed), nn.Tanh(), nn.Linear(8, 1, seed=seed + 1))


XS = [[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0], [0.1, 0.3], [-1.2, -0.4], [0.8, 0.9]]
YS = [1.0, -1.0, 1.0, -1.0, 1.0, -1.0]


# ---- 1. one output convention --------------------------------------------------------------

def test_a_one_element_output_counts_as_its_number_in_every_loss_and_in_fit() -> None:
    model = seq_model()
    outputs = [model(x) for x in XS]
    assert all(isinstance(o, list) and len(o) == 1 for o in outputs)
    numbers = [o[0].data for o in outputs]
    by_hand = sum((y - p) ** 2 for p, y in zip(numbers, YS, strict=True)) / len(YS)
    assert nn.mse_loss(outputs, YS).data == pytest.approx(by_hand, rel=1e-12)
    hinge = sum(max(0.0, 1 - y * p) for p, y in zip(numbers, YS, strict=True)) / len(YS)
    assert nn.hinge_loss(outputs, [[y] for y in YS]).data == pytest.approx(hinge, rel=1e-12)
    right = sum((p > 0) == (y > 0) for p, y in zip(numbers, YS, strict=True)) / len(YS)
    assert nn.accuracy(model.predict(XS), YS) == nn.accuracy(outputs, YS) == right
    history = nn.fit(model, XS, YS, loss="mse", epochs=3, progress=False,
                     validation=(XS, np.array(YS)[:, None]))
    # the same training as with a model that returns the Value itself
    twin = seq_model()
    unwrapped = nn.fit(_FirstOutput(twin), XS, YS, loss="mse", epochs=3, progress=False,
                       validation=(XS, YS))
    assert history.losses == unwrapped.losses and history.val_losses == unwrapped.val_losses
    compiled = nn.fit(seq_model(), XS, YS, loss="hinge", epochs=3, progress=False, compile=True)
    eager = nn.fit(seq_model(), XS, YS, loss="hinge", epochs=3, progress=False)
    assert compiled.losses == pytest.approx(eager.losses, rel=1e-12)
    assert compiled.accuracies == eager.accuracies

    def own_loss(predictions: list[Any], targets: list[Any]) -> Value:
        assert all(isinstance(p, Value) for p in predictions)  # eager and compiled alike
        return nn.sse_loss(predictions, targets)

    compiled = nn.fit(seq_model(), XS, YS, loss=own_loss, epochs=3, progress=False, compile=True)
    eager = nn.fit(seq_model(), XS, YS, loss=own_loss, epochs=3, progress=False)
    assert compiled.losses == pytest.approx(eager.losses, rel=1e-12)


class _FirstOutput(nn.Module):
    def __init__(self, inner: nn.Module) -> None:
        self.inner = inner

    def __call__(self, x: Any) -> Any:
        return self.inner(x)[0]

    def architecture(self) -> dict[str, Any]:
        return {"type": "_FirstOutput"}


def test_a_model_of_one_input_takes_a_lone_number_whatever_its_class() -> None:
    normalised = nn.Sequential(nn.BatchNorm1d(1), nn.Linear(1, 2, seed=0)).eval()
    for model in (seq_model(nin=1), nn.Linear(1, 3, seed=0), nn.MLP(1, [4, 1], seed=0),
                  normalised):
        as_list = model([0.3])
        alone = model(0.3)
        assert _numbers(alone) == _numbers(as_list) == _numbers(model(np.float64(0.3)))
    model = seq_model(nin=1)
    history = nn.fit(model, np.linspace(-1, 1, 8), np.sin(np.linspace(-1, 1, 8)),
                     epochs=2, progress=False)
    assert len(history.losses) == 2


def _numbers(output: Any) -> Any:
    return [v.data for v in output] if isinstance(output, list) else output.data


# ---- 2. PyTorch's loss modules ----------------------------------------------------------------

def _torch_loss_and_grads(criterion: Any, outputs: list[list[float]], targets: Any) -> Any:
    z = torch.tensor(outputs, dtype=torch.float64, requires_grad=True)
    loss = criterion(z, targets)
    loss.backward()
    return loss.item(), z.grad.tolist()


def _our_loss_and_grads(criterion: Any, outputs: list[list[float]], targets: Any) -> Any:
    z = [[Value(v) for v in row] for row in outputs]
    loss = criterion(z, targets)
    loss.backward()
    return loss.data, [[v.grad for v in row] for row in z]


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_loss_modules_match_torch_values_and_gradients(reduction: str) -> None:
    logits = [[0.3, -1.2, 2.0], [1.1, 0.4, -0.3], [-0.5, 0.9, 0.2], [0.0, 0.0, 1.5]]
    classes = [2, 0, 1, 1]
    ours = _our_loss_and_grads(nn.CrossEntropyLoss(reduction=reduction), logits, classes)
    theirs = _torch_loss_and_grads(torch.nn.CrossEntropyLoss(reduction=reduction), logits,
                                   torch.tensor(classes))
    assert ours[0] == pytest.approx(theirs[0], rel=1e-12)
    assert np.allclose(ours[1], theirs[1], rtol=1e-12, atol=1e-15)
    # (N, 1) outputs against (N,) targets: each output's one number
    column = [[0.3], [-1.2], [2.0], [0.7]]
    labels01, values = [1.0, 0.0, 1.0, 0.0], [0.5, -1.0, 1.5, 0.0]
    for ours_criterion, theirs_criterion, targets in (
        (nn.MSELoss(reduction=reduction), torch.nn.MSELoss(reduction=reduction), values),
        (nn.BCEWithLogitsLoss(reduction=reduction),
         torch.nn.BCEWithLogitsLoss(reduction=reduction), labels01),
    ):
        ours = _our_loss_and_grads(ours_criterion, column, targets)
        theirs = _torch_loss_and_grads(
            theirs_criterion, column, torch.tensor(targets, dtype=torch.float64)[:, None]
        )
        assert ours[0] == pytest.approx(theirs[0], rel=1e-12)
        assert np.allclose(ours[1], theirs[1], rtol=1e-12, atol=1e-15)


def test_hinge_loss_module_is_the_max_margin_loss_by_hand() -> None:
    scores, labels = [[0.3], [-1.2], [2.0], [0.7]], [1.0, 1.0, -1.0, 1.0]
    loss, grads = _our_loss_and_grads(nn.HingeLoss(), scores, labels)
    # 1/n Σ max(0, 1 − y s): margins 0.7, 2.2, 3.0, 0.3, all inside; ∂/∂s_i = −y_i / n
    assert loss == pytest.approx((0.7 + 2.2 + 3.0 + 0.3) / 4, rel=1e-12)
    assert grads == [[-0.25], [-0.25], [0.25], [-0.25]]
    assert repr(nn.HingeLoss()) == "HingeLoss()"


def test_fit_takes_a_loss_module_as_it_takes_the_loss_name() -> None:
    for module, name, ys in (
        (nn.MSELoss(), "mse", YS),
        (nn.HingeLoss(), "hinge", YS),
        (nn.BCEWithLogitsLoss(), "bce", [(y + 1) / 2 for y in YS]),
    ):
        by_module = nn.fit(seq_model(), XS, ys, loss=module, epochs=3, progress=False)
        by_name = nn.fit(seq_model(), XS, ys, loss=name, epochs=3, progress=False)
        assert by_module.losses == by_name.losses
        assert by_module.accuracies == by_name.accuracies
    classifier = nn.Sequential(nn.Linear(2, 3, seed=0))
    by_module = nn.fit(classifier, XS, [0, 1, 2, 0, 1, 2], loss=nn.CrossEntropyLoss(),
                       epochs=2, progress=False)
    assert by_module.accuracies is not None and len(by_module.losses) == 2


def test_a_name_that_is_not_there_lists_what_exists() -> None:
    with pytest.raises(AttributeError, match=r"no attribute 'MSE' \(did you mean .*MSELoss.*"
                       r"it has: .*CrossEntropyLoss"):
        nn.MSE  # noqa: B018
    with pytest.raises(AttributeError, match=r"'Adam'; it is optim.Adam"):
        nn.Adam  # noqa: B018


# ---- 3. scikit-learn's names ----------------------------------------------------------------

def test_train_test_split_takes_scikit_learns_names_and_returns_numpy_for_numpy() -> None:
    sklearn = pytest.importorskip("sklearn.model_selection")
    X, y = np.arange(40.0).reshape(20, 2), np.arange(20) % 2
    ours = nn.train_test_split(X, y, test_size=0.25, random_state=0)
    theirs = sklearn.train_test_split(X, y, test_size=0.25, random_state=0)
    assert [type(part) for part in ours] == [np.ndarray] * 4
    assert [part.shape for part in ours] == [part.shape for part in theirs]
    x_train, x_test, y_train, y_test = ours
    assert sorted(map(tuple, np.vstack([x_train, x_test]).tolist())) == sorted(map(tuple, X))
    for rows, labels in ((x_train, y_train), (x_test, y_test)):  # pairs kept
        assert all(row[0] // 2 % 2 == label for row, label in zip(rows, labels, strict=True))
    counted = nn.train_test_split(X, y, test_size=3, random_state=0)
    assert [p.shape[0] for p in counted] == [p.shape[0] for p in sklearn.train_test_split(
        X, y, test_size=3, random_state=0)]
    assert nn.train_test_split(X, y, random_state=4)[1].tolist() == nn.train_test_split(
        X, y, seed=4)[1].tolist()
    with pytest.raises(ValueError, match=r"give seed or random_state .*not both"):
        nn.train_test_split(X, y, seed=1, random_state=1)
    with pytest.raises(ValueError, match=r"give test_fraction or test_size .*not both"):
        nn.train_test_split(X, y, test_fraction=0.2, test_size=0.2)


# ---- 4. NumPy and Python protocols ----------------------------------------------------------

def test_numpy_arrays_and_functions_work_element_wise_on_values() -> None:
    v = Value(2.0, label="v")
    products = np.array([1.5, -3.0]) * v
    assert products.dtype == object and [p.data for p in products] == [3.0, -6.0]
    sines = np.sin(v)
    assert isinstance(sines, Value) and sines.data == math.sin(2.0)
    total = products[0] + products[1] + sines + np.float64(4.0) / v
    total.backward()
    # d/dv (1.5 v − 3 v + sin v + 4 / v) = −1.5 + cos v − 4 / v²
    assert v.grad == pytest.approx(-1.5 + math.cos(2.0) - 4.0 / 4.0, rel=1e-12)
    with pytest.raises(TypeError, match=r"np.arctan on a Value: .*use the Value's methods"):
        np.arctan(v)


def test_round_floor_ceil_trunc_read_the_number_and_record_nothing() -> None:
    for number in (2.5, -2.5, 3.7, -0.2):
        v = Value(number)
        assert round(v) == round(number) and round(v, 1) == round(number, 1)
        assert (math.floor(v), math.ceil(v), math.trunc(v), int(v)) == (
            math.floor(number), math.ceil(number), math.trunc(number), int(number))
        assert isinstance(math.floor(v), int)


def test_truth_is_the_truth_of_the_number_and_refused_while_tracing() -> None:
    assert bool(Value(0.0)) is False and bool(Value(-0.5)) is True
    assert not Value(0.0) and Value(1e-300)

    def branches(x: Value) -> Value:
        return x * 2 if x else x

    with pytest.raises(DataDependenceError, match=r"bool\(\)"):
        compile(branches)(1.0)


def test_history_repr_is_short() -> None:
    history = nn.fit(nn.MLP(2, [4, 1], seed=0), XS, YS, loss="hinge", epochs=40,
                     progress=False, validation=(XS, YS), early_stopping=5)
    text = repr(history)
    assert text.startswith(f"History(epochs={len(history.losses)}, ")
    assert f"loss={history.losses[-1]:.4g}" in text and f"best_epoch={history.best_epoch}" in text
    assert len(text) < 120


# ---- 5. micrograd's habits ------------------------------------------------------------------

def test_a_parameter_takes_attributes_and_a_plain_value_says_what_to_do() -> None:
    p = Parameter(1.5, label="w")
    p.m, p.v, p.step_count = 0.25, 0.5, 3
    for twin in (copy.deepcopy(p), pickle.loads(pickle.dumps(p)), pickle.loads(
            pickle.dumps(p * 2))):
        leaf = twin if isinstance(twin, Parameter) else twin.inputs[0]
        assert (leaf.m, leaf.v, leaf.step_count, leaf.label) == (0.25, 0.5, 3, "w")
    with pytest.raises(AttributeError, match=r"cannot set Value.m: .*keep per-parameter state in "
                       r"a dict .*or make it a Parameter"):
        Value(1.0).m = 0.0
    with pytest.raises(AttributeError):
        Value(1.0).anything = 0.0
    assert not hasattr(Value(1.0), "__dict__")  # a plain node stays as small as it was
    assert sys.getsizeof(Value(1.0)) == sys.getsizeof(Value(2.0, label="x"))


EUREKA_ADAMW = textwrap.dedent(
    """
    class AdamW:
        def __init__(self, parameters, lr=1e-1, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.0):
            self.parameters = parameters
            self.lr = lr
            self.beta1, self.beta2 = betas
            self.eps = eps
            self.weight_decay = weight_decay
            self.t = 0
            for p in self.parameters:
                p.m = 0.0
                p.v = 0.0

        def step(self):
            self.t += 1
            for p in self.parameters:
                if p.grad is None:
                    continue
                p.m = self.beta1 * p.m + (1 - self.beta1) * p.grad
                p.v = self.beta2 * p.v + (1 - self.beta2) * p.grad ** 2
                m_hat = p.m / (1 - self.beta1 ** self.t)
                v_hat = p.v / (1 - self.beta2 ** self.t)
                p.data -= self.lr * (m_hat / (v_hat ** 0.5 + self.eps) + self.weight_decay * p.data)

        def zero_grad(self):
            for p in self.parameters:
                p.grad = 0
    """
)


def test_eurekalabs_micrograd_adamw_runs_on_parameters_and_agrees_with_optim_adamw() -> None:
    namespace: dict[str, Any] = {}
    exec(EUREKA_ADAMW, namespace)
    trained = []
    for make in (
        lambda ps: namespace["AdamW"](ps, lr=0.05, betas=(0.9, 0.95), weight_decay=0.1),
        lambda ps: optim.AdamW(ps, lr=0.05, betas=(0.9, 0.95), weight_decay=0.1),
    ):
        model = nn.MLP(2, [4, 1], seed=3)
        optimizer = make(model.parameters())
        for _ in range(15):
            loss = nn.mse_loss([model(x) for x in XS], YS)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        trained.append([p.data for p in model.parameters()])
    assert trained[0] == pytest.approx(trained[1], rel=1e-9, abs=1e-12)


# ---- a PyTorch-style script, unchanged but for its imports ----------------------------------

PYTORCH_STYLE_SCRIPT = textwrap.dedent(
    """
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))
    criterion = nn.MSELoss()
    optimizer = optim.AdamW(model.parameters(), lr=0.05, betas=(0.9, 0.99), weight_decay=0.01)
    initial = copy.deepcopy(model)
    losses = []
    for epoch in range(25):
        optimizer.zero_grad()
        outputs = [model(x) for x in X_train]
        loss = criterion(outputs, y_train)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    test_loss = criterion([model(x) for x in X_test], y_test).item()
    """
)

OUR_IMPORTS = "import copy\nimport nn, optim\nfrom nn import train_test_split\n"


def test_a_pytorch_style_training_script_runs_unchanged_and_trains_as_torch_does() -> None:
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(24, 2))
    y = np.sin(2 * X[:, 0]) * X[:, 1]
    namespace: dict[str, Any] = {"X": X, "y": y}
    exec(OUR_IMPORTS + PYTORCH_STYLE_SCRIPT, namespace)
    losses = namespace["losses"]
    assert losses[-1] < losses[0]
    # The oracle: PyTorch from the same initial weights, on the same split.
    torch_model = nn.to_torch(namespace["initial"])
    torch_optimizer = torch.optim.AdamW(torch_model.parameters(), lr=0.05, betas=(0.9, 0.99),
                                        weight_decay=0.01)
    inputs = torch.tensor(namespace["X_train"], dtype=torch.float64)
    targets = torch.tensor(namespace["y_train"], dtype=torch.float64)
    torch_losses = []
    for _ in range(25):
        torch_optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(torch_model(inputs).squeeze(1), targets)
        loss.backward()
        torch_optimizer.step()
        torch_losses.append(loss.item())
    assert losses == pytest.approx(torch_losses, rel=1e-9)
