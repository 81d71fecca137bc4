"""The playground's widget app, driven as a user's clicks would drive it, without a browser."""

from __future__ import annotations

import asyncio

import pytest

from nn.playground import Playground

widgets = pytest.importorskip("ipywidgets")
pytest.importorskip("numpy")


def small() -> Playground:
    return Playground("moons", hidden=[3, 2], seed=0, n_samples=30)


def test_the_app_shows_the_picture_epoch_and_diagnostics() -> None:
    pg = small()
    app = pg.app()
    assert pg.app() is app  # made once
    assert isinstance(app.widget, widgets.VBox)
    assert "<svg" in app.picture.value and "epoch 0" in app.epoch.value
    assert "layers.0" in app.diagnostics.value


def test_one_step_and_reset_buttons_drive_the_playground() -> None:
    pg = small()
    app = pg.app()
    start = pg.model.state_dict()
    app.one_step.click()
    assert pg.epoch == 1 and "epoch 1" in app.epoch.value
    assert "epoch 1 · train loss" in app.picture.value
    app.reset.click()
    assert pg.epoch == 0 and pg.model.state_dict() == start


def test_playing_trains_frame_after_frame_on_the_event_loop_until_paused() -> None:
    pg = small()
    app = pg.app()
    seen: list[int] = []

    async def session() -> None:
        app.play.value = True
        assert app.play.description == "pause"
        while pg.epoch < 3:
            seen.append(pg.epoch)
            await asyncio.sleep(0.001)  # the loop is free between frames: this runs
        app.play.value = False
        stopped_at = pg.epoch
        await asyncio.sleep(0.05)
        assert pg.epoch == stopped_at  # paused: no more frames

    asyncio.run(session())
    assert sorted(set(seen)) == [0, 1, 2]  # other work ran between the frames
    assert app.play.description == "play" and "epoch 3" in app.epoch.value


def test_play_without_an_event_loop_says_so() -> None:
    app = small().app()
    app.play.value = True
    assert not app.playing and "running event loop" in app.message.value


def test_controls_set_the_playground() -> None:
    pg = small()
    app = pg.app()
    app._inputs["lr"].value = 0.3
    assert pg.lr == 0.3 and pg._optimizer_object.lr == 0.3
    app._inputs["optimizer"].value = "adam"
    assert pg.optimizer == "adam"
    app._inputs["hidden"].value = "5, 4, 2"
    assert pg.hidden == [5, 4, 2] and len(app.units.children) == 4  # 3 hidden rows and ŷ
    app._inputs["hidden"].value = "five"
    assert "write layer widths" in app.message.value and pg.hidden == [5, 4, 2]
    app._inputs["data"].value = "sine"
    assert pg.task == "regression" and "fitted curve" in app.picture.value


def test_own_data_keeps_its_noise_and_can_be_left_for_a_built_in_set() -> None:
    xs = [[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]]
    pg = Playground((xs, [1, 1, -1, -1]), hidden=[2], seed=0)
    app = pg.app()
    assert app._inputs["data"].value == "own" and app._inputs["noise"].disabled
    app._inputs["data"].value = "xor"
    assert pg.data == "xor" and not app._inputs["noise"].disabled


def test_a_bad_control_value_shows_an_error_and_changes_nothing() -> None:
    pg = small()
    app = pg.app()
    app._inputs["hidden"].value = "3, 0"
    assert "each hidden width must be an int &gt;= 1, got 0" in app.message.value
    assert pg.hidden == [3, 2]


def test_clicking_a_unit_then_a_weight_shows_its_value_gradient_and_chain_rule() -> None:
    pg = small()
    app = pg.app()
    first_layer = app.units.children[0]
    first_layer.value = "h1[2]"
    assert app.weights.options == ("W1[2,0]", "W1[2,1]", "b1[2]")
    assert "h1[2] = " in app.info.value and "∂ℓ/∂h1[2] = " in app.info.value
    unit = pg.diagnostics()[0]["units"][2]
    assert f"over the training points: mean {unit['mean']:.4g}" in app.info.value
    app.weights.value = "W1[2,1]"
    expected = pg.inspect("W1[2,1]", point=0)
    assert f"∂L/∂W1[2,1] = {expected.gradient:.6g}" in app.info.value
    assert "∂ℓ/∂W1[2,1] = " in app.info.value
    app.point.value = 3
    assert str(pg.inspect("W1[2,1]", point=3).chain.lines()[-1]).split("= ")[-1] in app.info.value
    app.units.children[1].value = "h2[0]"
    assert first_layer.value is None  # one unit selected at a time


