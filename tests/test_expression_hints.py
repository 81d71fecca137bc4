"""Expression errors that teach: the right column and what was probably meant; pi and e; the
README's syntax list is what the parser accepts; help and chain rules need no graphviz."""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from autograd import ExpressionError, Value, parse_expression, topological_order
from autograd.cli import main
from autograd.cli.expression import FUNCTIONS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "column", "suggestion"),
    [
        ("2x + 1", 2, "2*x"),
        ("x + 2x", 6, "2*x"),
        ("3 x", 3, "3*x"),
        ("2.5w * x", 4, "2.5*w"),
        ("1e5x", 4, "1e5*x"),
        ("2pi", 2, "2*pi"),
        ("  2x", 4, "2*x"),  # columns count in the text as given
    ],
)
def test_a_number_before_a_name_points_at_the_name_and_suggests_the_product(
    text: str, column: int, suggestion: str
) -> None:
    with pytest.raises(ExpressionError) as raised:
        parse_expression(text, {"x": 1.0, "w": 2.0})
    message = str(raised.value)
    assert f"at column {column}:" in message
    assert f"write {suggestion!r} for a product" in message


def test_literals_that_look_like_a_number_and_a_name_are_not_called_products() -> None:
    assert parse_expression("1e5 * x", {"x": 2.0}).data == 2e5
    with pytest.raises(ExpressionError, match="is not a real number") as raised:
        parse_expression("2j + x", {"x": 1.0})
    assert "product" not in str(raised.value)


@pytest.mark.parametrize(
    ("text", "column", "power"),
    [
        ("x^2", 2, "x**2"),
        ("(x+1)^2", 6, "(x+1)**2"),
        ("θ ^ 3", 3, "θ ** 3"),
        ("x^2 + y^2", 2, "x**2 + y**2"),  # Python reads it as (x ^ (2 + y)) ^ 2: one piece
        ("sin(x)^2", 7, "sin(x)**2"),
    ],
)
def test_a_caret_points_at_itself_and_suggests_the_power_operator(
    text: str, column: int, power: str
) -> None:
    with pytest.raises(ExpressionError) as raised:
        parse_expression(text, {"x": 1.0, "y": 2.0, "θ": 2.0})
    message = str(raised.value)
    assert "operator '^' is not supported" in message and f"at column {column};" in message
    assert message.endswith(f"write '**' for a power: {power!r}")


@pytest.mark.parametrize(
    ("text", "product"), [("2(x+1)", "2*(x+1)"), ("(x+1)(x-1)", "(x+1)*(x-1)"), ("x(y)", "x*(y)")]
)
def test_a_call_of_something_that_is_not_a_function_suggests_the_product(
    text: str, product: str
) -> None:
    with pytest.raises(ExpressionError) as raised:
        parse_expression(text, {"x": 1.0, "y": 2.0})
    assert str(raised.value).endswith(f"write {product!r} for a product")


def test_pi_and_e_are_the_constants_unless_given_a_value() -> None:
    assert parse_expression("pi", {}).data == math.pi
    assert parse_expression("e", {}).data == math.e
    out = parse_expression("sin(pi * x) + e ** x", {"x": 0.5})
    assert out.data == pytest.approx(math.sin(math.pi * 0.5) + math.e**0.5)
    out.backward()
    (x,) = [node for node in _leaves(out) if node.label == "x"]
    # d/dx [sin(πx) + e^x] = π cos(πx) + e^x, by hand
    assert x.grad == pytest.approx(math.pi * math.cos(math.pi * 0.5) + math.e**0.5)
    assert parse_expression("e * 2", {"e": 3.0}).data == 6.0  # a value given wins
    assert {node.label for node in _leaves(out) if node.label} == {"x"}  # constants, not inputs


def _leaves(root: Value) -> list[Value]:
    return [node for node in topological_order(root) if node.is_leaf]


