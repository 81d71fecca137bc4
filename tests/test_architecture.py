"""The import graph of autograd, nn and optim: no cycles, and every arrow pointing down.

Imports are read from the source with ``ast`` (inside functions and ``TYPE_CHECKING`` blocks
too), relative imports resolved, so this checks what ARCHITECTURE.md promises.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd", "nn", "optim")
CORE = {
    "autograd.backprop",
    "autograd.files",
    "autograd.functional",
    "autograd.grad_mode",
    "autograd.gradcheck",
    "autograd.op",
    "autograd.pickling",
    "autograd.reductions",
    "autograd.value",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[module_name(path)] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules that ``name`` imports, anywhere in its source."""
    is_package = path.name == "__init__.py"
    here = name.split(".") if is_package else name.split(".")[:-1]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                start = ".".join(base + ([node.module] if node.module else []))
            else:
                start = node.module or ""
            # ``from package import module`` imports the module; ``from m import f``, m
            candidates = [
                f"{start}.{alias.name}" if f"{start}.{alias.name}" in known else start
                for alias in node.names
            ]
        else:
            continue
        for candidate in candidates:
            # the longest known module that the candidate names (a name may be a function)
            parts = candidate.split(".")
            for end in range(len(parts), 0, -1):
                prefix = ".".join(parts[:end])
                if prefix in known:
                    targets.add(prefix)
                    break
    targets.discard(name)
    return targets


def import_graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imports_of(name, path, known) for name, path in found.items()}


def test_the_reader_finds_the_modules() -> None:
    graph = import_graph()
    assert "autograd.value" in graph and "autograd.viz.draw" in graph and "nn.module" in graph
    assert "autograd.op" in graph["autograd.value"]
    assert "autograd.value" in graph["autograd.viz.draw"]


def test_no_import_cycle() -> None:
    graph = import_graph()
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            # a package's __init__ re-exports its submodules: importing it is not a cycle
            if node.startswith(target + "."):
                continue
            if state.get(target) == 1:
                cycle = [*path[path.index(target):], target]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_the_engine_core_imports_only_the_core_and_the_standard_library() -> None:
    graph = import_graph()
    for name in CORE:
        assert graph[name] <= CORE, f"{name} imports {sorted(graph[name] - CORE)}"
        source = (ROOT / (name.replace(".", "/") + ".py")).read_text("utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                tops = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level:
                tops = {(node.module or "").split(".")[0]}
            else:
                continue
            assert tops <= set(sys.stdlib_module_names), f"{name} imports {tops}"


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("autograd", "nn"),
        ("autograd", "optim"),
        ("optim", "nn"),
        ("autograd.viz", "autograd.cli"),
        ("autograd.examples", "autograd.viz"),
        ("autograd.examples", "autograd.cli"),
    ],
)
def test_imports_point_down(lower: str, higher: str) -> None:
    graph = import_graph()
    for name, targets in graph.items():
        if name == lower or name.startswith(lower + "."):
            wrong = sorted(t for t in targets if t == higher or t.startswith(higher + "."))
            assert not wrong, f"{name} imports {wrong}, above it"


def test_the_core_never_imports_the_pictures_or_the_command_line() -> None:
    graph = import_graph()
    for name in CORE:
        above = [t for t in graph[name] if t.startswith(("autograd.viz", "autograd.cli"))]
        assert not above, f"{name} imports {above}"


def test_architecture_md_names_the_arrows_out_of_value() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text("utf-8")
    match = re.search(r"the arrows are `value → ([\w, ]+)`", text)
    assert match is not None
    named = {f"autograd.{module.strip()}" for module in match.group(1).split(",")}
    assert named == import_graph()["autograd.value"]
    for below in ("autograd.backprop", "autograd.pickling"):  # "import nothing of the engine"
        assert not import_graph()[below], f"{below} imports {import_graph()[below]}"
