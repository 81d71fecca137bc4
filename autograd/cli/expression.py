"""``parse_expression``: text like ``"tanh(w1*x1 + b)"`` to a graph of Values, safely, and back.

The text is parsed with Python's ``ast`` and only a whitelist is accepted: numbers, names that
have a value, the constants ``pi`` and ``e`` (unless given a value), ``+ - * / **``, unary
``-`` and ``+``, parentheses, and calls of the engine's functions (``exp(x)`` or ``x.exp()``).
Nothing is ever passed to ``eval``. Anything else is refused with an ``ExpressionError`` that
names the offending piece and its column, and says how to write what was probably meant:
``2x`` → ``2*x``, ``2πx`` → ``2*π*x``, ``sin(pi x)`` → ``sin(pi*x)``, ``x^2`` and ``x²`` →
``x**2``, ``2(x+1)`` → ``2*(x+1)``, ``sin x`` → ``sin(x)``, ``math.sin(x)`` → ``sin(x)``,
``ln(x)`` → ``log(x)``, ``sigma(x)`` and ``σ(x)`` → ``sigmoid(x)``; a name with no value says
how to give it one (``y=NUMBER``). A whole line suggested has every fix applied and parses
(``2πx²`` → ``2*π*x**2``).
"""

from __future__ import annotations

import ast
import functools
import keyword
import math
import numbers
import operator
import re
import sys
import warnings
from collections.abc import Callable, Mapping
from typing import NamedTuple, TypeAlias

from ..value import Value, describe_number

# One step of evaluation either side of an operator: a Value, or a number not yet in the graph.
# Numbers stay plain until they meet a Value, so ``x ** 2`` is one ``**2`` node, as written.
_Operand: TypeAlias = "Value | float"


class ExpressionError(ValueError):
    """An expression uses something the engine does not offer, or a name that has no value."""


# ---- the whitelist ---------------------------------------------------------------------------

FUNCTIONS: dict[str, Callable[[Value], Value]] = {
    "abs": Value.__abs__,
    "cos": Value.cos,
    "elu": Value.elu,
    "erf": Value.erf,
    "exp": Value.exp,
    "gelu": Value.gelu,
    "leaky_relu": Value.leaky_relu,
    "log": Value.log,
    "relu": Value.relu,
    "sigmoid": Value.sigmoid,
    "silu": Value.silu,
    "sin": Value.sin,
    "softplus": Value.softplus,
    "sqrt": Value.sqrt,
    "tanh": Value.tanh,
}

# Functions known by other names elsewhere, and what to write here instead.
_OTHER_NAMES = {
    "ln": ("log(x)", "the natural logarithm"),
    "sqr": ("x**2", "a square"),
    "pow": ("x**y", "a power"),
    "max": ("relu(x)", "max(0, x)"),
    "sigma": ("sigmoid(x)", "the logistic function σ"),
    "σ": ("sigmoid(x)", "the logistic function σ"),
}

# Modules whose functions people call by habit (``math.sin(x)``): here the name alone is enough.
_MODULE_NAMES = ("math", "np", "numpy", "torch")

# Names that stand for constants unless ``values`` gives them a value of its own.
CONSTANTS: dict[str, float] = {"pi": math.pi, "π": math.pi, "e": math.e}

_BINARY: dict[type[ast.operator], Callable[[_Operand, _Operand], Value]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}

# Python operators the engine does not have, by how they are written, for error messages.
_UNSUPPORTED_OPERATORS: dict[type[ast.operator], str] = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.BitAnd: "&",
}

# What the refusals call the things they refuse, for nodes that are not simply unsupported.
_DESCRIPTIONS: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscript",
    ast.Lambda: "lambda",
    ast.Compare: "comparison",
    ast.BoolOp: "boolean operator",
    ast.IfExp: "conditional expression",
    ast.NamedExpr: "assignment expression",
    ast.Starred: "starred argument",
    ast.Tuple: "tuple",
    ast.List: "list",
    ast.Dict: "dict",
    ast.Set: "set",
    ast.ListComp: "comprehension",
    ast.SetComp: "comprehension",
    ast.DictComp: "comprehension",
    ast.GeneratorExp: "generator expression",
    ast.JoinedStr: "f-string",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Slice: "slice",
}

_LONGEST_PIECE = 40  # characters of an offending piece quoted in a message