def test_the_command_line_shows_the_hint_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "2x + 1", "x=3"]) == 2
    error = capsys.readouterr().err.strip()
    assert error == (
        "backprop-lab: error: invalid syntax at column 2: a number directly before a name; "
        "write '2*x' for a product"
    )
    assert main(["graph", "pi * x**2", "x=2"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == f"f = {4 * math.pi:.4g}"


def test_the_readmes_syntax_list_is_what_the_parser_accepts() -> None:
    sentence = README.split("Expressions may use", 1)[1].split("They are parsed", 1)[0]
    sentence = " ".join(sentence.split())
    listed = set(re.search(r"the functions ([a-z_, ]+?), written", sentence)[1].split(", "))  # type: ignore[index]
    assert listed == set(FUNCTIONS)
    assert "`tanh(x)` or `x.tanh()`" in sentence and "`pi` and `e`" in sentence
    for name in listed:
        assert parse_expression(f"{name}(x)", {"x": 0.5}).data == parse_expression(
            f"x.{name}()", {"x": 0.5}
        ).data
    for accepted in ("+x - -x", "(x + 1) * x / 2 ** x", "pi * e"):
        parse_expression(accepted, {"x": 0.5})
    help_text = subprocess.run(
        [sys.executable, "-m", "autograd", "graph", "--help"],
        capture_output=True, text=True, check=True,
    ).stdout
    assert "x.tanh()" in " ".join(help_text.split()) and "pi and e" in " ".join(help_text.split())


# ---- without the graphviz package ----------------------------------------------------------------

def _without_graphviz(tmp_path: Path) -> dict[str, str]:
    """An environment in which ``import graphviz`` fails as if it were not installed."""
    package = tmp_path / "blocked" / "graphviz"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'graphviz'\", name='graphviz')\n"
    )
    return {**os.environ, "PYTHONPATH": str(package.parent)}


def test_help_and_the_chain_rule_need_no_graphviz_package(tmp_path: Path) -> None:
    environment = _without_graphviz(tmp_path)

    def run(*arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "autograd", *arguments],
            capture_output=True, text=True, env=environment, cwd=tmp_path, check=False,
        )

    probe = subprocess.run(
        [sys.executable, "-c", "import graphviz"], capture_output=True, text=True,
        env=environment, check=False,
    )
    assert "No module named 'graphviz'" in probe.stderr  # the package is really out of reach
    helped = run("--help")
    assert helped.returncode == 0 and helped.stderr == ""
    assert helped.stdout.startswith("usage: backprop-lab")
    example = run("example")
    assert example.returncode == 0 and example.stderr == ""
    assert "-85,000 · 1 · 1 · 2,500 = -2.125e+08" in example.stdout
    drawn = run("graph", "x**2", "x=3", "-o", "x.svg")
    assert drawn.returncode == 1
    assert drawn.stderr.count("\n") == 1 and "Traceback" not in drawn.stderr
    assert "pip install graphviz" in drawn.stderr
    assert not (tmp_path / "x.svg").exists()


def test_drawing_in_python_without_graphviz_says_what_to_install(tmp_path: Path) -> None:
    code = (
        "from autograd import Value, draw_graph\n"
        "try:\n"
        "    draw_graph(Value(1.0) * 2)\n"
        "except ModuleNotFoundError as error:\n"
        "    print(error)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True,
        env=_without_graphviz(tmp_path), check=True,
    )
    assert done.stdout.startswith("draw_graph: drawing needs the graphviz Python package: ")
    assert "pip install graphviz" in done.stdout and done.stdout.count("\n") == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x²", "invalid syntax at column 2: a superscript is not a power; write '**' for a "
         "power: 'x**2'"),
        ("x³ + 1", "invalid syntax at column 2: a superscript is not a power; write '**' for a "
         "power: 'x**3 + 1'"),
        ("sin x + 1", "invalid syntax at column 5: a function without parentheses; write "
         "'sin(x)' to call it"),
        ("ln(x)", "unknown function 'ln' at column 1; write 'log(x)' for the natural logarithm"),
        ("max(x, 0)", "unknown function 'max' at column 1; write 'relu(x)' for max(0, x)"),
        ("math.sin(x)", "module 'math' is not needed, in 'math.sin(x)' at column 1; write "
         "'sin(x)'"),
        ("2 * np.exp(x)", "module 'np' is not needed, in 'np.exp(x)' at column 5; write "
         "'exp(x)'"),
        ("math.pi * x", "module 'math' is not needed, in 'math.pi' at column 1; write 'pi'"),
    ],
)
def test_other_habits_from_paper_and_python_get_a_hint(text: str, message: str) -> None:
    with pytest.raises(ExpressionError) as raised:
        parse_expression(text, {"x": 1.0})
    assert str(raised.value) == message


def test_a_refusal_comes_without_a_syntax_warning() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ExpressionError, match="boolean operator '2or x' is not allowed"):
            parse_expression("2or x", {"x": 1.0})
    assert [str(warning.message) for warning in caught] == []
