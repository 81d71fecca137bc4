"""Workload 5: the training playground's frame rate, a 2-8-8-1 tanh network on 200 moons points.

A frame is what the app does on each tick of its Play widget: train one epoch and redraw
everything (the SVG picture with every unit's tile, the output over the plane, the loss curves
and the diagnostics table). It is timed side by side with its anchor, one epoch of ``nn.fit``
on the same network and training points, so the ratio shows what drawing costs on top of
training. The goal: at least 10 frames a second on the two-core reference machine.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

import nn
import optim

TARGET_FPS = 10.0


@dataclass(frozen=True)
class FrameTimings:
    """Median seconds of a frame, of its training and drawing parts, and of the fit anchor.

    ``with_widgets``: whether the frame was the app's (ipywidgets installed) or, without
    ipywidgets, training and the SVG picture alone.
    """

    frame: float
    training: float
    drawing: float
    fit_epoch: float
    frames: int
    with_widgets: bool

    @property
    def fps(self) -> float:
        return 1.0 / self.frame


def time_frames(frames: int, seed: int = 0) -> FrameTimings:
    """Run ``frames`` frames of the default playground (2-8-8-1 tanh, 200 moons points)."""
    playground = nn.Playground(data="moons", hidden=[8, 8], activation="tanh", seed=seed)
    try:
        playground.app()  # redraws on every step, as on every tick of its Play widget
        with_widgets = True
    except ImportError:  # no ipywidgets: time the picture the app would show
        with_widgets = False
    model = nn.MLP(2, [8, 8, 1], activation="tanh", seed=seed)
    optimizer = optim.SGD(model.parameters(), lr=0.03)
    playground.step(1)  # warm up: NumPy imported, first picture drawn
    playground.reset()
    frame, training, drawing, anchor = [], [], [], []
    for _ in range(frames):
        start = time.perf_counter()
        playground.step(1)  # trains, then tells the app (when there is one) to redraw
        end = time.perf_counter()
        if not with_widgets:
            playground.picture()
            end = time.perf_counter()
        frame.append(end - start)
        training.append(playground.last_epoch_seconds)
        drawing.append(end - start - playground.last_epoch_seconds)
        start = time.perf_counter()
        nn.fit(model, playground.xs_train, playground.ys_train, loss="hinge",
               optimizer=optimizer, epochs=1, batch_size=10, seed=seed, progress=False)
        anchor.append(time.perf_counter() - start)
    median = statistics.median
    return FrameTimings(
        median(frame), median(training), median(drawing), median(anchor), frames, with_widgets
    )


def section(timings: FrameTimings) -> str:
    """The report's Markdown for workload 5."""
    from .report import seconds, table

    rows = [
        ["frame (train one epoch, redraw)", seconds(timings.frame), f"{timings.fps:.3g}"],
        ["  of which training", seconds(timings.training), "-"],
        ["  of which drawing", seconds(timings.drawing), "-"],
        ["anchor: one epoch of nn.fit", seconds(timings.fit_epoch), "-"],
    ]
    what = "the widget app's redraw" if timings.with_widgets else "the SVG picture (no ipywidgets)"
    return (
        table(["", f"median of {timings.frames}", "per second"], rows)
        + f"\n\nA frame's drawing is {what}. Frame / fit epoch: "
        f"**{timings.frame / timings.fit_epoch:.3g}x**; frames per second / the target of "
        f"{TARGET_FPS:g}: **{timings.fps / TARGET_FPS:.3g}x**."
    )


if __name__ == "__main__":  # python -m benchmarks.playground: this workload alone
    print(section(time_frames(30)))
