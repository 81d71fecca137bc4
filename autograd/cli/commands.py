"""The ``backprop-lab`` command: draw a backprop graph or write its stepping page from a shell.

    backprop-lab example -o worked_example.svg [--local-derivatives]
    backprop-lab graph "tanh(w1*x1 + w2*x2 + b)" x1=2 x2=0 w1=-3 w2=1 b=6.88 -o neuron.svg
    backprop-lab graph "x**2 + 3*x" x=2 --steps -o backprop.html

Bad input (an expression outside the whitelist, a missing or non-numeric value, an unknown
output suffix, a math domain error) exits with status 2 and one line on stderr; a problem with
the system (no Graphviz, a file that cannot be written) exits with status 1. Nothing is written
unless everything before it succeeded, and files are replaced atomically. No printed line is
longer than ``MAX_LINE`` characters: a longer one (the chain rule of a long sum) keeps its start
and its end, and says how much was left out and where to read all of it.
"""

from __future__ import annotations

import argparse
import io
import itertools
import math
import sys
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from ..backprop import topological_order
from ..examples import house_price
from ..graph.numbers_format import format_number
from ..value import Value
from ..viz.chain_rule import chain_rule
from ..viz.graphviz_program import GraphvizTimeout
from .expression import parse_expression

PROG = "backprop-lab"
# The largest expression the command line takes, in names and numbers. It prints a chain rule
# per input, whose length grows with the square of the terms, and draws every node: a few
# dozen terms fill a screen. One limit, checked before anything is parsed.
MAX_TERMS = 200
# The longest line the command prints, in characters: a few lines of a terminal.
MAX_LINE = 600
ELISION = " … [{count:,} characters left out: {hint}] … "
CHAIN_RULE_HINT = "autograd.chain_rule in Python gives all of it"
IMAGE_SUFFIXES = (".svg", ".png", ".pdf", ".dot", ".gv")
PAGE_SUFFIXES = (".html", ".htm")
EXAMPLE_TITLE = "The worked example: loss = (theta1 + theta2 · x − y)²"


class UsageError(Exception):
    """Bad input on the command line: exit status 2, one line on stderr."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (no usage block) and never exits by itself."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")


@dataclass(frozen=True)
class Graph:
    """What a subcommand draws: the root, the nodes to print chain rules for, a page title."""

    root: Value
    wrt: tuple[Value, ...]
    title: str


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``backprop-lab`` with ``argv`` (default: the command line); return the exit status.

    Help and the chain-rule text need only the engine; drawing needs the graphviz package.
    """
    output: Path | None = None
    try:
        args = _parse_arguments(argv)
        output = _checked_output(args.output, args.steps, args.local_derivatives)
        graph = _example() if args.command == "example" else _expression_graph(args)
        # nodes are named as the pictures and the stepping page name them (node_names)
        lines = [str(chain_rule(graph.root, node)) for node in graph.wrt]
        if output is not None:
            _write(graph, output, args)
    except SystemExit as done:  # --help prints and "exits" successfully
        return int(done.code or 0)
    except (UsageError, ValueError, ArithmeticError) as error:
        return _fail(error, status=2)
    except ModuleNotFoundError as error:  # no graphviz package: draw_graph says what to install
        return _fail(error, status=1)
    except (GraphvizTimeout, RuntimeError) as error:  # no dot program, a time-out, a failing dot
        return _fail(error, status=1)  # graphviz.ExecutableNotFound is a RuntimeError too
    except OSError as error:
        return _fail(f"cannot write {str(output)!r}: {error.strerror or error}", status=1)
    print(bounded(f"{graph.root.label} = {format_number(graph.root.data)}"))
    for rule in lines:
        for line in rule.splitlines():
            print(bounded(line, CHAIN_RULE_HINT))
    if output is not None:
        print(bounded(f"wrote {output}"))
    return 0


def bounded(line: str, hint: str = "the text is too long to print") -> str:
    """``line``, or its start and end with the middle left out when it is past ``MAX_LINE``.

    The end is kept because it holds the result (a chain rule ends in its total).
    """
    if len(line) <= MAX_LINE:
        return line
    room = MAX_LINE - len(ELISION.format(count=len(line), hint=hint))
    head, tail = room * 2 // 3, room - room * 2 // 3
    count = len(line) - head - tail
    return line[:head] + ELISION.format(count=count, hint=hint) + line[len(line) - tail:]


