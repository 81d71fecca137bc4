"""autograd.compile against hostile input: any label, failing batches, live Parameters, tensors.

Compiled numbers are checked against the eager engine (the behaviour compile promises to
keep) and gradients against central differences or a hand derivation. Anything that once hung
runs under a time limit (a subprocess that is killed, or a worker thread), so a regression
fails instead of stalling the suite.
"""

from __future__ import annotations

import ast
import builtins
import copy
import io
import keyword
import math
import os
import pickle
import re
import subprocess
import sys
import threading
import tokenize
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
import optim
from autograd import DataDependenceError, Parameter, Value
from autograd.backprop import topological_order
from autograd.graph.names import node_names

from .strategies import BINARY, UNARY, Step, apply_step

np = pytest.importorskip("numpy")

ROOT = Path(__file__).resolve().parent.parent
TIME_LIMIT = 120.0  # seconds; generous: only a hang should ever reach it


# ---- helpers ---------------------------------------------------------------------------------

def finishes(function: Callable[[], Any], seconds: float = TIME_LIMIT) -> Any:
    """``function()``'s result (or its exception), failing the test if it does not return."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = function()
        except BaseException as error:  # handed to the test's thread below
            outcome["error"] = error

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        pytest.fail(f"did not finish within {seconds:.0f} s: a hang")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def run_python(script: str) -> subprocess.CompletedProcess[str]:
    """``script`` in a fresh interpreter, killed after TIME_LIMIT (a hang fails, not stalls)."""
    try:
        return subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
            timeout=TIME_LIMIT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"did not finish within {TIME_LIMIT:.0f} s: a hang")


def eager(function: Callable[..., Value], *xs: float) -> tuple[float, tuple[float, ...]]:
    leaves = [Value(x) for x in xs]
    out = function(*leaves)
    out.backward()
    return out.data, tuple(float(leaf.grad) for leaf in leaves)


def same(a: float, b: float, rel: float = 1e-12) -> bool:
    """Equal to ``rel`` (nan equals nan, an infinity only itself)."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return math.isclose(a, b, rel_tol=rel, abs_tol=rel)


USED_BY_THE_CODE = {"math", "np"}


def assert_safe_names(source: str) -> None:
    """Every name the code binds is plain ASCII, bound once, and no keyword, builtin or module
    the code uses; every comment stays on its own line; the code is assignments only."""
    tree = ast.parse(source)
    (function,) = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    bound = [a.arg for a in function.args.args]
    for statement in function.body:
        if isinstance(statement, ast.Assign):
            bound += [t.id for t in statement.targets if isinstance(t, ast.Name)]
        else:
            assert isinstance(statement, (ast.Return, ast.Expr)), ast.dump(statement)
    assert len(bound) == len(set(bound)), "a name is bound twice"
    normalised = {unicodedata.normalize("NFKC", name) for name in bound}
    assert len(normalised) == len(bound), "two names are one name to Python"
    for name in bound:
        assert name.isascii() and name.isidentifier(), name
        assert not keyword.iskeyword(name) and not keyword.issoftkeyword(name), name
        assert name not in dir(builtins) and name not in USED_BY_THE_CODE, name
    # no comment ends early: Python's lines are the lines anyone else reads
    assert source.splitlines() == source.split("\n")[:-1]
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    comment_rows = {t.start[0] for t in tokens if t.type == tokenize.COMMENT}
    for row, line in enumerate(source.split("\n"), start=1):
        if "#" in line and row not in comment_rows:
            assert line.strip().startswith('"""'), line  # the docstring, holding no label


# ---- item 1: any label compiles, to the engine's numbers -----------------------------------

HOSTILE_LABELS = [
    "h₁", "x²", "x₁", "𝐱", "ﬁ", "fi", "𝗆𝖺𝗍𝗁", "𝗇𝗉", "math", "np", "abs", "max", "sum", "x",
    "y", "lambda", "None", "match", "g_x", "g_g_x", "value_and_grad", "_", "__builtins__", "1x",
    "", " ", "μ", "σ²", "x̂", "W1[0]·x", "#", '"""', "\\", "a\nb", "a\rb", "\x0b", "\x0c",
    "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029", "\x00", "\u202e", "\ud800", "x" * 300,
]


