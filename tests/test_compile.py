"""autograd.compile: generated code against the eager engine and central differences."""

from __future__ import annotations

import ast
import dataclasses
import math
from pathlib import Path
from typing import Any

import pytest

import autograd
import autograd.op
from autograd import DataDependenceError, Value, numerical_gradient
from autograd import value as value_module
from autograd.compiler.op_code import CODE, Code, UnsupportedOp

np = pytest.importorskip("numpy")

GOLDEN = Path(__file__).parent / "golden"


def eager(function: Any, *xs: float) -> tuple[float, tuple[float, ...]]:
    """The engine's own value and gradients: Values, backward()."""
    leaves = [Value(x) for x in xs]
    out = function(*leaves)
    out.backward()
    return out.data, tuple(float(leaf.grad) for leaf in leaves)


def close(a: float, b: float, rel: float = 1e-12) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-300) or (math.isnan(a) and math.isnan(b))


# ---- the source ---------------------------------------------------------------------------------

def product_and_sine(x: Value, y: Value) -> Value:
    return x * y + x.sin()


def test_the_source_matches_the_golden_file() -> None:
    source = autograd.compile(product_and_sine).source
    assert source == (GOLDEN / "product_and_sine.py.txt").read_text("utf-8")


def test_the_source_parses_and_is_the_same_every_time() -> None:
    first = autograd.compile(product_and_sine).source
    second = autograd.compile(product_and_sine).source
    assert first == second
    tree = ast.parse(first)
    function = tree.body[-1]
    assert isinstance(function, ast.FunctionDef) and function.name == "value_and_grad"
    assert [a.arg for a in function.args.args] == ["x", "y"]


def test_the_source_names_nodes_by_their_labels_and_comments_the_chain_rule() -> None:
    def house(theta1: Value, theta2: Value) -> Value:
        c1 = theta2 * 2500.0
        c1.label = "c1"
        y_pred = theta1 + c1
        y_pred.label = "y_pred"
        c2 = y_pred - 500_000.0
        c2.label = "c2"
        loss = c2**2
        loss.label = "loss"
        return loss

    compiled = autograd.compile(house)
    source = compiled.source
    assert "c1 = theta2 * 2500.0" in source
    assert "loss = c2 ** 2" in source
    assert "g_c2 = g_loss * (2.0 * c2)" in source
    assert "# ∂loss/∂c2 = ∂loss/∂loss·2c2" in source
    assert "# ∂loss/∂theta2 = ∂loss/∂c1·2,500" in source
    # the lecture's numbers: y_pred - y = -42,500
    value, (d_theta1, d_theta2) = compiled.value_and_grad(50_000.0, 163.0)
    assert value == 42_500.0**2
    assert d_theta1 == -85_000.0 and d_theta2 == -85_000.0 * 2500.0


def test_labels_that_are_not_python_names_are_made_valid_and_unique() -> None:
    def f(x: Value) -> Value:
        a = x * 2.0
        a.label = "W x + b"
        b = a.tanh()
        b.label = "W x + b"
        c = b + 1.0
        c.label = "lambda"
        return c

    source = autograd.compile(f).source
    ast.parse(source)
    assert "W_x_plus_b = x * 2.0" in source
    assert "W_x_plus_b_2 = math.tanh(W_x_plus_b)" in source
    assert "lambda_2 = W_x_plus_b_2 + 1.0" in source


def test_a_batched_source_uses_numpy() -> None:
    source = autograd.compile(product_and_sine).numpy_source
    ast.parse(source)
    assert "np.sin(x)" in source and "math." not in source


# ---- calls and argument checks ------------------------------------------------------------------

def test_call_and_value_and_grad_give_floats() -> None:
    compiled = autograd.compile(product_and_sine)
    value = compiled(2.0, 3)
    assert type(value) is float and value == 6.0 + math.sin(2.0)
    value, grads = compiled.value_and_grad(np.float64(2.0), 3.0)
    assert grads == (3.0 + math.cos(2.0), 2.0)
    assert all(type(g) is float for g in grads)


@pytest.mark.parametrize("count", [1, 3])
def test_a_wrong_number_of_arguments_is_a_type_error(count: int) -> None:
    compiled = autograd.compile(product_and_sine)
    with pytest.raises(TypeError, match=r"product_and_sine\(\) takes 2 arguments \(x, y\)"):
        compiled(*[1.0] * count)


