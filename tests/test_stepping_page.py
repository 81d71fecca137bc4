"""The stepping page, driven in a real headless Chromium: Next, Prev and the arrow keys show the
node and gradients that backprop_steps computes, with no network requests and no console errors."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from autograd import Value, backprop_steps, format_number, topological_order
from autograd.cli.expression import parse_expression
from autograd.examples import house_price
from autograd.graph.names import stable_names
from autograd.viz.stepping_page import DEFAULT_TITLE, stepping_page, write_stepping_page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HIGHLIGHT = "#f08c00"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `make browser-deps` to install Chromium for the page tests"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Page:
    """A stepping page open in Chromium, recording every request and console problem."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.url = path.resolve().as_uri()
        self.requests: list[str] = []
        self.problems: list[str] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 800})
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on(
            "console",
            lambda message: message.type in ("error", "warning")
            and self.problems.append(f"{message.type}: {message.text}"),
        )
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.goto(self.url)

    def current(self) -> dict[str, Any]:
        """What the page shows now: step number, current node, its gradient, and the rows."""
        return self.page.evaluate(
            """(highlight) => {
              const main = document.getElementById("stepper");
              const frames = [...document.querySelectorAll("#frames .frame")];
              const texts = [...document.querySelectorAll("#explanation .explain")];
              const visible = frames.filter(f => !f.hidden);
              const text = texts.filter(t => !t.hidden)[0];
              const highlighted = [...visible[0].querySelectorAll("g.node")]
                .filter(g => [...g.querySelectorAll("polygon, ellipse")]
                  .some(shape => shape.getAttribute("stroke") === highlight))
                .map(g => g.querySelector("title").textContent);
              return {
                step: Number(main.dataset.step),
                node: main.dataset.currentNode,
                grad: main.dataset.currentGrad,
                indicator: document.getElementById("indicator").textContent,
                visibleFrames: visible.length,
                visibleTexts: texts.filter(t => !t.hidden).length,
                highlighted: highlighted,
                shownGrad: text.querySelector(".equation .grad")?.textContent ?? null,
                rows: [...text.querySelectorAll(".contribution")].map(row => ({
                  input: row.dataset.input,
                  local: row.querySelector(".numbers .local-derivative").textContent,
                  grad: row.querySelector(".numbers .grad").textContent,
                  contribution: row.querySelector(".contribution-value").textContent,
                })),
                prevDisabled: document.getElementById("prev").disabled,
                nextDisabled: document.getElementById("next").disabled,
              };
            }""",
            HIGHLIGHT,
        )

    def close(self) -> None:
        self.page.close()


def expected_frames(root: Value) -> list[dict[str, Any]]:
    """What each frame after the first must show, from backprop_steps computed here."""
    order = topological_order(root)
    names = stable_names(order)
    frames = []
    for step in backprop_steps(root):
        frames.append(
            {
                "node": names[step.node],
                "grad": format_number(step.grad),
                "highlighted_id": f"op{order.index(step.node)}",
                "value_id": f"v{order.index(step.node)}",
                "rows": [
                    {
                        "input": names[part.input],
                        "local": format_number(part.local_derivative),
                        "grad": format_number(step.grad),
                        "contribution": format_number(part.contribution),
                    }
                    for part in step.contributions
                ],
            }
        )
    return frames


def check_frame(shown: dict[str, Any], k: int, expected: list[dict[str, Any]]) -> None:
    assert shown["step"] == k
    assert shown["indicator"] == f"Step {k} of {len(expected)}"
    assert shown["visibleFrames"] == 1 and shown["visibleTexts"] == 1
    assert shown["prevDisabled"] == (k == 0)
    assert shown["nextDisabled"] == (k == len(expected))
    if k == 0:
        assert shown["node"] == "" and shown["highlighted"] == []
        return
    want = expected[k - 1]
    assert shown["node"] == want["node"]
    assert shown["grad"] == shown["shownGrad"] == want["grad"]
    assert sorted(shown["highlighted"]) == sorted([want["value_id"], want["highlighted_id"]])
    assert shown["rows"] == want["rows"]


@pytest.fixture(scope="module")
def house_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("page") / "backprop.html"
    write_stepping_page(house_price().loss, path, title="The worked example")
    return path