def labelled_function(labels: Sequence[str], w: Parameter) -> Callable[..., Value]:
    """x, y ↦ a fixed graph (a constant, a closed-over Parameter, eight nodes), labelled."""

    def f(x: Value, y: Value) -> Value:
        k = Value(0.5, label=labels[0])
        nodes = [x * y, x.tanh(), None, None, None, None, None, None]
        nodes[2] = nodes[0] + nodes[1] * k
        nodes[3] = nodes[2].sin() * w
        nodes[4] = nodes[3] - y
        nodes[5] = nodes[4] * nodes[4]
        nodes[6] = nodes[5].tanh() + x
        nodes[7] = nodes[6] * nodes[2]
        for node, label in zip(nodes, labels[1:], strict=False):
            node.label = label  # type: ignore[union-attr]
        return nodes[7]  # type: ignore[return-value]

    return f


def check_against_eager(labels: Sequence[str]) -> None:
    w = Parameter(0.7, label=labels[-1])
    f = labelled_function(labels, w)
    compiled = autograd.compile(f)
    assert_safe_names(compiled.source)
    assert_safe_names(compiled.numpy_source)
    for point in [(0.3, -1.2), (1.5, 0.25)]:
        leaves = [Value(v) for v in point]
        out = f(*leaves)
        out.backward()
        value, grads = compiled.value_and_grad(*point)
        assert value == out.data
        assert grads == tuple(leaf.grad for leaf in leaves)
        w.grad = 0.0
    values, (d_x, d_y) = compiled.value_and_grad([0.3, 1.5], [-1.2, 0.25])
    for i, point in enumerate([(0.3, -1.2), (1.5, 0.25)]):
        value, (g_x, g_y) = eager(f, *point)
        w.grad = 0.0
        assert same(values[i], value) and same(d_x[i], g_x) and same(d_y[i], g_y)


@pytest.mark.parametrize("label", ["h₁", "x²", "x₁"])
def test_a_label_that_is_no_identifier_compiles_instead_of_hanging(label: str) -> None:
    script = (
        "import autograd\n"
        "def f(x):\n"
        "    y = x * 2.0\n"
        f"    y.label = {label!r}\n"
        "    return y.tanh()\n"
        "print(autograd.compile(f).value_and_grad(0.5))\n"
    )
    result = run_python(script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(eager(lambda x: (x * 2.0).tanh(), 0.5))


def test_a_parameter_labelled_x1_subscript_trains_compiled_instead_of_hanging() -> None:
    script = (
        "import nn, optim\n"
        "xs, ys = nn.make_moons(8, seed=1)\n"
        "def run(compile):\n"
        "    model = nn.MLP(2, [2, 1], seed=0)\n"
        "    model.parameters()[0].label = 'x₁'\n"
        "    history = nn.fit(model, xs, ys, loss='mse', epochs=2, batch_size=4, seed=0,\n"
        "                     optimizer=optim.SGD(model.parameters(), lr=0.1), progress=False,\n"
        "                     compile=compile)\n"
        "    return history.losses + [p.data for p in model.parameters()]\n"
        "import math\n"
        "print(all(math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)\n"
        "          for a, b in zip(run(False), run(True), strict=True)))\n"
    )
    result = run_python(script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


@pytest.mark.parametrize(
    "labels",
    [
        ["c", "𝐱", "a", "b", "c2", "d", "e", "g", "h", "w"],  # 𝐱 is the input x to Python
        ["c", "ﬁ", "fi", "b", "c2", "d", "e", "g", "h", "w"],  # ﬁ and fi are one name
        ["c", "𝗆𝖺𝗍𝗁", "𝗇𝗉", "b", "c2", "d", "e", "g", "h", "w"],  # the modules, shadowed
        ["𝐲", "x", "y", "𝐱", "math", "np", "abs", "max", "lambda", "𝐰"],
    ],
)
def test_labels_that_normalise_to_other_names_keep_the_engines_numbers(
    labels: list[str],
) -> None:
    check_against_eager(labels)


def test_a_comment_can_hold_any_label_and_any_number_and_stays_one_line() -> None:
    class Sneaky(float):
        def __format__(self, spec: str) -> str:
            return "1\nimport os\n#"

        def __repr__(self) -> str:
            return "1\nimport os\n#"

    def f(x: Value) -> Value:
        k = Value(2.0, label="k\nimport os")
        k.data = Sneaky(2.0)  # type: ignore[assignment]
        unlabelled = Value(3.0)
        unlabelled.data = Sneaky(3.0)  # type: ignore[assignment]
        y = x * k * unlabelled + x ** Sneaky(2.0)
        for i, breaking in enumerate(["\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e",
                                      "\x85", "\u2028", "\u2029", "\r\n"]):
            y = y + x
            y.label = f"line{i}{breaking}import os; os.system('false')"
        return y

    compiled = autograd.compile(f)
    for source in (compiled.source, compiled.numpy_source):
        assert_safe_names(source)
        assert "import os" not in "".join(
            line.split("#")[0] for line in source.splitlines()
        )
    assert compiled.value_and_grad(1.5) == eager(f, 1.5)


@settings(max_examples=40)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(HOSTILE_LABELS),
            st.text(max_size=6),
            st.text(st.characters(categories=["L", "N", "Pc", "Mn", "Sk", "No"]), max_size=4),
        ),
        min_size=10,
        max_size=10,
    )
)
def test_any_labels_compile_to_the_engines_values_and_gradients(labels: list[str]) -> None:
    finishes(lambda: check_against_eager(labels))


