"""Command-line habits: what people write from mathematics (2πx, sin(pi x), σ(x)) gets the fix.

Each suggested fix is itself run and checked: it parses, and its value is the one meant.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from autograd import ExpressionError, parse_expression
from autograd.cli import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize(
    ("text", "suggestion", "meant"),
    [
        ("2πx", "2*π*x", 2 * math.pi * 0.5),
        ("sin(pi x)", "sin(pi*x)", math.sin(math.pi * 0.5)),
        ("tanh(w x + 1)", "tanh(w*x + 1)", math.tanh(3.0 * 0.5 + 1)),
        ("sigma(x)", "sigmoid(x)", 1 / (1 + math.exp(-0.5))),
        ("σ(x)", "sigmoid(x)", 1 / (1 + math.exp(-0.5))),
    ],
)
def test_mathematical_habits_get_a_fix_that_runs(text: str, suggestion: str, meant: float) -> None:
    values = {"x": 0.5, "w": 3.0}
    with pytest.raises(ExpressionError, match=re.escape(f"write {suggestion!r}")):
        parse_expression(text, values)
    assert parse_expression(suggestion, values).data == pytest.approx(meant, rel=1e-15)


def test_pi_may_be_written_pi() -> None:
    assert parse_expression("π", {}).data == math.pi
    assert parse_expression("π * r", {"π": 3.0, "r": 2.0}).data == 6.0  # a value of its own wins


def test_a_name_without_a_value_says_how_to_give_it_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run(["graph", "x*y", "x=2"], capsys)
    assert status == 2 and out == ""
    assert err.strip().endswith("unknown name 'y' (it has no value) at column 3; give y a value: "
                                "y=NUMBER")


def test_local_derivatives_without_an_output_file_says_it_needs_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, err = run(["graph", "x*y", "x=2", "y=3", "--local-derivatives"], capsys)
    assert status == 2 and out == ""
    assert "--local-derivatives labels the edges of the drawn graph: give its file name with -o" \
        in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("text", "suggestion", "meant"),
    [
        ("2πx²", "2*π*x**2", 2 * math.pi * 0.25),
        ("sin(pi x²)", "sin(pi*x**2)", math.sin(math.pi * 0.25)),
        ("x² + 3y", "x**2 + 3*y", 0.25 + 3 * 2.0),
    ],
)
def test_a_suggested_line_has_every_fix_and_runs(text: str, suggestion: str, meant: float) -> None:
    values = {"x": 0.5, "y": 2.0}
    with pytest.raises(ExpressionError, match=re.escape(f": {suggestion!r}")):
        parse_expression(text, values)
    assert parse_expression(suggestion, values).data == pytest.approx(meant, rel=1e-15)


def test_a_number_too_long_for_python_is_named_with_its_column(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run(["graph", "x + " + "1" * 10**5, "x=2"], capsys)
    assert status == 2 and out == ""
    assert "number '111" in err and "is too long at column 5: 100000 digits" in err
    assert "4300" not in err and "set_int_max_str_digits" not in err
    assert len(err) < 300


def test_a_long_text_gets_a_short_meaningful_suggestion() -> None:
    with pytest.raises(ExpressionError) as raised:
        parse_expression("2x" * 10**6, {"x": 1.0})
    message = str(raised.value)
    assert message.endswith(
        "at column 2: a number directly before a name; write '*' between them for a product"
    )
    assert "x2x2" not in message
