"""``make demo``: the lecture's worked example, drawn as an SVG and as a stepping web page."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from ..examples import house_price
from ..viz.chain_rule import chain_rule
from ..viz.draw import draw_graph, render
from ..viz.stepping_page import write_stepping_page
from .commands import EXAMPLE_TITLE

BUILD = Path("build")


def main(argv: Sequence[str] = ()) -> int:
    """Write build/worked_example.svg and build/backprop.html; print the chain rule for each
    parameter. ``argv`` may name another directory instead of ``build``."""
    try:
        import graphviz
    except ImportError:
        print("demo: drawing needs the graphviz Python package: pip install graphviz",
              file=sys.stderr)
        return 1

    build = Path(argv[0]) if argv else BUILD
    build.mkdir(parents=True, exist_ok=True)

    example = house_price()
    example.loss.backward()
    try:
        picture = render(
            draw_graph(example.loss, local_derivatives=True), build / "worked_example.svg"
        )
        page = write_stepping_page(example.loss, build / "backprop.html", title=EXAMPLE_TITLE)
    except graphviz.ExecutableNotFound as error:
        print(f"demo: {'; '.join(str(error).splitlines())}", file=sys.stderr)
        return 1

    print("The worked example: y_pred = theta1 + theta2 * x, loss = (y_pred - y)^2")
    for parameter in (example.theta1, example.theta2):
        print(chain_rule(example.loss, parameter))
    print(f"wrote {picture} (the graph with gradients and local derivatives)")
    print(f"wrote {page} (open it in a browser; step with Next or the arrow keys)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
