"""Saving and loading: exact round trips, every kind of bad file refused with the model left as
it was, and atomic saves that never leave half a file."""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn.serialization
from nn import MLP, FeatureMap, FeatureModel, ModelFileError, Module, StateDictError, fourier

finite = st.floats(allow_nan=False, allow_infinity=False)
activations = st.sampled_from(["sigmoid", "tanh", "relu", "linear"])


def snapshot(model: Module) -> list[tuple[str, str, float, str]]:
    """Everything about each parameter, floats by repr (so -0.0 and 0.0 differ)."""
    return [(name, repr(p.data), p.grad, p.label) for name, p in model.named_parameters()]


# ---- round trips ------------------------------------------------------------------------------

@settings(max_examples=25)
@given(
    st.integers(1, 3),
    st.lists(st.integers(1, 3), min_size=1, max_size=3),
    activations,
    activations,
    st.data(),
)
def test_round_trip_is_exact(
    nin: int, sizes: list[int], activation: str, output: str, data: st.DataObject
) -> None:
    model = MLP(nin, sizes, activation=activation, output_activation=output, seed=0)
    weights = data.draw(st.lists(finite, min_size=len(model.parameters()),
                                 max_size=len(model.parameters())))
    model.load_state_dict(dict(zip(model.state_dict(), weights, strict=True)))
    other = MLP(nin, sizes, activation=activation, output_activation=output, seed=1)
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "model.json")
        model.save(path)
        assert other.load(path) is other
    assert [repr(v) for v in other.state_dict().values()] == [repr(v) for v in weights]


def test_feature_model_round_trip(tmp_path: Path) -> None:
    model = FeatureModel(fourier(5), seed=3)
    path = tmp_path / "fourier.json"
    model.save(path)
    fresh = FeatureModel(fourier(5))
    fresh.load(path)
    assert fresh.state_dict() == model.state_dict()
    document = json.loads(path.read_text())
    assert document["architecture"] == {
        "type": "FeatureModel",
        "features": {"kind": "fourier", "name": "fourier(5)", "n": 5},
    }
    assert document["version"] == 1


def test_the_file_holds_each_float_by_repr(tmp_path: Path) -> None:
    model = MLP(1, [1], seed=0)
    model.load_state_dict({"layers.0.neurons.0.w.0": 0.1, "layers.0.neurons.0.b": -0.0})
    path = tmp_path / "m.json"
    model.save(path)
    assert json.loads(path.read_text())["parameters"] == {
        "layers.0.neurons.0.w.0": 0.1,
        "layers.0.neurons.0.b": -0.0,
    }
    assert '"layers.0.neurons.0.b": -0.0' in path.read_text()


def test_save_is_deterministic(tmp_path: Path) -> None:
    MLP(2, [3, 1], seed=5).save(tmp_path / "a.json")
    MLP(2, [3, 1], seed=5).save(tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


# ---- bad files --------------------------------------------------------------------------------

@pytest.fixture
def saved(tmp_path: Path) -> tuple[Path, dict]:
    """A good file from MLP(2, [2, 1], seed=0), and its parsed contents to tamper with."""
    path = tmp_path / "model.json"
    MLP(2, [2, 1], seed=0).save(path)
    return path, json.loads(path.read_text())


def assert_refused(model: Module, path: Path, match: str) -> None:
    before = snapshot(model)
    with pytest.raises(ModelFileError, match=match) as error:
        model.load(path)
    assert isinstance(error.value, ValueError)
    assert str(path) in str(error.value)
    assert snapshot(model) == before


def rewrite(path: Path, document: dict) -> None:
    path.write_text(json.dumps(document))


def test_a_file_from_another_architecture_is_refused(saved: tuple[Path, dict]) -> None:
    path, _ = saved
    assert_refused(MLP(2, [3, 1], seed=9), path, "another architecture.*'sizes': \\[2, 1\\]")
    assert_refused(MLP(2, [2, 1], activation="relu", seed=9), path, "another architecture")
    assert_refused(FeatureModel(fourier(9)), path, "another architecture")


def test_names_that_do_not_match_are_refused(saved: tuple[Path, dict]) -> None:
    path, document = saved
    model = MLP(2, [2, 1], seed=9)
    del document["parameters"]["layers.1.neurons.0.b"]
    rewrite(path, document)
    assert_refused(model, path, "missing 'layers.1.neurons.0.b'")
    document["parameters"]["layers.1.neurons.0.b"] = 0.0
    document["parameters"]["layers.2.neurons.0.b"] = 0.0
    rewrite(path, document)
    assert_refused(model, path, "unexpected 'layers.2.neurons.0.b'")


def test_truncated_and_malformed_files_are_refused(saved: tuple[Path, dict]) -> None:
    path, _ = saved
    text = path.read_text()
    model = MLP(2, [2, 1], seed=9)
    for broken in (text[: len(text) // 2], text[:-2], "", "{'format': 1}", "not json"):
        path.write_text(broken)
        assert_refused(model, path, "not a complete JSON model file")


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda d: d.update(format="something else"), "not a backprop-lab model file"),
        (lambda d: d.update(version=2), "unsupported format version 2"),
        (lambda d: d.pop("architecture"), "another architecture: the file has None"),
        (lambda d: d.update(parameters=[1.0, 2.0]), '"parameters" must be an object'),
    ],
)
def test_a_wrong_header_is_refused(saved: tuple[Path, dict], change, match: str) -> None:
    path, document = saved
    change(document)
    rewrite(path, document)
    assert_refused(MLP(2, [2, 1], seed=9), path, match)