def test_buttons_and_arrow_keys_step_through_the_worked_example(
    browser: Any, house_page: Path
) -> None:
    expected = expected_frames(house_price().loss)
    assert [frame["node"] for frame in expected] == ["loss", "c2", "y_pred", "c1"]
    page = Page(browser, house_page)
    try:
        check_frame(page.current(), 0, expected)
        page.page.click("#next")
        check_frame(page.current(), 1, expected)
        for k in range(2, len(expected) + 1):
            page.page.keyboard.press("ArrowRight")
            check_frame(page.current(), k, expected)
        page.page.keyboard.press("ArrowRight")  # past the end: stays on the last step
        check_frame(page.current(), len(expected), expected)
        page.page.keyboard.press("ArrowLeft")
        check_frame(page.current(), len(expected) - 1, expected)
        page.page.click("#prev")
        check_frame(page.current(), len(expected) - 2, expected)
        page.page.keyboard.press("Home")
        check_frame(page.current(), 0, expected)
        page.page.keyboard.press("End")
        check_frame(page.current(), len(expected), expected)
        assert page.requests == [page.url]  # the file itself, nothing else
        assert page.problems == []
    finally:
        page.close()


def test_the_last_frame_shows_the_slides_gradients(browser: Any, house_page: Path) -> None:
    page = Page(browser, house_page)
    try:
        page.page.keyboard.press("End")
        shown = page.page.evaluate(
            """() => Object.fromEntries([...document.querySelectorAll(
                 "#explanation .explain:not([hidden]) .hint .grad")]
               .map(span => [span.dataset.node, span.textContent]))"""
        )
        # By hand, as on the slide: dloss/dtheta1 = -85,000, dloss/dtheta2 = -85,000 * 2,500.
        assert shown["theta1"] == "-85,000"
        assert shown["theta2"] == "-2.125e+08"
        assert page.problems == []
    finally:
        page.close()


def test_unlabelled_nodes_are_tracked_by_their_stable_names(
    browser: Any, tmp_path: Path
) -> None:
    values = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.88}
    root = parse_expression("tanh(w1*x1 + w2*x2 + b)", values)
    path = write_stepping_page(root, tmp_path / "neuron.html")
    expected = expected_frames(root)
    page = Page(browser, path)
    try:
        for k in range(len(expected) + 1):
            check_frame(page.current(), k, expected)
            page.page.keyboard.press("ArrowRight")
        shown_names = page.page.evaluate(
            """() => [...document.querySelectorAll("#explanation .explain .lead .node-name")]
                .map(span => span.textContent)"""
        )
        assert "w1*x1" in shown_names  # the reader sees the formula, not "mul2"
        assert page.problems == []
        assert page.requests == [page.url]
    finally:
        page.close()


def test_labels_cannot_break_out_of_the_page(browser: Any, tmp_path: Path) -> None:
    x = Value(2.0, label="</script><script>alert(1)</script>")
    y = x * x
    y.label = '"><img src="https://example.com/x.png">'
    path = write_stepping_page(y, tmp_path / "odd.html", title="<b>odd</b> labels & more")
    page = Page(browser, path)
    try:
        page.page.keyboard.press("ArrowRight")
        shown = page.current()
        assert shown["node"] == y.label
        assert [row["input"] for row in shown["rows"]] == [x.label, x.label]
        assert page.page.title() == "<b>odd</b> labels & more"
        assert page.requests == [page.url]
        assert page.problems == []
    finally:
        page.close()


def test_a_leaf_has_no_steps_and_both_buttons_are_disabled(browser: Any, tmp_path: Path) -> None:
    path = write_stepping_page(Value(3.0, label="x"), tmp_path / "leaf.html")
    page = Page(browser, path)
    try:
        shown = page.current()
        assert shown["indicator"] == "Step 0 of 0"
        assert shown["prevDisabled"] and shown["nextDisabled"]
        assert page.problems == []
    finally:
        page.close()


# ---- the file itself, without a browser --------------------------------------------------------

def test_the_page_is_self_contained() -> None:
    page = stepping_page(house_price().loss)
    assert not re.search(r"<(link|img|iframe|object|embed)\b", page)
    assert not re.search(r"<script[^>]*\bsrc=", page)
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    assert "@import" not in page and "url(" not in page
    # the only URLs are XML namespace names, which are never fetched
    urls = set(re.findall(r"https?://[^\s\"'<>]+", page))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def test_the_embedded_json_is_the_steps_of_backward() -> None:
    example = house_price()
    page = stepping_page(example.loss)
    found = re.search(
        r'<script type="application/json" id="backprop-steps">(.*?)</script>', page, re.DOTALL
    )
    assert found is not None
    data = json.loads(found.group(1))
    steps = list(backprop_steps(example.loss))
    assert [s["node"] for s in data["steps"]] == [s.node.label for s in steps]
    assert [s["grad"] for s in data["steps"]] == [s.grad for s in steps]
    contributions = [[c["contribution"] for c in s["contributions"]] for s in data["steps"]]
    assert contributions == [[c.contribution for c in s.contributions] for s in steps]


def test_one_frame_per_step_plus_the_first_and_ids_are_unique() -> None:
    page = stepping_page(house_price().loss)
    assert len(re.findall(r'<figure class="frame"', page)) == 1 + 4
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_the_same_graph_gives_the_same_page() -> None:
    assert stepping_page(house_price().loss) == stepping_page(house_price().loss)


