"""The README's commands in a clean clone: `make demo` installs only what the demo needs and prints
only the demo's output; generated files go to the ignored build/ folder, so `git status` stays
clean; a failed installation shows pip's log; the README's benchmark figures are the committed
report's."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _git(*arguments: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *arguments], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout


def _environment(clone: Path) -> dict[str, str]:
    """The user's environment, as outside make: no inherited make or virtualenv settings."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "VENV", "VIRTUAL_ENV", "PYTHONPATH"}
    }
    environment["PATH"] = f"{clone / '.venv' / 'bin'}{os.pathsep}{environment.get('PATH', '')}"
    return environment


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None or shutil.which("make") is None:
        pytest.skip("needs git and make")
    try:
        _git("rev-parse", "HEAD", cwd=ROOT)
    except subprocess.CalledProcessError:
        pytest.skip("not a git checkout")
    target = tmp_path_factory.mktemp("clean") / "backprop-lab"
    _git("clone", "--quiet", str(ROOT), str(target), cwd=ROOT)
    return target


def test_make_demo_installs_only_the_engine_and_graphviz_and_prints_only_the_demo(
    clone: Path,
) -> None:
    done = subprocess.run(
        ["make", "demo"], cwd=clone, env=_environment(clone), capture_output=True, text=True,
        check=False, timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""  # no pip, setuptools or make chatter
    assert done.stdout.splitlines() == [
        "The worked example: y_pred = theta1 + theta2 * x, loss = (y_pred - y)^2",
        "∂loss/∂theta1 = ∂loss/∂c2 · ∂c2/∂y_pred · ∂y_pred/∂theta1 = -85,000 · 1 · 1 = -85,000",
        "∂loss/∂theta2 = ∂loss/∂c2 · ∂c2/∂y_pred · ∂y_pred/∂c1 · ∂c1/∂theta2 = -85,000 · 1 · 1"
        " · 2,500 = -2.125e+08",
        "wrote build/worked_example.svg (the graph with gradients and local derivatives)",
        "wrote build/backprop.html (open it in a browser; step with Next or the arrow keys)",
    ]
    probe = (
        "import importlib.util as u; print(' '.join(m for m in ('graphviz', 'numpy', 'mypy', "
        "'ruff', 'pytest', 'jupyterlab', 'matplotlib', 'micrograd', 'playwright') "
        "if u.find_spec(m)))"
    )
    installed = subprocess.run(
        [str(clone / ".venv" / "bin" / "python"), "-c", probe], capture_output=True, text=True,
        check=True,
    ).stdout.split()
    assert installed == ["graphviz"]
    again = subprocess.run(
        ["make", "demo"], cwd=clone, env=_environment(clone), capture_output=True, text=True,
        check=True,
    )
    assert again.stdout == done.stdout and again.stderr == ""


def test_the_readmes_commands_leave_git_status_clean(clone: Path) -> None:
    if not (clone / ".venv" / ".installed-core").exists():
        pytest.skip("needs the virtualenv that make demo makes (the test above)")
    environment = _environment(clone)
    (shell_block,) = re.findall(r"```sh\n(.*?)```", README, re.S)
    commands = [line for line in shell_block.splitlines() if line.strip()]
    (nbconvert,) = re.findall(r"`(\.venv/bin/jupyter nbconvert [^`]+)`", README)
    jupyter = Path(sys.prefix, "bin", "jupyter")  # make test's Jupyter; make demo has none
    commands.append(nbconvert.replace(".venv/bin/jupyter", str(jupyter), 1))
    for command in commands:
        done = subprocess.run(
            ["bash", "-c", command], cwd=clone, env=environment, capture_output=True, text=True,
            check=False, timeout=600,
        )
        assert done.returncode == 0, f"{command}\n{done.stderr}"
    assert (clone / "build" / "notebooks" / "01_backprop_by_hand.html").is_file()
    assert (clone / "build" / "neuron.svg").is_file()
    # make bench writes its report under build/ too (running it takes minutes)
    assert _git("check-ignore", "build/benchmarks/results.md", cwd=clone).strip()
    assert _git("status", "--porcelain", "--untracked-files=all", cwd=clone) == ""


def test_make_bench_writes_its_report_into_an_ignored_folder() -> None:
    from benchmarks.__main__ import DEFAULT_OUTPUT, REFERENCE_REPORT

    assert not DEFAULT_OUTPUT.is_absolute() and DEFAULT_OUTPUT.parts[0] == "build"
    assert "build/" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert REFERENCE_REPORT == ROOT / "benchmarks" / "results.md"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "$(PY) -m benchmarks\n" in makefile  # no --output: the default above


def test_a_failed_installation_shows_pips_log(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[project]\nname = "broken"\nversion = "0"\n'
        'dependencies = ["backprop-lab-test-no-such-package==0"]\n'
    )
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    (tmp_path / "no-wheels").mkdir()
    environment = {**os.environ, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(tmp_path / "no-wheels")}
    stamp = venv / ".installed-core"
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "install.sh"), str(venv), str(stamp)],
        cwd=project, env=environment, capture_output=True, text=True, check=False,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith(f"backprop-lab: installing . into {venv} failed; ")
    assert "No module named pip" in done.stderr  # the log itself, shown
    assert not stamp.exists()


def test_the_readmes_benchmark_figures_are_the_committed_reports() -> None:
    report = (ROOT / "benchmarks" / "results.md").read_text(encoding="utf-8")
    section = README.split("\n## Benchmarks", 1)[1]
    table = [line for line in section.splitlines() if line.startswith("| ") and "x" in line]
    figures = re.findall(r"\b(\d+(?:\.\d+)?)x\b", "\n".join(table[1:]))
    figures += re.findall(r"\b(\d+) bytes\b", "\n".join(table))
    assert len(figures) >= 8
    for figure in figures:
        assert re.search(rf"\b{re.escape(figure)}(x| bytes)", report), figure
    measured = re.search(r"\| date \(UTC\) \| (\S+) (\S+) \|", report)
    assert measured is not None
    day, time = measured.groups()
    assert f"on {day} at\n{time} UTC" in section or f"on {day} at {time} UTC" in section
    python = re.search(r"\| Python \| CPython (\S+) \|", report)
    assert python is not None and f"CPython {python[1]}" in section
