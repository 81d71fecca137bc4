"""``python -m benchmarks.chain_rule_text``: chain_rule on a long chain grows like backward does.

For a chain y = x * 1.0 * ... * 1.0 of N multiplications, ``chain_rule(y, x)`` writes out
one path of N factors. Its time is shown beside ``y.backward()`` on the same chain (the
anchor, linear in N), as a ratio: a ratio that stays flat as N grows tenfold means chain_rule
is linear too (it was quadratic: 10^5 nodes took 21.7 s).
"""

from __future__ import annotations

import argparse
import sys

from autograd import Value, chain_rule

from .report import table
from .timing import median, time_once

SIZES = (10**3, 10**4, 10**5)
QUICK_SIZES = (10, 100, 1000)


def chain(n: int) -> tuple[Value, Value]:
    x = Value(0.5, label="x")
    y = x
    for _ in range(n):
        y = y * 1.0
    return x, y


def measure(n: int, repeats: int) -> tuple[float, float]:
    """Median seconds of backward and of chain_rule on a chain of ``n`` multiplications."""
    x, y = chain(n)
    backward = [time_once(y.backward, gc_enabled=True) for _ in range(repeats)]
    written = [time_once(lambda: chain_rule(y, x), gc_enabled=True) for _ in range(repeats)]
    return median(backward), median(written)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.chain_rule_text", description=__doc__
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one round each")
    args = parser.parse_args(argv)
    sizes, repeats = (QUICK_SIZES, 1) if args.quick else (SIZES, 3)
    rows = []
    for n in sizes:
        backward, written = measure(n, repeats)
        ratio = written / backward
        rows.append([f"{n:,}", f"{backward:.3g} s", f"{written:.3g} s", f"{ratio:.3g}x"])
    print(table(["N", "backward (anchor)", "chain_rule", "chain_rule / backward"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