def train(labels: Sequence[str], compile: bool) -> list[float]:
    xs, ys = nn.make_moons(6, seed=2)
    model = nn.MLP(2, [2, 1], activation="tanh", seed=1)
    for p, label in zip(model.parameters(), labels, strict=False):
        p.label = label
    history = nn.fit(model, xs, ys, loss="mse", epochs=2, batch_size=3, seed=0, progress=False,
                     optimizer=optim.SGD(model.parameters(), lr=0.1), compile=compile)
    return history.losses + [p.data for p in model.parameters()]


@pytest.mark.parametrize(
    "labels",
    [
        ["𝐱", "x", "x1", "y", "ﬁ", "fi", "𝗆𝖺𝗍𝗁", "math", "𝗇𝗉"],  # once a duplicate argument
        ["x₁", "h₁", "x²", "np", "theta0", "theta1", "g_x1", "x1", "y"],
    ],
)
def test_fit_compiled_with_parameters_labelled_anyhow_trains_as_eager(labels: list[str]) -> None:
    eager_run = finishes(lambda: train(labels, compile=False))
    compiled_run = finishes(lambda: train(labels, compile=True))
    assert all(same(a, b, rel=1e-9) for a, b in zip(eager_run, compiled_run, strict=True))


@settings(max_examples=15)
@given(
    st.lists(
        st.one_of(st.sampled_from(HOSTILE_LABELS), st.text(max_size=4)), min_size=9, max_size=9
    )
)
def test_fit_compiled_with_any_parameter_labels_trains_as_eager(labels: list[str]) -> None:
    eager_run = finishes(lambda: train(labels, compile=False))
    compiled_run = finishes(lambda: train(labels, compile=True))
    assert all(same(a, b, rel=1e-9) for a, b in zip(eager_run, compiled_run, strict=True))


# ---- issue 21: the code names nodes as the pictures do -------------------------------------

def test_the_code_uses_the_pictures_names() -> None:
    w1 = Parameter(0.5, label="w1")
    compiled = autograd.compile(lambda x: (w1 * x).tanh())
    source = compiled.source
    assert re.search(r"^    w1_x = w1 \* x +# w1\*x = ", source, re.M), source
    assert "g_w1_x" in source


def test_every_node_of_an_mlp_is_in_the_code_under_its_pictures_name() -> None:
    model = nn.MLP(2, [2, 1], activation="tanh", seed=0)

    def loss(x1: Value, x2: Value, y: Value) -> Value:
        return (model([x1, x2]) - y) ** 2  # type: ignore[operator, no-any-return]

    inputs = [Value(0.5, label="x1"), Value(-1.0, label="x2"), Value(0.3, label="y")]
    names = node_names(topological_order(loss(*inputs)))
    source = autograd.compile(loss).source
    comments = {
        line.split("  # ", 1)[1].split(" = ", 1)[0]: line.split("=", 1)[0].strip()
        for line in source.splitlines()
        if "  # " in line and not line.strip().startswith("g_")
    }
    interior = [name for node, name in names.items() if not node.is_leaf]
    assert interior and "h1[0]" in interior  # the neuron's output, as the neuron view names it
    for name in interior:
        assert name in comments, name
        identifier = comments[name]
        assert identifier.isascii() and identifier.isidentifier()
    assert comments["h1[0]"] == "h1_0"  # ASCII words of the picture's name
    assert "g_h1_0 = " in source


