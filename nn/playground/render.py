"""The playground as one SVG picture: feature and unit tiles joined by weighted connections,
the output over the input plane with the train and test points, and the two loss curves.

Colours follow the TensorFlow Playground: orange for negative values (class -1), blue for
positive ones (class +1), near white for 0. Tiles and the output are small PNG images made here
with zlib (no plotting library), so a picture takes a few milliseconds and can be redrawn many
times a second. Every text is escaped for SVG.
"""

from __future__ import annotations

import base64
import html
import math
import struct
import zlib
from collections.abc import Sequence
from typing import Any

from .pictures import Grid, tiles

Playground = Any  # an nn.Playground; not imported, as the playground imports this module

NEGATIVE = (245, 147, 34)  # orange
ZERO = (232, 234, 235)  # light grey
POSITIVE = (8, 119, 189)  # blue
TILE = 34
OUTPUT = 240
COLUMN_GAP = 96
ROW_GAP = 14
CURVE_HEIGHT = 90
FONT = 'font-family="sans-serif"'


# ---- colours and images ---------------------------------------------------------------------

def colours(values: Any, limit: float) -> Any:
    """RGB bytes (an array of shape values.shape + (3,)): -limit orange, 0 grey, +limit blue."""
    import numpy as np

    t = np.clip(values / limit, -1.0, 1.0)
    t = np.where(np.isnan(t), 0.0, t)[..., None]
    zero = np.array(ZERO, dtype=float)
    towards = np.where(t < 0, np.array(NEGATIVE, dtype=float), np.array(POSITIVE, dtype=float))
    return (zero + np.abs(t) * (towards - zero)).round().astype(np.uint8)


def png(rgb: Any) -> bytes:
    """A PNG file of the RGB array ``rgb`` (rows top to bottom), filter 0, zlib level 1."""
    import numpy as np

    height, width, _ = rgb.shape
    filters = np.zeros((height, 1), dtype=np.uint8)  # filter type 0 before each row
    raw = np.concatenate([filters, rgb.reshape(height, width * 3)], axis=1).tobytes()

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 1))
        + chunk(b"IEND", b"")
    )


def heatmap_uri(grid: Grid, limit: float) -> str:
    """The grid's values as a PNG data URI, x2 increasing upwards as in a plot."""
    rgb = colours(grid.values[::-1], limit)
    return "data:image/png;base64," + base64.b64encode(png(rgb)).decode("ascii")


def scale_of(grid: Grid) -> float:
    """The colour scale of a tile: ±1, or its largest |value| when that is larger."""
    import numpy as np

    largest = float(np.nanmax(np.abs(grid.values))) if grid.values.size else 0.0
    return max(1.0, largest) if math.isfinite(largest) else 1.0


# ---- the picture --------------------------------------------------------------------------------