def _shortened(text: str) -> str:
    """``text`` cut to ``_LONGEST_PIECE`` characters (ending in ``...`` if cut): an error
    quotes a name or a suggested fix, never a whole (perhaps megabytes long) text."""
    return text if len(text) <= _LONGEST_PIECE else text[: _LONGEST_PIECE - 3] + "..."


def _quoted(piece: str) -> str:
    """``repr`` of ``piece`` shortened, for a message."""
    return repr(_shortened(piece))


def parse_expression(text: str, values: Mapping[str, float]) -> Value:
    """The graph of ``text`` with each name a labelled leaf ``Value(values[name], label=name)``.

    >>> from autograd import parse_expression
    >>> out = parse_expression("tanh(w * x + b)", {"w": -3.0, "x": 2.0, "b": 6.88})
    >>> out.op
    'tanh'
    >>> out.backward()

    A name used twice is one leaf (its gradient gets both contributions). Numbers become
    constant leaves where they meet a Value; ``x ** 2`` is one ``**2`` node. Names in ``values``
    that the text does not use are ignored. Raises ``ExpressionError`` for anything outside the
    whitelist, a name with no value, a value that is not a real number, or a number too large
    for a float (``1e400``); ``TypeError`` if ``values`` is not a mapping with str keys. A math
    domain error (``log(-1)``) propagates with the engine's message.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_expression: text must be a str, got {type(text).__name__}")
    numbers_by_name = _checked_values(values)
    tree = _parse(text)
    _refuse_anything_outside_whitelist(tree, text, numbers_by_name)
    leaves = {name: Value(number, label=name) for name, number in numbers_by_name.items()}
    result = _evaluate(tree.body, leaves)
    return result if isinstance(result, Value) else Value(result)


def _checked_values(values: Mapping[str, float]) -> dict[str, float]:
    if not isinstance(values, Mapping):
        raise TypeError(
            f"parse_expression: values must be a mapping of names to numbers, got "
            f"{type(values).__name__} {_shortened(repr(values))}"
        )
    checked: dict[str, float] = {}
    for name, number in values.items():
        if not isinstance(name, str):
            raise TypeError(
                f"parse_expression: the names in values must be str, got "
                f"{type(name).__name__} {_shortened(repr(name))}"
            )
        if not isinstance(number, numbers.Real) or isinstance(number, bool):
            raise ExpressionError(
                f"the value of {_quoted(name)} must be a real number, got {type(number).__name__} "
                f"{describe_number(number)}"
            )
        try:
            checked[name] = float(number)
        except OverflowError:
            raise ExpressionError(
                f"the value of {_quoted(name)} is too large for a float: "
                f"{describe_number(number)}"
            ) from None
    return checked


def _parse(text: str) -> ast.Expression:
    source = text.strip()
    if not source:
        raise ExpressionError("the expression is empty")
    try:
        with warnings.catch_warnings():  # "2or x" warns of an invalid decimal literal: the
            warnings.simplefilter("ignore", SyntaxWarning)  # refusal below says what is wrong
            return ast.parse(source, mode="eval")
    except SyntaxError as error:
        line, offset = error.lineno or 1, error.offset or 0
        lines = source.splitlines()
        inside = line <= len(lines) and 1 <= offset <= len(lines[line - 1])
        if inside:
            where = f"at {_position(text, line, offset - 1)}"
        else:
            where = "at the end of the expression"
        if "digits" in error.msg:  # Python's limit on the digits of an int literal
            raise ExpressionError(_too_long_number(text)) from None
        hint = _syntax_hint(lines[line - 1], offset - 1) if inside else None
        if hint is not None:
            column, hint_text = hint
            raise ExpressionError(
                f"invalid syntax at {_position(text, line, column)}: {hint_text}"
            ) from None
        detail = "" if error.msg == "invalid syntax" else f": {error.msg}"
        raise ExpressionError(f"invalid syntax {where}{detail}") from None
    except (RecursionError, MemoryError):
        raise ExpressionError("the expression is nested too deeply") from None


def _too_long_number(text: str) -> str:
    """The refusal of an int literal longer than Python converts (4300 digits by default),
    naming the number (shortened) and its column instead of Python's own message."""
    source = text.strip()
    limit = sys.get_int_max_str_digits()
    for match in re.finditer(r"(?<![\w.])\d[\d_]*", source):
        digits = len(match[0].replace("_", ""))
        if digits > limit:
            start = match.start()
            line = source.count("\n", 0, start) + 1
            column = start - (source.rfind("\n", 0, start) + 1)
            return (
                f"number {_quoted(match[0])} is too long at {_position(text, line, column)}: "
                f"{digits} digits (a float holds numbers up to about 1.8e308, 309 digits)"
            )
    return "a number in the expression is too long"