# ---- issue 19 item 2: a batch fails as its points do ----------------------------------------

def test_an_overflow_inside_a_batch_raises_as_the_point_does() -> None:
    compiled = autograd.compile(lambda x: 1 / x**2)
    with pytest.raises(OverflowError) as single:
        compiled(1e200)
    with pytest.raises(OverflowError) as batch:
        compiled([2.0, 1e200])
    assert str(batch.value) == str(single.value)
    with pytest.raises(OverflowError):
        compiled.value_and_grad([2.0, 1e200])


def test_a_domain_error_inside_a_batch_raises_as_the_point_does() -> None:
    compiled = autograd.compile(lambda x: x.sqrt() ** 0 + x)
    with pytest.raises(ValueError, match="sqrt") as batch:
        compiled([4.0, -1.0])
    with pytest.raises(ValueError) as eager_error:
        eager(lambda x: x.sqrt() ** 0 + x, -1.0)
    assert str(batch.value) == str(eager_error.value)


def test_a_large_input_to_sigmoid_stays_in_the_batched_code() -> None:
    compiled = autograd.compile(lambda x: (x * 1000.0).sigmoid())
    points = [-1.0, 0.0, 1.0]
    values, (grads,) = compiled.value_and_grad(points)
    for i, x in enumerate(points):
        value, (grad,) = eager(lambda x: (x * 1000.0).sigmoid(), x)
        assert values[i] == value and grads[i] == grad


HOSTILE_POINTS = (1e200, -1e200, 1e155, 710.0, -710.0, 0.0, -1.0, -3.5, 1e-300, 0.5, 2.0, -0.25)


@st.composite
def unchecked_programs(draw: st.DrawFn) -> list[Step]:
    """Random steps over every op on two inputs, with no care for domains."""
    steps = []
    for count in range(draw(st.integers(1, 5))):
        available = count + 2
        op = draw(st.sampled_from(UNARY + BINARY))
        a = draw(st.integers(0, available - 1))
        b = draw(st.integers(0, available - 1)) if op in ("+", "-", "*", "/", "**") else -1
        steps.append(Step(op, a, b, draw(st.sampled_from((0.5, 2.0, -1.5, 3.0)))))
    return steps


def replay(steps: Sequence[Step]) -> Callable[..., Value]:
    """The steps as a function whose output uses every step (compiled code computes only what
    the output needs, the engine every step)."""

    def program(x: Value, y: Value) -> Value:
        nodes: list[Any] = [x, y]
        for step in steps:
            nodes.append(apply_step(step, nodes))
        return autograd.sum(nodes[2:])

    return program


def per_point(
    program: Callable[..., Value], points: Sequence[tuple[float, float]], gradients: bool
) -> tuple[type[BaseException] | None, list[tuple[float, tuple[float, ...]]]]:
    """The engine on each point in turn: the first error's type, or every point's numbers."""
    results = []
    for point in points:
        try:
            if gradients:
                results.append(eager(program, *point))
            else:
                results.append((program(*[Value(v) for v in point]).data, ()))
        except (ArithmeticError, ValueError) as error:
            return type(error), []
    return None, results


def terms_size(program: Callable[..., Value], x: float, y: float, wrt: int = 1) -> float:
    """Σ over the paths from the output to y (x: ``wrt=0``) of |the product of their local
    derivatives|: the size of the terms the chain rule adds into ∂f/∂y, in whatever order."""
    leaves = [Value(x), Value(y)]
    leaf = leaves[wrt]
    root = program(*leaves)
    size = {id(root): 1.0}
    for step in autograd.backprop_steps(root):
        for c in step.contributions:
            size[id(c.input)] = size.get(id(c.input), 0.0) + abs(c.local_derivative) * size.get(
                id(step.node), 0.0)
    return size.get(id(leaf), 0.0)