@pytest.mark.parametrize("bad", ["2", None, True, 1 + 2j, Value(1.0), {"a": 1}])
def test_a_non_number_is_a_type_error_naming_the_argument(bad: Any) -> None:
    compiled = autograd.compile(product_and_sine)
    with pytest.raises(TypeError, match=r"argument 'y' \(position 2\)"):
        compiled.value_and_grad(1.0, bad)


def test_a_bad_item_in_a_batch_is_a_type_error_naming_argument_and_item() -> None:
    compiled = autograd.compile(product_and_sine)
    with pytest.raises(TypeError, match=r"argument 'x' \(position 1\), item 1"):
        compiled([1.0, "a"], 2.0)
    with pytest.raises(TypeError, match="1-D"):
        compiled(np.ones((2, 2)), 2.0)


def test_batched_arguments_of_different_lengths_are_a_value_error() -> None:
    compiled = autograd.compile(product_and_sine)
    with pytest.raises(ValueError, match=r"'x'.* has 2 numbers, argument 'y'.* has 3"):
        compiled([1.0, 2.0], [1.0, 2.0, 3.0])


def test_compile_refuses_what_is_not_a_function() -> None:
    with pytest.raises(TypeError, match="compile: expected a function"):
        autograd.compile(3.0)  # type: ignore[arg-type]


def test_a_function_must_return_a_value() -> None:
    with pytest.raises(TypeError, match="must return one Value, got float"):
        autograd.compile(lambda x: 2.0)(1.0)


def test_a_variable_number_of_arguments_is_fixed_by_the_first_call() -> None:
    def total(*xs: Value) -> Value:
        return autograd.sum(x * x for x in xs)

    compiled = autograd.compile(total)
    assert compiled.value_and_grad(1.0, 2.0, 3.0) == (14.0, (2.0, 4.0, 6.0))
    with pytest.raises(TypeError, match="takes 3 arguments"):
        compiled(1.0)


def test_unused_inputs_get_a_zero_gradient_and_an_input_may_be_the_output() -> None:
    assert autograd.compile(lambda x, y: x).value_and_grad(2.0, 5.0) == (2.0, (1.0, 0.0))


# ---- batches ----------------------------------------------------------------------------------

def test_a_batch_gives_per_example_values_and_gradients_and_sums_shared_ones() -> None:
    def neuron(w: Value, b: Value, x: Value) -> Value:
        return (w * x + b).tanh()

    compiled = autograd.compile(neuron)
    xs = [0.5, -1.0, 2.0, 0.25]
    values, (d_w, d_b, d_x) = compiled.value_and_grad(0.3, -0.1, xs)
    assert isinstance(values, np.ndarray) and values.shape == (4,)
    assert isinstance(d_x, np.ndarray) and d_x.shape == (4,)
    assert type(d_w) is float and type(d_b) is float
    singles = [eager(neuron, 0.3, -0.1, x) for x in xs]
    for i, (value, grads) in enumerate(singles):
        assert close(values[i], value) and close(d_x[i], grads[2])
    assert close(d_w, math.fsum(g[1][0] for g in singles))
    assert close(d_b, math.fsum(g[1][1] for g in singles))
    assert np.allclose(compiled(0.3, -0.1, np.array(xs)), values, rtol=1e-12, atol=0)


def test_a_gradient_that_does_not_depend_on_the_batch_is_repeated_or_summed() -> None:
    compiled = autograd.compile(lambda w, x: 2.0 * w + x)
    values, (d_w, d_x) = compiled.value_and_grad(1.0, [1.0, 2.0, 3.0])
    assert list(values) == [3.0, 4.0, 5.0]
    assert d_w == 6.0 and list(d_x) == [1.0, 1.0, 1.0]


def test_an_empty_batch_gives_empty_values() -> None:
    compiled = autograd.compile(lambda w, x: w * x)
    values, (d_w, d_x) = compiled.value_and_grad(1.0, [])
    assert values.shape == (0,) and d_x.shape == (0,) and d_w == 0.0


# ---- every op ---------------------------------------------------------------------------------

