"""The rolled program (one NumPy line per group of like nodes) against the eager engine."""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import autograd
import nn
from autograd import Value
from autograd.compiler.rolling import call_rolled

from .test_compile_properties import Program, programs

np = pytest.importorskip("numpy")

GOLDEN = Path(__file__).with_name("golden") / "two_layer_array_source.txt"


def _rolled(compiled: Any, arguments: Sequence[Any]) -> tuple[Any, tuple[Any, ...]]:
    """The rolled program's own answer (never the fall-back), as compiled calls would run it."""
    n = next(len(a) for a in arguments if type(a) is not float)
    compiled.value_and_grad(*arguments)  # traces, and fixes the number of arguments
    program, closed = _program_of(compiled, tuple(type(a) is not float for a in arguments))
    arrays = [np.asarray(a, dtype=float) if type(a) is not float else a for a in arguments]
    result = call_rolled(program, [*arrays, *closed], n, np)
    assert result is not None, "the rolled program fell back"
    return result


def _program_of(compiled: Any, batched: tuple[bool, ...]) -> tuple[Any, list[float]]:
    """The rolled program for this batching, and the values of the Parameters the function
    closes over (shared arguments after its own, as compiled calls pass them)."""
    closed = [p.data for p in compiled._closed]
    program = compiled._rolled_program((*batched, *[False] * len(closed)), True)
    assert program is not None
    return program, closed


def _eager(function: Callable[..., Value], point: Sequence[float]) -> tuple[float, list[float]]:
    leaves = [Value(x) for x in point]
    out = function(*leaves)
    out.backward()
    return out.data, [float(leaf.grad) for leaf in leaves]


def _close(a: float, b: float, scale: float = 1.0) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12 * scale)


def _check_against_eager(
    function: Callable[..., Value], arguments: Sequence[Any], scale: float = 1.0
) -> None:
    """Rolled values and gradients equal eager ones, per example and summed over the batch."""
    compiled = autograd.compile(function)
    values, grads = _rolled(compiled, arguments)
    n = len(values)
    singles = [
        _eager(function, [a if type(a) is float else float(a[i]) for a in arguments])
        for i in range(n)
    ]
    for i, (value, single_grads) in enumerate(singles):
        assert _close(values[i], value, scale)
        for j, g in enumerate(single_grads):
            if type(arguments[j]) is not float:
                assert _close(grads[j][i], g, scale), (j, i, grads[j][i], g)
    for j, argument in enumerate(arguments):
        if type(argument) is float:
            total = math.fsum(single[1][j] for single in singles)
            size = math.fsum(abs(single[1][j]) for single in singles)
            assert _close(grads[j], total, size + scale), (j, grads[j], total)


# ---- random programs ------------------------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(programs(max_inputs=3, max_steps=8), st.data())
def test_random_programs_rolled_give_the_eager_numbers(program: Program, data: Any) -> None:
    k = len(program.inputs)

    def repeated(*xs: Value) -> Value:
        # the program on every rotation of its inputs: like nodes in groups of k
        return autograd.sum([program(*(xs[r:] + xs[:r])) for r in range(k)])

    batched = data.draw(st.lists(st.booleans(), min_size=k, max_size=k))
    batched[0] = True
    n = data.draw(st.integers(1, 4))
    shifts = data.draw(st.lists(st.floats(-0.01, 0.01), min_size=n, max_size=n))
    arguments = [
        [x * (1.0 + s) for s in shifts] if is_batched else x
        for x, is_batched in zip(program.inputs, batched, strict=True)
    ]
    for i in range(n):
        point = [a[i] if isinstance(a, list) else a for a in arguments]
        try:
            value, grads = _eager(repeated, point)
        except (ArithmeticError, ValueError):
            assume(False)  # a rotation leaves an op's domain: not a program for this test
        assume(all(math.isfinite(g) and abs(g) < 1e6 for g in [value, *grads]))
    _check_against_eager(repeated, arguments, scale=float(k) * 50.0)


# ---- MLPs ---------------------------------------------------------------------------------

