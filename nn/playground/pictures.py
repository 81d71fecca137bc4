"""The numbers behind the playground's pictures: the output and every unit over the input plane.

``boundary_grid`` evaluates a model's output on a grid over the input plane (the decision
boundary is where it changes sign), ``unit_tiles`` every hidden unit's activation on the same
grid (the Playground's neuron tiles); for one input, the grid is a line and the pictures are
curves. They read the parameters' current values and record no graph: an MLP (or the
playground's network) is evaluated layer by layer with NumPy, σ(W x + b) on the whole grid at
once; any other model is called point by point under ``no_grad``. NumPy is imported here only.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from autograd import Value, no_grad

from ..layers import ACTIVATIONS, MLP

if TYPE_CHECKING:
    import numpy as np

Extent = tuple[float, float, float, float]  # x1 from, x1 to, x2 from, x2 to


@dataclass(frozen=True)
class Grid:
    """Grid points: ``x1`` (columns, left to right) and, in the plane, ``x2`` (rows, bottom up).

    ``values[r][c]`` belongs to the point (x1[c], x2[r]); on a line ``values[c]`` to x1[c].
    """

    x1: Any  # np.ndarray
    x2: Any  # np.ndarray, or None on a line
    values: Any  # np.ndarray

    # A Grid reads as its values: np.asarray(grid), grid[r][c], grid.shape, len(grid).
    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        return self.values if dtype is None else self.values.astype(dtype)

    def __getitem__(self, index: Any) -> Any:
        return self.values[index]

    def __len__(self) -> int:
        return len(self.values)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.values.shape)

    def points(self) -> Any:
        """Every grid point as a row [x1, x2] (or [x1]), row by row."""
        import numpy as np

        if self.x2 is None:
            return self.x1[:, None]
        a, b = np.meshgrid(self.x1, self.x2)
        return np.column_stack([a.ravel(), b.ravel()])


def grid_axes(extent: Sequence[float], resolution: int) -> tuple[Any, Any]:
    """``resolution`` evenly spaced x1 in [extent[0], extent[1]] and, for a 4-number extent, x2."""
    import numpy as np

    if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 2:
        raise ValueError(f"boundary_grid: resolution must be an int >= 2, got {resolution!r}")
    if len(extent) not in (2, 4) or not all(math.isfinite(float(e)) for e in extent):
        raise ValueError(
            f"boundary_grid: extent must be (x1_min, x1_max) or (x1_min, x1_max, x2_min, x2_max)"
            f" of finite numbers, got {extent!r}"
        )
    x1 = np.linspace(float(extent[0]), float(extent[1]), resolution)
    x2 = np.linspace(float(extent[2]), float(extent[3]), resolution) if len(extent) == 4 else None
    return x1, x2


def boundary_grid(model: Callable[..., Any], extent: Sequence[float], resolution: int = 40) -> Grid:
    """The model's output at every point of a ``resolution``² grid over ``extent``.

    ``extent`` is (x1_min, x1_max, x2_min, x2_max) for a model of two inputs, or
    (x_min, x_max) for a model of one (the fitted curve). Returns a ``Grid``.
    """
    x1, x2 = grid_axes(extent, resolution)
    shape = (resolution,) if x2 is None else (resolution, resolution)
    outputs = layer_outputs(model, Grid(x1, x2, None).points())
    return Grid(x1, x2, outputs[-1][:, 0].reshape(shape))


def unit_tiles(model: MLP, extent: Sequence[float], resolution: int = 20) -> list[list[Grid]]:
    """``tiles[l][j]``: hidden unit j of hidden layer l over the grid (activation after σ)."""
    _check_mlp(model, "unit_tiles")
    x1, x2 = grid_axes(extent, resolution)
    shape = (resolution,) if x2 is None else (resolution, resolution)
    outputs = layer_outputs(model, Grid(x1, x2, None).points())
    return [
        [Grid(x1, x2, layer[:, j].reshape(shape)) for j in range(layer.shape[1])]
        for layer in outputs[:-1]
    ]


def feature_tiles(model: MLP, extent: Sequence[float], resolution: int = 20) -> list[Grid]:
    """Each input feature of the playground's network over the grid (raw x1, x2 for an MLP)."""
    import numpy as np

    x1, x2 = grid_axes(extent, resolution)
    shape = (resolution,) if x2 is None else (resolution, resolution)
    features = _features(model, Grid(x1, x2, None).points())
    return [Grid(x1, x2, np.asarray(features[:, k]).reshape(shape))
            for k in range(features.shape[1])]