OPS = {
    "add": (lambda x, y: x + y, (1.3, -0.4)),
    "sub": (lambda x, y: x - y, (1.3, -0.4)),
    "mul": (lambda x, y: x * y, (1.3, -0.4)),
    "div": (lambda x, y: x / y, (1.3, -0.4)),
    "pow with a Value exponent": (lambda x, y: x**y, (1.3, -0.4)),
    "pow with a number": (lambda x, y: x**3 + y**-0.5 + x**0.5, (1.3, 0.4)),
    "rpow": (lambda x, y: 2.0**x * y, (1.3, -0.4)),
    "neg": (lambda x, y: -x * y, (1.3, -0.4)),
    "abs": (lambda x, y: abs(x) * abs(y), (1.3, -0.4)),
    "exp": (lambda x, y: (x * y).exp(), (1.3, -0.4)),
    "log": (lambda x, y: x.log() * y, (1.3, -0.4)),
    "sqrt": (lambda x, y: x.sqrt() * y, (1.3, -0.4)),
    "tanh": (lambda x, y: (x * y).tanh(), (1.3, -0.4)),
    "sigmoid": (lambda x, y: x.sigmoid() + (y * 50.0).sigmoid() + (-x * 50).sigmoid(), (1.3, -0.4)),
    "relu": (lambda x, y: x.relu() * 2 + y.relu(), (1.3, -0.4)),
    "sin": (lambda x, y: (x * y).sin(), (1.3, -0.4)),
    "cos": (lambda x, y: (x * y).cos(), (1.3, -0.4)),
    "sum": (lambda x, y: autograd.sum([x, y, x * y, 2.0]), (1.3, -0.4)),
    "dot": (lambda x, y: autograd.dot([x, y, 3.0], [y, x * x, x]), (1.3, -0.4)),
    "constants on both sides": (lambda x, y: (2 - x) * (3 / y) + (1 + x) * 2, (1.3, -0.4)),
}


@pytest.mark.parametrize("name", OPS)
def test_every_op_compiles_to_the_eager_numbers_and_the_central_differences(name: str) -> None:
    function, point = OPS[name]
    compiled = autograd.compile(function)
    value, grads = compiled.value_and_grad(*point)
    expected_value, expected_grads = eager(function, *point)
    assert close(value, expected_value)
    for g, expected in zip(grads, expected_grads, strict=True):
        assert close(g, expected)
    for i, g in enumerate(grads):  # an independent oracle: central differences
        assert math.isclose(g, numerical_gradient(function, list(point), i), rel_tol=1e-6,
                            abs_tol=1e-7)
    batch = [point[0], point[0] * 0.9, point[0] * 1.1]
    values, (d_x, _) = compiled.value_and_grad(batch, point[1])
    for i, x in enumerate(batch):
        one_value, (one_dx, _) = compiled.value_and_grad(x, point[1])
        assert close(values[i], one_value) and close(d_x[i], one_dx)


def test_kinks_have_the_engines_derivative_zero() -> None:
    compiled = autograd.compile(lambda x: x.relu() + abs(x))
    assert compiled.value_and_grad(0.0) == (0.0, (0.0,))
    assert list(compiled.value_and_grad([0.0, 0.0])[1][0]) == [0.0, 0.0]


# ---- NaN, inf and domain errors as in the eager engine ------------------------------------------

@pytest.mark.parametrize(
    ("function", "point"),
    [
        (lambda x: x.log(), -1.0),
        (lambda x: x.sqrt(), -4.0),
        (lambda x: (x * 800.0).exp(), 1.0),
        (lambda x: 1.0 / (x - 1.0), 1.0),
        (lambda x: (x - 1.0) ** x, 0.5),
        (lambda x: (x - 1.0) ** -1, 1.0),
        (lambda x: (x * math.inf).sin(), 1.0),
    ],
)
def test_domain_errors_are_the_eager_engines(function: Any, point: float) -> None:
    with pytest.raises((ValueError, ArithmeticError)) as eager_error:
        eager(function, point)
    compiled = autograd.compile(function)
    compiled(2.0 if point != 2.0 else 3.0) if _defined(function, 2.0) else None
    with pytest.raises(type(eager_error.value)) as compiled_error:
        compiled.value_and_grad(point)
    assert str(compiled_error.value) == str(eager_error.value)
    if _defined(function, 2.0):
        with pytest.raises(type(eager_error.value), match=re_escape(str(eager_error.value))):
            compiled.value_and_grad([2.0, point])


