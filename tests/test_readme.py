"""The README's Python examples run as written and print what they say."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def run(block: str) -> str:
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(block, str(README), "exec"), {"__name__": "readme"})
    return output.getvalue()


def test_the_ten_lines_print_the_slide_gradients() -> None:
    block = python_blocks()[0]
    assert len(block.strip().splitlines()) <= 10
    assert run(block).split() == ["-85000.0", "-212500000.0"]


@pytest.mark.parametrize("index", range(1, 9))
def test_every_other_example_runs(
    index: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    block = python_blocks()[index]
    printed = run(block)
    for comment in re.findall(r"^# (∂.*)$", block, re.M):
        assert comment in printed  # a printed line shown in the README is what it prints


def test_the_readme_has_the_examples_this_test_expects() -> None:
    assert len(python_blocks()) == 9


def test_the_convnet_example_reaches_the_first_kernel() -> None:
    pytest.importorskip("sklearn")
    assert run(python_blocks()[5]).split() == ["True"]