# A number, then (maybe after spaces) a name: ``2x`` or ``3 x``, which mathematics reads as 2·x.
_NUMBER_THEN_NAME = re.compile(
    r"(?<![\w.])(?P<number>(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?)"
    r"(?P<space>[ \t]*)(?P<name>[^\W\d]\w*)"
)


_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")

# A function's name, a space, then its argument: ``sin x``, which mathematics reads as sin(x).
_CALL_WITHOUT_PARENTHESES = re.compile(r"(?<![\w.])(?P<name>[a-z]+)[ \t]+(?P<argument>[\w.]+)")


def _syntax_hint(line: str, column: int) -> tuple[int, str] | None:
    """What was probably meant where ``line`` stops parsing at ``column`` (0-based): the column
    to point at and the hint, or None.

    A whole line quoted as the fix has every fix applied and parses (``2πx²`` → ``2*π*x**2``);
    a line too long to quote gets the corrected piece, or only the rule when the piece is long.
    """
    fix = _local_fix(line, column)
    if fix is None:
        return None
    piece = fix.replacement if len(fix.replacement) <= _LONGEST_PIECE else None
    if fix.kind == "superscript":
        repaired = _repaired(line)
        shown = f": {repaired!r}" if repaired is not None else ""
        return fix.point, f"a superscript is not a power; write '**' for a power{shown}"
    if fix.kind == "call":
        call = repr(piece) if piece else "parentheses around its argument"
        return fix.point, f"a function without parentheses; write {call} to call it"
    if fix.kind == "product":
        product = repr(piece) if piece else "'*' between them"
        return fix.point, f"a number directly before a name; write {product} for a product"
    suggestion = _repaired(line) or piece
    product = repr(suggestion) if suggestion else "'*' between them"
    return fix.point, f"two names side by side; write {product} for a product"


class _Fix(NamedTuple):
    """A fix of one line: put ``replacement`` in place of ``line[start:end]``; the message
    points at column ``point`` and says what ``kind`` of slip it was."""

    start: int
    end: int
    replacement: str
    kind: str
    point: int


def _local_fix(line: str, column: int) -> _Fix | None:
    """The fix of ``line`` where it stops parsing at ``column`` (0-based), or None."""
    if column < len(line) and line[column] in "⁰¹²³⁴⁵⁶⁷⁸⁹":
        superscripts = re.match("[⁰¹²³⁴⁵⁶⁷⁸⁹]+", line[column:])[0]  # type: ignore[index]
        power = "**" + superscripts.translate(_SUPERSCRIPTS)
        return _Fix(column, column + len(superscripts), power, "superscript", column)
    for match in _CALL_WITHOUT_PARENTHESES.finditer(line):
        if match["name"] in FUNCTIONS and match.start("argument") == column:
            call = f"{match['name']}({match['argument']})"
            return _Fix(match.start(), match.end(), call, "call", column)
    return _missing_product(line, column) or _names_side_by_side(line, column)


def _repaired(line: str) -> str | None:
    """``line`` with every known fix applied, if the result parses and is short enough to quote;
    else None. Each fix is made where the parser stops, until the line parses."""
    line = line.strip()
    for _ in range(_LONGEST_PIECE):
        if len(line) > _LONGEST_PIECE:
            return None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SyntaxWarning)
                ast.parse(line, mode="eval")
        except SyntaxError as error:
            column = (error.offset or 0) - 1
            if error.lineno != 1 or not 0 <= column < len(line):
                return None
            fix = _local_fix(line, column)
            if fix is None:
                return None
            line = line[: fix.start] + fix.replacement + line[fix.end :]
        else:
            return line
    return None


# Two names (or a name and a number) with only spaces between: ``pi x``, read as pi·x.
_NAME_SPACE_OPERAND = re.compile(
    r"(?<![\w.])(?P<name>[^\W\d]\w*)(?P<space>[ \t]+)(?P<operand>[^\W\d]\w*|\d[\w.]*)"
)


def _names_side_by_side(line: str, column: int) -> _Fix | None:
    """Where a ``*`` is missing between two names, ``sin(pi x)``, around the error's ``column``
    (0-based): the fix writes the two names with the ``*``, ``pi*x``."""
    for match in _NAME_SPACE_OPERAND.finditer(line):
        name, operand = match["name"], match["operand"]
        if not match.start() <= column <= match.end():
            continue
        if name in FUNCTIONS or keyword.iskeyword(name) or keyword.iskeyword(operand):
            continue
        return _Fix(match.start(), match.end(), f"{name}*{operand}", "names", match.start())
    return None