@pytest.mark.parametrize("where", ["architecture", "version", "key"])
def test_a_huge_header_is_quoted_only_in_part(saved: tuple[Path, dict], where: str) -> None:
    path, document = saved
    huge = "A" * 3_000_000
    if where == "key":
        document[huge] = 1
    else:
        document[where] = {"type": huge} if where == "architecture" else huge
    rewrite(path, document)
    model = MLP(2, [2, 1], seed=9)
    before = snapshot(model)
    with pytest.raises(ModelFileError) as error:
        model.load(path)
    assert len(str(error.value)) < 1000 and "AAAA" in str(error.value)
    assert snapshot(model) == before


def test_a_top_level_that_is_not_an_object_is_refused(saved: tuple[Path, dict]) -> None:
    path, _ = saved
    path.write_text("[1, 2, 3]")
    assert_refused(MLP(2, [2, 1], seed=9), path, "not a backprop-lab model file")


@pytest.mark.parametrize("bad", ["0.5", None, [0.5], True, {"v": 0.5}])
def test_a_value_of_the_wrong_type_is_refused(saved: tuple[Path, dict], bad: object) -> None:
    path, document = saved
    document["parameters"]["layers.0.neurons.1.w.0"] = bad
    rewrite(path, document)
    assert_refused(MLP(2, [2, 1], seed=9), path, "'layers.0.neurons.1.w.0' must be a number, got")


def test_a_number_too_large_for_a_float_is_refused(saved: tuple[Path, dict]) -> None:
    path, document = saved
    document["parameters"]["layers.0.neurons.1.w.0"] = 12345.0
    path.write_text(json.dumps(document).replace("12345.0", "1e400"))  # reads as inf
    assert_refused(MLP(2, [2, 1], seed=9), path, "'layers.0.neurons.1.w.0' must be finite")
    path.write_text(json.dumps(document).replace("12345.0", "1" + "0" * 400))  # a huge int
    assert_refused(MLP(2, [2, 1], seed=9), path, "'layers.0.neurons.1.w.0' is too large")


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_refused(saved: tuple[Path, dict], literal: str) -> None:
    path, _ = saved
    text = path.read_text()
    name = "layers.1.neurons.0.w.1"
    start = text.index(f'"{name}": ') + len(f'"{name}": ')
    end = text.index("\n", start)
    comma = "," if text[end - 1] == "," else ""
    path.write_text(text[:start] + literal + comma + text[end:])
    assert json.loads(path.read_text(), parse_constant=str)["parameters"][name] == literal
    assert_refused(MLP(2, [2, 1], seed=9), path, f"'{name}' must be finite, got -?(nan|inf)")


def test_a_missing_file_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        MLP(1, [1], seed=0).load(tmp_path / "absent.json")