def playground_svg(
    playground: Playground, resolution: int = 20, report: list[dict[str, Any]] | None = None
) -> str:
    """The whole state of ``playground`` as an SVG document (a string).

    ``report``: ``playground.diagnostics()`` when the caller has it already.
    """
    model = playground.model
    extent = playground.extent
    plane = len(extent) == 4
    feature_grids, unit_grids = tiles(model, extent, resolution)
    output = playground.boundary_grid()
    if report is None:
        report = playground.diagnostics()
    feature_names = playground.input_features.names()
    unit_names = playground.unit_names()

    columns: list[list[tuple[str, Grid]]] = [list(zip(feature_names, feature_grids, strict=True))]
    for names, grids in zip(unit_names, unit_grids, strict=True):
        columns.append(list(zip(names, grids, strict=True)))
    columns.append([("ŷ", output)])
    tallest = max(len(column) for column in columns)
    net_height = tallest * (TILE + ROW_GAP) + 40
    net_width = (len(columns) - 1) * COLUMN_GAP + TILE + 20
    right = net_width + 40
    width = right + OUTPUT + 60
    height = max(net_height + 45, OUTPUT + CURVE_HEIGHT + 122)

    def position(c: int, r: int) -> tuple[float, float]:
        count = len(columns[c])
        top = 40 + (tallest - count) * (TILE + ROW_GAP) / 2
        return 10 + c * COLUMN_GAP, top + r * (TILE + ROW_GAP)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" {FONT} font-size="11">',
        f'<text x="10" y="16" font-size="13" font-weight="bold">{_escape(_title(playground))}'
        "</text>",
    ]
    # connections first, under the tiles: thickness |w|, colour its sign
    for c, layer in enumerate(model.layers, start=1):
        for j, neuron in enumerate(layer.neurons):
            x2, y2 = position(c, j)
            for i, w in enumerate(neuron.w):
                x1, y1 = position(c - 1, i)
                stroke = _hex(POSITIVE if w.data > 0 else NEGATIVE)
                thickness = min(0.5 + 2.0 * abs(w.data), 8.0)
                name = f"W{c}[{j},{i}]"
                parts.append(
                    f'<line x1="{x1 + TILE:.1f}" y1="{y1 + TILE / 2:.1f}" x2="{x2:.1f}" '
                    f'y2="{y2 + TILE / 2:.1f}" stroke="{stroke}" stroke-width="{thickness:.2f}" '
                    f'stroke-opacity="0.6"><title>{_escape(f"{name} = {w.data:.4g}")}</title>'
                    "</line>"
                )
    # tiles
    for c, column in enumerate(columns):
        units = report[c - 1]["units"] if c > 0 else None
        for r, (name, grid) in enumerate(column):
            x, y = position(c, r)
            parts.append(_tile(grid, x, y, TILE, plane, scale_of(grid)))
            label = name
            if units is not None:
                unit = units[r]
                if unit["dead"]:
                    label += " dead"
                    parts.append(_frame(x, y, TILE, "#d62728", 2))
                elif unit["saturated_fraction"] > 0.5:
                    label += " sat"
                    parts.append(_frame(x, y, TILE, "#9467bd", 2))
            tooltip = name
            if units is not None:
                unit = units[r]
                tooltip += (
                    f": mean {unit['mean']:.3g}, std {unit['std']:.3g}, "
                    f"saturated on {unit['saturated_fraction']:.0%} of the training points"
                    + (", dead (0 on every training point)" if unit["dead"] else "")
                )
            parts.append(
                f'<text x="{x + TILE / 2:.1f}" y="{y + TILE + 10:.1f}" text-anchor="middle" '
                f'font-size="10">{_escape(label)}<title>{_escape(tooltip)}</title></text>'
            )
    # per-layer diagnostics under each column of units
    for c, layer_report in enumerate(report[:-1], start=1):
        x, _ = position(c, 0)
        ratio = layer_report["update_ratio"]
        dead, saturated = layer_report["dead_fraction"], layer_report["saturated_fraction"]
        text = f"dead {dead:.0%} · sat {saturated:.0%}"
        parts.append(
            f'<text x="{x:.1f}" y="{net_height + 12:.1f}" font-size="10">{_escape(text)}</text>'
        )
        if ratio is not None:
            parts.append(
                f'<text x="{x:.1f}" y="{net_height + 25:.1f}" font-size="10">'
                f"{_escape(f'Δθ/θ {ratio:.1e}')}</text>"
            )
    parts.append(_output_panel(playground, output, right, 40, plane))
    parts.append(_loss_panel(playground, right, 40 + OUTPUT + 30))
    parts.append("</svg>")
    return "".join(parts)


def _title(playground: Playground) -> str:
    text = f"epoch {playground.epoch}"
    if playground.train_losses:
        text += (
            f" · train loss {playground.train_losses[-1]:.4f}"
            f" · test loss {playground.test_losses[-1]:.4f}"
        )
    if playground.test_accuracies:
        text += f" · test accuracy {playground.test_accuracies[-1]:.0%}"
    return text


def _tile(grid: Grid, x: float, y: float, size: float, plane: bool, limit: float) -> str:
    if plane:
        return (
            f'<image x="{x:.1f}" y="{y:.1f}" width="{size}" height="{size}" '
            f'preserveAspectRatio="none" style="image-rendering:pixelated" '
            f'href="{heatmap_uri(grid, limit)}"/>'
            + _frame(x, y, size, "#999", 0.5)
        )
    # on a line: the unit's curve, -limit at the bottom, +limit at the top
    points = _polyline(grid.x1, grid.values, (x, y, size, size), (-limit, limit))
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{size}" height="{size}" fill="#f7f7f7" '
        f'stroke="#999" stroke-width="0.5"/><polyline points="{points}" fill="none" '
        f'stroke="#333" stroke-width="1"/>'
    )


def _frame(x: float, y: float, size: float, colour: str, width: float) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{size}" height="{size}" fill="none" '
        f'stroke="{colour}" stroke-width="{width}"/>'
    )


