"""Any string as a label or a title, into every HTML and DOT writer: parsed back, the output has
no element, attribute or script the same picture with plain names lacks, and shows each label
exactly as written (the parsers are Python's html.parser and Graphviz's dot itself)."""

from __future__ import annotations

import functools
import json
import subprocess
from collections import Counter
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from autograd import Value, draw_graph
from autograd.viz.stepping_page import stepping_page

HOSTILE = [
    "{{steps_json}}",
    "{{frames}}",
    " onmouseover=alert(1) ",
    '" onmouseover="alert(1)',
    "</script><script>alert(1)</script>",
    "<!--<script>",
    "<img src=x onerror=alert(1)>",
    "&lt;b&gt; &amp; &#65;",
    "\\N \\G \\n \\l {a|b} <port>",
    "two\nlines\r\n",
    "tab\there\x01\x7f",
    "\u2028\u2029 \xa0 ",
]
# Any text (no lone surrogates, which are not text), hostile pieces more often than chance.
TEXT = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))
LABEL = TEXT.filter(lambda text: text != "")  # "" means "no label"

SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


class Markup(HTMLParser):
    """What a page is made of: each element with its attribute names, texts, and scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: Counter[tuple[str, tuple[str, ...]]] = Counter()
        self.attributes: list[tuple[str, str, str | None]] = []
        self.texts: dict[str, list[str]] = {}  # each tag's elements' texts, in order
        self.scripts: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements[(tag, tuple(sorted(name for name, _ in attrs)))] += 1
        self.attributes += [(tag, name, value) for name, value in attrs]
        if tag == "script":
            self.scripts.append("")
        self.texts.setdefault(tag, []).append("")
        self._open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements[(tag, tuple(sorted(name for name, _ in attrs)))] += 1
        self.attributes += [(tag, name, value) for name, value in attrs]

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            while self._open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        where = self._open[-1] if self._open else ""
        if where:
            self.texts[where][-1] += data
        if where == "script":
            self.scripts[-1] += data

    def text(self, *tags: str) -> str:
        return " ".join(piece for tag in tags for piece in self.texts.get(tag, []))


def parse(markup: str) -> Markup:
    parsed = Markup()
    parsed.feed(markup)
    parsed.close()
    return parsed


def kinds(parsed: Markup) -> set[tuple[str, tuple[str, ...]]]:
    """Each kind of element (tag and attribute names) in the markup."""
    return set(parsed.elements)


def assert_nothing_added(parsed: Markup, plain: Markup) -> None:
    assert kinds(parsed) <= kinds(plain)
    assert len(parsed.scripts) == len(plain.scripts)
    assert not [name for _, name, _ in parsed.attributes if name.startswith("on")]


def as_drawn(text: str) -> str:
    """``text`` as Graphviz shows it: control characters as their symbols (U+2400 + code,
    DEL as U+2421), and runs of white space as one space (Graphviz lays out words)."""
    shown = "".join(
        chr(0x2400 + ord(c)) if ord(c) < 0x20 and c != "\n" else "\u2421" if c == "\x7f" else c
        for c in text
    )
    return " ".join(shown.replace("\xa0", " ").split())


def graph(a: str, b: str) -> tuple[Value, Value, Value]:
    x = Value(2.0, label=a)
    w = Value(-3.0, label=b)
    return x, w, (x * w).tanh()


def dot_objects(source: str) -> list[tuple[str, tuple[str, ...]]]:
    """Graphviz's own reading of DOT text: each node and edge with its attribute names."""
    done = subprocess.run(
        ["dot", "-Tjson0"], input=source.encode("utf-8"), capture_output=True, check=True
    )
    laid_out = json.loads(done.stdout)
    shapes = [("node", tuple(sorted(o))) for o in laid_out.get("objects", [])]
    return shapes + [("edge", tuple(sorted(e))) for e in laid_out.get("edges", [])]


@functools.cache
def plain_drawing() -> tuple[list[tuple[str, tuple[str, ...]]], Markup]:
    drawing = draw_graph(graph("x", "w")[2], local_derivatives=True)
    return dot_objects(drawing.source), parse(drawing.pipe(format="svg").decode("utf-8"))


@functools.cache
def plain_page() -> Markup:
    return parse(stepping_page(graph("x", "w")[2], title="T"))


# ---- the writers -------------------------------------------------------------------------------

@SETTINGS
@given(a=LABEL, b=LABEL)
@example(a="a\0b", b="w")
@example(a="é 0", b="\x1f 0")  # Graphviz drops a space after a non-ASCII character
def test_draw_graph_dot_and_svg(a: str, b: str) -> None:
    root = graph(a, b)[2]
    if "\0" in a + b:
        with pytest.raises(ValueError, match=r"draw_graph: the label .* contains a NUL"):
            draw_graph(root)
        return
    drawing = draw_graph(root, local_derivatives=True)
    plain_objects, plain_svg = plain_drawing()
    assert dot_objects(drawing.source) == plain_objects  # dot reads the same nodes, attributes
    svg = parse(drawing.pipe(format="svg").decode("utf-8"))
    assert_nothing_added(svg, plain_svg)
    shown = " ".join(svg.text("text").split())
    for label in (a, b):
        assert as_drawn(label) in shown
    tooltips = " ".join(value or "" for _, name, value in svg.attributes if name == "xlink:title")
    assert all(as_drawn(label) in " ".join(tooltips.split()) for label in (a, b))


@settings(SETTINGS, max_examples=15)
@given(a=LABEL, b=LABEL, title=TEXT)
def test_stepping_page(a: str, b: str, title: str) -> None:
    assume("\0" not in a + b)  # refused by the drawing, as tested above
    root = graph(a, b)[2]
    page = parse(stepping_page(root, title=title))
    plain = plain_page()
    assert_nothing_added(page, plain)
    assert page.elements[("script", ())] == 1  # the page's own script, and only it
    assert page.texts["title"][0] == title  # the page's; the frames' titles come later
    assert page.texts["h1"] == [title]
    data = json.loads(page.scripts[0])
    assert data["title"] == title
    assert {c["input_text"] for s in data["steps"] for c in s["contributions"]} >= {a, b}
    assert a in page.text("span") and b in page.text("span")  # the explanations' names


@settings(SETTINGS, max_examples=15)
@given(a=LABEL, b=LABEL)
def test_step_through_widget(a: str, b: str) -> None:
    widgets = pytest.importorskip("ipywidgets")
    from autograd.viz import step_through

    assume("\0" not in a + b)
    box = step_through(graph(a, b)[2])
    plain_box = step_through(graph("x", "w")[2])
    assert isinstance(box, widgets.VBox)
    _, arithmetic, picture = box.children
    _, plain_arithmetic, plain_picture = plain_box.children
    slider = box.children[0].children[1]
    plain_slider = plain_box.children[0].children[1]
    for step in range(slider.max + 1):
        slider.value = plain_slider.value = step
        text = parse(arithmetic.value)
        assert_nothing_added(text, parse(plain_arithmetic.value))
        assert_nothing_added(parse(picture.value), parse(plain_picture.value))
        written = text.text("pre")
        # step 0 is the forward pass, step 1 tanh's; the last step sends to x and w
        assert step <= 1 or a in written or b in written
    assert a in written and b in written
