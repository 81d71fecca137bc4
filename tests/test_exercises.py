"""The notebooks' exercises: each notebook asks two or three, check() says right or wrong and why,
an unanswered one never fails, and every worked solution passes its check."""

from __future__ import annotations

import importlib.util
import json
import math
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
LABS = sorted(NOTEBOOK_DIR.glob("0[1-6]_*.ipynb"))


def load_exercises() -> ModuleType:
    spec = importlib.util.spec_from_file_location("exercises", NOTEBOOK_DIR / "exercises.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("exercises", module)
    spec.loader.exec_module(module)
    return module


exercises = load_exercises()


def code_cells(path: Path) -> list[str]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]


def checked_names(source: str) -> list[str]:
    return re.findall(r'check\("(\d\.\d)", ', source)


def solutions() -> dict[str, str]:
    """Each exercise's filled-in cell from SOLUTIONS.md, by exercise name."""
    text = (NOTEBOOK_DIR / "SOLUTIONS.md").read_text(encoding="utf-8")
    found = {}
    for section in text.split("\n## ")[1:]:
        name = section.split("\n", 1)[0].strip()
        (block,) = re.findall(r"```python\n(.*?)```", section, re.S)
        found[name] = block
    return found


@pytest.mark.parametrize("path", LABS, ids=lambda p: p.name)
def test_each_notebook_asks_two_or_three_exercises_of_its_own(path: Path) -> None:
    cells = code_cells(path)
    asked = [name for cell in cells for name in checked_names(cell)]
    number = path.name[1]
    assert 2 <= len(asked) <= 3
    assert all(name.startswith(f"{number}.") for name in asked)
    assert len(set(asked)) == len(asked)
    assert any("from exercises import check" in cell for cell in cells)
    raw = path.read_text(encoding="utf-8")
    assert "## Your turn" in raw and "SOLUTIONS.md" in raw
    for cell in cells:
        if checked_names(cell):
            assert "..." in cell  # left for the student: the notebook gives no answer away


def test_every_exercise_is_asked_once_and_solved_once() -> None:
    cells = [cell for path in sorted(NOTEBOOK_DIR.glob("*.ipynb")) for cell in code_cells(path)]
    asked = [name for cell in cells for name in checked_names(cell)]
    assert sorted(asked) == sorted(exercises.EXERCISES)
    assert sorted(solutions()) == sorted(exercises.EXERCISES)


@pytest.mark.parametrize("name", sorted(solutions()))
def test_every_worked_solution_passes_its_check(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    verdicts: list[bool] = []

    def check(exercise: str, answer: Any) -> bool:
        assert exercise == name
        verdicts.append(exercises.check(exercise, answer))
        return verdicts[-1]

    exec(solutions()[name], {"check": check, "math": math})
    assert verdicts == [True]
    assert capsys.readouterr().out.startswith(f"Exercise {name}: right. ")


@pytest.mark.parametrize("name", sorted(exercises.EXERCISES))
def test_an_unanswered_exercise_says_so_and_does_not_fail(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert exercises.check(name, ...) is False

    def still_open(z: float) -> Any:
        return ...

    assert exercises.check(name, still_open) is False
    printed = capsys.readouterr().out.splitlines()
    assert printed == [printed[0]] * 2
    assert printed[0].startswith(f"Exercise {name}: not answered yet. ")


@pytest.mark.parametrize(
    ("name", "answer", "why"),
    [
        ("1.1", -85_000, "that is ∂loss/∂c1; one local derivative is missing"),
        ("1.1", 13_855_000, "the sign"),
        ("1.2", 1 / (2 * 6_250_001), "lands exactly on the bottom"),
        ("2.1", 0.5, "that is σ(0) itself"),
        ("2.3", 104, "you counted the weights"),
        ("3.1", 1.95, "that is SGD's step"),
        ("3.2", 0.03, "the 2 of the square is missing"),
        ("4.1", 0, "the margin is y s >= 1"),
        ("4.3", 0.5, "a score of exactly 0 predicts 0"),
        ("5.2", -1, "that is the first derivative"),
        ("5.3", -19, "that is a gradient step"),
        ("6.1", 512, "that is stride 1"),
        ("6.2", 28, "that is stride 1, four positions"),
        ("6.3", 1.0, "the unbiased variance"),
    ],
)
def test_a_known_slip_is_named(
    name: str, answer: float, why: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert exercises.check(name, answer) is False
    printed = capsys.readouterr().out
    assert printed.startswith(f"Exercise {name}: not yet. ") and why in printed


def test_another_wrong_number_gets_a_hint_not_the_answer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert exercises.check("1.1", 7.0) is False
    printed = capsys.readouterr().out
    assert "Hint: " in printed and "13,855,000" not in printed


def test_a_function_answer_is_checked_against_central_differences(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert exercises.check("2.2", lambda z: 1 - math.tanh(z) ** 2) is True
    assert exercises.check("2.2", lambda z: 1 - math.tanh(z)) is False
    assert "1 − tanh(z), not squared" in capsys.readouterr().out
    # A wrong function that matches no known slip: the first point where it is off.
    assert exercises.check("5.1", lambda z: 0.5) is False
    printed = capsys.readouterr().out
    expected = (math.log1p(math.exp(-3.0 + 1e-5)) - math.log1p(math.exp(-3.0 - 1e-5))) / 2e-5
    slope = f"the slope of softplus there is {expected:.6g}"
    assert f"at z = -3 your function gives 0.5, but {slope}" in printed
    assert exercises.check("5.1", lambda z: 1 / (1 + math.exp(z))) is False  # the sign slip
    assert "the sign slip the notebook's gradcheck caught" in capsys.readouterr().out


def test_answers_of_the_wrong_kind_are_reported_not_raised(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from autograd import Value

    assert exercises.check("2.1", Value(0.25)) is True  # a Value's number counts
    assert exercises.check("2.1", "0.25") is False
    assert "expected a number, got str '0.25'" in capsys.readouterr().out.splitlines()[-1]
    assert exercises.check("2.2", lambda z: 1 / 0) is False
    assert "your answer raised ZeroDivisionError" in capsys.readouterr().out
    assert exercises.check("9.9", 1.0) is False
    assert "There is no exercise '9.9'" in capsys.readouterr().out


def test_the_judges_agree_with_the_engine() -> None:
    # The judges compute from formulas; the engine, an independent route, must give the same.
    import nn
    import optim
    from autograd import Parameter, Value, grad
    from autograd.examples import house_price

    house = house_price()
    house.loss.backward()
    assert exercises.check("1.1", house.x.grad)
    assert exercises.check("2.1", grad(Value.sigmoid)(0.0))
    assert exercises.check("2.3", len(nn.MLP(3, [8, 8, 2]).parameters()))
    theta = Parameter(2.0)
    theta.grad = 0.5
    optim.Adam([theta], lr=0.1).step()
    assert exercises.check("3.1", theta.data)
    assert exercises.check("4.3", nn.accuracy([0.8, -0.1, 0.0, -2.0], [1, 1, 0, 0]))
    score = Parameter(0.3)
    nn.hinge_loss([score], [1.0]).backward()
    assert exercises.check("4.1", score.grad)