def test_load_state_dict_checks_everything_before_assigning() -> None:
    model = MLP(2, [2, 1], seed=0)
    before = snapshot(model)
    good = model.state_dict()
    # every value but the last is fine: nothing may be assigned all the same
    bad = {name: 1.0 for name in good}
    bad[list(good)[-1]] = math.inf
    with pytest.raises(StateDictError, match="must be finite, got inf"):
        model.load_state_dict(bad)
    with pytest.raises(StateDictError, match="must be a number, got str"):
        model.load_state_dict({**{name: 1.0 for name in good}, "layers.0.neurons.0.b": "1"})
    with pytest.raises(StateDictError, match=r"missing .* and 4 more"):
        model.load_state_dict({})
    with pytest.raises(StateDictError, match="expected a mapping"):
        model.load_state_dict([1.0] * len(good))  # type: ignore[arg-type]
    last = list(good)[-1]
    for huge, digits in ((10**5000, 5001), (10**400, 401)):
        with pytest.raises(StateDictError) as error:
            model.load_state_dict({**good, last: huge})
        assert str(error.value) == (
            f"load_state_dict: {last!r} is too large for a float: an int of about {digits} "
            f"digits (1e{digits - 1})"
        )
    with pytest.raises(StateDictError, match=r"got str 'xxxxx.*\.\.\.$"):  # quoted in part
        model.load_state_dict({**good, last: "x" * 1_000_000})
    assert snapshot(model) == before


# ---- atomic saves -----------------------------------------------------------------------------

def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name != "model.json")


@pytest.mark.parametrize("failing", ["replace", "fsync", "dumps"])
def test_a_failed_save_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    path = tmp_path / "model.json"
    MLP(2, [2, 1], seed=0).save(path)
    old = path.read_bytes()

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(f"simulated failure in {failing}")

    if failing == "dumps":
        monkeypatch.setattr(nn.serialization.json, "dumps", fail)
    else:
        monkeypatch.setattr(nn.serialization.os, failing, fail)
    with pytest.raises(OSError, match="simulated failure"):
        MLP(2, [2, 1], seed=1).save(path)
    monkeypatch.undo()
    assert path.read_bytes() == old
    assert leftovers(tmp_path) == []