def _mlp_function(sizes: Sequence[int], activation: str) -> Callable[..., Value]:
    """The per-example hinge loss of an nn.MLP, as a function of (θ..., x..., y)."""
    n_parameters = sum((n_in + 1) * n_out for n_in, n_out in itertools.pairwise(sizes))

    def loss(*arguments: Value) -> Value:
        theta = arguments[:n_parameters]
        x = list(arguments[n_parameters : n_parameters + sizes[0]])
        y = arguments[-1]
        k = 0
        for layer, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
            outputs = []
            for _ in range(n_out):
                z = autograd.dot(theta[k : k + n_in], x) + theta[k + n_in]
                k += n_in + 1
                last = layer == len(sizes) - 2
                outputs.append(z if last else getattr(z, activation)())
            x = outputs
        return (1 + -y * x[0]).relu() + 0.5 * x[0] ** 2

    loss.n_parameters = n_parameters  # type: ignore[attr-defined]
    return loss


@settings(max_examples=12, deadline=None)
@given(
    st.lists(st.integers(1, 6), min_size=1, max_size=3),
    st.integers(1, 3),
    st.sampled_from(["relu", "tanh", "sigmoid"]),
    st.integers(0, 100),
)
def test_random_mlps_rolled_give_the_eager_values_and_gradients(
    hidden: list[int], n_inputs: int, activation: str, seed: int
) -> None:
    sizes = [n_inputs, *hidden, 1]
    function = _mlp_function(sizes, activation)
    rng = random.Random(seed)
    n_parameters = function.n_parameters  # type: ignore[attr-defined]
    theta = [rng.uniform(-1, 1) for _ in range(n_parameters)]
    n = 5
    xs = [[rng.uniform(-2, 2) for _ in range(n)] for _ in range(n_inputs)]
    ys = [rng.choice([-1.0, 1.0]) for _ in range(n)]
    _check_against_eager(function, [*theta, *xs, ys])


def _micrograd_mlp(widths: Sequence[int], seed: int) -> Callable[..., Value]:
    """micrograd's own style: one node per * and +, ``sum(..., b)`` adding left to right."""
    rng = random.Random(seed)
    layers = []
    n_in = 2
    for width in widths:
        layers.append([([rng.uniform(-1, 1) for _ in range(n_in)], rng.uniform(-1, 1))
                       for _ in range(width)])
        n_in = width

    def loss(x1: Value, x2: Value, y: Value) -> Value:
        x: list[Value] = [x1, x2]
        for depth, layer in enumerate(layers):
            out = []
            for w, b in layer:
                act = sum((wi * xi for wi, xi in zip(w, x, strict=True)), autograd.Value(b))
                out.append(act.relu() if depth < len(layers) - 1 else act)
            x = out
        return (1 + -y * x[0]).relu()

    return loss


def test_micrograd_style_code_rolls_and_gives_the_eager_numbers() -> None:
    rng = random.Random(3)
    arguments = [[rng.uniform(-2, 2) for _ in range(20)] for _ in range(2)]
    labels = [rng.choice([-1.0, 1.0]) for _ in range(20)]
    _check_against_eager(_micrograd_mlp([16, 16, 1], 0), [*arguments, labels])


# ---- ConvNets ------------------------------------------------------------------------------

@settings(max_examples=6, deadline=None)
@given(
    st.integers(4, 6),
    st.integers(1, 2),
    st.integers(2, 3),
    st.integers(0, 1),
    st.booleans(),
    st.integers(0, 50),
)
def test_random_convnets_rolled_give_the_eager_values_and_gradients(
    size: int, channels: int, kernel: int, padding: int, batch_norm: bool, seed: int
) -> None:
    layers: list[Any] = [nn.Conv2d(1, channels, kernel, padding=padding, seed=seed)]
    if batch_norm:
        norm = nn.BatchNorm2d(channels)
        rng = random.Random(seed)
        norm.running_mean = [rng.uniform(-0.5, 0.5) for _ in range(channels)]
        norm.running_var = [rng.uniform(0.5, 2.0) for _ in range(channels)]
        norm.eval()
        layers.append(norm)
    out_size = size + 2 * padding - kernel + 1
    layers += [nn.ReLU(), nn.MaxPool2d(2), nn.Flatten()]
    pooled = out_size // 2
    layers.append(nn.Linear(channels * pooled * pooled, 2, seed=seed))
    model = nn.Sequential(*layers)

    def loss(*pixels: Value) -> Value:
        image = [[list(pixels[r * size : (r + 1) * size]) for r in range(size)]]
        out = model(image)
        return (out[0] - out[1]) ** 2 + out[0].tanh()

    rng = random.Random(seed)
    arguments = [[rng.uniform(-1, 1) for _ in range(3)] for _ in range(size * size)]
    _check_against_eager(loss, arguments, scale=10.0)