def test_the_page_neither_reads_nor_changes_grad_fields() -> None:
    example = house_price()
    before = stepping_page(example.loss)
    example.loss.backward()
    assert stepping_page(example.loss) == before
    assert example.theta2.grad == -2.125e8


def test_a_failed_write_leaves_the_old_page_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "backprop.html"
    path.write_text("the old page")
    names = [f"x{i}" for i in range(300)]
    big = parse_expression(" + ".join(names), dict.fromkeys(names, 1.0))
    with pytest.raises(ValueError, match="more than max_nodes"):
        write_stepping_page(big, path)
    assert path.read_text() == "the old page"
    assert [p.name for p in tmp_path.iterdir()] == ["backprop.html"]


def test_root_must_be_a_value() -> None:
    with pytest.raises(TypeError) as caught:
        stepping_page(1.0)  # type: ignore[arg-type]
    assert str(caught.value) == "stepping_page: root must be a Value, got float 1.0"


def test_bad_precision_is_named_by_stepping_page() -> None:
    with pytest.raises(ValueError) as caught:
        stepping_page(house_price().loss, precision=0)
    assert str(caught.value) == "stepping_page: precision must be a positive int, got 0"


def test_a_new_page_gets_the_usual_permissions_without_touching_the_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = stepping_page(house_price().loss)
    old = os.umask(0o027)
    try:
        def no_umask(mask: int) -> int:
            raise AssertionError("write_stepping_page changed the process umask")

        monkeypatch.setattr(os, "umask", no_umask)
        written = write_stepping_page(house_price().loss, tmp_path / "backprop.html")
    finally:
        monkeypatch.undo()
        os.umask(old)
    assert written.read_text(encoding="utf-8") == page
    assert written.stat().st_mode & 0o777 == 0o666 & ~0o027


# ---- a real network: readable, and every step's node in view -----------------------------------

MEASURE = """(highlight) => {
  const pane = document.getElementById("frames").getBoundingClientRect();
  const frame = [...document.querySelectorAll("#frames .frame")].filter(f => !f.hidden)[0];
  const sizes = [...frame.querySelectorAll("g.node text")].map(text => {
    const box = text.getBBox();
    const shown = text.getBoundingClientRect();
    const size = parseFloat(text.getAttribute("font-size"));
    return box.height > 0 ? size * shown.height / box.height : Infinity;
  });
  const highlighted = [...frame.querySelectorAll("g.node, g.edge")]
    .filter(g => [...g.querySelectorAll("polygon, ellipse, path")]
      .some(shape => shape.getAttribute("stroke") === highlight))
    .filter(g => g.classList.contains("node"))
    .map(g => {
      const r = g.getBoundingClientRect();
      return { id: g.querySelector("title").textContent,
               inside: r.left >= pane.left - 1 && r.right <= pane.right + 1 &&
                       r.top >= pane.top - 1 && r.bottom <= pane.bottom + 1 };
    });
  const texts = new Set([...frame.querySelectorAll("g.node text")]
    .map(t => t.textContent.trim()));
  return { smallest: Math.min(...sizes), highlighted, texts: [...texts] };
}"""


