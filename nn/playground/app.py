"""The playground's notebook app: controls, the live picture, and a click-to-explain inspector.

Pressing play starts a task on the kernel's event loop that trains one epoch, redraws, and
then gives the loop a moment (``FRAME_GAP`` seconds) before the next frame. Between frames the
kernel handles everything else (a click on pause, a control, another cell), so the notebook
never freezes, and the pictures follow as fast as the machine trains. ipywidgets is imported
only here.
"""

from __future__ import annotations

import asyncio
import html
import time
from typing import Any

import ipywidgets as widgets

from autograd.viz.notebook_display import scrolling_svg

from ..layers import ACTIVATIONS
from ..training import TrainingDiverged
from .choices import LOSSES, OPTIMIZERS
from .datasets import DATASETS
from .inputs import FEATURES

Playground = Any  # an nn.Playground; not imported, as the playground imports this module

LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
L2_STRENGTHS = (0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
BATCH_SIZES = (("all", None), ("1", 1), ("5", 5), ("10", 10), ("20", 20), ("50", 50))
FRAME_GAP = 0.01  # seconds the kernel's loop gets between two frames while playing
EXPLAIN_EVERY = 1.0  # seconds between two updates of the selected item's maths while playing


class PlaygroundApp:
    """The widgets over one ``Playground``; ``widget`` is the box a notebook shows."""

    def __init__(self, playground: Playground) -> None:
        self.playground = playground
        self._task: asyncio.Task[None] | None = None
        self._own_action = False
        self._explained_at = 0.0
        self.play = widgets.ToggleButton(
            value=False, description="play", icon="play", tooltip="play / pause"
        )
        self.one_step = widgets.Button(description="one step", tooltip="train one epoch")
        self.reset = widgets.Button(description="reset", tooltip="back to the start")
        self.epoch = widgets.HTML()
        self.message = widgets.HTML()
        self.picture = widgets.HTML()
        self.info = widgets.HTML()
        self.diagnostics = widgets.HTML()
        self.point = widgets.BoundedIntText(value=0, min=0, max=0, description="point")
        self.units = widgets.VBox()
        self.weights = widgets.ToggleButtons(options=[], description="weights")
        self.selected: str | None = None
        self.controls = self._controls()

        self.play.observe(self._on_play, names="value")
        self.one_step.on_click(lambda _: self._act(lambda: self.playground.step(1)))
        self.reset.on_click(lambda _: self._act(self.playground.reset))
        self.weights.observe(self._on_weight, names="value")
        self.point.observe(lambda _: self._explain(), names="value")
        playground.on_change(self._on_change)

        inspector = widgets.VBox([
            widgets.HTML("<b>Click a unit, then one of its weights:</b>"),
            self.units, self.weights, self.point, self.info,
        ])
        self.widget = widgets.VBox([
            widgets.HBox([self.play, self.one_step, self.reset, self.epoch]),
            self.controls,
            self.message,
            self.picture,
            widgets.HBox([inspector, self.diagnostics]),
        ])
        self._rebuild_inspector()
        self.redraw()

    # ---- controls ---------------------------------------------------------------------------

    def _controls(self) -> widgets.Widget:
        pg = self.playground
        data_options = list(DATASETS) if isinstance(pg.data, str) else ["own", *DATASETS]
        self._inputs: dict[str, widgets.Widget] = {
            "data": widgets.Dropdown(
                options=data_options, value=pg.data if isinstance(pg.data, str) else "own",
                description="data"),
            "noise": widgets.FloatSlider(value=pg.noise, min=0.0, max=0.5, step=0.01,
                                         description="noise", continuous_update=False),
            "test_fraction": widgets.FloatSlider(
                value=pg.test_fraction, min=0.1, max=0.9, step=0.05, description="test share",
                continuous_update=False),
            "features": widgets.Dropdown(options=FEATURES, value=pg.features,
                                         description="features"),
            "degree": widgets.IntSlider(value=pg.degree, min=1, max=6, description="degree",
                                        continuous_update=False),
            "hidden": widgets.Text(value=", ".join(str(h) for h in pg.hidden),
                                   description="hidden", continuous_update=False),
            "activation": widgets.Dropdown(options=list(ACTIVATIONS), value=pg.activation,
                                           description="activation"),
            "lr": widgets.Dropdown(options=sorted({*LEARNING_RATES, pg.lr}), value=pg.lr,
                                   description="lr"),
            "optimizer": widgets.Dropdown(options=OPTIMIZERS, value=pg.optimizer,
                                          description="optimizer"),
            "l2": widgets.Dropdown(options=sorted({*L2_STRENGTHS, pg.l2}), value=pg.l2,
                                   description="L2 β"),
            "dropout": widgets.FloatSlider(value=pg.dropout, min=0.0, max=0.9, step=0.05,
                                           description="dropout", continuous_update=False),
            "batch_size": widgets.Dropdown(
                options=_batch_options(pg.batch_size), value=pg.batch_size,
                description="batch"),
            "loss": widgets.Dropdown(options=[("default", None), *((k, k) for k in LOSSES)],
                                     value=pg.loss, description="loss"),
        }
        for name, control in self._inputs.items():
            control.observe(self._setter(name), names="value")
        self._inputs["noise"].disabled = not isinstance(pg.data, str)  # your data is as given
        column = [["data", "noise", "test_fraction", "features", "degree"],
                  ["hidden", "activation", "loss", "dropout"],
                  ["lr", "optimizer", "l2", "batch_size"]]
        return widgets.HBox([widgets.VBox([self._inputs[n] for n in names]) for names in column])

    def _setter(self, name: str) -> Any:
        def set_value(change: dict[str, Any]) -> None:
            value = change["new"]
            if name == "data" and value == "own":
                return
            if name == "hidden":
                try:
                    value = [int(part) for part in value.replace(",", " ").split()]
                except ValueError:
                    self._say(f"hidden: write layer widths such as 8, 8 (got {change['new']!r})")
                    return
            self._act(lambda: setattr(self.playground, name, value))
            self._inputs["noise"].disabled = not isinstance(self.playground.data, str)

        return set_value

    def _act(self, action: Any) -> None:
        """Run a button's or a control's action, showing any error instead of raising it."""
        try:
            self._say("")
            action()
        except TrainingDiverged as error:
            self.play.value = False
            self._say(str(error))
        except (ValueError, TypeError) as error:
            self._say(str(error))

    def _say(self, text: str) -> None:
        self.message.value = f'<span style="color:#d62728">{html.escape(text)}</span>'

    # ---- playing ------------------------------------------------------------------------------

    @property
    def playing(self) -> bool:
        """Whether the play button is down."""
        return bool(self.play.value)

    def frame(self) -> None:
        """One frame: train one epoch, then redraw (through the playground's change event)."""
        self._act(lambda: self.playground.step(1))

    async def _run(self) -> None:
        """Frames while playing, the kernel's loop getting ``FRAME_GAP`` s between two."""
        while self.playing:
            self.frame()
            await asyncio.sleep(FRAME_GAP)

    def _on_play(self, change: dict[str, Any]) -> None:
        if change["new"]:
            self.play.description, self.play.icon = "pause", "pause"
            if self._task is None or self._task.done():
                try:
                    self._task = asyncio.get_running_loop().create_task(self._run())
                except RuntimeError:  # no event loop runs here (a plain script): no frames
                    self._say("play needs a running event loop, as a notebook kernel has")
                    self.play.value = False
        else:
            self.play.description, self.play.icon = "play", "play"
            self.playground._refresh_static_view()

    def _on_change(self, playground: Playground) -> None:
        structure = [len(names) for names in playground.unit_names()]
        if structure != self._structure:
            self._rebuild_inspector()
        self.redraw()  # a later cell's steps leave the picture shown above as it was

    # ---- drawing ------------------------------------------------------------------------------

    def redraw(self) -> None:
        """Draw the current state: epoch, the picture, diagnostics, the selected item."""
        pg = self.playground
        self.epoch.value = f"<b>epoch {pg.epoch}</b>"
        report = pg.diagnostics()
        self.picture.value = scrolling_svg(pg.picture(report))  # natural size, scrolling
        self.diagnostics.value = _diagnostics_table(report)
        self.point.max = len(pg.xs_train) - 1
        if not self.playing or time.monotonic() - self._explained_at > EXPLAIN_EVERY:
            self._explain()  # while playing at most once a second: it costs a full backward

    def _rebuild_inspector(self) -> None:
        pg = self.playground
        rows = []
        for names in [*pg.unit_names(), ["ŷ"]]:
            buttons = widgets.ToggleButtons(options=names, value=None,
                                            style={"button_width": "56px"})
            buttons.observe(self._on_unit, names="value")
            rows.append(buttons)
        self._unit_rows = rows
        self._structure = [len(names) for names in pg.unit_names()]
        self.units.children = rows
        self.selected = None
        self.weights.options = []
        self.info.value = ""

    def _on_unit(self, change: dict[str, Any]) -> None:
        name = change["new"]
        if name is None:
            return
        for row in self._unit_rows:
            if row is not change["owner"]:
                row.value = None
        self.selected = name
        self.weights.options = _incoming(self.playground, name)
        self.weights.value = None
        self._explain()

    def _on_weight(self, change: dict[str, Any]) -> None:
        if change["new"] is not None:
            self.selected = change["new"]
            self._explain()

    def _explain(self) -> None:
        """Show the selected unit's or weight's value, gradient and chain-rule line."""
        if self.selected is None or self.selected == "ŷ":
            self.info.value = "" if self.selected is None else "<i>pick one of ŷ's weights</i>"
            return
        self._explained_at = time.monotonic()
        try:
            inspection = self.playground.inspect(self.selected, point=int(self.point.value))
        except (ValueError, TypeError) as error:
            self.info.value = html.escape(str(error))
            return
        lines = inspection.lines()
        if inspection.kind == "unit":
            lines.insert(1, _unit_statistics(self.playground.diagnostics(), inspection.name))
        text = html.escape("\n".join(lines))
        self.info.value = (
            f'<pre style="max-width: 900px; overflow-x: auto; font-size: 11px">{text}</pre>'
        )


def _unit_statistics(report: list[dict[str, Any]], name: str) -> str:
    """One line of a unit's diagnostics over the training points."""
    unit = next(u for layer in report for u in layer["units"] if u["name"] == name)
    dead = ""
    if unit["dead"]:
        dead = "; dead: 0 on every training point, so no gradient reaches its weights"
    return (
        f"over the training points: mean {unit['mean']:.4g}, std {unit['std']:.4g}, "
        f"saturated on {unit['saturated_fraction']:.0%}{dead}"
    )


def _incoming(playground: Playground, unit: str) -> list[str]:
    """The names of the weights into ``unit`` and its bias: ``W1[3,0]``, ..., ``b1[3]``."""
    layers = playground.model.layers
    if unit == "ŷ":
        layer, j = len(layers), 0
    else:
        layer, j = int(unit[1:unit.index("[")]), int(unit[unit.index("[") + 1:-1])
    nin = layers[layer - 1].nin
    return [*(f"W{layer}[{j},{i}]" for i in range(nin)), f"b{layer}[{j}]"]


def _batch_options(current: int | None) -> list[tuple[str, int | None]]:
    options = list(BATCH_SIZES)
    if current not in [size for _, size in options]:
        options.append((str(current), current))
    return options


def _diagnostics_table(report: list[dict[str, Any]]) -> str:
    """Per layer: dead and saturated units, gradient norm and update ratio, as an HTML table."""
    rows = []
    for layer in report:
        ratio = layer["update_ratio"]
        norm = layer["grad_norm"]
        dead = [u["name"] for u in layer["units"] if u["dead"]]
        cells = [
            layer["layer"],
            f"{layer['dead_fraction']:.0%}" + (f" ({', '.join(dead)})" if dead else ""),
            f"{layer['saturated_fraction']:.0%}",
            "-" if norm is None else f"{norm:.3g}",
            "-" if ratio is None else f"{ratio:.2e}",
        ]
        rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    header = "".join(
        f"<th>{html.escape(h)}</th>"
        for h in ("layer", "dead", "saturated", "‖∇θ‖", "‖Δθ‖/‖θ‖ (aim ~1e-3)")
    )
    return (
        '<table style="font-size: 11px"><tr>' + header + "</tr>" + "".join(rows) + "</table>"
    )
