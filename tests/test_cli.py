"""The backprop-lab command line: good runs write valid files and the chain rule; every kind of
bad input exits with status 2 and one line, leaving an existing output file as it was."""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from autograd import Value, numerical_gradient
from autograd.cli import main
from autograd.cli.demo import main as demo

ROOT = Path(__file__).resolve().parent.parent
BACKPROP_LAB = ROOT / ".venv" / "bin" / "backprop-lab"
NEURON = ["tanh(w1*x1 + w2*x2 + b)", "x1=2", "x2=0", "w1=-3", "w2=1", "b=6.88"]
OLD_CONTENT = b"an earlier picture, which a failed run must leave alone\n"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def final_number(line: str) -> float:
    """The number a chain-rule line ends with, as format_number wrote it."""
    return float(line.rsplit("=", 1)[1].strip().replace(",", ""))


def is_svg(data: bytes) -> bool:
    return ElementTree.fromstring(data).tag == "{http://www.w3.org/2000/svg}svg"


# ---- good runs ---------------------------------------------------------------------------------

def test_example_draws_the_worked_example_and_prints_the_slides_chain_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "worked_example.svg"
    status, out, err = run(["example", "-o", str(output)], capsys)
    assert (status, err) == (0, "")
    assert is_svg(output.read_bytes())
    lines = out.splitlines()
    # The lecture's slide, derived by hand: -85,000 · 1 · 1 and -85,000 · 1 · 1 · 2,500.
    theta1 = "∂loss/∂theta1 = ∂loss/∂c2 · ∂c2/∂y_pred · ∂y_pred/∂theta1 = -85,000 · 1 · 1 = -85,000"
    assert theta1 in lines
    theta2 = [line for line in lines if line.startswith("∂loss/∂theta2 = ")]
    assert len(theta2) == 1 and theta2[0].endswith("= -85,000 · 1 · 1 · 2,500 = -2.125e+08")
    assert lines[-1] == f"wrote {output}"