@settings(max_examples=60)
@given(
    unchecked_programs(),
    st.lists(st.sampled_from(HOSTILE_POINTS), min_size=1, max_size=4),
    st.sampled_from(HOSTILE_POINTS),
    st.booleans(),
)
def test_a_batch_raises_or_returns_what_its_points_would(
    steps: list[Step], xs: list[float], y: float, gradients: bool
) -> None:
    program = replay(steps)
    failure, expected = per_point(program, [(x, y) for x in xs], gradients)
    compiled = autograd.compile(program)
    if failure is not None:
        with pytest.raises(failure):
            if gradients:
                compiled.value_and_grad(xs, y)
            else:
                compiled(xs, y)
        return
    if gradients:
        values, (d_x, d_y) = compiled.value_and_grad(xs, y)
    else:
        values, d_x, d_y = compiled(xs, y), None, None
    for i, (value, grads) in enumerate(expected):
        assert same(values[i], value), (i, values[i], value)
        if d_x is None:
            continue
        terms = terms_size(program, xs[i], y, wrt=0)  # what the chain rule adds, maybe cancelling
        if math.isfinite(terms) and math.isfinite(grads[0]):
            assert math.isclose(d_x[i], grads[0], rel_tol=1e-12, abs_tol=1e-12 * max(terms, 1.0)), \
                (i, d_x[i], grads[0])
        else:
            assert same(d_x[i], grads[0]), (i, d_x[i], grads[0])
    if d_y is not None:
        shared = [grads[1] for _, grads in expected]  # summed over the batch, in some order
        # the size of the terms added, not of their sum: y's uses may cancel (1/y + 1 − 1)
        terms = sum(terms_size(program, x, y) for x in xs)
        size = sum(abs(g) for g in shared) + (terms if math.isfinite(terms) else 0.0)
        if math.isfinite(size):
            assert math.isclose(d_y, sum(shared), rel_tol=1e-9, abs_tol=1e-9 * size)
        else:
            assert same(d_y, sum(shared))


# ---- issue 19 item 3: closed-over Parameters are live -----------------------------------------

def test_a_closed_over_parameter_is_read_at_each_call() -> None:
    w = Parameter(2.0, label="w")
    compiled = autograd.compile(lambda x: x * w)
    assert compiled.value_and_grad(3.0) == (6.0, (2.0,))
    w.data = 5.0
    assert compiled.value_and_grad(3.0) == (15.0, (5.0,))  # d(x w)/dx = w
    assert compiled(3.0) == 15.0
    assert list(compiled([1.0, 2.0])) == [5.0, 10.0]
    assert w.grad == 0.0  # value_and_grad and calls leave .grad alone


def test_backward_adds_the_parameters_gradients_and_returns_the_value() -> None:
    w = Parameter(2.0, label="w")
    b = Parameter(-1.0)
    compiled = autograd.compile(lambda x: (x * w + b) ** 2)
    # f = (x w + b)²: ∂f/∂w = 2 (x w + b) x, ∂f/∂b = 2 (x w + b)
    assert compiled.backward(3.0) == 25.0
    assert (w.grad, b.grad) == (30.0, 10.0)
    assert compiled.backward(3.0) == 25.0
    assert (w.grad, b.grad) == (60.0, 20.0)  # accumulated, as backward() does
    w.grad = b.grad = 0.0
    values = compiled.backward([1.0, 3.0])
    assert list(values) == [1.0, 25.0]
    assert (w.grad, b.grad) == (2.0 * 1.0 * 1.0 + 30.0, 2.0 * 1.0 + 10.0)  # summed over the batch


def test_backward_on_a_failing_batch_adds_nothing() -> None:
    w = Parameter(2.0)
    compiled = autograd.compile(lambda x: (x * w).sqrt())
    with pytest.raises(ValueError):
        compiled.backward([1.0, -1.0])
    assert w.grad == 0.0


def test_backward_gives_central_differences_of_a_models_loss() -> None:
    model = nn.MLP(2, [3, 1], activation="tanh", seed=4)

    def loss(x1: Value, x2: Value, y: Value) -> Value:
        return (model([x1, x2]) - y) ** 2  # type: ignore[operator, no-any-return]

    compiled = autograd.compile(loss)
    batch = ([0.5, -1.0, 0.25], [1.5, 0.2, -0.7], [0.3, -0.4, 1.0])
    model.zero_grad()
    compiled.backward(*batch)

    def total() -> float:
        return float(np.sum(compiled(*batch)))  # reads the parameters as they are now

    eps = 1e-6
    for p in model.parameters():
        start = p.data
        p.data = start + eps
        up = total()
        p.data = start - eps
        down = total()
        p.data = start
        assert math.isclose(p.grad, (up - down) / (2 * eps), rel_tol=1e-6, abs_tol=1e-8)