def _parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        return _parser().parse_args(arguments)
    except UsageError as error:
        if arguments[:1] == ["graph"] and "unrecognized arguments: -" in str(error):
            raise UsageError(
                f"{error}; an expression that starts with '-' goes after '--': "
                f"{PROG} graph -o out.svg -- '-x**2' x=3"
            ) from None
        raise


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Draw a computation graph with its gradients, or a web page that steps "
        "through backpropagation, and print the chain rule for each input.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    example = commands.add_parser(
        "example",
        help="the lecture's worked example: y_pred = theta1 + theta2 * x, loss = (y_pred - y)^2",
        description="Back-propagate the lecture's worked example (house price from size) and "
        "draw it; print the chain rule for theta1 and theta2.",
    )
    _add_output_options(example)

    graph = commands.add_parser(
        "graph",
        help="an expression of your own, e.g. 'tanh(w1*x1 + w2*x2 + b)' x1=2 ...",
        description="Back-propagate an expression and draw it; print the chain rule for each "
        "input. Allowed: numbers, names, the constants pi and e, + - * / ** and parentheses, "
        "and the functions abs, cos, elu, erf, exp, gelu, leaky_relu, log, relu, sigmoid, silu, "
        "sin, softplus, sqrt, tanh, written tanh(x) or x.tanh().",
        epilog="An expression that starts with '-' goes after '--': "
        f"{PROG} graph -o out.svg -- '-x**2' x=3",
    )
    graph.add_argument("expression", help="for example 'tanh(w1*x1 + w2*x2 + b)'")
    graph.add_argument(
        "values", nargs="*", metavar="NAME=NUMBER", help="a value for each name, e.g. x1=2"
    )
    graph.add_argument(
        "--wrt",
        action="append",
        metavar="NAME",
        help="print the chain rule for this input only (repeat for several; default: all)",
    )
    _add_output_options(graph)
    return parser


def _add_output_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="write the graph here: .svg, .png, .pdf or .dot (with --steps: .html)",
    )
    command.add_argument(
        "--local-derivatives",
        action="store_true",
        help="label each edge of the drawing (-o FILE) with its local derivative (the "
        "lecture's red factors)",
    )
    command.add_argument(
        "--steps",
        action="store_true",
        help="write a self-contained web page that steps through backprop (-o FILE.html)",
    )


# ---- checking the command line ---------------------------------------------------------------

def _checked_output(output: Path | None, steps: bool, local_derivatives: bool) -> Path | None:
    """The output path, once its suffix and directory are known to be usable."""
    if output is None:
        if steps:
            raise UsageError("--steps writes a web page: give its file name with -o FILE.html")
        if local_derivatives:
            raise UsageError(
                "--local-derivatives labels the edges of the drawn graph: give its file name "
                "with -o FILE.svg (the chain-rule text printed without -o has no edges)"
            )
        return None
    suffix = output.suffix.lower()
    if steps and suffix not in PAGE_SUFFIXES:
        raise UsageError(f"--steps writes a web page: name the output .html, not {str(output)!r}")
    if not steps and suffix in PAGE_SUFFIXES:
        raise UsageError(
            f"{str(output)!r} is a web page: add --steps to write the stepping page, "
            "or use .svg, .png, .pdf or .dot"
        )
    if not steps and suffix not in IMAGE_SUFFIXES:
        shown = repr(suffix) if suffix else "no suffix"
        raise UsageError(
            f"cannot write {str(output)!r}: unknown output format ({shown}); "
            "use .svg, .png, .pdf or .dot (or .html with --steps)"
        )
    directory = output.parent
    if not directory.is_dir():
        raise UsageError(f"cannot write {str(output)!r}: there is no directory {str(directory)!r}")
    if output.is_dir():
        raise UsageError(f"cannot write {str(output)!r}: it is a directory")
    return output