def _defined(function: Any, x: float) -> bool:
    try:
        eager(function, x)
    except (ValueError, ArithmeticError):
        return False
    return True


def re_escape(text: str) -> str:
    import re

    return re.escape(text)


@pytest.mark.parametrize(
    ("function", "point"),
    [
        (lambda x: x.sqrt(), 0.0),  # slope +inf at 0
        (lambda x: x * 1e308 * 10.0, 1.0),  # overflow to inf
        (lambda x: x * math.nan, 1.0),
        (lambda x: x**0.5 * 2.0, 0.0),
        (lambda x: x**x, 0.0),
    ],
)
def test_nan_and_inf_are_the_eager_engines(function: Any, point: float) -> None:
    expected_value, expected_grads = eager(function, point)
    compiled = autograd.compile(function)
    value, grads = compiled.value_and_grad(point)
    assert close(value, expected_value) and close(grads[0], expected_grads[0])
    values, (per_example,) = compiled.value_and_grad([point, 0.5])
    assert close(values[0], expected_value) and close(per_example[0], expected_grads[0])


# ---- graphs that depend on the data are refused ------------------------------------------------

def branch_on_data(x: Value) -> Value:
    return x * 2.0 if x.data > 0 else -x


def branch_on_float(x: Value) -> Value:
    return x * 2.0 if float(x * x) > 1 else -x


def branch_on_bool(x: Value) -> Value:
    return x * 2.0 if x else -x


def branch_on_comparison(x: Value) -> Value:
    return x * 2.0 if (x - 1.0) > 0 else -x


def branch_on_item(x: Value) -> Value:
    return x * 2.0 if x.item() > 0 else -x


def branch_on_a_formatted_value(x: Value) -> Value:
    return x * 2.0 if f"{x * 3.0:.1f}".startswith("3") else -x


def branch_on_int(x: Value) -> Value:
    return x * int(x)


def branch_on_a_sum(x: Value) -> Value:
    total = autograd.sum([x, x])
    return total.tanh() if total.data > 0 else total


def branch_on_a_gradient(x: Value) -> Value:
    y = x * x
    y.backward()
    return x * x.grad


def swallowing_the_error(x: Value) -> Value:
    try:
        return x * 2.0 if x.data > 0 else -x
    except ValueError:
        return x


@pytest.mark.parametrize(
    ("function", "how"),
    [
        (branch_on_data, "reading .data"),
        (branch_on_float, r"float\(\)"),
        (branch_on_bool, r"bool\(\)"),
        (branch_on_comparison, r"comparison \(>\)"),
        (branch_on_item, r"\.item\(\)"),
        (branch_on_int, r"int\(\)"),
        (branch_on_a_formatted_value, r"format\(\)"),
        (branch_on_a_sum, "reading .data"),
        (branch_on_a_gradient, "reading .data"),
        (swallowing_the_error, "reading .data"),
    ],
)
def test_a_graph_that_depends_on_the_data_is_refused_naming_the_read(
    function: Any, how: str
) -> None:
    compiled = autograd.compile(function)
    with pytest.raises(DataDependenceError, match=how) as error:
        compiled(1.0)
    assert isinstance(error.value, ValueError)
    assert "depends on the input values" in str(error.value)
    assert function.__name__ in str(error.value)
    with pytest.raises(DataDependenceError):
        _ = compiled.source


def test_a_failed_trace_leaves_the_engine_as_it_was() -> None:
    with pytest.raises(DataDependenceError):
        autograd.compile(branch_on_data)(1.0)
    assert value_module._new is object.__new__
    x = Value(2.0)
    y = x * 3.0
    assert type(y) is Value and y.data > 0 and float(y) == 6.0 and bool(y)


def test_reading_constants_is_allowed() -> None:
    def f(x: Value) -> Value:
        scale = Value(2.0) * 3.0
        return x * (scale.data if scale.data > 0 else 1.0)

    assert autograd.compile(f)(1.5) == 9.0


def test_printing_a_traced_value_is_allowed() -> None:
    def f(x: Value) -> Value:
        y = x * 2.0
        assert "Value(" in repr(y)
        return y

    assert autograd.compile(f)(1.5) == 3.0