def _central_differences(f: Callable[[list[float]], float], point: list[float],
                         h: float = 1e-6) -> list[float]:
    out = []
    for j in range(len(point)):
        up, down = list(point), list(point)
        up[j] += h
        down[j] -= h
        out.append((f(up) - f(down)) / (2 * h))
    return out


def test_a_padded_convolution_rolls_into_one_window_line_and_matches_finite_differences() -> None:
    size = 5
    model = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1, seed=3), nn.Tanh(), nn.Flatten(),
                          nn.Linear(2 * size * size, 1, seed=4))

    def loss(*pixels: Value) -> Value:
        return model([[list(pixels[r * size : (r + 1) * size]) for r in range(size)]])[0]

    rng = random.Random(5)
    batch = [[rng.uniform(-1, 1) for _ in range(3)] for _ in range(size * size)]
    compiled = autograd.compile(loss)
    values, grads = _rolled(compiled, batch)
    assert [g.size for g in compiled.groups if g.op == "dot" and g.size > 1] == [2 * size * size]
    program, _ = _program_of(compiled, (True,) * size * size)
    assert program.source.count("np.einsum('...kw,...kw->...k'") == 1  # one line, all windows

    def by_floats(point: list[float]) -> float:  # the forward alone, in the eager engine
        return loss(*map(Value, point)).data

    for i in range(3):
        point = [float(column[i]) for column in batch]
        assert math.isclose(values[i], by_floats(point), rel_tol=1e-12)
        expected = _central_differences(by_floats, point)
        assert all(math.isclose(grads[j][i], e, rel_tol=1e-6, abs_tol=1e-8)
                   for j, e in enumerate(expected))


def test_sums_of_unequal_widths_roll_padded_and_give_the_derivative_by_hand() -> None:
    # f = Σ_k (x1 + ... + x_k)², k = 3..6: ∂f/∂x_j = Σ_{k ≥ j} 2 (x1 + ... + x_k)
    def f(*xs: Value) -> Value:
        return autograd.sum([autograd.sum(xs[:k]) ** 2 for k in range(3, 7)])

    rng = random.Random(8)
    batch = [[rng.uniform(-2, 2) for _ in range(4)] for _ in range(6)]
    compiled = autograd.compile(f)
    values, grads = _rolled(compiled, batch)
    assert next(g.size for g in compiled.groups if g.op == "sum") == 4
    for i in range(4):
        x = [column[i] for column in batch]
        partial = [math.fsum(x[:k]) for k in range(3, 7)]
        assert math.isclose(values[i], math.fsum(p * p for p in partial), rel_tol=1e-12)
        for j in range(6):
            by_hand = math.fsum(2 * p for k, p in zip(range(3, 7), partial, strict=True) if k > j)
            assert math.isclose(grads[j][i], by_hand, rel_tol=1e-12, abs_tol=1e-12)


# ---- the text -----------------------------------------------------------------------------

def _two_layer(width: int) -> Callable[..., Value]:
    model = nn.MLP(2, [width, 1], activation="tanh", seed=1)

    def loss(x1: Value, x2: Value, y: Value) -> Value:
        return (model([x1, x2]) - y) ** 2

    return loss


def test_the_rolled_mlp_source_has_as_many_lines_whatever_the_widths() -> None:
    counts = set()
    for width in (2, 16, 64):
        source = autograd.compile(_two_layer(width)).array_source
        counts.add(len(source.splitlines()))
    assert len(counts) == 1


