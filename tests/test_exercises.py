"""The notebooks' exercises: each notebook ends with at least three, check() says right or wrong
and why (a right answer correctly rounded to fewer digits than asked is "right, but", never "not
it", and a number of the wrong magnitude is never "right, but"), an unanswered one never fails,
and every worked solution passes its check."""

from __future__ import annotations

import importlib.util
import json
import math
import re
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))


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
    return re.findall(r'check\("(\d+\.\d+)", ', source)


def solutions() -> dict[str, str]:
    """Each exercise's filled-in cell from SOLUTIONS.md, by exercise name."""
    text = (NOTEBOOK_DIR / "SOLUTIONS.md").read_text(encoding="utf-8")
    found = {}
    for section in text.split("\n## ")[1:]:
        name = section.split("\n", 1)[0].strip()
        (block,) = re.findall(r"```python\n(.*?)```", section, re.S)
        found[name] = block
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_each_notebook_ends_with_three_exercises_of_its_own(path: Path) -> None:
    cells = code_cells(path)
    asked = [name for cell in cells for name in checked_names(cell)]
    number = int(path.name[:2])
    assert len(asked) >= 3
    assert all(name.startswith(f"{number}.") for name in asked)
    assert len(set(asked)) == len(asked)
    assert any("from exercises import check" in cell for cell in cells)
    raw = path.read_text(encoding="utf-8")
    assert "## Your turn" in raw and "SOLUTIONS.md" in raw
    notebook = json.loads(raw)
    headings = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown"
                and "".join(c["source"]).startswith("## ")]
    assert headings[-1].startswith("## Your turn")  # the exercises are the notebook's last part
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
        ("1.1", 78_000, "that is ∂loss/∂c1; one local derivative is missing"),
        ("1.1", -12_714_000, "the sign"),
        ("1.1", -13_855_000, "the first house's ∂loss/∂x"),
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
        ("7.1", 0.0, "what the training error would choose"),
        ("8.1", 3.0, "that is γ = 1"),
        ("8.2", 0.9, "the credit of the second action"),
        ("9.1", 88, "you counted the weights only"),
        ("10.1", 8, "that is ∂L/∂W[1][1]"),
        ("10.2", 0.5, "only z_0's term"),
        ("10.3", 5, "that is the mean"),
        ("10.4", -0.25, "that is ∂l/∂b2"),
        ("10.4", 0.1, "the first example alone"),
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
    assert "Hint: " in printed and "12,714,000" not in printed


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

    house = house_price(x=3_000.0)  # exercise 1.1's second house
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


# Fair checks: the right number rounded to the precision the question shows is never "not it".
@pytest.mark.parametrize(
    ("name", "answer", "digits"),
    [
        ("1.1", 1.27e7, 4),  # 12,714,000 to 3 digits
        ("1.2", 2e-7, 2),  # 1.6e-7 to 1 digit
        ("1.3", 0.14, 3),  # 0.1379 to 2 digits
        ("6.3", 1.22, 4),  # 1.2247 to 3 digits
        ("7.3", 0.72, 3),  # 0.7217 to 2 digits
        ("7.3", 0.7, 3),  # 0.7217 to 1 digit
        ("8.3", 0.93, 4),  # 0.9333 to 2 digits
    ],
)
def test_a_right_answer_with_too_few_digits_is_right_but_asks_for_more(
    name: str, answer: float, digits: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert exercises.check(name, answer) is False
    printed = capsys.readouterr().out
    assert printed.startswith(f"Exercise {name}: right, but give {digits} significant digits")
    assert "not it" not in printed


@pytest.mark.parametrize(
    ("name", "answer"),
    [("1.1", 1.271e7), ("1.2", 1.6e-7), ("1.3", 0.138), ("6.3", 1.225), ("8.1", 2.71)],
)
def test_an_answer_rounded_to_the_digits_asked_for_is_right(name: str, answer: float) -> None:
    assert exercises.check(name, answer) is True


def test_each_question_says_the_precision_it_wants() -> None:
    precision = re.compile(r"significant digits|exactly|a whole number|\(exact")
    for name, task in exercises.EXERCISES.items():
        if name in {"2.2", "5.1"}:  # a function, checked at several points
            continue
        assert precision.search(task.question), f"{name}: {task.question}"


def test_a_wrong_rounding_is_still_not_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert exercises.check("1.3", 0.137) is False  # 0.1379 truncated, not rounded
    assert "0.137 is not it" in capsys.readouterr().out
    assert exercises.check("2.3", 120) is False  # a whole number typed is meant exactly
    assert "right, but" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "answer"),
    [
        ("3.2", 0.1),  # exactly 0.06: 0.1 is a digit in the wrong place, not a rounding
        ("7.3", 1),  # 0.7217 to 1 digit is 0.7
        ("4.3", 0.7),  # exactly 0.75 (3 of 4): 0.7 is no accuracy of 4 samples
        ("4.3", 0.8),  # ... nor 0.8; both lie halfway
        ("5.3", 1.0),  # exactly 1.5: 1 and 2 lie halfway, neither is its rounding
        ("5.3", 2.0),
        ("2.1", 0.2),  # exactly 0.25: 0.2 and 0.3 lie halfway
        ("2.1", 0.3),
    ],
)
def test_a_number_that_is_not_the_right_value_rounded_is_not_it(
    name: str, answer: float, capsys: pytest.CaptureFixture[str]
) -> None:
    assert exercises.check(name, answer) is False
    printed = capsys.readouterr().out
    assert printed.startswith(f"Exercise {name}: not yet. ") and "not it" in printed
    assert "right, but" not in printed


