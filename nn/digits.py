"""``load_digits``: the 1,797 8x8 handwritten digits scikit-learn ships, as [1][8][8] images."""

from __future__ import annotations


def load_digits() -> tuple[list[list[list[list[float]]]], list[int]]:
    """The UCI handwritten digits bundled with scikit-learn (read from disk, no download).

    Returns ``(xs, ys)``: 1,797 images, each ``x[0][row][column]`` (one channel, 8x8) with the
    pixel counts 0..16 scaled to floats in [0, 1], and each ``y`` the digit as an int 0..9.
    The order is scikit-learn's. Needs scikit-learn (``pip install 'backprop-lab[digits]'``).
    """
    try:
        from sklearn.datasets import load_digits as sklearn_load_digits
    except ImportError:
        raise ImportError(
            "load_digits needs scikit-learn: pip install 'backprop-lab[digits]'"
        ) from None
    bunch = sklearn_load_digits()
    xs = [[[[float(p) / 16.0 for p in row] for row in image]] for image in bunch.images.tolist()]
    ys = [int(y) for y in bunch.target.tolist()]
    return xs, ys