def test_the_two_layer_network_reads_as_the_lecture_writes_it() -> None:
    source = autograd.compile(_two_layer(16)).array_source
    assert source == GOLDEN.read_text(encoding="utf-8")
    assert "# z1 = W1·x + b1    (16,) = (16,2)·(2,) + (16,)" in source
    assert "∂l/∂W2 = ∂l/∂y_hat · h1ᵀ" in source  # the lecture's ∂l/∂W₂ = ∂l/∂ŷ · h₁ᵀ


def test_groups_list_names_ops_and_shapes() -> None:
    groups = autograd.compile(_two_layer(16)).groups
    found = {(g.name, g.op, g.shape) for g in groups}
    assert {("W1", None, (16, 2)), ("b1", None, (16,)), ("z1", "+", (16,)),
            ("h1", "tanh", (16,)), ("W2", None, (1, 16))} <= found


# ---- errors, NaN and infinity: as the points would ---------------------------------------

def _per_point(function: Callable[..., Value], points: Sequence[float]) -> list[Any]:
    results: list[Any] = []
    for x in points:
        try:
            results.append(_eager(function, [x]))
        except Exception as error:
            results.append(type(error))
    return results


@pytest.mark.parametrize(
    ("function", "points"),
    [
        (lambda x: 1 / x**2, [2.0, 1e200]),
        (lambda x: x.sqrt() ** 0 + x, [4.0, -1.0]),
        (lambda x: x.log() * 2, [1.0, 0.0]),
        (lambda x: (x * 3).exp() + x, [1.0, 400.0]),
        (lambda x: x * 2, [1.0, math.nan]),
        (lambda x: x * 2, [1.0, math.inf]),
    ],
)
def test_a_batch_with_a_bad_point_is_handed_back_to_the_point_by_point_path(
    function: Callable[..., Value], points: list[float]
) -> None:
    compiled = autograd.compile(function)
    compiled.value_and_grad(1.0)
    program, closed = _program_of(compiled, (True,))
    assert not closed
    # the rolled program declines: an error, a NaN or an infinity anywhere in the batch
    assert call_rolled(program, [np.array(points)], len(points), np) is None
    # and the good points alone it answers, as the engine does
    good = [x for x, result in zip(points, _per_point(function, points), strict=True)
            if not isinstance(result, type) and all(map(math.isfinite, [result[0], *result[1]]))]
    rolled = call_rolled(program, [np.array(good)], len(good), np)
    assert rolled is not None
    for i, x in enumerate(good):
        value, (grad,) = _eager(function, [x])
        assert _close(rolled[0][i], value) and _close(rolled[1][0][i], grad)


@pytest.mark.parametrize(
    ("function", "points"),
    [
        (lambda x: x * 2, [1.0, math.nan]),
        (lambda x: x * 2, [1.0, math.inf]),
        (lambda x: x.log() * 2, [1.0, 0.0]),
        (lambda x: (x * 3).exp() + x, [1.0, 400.0]),
    ],
)
def test_a_batch_with_a_bad_point_answers_as_the_points_would(
    function: Callable[..., Value], points: list[float]
) -> None:
    expected = _per_point(function, points)
    compiled = autograd.compile(function)
    errors = [e for e in expected if isinstance(e, type)]
    if errors:
        with pytest.raises(errors[0]):
            compiled.value_and_grad(points)
        return
    values, (grads,) = compiled.value_and_grad(points)
    for i, (value, (grad,)) in enumerate(expected):
        assert (values[i] == value) or (math.isnan(values[i]) and math.isnan(value))
        assert (grads[i] == grad) or (math.isnan(grads[i]) and math.isnan(grad))


def test_a_graph_past_the_limit_runs_only_rolled_else_is_refused() -> None:
    from autograd.compiler import compiled as compiled_module

    def wide(x: Value) -> Value:
        return autograd.sum([x * float(k) for k in range(600)])

    from benchmarks.rolled import unstructured

    limit = compiled_module.MAX_COMPILED_NODES
    compiled_module.MAX_COMPILED_NODES = 1000
    try:
        with pytest.raises(ValueError, match="eager engine"):
            autograd.compile(wide)(2.0)  # per point: the node-by-node code
        with pytest.raises(ValueError, match="eager engine"):
            autograd.compile(unstructured(3000))([0.5, 0.6], 0.3)  # nothing to roll
        values, (grads,) = autograd.compile(wide).value_and_grad([2.0, 3.0])  # rolls: runs
    finally:
        compiled_module.MAX_COMPILED_NODES = limit
    assert list(values) == [2.0 * sum(range(600)), 3.0 * sum(range(600))]
    assert list(grads) == [float(sum(range(600)))] * 2
    assert autograd.compile(wide)(2.0) == 2.0 * sum(range(600))


