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
# The engine core: the top of autograd/, ten modules or fewer.
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
# Reading a graph (views, names, groups of like nodes), shared by the pictures and the compiler.
GRAPH_PACKAGE = "autograd.graph"
# The compiler, in a subpackage of its own beside the core: tracing, op code, code generation.
COMPILER_PACKAGE = "autograd.compiler"
# The one import beyond the standard library the core, graph reading and the compiler may make:
# NumPy, for compiled functions on batches, imported inside the function that needs it
# (module, function, package).
LAZY_IMPORTS = {("autograd.compiler.compiled", "_numpy", "numpy")}


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


def imports_by_function(source: str) -> list[tuple[str, set[str]]]:
    """(the enclosing function, or "" at module level; the top-level packages imported)."""
    found: list[tuple[str, set[str]]] = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, child.name)
                continue
            if isinstance(child, ast.Import):
                found.append((function, {alias.name.split(".")[0] for alias in child.names}))
            elif isinstance(child, ast.ImportFrom) and not child.level:
                found.append((function, {(child.module or "").split(".")[0]}))
            visit(child, function)

    visit(ast.parse(source), "")
    return found


def in_package(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def below_the_pictures() -> dict[str, set[str]]:
    """The core, graph reading and the compiler, each with what it may import of the project."""
    graph = import_graph()
    graph_reading = {n for n in graph if in_package(n, GRAPH_PACKAGE)}
    compiler = {n for n in graph if in_package(n, COMPILER_PACKAGE)}
    allowed = {name: CORE for name in CORE}
    allowed |= {name: CORE | graph_reading for name in graph_reading}
    allowed |= {name: CORE | graph_reading | compiler for name in compiler}
    return allowed


def test_the_engine_core_is_ten_modules_or_fewer() -> None:
    entry_points = ("__init__.py", "__main__.py")
    top = [p for p in (ROOT / "autograd").glob("*.py") if p.name not in entry_points]
    assert len(top) <= 10, sorted(p.name for p in top)
    assert {module_name(p) for p in top} == CORE


def test_the_engine_core_imports_only_the_core_and_the_standard_library() -> None:
    graph = import_graph()
    allowed_lazily = set()
    for name, allowed in below_the_pictures().items():
        assert graph[name] <= allowed, f"{name} imports {sorted(graph[name] - allowed)}"
        source = modules()[name].read_text("utf-8")
        for function, tops in imports_by_function(source):
            for top in tops - set(sys.stdlib_module_names):
                where = (name, function, top)
                assert where in LAZY_IMPORTS, f"{name} imports {top} (in {function or 'module'})"
                allowed_lazily.add(where)
    assert allowed_lazily == LAZY_IMPORTS, "an allowed lazy import is gone: update LAZY_IMPORTS"


def test_the_compiler_lives_in_its_own_subpackage() -> None:
    graph = import_graph()
    for module in ("tracing", "op_code", "codegen", "compiled"):
        assert f"{COMPILER_PACKAGE}.{module}" in graph
    assert not any(in_package(t, COMPILER_PACKAGE) for n in CORE for t in graph[n])


def test_the_lazy_numpy_import_is_recognised() -> None:
    source = "import math\ndef f():\n    import numpy as np\n    from numpy import linalg\n"
    assert imports_by_function(source) == [("", {"math"}), ("f", {"numpy"}), ("f", {"numpy"})]


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
    for name in below_the_pictures():
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