def tiles(
    model: MLP, extent: Sequence[float], resolution: int = 20
) -> tuple[list[Grid], list[list[Grid]]]:
    """``feature_tiles`` and ``unit_tiles`` together, from one pass over the grid."""
    import numpy as np

    _check_mlp(model, "tiles")
    x1, x2 = grid_axes(extent, resolution)
    shape = (resolution,) if x2 is None else (resolution, resolution)
    points = Grid(x1, x2, None).points()
    features = _features(model, points)
    outputs = layer_outputs(model, points)
    return (
        [Grid(x1, x2, np.asarray(features[:, k]).reshape(shape))
         for k in range(features.shape[1])],
        [[Grid(x1, x2, layer[:, j].reshape(shape)) for j in range(layer.shape[1])]
         for layer in outputs[:-1]],
    )


# ---- the forward pass on floats -------------------------------------------------------------

def layer_outputs(model: Callable[..., Any], points: Any) -> list[Any]:
    """Each layer's outputs (one row per point) for the rows of ``points``, as NumPy arrays.

    An MLP is evaluated layer by layer on the whole array; any other model point by point
    (its output only, as the last and only entry).
    """
    import numpy as np

    if not isinstance(model, MLP):
        with no_grad():
            column = [float(model(list(p) if len(p) > 1 else float(p[0]))) for p in points]
        return [np.asarray(column, dtype=float)[:, None]]
    h = _features(model, points)
    outputs = []
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging net gives inf and nan
        for layer in model.layers:
            weights = np.array([[w.data for w in n.w] for n in layer.neurons], dtype=float)
            biases = np.array([n.b.data for n in layer.neurons], dtype=float)
            h = activate(layer.activation, h @ weights.T + biases)
            outputs.append(h)
    return outputs


def _features(model: Any, points: Any) -> Any:
    import numpy as np

    points = np.asarray(points, dtype=float)
    features = getattr(model, "input_features", None)
    if features is None:
        return points
    if features.kind == "raw":
        return points
    return np.array([features(p) for p in points.tolist()], dtype=float)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1 / (1 + e^-z) as the engine computes it: e^(-|z|) never overflows."""
    import numpy as np

    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _numpy_activations() -> dict[str, Callable[[np.ndarray], np.ndarray]]:
    import numpy as np

    return {
        "linear": lambda z: z,
        "tanh": np.tanh,
        "relu": lambda z: np.maximum(z, 0.0),
        "sigmoid": _sigmoid,
    }


def activate(name: str, z: Any) -> Any:
    """σ applied elementwise to the array ``z``: NumPy for the common activations, else the
    engine's own op on each number (so every activation ``nn`` knows is drawn exactly)."""
    import numpy as np

    vectorised = _numpy_activations()
    if name in vectorised:
        return vectorised[name](z)
    sigma = ACTIVATIONS[name]
    with no_grad():
        flat = [sigma(Value(float(v))).data for v in z.ravel()]
    return np.asarray(flat, dtype=float).reshape(z.shape)


def _check_mlp(model: object, where: str) -> None:
    if not isinstance(model, MLP):
        raise TypeError(
            f"{where}: model must be an nn.MLP (or the playground's network), got "
            f"{type(model).__name__}"
        )