def test_the_rolled_parameter_gradients_are_the_engines_summed_over_the_batch() -> None:
    model = nn.MLP(2, [5, 3, 1], activation="relu", seed=4)

    def loss(x1: Value, x2: Value) -> Value:
        return (model([x1, x2]) - 0.5) ** 2

    compiled = autograd.compile(loss)
    rng = random.Random(5)
    xs = [[rng.uniform(-2, 2) for _ in range(7)] for _ in range(2)]
    compiled.value_and_grad(*xs)
    program, closed = _program_of(compiled, (True, True))
    assert len(closed) == len(model.parameters())  # W1, b1, W2, b2, W3, b3 read at each call
    arrays = [np.array(x) for x in xs]
    _, grads = call_rolled(program, [*arrays, *closed], 7, np)  # type: ignore[misc]
    for p in model.parameters():
        p.grad = 0.0
    for i in range(7):
        loss(Value(xs[0][i]), Value(xs[1][i])).backward()  # adds into every Parameter's .grad
    eager = [p.grad for p in model.parameters()]
    scale = math.fsum(map(abs, eager)) + 1.0
    by_parameter = dict(zip(map(id, compiled._closed), grads[2:], strict=True))
    for p, g in zip(model.parameters(), eager, strict=True):
        assert _close(by_parameter[id(p)], g, scale)
    # and backward() adds the same sums into .grad, through the rolled program
    for p in model.parameters():
        p.grad = 0.0
    compiled.backward(*xs)
    for p, g in zip(model.parameters(), eager, strict=True):
        assert _close(p.grad, g, scale)


def test_micrograd_style_layers_roll_into_as_many_lines_whatever_the_widths() -> None:
    counts = set()
    for widths in ([4, 4, 1], [16, 16, 1], [9, 5, 1]):
        compiled = autograd.compile(_micrograd_mlp(widths, 0))
        compiled.value_and_grad([0.5, 0.1], [0.2, 0.3], [1.0, -1.0])
        counts.add(len(compiled.array_source.splitlines()))
    assert len(counts) == 1


def test_a_graph_without_repeated_structure_runs_node_by_node() -> None:
    from benchmarks.rolled import unstructured

    function = unstructured(2000)
    compiled = autograd.compile(function)
    values, (dx, dy) = compiled.value_and_grad([0.5, 0.6], 0.3)
    total_dy = 0.0
    assert not compiled._closed
    assert compiled._rolled_program((True, False), True) is None  # nothing to roll
    for i, x in enumerate([0.5, 0.6]):
        value, (gx, gy) = _eager(function, [x, 0.3])
        assert _close(values[i], value) and _close(dx[i], gx)
        total_dy += gy
    assert _close(dy, total_dy)


def test_labels_of_any_kind_stay_in_comments() -> None:
    weight = nn.MLP(2, [3, 1], seed=2)
    for k, p in enumerate(weight.parameters()):
        p.label = ["a\nimport os", "if", "g_x", "np", "x₁", "𝐱", "_s", "l", "sum"][k % 9]

    def loss(x1: Value, x2: Value) -> Value:
        return weight([x1, x2]) ** 2

    compiled = autograd.compile(loss)
    values, grads = compiled.value_and_grad([0.5, -1.0], [2.0, 0.25])
    assert all(line.lstrip().startswith(("#", "def", '"""', "return")) or "=" in line
               for line in compiled.array_source.splitlines())
    for i, (a, b) in enumerate([(0.5, 2.0), (-1.0, 0.25)]):
        value, (ga, gb) = _eager(loss, [a, b])
        assert _close(values[i], value) and _close(grads[0][i], ga) and _close(grads[1][i], gb)