def verdict(given: float, right: float, digits: int | None) -> tuple[bool, str]:
    return exercises.judge_number(given, right, "the explanation", "the hint", {}, digits)


def right_values() -> st.SearchStrategy[float]:
    """Nonzero numbers from 1e-9 to 1e10, either sign."""
    return st.builds(
        lambda mantissa, decade, sign: sign * mantissa * 10.0**decade,
        st.floats(1.0, 10.0, exclude_max=True),
        st.integers(-9, 9),
        st.sampled_from([1.0, -1.0]),
    )


@given(right_values(), st.integers(1, 6), st.sampled_from([None, 1, 2, 3, 4, 5, 6, 7]))
def test_the_right_value_correctly_rounded_is_never_not_it(
    right: float, digits: int, asked: int | None
) -> None:
    exact = Decimal(right)  # the float's exact decimal value: rounded here by the decimal module
    shown = format(exact, f".{digits - 1}e")
    half = Decimal(5) * Decimal(10) ** (exact.adjusted() - digits)
    assume(abs(abs(exact - Decimal(shown)) - half) > half * Decimal("1e-6"))  # not a tie
    given_ = float(shown)
    # an exact question answered by a whole number is meant exactly (documented exception)
    assume(not (asked is None and right.is_integer() and given_.is_integer()))
    right_, why = verdict(given_, right, asked)
    assert right_ or why.startswith(exercises.ROUNDED), why


@given(
    right_values(),
    st.integers(1, 5),
    st.data(),
    st.sampled_from([-1, 0, 1]),
    st.sampled_from([1, -1]),
    st.sampled_from([None, 0, 1, 2]),
)
def test_a_number_off_by_more_than_a_unit_in_its_last_digit_is_never_right(
    right: float, digits: int, data: st.DataObject, shift: int, sign: int, extra: int | None
) -> None:
    # The given number shows exactly `digits` digits (its last one nonzero), placed in the right
    # value's decade or a neighbouring one, and is asked for to at least that many digits.
    mantissas = st.integers(10 ** (digits - 1), 10**digits - 1).filter(lambda m: m % 10 != 0)
    mantissa = data.draw(mantissas)
    exponent = Decimal(right).adjusted() + shift - digits + 1
    shown = f"{sign * mantissa}e{exponent}"
    unit = Decimal(10) ** (Decimal(right).adjusted() - digits + 1)
    assume(abs(Decimal(shown) - Decimal(right)) > unit * (1 + Decimal("1e-6")))
    asked = None if extra is None else digits + extra
    right_, why = verdict(float(shown), right, asked)
    assert not right_ and not why.startswith(exercises.ROUNDED), why


def test_the_shown_digits_of_a_number() -> None:
    assert [exercises.shown_digits(v) for v in (0.14, 1.6e-7, -13_900_000, 122, 1.2247)] == [
        2, 2, 3, 3, 5,
    ]


def test_the_new_judges_agree_with_the_engine() -> None:
    import autograd
    import nn
    from autograd import Value

    assert exercises.check("8.1", nn.discounted_returns([1.0, 1.0, 1.0], 0.9)[0])
    assert exercises.check("8.2", nn.discounted_returns([0.0, 0.0, 1.0], 0.9)[0])
    moons = nn.Playground(data="moons", hidden=[8, 8])
    assert exercises.check("9.1", len(moons.model.parameters()))
    cubic = nn.Playground(data="circles", hidden=[], features="polynomial", degree=3)
    assert exercises.check("9.3", len(cubic.model.parameters()) - 1)  # less the output's bias

    def layer_loss(w00: Value, w01: Value, w10: Value, w11: Value, x0: Value, x1: Value) -> Value:
        return (w00 * x0 + w01 * x1) + 2 * (w10 * x0 + w11 * x1)

    _, gradients = autograd.compile(layer_loss).value_and_grad(0.5, -1.0, 2.0, 1.5, 3.0, 4.0)
    assert exercises.check("10.1", gradients[2])
    assert exercises.check("10.2", gradients[4])
    _, (g_w, _, _) = autograd.compile(lambda w, x, y: (w * x - y) ** 2).value_and_grad(
        1.0, [1.0, 2.0], [0.0, 0.0]
    )
    assert exercises.check("10.3", g_w)
    # 10.4: W2[0,3]'s share of the loss, ∂l/∂y_hat times W2[0,3] h1[3] per example, batched over
    # the examples; the weight, one number for the batch, gets the gradient summed over them
    _, (g_weight, _, _) = autograd.compile(lambda w, h, g: g * (w * h)).value_and_grad(
        0.7, [0.2, 0.4, -0.8], [0.5, -1.0, 0.25]
    )
    assert exercises.check("10.4", g_weight)


def test_the_validation_choice_of_beta_agrees_with_fitting_by_adam() -> None:
    # The judge of 7.1 solves the penalised least squares in closed form; Adam, as the notebook
    # fits, must reach the same validation errors.
    import nn
    import optim
    from autograd import no_grad

    xs, ys, xs_val, ys_val = exercises._sine_splits()
    model = nn.FeatureModel(nn.fourier(16))
    nn.fit(model, xs, ys, loss="mse", l2=0.1, epochs=200, progress=False,
           optimizer=optim.Adam(model.parameters(), lr=0.1))
    with no_grad():
        fitted = sum((float(model(x)) - y) ** 2 for x, y in zip(xs_val, ys_val, strict=True))
    closed_form = exercises.ridge_validation_error(16, 0.1)
    assert fitted / len(xs_val) == pytest.approx(closed_form, rel=1e-2)
