"""parse_expression: the whitelist it accepts, the message for everything it refuses, and
gradients of parsed expressions checked against central differences."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, numerical_gradient, topological_order
from autograd.cli.expression import ExpressionError, parse_expression
from autograd.graph.names import formula_names

NEURON = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.88}


def leaves_by_name(root: Value) -> dict[str, Value]:
    return {node.label: node for node in topological_order(root) if node.is_leaf and node.label}


# ---- what is accepted --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x + y", 2.0 + 3.0),
        ("x - y", 2.0 - 3.0),
        ("x * y", 2.0 * 3.0),
        ("x / y", 2.0 / 3.0),
        ("x ** y", 2.0**3.0),
        ("x ** 2", 4.0),
        ("2 ** x", 4.0),
        ("-x", -2.0),
        ("+x", 2.0),
        ("-(x * y) + 1.5e1", -6.0 + 15.0),
        ("exp(x)", math.exp(2.0)),
        ("log(y)", math.log(3.0)),
        ("sqrt(y)", math.sqrt(3.0)),
        ("tanh(x)", math.tanh(2.0)),
        ("sigmoid(x)", 1.0 / (1.0 + math.exp(-2.0))),
        ("relu(x - y)", 0.0),
        ("sin(x)", math.sin(2.0)),
        ("cos(x)", math.cos(2.0)),
        ("abs(x - y)", 1.0),
        ("x.tanh()", math.tanh(2.0)),
        ("(x * y).exp().log()", 6.0),
        ("  x\t+ y  ", 5.0),
        ("(x\n + y)", 5.0),
    ],
)
def test_every_whitelisted_piece_computes_what_python_math_computes(
    text: str, expected: float
) -> None:
    out = parse_expression(text, {"x": 2.0, "y": 3.0})
    assert isinstance(out, Value)
    assert out.data == pytest.approx(expected, rel=1e-12)


def test_names_become_labelled_leaves_and_a_name_used_twice_is_one_leaf() -> None:
    out = parse_expression("x * x + y", {"x": 3.0, "y": 1.0, "unused": 9.0})
    leaves = [node for node in topological_order(out) if node.is_leaf]
    assert [leaf.label for leaf in leaves] == ["x", "y"]
    out.backward()
    assert leaves[0].grad == 6.0  # both uses of x contribute: d(x*x)/dx = 2x


def test_the_graph_shows_what_was_written() -> None:
    assert parse_expression("x ** 2", {"x": 3.0}).op == "**2"  # a number exponent: one input
    assert parse_expression("x ** -1", {"x": 2.0}).op == "**-1"
    assert parse_expression("x - y", {"x": 1.0, "y": 2.0}).op == "-"
    assert parse_expression("-x", {"x": 1.0}).op == "neg"
    minus_three = parse_expression("-3", {})
    assert minus_three.is_leaf and minus_three.data == -3.0  # a negative number, not neg(3)


def test_a_number_alone_or_numbers_alone_still_give_a_value() -> None:
    assert parse_expression("2.5", {}).data == 2.5
    six = parse_expression("2 * 3", {})
    assert six.data == 6.0 and six.op == "*"


def test_values_may_be_ints_or_numpy_scalars() -> None:
    numpy = pytest.importorskip("numpy")
    out = parse_expression("x * y", {"x": 2, "y": numpy.float64(0.5)})
    assert out.data == 1.0


# ---- what is refused, and how it is named ------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x.data", "attribute access 'x.data' is not allowed at column 1"),
        ("y + x.__class__", "attribute access 'x.__class__' is not allowed at column 5"),
        ("x[0]", "subscript 'x[0]' is not allowed at column 1"),
        ("lambda: x", "lambda 'lambda: x' is not allowed at column 1"),
        ("x < y", "comparison 'x < y' is not allowed at column 1"),
        ("x and y", "boolean operator 'x and y' is not allowed at column 1"),
        ("x if y else 1", "conditional expression 'x if y else 1' is not allowed at column 1"),
        ("exp(x=1)", "keyword arguments are not allowed, in 'exp(x=1)' at column 1"),
        ("y * exp(x, n=2)", "keyword arguments are not allowed, in 'exp(x, n=2)' at column 5"),
        ("x + z", "unknown name 'z' (it has no value) at column 5"),
        ("foo(x)", "unknown function 'foo' (known: abs, cos, elu, erf, exp, gelu, leaky_relu, "
                   "log, relu, sigmoid, silu, sin, softplus, sqrt, tanh) at column 1"),
        ("__import__('os')", "unknown function '__import__'"),
        ("x.foo()", "unknown function 'foo' in 'x.foo()' at column 1"),
        ("x.exp(2)", "method exp() takes no arguments, in 'x.exp(2)' at column 1"),
        ("exp(x, y)", "exp() takes exactly one argument, got 2 in 'exp(x, y)' at column 1"),
        ("(x + y)(2)", "only the functions abs, cos, elu, erf, exp, gelu, leaky_relu, log, relu, "
                       "sigmoid, silu, sin, softplus, sqrt, tanh can be called, not '(x + y)(2)' "
                       "at column 1"),
        ("x // y", "operator '//' is not supported, in 'x // y' at column 1"),
        ("x % y", "operator '%' is not supported"),
        ("~x", "operator in '~x' is not supported at column 1"),
        ("'a' + x", "\"'a'\" is not a real number at column 1"),
        ("True * x", "'True' is not a real number at column 1"),
        ("1j * x", "'1j' is not a real number at column 1"),
        ("[x, y]", "list '[x, y]' is not allowed at column 1"),
        ("exp(*x)", "starred argument '*x' is not allowed at column 5"),
        ("(y := 3)", "assignment expression 'y := 3' is not allowed at column 2"),
        ("x +", "invalid syntax at the end of the expression"),
        ("x + * y", "invalid syntax at column 5"),
        ("exp(x", "invalid syntax at column 4: '(' was never closed"),
        ("", "the expression is empty"),
        ("   ", "the expression is empty"),
        ("9" * 400, "is too large at column 1"),
        ("1e400*x", "number '1e400' is too large at column 1"),
        ("x + 2.5E+999", "number '2.5E+999' is too large at column 5"),
        ("-1e400", "number '1e400' is too large at column 2"),
    ],
)
def test_everything_else_is_refused_naming_the_piece_and_its_column(
    text: str, message: str
) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text, {"x": 2.0, "y": 3.0})
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_columns_count_characters_of_the_text_as_given() -> None:
    with pytest.raises(ExpressionError, match=r"unknown name .z. .* at column 8(;|$)"):
        parse_expression("   é + z", {"é": 1.0})
    with pytest.raises(ExpressionError, match=r"at line 2, column 4(;|$)"):
        parse_expression("(x\n + z)", {"x": 1.0})


def test_the_leftmost_problem_is_the_one_reported() -> None:
    with pytest.raises(ExpressionError, match=r"column 1$"):
        parse_expression("a.b + c[0] + d", {})


def test_values_that_are_not_real_numbers_are_refused_by_name() -> None:
    with pytest.raises(ExpressionError, match="the value of 'x' must be a real number, got str"):
        parse_expression("x", {"x": "2"})  # type: ignore[dict-item]
    with pytest.raises(ExpressionError, match="the value of 'x' must be a real number"):
        parse_expression("x", {"x": True})


def test_the_text_must_be_a_string() -> None:
    with pytest.raises(TypeError, match="parse_expression: text must be a str"):
        parse_expression(b"x", {"x": 1.0})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["x"], "parse_expression: values must be a mapping of names to numbers, got list ['x']"),
        (None, "parse_expression: values must be a mapping of names to numbers, got NoneType"),
        ({3: 1.0}, "parse_expression: the names in values must be str, got int 3"),
    ],
)
def test_values_must_map_names_to_numbers(values: object, message: str) -> None:
    with pytest.raises(TypeError) as caught:
        parse_expression("x", values)  # type: ignore[arg-type]
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("log(x - 3)", ValueError, "log: math domain error for input -1.0"),
        ("sqrt(-x)", ValueError, "sqrt: math domain error for input -2.0"),
        ("x / (x - 2)", ZeroDivisionError, "div: float division by zero for inputs 2.0 and 0.0"),
        ("exp(1000 * x)", OverflowError, "exp: math range error for input 2000.0"),
        ("10 ** 400", OverflowError, "pow: math range error"),
    ],
)
def test_math_domain_errors_come_from_the_engine_with_its_message(
    text: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as caught:
        parse_expression(text, {"x": 2.0})
    assert str(caught.value).startswith(message)
    assert not isinstance(caught.value, ExpressionError)


def test_a_sum_of_many_terms_builds_without_recursion() -> None:
    out = parse_expression(" + ".join(["x"] * 1500), {"x": 1.0})
    assert out.data == 1500.0
    out.backward()
    assert leaves_by_name(out)["x"].grad == 1500.0


def test_text_too_deep_for_pythons_parser_is_refused_clearly() -> None:
    with pytest.raises(ExpressionError, match="the expression is nested too deeply"):
        parse_expression(" + ".join(["x"] * 20_000), {"x": 1.0})
    with pytest.raises(ExpressionError, match="too many nested parentheses"):
        parse_expression("(" * 300 + "x" + ")" * 300, {"x": 1.0})


# ---- gradients against central differences -----------------------------------------------------

def test_the_neurons_gradients_match_central_differences() -> None:
    text = "tanh(w1*x1 + w2*x2 + b)"
    names = list(NEURON)
    out = parse_expression(text, NEURON)
    out.backward()
    leaves = leaves_by_name(out)

    def f(*inputs: Value) -> Value:
        return parse_expression(text, {n: float(v) for n, v in zip(names, inputs, strict=True)})

    for index, name in enumerate(names):
        numeric = numerical_gradient(f, list(NEURON.values()), index)
        assert leaves[name].grad == pytest.approx(numeric, rel=1e-6, abs=1e-9)
    # and by hand: d tanh(u)/dw1 = (1 - tanh(u)^2) * x1
    assert leaves["w1"].grad == pytest.approx((1 - math.tanh(0.88) ** 2) * 2.0, rel=1e-12)


EXPRESSIONS = [
    "x * y + sin(x) * cos(y)",
    "exp(-x**2) / (1 + y**2)",
    "log(1 + x**2) - sqrt(y**2 + 1) * x",
    "sigmoid(x * y) ** 3 + abs(x - 10) + relu(y + 10)",
    "x ** y + tanh(x / y)",
    "(x - y).tanh().exp() * -x",
]


@settings(max_examples=20)
@given(
    text=st.sampled_from(EXPRESSIONS),
    x=st.floats(0.5, 2.0),
    y=st.floats(0.5, 2.0),
)
def test_parsed_gradients_match_central_differences(text: str, x: float, y: float) -> None:
    out = parse_expression(text, {"x": x, "y": y})
    out.backward()
    leaves = leaves_by_name(out)

    def f(x_: Value, y_: Value) -> Value:
        return parse_expression(text, {"x": float(x_), "y": float(y_)})

    for index, name in enumerate(("x", "y")):
        numeric = numerical_gradient(f, [x, y], index)
        assert leaves[name].grad == pytest.approx(numeric, rel=1e-5, abs=1e-7)


# ---- formula_names: the graph written back as text ---------------------------------------------

def test_unlabelled_nodes_are_named_by_the_formula_that_made_them() -> None:
    out = parse_expression("tanh(w1*x1 + w2*x2 + b)", NEURON)
    names = formula_names(topological_order(out))
    assert names[out] == "tanh(w1*x1 + w2*x2 + b)"
    assert names[out.inputs[0]] == "w1*x1 + w2*x2 + b"


@pytest.mark.parametrize(
    "text",
    ["a - (b - c)", "a - b - c", "a/(b*c)", "(a**b)**c", "a**b**c", "(-a)**2", "-a**2",
     "exp(a)*sin(b + c)", "2*a - 3", "a*(b + c)", "-(a + b)", "(a + b)**-1", "a/b/c", "a/(b/c)"],
)
def test_a_formula_name_parses_back_to_the_same_value(text: str) -> None:
    values = {"a": 1.5, "b": 2.5, "c": 0.75}
    out = parse_expression(text, values)
    name = formula_names(topological_order(out))[out]
    assert name == text
    assert parse_expression(name, values).data == out.data


def test_long_or_repeated_formulas_fall_back_to_the_stable_name() -> None:
    out = parse_expression("x*y + x*y", {"x": 1.0, "y": 2.0})
    names = formula_names(topological_order(out))
    first, second = out.inputs
    assert names[first] == "x*y"
    assert names[second] == "mul1"  # the same formula again: the first short mul name
    long = parse_expression(" * ".join(["x"] * 20), {"x": 1.0})
    assert formula_names(topological_order(long))[long] == "mul4"  # 17 to 20 x's: mul1-mul4


@pytest.mark.parametrize(
    ("number", "digits"), [(10**400, 401), (-(10**5000), 5001)], ids=["1e400", "-1e5000"]
)
def test_a_value_too_large_for_a_float_is_an_expression_error(number: int, digits: int) -> None:
    with pytest.raises(ExpressionError) as raised:
        parse_expression("x", {"x": number})
    assert str(raised.value).startswith(
        f"the value of 'x' is too large for a float: an int of about {digits} digits"
    )
