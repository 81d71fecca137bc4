"""Tests for step_through: the widget moves through backprop and its picture follows."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest

from autograd import Value
from autograd.examples import house_price
from autograd.viz.stepping_page import stepping_page

widgets = pytest.importorskip("ipywidgets")
from autograd.viz import step_through  # noqa: E402


def parts(box: Any) -> tuple[Any, Any, Any, Any, Any]:
    """Prev button, slider, Next button, arithmetic and picture of a step_through widget."""
    controls, arithmetic, picture = box.children
    previous, slider, following = controls.children
    return previous, slider, following, arithmetic, picture


def test_starts_at_step_0_the_forward_pass_as_the_page_does() -> None:
    box = step_through(house_price().loss)
    assert isinstance(box, widgets.VBox)
    previous, slider, following, arithmetic, picture = parts(box)
    assert (slider.min, slider.max, slider.value) == (0, 4, 0)  # step 0, then steps 1 to 4
    assert previous.disabled and not following.disabled
    assert "Step 0 of 4" in arithmetic.value
    assert "<svg" in picture.value and "grad" not in picture.value  # before backprop


def test_next_and_the_slider_move_the_picture_and_the_arithmetic() -> None:
    previous, slider, following, arithmetic, picture = parts(step_through(house_price().loss))
    first_picture, first_text = picture.value, arithmetic.value
    following.click()
    assert slider.value == 1
    assert picture.value != first_picture and arithmetic.value != first_text
    assert "Step 1 of 4: loss sends its gradient back" in arithmetic.value
    # the output's own step: ∂loss/∂loss = 1 times the edge's formula, never ∂loss/∂c2 twice
    assert "∂loss/∂c2 += 1 · (2·c2) = 1 · -85,000 = -85,000" in arithmetic.value
    assert "∂loss/∂loss ·" not in arithmetic.value
    slider.value = 2
    # the lecture's order: the gradient from the output, then the local derivative
    assert "∂loss/∂y += ∂loss/∂c2 · ∂c2/∂y = -85,000 · -1 = 85,000" in arithmetic.value
    slider.value = 4
    assert "-2.125e+08" in arithmetic.value
    assert "grad -2.125e+08" in html.unescape(picture.value)  # SVG writes - as &#45;
    assert following.disabled and not previous.disabled
    following.click()  # already at the last step: stays there
    assert slider.value == 4
    previous.click()
    assert slider.value == 3 and "Step 3 of 4" in arithmetic.value


def test_the_widget_and_the_page_number_and_write_each_step_alike() -> None:
    root = house_price().loss
    *_, slider, _, arithmetic, _ = parts(step_through(root))
    page = stepping_page(root)
    for k in range(1, 5):
        slider.value = k
        assert re.search(rf"<b>Step {k} of 4: [^<]*</b>", arithmetic.value)
        assert f"Step {k} of 4: node" in page
        lines = html.unescape(re.search(r"<pre>(.*)</pre>", arithmetic.value, re.S)[1])
        formulas = [
            re.sub(r"<[^>]+>", "", html.unescape(formula))
            for formula in re.findall(r'<div class="formula">(.*?)</div>', page_frame(page, k))
        ]
        assert formulas == [line.split(" = ")[0] for line in lines.splitlines()[1:]]


def page_frame(page: str, k: int) -> str:
    found = re.search(rf'<div class="explain" data-frame="{k}"[^>]*>(.*?)\n    </div>', page, re.S)
    assert found is not None
    return found[1]


def test_the_neuron_view_steps_once_per_neuron() -> None:
    import nn

    model = nn.MLP(2, [2, 1], activation="tanh", seed=0)
    loss = (model([1.0, 2.0]) - 1) ** 2
    *_, slider, _, arithmetic, picture = parts(step_through(loss, group="neuron"))
    assert slider.max == 2 + 3  # the square, the -, then h2[0], h1[1], h1[0]
    slider.value = 3
    assert "Step 3 of 5: ŷ sends its gradient back" in arithmetic.value
    assert "W2[0,1]" in arithmetic.value and "W2[0,1]" in picture.value


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
    assert "Step 0 of 4" in arithmetic.value


def test_a_drawing_that_times_out_shows_what_to_do_instead(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import autograd.viz.notebook_display as widget_module  # where the widget runs dot
    from autograd.viz.graphviz_program import GraphvizTimeout

    def too_slow(*args: Any, **kwargs: Any) -> bytes:
        raise GraphvizTimeout("step_through: Graphviz took more than 60 s <and was stopped>")

    monkeypatch.setattr(widget_module, "run_dot", too_slow)
    *_, arithmetic, picture = parts(step_through(house_price().loss))
    assert "Graphviz took more than 60 s &lt;and was stopped&gt;" in picture.value
    assert "digraph {" in picture.value
    assert "Step 0 of 4" in arithmetic.value


def test_the_widget_never_reads_grad_fields_so_never_warns_of_stale_ones() -> None:
    import warnings

    example = house_price()
    example.loss.backward()
    example.loss.backward()  # the leaves now hold two passes' gradients
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        *_, slider, _, arithmetic, _ = parts(step_through(example.loss))
        slider.value = 4
    assert "∂loss/∂theta2 += ∂loss/∂c1 · ∂c1/∂theta2 = -85,000 · 2,500 = -2.125e+08" in (
        html.unescape(arithmetic.value)
    )


def test_the_widgets_output_carries_its_frame_as_html_for_renderers_without_widgets() -> None:
    box = step_through(house_price().loss)
    bundle = box._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "Step 0 of 4" in bundle["text/html"] and "<svg" in bundle["text/html"]
    _, slider, *_ = parts(box)
    slider.value = 2
    assert "Step 2 of 4" in box._repr_mimebundle_()["text/html"]