# ---- the generated code runs the graph the engine records, not Python's own arithmetic --------

def test_shared_subexpressions_and_repeated_inputs() -> None:
    def f(x: Value, y: Value) -> Value:
        shared = x * y
        return shared * shared + shared.tanh() * x + x * x * x

    compiled = autograd.compile(f)
    value, grads = compiled.value_and_grad(0.7, -1.2)
    expected_value, expected_grads = eager(f, 0.7, -1.2)
    assert value == expected_value and grads == expected_grads
    assert compiled.source.count("shared") == 0  # unlabelled: named by the formulas that made them
    assert compiled.source.count("= x * y") == 1


def test_values_made_in_another_thread_during_a_trace_are_plain() -> None:
    import threading

    made: list[Any] = []

    def f(x: Value) -> Value:
        worker = threading.Thread(target=lambda: made.append(Value(2.0) * 3.0))
        worker.start()
        worker.join()
        return x * 2.0

    assert autograd.compile(f)(1.0) == 2.0
    (other,) = made
    assert type(other) is Value and other.data > 0  # no trace there: reads are fine


def test_a_closed_over_parameter_is_an_input_of_the_code_and_stays_a_parameter() -> None:
    from autograd import Parameter

    w = Parameter(0.5, label="w")
    compiled = autograd.compile(lambda x: w * x)
    assert compiled.value_and_grad(4.0) == (2.0, (0.5,))
    assert "def value_and_grad(x, w):" in compiled.source  # read at each call, not baked in
    assert type(w) is Parameter and w.grad == 0.0  # value_and_grad leaves .grad alone


def test_the_source_can_be_read_before_any_call_even_if_some_points_are_outside_a_domain() -> None:
    compiled = autograd.compile(lambda x, y: (x - y).log() + x.sqrt())
    assert "math.log(x_minus_y)" in compiled.source
    assert compiled.value_and_grad(3.0, 1.0)[0] == math.log(2.0) + math.sqrt(3.0)


def test_an_error_on_the_shared_arguments_of_a_batch_is_the_engines() -> None:
    compiled = autograd.compile(lambda w, x: x / w)
    with pytest.raises(ZeroDivisionError) as error:
        compiled.value_and_grad(0.0, [1.0, 2.0])
    with pytest.raises(ZeroDivisionError) as eager_error:
        eager(lambda w, x: x / w, 0.0, 1.0)
    assert str(error.value) == str(eager_error.value)


# ---- a new op is one entry of CODE ------------------------------------------------------------

def _square_plus_one_derivatives(x: Any, out: Any) -> tuple[Any, ...]:
    # d(x² + 1)/dx = 2x
    return (2.0 * x,)


SQUARE_PLUS_ONE = autograd.op.Op("sq+1", "square_plus_one", _square_plus_one_derivatives)


def square_plus_one(x: Value) -> Value:
    """An op the engine does not have, built as value.py builds its ops.

    It reads its input through the slot, as the engine's ops may: a read of ``.data`` from
    outside the engine would be refused while tracing.
    """
    data = Value.__dict__["data"].__get__(x)
    return value_module._result(data * data + 1.0, (x,), SQUARE_PLUS_ONE)


def test_an_op_without_an_entry_is_refused_by_name() -> None:
    with pytest.raises(UnsupportedOp, match="'square_plus_one'"):
        autograd.compile(lambda x: square_plus_one(x) * 2.0)(1.5)


def test_a_new_op_compiles_with_one_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = Code("{0} * {0} + 1.0", ("2.0 * {0}",), "{0}² + 1", ("2{0}",))
    monkeypatch.setitem(CODE, "square_plus_one", entry)

    def f(x: Value, y: Value) -> Value:
        return square_plus_one(x * y).tanh()

    compiled = autograd.compile(f)
    assert "x_y = x * y" in compiled.source
    assert "sq_plus_1_x_y = x_y * x_y + 1.0" in compiled.source
    assert compiled.value_and_grad(0.7, -0.3) == eager(f, 0.7, -0.3)
    values, (d_x, _) = compiled.value_and_grad([0.7, 0.2], -0.3)
    assert close(values[1], eager(f, 0.2, -0.3)[0]) and close(d_x[1], eager(f, 0.2, -0.3)[1][0])


