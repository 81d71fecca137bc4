"""Hardening of training, layers, the playground, model files and the small things around them.

Each test below is the regression test of one finding: training that failed leaves a working
model, absurd sizes are refused up front, settings are checked when set, model files with
impossible counts are refused, a long file name can be saved to, and the derivatives at kinks
follow PyTorch.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from autograd import grad

# ---- small ones: file names and the derivatives at kinks -------------------------------------


def test_a_model_saves_to_a_file_name_just_within_the_name_limit(tmp_path: Path) -> None:
    import nn

    model = nn.MLP(2, [1], seed=0)
    path = tmp_path / ("m" * 240 + ".json")  # 245 characters: the file system allows 255
    model.save(path)
    loaded = nn.MLP(2, [1], seed=1).load(path)
    assert loaded.state_dict() == model.state_dict()
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary left behind


KINKS = {  # each op at its kink x = 0, in the engine and in PyTorch
    "elu": (lambda v: v.elu(), "elu", {}),
    "elu alpha 0.5": (lambda v: v.elu(0.5), "elu", {"alpha": 0.5}),
    "leaky_relu": (lambda v: v.leaky_relu(0.1), "leaky_relu", {"negative_slope": 0.1}),
    "relu": (lambda v: v.relu(), "relu", {}),
    "abs": (lambda v: abs(v), "abs", {}),
}


@pytest.mark.parametrize("name", KINKS)
@pytest.mark.parametrize("x", [0.0, -0.0])
def test_first_and_second_derivatives_at_a_kink_follow_pytorch(name: str, x: float) -> None:
    torch = pytest.importorskip("torch")
    ours, function, keywords = KINKS[name]
    source = torch if function == "abs" else torch.nn.functional
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    (first,) = torch.autograd.grad(getattr(source, function)(t, **keywords), t, create_graph=True)
    second = torch.autograd.grad(first, t, allow_unused=True)[0] if first.requires_grad else None
    expected_second = 0.0 if second is None else float(second)
    assert grad(ours)(x) == float(first.detach())
    assert grad(grad(ours))(x) == expected_second


def test_the_second_derivative_of_elu_away_from_the_kink_is_alpha_e_to_the_x() -> None:
    for x in (-1e-9, -0.5, -3.0):  # hand derivation: d²/dx² alpha (e^x - 1) = alpha e^x
        assert math.isclose(grad(grad(lambda v: v.elu(2.0)))(x), 2.0 * math.exp(x), rel_tol=1e-12)
    assert grad(grad(lambda v: v.elu(2.0)))(0.5) == 0.0


# ---- absurd sizes are refused before any work ------------------------------------------------


def _refuse_to_make_parameters(monkeypatch: pytest.MonkeyPatch, module: Any) -> None:
    """Make building a Parameter in ``module`` fail: a refusal must come before any is made."""

    def no_parameters(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a Parameter was made before the sizes were checked")

    monkeypatch.setattr(module, "Parameter", no_parameters)


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        ((1, 1, 10**9), r"kernel_size=1,000,000,000x1,000,000,000"),
        ((1, 10**9, 3), r"out_channels=1,000,000,000"),
        ((10**6, 10**6, (1, 10**400)), r"in_channels=1,000,000.*about 10\^412 parameters"),
    ],
)
def test_a_convolution_past_the_parameter_limit_is_refused_before_any_weight_is_made(
    monkeypatch: pytest.MonkeyPatch, arguments: tuple[Any, ...], named: str
) -> None:
    import nn.conv
    from nn.limits import MAX_PARAMETERS

    _refuse_to_make_parameters(monkeypatch, nn.conv)
    with pytest.raises(ValueError, match=rf"Conv2d: {named}.*at most|{MAX_PARAMETERS:,}"):
        nn.conv.Conv2d(*arguments)


def test_the_limits_are_those_the_documentation_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    import nn
    import nn.limits
    from nn.limits import MAX_PADDING, MAX_PARAMETERS

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert f"{MAX_PARAMETERS:,} parameters" in readme and f"padding at most {MAX_PADDING}" in readme
    nn.Conv2d(1, 1, 3, padding=MAX_PADDING)  # the limits themselves are allowed
    monkeypatch.setattr(nn.limits, "MAX_PARAMETERS", 20)  # the boundary, without a big layer
    nn.Conv2d(1, 2, 3)  # nine weights and a bias per output channel: 20
    with pytest.raises(ValueError, match=r"Conv2d: .*makes 30 parameters, more than the 20 "):
        nn.Conv2d(1, 3, 3)


@pytest.mark.parametrize("padding", [10**6, (0, 101), (101, 1)])
def test_padding_past_the_limit_is_refused_when_the_layer_is_made(padding: Any) -> None:
    import nn

    with pytest.raises(ValueError, match=r"Conv2d: padding must be at most 100 .*MAX_PADDING"):
        nn.Conv2d(1, 1, 3, padding=padding)


@pytest.mark.parametrize(
    ("make", "named"),
    [
        (lambda nn: nn.Linear(10**6, 10**6), "Linear: in_features=1,000,000 and out_features="),
        (lambda nn: nn.MLP(2, [10**7, 1]), "Layer: nin=2 and nout=10,000,000"),
        (lambda nn: nn.BatchNorm1d(10**9), "BatchNorm1d: num_features=1,000,000,000"),
    ],
)
def test_other_layers_past_the_parameter_limit_are_refused(
    monkeypatch: pytest.MonkeyPatch, make: Any, named: str
) -> None:
    import nn
    import nn.batchnorm
    import nn.layers
    import nn.linear

    for module in (nn.linear, nn.layers, nn.batchnorm):
        _refuse_to_make_parameters(monkeypatch, module)
    with pytest.raises(ValueError, match=f"{named}.* makes .* parameters, more than the 1,000,000"):
        make(nn)


def test_a_playground_past_the_sample_limit_is_refused_before_making_its_data(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import nn.playground.state as state

    def never(*args: Any) -> Any:
        raise AssertionError("the data set was made before n_samples was checked")

    monkeypatch.setattr(state, "make_dataset", never)
    with pytest.raises(ValueError, match=r"Playground: n_samples must be at most 10,000 "):
        state.Playground(n_samples=10**7)


@pytest.mark.parametrize(
    "text",
    [
        "2x" * 10**6,
        "x" * 10**6 + "+1",
        "f" * 10**6 + "(x)",
        "sin " + "x" * 10**6,
        "x." + "q" * 10**6 + "()",
        "2 " + "y" * 10**6,
    ],
)
def test_an_expression_error_quotes_a_short_piece_of_a_long_text(text: str) -> None:
    from autograd import parse_expression
    from autograd.cli.expression import ExpressionError

    with pytest.raises(ExpressionError) as refused:
        parse_expression(text, {"x": 1.0})
    assert len(str(refused.value)) < 300, str(refused.value)[:300]


def test_an_error_about_values_quotes_a_short_piece_of_them() -> None:
    from autograd import parse_expression
    from autograd.cli.expression import ExpressionError

    with pytest.raises(ExpressionError) as refused:
        parse_expression("x", {"y" * 10**6: "a"})
    assert len(str(refused.value)) < 300
    with pytest.raises(TypeError) as wrong_type:
        parse_expression("x", [1.0] * 10**6)  # type: ignore[arg-type]
    assert len(str(wrong_type.value)) < 300


# ---- settings and model files ----------------------------------------------------------------


def test_a_misspelt_playground_setting_is_refused_listing_the_settings() -> None:
    import nn

    pg = nn.Playground(n_samples=20, hidden=[2], seed=0)
    with pytest.raises(AttributeError, match=r"no setting 'learning_rate' \(did you mean 'lr'\?\)"
                       r"; the settings are data, n_samples, .*, lr, .*, resolution$"):
        pg.learning_rate = 0.5
    assert "learning_rate" not in vars(pg) and pg.lr == 0.03
    with pytest.raises(AttributeError, match=r"no setting 'hiden' \(did you mean 'hidden'\?\)"):
        pg.hiden = [3]
    pg.lr = 0.5  # the real settings and the playground's own state still take
    pg.epoch = pg.epoch
    assert pg.lr == 0.5


@pytest.mark.parametrize(("value", "problem"), [(10**6, "at most 400"), (1, "an int >= 2")])
def test_the_playground_resolution_is_checked_when_set(value: int, problem: str) -> None:
    import nn

    pg = nn.Playground(n_samples=20, hidden=[2], seed=0, resolution=30)
    with pytest.raises(ValueError, match=f"Playground: resolution must be {problem}"):
        pg.resolution = value
    assert pg.resolution == 30


@pytest.mark.parametrize("count", ["1e300", str(2**70), "9007199254740994"])
def test_a_model_file_with_an_absurd_batch_count_is_refused(tmp_path: Path, count: str) -> None:
    import nn

    model = nn.Sequential(nn.Linear(2, 2, seed=0), nn.BatchNorm1d(2))
    path = tmp_path / "model.json"
    model.save(path)
    text = path.read_text(encoding="utf-8")
    assert '"1.num_batches_tracked": 0.0' in text
    saved = '"1.num_batches_tracked": 0.0'
    path.write_text(text.replace(saved, f'"1.num_batches_tracked": {count}'))
    other = nn.Sequential(nn.Linear(2, 2, seed=1), nn.BatchNorm1d(2))
    before = other.state_dict()
    with pytest.raises(nn.ModelFileError, match=r"'1.num_batches_tracked' counts batches and "
                       r"must be at most 2\*\*53 = 9,007,199,254,740,992"):
        other.load(path)
    assert other.state_dict() == before
    path.write_text(text.replace('"1.num_batches_tracked": 0.0', '"1.num_batches_tracked": 7'))
    assert other.load(path)[1].num_batches_tracked == 7  # a real count still loads


# ---- training never leaves a broken model ----------------------------------------------------

XS = [[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [-1.0, 0.5], [0.5, -1.5], [1.5, 1.0]]
CLASSES = [0, 1, 0, 1, 1, 0]


class BreaksInEpoch:
    """A batch-norm network whose first output becomes NaN in the forward pass of one epoch."""

    @staticmethod
    def model(loss: str, breaking_epoch: int) -> Any:
        import nn

        class Network(nn.Sequential):
            def forward_batch(self, xs: Any) -> list[Any]:
                self.passes += 1
                outputs = super().forward_batch(xs)
                if self.passes == breaking_epoch:
                    outputs[0][0] = outputs[0][0] * math.nan
                return outputs if loss == "cross_entropy" else [out[0] for out in outputs]

        network = Network(nn.Linear(2, 3, seed=0), nn.BatchNorm1d(3), nn.ReLU(),
                          nn.Linear(3, 2 if loss == "cross_entropy" else 1, seed=1))
        network.passes = 0
        return network


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_a_failed_fit_leaves_buffers_matching_the_parameters_of_the_last_step(loss: str) -> None:
    import nn
    import optim

    broken = BreaksInEpoch.model(loss, breaking_epoch=3)
    with pytest.raises(nn.TrainingDiverged, match=r"epoch 3 of 5: the model's output for "
                       r"sample 0 is nan") as diverged:
        nn.fit(broken, XS, CLASSES, loss=loss, epochs=5, progress=False,
               optimizer=optim.SGD(broken.parameters(), lr=0.1))
    assert diverged.value.epoch == 3 and len(diverged.value.history.losses) == 2
    two_epochs = BreaksInEpoch.model(loss, breaking_epoch=0)
    nn.fit(two_epochs, XS, CLASSES, loss=loss, epochs=2, progress=False,
           optimizer=optim.SGD(two_epochs.parameters(), lr=0.1))
    assert broken.state_dict() == two_epochs.state_dict()  # running statistics included
    assert broken[1].num_batches_tracked == 2


def test_a_nan_input_with_cross_entropy_is_divergence_and_changes_nothing() -> None:
    import nn

    model = nn.Sequential(nn.Linear(2, 3, seed=0), nn.BatchNorm1d(3), nn.Linear(3, 2, seed=1))
    before = model.state_dict()
    # batch norm's mean spreads sample 2's NaN over the whole batch: sample 0 is the first
    with pytest.raises(nn.TrainingDiverged, match=r"the model's output for sample 0 is nan"):
        nn.fit(model, [*XS[:2], [math.nan, 1.0], *XS[3:]], CLASSES, loss="cross_entropy",
               epochs=2, progress=False)
    after = model.state_dict()
    assert after == before, [name for name in before if after[name] != before[name]]


def test_nan_validation_outputs_give_a_nan_validation_loss_with_every_loss() -> None:
    import nn

    class NanFarOut(nn.Sequential):  # finite inputs (NaN inputs are refused up front)
        def forward_batch(self, xs: Any) -> list[Any]:
            outputs = super().forward_batch(xs)
            return [[z * math.nan for z in out] if x[0] > 100 else out
                    for x, out in zip(xs, outputs, strict=True)]

    model = NanFarOut(nn.Linear(2, 2, seed=0))
    history = nn.fit(model, XS, CLASSES, loss="cross_entropy", epochs=2, progress=False,
                     validation=([[1000.0, 0.0]], [1]))
    assert len(history.val_losses) == 2 and all(math.isnan(v) for v in history.val_losses)


def _bad_fit_arguments() -> list[tuple[str, Any, type[Exception], str]]:
    """(what, a function of the model giving fit's arguments, the error, its message)."""
    import nn
    import optim

    other = nn.MLP(2, [3, 1], seed=9)
    good = {"xs": XS, "ys": [1.0, -1.0] * 3}
    return [
        ("validation xs of another width",
         lambda m: {**good, "validation": ([[0.0, 1.0, 2.0]], [1.0])}, ValueError,
         r"fit: validation's xs_val\[0\] has shape \[3\], but every training example in xs "
         r"has shape \[2\]"),
        ("validation xs of single numbers",
         lambda m: {**good, "validation": ([0.5, 0.1], [1.0, 1.0])}, ValueError,
         r"validation's xs_val\[0\] is a single number, but every training example in xs has "
         r"shape \[2\]"),
        ("validation ys of lists",  # ([1.0] would count as 1.0: the one-output rule)
         lambda m: {**good, "validation": ([[0.5, 0.1]], [[1.0, 0.0]])}, ValueError,
         r"validation's ys_val\[0\] has shape \[2\], but every training example in ys is a "
         r"single number"),
        ("an optimizer on another model",
         lambda m: {**good, "optimizer": optim.SGD(other.parameters(), lr=0.1)}, ValueError,
         r"fit: optimizer was made on other parameters than this model's: its parameter 0 "
         r"\('W1\[0,0\]'\) is not one of the model's"),
        ("an optimizer on part of another model",
         lambda m: {**good, "optimizer": optim.SGD([*m.parameters(), other.parameters()[0]],
                                                   lr=0.1)}, ValueError,
         r"optimizer was made on other parameters than this model's: its parameter 13 "),
        ("strings as inputs", lambda m: {**good, "xs": [["a", "b"]] * 6}, TypeError,
         r"fit: xs\[0\]\[0\] must be a number \(or a Value\), got str 'a'"),
        ("strings as inputs, compiled",
         lambda m: {**good, "xs": [[1.0, 2.0]] * 5 + [[1.0, "b"]], "compile": True}, TypeError,
         r"fit: xs\[5\]\[1\] must be a number \(or a Value\), got str 'b'"),
        ("a str as an input", lambda m: {**good, "xs": ["ab"] * 6, "compile": True}, TypeError,
         r"fit: xs\[0\] must be a number \(or a Value\), got str 'ab'"),
        ("strings as targets", lambda m: {**good, "ys": [1.0, "-1"] * 3}, TypeError,
         r"fit: ys\[1\] must be a number \(or a Value\), got str '-1'"),
        ("None in the validation data",
         lambda m: {**good, "validation": ([[0.5, None]], [1.0])}, TypeError,
         r"fit: validation's xs_val\[0\]\[1\] must be a number \(or a Value\), got NoneType"),
    ]


@pytest.mark.parametrize("case", range(10))
def test_fit_checks_its_arguments_before_the_first_step(case: int) -> None:
    import nn

    cases = _bad_fit_arguments()
    assert len(cases) == 10
    _, arguments, error, message = cases[case]
    model = nn.MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(error, match=message):
        nn.fit(model, loss="hinge", epochs=2, progress=False, **arguments(model))
    assert model.state_dict() == before


def test_a_function_as_the_model_needs_an_optimizer_made_on_its_parameters() -> None:
    import nn
    import optim
    from autograd import Parameter

    theta = Parameter(0.0)
    with pytest.raises(TypeError, match=r"fit: model is function .*<lambda>, not an nn.Module, "
                       r"so fit cannot find the parameters for its default optimizer; give "
                       r"optimizer=optim.SGD"):
        nn.fit(lambda x: theta * x, [1.0, 2.0], [2.0, 4.0], progress=False)
    with pytest.raises(TypeError, match=r"fit: model must be an nn.Module .* or a function, "
                       r"got str 'model'"):
        nn.fit("model", [1.0, 2.0], [2.0, 4.0], progress=False)  # type: ignore[arg-type]
    assert theta.data == 0.0
    nn.fit(lambda x: theta * x, [1.0, 2.0], [2.0, 4.0], progress=False, epochs=50,
           optimizer=optim.SGD([theta], lr=0.1))
    assert theta.data == pytest.approx(2.0, abs=1e-6)  # least squares by hand: θ = Σxy / Σx²


# ---- loss modules compiled, validation labels, sizes, gradients from zero, loss mistakes -----


def _moons() -> tuple[list[Any], list[float], list[int]]:
    import nn

    xs, ys = nn.make_moons(12, seed=0)
    return xs, ys, [int(y > 0) for y in ys]


@pytest.mark.parametrize(("module", "nout"), [("CrossEntropyLoss", 2), ("BCEWithLogitsLoss", 1),
                                              ("HingeLoss", 1)])
@pytest.mark.parametrize("batch_size", [None, 4])
def test_a_summing_loss_module_trains_compiled_exactly_as_eagerly(
    module: str, nout: int, batch_size: int | None
) -> None:
    import warnings

    import nn

    xs, ys, classes = _moons()
    targets = ys if module == "HingeLoss" else classes
    runs = []
    for compile in (True, False):
        model = nn.MLP(2, [3, nout], seed=0)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # compiled, not handed to the eager engine
            history = nn.fit(model, xs, targets, loss=getattr(nn, module)(reduction="sum"),
                             epochs=2, progress=False, compile=compile, batch_size=batch_size,
                             seed=0)
        runs.append((history.losses, [p.data for p in model.parameters()]))
    (compiled_losses, compiled_theta), (eager_losses, eager_theta) = runs
    assert compiled_losses == pytest.approx(eager_losses, rel=1e-12)
    assert compiled_theta == pytest.approx(eager_theta, rel=1e-12, abs=1e-15)
    # the sum: 12 examples' mean loss times 12, checked against the module by hand
    model = nn.MLP(2, [3, nout], seed=0)
    mean = getattr(nn, module)()([model(x) for x in xs], targets).data
    assert getattr(nn, module)(reduction="sum")([model(x) for x in xs], targets).data == (
        pytest.approx(12 * mean))


@pytest.mark.parametrize(("loss", "nout", "ys_val", "message"), [
    ("bce", 1, [2, 0], r"fit: validation's ys_val\[0\] is 2, but loss 'bce' takes the labels "
     r"0 and 1"),
    ("hinge", 1, [1, 0], r"fit: validation's ys_val\[1\] is 0, but loss 'hinge' takes the "
     r"labels -1 and 1"),
    ("cross_entropy", 2, [1, 2], r"fit: validation's ys_val\[1\] is 2, but loss "
     r"'cross_entropy' takes a class index \(an int\) in 0..1"),
    ("bce", 1, [math.nan, 0], r"fit: validation's ys_val\[0\] holds nan"),
])
def test_validation_labels_are_checked_before_the_first_step(
    loss: str, nout: int, ys_val: list[float], message: str
) -> None:
    import nn

    xs, ys, classes = _moons()
    model = nn.MLP(2, [4, nout], seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match=message):
        nn.fit(model, xs, ys if loss == "hinge" else classes, loss=loss, epochs=2,
               progress=False, validation=(xs[:2], ys_val))
    assert model.state_dict() == before


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_non_finite_validation_inputs_are_refused_before_the_first_step(bad: float) -> None:
    import nn

    xs, ys, _ = _moons()
    model = nn.MLP(2, [4, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match=rf"fit: validation's xs_val\[1\] holds {bad!r}"):
        nn.fit(model, xs, ys, loss="hinge", epochs=2, progress=False,
               validation=([xs[0], [0.5, bad]], ys[:2]))
    assert model.state_dict() == before


@pytest.mark.parametrize(("make", "message"), [
    ("nn.MLP(1, [1] * 10**6)", r"MLP: the number of layers \(len\(sizes\)\) is 1,000,000, "
     r"more than the 1,000 allowed \(nn.limits.MAX_LAYERS"),
    ("nn.MLP(999, [999, 999, 999])", r"MLP: the number of parameters \(all layers\) is "
     r"2,997,000, more than the 2,000,000 allowed \(nn.limits.MAX_MODEL_PARAMETERS"),
    ("nn.FeatureModel(nn.polynomial(10**9))", r"polynomial: the number of features "
     r"\(degree \+ 1\) is 1,000,000,001, more than the 1,000,000 allowed "
     r"\(nn.limits.MAX_FEATURES"),
    ("nn.fourier(10, nin=10)", r"fourier: the number of features \(n\*\*nin\) is "
     r"10,000,000,000, more than the 1,000,000 allowed"),
    ("nn.FeatureModel(lambda x: [x], n=10**8)", r"FeatureModel: the number of features \(n\) "
     r"is 100,000,000"),
    ("nn.make_moons(10**9)", r"make_moons: n is 1,000,000,000, more than the 1,000,000 "
     r"allowed \(nn.limits.MAX_SAMPLES"),
    ("nn.noisy_sine(10**9)", r"noisy_sine: n is 1,000,000,000, more than the 1,000,000 "
     r"allowed \(nn.limits.MAX_SAMPLES"),
])
def test_models_features_and_data_past_their_limits_are_refused_up_front(
    make: str, message: str
) -> None:
    import nn

    with pytest.raises(ValueError, match=message):
        eval(make, {"nn": nn})


def test_the_model_and_data_limits_are_those_the_documentation_gives() -> None:
    from nn import limits

    assert (limits.MAX_MODEL_PARAMETERS, limits.MAX_LAYERS, limits.MAX_FEATURES,
            limits.MAX_SAMPLES) == (2_000_000, 1_000, 1_000_000, 1_000_000)
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for name in ("MAX_MODEL_PARAMETERS", "MAX_LAYERS", "MAX_FEATURES", "MAX_SAMPLES"):
        assert f"nn.limits.{name}" in readme


def test_targets_of_lists_compiled_get_the_eager_message() -> None:
    import nn

    xs, ys, _ = _moons()
    messages = []
    for compile in (True, False):
        model = nn.Sequential(nn.Linear(2, 2))
        with pytest.raises(TypeError) as error:
            nn.fit(model, xs, [[y, y] for y in ys], epochs=2, progress=False, compile=compile)
        messages.append(str(error.value))
    assert messages[0] == messages[1]
    assert messages[0].startswith("fit: loss 'mse' needs one Value per sample, but the model "
                                  "returned a list of 2 outputs for sample 0")


def test_each_eager_step_starts_from_zeroed_gradients_of_the_whole_model() -> None:
    import nn
    import optim

    xs, ys, _ = _moons()
    norms = []
    for compile in (True, False):
        model = nn.MLP(2, [3, 1], seed=0)
        optimizer = optim.SGD(model.parameters()[:4], lr=0.1, momentum=0.5)
        history = nn.fit(model, xs, ys, optimizer=optimizer, epochs=3, progress=False,
                         compile=compile, monitor=True, batch_size=4, seed=0)
        norms.append(history.grad_norms)
    assert norms[0].keys() == norms[1].keys()
    for name in norms[0]:
        assert norms[0][name] == pytest.approx(norms[1][name], rel=1e-9)


def test_a_loss_class_or_a_torch_loss_module_is_refused_naming_the_fix() -> None:
    import torch

    import nn

    xs, ys, _ = _moons()
    model = nn.MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(TypeError, match=r"fit: loss is the class nn.MSELoss, not a loss; make "
                       r"one with parentheses: loss=nn.MSELoss\(\)"):
        nn.fit(model, xs, ys, loss=nn.MSELoss, epochs=1, progress=False)
    with pytest.raises(TypeError, match=r"fit: loss is PyTorch's torch.nn.*MSELoss, which "
                       r"computes on tensors, not on this package's Values; use nn.MSELoss\(\)"):
        nn.fit(model, xs, ys, loss=torch.nn.MSELoss(), epochs=1, progress=False)
    with pytest.raises(TypeError, match=r"PyTorch's torch.nn.*CrossEntropyLoss.*use "
                       r"nn.CrossEntropyLoss\(\)"):
        nn.fit(model, xs, ys, loss=torch.nn.CrossEntropyLoss(), epochs=1, progress=False)
    assert model.state_dict() == before


def test_a_compile_refusal_leaves_the_models_modes_as_they_were() -> None:
    import nn

    # dropout in training mode is refused (batch norm beside it would compile)
    model = nn.Sequential(nn.Linear(2, 3, seed=1), nn.BatchNorm1d(3), nn.Dropout(0.5, seed=0),
                          nn.Linear(3, 1, seed=2))
    model.eval()
    before = [p.data for p in model.parameters()]
    buffers = model.named_buffers()
    with pytest.raises(ValueError, match=r"compile=True cannot train .* in training mode"):
        nn.fit(model, [[1.0, 2.0], [3.0, 4.0], [0.0, 1.0]], [1.0, 2.0, 3.0], epochs=1,
               progress=False, compile=True)
    assert [m.training for m in model.modules()] == [False] * len(model.modules())
    assert [p.data for p in model.parameters()] == before
    assert model.named_buffers() == buffers


def test_l2_on_a_function_model_penalises_the_optimizers_parameters() -> None:
    import nn
    import optim
    from autograd import Parameter

    w = Parameter(0.5)
    xs, ys = [1.0, 2.0, -1.0], [2.0, 4.0, -2.0]
    nn.fit(lambda x: w * x, xs, ys, optimizer=optim.SGD([w], lr=0.1), l2=0.5, epochs=1,
           progress=False)
    # one full-batch step by hand: d/dw [mean((w x - y)^2) + 0.5 w^2] at w = 0.5
    slope = sum(2 * (0.5 * x - y) * x for x, y in zip(xs, ys, strict=True)) / 3 + 2 * 0.5 * 0.5
    assert w.data == pytest.approx(0.5 - 0.1 * slope, rel=1e-12)