def _missing_product(line: str, column: int) -> _Fix | None:
    """Where a ``*`` is missing between a number and a name, around the error's ``column``
    (0-based): the fix writes the piece ``2*x`` and points at the name; None if not that."""
    for match in _NUMBER_THEN_NAME.finditer(line):
        number, space, name = match["number"], match["space"], match["name"]
        if not match.start() <= column <= match.end() or keyword.iskeyword(name):
            continue
        if not space and _is_literal(number + name):  # 1e5, 0x1F, 2j: one token, not a product
            continue
        if name.startswith("π") and len(name) > 1:  # 2πx: π is a constant of one letter
            name = "π*" + name[1:]
        piece = f"{number}*{name}"
        return _Fix(match.start(), match.end(), piece, "product", match.start("name"))
    return None


def _is_literal(token: str) -> bool:
    try:
        ast.literal_eval(token)
    except (ValueError, SyntaxError):
        return False
    return True


# ---- refusing what is not on the whitelist ---------------------------------------------------

def _refuse_anything_outside_whitelist(
    tree: ast.Expression, text: str, values: Mapping[str, float]
) -> None:
    """Raise ExpressionError for the leftmost piece of ``tree`` that is not allowed."""
    problems: list[tuple[int, int, int, str]] = []
    judged_by_call: set[int] = set()  # the ``exp`` of ``exp(x)`` and the ``.exp`` of ``x.exp()``
    for order, node in enumerate(ast.walk(tree)):
        if isinstance(node, ast.Call) and (
            isinstance(node.func, ast.Name) or _is_method_call(node)
        ):
            judged_by_call.add(id(node.func))
        if not isinstance(node, ast.expr) or id(node) in judged_by_call:
            continue  # operators, keywords and the like are judged with the expression they are in
        problem = _problem(node, text, values)
        if problem is not None:
            problems.append((node.lineno, _offset_of_problem(node, text), order, problem))
    if problems:
        line, byte_offset, _, problem = min(problems)
        source_line = text.strip().splitlines()[line - 1]
        column = len(source_line.encode("utf-8")[:byte_offset].decode("utf-8", "replace"))
        how_to_fix = re.search("; (write|give) ", problem)  # the position first, then the fix
        fix = problem[how_to_fix.start() :] if how_to_fix else ""
        problem = problem[: how_to_fix.start()] if how_to_fix else problem
        raise ExpressionError(f"{problem} at {_position(text, line, column)}{fix}")