@dataclasses.dataclass(frozen=True)
class ScaledBy:
    """An op with a constant: x ↦ c·x, keyed in CODE by its class as PowerOf is."""

    constant: float
    symbol: str = "scale"
    name: str = "scaled_by"

    def derivatives(self, x: Any, out: Any) -> tuple[Any, ...]:
        return (self.constant,)


def test_an_op_with_a_constant_is_one_entry_keyed_by_its_class(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entry = Code("{op.constant!r} * {0}", ("{op.constant!r}",), "{op.constant:g}·{0}",
                 ("{op.constant:g}",))
    monkeypatch.setitem(CODE, ScaledBy, entry)

    def f(x: Value) -> Value:
        data = Value.__dict__["data"].__get__(x)
        return value_module._result(3.0 * data, (x,), ScaledBy(3.0)).sin()

    compiled = autograd.compile(f)
    assert "scale_x = 3.0 * x" in compiled.source
    assert compiled.value_and_grad(0.4) == eager(f, 0.4)


def test_compiling_on_floats_imports_nothing_beyond_the_standard_library() -> None:
    import subprocess
    import sys

    script = (
        "import sys, autograd, nn\n"
        "c = autograd.compile(lambda x, y: (x * y).tanh())\n"
        "c(1.0, 2.0); c.value_and_grad(1.0, 2.0); c.source\n"
        "print('numpy' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "False"


def test_repeated_calls_for_the_value_keep_the_engines_errors_and_infinities() -> None:
    compiled = autograd.compile(lambda x: x.log() + (x - 2.0) ** -1)
    assert compiled(1.0) == -1.0  # builds the code; the calls below run it
    with pytest.raises(ValueError, match=r"log: math domain error for input -1\.0"):
        compiled(-1.0)
    with pytest.raises(ValueError, match="pow: math domain error"):
        compiled(2.0)  # 0 ** -1, as the engine reports it
    assert math.isnan(compiled(math.nan))


# ---- the activations beyond the lecture's, where the engine has them ----------------------------

ACTIVATIONS = {
    "erf": lambda x: (x * 0.7).erf(),
    "softplus": lambda x: (x * 3.0).softplus() + (x * -3.0).softplus(),
    "gelu": lambda x: x.gelu() * 2.0,
    "silu": lambda x: (x * -2.0).silu() + x.silu(),
    "leaky_relu": lambda x: x.leaky_relu(0.1) + (-x).leaky_relu(-0.3),
    "elu": lambda x: x.elu(0.7) + (-x).elu(),
}


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_each_activation_compiles_to_the_engines_numbers(name: str) -> None:
    if not hasattr(Value, name):
        pytest.skip(f"the engine has no {name}")
    function = ACTIVATIONS[name]
    compiled = autograd.compile(function)
    points = [0.8, -1.3, 0.0, 4.0, -6.0]
    for x in points:
        assert compiled.value_and_grad(x) == eager(function, x)  # the engine's formulas
    values, (grads,) = compiled.value_and_grad(points)
    for i, x in enumerate(points):
        value, (grad,) = eager(function, x)
        assert math.isclose(values[i], value, rel_tol=1e-12, abs_tol=1e-15)
        assert math.isclose(grads[i], grad, rel_tol=1e-12, abs_tol=1e-15)


def test_max_compiles_with_the_gradient_to_the_first_largest() -> None:
    def f(x: Value, y: Value) -> Value:
        return autograd.max([x * 2.0, y, x + 1.0, y]) * 3.0

    compiled = autograd.compile(f)
    for point in [(1.0, 0.5), (0.2, 3.0), (1.0, 2.0), (-1.0, -3.0)]:  # (1, 2): a tie, x*2 wins
        assert compiled.value_and_grad(*point) == eager(f, *point)
    values, (d_x, d_y) = compiled.value_and_grad([1.0, 0.2, 1.0], [0.5, 3.0, 2.0])
    for i, point in enumerate([(1.0, 0.5), (0.2, 3.0), (1.0, 2.0)]):
        value, (g_x, g_y) = eager(f, *point)
        assert values[i] == value and d_x[i] == g_x and d_y[i] == g_y