def test_a_failed_first_save_creates_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(nn.serialization.os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        MLP(1, [1], seed=0).save(tmp_path / "model.json")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_a_model_with_a_non_finite_parameter_is_not_saved(tmp_path: Path) -> None:
    model = MLP(1, [1], seed=0)
    model.layers[0].neurons[0].b.data = math.nan
    with pytest.raises(ValueError, match=r"save: parameter 'layers\.0\.neurons\.0\.b' is nan"):
        model.save(tmp_path / "model.json")
    assert list(tmp_path.iterdir()) == []


# ---- file permissions, encodings and feature-map identity -------------------------------------

def test_a_new_file_gets_the_usual_mode_and_an_existing_file_keeps_its_mode(
    tmp_path: Path,
) -> None:
    previous = os.umask(0o022)
    try:
        new = tmp_path / "new.json"
        MLP(1, [1], seed=0).save(new)
        assert new.stat().st_mode & 0o777 == 0o644  # 0o666 less the umask, like open(path, "w")
        for mode in (0o644, 0o640):
            existing = tmp_path / f"existing-{mode:o}.json"
            existing.write_text("{}")
            existing.chmod(mode)
            MLP(1, [1], seed=0).save(existing)
            assert existing.stat().st_mode & 0o777 == mode
    finally:
        os.umask(previous)


def test_a_file_that_is_not_utf8_is_refused_by_name(saved: tuple[Path, dict]) -> None:
    path, _ = saved
    path.write_bytes(b'{"format": "backprop-lab model", "version": 1, \xff\xfe}')
    assert_refused(MLP(2, [2, 1], seed=3), path, "not UTF-8")


def first_features(x: float) -> list[float]:
    return [x, 2 * x]


def second_features(x: float) -> list[float]:
    return [x, -x]


# Two lambdas defined in different functions: both are named '<lambda>'.
def first_lambda() -> FeatureModel:
    return FeatureModel(lambda x: [x, 1.0], n=2)


def second_lambda() -> FeatureModel:
    return FeatureModel(lambda x: [x, x * x], n=2)


@pytest.mark.parametrize(
    ("make_saved", "make_loading"),
    [
        (first_lambda, second_lambda),
        (lambda: FeatureModel(first_features, n=2), lambda: FeatureModel(second_features, n=2)),
        # a custom map that calls itself fourier(3) is not the built-in fourier(3)
        (lambda: FeatureModel(fourier(3)),
         lambda: FeatureModel(FeatureMap("fourier(3)", 3, lambda x: [x, x, x]))),
    ],
    ids=["two lambdas", "two functions", "custom named like built-in"],
)
def test_feature_models_with_different_feature_maps_refuse_each_others_files(
    tmp_path: Path, make_saved: Any, make_loading: Any
) -> None:
    path = tmp_path / "features.json"
    model = make_saved()
    model.load_state_dict({name: 0.5 + i for i, name in enumerate(model.state_dict())})
    model.save(path)
    assert_refused(make_loading(), path, "saved from another architecture")


def test_a_feature_model_with_a_custom_function_loads_its_own_file(tmp_path: Path) -> None:
    path = tmp_path / "custom.json"
    model = FeatureModel(first_features, n=2)
    model.load_state_dict({"theta.0": 0.5, "theta.1": -0.25})
    model.save(path)
    again = FeatureModel(first_features, n=2).load(path)
    assert again.state_dict() == {"theta.0": 0.5, "theta.1": -0.25}
    assert json.loads(path.read_text())["architecture"]["features"] == {
        "kind": "custom", "name": f"{__name__}.first_features", "n": 2,
    }


@pytest.mark.parametrize("bad", [True, "1", 1.0])
def test_a_version_that_only_equals_1_is_refused(tmp_path: Path, bad: object) -> None:
    # the documented format is "version": 1, an integer; JSON true or 1.0 (== 1 in Python) is not
    path = tmp_path / "m.json"
    MLP(2, [2, 1], seed=1).save(path)
    document = json.loads(path.read_text())
    document["version"] = bad
    path.write_text(json.dumps(document))
    model = MLP(2, [2, 1], seed=2)
    before = model.state_dict()
    with pytest.raises(ModelFileError, match="unsupported format version"):
        model.load(path)
    assert model.state_dict() == before


# ---- hostile files ------------------------------------------------------------------------------

def test_deep_nesting_is_a_model_file_error(saved: tuple[Path, dict]) -> None:
    path, _ = saved
    path.write_text("[" * 100_000)
    assert_refused(MLP(2, [2, 1], seed=3), path, "nested too deeply")


def test_a_five_thousand_digit_integer_is_a_model_file_error(saved: tuple[Path, dict]) -> None:
    path, document = saved
    text = json.dumps(document)
    name = next(iter(document["parameters"]))
    value = json.dumps(document["parameters"][name])
    path.write_text(text.replace(value, "9" * 5000, 1))
    assert_refused(MLP(2, [2, 1], seed=3), path, "a number cannot be read")


def test_an_unknown_top_level_key_is_refused(saved: tuple[Path, dict]) -> None:
    path, document = saved
    rewrite(path, {**document, "padding": "x" * 1000})
    assert_refused(MLP(2, [2, 1], seed=3), path, "unknown key 'padding'")


def test_a_file_over_the_size_cap_is_refused_without_reading_it_whole(
    saved: tuple[Path, dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = saved
    monkeypatch.setattr(nn.serialization, "MAX_FILE_BYTES", 1024 * 1024)
    with path.open("a") as file:
        file.write(" " * (1024 * 1024))  # still valid JSON, just too large
    reads: list[int] = []
    real_open = open

    def watching_open(*args: Any, **kwargs: Any) -> Any:
        file = real_open(*args, **kwargs)
        real_read = file.read
        file.read = lambda size=-1: reads.append(size) or real_read(size)
        return file

    monkeypatch.setattr("builtins.open", watching_open)
    assert_refused(MLP(2, [2, 1], seed=3), path, "larger than 1 MB, the most a model file")
    assert reads == [1024 * 1024 + 1]


def test_saving_through_a_symlink_writes_the_target_and_keeps_the_link(tmp_path: Path) -> None:
    target = tmp_path / "models" / "model.json"
    target.parent.mkdir()
    target.write_text("an old model")
    link = tmp_path / "latest.json"
    link.symlink_to(target)
    model = MLP(2, [2, 1], seed=0)
    model.save(link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert json.loads(target.read_text())["parameters"] == model.state_dict()
    assert sorted(p.name for p in target.parent.iterdir()) == ["model.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest.json", "models"]