def test_last_batch_says_how_the_last_batched_call_ran() -> None:
    model = nn.MLP(2, [4, 1], activation="tanh", seed=2)
    def loss(x1: Value, x2: Value) -> Value:
        return (model([x1, x2]) - 1.0) ** 2

    compiled = autograd.compile(loss)
    assert compiled.last_batch is None
    compiled(0.5, 0.25)  # a call per point does not say
    assert compiled.last_batch is None
    compiled.value_and_grad([0.5, 1.0], [0.25, -1.0])
    assert compiled.last_batch == "rolled"
    values, _ = compiled.value_and_grad([0.5, math.inf], [0.25, -1.0])
    assert compiled.last_batch == "point by point"
    assert values[1] == loss(Value(math.inf), Value(-1.0)).data  # the engine's own answer

    from benchmarks.rolled import unstructured

    one_of_a_kind = unstructured(3000)  # nothing repeats: nothing to roll
    unrolled = autograd.compile(one_of_a_kind)
    values, (dx, _) = unrolled.value_and_grad([0.1, 0.2], 0.3)
    assert unrolled.last_batch == "node by node"

    def by_floats(point: list[float]) -> float:
        return one_of_a_kind(Value(point[0]), Value(point[1])).data

    for x, value, grad in zip([0.1, 0.2], values, dx, strict=True):
        assert math.isclose(value, by_floats([x, 0.3]), rel_tol=1e-12)
        expected = _central_differences(by_floats, [x, 0.3])[0]
        assert math.isclose(grad, expected, rel_tol=1e-5, abs_tol=1e-8)


def test_a_sequentials_parameters_take_the_layer_views_names_in_the_code() -> None:
    from autograd.graph.layer_view import layer_view

    model = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1, seed=0), nn.ReLU(), nn.Flatten(),
                          nn.Linear(32, 1, seed=1))  # its Parameters' labels: 0.weight.0.0.1.2, ...

    def loss(*pixels: Value) -> Value:
        return model([[list(pixels[r * 4 : (r + 1) * 4]) for r in range(4)]])[0] ** 2

    compiled = autograd.compile(loss)
    compiled(*[0.5] * 16)
    by_layer = {layer.name: {id(n) for n in layer.nodes}
                for layer in layer_view(loss(*map(Value, [0.5] * 16))).layers}
    parameters = [g for g in compiled.groups if g.kind == "parameter"]
    assert sorted(g.name for g in parameters) == ["W1", "W2", "b1", "b2"]
    kernel = next(g for g in parameters if g.name == "W1")
    assert {p.label for p in kernel.nodes} == {p.label for row in model[0].weight for p in
                                               _flat(row)}
    assert len(by_layer["W1"]) == kernel.size == 18
    source = compiled.array_source
    for name in ("W1", "b1", "W2", "b2"):
        assert f"    {name} = np.array([p.data for p in " in source
    assert "p1" not in source and "v0_bias" not in source


def _flat(nested: Any) -> list[Any]:
    if isinstance(nested, list):
        return [leaf for item in nested for leaf in _flat(item)]
    return [nested]


def test_every_array_of_a_sequential_is_named_as_the_layer_view_names_it() -> None:
    from autograd.compiler.compiled import _layer_names

    norm = nn.BatchNorm1d(2)
    norm.eval()  # its γ and β: Parameters the layer view calls p1 and p2
    model = nn.Sequential(nn.Linear(2, 2, seed=0), norm, nn.Tanh(), nn.Linear(2, 1, seed=1))
    plain = nn.Sequential(nn.Linear(2, 3, seed=0), nn.Tanh(), nn.Linear(3, 1, seed=1))
    for network in (model, plain):
        compiled = autograd.compile(lambda a, b, net=network: net([a, b])[0] ** 2)
        compiled([0.1, 0.2], [0.3, 0.4])
        wanted = _layer_names(compiled._traced_for_reading())
        groups = compiled.groups
        assert len({g.name for g in groups}) == len(groups)
        for group in groups:
            name = wanted.get(id(group.nodes[0]))
            if group.kind == "parameter" or name in ("z1", "h1", "z2"):
                assert group.name == name, (group.name, name)
    assert {"z1", "h1", "z2"} <= {g.name for g in groups}  # the plain MLP's layers
