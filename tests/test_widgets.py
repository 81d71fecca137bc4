"""Tests for step_through: the widget moves through backprop and its picture follows."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest

from autograd import Value
from autograd.examples import house_price

widgets = pytest.importorskip("ipywidgets")
from autograd.viz import step_through  # noqa: E402


def parts(box: Any) -> tuple[Any, Any, Any, Any, Any]:
    """Prev button, slider, Next button, arithmetic and picture of a step_through widget."""
    controls, arithmetic, picture = box.children
    previous, slider, following = controls.children
    return previous, slider, following, arithmetic, picture


def test_starts_at_the_first_step_with_a_picture_and_the_arithmetic() -> None:
    box = step_through(house_price().loss)
    assert isinstance(box, widgets.VBox)
    previous, slider, following, arithmetic, picture = parts(box)
    assert (slider.min, slider.max, slider.value) == (0, 3, 0)
    assert previous.disabled and not following.disabled
    assert "step 1 of 4" in arithmetic.value
    assert "∂loss/∂c2 += ∂loss/∂loss · ∂loss/∂c2 = 1 · -85,000 = -85,000" in arithmetic.value
    assert "<svg" in picture.value and "grad ?" in picture.value


def test_next_and_the_slider_move_the_picture_and_the_arithmetic() -> None:
    previous, slider, following, arithmetic, picture = parts(step_through(house_price().loss))
    first_picture, first_text = picture.value, arithmetic.value
    following.click()
    assert slider.value == 1
    assert picture.value != first_picture and arithmetic.value != first_text
    assert "∂loss/∂y += ∂loss/∂c2 · ∂c2/∂y = -85,000 · -1 = 85,000" in arithmetic.value
    slider.value = 3
    assert "-2.125e+08" in arithmetic.value
    assert "grad -2.125e+08" in html.unescape(picture.value)  # SVG writes - as &#45;
    assert following.disabled and not previous.disabled
    following.click()  # already at the last step: stays there
    assert slider.value == 3
    previous.click()
    assert slider.value == 2 and "step 3 of 4" in arithmetic.value


def test_a_root_that_is_not_a_value_is_named_by_step_through() -> None:
    with pytest.raises(TypeError) as caught:
        step_through(5)  # type: ignore[arg-type]
    assert str(caught.value) == "step_through: root must be a Value, got int 5"


def test_a_leaf_has_nothing_to_step_through() -> None:
    with pytest.raises(ValueError, match="leaf"):
        step_through(Value(1.0))


def test_without_the_graphviz_program_the_widget_shows_the_dot_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    *_, arithmetic, picture = parts(step_through(house_price().loss))
    assert "sudo apt-get install graphviz" in picture.value
    assert "digraph {" in picture.value
    assert "step 1 of 4" in arithmetic.value


def test_a_drawing_that_times_out_shows_what_to_do_instead(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import autograd.viz.widgets as widget_module
    from autograd.viz.graphviz_program import GraphvizTimeout

    def too_slow(*args: Any, **kwargs: Any) -> bytes:
        raise GraphvizTimeout("step_through: Graphviz took more than 60 s <and was stopped>")

    monkeypatch.setattr(widget_module, "run_dot", too_slow)
    *_, arithmetic, picture = parts(step_through(house_price().loss))
    assert "Graphviz took more than 60 s &lt;and was stopped&gt;" in picture.value
    assert "digraph {" in picture.value
    assert "step 1 of 4" in arithmetic.value
