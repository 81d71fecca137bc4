"""Workload 7: the training playground's frame rate, a 2-8-8-1 tanh network on 200 moons points.

The app, playing, runs frame after frame on the event loop: train one epoch, redraw everything
(the SVG picture with every unit's tile, the output over the plane, the loss curves and the
diagnostics table), give the loop ``FRAME_GAP`` seconds, repeat. Here the app really plays, on
an asyncio loop as a notebook kernel's, and the frames it shows per second of wall-clock time
are counted. Beside it, the anchor: one epoch of ``nn.fit`` on the same network and training
points, so the ratio shows what drawing costs on top of training. The goal: at least 10
pictures a second on the two-core reference machine.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass
from typing import Any

import nn
import optim

TARGET_FPS = 10.0


@dataclass(frozen=True)
class FrameTimings:
    """Frames per second while playing; median seconds of training, drawing and the anchor.

    ``with_widgets``: whether the app played (ipywidgets installed) or, without ipywidgets,
    a loop of one epoch and the SVG picture stood in for it.
    """

    fps: float
    training: float
    drawing: float
    fit_epoch: float
    frames: int
    with_widgets: bool

    @property
    def frame(self) -> float:
        return 1.0 / self.fps


def time_frames(frames: int, seed: int = 0) -> FrameTimings:
    """Play ``frames`` frames of the default playground (2-8-8-1 tanh, 200 moons points)."""
    playground = nn.Playground(data="moons", hidden=[8, 8], activation="tanh", seed=seed)
    starts: list[float] = []
    ends: list[float] = []
    playground.on_change(lambda _: starts.append(time.perf_counter()))  # before the redraw
    try:
        app: Any = playground.app()
    except ImportError:
        app = None
    playground.on_change(lambda _: ends.append(time.perf_counter()))  # after the redraw
    playground.step(1)  # warm up: NumPy imported, the first picture drawn
    playground.reset()
    starts.clear()
    ends.clear()
    training: list[float] = []
    playground.on_change(lambda pg: training.append(pg.last_epoch_seconds))

    if app is not None:
        async def play() -> None:
            app.play.value = True
            while playground.epoch < frames:
                await asyncio.sleep(0.001)
            app.play.value = False

        asyncio.run(play())
    else:
        for _ in range(frames):
            playground.step(1)
            playground.picture()
            ends[-1] = time.perf_counter()
    model = nn.MLP(2, [8, 8, 1], activation="tanh", seed=seed)
    optimizer = optim.SGD(model.parameters(), lr=0.03)
    anchor = []
    for _ in range(max(frames // 3, 1)):
        start = time.perf_counter()
        nn.fit(model, playground.xs_train, playground.ys_train, loss="hinge",
               optimizer=optimizer, epochs=1, batch_size=10, seed=seed, progress=False)
        anchor.append(time.perf_counter() - start)
    shown = ends[:frames]
    fps = (len(shown) - 1) / (shown[-1] - shown[0]) if len(shown) > 1 else 1.0 / ends[0]
    drawing = [end - start for start, end in zip(starts[:frames], shown, strict=True)]
    median = statistics.median
    return FrameTimings(
        fps, median(training[:frames]), median(drawing), median(anchor), frames, app is not None
    )


def section(timings: FrameTimings) -> str:
    """The report's Markdown for workload 5."""
    from .report import seconds, table

    rows = [
        ["pictures per second while playing", f"{timings.fps:.3g}"],
        ["time per picture", seconds(timings.frame)],
        ["  of which training one epoch (median)", seconds(timings.training)],
        ["  of which redrawing (median)", seconds(timings.drawing)],
        ["anchor: one epoch of nn.fit (median)", seconds(timings.fit_epoch)],
    ]
    what = "the app playing" if timings.with_widgets else "epoch + SVG picture (no ipywidgets)"
    return (
        "## 7. The training playground\n\n"
        "`nn.Playground(data=\"moons\", hidden=[8, 8], activation=\"tanh\")`: 200 points, half "
        "held out, batches of 10. Playing, the app trains one epoch, redraws the picture (every "
        "unit's tile, the output over the plane, the loss curves) and the diagnostics, and gives "
        "the event loop a moment, frame after frame. Collector on, as in a notebook.\n\n"
        + table(["", f"{timings.frames} frames, {what}"], rows)
        + f"\n\nTime per picture / one fit epoch: **{timings.frame / timings.fit_epoch:.3g}x**; "
        f"pictures per second / the target of {TARGET_FPS:g}: **{timings.fps / TARGET_FPS:.3g}x**."
    )


if __name__ == "__main__":  # python -m benchmarks.playground: this workload alone
    print(section(time_frames(30)))