def mlp_2_4_4_1_loss() -> Value:
    import nn

    model = nn.MLP(2, [4, 4, 1], activation="tanh", seed=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    loss.label = "loss"
    return loss


@pytest.mark.parametrize("group", ["neuron", None])
def test_a_2_4_4_1_mlp_is_readable_and_every_steps_node_is_in_view(
    browser: Any, tmp_path: Path, group: str | None
) -> None:
    loss = mlp_2_4_4_1_loss()
    path = write_stepping_page(loss, tmp_path / "mlp.html", group=group)
    order = topological_order(loss)
    steps = list(backprop_steps(loss, group=group))
    page = Page(browser, path)
    try:
        fits = page.page.evaluate(
            """() => [document.documentElement.scrollWidth <= innerWidth,
                      document.documentElement.scrollHeight <= innerHeight]"""
        )
        assert fits == [True, True]  # the page fits the window: the graph pans inside its pane
        for k in range(len(steps) + 1):
            shown = page.page.evaluate(MEASURE, HIGHLIGHT)
            # at the zoom the page opens with, in a 1280 x 800 window
            assert shown["smallest"] >= 10, f"step {k}: node text {shown['smallest']:.1f} px"
            if k:
                current = f"v{order.index(steps[k - 1].node)}"
                ids = [node["id"] for node in shown["highlighted"]]
                assert current in ids, f"step {k}: {current} is not highlighted"
                assert all(node["inside"] for node in shown["highlighted"]), f"step {k}: {ids}"
                # the node the explanation names carries that name in the picture
                name = page.page.evaluate(
                    """() => document.querySelector(
                         "#explanation .explain:not([hidden]) .lead .node-name").textContent"""
                )
                texts = [t.replace("\xa0", " ") for t in shown["texts"]]  # kept spaces
                assert name in texts or any(t.startswith(name + " = ") for t in texts)
            page.page.keyboard.press("ArrowRight")
        assert page.problems == [] and page.requests == [page.url]
    finally:
        page.close()


def test_the_page_pans_and_zooms(browser: Any, tmp_path: Path) -> None:
    path = write_stepping_page(mlp_2_4_4_1_loss(), tmp_path / "mlp.html", group="neuron")
    page = Page(browser, path)
    try:
        def view() -> tuple[float, str]:
            return page.page.evaluate(
                """() => [Number(document.getElementById("stepper").dataset.zoom),
                          document.querySelector("#frames .frame:not([hidden])").style.transform]"""
            )

        zoom, _ = view()
        page.page.click("#zoom-in")
        assert view()[0] == pytest.approx(zoom * 1.25, rel=1e-2)
        page.page.click("#zoom-fit")
        fitted, _ = view()
        assert fitted < zoom  # the whole 2-4-4-1 graph is wider than the pane at a readable size
        box = page.page.locator("#frames").bounding_box()
        assert box is not None
        before = view()[1]
        page.page.mouse.move(box["x"] + 200, box["y"] + 200)
        page.page.mouse.down()
        page.page.mouse.move(box["x"] + 260, box["y"] + 230)
        page.page.mouse.up()
        assert view()[1] != before  # dragged
        page.page.keyboard.press("1")
        assert view()[0] == pytest.approx(zoom, rel=1e-3)  # back to readable, on the step
        assert page.problems == []
    finally:
        page.close()


# ---- hostile labels and titles -----------------------------------------------------------------

def test_a_label_that_names_a_placeholder_or_an_attribute_stays_text(
    browser: Any, tmp_path: Path
) -> None:
    x = Value(2.0, label="{{steps_json}}")
    w = Value(3.0, label=" onmouseover=alert(1) ")
    root = (x * w).tanh()
    path = write_stepping_page(root, tmp_path / "page.html", title="{{frames}}")
    page = Page(browser, path)
    dialogs: list[str] = []
    page.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        handlers = page.page.evaluate(
            """() => [...document.querySelectorAll("*")].flatMap(element =>
                 [...element.attributes].map(a => a.name).filter(n => n.startsWith("on")))"""
        )
        assert handlers == []
        assert page.page.title() == "{{frames}}"
        assert page.page.evaluate("document.querySelectorAll('figure').length") == 3
        for key in ("Home", "End"):
            page.page.keyboard.press(key)
            for text in page.page.locator(".frame:not([hidden]) svg text").all():
                text.hover()
        assert w.label in page.page.inner_text("#explanation")
        assert dialogs == []
        assert page.problems == []
    finally:
        page.close()


def test_the_content_security_policy_blocks_inline_event_handlers(
    browser: Any, tmp_path: Path
) -> None:
    """Even markup that got into the page some other way cannot run an inline handler."""
    page_text = stepping_page(house_price().loss)
    injected = page_text.replace(
        "<footer>", '<footer><div id="trap" onclick="document.title = \'hacked\'">x</div>', 1
    )
    path = tmp_path / "injected.html"
    path.write_text(injected, encoding="utf-8")
    page = Page(browser, path)
    try:
        page.page.click("#trap")
        assert page.page.title() == DEFAULT_TITLE
        assert any("Content Security Policy" in problem for problem in page.problems)
        page.page.keyboard.press("ArrowRight")  # the page's own script still runs
        assert page.current()["step"] == 1
    finally:
        page.close()


def test_a_graph_too_costly_to_lay_out_is_refused_before_any_frame(tmp_path: Path) -> None:
    path = tmp_path / "backprop.html"
    path.write_text("the old page")
    chain = parse_expression(" + ".join(["x"] * 60), {"x": 1.0})  # 61 values, long edges from x
    with pytest.raises(ValueError, match=r"more than max_edges=2,000.*write the DOT text instead"):
        write_stepping_page(chain, path)
    assert path.read_text() == "the old page"


@pytest.mark.parametrize("timeout", [0, -1.0, float("nan"), "60"])
def test_a_bad_timeout_is_named_by_stepping_page(timeout: object) -> None:
    with pytest.raises(ValueError, match="stepping_page: timeout must be a positive number"):
        stepping_page(house_price().loss, timeout=timeout)  # type: ignore[arg-type]


def test_a_title_that_is_not_text_is_named() -> None:
    with pytest.raises(TypeError, match="stepping_page: title must be a str, got int 3"):
        stepping_page(house_price().loss, title=3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="stepping_page: the title 'a\\\\ud800' is not valid"):
        stepping_page(house_price().loss, title="a\ud800")