def test_an_optimizer_trains_through_backward_as_through_loss_backward() -> None:
    xs, ys = nn.make_moons(8, seed=5)

    def run(compiled: bool) -> list[float]:
        model = nn.MLP(2, [3, 1], activation="tanh", seed=2)
        optimizer = optim.Adam(model.parameters(), lr=0.05)

        def loss(x1: Value, x2: Value, y: Value) -> Value:
            return (model([x1, x2]) - y) ** 2  # type: ignore[operator, no-any-return]

        step = autograd.compile(loss)
        columns = [[x[0] for x in xs], [x[1] for x in xs], [float(y) for y in ys]]
        for _ in range(3):
            optimizer.zero_grad()
            if compiled:
                step.backward(*columns)
            else:
                autograd.sum(
                    loss(Value(a), Value(b), Value(y)) for a, b, y in zip(*columns, strict=True)
                ).backward()
            optimizer.step()
        return [p.data for p in model.parameters()]

    trained, expected = run(True), run(False)
    assert trained != [p.data for p in nn.MLP(2, [3, 1], activation="tanh", seed=2).parameters()]
    assert all(math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
               for a, b in zip(trained, expected, strict=True))


def test_a_read_of_a_value_computed_from_a_parameter_is_refused_when_traced() -> None:
    w = Parameter(2.0)
    compiled = autograd.compile(lambda x: x * (w * 3.0).data)
    with pytest.raises(DataDependenceError, match="Parameter"):
        compiled(1.0)


def test_a_branch_on_a_closed_over_parameter_is_refused_when_traced() -> None:
    w = Parameter(1.0, label="w")

    def f(x: Value) -> Value:
        return x * w if w.data > 0 else x * 100  # the line the error names

    line = f.__code__.co_firstlineno + 1
    compiled = autograd.compile(f)
    with pytest.raises(DataDependenceError, match=rf"Parameter 'w' by reading \.data .*:{line}\)"):
        compiled(2.0)
    # had it compiled, w.data = -1.0 would leave it at 2 x w = -2.0 where the engine gives 200.0
    w.data = -1.0
    with pytest.raises(DataDependenceError):
        compiled(2.0)
    assert f(Value(2.0)).data == 200.0  # eager reads are untouched


def _in_numpy(w: Parameter) -> Any:
    return np.greater(w, 0.0)


# every way of reading a Parameter's number, each as the traced function would write it
PARAMETER_READS: list[tuple[str, Callable[[Parameter], Any]]] = [
    (r"reading \.data", lambda w: w.data),
    (r"float\(\)", lambda w: float(w)),
    (r"int\(\)", lambda w: int(w)),
    (r"bool\(\)", lambda w: 1.0 if w else 0.0),
    (r"round\(\)", lambda w: round(w, 3)),
    (r"math\.floor\(\)", lambda w: math.floor(w)),
    (r"\.item\(\)", lambda w: w.item()),
    (r"format\(\)", lambda w: float(f"{w:.3f}")),
    (r"a comparison \(>\)", lambda w: 1.0 if w > 0 else 0.0),
    (r"a comparison \(<=\)", lambda w: 1.0 if w <= 0 else 0.0),
    # a plain Value's: Python asks the subclass first, w.__gt__
    (r"a comparison \(>\)", lambda w: 1.0 if Value(0.5) < w else 0.0),
    (r"a comparison \(<\)", lambda w: 1.0 if Value(0.5) * 2 < w else 0.0),  # a traced node's
    (r"a comparison \(>\)", lambda w: 1.0 if _in_numpy(w) else 0.0),
]


@pytest.mark.parametrize(("how", "read"), PARAMETER_READS)
def test_any_read_of_a_closed_over_parameter_is_refused_naming_it_and_the_line(
    how: str, read: Callable[[Parameter], Any]
) -> None:
    w = Parameter(3.0)
    compiled = autograd.compile(lambda x: x * read(w))
    line = read.__code__.co_firstlineno
    if "_in_numpy" in read.__code__.co_names:
        line = _in_numpy.__code__.co_firstlineno + 1  # the line calling NumPy
    with pytest.raises(DataDependenceError, match=rf"a Parameter by {how}.*py:{line}\)"):
        compiled(2.0)
    w.data = 5.0  # had it compiled, 2 x 3.0 baked in would stay 6.0 where the engine gives 10.0
    with pytest.raises(DataDependenceError):
        compiled(2.0)
    assert read(w) == pytest.approx(read(Parameter(5.0)))  # outside a trace, reads as before