def _offset_of_problem(node: ast.expr, text: str) -> int:
    """Where to point for ``node`` (a byte offset in its line): its start, or for ``x^2`` the
    first ``^`` in it, the operator that is refused."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitXor):
        line = text.strip().splitlines()[node.lineno - 1].encode("utf-8")
        end = node.end_col_offset if node.end_lineno == node.lineno else None
        caret = line.find(b"^", node.col_offset, end)
        if caret >= 0:
            return caret
    return node.col_offset


def _problem(node: ast.expr, text: str, values: Mapping[str, float]) -> str | None:
    """Why ``node`` is refused, or None if it is allowed (its text is quoted only if refused)."""
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            symbol = _UNSUPPORTED_OPERATORS.get(type(node.op), type(node.op).__name__)
            problem = f"operator {symbol!r} is not supported, in {_piece(text, node)!r}"
            if isinstance(node.op, ast.BitXor):
                power = _as_power(text, node)
                problem += f"; write '**' for a power{f': {power!r}' if power else ''}"
            return problem
        return None
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.UAdd, ast.USub)):
            return f"operator in {_piece(text, node)!r} is not supported"
        return None
    if isinstance(node, ast.Constant):
        if type(node.value) not in (int, float):
            return f"{_piece(text, node)!r} is not a real number"
        try:
            number = float(node.value)  # type: ignore[arg-type]
        except OverflowError:  # an int literal with hundreds of digits
            number = math.inf
        if not math.isfinite(number):  # a float literal such as 1e400 is already inf
            return f"number {_piece(text, node)!r} is too large"
        return None
    if isinstance(node, ast.Name):
        if node.id not in values and node.id not in CONSTANTS:
            if node.id in _MODULE_NAMES:
                return (
                    f"unknown name {_quoted(node.id)} (it has no value); write the function alone, "
                    f"as in 'sin(x)', not '{node.id}.sin(x)'"
                )
            name = _shortened(node.id)
            return (
                f"unknown name {_quoted(node.id)} (it has no value); give {name} a value: "
                f"{name}=NUMBER"
            )
        return None
    if isinstance(node, ast.Call):
        return _call_problem(node, text, values)
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in _MODULE_NAMES
        and node.attr in CONSTANTS
    ):
        module, constant = node.value.id, node.attr
        return f"module {module!r} is not needed, in {_piece(text, node)!r}; write {constant!r}"
    description = _DESCRIPTIONS.get(type(node), "this kind of expression")
    return f"{description} {_piece(text, node)!r} is not allowed"


def _call_problem(node: ast.Call, text: str, values: Mapping[str, float]) -> str | None:
    if isinstance(node.func, ast.Name):
        name = node.func.id
        if name not in FUNCTIONS:
            known = ", ".join(sorted(FUNCTIONS))
            product = _as_product(text, node)
            if product and (name in values or name in CONSTANTS):
                return (
                    f"{_quoted(name)} is a value, not a function; write {product!r} for a product"
                )
            if name in _OTHER_NAMES:
                code, meaning = _OTHER_NAMES[name]
                return f"unknown function {name!r}; write {code!r} for {meaning}"
            return f"unknown function {_quoted(name)} (known: {known})"
    elif _is_method_call(node):
        name = node.func.attr  # type: ignore[attr-defined]
        owner = node.func.value  # type: ignore[attr-defined]
        if isinstance(owner, ast.Name) and owner.id in _MODULE_NAMES and owner.id not in values:
            call = f"{name}({', '.join(_piece(text, a) for a in node.args)})"
            return (
                f"module {owner.id!r} is not needed, in {_piece(text, node)!r}; "
                f"write {_quoted(call)}"
            )
        if node.args:
            return f"method {name}() takes no arguments, in {_piece(text, node)!r}"
    elif isinstance(node.func, ast.Attribute):
        return f"unknown function {_quoted(node.func.attr)} in {_piece(text, node)!r}"
    else:
        known = ", ".join(sorted(FUNCTIONS))
        product = _as_product(text, node)
        hint = f"; write {product!r} for a product" if product else ""
        return f"only the functions {known} can be called, not {_piece(text, node)!r}{hint}"
    if node.keywords:
        return f"keyword arguments are not allowed, in {_piece(text, node)!r}"
    if isinstance(node.func, ast.Name) and len(node.args) != 1:
        count = len(node.args)
        return f"{name}() takes exactly one argument, got {count} in {_piece(text, node)!r}"
    return None


def _as_product(text: str, node: ast.Call) -> str | None:
    """``2(x+1)`` written as the product ``2*(x+1)`` it was meant to be (one-line calls only)."""
    return _with_operator_replaced(text, node, "(", "*(", between=(node.func, None))


def _as_power(text: str, node: ast.BinOp) -> str | None:
    """``x^2 + y^2`` written with powers, ``x**2 + y**2``, as meant (one-line pieces only).

    Every ``^`` in it: Python reads ``x^2 + y^2`` as ``(x ^ (2 + y)) ^ 2``, one piece.
    """
    if node.lineno != node.end_lineno:
        return None
    source = _source_segment(text, node, longest=4 * _LONGEST_PIECE + 4)
    if source is None:
        return None
    power = source.replace("^", "**")
    return None if len(power) > _LONGEST_PIECE else power


def _with_operator_replaced(
    text: str,
    node: ast.expr,
    old: str,
    new: str,
    between: tuple[ast.expr, ast.expr | None] | None = None,
) -> str | None:
    """The source of ``node`` with the first ``old`` after its left part (``node.left``, or
    ``between[0]``) replaced by ``new``: ``2(x+1)`` as ``2*(x+1)``. None for a node over
    several lines or a piece too long to quote."""
    if node.lineno != node.end_lineno:
        return None
    left = between[0] if between else node.left  # type: ignore[attr-defined]
    line = _source_lines(text)[node.lineno - 1]
    start, split, end = node.col_offset, left.end_col_offset, node.end_col_offset
    if split is None or end is None:
        return None
    head, tail = line[start:split], line[split:end]
    if old.encode() not in tail:
        return None
    source = (head + tail.replace(old.encode(), new.encode(), 1)).decode("utf-8", "replace")
    return None if len(source) > _LONGEST_PIECE else source


def _is_method_call(node: ast.Call) -> bool:
    """``x.tanh()``: the method form of an engine function."""
    return isinstance(node.func, ast.Attribute) and node.func.attr in FUNCTIONS


def _piece(text: str, node: ast.AST) -> str:
    """The source text of ``node``, on one line and shortened, to quote in a message."""
    segment = _source_segment(text, node, longest=64 * _LONGEST_PIECE) or type(node).__name__
    segment = " ".join(segment.split())
    if len(segment) > _LONGEST_PIECE:
        segment = segment[: _LONGEST_PIECE - 3] + "..."
    return segment


@functools.lru_cache(maxsize=4)
def _source_lines(text: str) -> tuple[bytes, ...]:
    """The lines of ``text.strip()`` in UTF-8, as the parser numbers them (``ast``'s offsets
    count bytes). Kept for the last few texts: every refused piece of a long text quotes from
    them, and splitting the text once per piece would take time growing with its square."""
    return tuple(line.encode("utf-8") for line in re.split(r"\r\n|\r|\n", text.strip()))


def _source_segment(text: str, node: ast.AST, longest: int) -> str | None:
    """The source of ``node`` (as ``ast.get_source_segment``), its first ``longest`` bytes
    only: the time it takes grows with what is quoted, not with the whole text."""
    lineno, end_lineno = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
    start, end = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
    if lineno is None or end_lineno is None or start is None or end is None:
        return None
    lines = _source_lines(text)
    if lineno == end_lineno:
        piece = lines[lineno - 1][start:min(end, start + longest)]
    else:
        parts = [lines[lineno - 1][start:start + longest]]
        size = len(parts[0])
        for index in range(lineno, end_lineno):  # the following lines, counted from 0
            if size >= longest:
                break
            line = lines[index][:end] if index == end_lineno - 1 else lines[index]
            parts.append(line[:longest])
            size += len(parts[-1]) + 1
        piece = b"\n".join(parts)[:longest]
    return piece.decode("utf-8", "replace")


def _position(text: str, line: int, column: int) -> str:
    """``column 5`` (1-based, counted in ``text`` as given) for a 0-based ``column`` in ``line``
    of ``text.strip()``; with the line number too when the expression has several lines."""
    leading = text[: len(text) - len(text.lstrip())]
    line += leading.count("\n")
    if line == leading.count("\n") + 1:
        column += len(leading) - (leading.rfind("\n") + 1)
    if "\n" in text.strip():
        return f"line {line}, column {column + 1}"
    return f"column {column + 1}"


# ---- evaluating: building the graph ----------------------------------------------------------

def _evaluate(root: ast.expr, leaves: Mapping[str, Value]) -> _Operand:
    """Build the graph of an already-checked tree, bottom-up with an explicit stack.

    Iterative, like the engine's traversals, so a long sum such as ``x + x + ... + x`` (which
    ``ast`` nests one level per term) never hits Python's recursion limit.
    """
    results: list[_Operand] = []
    stack: list[tuple[ast.expr, bool]] = [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        children = _inputs_of(node)
        if not inputs_done and children:
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(children))
            continue
        arguments = results[len(results) - len(children) :]
        del results[len(results) - len(children) :]
        results.append(_apply(node, arguments, leaves))
    return results[0]


def _inputs_of(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Attribute):
            return [node.func.value]
        return list(node.args)
    return []


def _apply(node: ast.expr, arguments: list[_Operand], leaves: Mapping[str, Value]) -> _Operand:
    if isinstance(node, ast.Constant):
        return float(node.value)  # type: ignore[arg-type]
    if isinstance(node, ast.Name):
        return leaves[node.id] if node.id in leaves else CONSTANTS[node.id]
    if isinstance(node, ast.UnaryOp):
        (operand,) = arguments
        if isinstance(node.op, ast.UAdd):
            return operand
        return -operand  # a negative number stays a number: ``x ** -1`` is one node
    if isinstance(node, ast.BinOp):
        a, b = arguments
        if not isinstance(a, Value) and not isinstance(b, Value):
            a = Value(a)  # two numbers: the engine computes (and reports errors) as usual
        return _BINARY[type(node.op)](a, b)
    if isinstance(node, ast.Call):
        (argument,) = arguments
        name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id  # type: ignore[attr-defined]
        x = argument if isinstance(argument, Value) else Value(argument)
        return FUNCTIONS[name](x)
    raise AssertionError(f"unchecked node {type(node).__name__}")  # the whitelist prevents this
