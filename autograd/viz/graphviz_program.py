"""Running the Graphviz ``dot`` program with a time limit, so a drawing never hangs a program."""

from __future__ import annotations

from typing import Any

INSTALL_HINT = "install Graphviz: sudo apt-get install graphviz"
DOT_TIMEOUT = 60.0  # seconds; every drawing the library makes of a bounded graph takes < 1 s

# What to do when a graph is too large to lay out, said by every refusal.
ADVICE = (
    "write the DOT text instead (a .dot file needs no layout), draw a smaller part "
    "(draw_graph(some_intermediate_value)), use fewer terms, or write a long sum as one node "
    "with autograd.sum or autograd.dot (the neuron view)"
)


class GraphvizTimeout(RuntimeError):
    """Graphviz took longer than its time limit to lay out a graph; it was stopped."""


def run_dot(graph: Any, fmt: str, *, timeout: float = DOT_TIMEOUT, where: str = "render") -> bytes:
    """``graph`` (a ``graphviz.Digraph``) laid out by ``dot`` as ``fmt`` bytes, within ``timeout``.

    Without the ``dot`` program: ``graphviz.ExecutableNotFound`` with how to install it. Past
    ``timeout`` seconds ``dot`` is stopped and ``GraphvizTimeout`` names ``where`` and says
    what to do instead. If ``dot`` fails, RuntimeError with what it printed.
    """
    import subprocess

    import graphviz

    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise ValueError(f"{where}: timeout must be a positive number of seconds, got {timeout!r}")
    command = [graph.engine, f"-T{fmt}"]
    try:
        done = subprocess.run(
            command,
            input=graph.source.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError:
        error = graphviz.ExecutableNotFound(command)
        error.args = (f"{error}\n{INSTALL_HINT}",)
        raise error from None
    except subprocess.TimeoutExpired:
        nodes = graph.source.count("\n\tv") + graph.source.count("\n\top")
        raise GraphvizTimeout(
            f"{where}: Graphviz took more than {timeout:g} s to lay out a graph of {nodes:,} "
            f"nodes and was stopped; {ADVICE}"
        ) from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise RuntimeError(f"{where}: Graphviz failed (exit status {done.returncode}): {message}")
    return done.stdout