def test_the_reported_reproductions_of_stale_parameters_are_refused() -> None:
    w2 = Parameter(3.0)
    for read in (lambda x: x * float(w2), lambda x: x * w2.data):
        compiled = autograd.compile(read)
        with pytest.raises(DataDependenceError, match="a Parameter"):
            compiled(2.0)
        with pytest.raises(DataDependenceError):
            compiled.value_and_grad(2.0)
        with pytest.raises(DataDependenceError):
            compiled([1.0, 2.0])


def test_parameters_read_outside_the_trace_while_it_runs_behave_as_before() -> None:
    w = Parameter(2.0, label="w")
    w.m = 0.5  # an optimizer's attribute
    traced, read = threading.Event(), threading.Event()
    seen: dict[str, Any] = {}

    def slow(x: Value) -> Value:
        traced.set()
        read.wait(TIME_LIMIT)  # the trace stays open while the other thread reads
        return x * w

    def other_thread() -> None:
        traced.wait(TIME_LIMIT)
        try:
            w.data -= 0.5  # an optimizer's step, in another thread mid-trace
            seen["numbers"] = (w.data, float(w), w > 1.0, w.item(), copy.deepcopy(w).m)
            seen["pickled"] = pickle.loads(pickle.dumps(w)).data
        finally:
            read.set()

    reader = threading.Thread(target=other_thread, daemon=True)
    reader.start()
    compiled = autograd.compile(slow)
    assert finishes(lambda: compiled(3.0)) == 4.5  # read at the call, after the step
    reader.join(TIME_LIMIT)
    assert seen == {"numbers": (1.5, 1.5, True, 1.5, 0.5), "pickled": 1.5}
    w.data = 4.0  # and after the trace, as ever
    assert (w.data, float(w), copy.deepcopy(w).data, compiled(3.0)) == (4.0, 4.0, 4.0, 12.0)


def test_a_closed_over_plain_value_is_a_constant() -> None:
    v = Value(2.0, label="v")
    compiled = autograd.compile(lambda x: x * v)
    assert compiled(3.0) == 6.0
    v.data = 5.0
    assert compiled(3.0) == 6.0  # its value when traced, as the docstring says
    assert "v = 2.0" in compiled.source


# ---- issue 19 item 7: a PyTorch tensor as a batch --------------------------------------------

def test_a_torch_tensor_is_a_batch() -> None:
    torch = pytest.importorskip("torch")
    compiled = autograd.compile(lambda x, y: x * y + x.sin())
    expected = compiled.value_and_grad([1.0, 2.0], 3.0)
    for tensor in (torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0], dtype=torch.float64),
                   torch.tensor([1, 2])):
        values, (d_x, d_y) = compiled.value_and_grad(tensor, 3.0)
        assert list(values) == list(expected[0]) and list(d_x) == list(expected[1][0])
        assert d_y == expected[1][1]
    assert compiled(torch.tensor(2.0), 3.0) == compiled(2.0, 3.0)


def test_a_tensor_that_cannot_be_read_is_a_type_error_naming_the_argument() -> None:
    torch = pytest.importorskip("torch")
    compiled = autograd.compile(lambda x, y: x * y)
    with pytest.raises(TypeError, match=r"argument 'x' \(position 1\).*requires grad"):
        compiled(torch.tensor([1.0, 2.0], requires_grad=True), 3.0)
    with pytest.raises(TypeError, match=r"argument 'y' \(position 2\).*shape \(2, 2\)"):
        compiled(1.0, torch.ones(2, 2))


def test_a_batch_of_ready_arrays_mixed_with_zero_d_and_other_arrays_is_checked_as_before() -> None:
    np = pytest.importorskip("numpy")
    c = autograd.compile(lambda x, y: x * y + x.sin())
    x = np.array([0.5, 1.5, -2.0])
    value, (dx, dy) = c.value_and_grad(x, 2.0)
    assert np.allclose(value, x * 2.0 + np.sin(x), rtol=1e-12)
    assert np.allclose(dx, 2.0 + np.cos(x), rtol=1e-12) and dy == pytest.approx(float(x.sum()))
    value0, _ = c.value_and_grad(x, np.array(2.0))  # a 0-d array is a number
    assert np.array_equal(value0, value)
    with pytest.raises(ValueError, match="differ in length"):
        c.value_and_grad(x, np.array([1.0, 2.0]))
    with pytest.raises(TypeError, match="1-D"):
        c.value_and_grad(x, np.ones((3, 1)))