@pytest.mark.parametrize(
    ("suffix", "looks_right"),
    [
        (".svg", is_svg),
        (".png", lambda data: data.startswith(b"\x89PNG\r\n\x1a\n")),
        (".pdf", lambda data: data.startswith(b"%PDF-")),
        (".dot", lambda data: data.lstrip().startswith(b"digraph")),
    ],
)
def test_the_suffix_chooses_the_format(
    suffix: str, looks_right: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / f"neuron{suffix}"
    status, _, err = run(["graph", *NEURON, "-o", str(output)], capsys)
    assert (status, err) == (0, "")
    assert callable(looks_right) and looks_right(output.read_bytes())


def test_local_derivatives_label_the_edges_in_red(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain, labelled = tmp_path / "plain.dot", tmp_path / "labelled.dot"
    assert run(["example", "-o", str(plain)], capsys)[0] == 0
    assert run(["example", "--local-derivatives", "-o", str(labelled)], capsys)[0] == 0
    assert "fontcolor=red" not in plain.read_text()
    # d c1/d theta2 = x = 2,500 on the slide
    assert re.search(r'label="2,500"[^\]]*fontcolor=red', labelled.read_text())


def test_graph_prints_a_chain_rule_line_per_input_matching_central_differences(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run(["graph", *NEURON], capsys)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "f = 0.7064"
    names = ["x1", "x2", "w1", "w2", "b"]
    values = [2.0, 0.0, -3.0, 1.0, 6.88]

    def f(x1: Value, x2: Value, w1: Value, w2: Value, b: Value) -> Value:
        return (w1 * x1 + w2 * x2 + b).tanh()

    by_name = {line.split(" = ")[0]: line for line in lines[1:]}
    assert list(by_name) == ["∂f/∂w1", "∂f/∂x1", "∂f/∂w2", "∂f/∂x2", "∂f/∂b"]  # as written
    for index, name in enumerate(names):
        numeric = numerical_gradient(f, values, index)
        assert final_number(by_name[f"∂f/∂{name}"]) == pytest.approx(numeric, rel=1e-3, abs=1e-9)


def test_wrt_picks_the_inputs_to_explain(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["graph", *NEURON, "--wrt", "w1", "--wrt", "b"], capsys)
    assert status == 0
    assert [line.split(" = ")[0] for line in out.splitlines()[1:]] == ["∂f/∂w1", "∂f/∂b"]


def test_an_input_used_twice_gets_both_paths(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["graph", "x*x", "x=3"], capsys)
    assert status == 0
    lines = [line.strip() for line in out.splitlines()[1:]]
    # d(x*x)/dx = x + x: two direct edges, each its own term, never the total again
    assert lines == ["∂f/∂x = x + x", "= 3 + 3", "= 6"]


def test_the_result_is_named_after_no_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "backprop.html"
    argv = ["graph", "f*output", "f=2", "output=3", "--steps", "-o", str(output)]
    status, out, _ = run(argv, capsys)
    assert status == 0
    name = out.splitlines()[0].split(" = ")[0]
    assert name not in ("f", "output")
    # d(f*output)/df = output = 3 and d(f*output)/doutput = f = 2, by hand
    # (one op: each gradient is one direct edge, written as its formula, no tautology)
    assert out.splitlines()[1:3] == [f"∂{name}/∂f = output = 3", f"∂{name}/∂output = f = 2"]
    nodes = re.findall(r'data-node="([^"]*)"', output.read_text("utf-8"))
    assert sorted(nodes) == sorted({*nodes}) and {"f", "output", name} <= {*nodes}


def test_steps_writes_the_stepping_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "backprop.html"
    status, out, err = run(["graph", *NEURON, "--steps", "-o", str(output)], capsys)
    assert (status, err) == (0, "")
    page = output.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert '<script type="application/json" id="backprop-steps">' in page
    assert "Backprop through f = tanh(w1*x1 + w2*x2 + b)" in page
    assert out.splitlines()[-1] == f"wrote {output}"


def test_help_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["graph", "--help"], capsys)
    assert status == 0
    assert "NAME=NUMBER" in out and "--local-derivatives" in out


def test_the_demo_writes_the_picture_and_the_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert demo([str(tmp_path / "build")]) == 0
    out = capsys.readouterr().out
    assert is_svg((tmp_path / "build" / "worked_example.svg").read_bytes())
    assert (tmp_path / "build" / "backprop.html").read_text("utf-8").startswith("<!DOCTYPE html>")
    assert "-2.125e+08" in out and "build/backprop.html" in out


# ---- bad input: status 2, one line, nothing written --------------------------------------------

BAD_RUNS = [
    (["graph", "tanh(w1*x1 +", "w1=1", "x1=2"], "invalid syntax at column 5: '(' was never closed"),
    (["graph", "w1*x1 +", "w1=1", "x1=2"], "invalid syntax at the end of the expression"),
    (["graph", "x + z", "x=1"], "unknown name 'z' (it has no value) at column 5"),
    (["graph", "foo(x)", "x=1"], "unknown function 'foo'"),
    (["graph", "x.data", "x=1"], "attribute access 'x.data' is not allowed at column 1"),
    (["graph", "x.__class__", "x=1"], "attribute access 'x.__class__' is not allowed"),
    (["graph", "x * 2", "x=abc"], "the value of 'x' must be a number, got 'abc'"),
    (["graph", "x * 2", "x="], "the value of 'x' must be a number, got ''"),
    (["graph", "x * 2", "x=nan"], "the value of 'x' must be a finite number, got 'nan'"),
    (["graph", "x * y", "x=1"], "unknown name 'y' (it has no value) at column 5"),
    (["graph", "x * 2", "x"], "expected NAME=NUMBER, got 'x'"),
    (["graph", "x * 2", "x=1", "x=2"], "'x' is given twice"),
    (["graph", "x * 2", "x=1", "y=2"], "'y' is given a value but the expression does not use it"),
    (["graph", "x * 2", "1x=2"], "'1x' is not a name"),
    (["graph", "log(x)", "x=-1"], "log: math domain error for input -1.0"),
    (["graph", "x / (x - 1)", "x=1"], "div: float division by zero for inputs 1.0 and 0.0"),
    (["graph", "exp(x)", "x=1000"], "exp: math range error for input 1000.0"),
    (["graph", "x * 2", "x=1", "--wrt", "w"], "--wrt w: the expression has no input 'w'"),
    (["graph", "1e400*x", "x=1"], "number '1e400' is too large at column 1"),
    (["graph", "x - 1e999", "x=1"], "number '1e999' is too large at column 5"),
]


@pytest.mark.parametrize(("argv", "message"), BAD_RUNS)
@pytest.mark.parametrize("suffix", [".svg", ".html"])
def test_bad_input_exits_2_with_one_line_and_leaves_the_old_file(
    argv: list[str],
    message: str,
    suffix: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    output = tmp_path / f"out{suffix}"
    output.write_bytes(OLD_CONTENT)
    steps = ["--steps"] if suffix == ".html" else []
    status, out, err = run([*argv, *steps, "-o", str(output)], capsys)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("backprop-lab: error: ")
    assert message in err
    assert output.read_bytes() == OLD_CONTENT
    assert sorted(p.name for p in tmp_path.iterdir()) == [output.name]  # no temporary files


@pytest.mark.parametrize(
    ("name", "extra", "message"),
    [
        ("out.jpg", [], "unknown output format ('.jpg'); use .svg, .png, .pdf or .dot"),
        ("out", [], "unknown output format (no suffix)"),
        ("out.html", [], "is a web page: add --steps"),
        ("out.svg", ["--steps"], "--steps writes a web page: name the output .html"),
    ],
)
def test_an_unknown_or_mismatched_suffix_is_refused_before_anything_is_written(
    name: str, extra: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / name
    output.write_bytes(OLD_CONTENT)
    status, _, err = run(["example", *extra, "-o", str(output)], capsys)
    assert status == 2
    assert message in err and err.count("\n") == 1
    assert output.read_bytes() == OLD_CONTENT
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_a_missing_directory_and_steps_without_output_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(["example", "-o", str(tmp_path / "no" / "such.svg")], capsys)
    assert status == 2 and "there is no directory" in err
    status, _, err = run(["example", "--steps"], capsys)
    assert status == 2 and "give its file name with -o FILE.html" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "the following arguments are required: COMMAND"),
        (["draw"], "invalid choice: 'draw'"),
        (["graph", "-x", "x=1"], "an expression that starts with '-' goes after '--'"),
        (["example", "--colour"], "unrecognized arguments: --colour"),
    ],
)
def test_usage_errors_are_one_line_too(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(argv, capsys)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("backprop-lab: error: ")
    assert message in err


def test_a_failed_write_exits_1_and_leaves_the_old_page_and_no_temporary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "backprop.html"
    output.write_bytes(OLD_CONTENT)

    def disk_full(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    status, _, err = run(["example", "--steps", "-o", str(output)], capsys)
    assert status == 1
    assert err == f"backprop-lab: error: cannot write {str(output)!r}: No space left on device\n"
    assert output.read_bytes() == OLD_CONTENT
    assert [p.name for p in tmp_path.iterdir()] == ["backprop.html"]


# ---- the installed command, in a real process --------------------------------------------------

def test_the_installed_command_runs_and_reports_errors_without_a_traceback(tmp_path: Path) -> None:
    assert BACKPROP_LAB.exists(), "install the project first: make (pip install -e .)"
    output = tmp_path / "neuron.svg"
    good = subprocess.run(
        [str(BACKPROP_LAB), "graph", *NEURON, "-o", str(output)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert good.returncode == 0, good.stderr
    assert is_svg(output.read_bytes())
    before = output.read_bytes()
    bad = subprocess.run(
        [str(BACKPROP_LAB), "graph", "log(x)", "x=-1", "-o", str(output)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr == "backprop-lab: error: log: math domain error for input -1.0\n"
    assert "Traceback" not in bad.stdout + bad.stderr
    assert output.read_bytes() == before


def test_python_dash_m_autograd_is_the_same_command(tmp_path: Path) -> None:
    output = tmp_path / "example.dot"
    done = subprocess.run(
        [sys.executable, "-m", "autograd", "example", "-o", str(output)],
        capture_output=True, text=True, timeout=60, check=False, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "-2.125e+08" in done.stdout
    assert output.read_text().lstrip().startswith("digraph")


def test_without_graphviz_the_error_says_how_to_install_it(tmp_path: Path) -> None:
    output = tmp_path / "example.svg"
    output.write_bytes(OLD_CONTENT)
    done = subprocess.run(
        [sys.executable, "-m", "autograd", "example", "-o", str(output)],
        capture_output=True, text=True, timeout=60, check=False, cwd=ROOT,
        env={**os.environ, "PATH": str(tmp_path)},  # a PATH with no `dot` on it
    )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "install Graphviz: sudo apt-get install graphviz" in done.stderr
    assert output.read_bytes() == OLD_CONTENT


def test_intermediate_nodes_are_named_by_their_formula(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["graph", "tanh(w1*x1 + b)", "w1=0.5", "x1=2", "b=0", "--wrt", "w1"])
    assert status == 0
    line = capsys.readouterr().out.splitlines()[1]
    # the chain through tanh, +, * named as written; d tanh(u)/du = 1 - tanh(1)^2, d(w1*x1)/dw1 = 2
    assert line.startswith("∂f/∂w1 = ∂f/∂(w1*x1 + b) · ∂(w1*x1 + b)/∂(w1*x1) · ∂(w1*x1)/∂w1 = ")
    expected = (1 - math.tanh(1.0) ** 2) * 2
    assert float(line.rsplit("= ", 1)[1]) == pytest.approx(expected, rel=1e-3)


# ---- bounded work ------------------------------------------------------------------------------

@pytest.mark.parametrize("terms", [201, 2000, 5000])
def test_a_long_sum_is_refused_early_with_one_message(
    terms: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "sum.svg"
    expression = " + ".join(["x"] * terms)
    for argv in (["graph", expression, "x=1"], ["graph", expression, "x=1", "-o", str(output)]):
        status, out, err = run(argv, capsys)
        assert (status, out) == (2, "")
        assert err == (
            f"backprop-lab: error: the expression has {terms:,} names and numbers, more than "
            f"the 200 the command line takes (it prints the chain rule for every input and "
            f"draws every node); write fewer terms, or build the graph in Python, where "
            f"autograd.sum and autograd.dot make a long sum one node\n"
        )
    assert not output.exists()


def test_the_largest_sum_allowed_still_prints_its_chain_rule(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run(["graph", " + ".join(["x"] * 200), "x=1"], capsys)
    assert (status, err) == (0, "")
    assert out.splitlines()[-1].strip() == "= 200"


LONG_EXPRESSIONS = [
    " + ".join(["x"] * 200),
    "*".join(["x"] * 120),
    " + ".join(f"x{i}*w{i}" for i in range(100)),
]


@pytest.mark.parametrize("expression", LONG_EXPRESSIONS)
def test_no_printed_line_is_longer_than_max_line(
    expression: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from autograd.cli.commands import MAX_LINE

    names = sorted(set(re.findall(r"[a-z]\d*", expression)))
    status, out, err = run(["graph", expression, *(f"{n}=1.001" for n in names)], capsys)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= MAX_LINE  # the 200-term sum was 451,161 long
    elided = [line for line in lines if "characters left out" in line]
    assert elided and all("autograd.chain_rule in Python" in line for line in elided)
    for line in elided:  # the count says how much is missing
        count = int(re.search(r"\[([\d,]+) characters left out", line)[1].replace(",", ""))  # type: ignore[index]
        assert count > 0
    if expression.startswith("x + x"):  # d/dx of a sum of 200 x's is 200, by hand
        assert lines[-1].strip() == "= 200"


def test_a_long_error_message_is_bounded_too(capsys: pytest.CaptureFixture[str]) -> None:
    from autograd.cli.commands import MAX_LINE

    status, out, err = run(["graph", "x + " + "y" * 5000, "x=1"], capsys)
    assert status == 2 and out == ""
    assert err.startswith("backprop-lab: error: ") and len(err.rstrip("\n")) <= MAX_LINE
    assert "y" * 100 not in err  # the name is quoted shortened, not in full


def test_a_graph_too_slow_for_graphviz_is_refused_with_what_to_do_instead(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expression = " + ".join(["x"] * 200)  # 201 values, but each term's edge from x is long
    status, out, err = run(["graph", expression, "x=1", "-o", str(tmp_path / "x.svg")], capsys)
    assert (status, out) == (2, "")
    assert "39,999 edge pieces" in err and "more than max_edges=2,000" in err
    assert "write the DOT text instead" in err and "autograd.sum" in err
    assert list(tmp_path.iterdir()) == []
    status, out, err = run(["graph", expression, "x=1", "-o", str(tmp_path / "x.dot")], capsys)
    assert (status, err) == (0, "")
    assert (tmp_path / "x.dot").read_text().count("->") == 199 * 3  # 199 additions


def test_graphviz_stopped_at_its_time_limit_exits_1_with_its_advice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import autograd.viz.draw as draw_module
    from autograd.viz import GraphvizTimeout

    def too_slow(*args: object, **kwargs: object) -> bytes:
        raise GraphvizTimeout("render: Graphviz took more than 60 s; write the DOT text instead")

    monkeypatch.setattr(draw_module, "run_dot", too_slow)
    output = tmp_path / "neuron.svg"
    status, out, err = run(["graph", *NEURON, "-o", str(output)], capsys)
    assert (status, out) == (1, "")
    assert err == (
        "backprop-lab: error: render: Graphviz took more than 60 s; write the DOT text instead\n"
    )
    assert not output.exists()
