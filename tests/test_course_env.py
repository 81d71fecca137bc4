"""`make notebooks`: the course extra holds what the notebooks import and no PyTorch, Playwright
or test runner, pinned as the other extras pin them; JupyterLab opens a browser only where there
is a display; and (with BACKPROP_TEST_COURSE_ENV=1, since it downloads and takes minutes) a fresh
clone's environment stays under 600 MB and runs every notebook."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
EXTRAS: dict[str, list[str]] = PYPROJECT["project"]["optional-dependencies"]
NEEDED = {"jupyterlab", "ipykernel", "ipywidgets", "matplotlib", "numpy", "scikit-learn",
          "gymnasium", "tqdm"}
NOT_FOR_THE_COURSE = {"torch", "playwright", "pytest", "ruff", "mypy", "nbclient", "micrograd"}
SIZE_LIMIT_MB = 600


def pins(requirements: list[str]) -> dict[str, str]:
    """{name: version} of requirements written name==version; anything else fails."""
    found = {}
    for requirement in requirements:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==([0-9][0-9A-Za-z.]*)", requirement)
        assert match is not None, f"{requirement!r} is not pinned as name==version"
        found[match[1].lower()] = match[2]
    return found


def test_the_course_extra_pins_what_the_notebooks_need_and_nothing_heavy() -> None:
    course = pins(EXTRAS["course"])
    assert set(course) >= NEEDED
    assert not set(course) & NOT_FOR_THE_COURSE
    assert not any(name.startswith(("pytest", "torch")) for name in course)


def test_the_course_extra_pins_the_versions_the_other_extras_pin() -> None:
    course = pins(EXTRAS["course"])
    for extra in ("bench", "compile", "digits", "rl"):
        for requirement in EXTRAS[extra]:
            match = re.fullmatch(r"([A-Za-z0-9_.-]+)==(.+)", requirement)
            if match and match[1].lower() in course:
                assert course[match[1].lower()] == match[2], f"{extra}: {requirement}"


def test_every_module_the_notebooks_import_comes_with_the_course_extra() -> None:
    import json

    # the import name -> the package that brings it in the course environment
    provided = {"matplotlib": "matplotlib", "numpy": "numpy", "gymnasium": "gymnasium",
                "hypothesis": "hypothesis", "IPython": "ipykernel", "graphviz": "graphviz",
                "ipywidgets": "ipywidgets", "sklearn": "scikit-learn"}
    ours = {"autograd", "nn", "optim", "exercises", "benchmarks"}
    imported = set()
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                source = "".join(cell["source"])
                imported |= set(re.findall(r"^\s*(?:import|from) (\w+)", source, re.M))
    standard = set(sys.stdlib_module_names)
    outside = imported - ours - standard - {"torch"}  # torch: its cells skip without it
    assert outside <= set(provided), outside - set(provided)
    course = set(pins(EXTRAS["course"])) | {"graphviz"}  # graphviz: the core dependency
    assert {provided[module] for module in outside} <= course


def _run_launcher(tmp_path: Path, display: str) -> list[str]:
    """The arguments scripts/notebooks.sh gives jupyter lab, with a stand-in jupyter."""
    venv = tmp_path / f"venv{len(display)}"
    (venv / "bin").mkdir(parents=True)
    jupyter = venv / "bin" / "jupyter"
    jupyter.write_text('#!/usr/bin/env bash\nprintf "%s\\n" "$@"\n')
    jupyter.chmod(0o755)
    environment = {key: value for key, value in os.environ.items()
                   if key not in {"DISPLAY", "WAYLAND_DISPLAY"}}
    if display:
        environment["DISPLAY"] = display
    done = subprocess.run(["bash", str(ROOT / "scripts" / "notebooks.sh"), str(venv)], cwd=ROOT,
                          env=environment, capture_output=True, text=True, check=True)
    first, *arguments = done.stdout.splitlines()
    assert first.startswith("backprop-lab: JupyterLab on notebooks/")
    return [argument for argument in arguments if argument != "--allow-root"]


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS has a browser without $DISPLAY")
def test_jupyterlab_opens_no_browser_without_a_display(tmp_path: Path) -> None:
    assert _run_launcher(tmp_path, "") == ["lab", "--ServerApp.root_dir=notebooks", "--no-browser"]
    assert _run_launcher(tmp_path, ":0") == ["lab", "--ServerApp.root_dir=notebooks"]


def test_make_notebooks_installs_the_course_extra_then_starts_jupyterlab() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^\$\(COURSE\):.*\n(\t.*\n)*\t.*install\.sh \$\(VENV\) \$@ course$",
                     makefile, re.M)
    assert "notebooks: $(COURSE)\n\t@bash scripts/notebooks.sh $(VENV)\n" in makefile


def _megabytes(folder: Path) -> float:
    """Disk space the files take, as du counts it."""
    return sum(p.lstat().st_blocks * 512 for p in folder.rglob("*")) / 1e6


@pytest.mark.skipif(
    os.environ.get("BACKPROP_TEST_COURSE_ENV") != "1",
    reason="downloads the course environment and runs every notebook in it (minutes); "
    "set BACKPROP_TEST_COURSE_ENV=1",
)
def test_a_fresh_clones_course_environment_is_small_and_runs_every_notebook(
    tmp_path: Path,
) -> None:
    if shutil.which("git") is None or shutil.which("make") is None:
        pytest.skip("needs git and make")
    clone = tmp_path / "backprop-lab"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    environment = {key: value for key, value in os.environ.items()
                   if key not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "VENV", "VIRTUAL_ENV",
                                  "PYTHONPATH"}}
    subprocess.run(["make", ".venv/.installed-course"], cwd=clone, env=environment, check=True,
                   timeout=1800)
    size = _megabytes(clone)
    assert size < SIZE_LIMIT_MB, f"a fresh clone with make notebooks' environment: {size:.0f} MB"
    python = clone / ".venv" / "bin" / "python"
    probe = "import importlib.util as u; print([m for m in ('torch', 'playwright', 'pytest') " \
            "if u.find_spec(m)])"
    assert subprocess.run([str(python), "-c", probe], capture_output=True, text=True,
                          check=True).stdout.strip() == "[]"
    executed = tmp_path / "executed"
    notebooks = sorted(str(p) for p in (clone / "notebooks").glob("*.ipynb"))
    subprocess.run([str(python), "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                    "--ExecutePreprocessor.timeout=900", "--output-dir", str(executed),
                    *notebooks], cwd=clone / "notebooks", env=environment, check=True,
                   timeout=3600)
    convnets = (executed / "06_convnets.ipynb").read_text(encoding="utf-8")
    assert "PyTorch is not installed: pip install torch" in convnets  # the comparison skips