def test_a_diverging_run_pauses_and_says_why() -> None:
    xs = [[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]]
    pg = Playground((xs, [1.0, 2.0, 30.0, 4.0]), hidden=[], lr=10.0, batch_size=None, seed=0)
    app = pg.app()

    async def session() -> None:
        app.play.value = True
        for _ in range(2000):
            if not app.playing:
                return
            await asyncio.sleep(0.001)

    asyncio.run(session())
    assert not app.playing
    assert "training diverged" in app.message.value


def test_the_mime_bundle_holds_the_widget_and_the_static_picture() -> None:
    pg = small()
    bundle = pg._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == pg.app().widget.model_id
    assert "<svg" in bundle["text/html"]


class FakeDisplay:
    """Stands in for IPython's DisplayHandle: records what the output was updated to."""

    def __init__(self) -> None:
        self.bundles: list[dict[str, object]] = []

    def update(self, bundle: dict[str, object], raw: bool = False) -> None:
        assert raw
        self.bundles.append(bundle)


def test_pausing_brings_the_static_picture_up_to_date_and_scripted_steps_do_not() -> None:
    pg = small()
    app = pg.app()
    shown = FakeDisplay()
    pg._display_handle = shown
    pg.step(3)  # a later cell trains the playground shown above: that picture stays as it was
    assert shown.bundles == []
    snapshot = pg.snapshot()
    pg.step(2)
    assert snapshot.epoch == 3  # a snapshot keeps its moment
    assert "epoch 3 · train loss" in snapshot._repr_mimebundle_()["text/html"]
    assert "epoch 5" not in snapshot.svg

    async def session() -> None:
        app.play.value = True
        while pg.epoch < 8:
            await asyncio.sleep(0.001)
        assert shown.bundles == []  # frames while playing leave the static picture alone
        app.play.value = False

    asyncio.run(session())
    assert len(shown.bundles) == 1  # pausing brings it up to what was played
    assert f"epoch {pg.epoch} · train loss" in str(shown.bundles[-1]["text/html"])
    app.one_step.click()  # the app's own buttons redraw the live view only
    assert len(shown.bundles) == 1


def test_the_app_redraws_a_sine_fit_and_the_curves_of_its_units() -> None:
    pg = Playground("sine", hidden=[3], seed=0, n_samples=20)
    app = pg.app()
    app.one_step.click()
    assert "fitted curve" in app.picture.value and app.picture.value.count("<polyline") >= 5


def test_in_a_kernel_play_trains_while_cells_still_run_and_pause_stops_it() -> None:
    manager = pytest.importorskip("jupyter_client.manager")
    kernel, client = manager.start_new_kernel(kernel_name="python3")

    def run(code: str) -> str:
        msg_id = client.execute(code)
        printed = []
        while True:
            message = client.get_iopub_msg(timeout=60)
            if message["parent_header"].get("msg_id") != msg_id:
                continue
            if message["msg_type"] == "stream":
                printed.append(message["content"]["text"])
            assert message["msg_type"] != "error", message["content"]
            if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                return "".join(printed)

    def press_play(value: bool) -> None:
        # what the browser sends when the play button is toggled
        state = {"method": "update", "state": {"value": value}, "buffer_paths": []}
        client.shell_channel.send(client.session.msg("comm_msg", {"comm_id": play, "data": state}))

    try:
        run("import nn\npg = nn.Playground(n_samples=40, hidden=[3], seed=0)\napp = pg.app()")
        play = run("print(app.play.model_id)").strip()
        press_play(True)
        epochs = []
        for _ in range(100):  # a cell runs while the app plays: the notebook is not frozen
            epochs.append(int(run("print(pg.epoch)")))
            if epochs[-1] >= 5:
                break
        assert epochs[-1] >= 5 and len(set(epochs)) > 1
        press_play(False)
        run("import time\ntime.sleep(0.3)")
        paused = run("print(pg.epoch, app.playing)")
        run("time.sleep(0.3)")
        assert run("print(pg.epoch, app.playing)") == paused and paused.split()[1] == "False"
    finally:
        client.stop_channels()
        kernel.shutdown_kernel(now=True)


def test_the_selection_survives_steps_and_resets_and_follows_the_weights() -> None:
    pg = small()
    app = pg.app()
    app.units.children[0].value = "h1[0]"
    app.weights.value = "W1[0,1]"
    before = app.info.value
    app.one_step.click()
    assert app.selected == "W1[0,1]" and app.info.value != before
    assert f"W1[0,1] = {pg.model.layers[0].neurons[0].w[1].data:.6g}" in app.info.value
    app.reset.click()
    assert app.selected == "W1[0,1]" and app.info.value == before
    app._inputs["hidden"].value = "2"
    assert app.selected is None and app.info.value == ""