def _output_panel(playground: Playground, output: Grid, x: float, y: float, plane: bool) -> str:
    extent = playground.extent
    parts = []
    if plane:
        parts.append(_tile(output, x, y, OUTPUT, True, 1.0))
        x_range, y_range = (extent[0], extent[1]), (extent[2], extent[3])
        groups = ((playground.xs_train, playground.ys_train, "white"),
                  (playground.xs_test, playground.ys_test, "black"))
        for xs, ys, edge in groups:
            for point, label in zip(xs, ys, strict=True):
                px = x + (point[0] - x_range[0]) / (x_range[1] - x_range[0]) * OUTPUT
                py = y + OUTPUT - (point[1] - y_range[0]) / (y_range[1] - y_range[0]) * OUTPUT
                fill = _hex(POSITIVE if label > 0 else NEGATIVE)
                parts.append(
                    f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{fill}" stroke="{edge}" '
                    f'stroke-width="1"/>'
                )
        caption = "ŷ over the plane · train: white edge · test: black edge"
    else:
        ys = list(playground.ys_train) + list(playground.ys_test)
        low, high = min(ys), max(ys)
        margin = max(0.1 * (high - low), 0.1)
        y_range = (low - margin, high + margin)
        box = (x, y, OUTPUT, OUTPUT)
        parts.append(
            f'<rect x="{x}" y="{y}" width="{OUTPUT}" height="{OUTPUT}" fill="#f7f7f7" '
            f'stroke="#999"/>'
        )
        for xs, targets, fill in ((playground.xs_train, playground.ys_train, _hex(POSITIVE)),
                                  (playground.xs_test, playground.ys_test, "white")):
            for point, target in zip(xs, targets, strict=True):
                px, py = _place(point[0], target, box, (extent[0], extent[1]), y_range)
                parts.append(
                    f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{fill}" stroke="#333" '
                    f'stroke-width="1"/>'
                )
        points = _polyline(output.x1, output.values, box, y_range)
        parts.append(f'<polyline points="{points}" fill="none" stroke="#d62728" stroke-width="2"/>')
        caption = "fitted curve ŷ(x) · train: blue · test: white"
    parts.append(
        f'<text x="{x}" y="{y + OUTPUT + 14}" font-size="10">{_escape(caption)}</text>'
    )
    return "".join(parts)


def _loss_panel(playground: Playground, x: float, y: float) -> str:
    """The losses per epoch on axes: epochs 1 to n along the bottom, loss 0 to its top up the side.

    The losses are recorded after each epoch, so the k-th point is epoch k.
    """
    train, test = playground.train_losses, playground.test_losses
    bottom, right = y + CURVE_HEIGHT, x + OUTPUT
    parts = [
        f'<rect x="{x}" y="{y}" width="{OUTPUT}" height="{CURVE_HEIGHT}" fill="white" '
        f'stroke="#999"/>',
        f'<path class="axes" d="M{x},{y} V{bottom} H{right}" fill="none" stroke="#333"/>',
        f'<text class="axis-title" x="{x}" y="{y - 4}" font-size="10">loss</text>',
        f'<text class="axis-title" x="{x + OUTPUT / 2}" y="{bottom + 12}" font-size="10" '
        f'text-anchor="middle">epoch</text>',
    ]
    finite = [v for v in train + test if math.isfinite(v)]
    if finite:
        top = max(finite) * 1.05 or 1.0
        steps = max(len(train), 2)
        box = (x, y, OUTPUT, CURVE_HEIGHT)
        dashed = ' stroke-dasharray="4 2"'
        for losses, colour, dash in ((train, "#333", ""), (test, "#d62728", dashed)):
            xs = [k / (steps - 1) for k in range(len(losses))]
            points = _polyline(xs, [min(v, top) for v in losses], box, (0.0, top), (0.0, 1.0))
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" '
                f'stroke-width="1.5"{dash}/>'
            )
        ticks = [  # (x, y, anchor, text): the loss axis at 0 and its top, the epochs at each end
            (x - 3, bottom, "end", "0"),
            (x - 3, y + 8, "end", f"{top:.3g}"),
            (x, bottom + 12, "start", "1"),
            (right, bottom + 12, "end", str(steps)),
        ]
        parts += [
            f'<text class="tick" x="{tx}" y="{ty}" font-size="10" text-anchor="{anchor}">'
            f"{_escape(text)}</text>"
            for tx, ty, anchor, text in ticks
        ]
    parts.append(
        f'<text x="{x}" y="{bottom + 26}" font-size="10">'
        f'{_escape("loss per epoch: train (solid), test (dashed red)")}</text>'
    )
    return "".join(parts)


def _place(
    u: float, v: float, box: tuple[float, float, float, float],
    u_range: tuple[float, float], v_range: tuple[float, float],
) -> tuple[float, float]:
    x, y, width, height = box
    px = x + (u - u_range[0]) / ((u_range[1] - u_range[0]) or 1.0) * width
    py = y + height - (v - v_range[0]) / ((v_range[1] - v_range[0]) or 1.0) * height
    return px, min(max(py, y), y + height)


def _polyline(
    us: Sequence[float], vs: Sequence[float], box: tuple[float, float, float, float],
    v_range: tuple[float, float], u_range: tuple[float, float] | None = None,
) -> str:
    us = [float(u) for u in us]
    if u_range is None:
        u_range = (us[0], us[-1]) if us else (0.0, 1.0)
    pieces = []
    for u, v in zip(us, vs, strict=True):
        v = float(v)
        if math.isfinite(v):
            px, py = _place(u, v, box, u_range, v_range)
            pieces.append(f"{px:.1f},{py:.1f}")
    return " ".join(pieces)


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _escape(text: str) -> str:
    return html.escape(text, quote=True)