def _values(assignments: Sequence[str]) -> dict[str, float]:
    """``["x1=2", "w1=-3"]`` as ``{"x1": 2.0, "w1": -3.0}``, or UsageError naming the bad one."""
    values: dict[str, float] = {}
    for assignment in assignments:
        name, equals, number = assignment.partition("=")
        name = name.strip()
        if not equals:
            raise UsageError(f"expected NAME=NUMBER, got {assignment!r}")
        if not name.isidentifier():
            raise UsageError(f"{name!r} is not a name, in {assignment!r}")
        if name in values:
            raise UsageError(f"{name!r} is given twice")
        try:
            value = float(number)
        except ValueError:
            raise UsageError(f"the value of {name!r} must be a number, got {number!r}") from None
        if not math.isfinite(value):
            raise UsageError(f"the value of {name!r} must be a finite number, got {number!r}")
        values[name] = value
    return values


# ---- the two subcommands ---------------------------------------------------------------------

def _example() -> Graph:
    example = house_price()
    example.loss.backward()
    return Graph(example.loss, (example.theta1, example.theta2), EXAMPLE_TITLE)


def _expression_graph(args: argparse.Namespace) -> Graph:
    values = _values(args.values)
    _check_size(args.expression)
    root = parse_expression(args.expression, values)
    inputs = {node.label: node for node in topological_order(root) if node.is_leaf and node.label}
    unused = [name for name in values if name not in inputs]
    if unused:
        raise UsageError(
            f"{unused[0]!r} is given a value but the expression does not use it "
            f"(it uses: {', '.join(inputs) or 'no names'})"
        )
    if not root.label:
        root.label = _unused_name(values)
    root.backward()
    wrt = tuple(inputs.values())
    if args.wrt:
        missing = [name for name in args.wrt if name not in inputs]
        if missing:
            raise UsageError(
                f"--wrt {missing[0]}: the expression has no input {missing[0]!r} "
                f"(it uses: {', '.join(inputs) or 'no names'})"
            )
        wrt = tuple(inputs[name] for name in dict.fromkeys(args.wrt))
    title = f"Backprop through {root.label} = {' '.join(args.expression.split())}"
    return Graph(root, wrt, title)


def _unused_name(values: dict[str, float]) -> str:
    """A name for the expression's result that no input has: ``f``, ``output``, ``output2``..."""
    candidates = itertools.chain(["f", "output"], (f"output{n}" for n in itertools.count(2)))
    return next(name for name in candidates if name not in values)


def _check_size(expression: str) -> None:
    """Refuse an expression of more than ``MAX_TERMS`` names and numbers, before parsing it.

    Counted from the tokens, which takes no recursion however long the expression is.
    """
    terms = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(expression).readline):
            terms += token.type in (tokenize.NAME, tokenize.NUMBER)
    except (tokenize.TokenError, SyntaxError):
        pass  # unbalanced brackets and the like: the parser names them
    if terms > MAX_TERMS:
        raise UsageError(
            f"the expression has {terms:,} names and numbers, more than the {MAX_TERMS} the "
            f"command line takes (it prints the chain rule for every input and draws every "
            f"node); write fewer terms, or build the graph in Python, where autograd.sum and "
            f"autograd.dot make a long sum one node"
        )


# ---- output ----------------------------------------------------------------------------------

def _write(graph: Graph, output: Path, args: argparse.Namespace) -> None:
    if args.steps:
        from ..viz.stepping_page import write_stepping_page

        write_stepping_page(graph.root, output, title=graph.title)
        return
    from ..viz.draw import DEFAULT_MAX_EDGES, draw_graph, render

    # DOT text needs no layout, so the bound on Graphviz's work does not apply to it.
    no_layout = output.suffix.lower() in (".dot", ".gv")
    max_edges = sys.maxsize if no_layout else DEFAULT_MAX_EDGES
    drawing = draw_graph(
        graph.root, local_derivatives=args.local_derivatives, max_edges=max_edges
    )
    render(drawing, output)


def _fail(error: object, status: int) -> int:
    message = "; ".join(line.strip() for line in str(error).splitlines() if line.strip())
    print(bounded(f"{PROG}: error: {message}"), file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
