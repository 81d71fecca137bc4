"""Tests for draw_graph, render and format_number: DOT structure, determinism, real images."""

from __future__ import annotations

import html
import math
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import graphviz
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Parameter, Value, draw_graph, format_number, render
from autograd.examples import house_price
from autograd.viz.draw import (
    HIGHLIGHT,
    INTERIOR_FILL,
    LEAF_FILL,
    OUTPUT_FILL,
    PARAMETER_FILL,
)

# The slide's numbers, derived by hand from the defaults of house_price().
THETA1, THETA2, X, Y = 50_000.0, 163.0, 2_500.0, 500_000.0
Y_PRED = THETA1 + THETA2 * X
DLOSS_DC2 = 2 * (Y_PRED - Y)  # loss = c2^2, so dloss/dc2 = 2 c2
DLOSS_DTHETA2 = DLOSS_DC2 * X


# ---- a small DOT reader ----------------------------------------------------------------------

ATTRIBUTE = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^\s\]]+)')
NODE = re.compile(r"^\t(\w+) \[(.*)\]$")
EDGE = re.compile(r"^\t(\w+) -> (\w+)(?: \[(.*)\])?$")


def _attributes(text: str | None) -> dict[str, str]:
    found = {}
    for key, value in ATTRIBUTE.findall(text or ""):
        if value.startswith('"'):
            value = value[1:-1].replace('\\"', '"')
        found[key] = value
    return found


Nodes = dict[str, dict[str, str]]
Edges = list[tuple[str, str, dict[str, str]]]


def parse_dot(source: str) -> tuple[Nodes, Edges]:
    """Nodes (id -> attributes) and edges (tail, head, attributes) of draw_graph's DOT text."""
    nodes: Nodes = {}
    edges: Edges = []
    for line in source.splitlines():
        if match := EDGE.match(line):
            edges.append((match[1], match[2], _attributes(match[3])))
        elif (match := NODE.match(line)) and match[1] not in ("graph", "node", "edge"):
            nodes[match[1]] = _attributes(match[2])
    return nodes, edges


def fields(node: dict[str, str]) -> list[str]:
    """The fields of a record label: '{ theta1 | data 50,000 }' -> ['theta1', 'data 50,000']."""
    return [part.strip() for part in node["label"].strip("{} ").split(" | ")]


def house_graph(**options: object) -> tuple[Nodes, Edges]:
    house = house_price()
    house.loss.backward()
    return parse_dot(draw_graph(house.loss, **options).source)


# ---- structure -------------------------------------------------------------------------------

def test_house_price_has_one_box_per_value_and_one_ellipse_per_operation() -> None:
    nodes, edges = house_graph()
    boxes = {name: fields(attrs) for name, attrs in nodes.items() if attrs["shape"] == "record"}
    ops = {name: attrs["label"] for name, attrs in nodes.items() if attrs["shape"] == "ellipse"}
    assert [box[0] for box in boxes.values()] == [
        "theta1", "theta2", "x", "c1", "y_pred", "y", "c2", "loss"
    ]
    assert sorted(ops.values()) == sorted(["*", "+", "-", "**2"])
    by_label = {box[0]: name for name, box in boxes.items()}
    # input -> op -> value, as the slide: c1 = theta2 * x, y_pred = theta1 + c1, ...
    made_by = {head: tail for tail, head, _ in edges if tail.startswith("op")}
    inputs_of = {}
    for tail, head, _ in edges:
        if head.startswith("op"):
            inputs_of.setdefault(head, []).append(tail)
    for result, inputs, symbol in [
        ("c1", ["theta2", "x"], "*"),
        ("y_pred", ["theta1", "c1"], "+"),
        ("c2", ["y_pred", "y"], "-"),
        ("loss", ["c2"], "**2"),
    ]:
        op = made_by[by_label[result]]
        assert ops[op] == symbol
        assert inputs_of[op] == [by_label[name] for name in inputs]
    assert len(edges) == 4 + 7  # op -> value, and one per input


def test_boxes_show_data_and_grad_written_for_people() -> None:
    nodes, _ = house_graph()
    boxes = {fields(a)[0]: fields(a)[1:] for a in nodes.values() if a["shape"] == "record"}
    assert boxes["theta1"] == [f"data {THETA1:,.0f}", f"grad {DLOSS_DC2:,.0f}"]
    assert boxes["x"][0] == "data 2,500"
    assert boxes["theta2"][1] == "grad -2.125e+08"
    assert DLOSS_DTHETA2 == -2.125e8


def test_grads_false_hides_every_grad() -> None:
    nodes, _ = house_graph(grads=False)
    for attrs in nodes.values():
        assert "grad" not in attrs["label"]


def test_fill_colours_tell_parameters_leaves_and_output_apart() -> None:
    nodes, _ = house_graph()
    fill = {fields(a)[0]: a["fillcolor"] for a in nodes.values() if a["shape"] == "record"}
    assert fill["theta1"] == fill["theta2"] == PARAMETER_FILL
    assert fill["x"] == fill["y"] == LEAF_FILL
    assert fill["loss"] == OUTPUT_FILL
    assert fill["c1"] == fill["y_pred"] == fill["c2"] == INTERIOR_FILL
    assert len({PARAMETER_FILL, LEAF_FILL, OUTPUT_FILL, INTERIOR_FILL}) == 4


def test_local_derivatives_are_the_slides_red_factors() -> None:
    nodes, edges = house_graph(local_derivatives=True)
    label_of = {name: fields(a)[0] for name, a in nodes.items() if a["shape"] == "record"}
    factor = {
        label_of[tail]: attrs for tail, head, attrs in edges if head.startswith("op")
    }
    assert factor["c2"]["label"] == format_number(DLOSS_DC2) == "-85,000"
    assert factor["theta2"]["label"] == format_number(X) == "2,500"  # d(theta2 x)/d theta2 = x
    assert factor["x"]["label"] == "163"
    assert factor["y"]["label"] == "-1"
    assert all(attrs["fontcolor"] == "red" for attrs in factor.values())
    assert "grad -2.125e+08" in nodes["v1"]["label"]


def test_a_plus_a_shows_two_edges() -> None:
    a = Value(3.0, label="a")
    b = a + a
    _, edges = parse_dot(draw_graph(b).source)
    assert [(tail, head) for tail, head, _ in edges].count(("v0", "op1")) == 2


def test_a_times_a_shows_both_local_derivatives() -> None:
    a = Value(3.0, label="a")
    _, edges = parse_dot(draw_graph(a * a, local_derivatives=True).source)
    assert [attrs.get("label") for tail, _, attrs in edges if tail == "v0"] == ["3", "3"]


def test_highlight_marks_the_chosen_values() -> None:
    house = house_price()
    nodes, _ = parse_dot(draw_graph(house.loss, highlight=[house.c1]).source)
    marked = [fields(a)[0] for a in nodes.values() if a.get("color") == HIGHLIGHT]
    assert marked == ["c1"]
    single, _ = parse_dot(draw_graph(house.loss, highlight=house.c1).source)  # type: ignore[arg-type]
    assert single == nodes


def test_highlighting_a_value_from_another_graph_is_an_error() -> None:
    house = house_price()
    with pytest.raises(ValueError, match="root does not depend on it"):
        draw_graph(house.loss, highlight=[Value(1.0)])


@pytest.mark.parametrize(
    ("highlight", "message"),
    [
        (3, "draw_graph: highlight must be a Value or an iterable of Values, got int 3"),
        ([2.5], "draw_graph: highlight must hold Values, got float 2.5"),
    ],
)
def test_a_highlight_that_is_not_values_is_named(highlight: object, message: str) -> None:
    with pytest.raises(TypeError) as caught:
        draw_graph(house_price().loss, highlight=highlight)  # type: ignore[arg-type]
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("root", "shown"), [(5, "int 5"), (2.5, "float 2.5"), (None, "NoneType None")]
)
def test_a_root_that_is_not_a_value_is_named_by_draw_graph(root: object, shown: str) -> None:
    with pytest.raises(TypeError) as caught:
        draw_graph(root)  # type: ignore[arg-type]
    assert str(caught.value) == f"draw_graph: root must be a Value, got {shown}"


def test_rankdir_top_to_bottom_stacks_no_fields_and_bad_rankdir_is_named() -> None:
    house = house_price()
    source = draw_graph(house.loss, rankdir="TB").source
    assert "rankdir=TB" in source
    assert '"theta1 | data 50,000"' in source  # before backward(): no grad lines
    with pytest.raises(ValueError, match=r"rankdir.*'XY'"):
        draw_graph(house.loss, rankdir="XY")


def test_unusual_labels_are_escaped_and_still_render(tmp_path: Path) -> None:
    a = Value(1.0, label='odd {label|with} <record> "chars" \\')
    path = render(draw_graph(a.tanh()), tmp_path / "odd.svg")
    text = "".join(ElementTree.parse(path).getroot().itertext())
    assert 'odd {label|with} <record> "chars"' in text


def test_gradients_from_create_graph_are_shown_by_their_value() -> None:
    x = Value(3.0, label="x")
    y = x * x * x
    y.backward(create_graph=True)
    nodes, _ = parse_dot(draw_graph(y).source)
    assert f"grad {format_number(3 * 3.0**2)}" in nodes["v0"]["label"]  # d x^3/dx = 3 x^2


# ---- determinism ------------------------------------------------------------------------------

def test_same_graph_built_twice_gives_identical_dot() -> None:
    first, second = house_price(), house_price()
    first.loss.backward()
    second.loss.backward()
    assert draw_graph(first.loss).source == draw_graph(second.loss).source
    options = {"local_derivatives": True, "step": 2}
    assert draw_graph(first.loss, **options).source == draw_graph(second.loss, **options).source


def test_dot_text_is_the_same_in_another_process_with_another_hash_seed() -> None:
    script = (
        "from autograd import draw_graph, Value\n"
        "a, b = Value(2.0, label='a'), Value(-1.0)\n"
        "c = (a * b + a).tanh() + b.exp()\n"
        "print(draw_graph(c, local_derivatives=True).source)\n"
    )
    outputs = set()
    for seed in ("1", "2"):
        environment = {**os.environ, "PYTHONHASHSEED": seed}
        outputs.add(
            subprocess.run(
                [sys.executable, "-c", script], env=environment, capture_output=True,
                text=True, check=True,
            ).stdout
        )
    assert len(outputs) == 1


# ---- size limit ------------------------------------------------------------------------------

def test_a_graph_larger_than_max_nodes_is_refused_with_advice() -> None:
    x = Value(0.5, label="x")
    for _ in range(600):
        x = x * 1.0
    with pytest.raises(ValueError, match=r"1,201 values.*max_nodes=500.*raise max_nodes"):
        draw_graph(x)
    assert len(parse_dot(draw_graph(x, max_nodes=2000).source)[0]) == 1201 + 600


@pytest.mark.parametrize("bad", [0, -3, 2.5, True])
def test_bad_max_nodes_and_precision_are_named(bad: object) -> None:
    house = house_price()
    with pytest.raises(ValueError, match="max_nodes"):
        draw_graph(house.loss, max_nodes=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="precision"):
        draw_graph(house.loss, precision=bad)  # type: ignore[arg-type]


# ---- step ------------------------------------------------------------------------------------

def test_step_fills_in_only_the_gradients_known_so_far() -> None:
    house = house_price()  # no backward(): the picture computes the steps itself
    expected = {  # by hand: d loss/d node once every user of node has passed gradient back
        0: {"loss": 1.0, "c2": DLOSS_DC2},
        1: {"loss": 1.0, "c2": DLOSS_DC2, "y_pred": DLOSS_DC2, "y": -DLOSS_DC2},
        3: {
            "loss": 1.0, "c2": DLOSS_DC2, "y_pred": DLOSS_DC2, "y": -DLOSS_DC2,
            "theta1": DLOSS_DC2, "c1": DLOSS_DC2, "theta2": DLOSS_DTHETA2, "x": DLOSS_DC2 * THETA2,
        },
    }
    for step, known in expected.items():
        nodes, _ = parse_dot(draw_graph(house.loss, step=step).source)
        for attrs in nodes.values():
            if attrs["shape"] != "record":
                continue
            name, _, grad = fields(attrs)
            want = f"grad {format_number(known[name])}" if name in known else "grad ?"
            assert grad == want, (step, name)


def test_step_highlights_the_current_node_and_the_edges_it_sends_gradient_along() -> None:
    house = house_price()
    nodes, edges = parse_dot(draw_graph(house.loss, step=2).source)  # step 2: y_pred
    label_of = {name: fields(a)[0] for name, a in nodes.items() if a["shape"] == "record"}
    marked = [n for n, attrs in nodes.items() if attrs.get("color") == HIGHLIGHT]
    assert marked == ["v4", "op4"] and label_of["v4"] == "y_pred"
    hot = [(label_of[t], a["label"]) for t, _, a in edges if a.get("color") == HIGHLIGHT]
    assert hot == [("theta1", "1"), ("c1", "1")]


def test_step_out_of_range_and_on_a_leaf_are_errors() -> None:
    house = house_price()
    with pytest.raises(ValueError, match="from 0 to 3, got 4"):
        draw_graph(house.loss, step=4)
    with pytest.raises(ValueError, match="leaf"):
        draw_graph(house.theta1, step=0)


# ---- render ----------------------------------------------------------------------------------

def test_render_svg_png_pdf_and_dot(tmp_path: Path) -> None:
    house = house_price()
    house.loss.backward()
    graph = draw_graph(house.loss, local_derivatives=True)
    svg = render(graph, tmp_path / "house.svg")
    root = ElementTree.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = set(root.itertext())
    assert {"theta2", "grad -2.125e+08", "2,500", "-85,000"} <= text
    assert render(graph, tmp_path / "house.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert render(graph, tmp_path / "house.pdf").read_bytes().startswith(b"%PDF")
    assert render(graph, tmp_path / "house.dot").read_text() == graph.source
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "house.dot", "house.pdf", "house.png", "house.svg"
    ]


def test_unknown_suffix_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"house\.jpeg.*\.svg, \.png, \.pdf or \.dot"):
        render(draw_graph(house_price().loss), tmp_path / "house.jpeg")
    assert list(tmp_path.iterdir()) == []


def test_without_graphviz_binary_dot_text_works_and_render_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    out = tmp_path / "out"
    out.mkdir()
    existing = out / "house.svg"
    existing.write_text("the old picture")
    graph = draw_graph(house_price().loss)
    assert graph.source.startswith("digraph {")
    with pytest.raises(graphviz.ExecutableNotFound) as caught:
        render(graph, existing)
    assert str(caught.value).splitlines()[-1] == "install Graphviz: sudo apt-get install graphviz"
    assert existing.read_text() == "the old picture"
    assert [p.name for p in out.iterdir()] == ["house.svg"]  # no temporary file left
    assert render(graph, out / "house.dot").read_text() == graph.source


def test_render_failure_while_writing_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    existing = tmp_path / "house.dot"
    existing.write_text("old")

    def broken_replace(source: str, target: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        render(draw_graph(house_price().loss), existing)
    assert existing.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["house.dot"]


def test_render_gives_a_new_file_the_usual_permissions_without_touching_the_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # os.umask changes the mask of the whole process, every thread: a writer must not call it
    old = os.umask(0o027)
    try:
        def no_umask(mask: int) -> int:
            raise AssertionError("render changed the process umask")

        monkeypatch.setattr(os, "umask", no_umask)
        written = render(draw_graph(house_price().loss), tmp_path / "house.dot")
    finally:
        monkeypatch.undo()
        os.umask(old)
    assert written.stat().st_mode & 0o777 == 0o666 & ~0o027


def test_render_keeps_an_existing_files_permissions(tmp_path: Path) -> None:
    existing = tmp_path / "house.dot"
    existing.write_text("old")
    existing.chmod(0o640)
    render(draw_graph(house_price().loss), existing)
    assert existing.stat().st_mode & 0o777 == 0o640


# ---- import without graphviz -------------------------------------------------------------------

def test_import_autograd_needs_neither_graphviz_nor_ipywidgets() -> None:
    script = (
        "import sys\n"
        "sys.modules['graphviz'] = None\n"
        "sys.modules['ipywidgets'] = None\n"
        "import autograd, autograd.viz.widgets\n"
        "x = autograd.Value(2.0)\n"
        "y = x * x\n"
        "y.backward()\n"
        "print(x.grad)\n"
        "print(str(autograd.chain_rule(y, x)).splitlines()[-1].strip())\n"
        "try:\n"
        "    autograd.draw_graph(y)\n"
        "except ImportError:\n"
        "    print('drawing needs graphviz')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines() == ["4.0", "= 4", "drawing needs graphviz"]


def test_autograd_exports_are_sorted() -> None:
    assert autograd.__all__ == sorted(autograd.__all__)


# ---- format_number -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("x", "text"),
    [
        (-85_000.0, "-85,000"),
        (2_500, "2,500"),
        (0.0, "0"),
        (-0.0, "0"),
        (999_999.0, "999,999"),
        (1e6, "1e+06"),
        (-2.125e8, "-2.125e+08"),
        (0.0001234, "0.0001234"),
        (1.234e-5, "1.234e-05"),
        (0.1 + 0.2, "0.3"),
        (1 / 3, "0.3333"),
        (math.nan, "nan"),
        (math.inf, "inf"),
        (-math.inf, "-inf"),
    ],
)
def test_format_number_examples(x: float, text: str) -> None:
    assert format_number(x) == text


def test_format_number_precision_and_bad_arguments() -> None:
    assert format_number(math.pi, precision=2) == "3.1"
    assert format_number(math.pi, precision=8) == "3.1415927"
    with pytest.raises(ValueError, match="precision must be a positive int, got 0"):
        format_number(1.0, precision=0)
    with pytest.raises(TypeError, match="format_number: expected a real number, got str"):
        format_number("1")  # type: ignore[arg-type]


@settings(max_examples=200)
@given(st.floats(-1e300, 1e300), st.integers(1, 10))
def test_format_number_reads_back_to_within_its_precision(x: float, precision: int) -> None:
    back = float(format_number(x, precision).replace(",", ""))
    assert math.isclose(back, x, rel_tol=10.0 ** (1 - precision), abs_tol=0.0) or back == x


def test_parameter_root_is_coloured_as_the_output() -> None:
    w = Parameter(1.0, label="w")
    nodes, _ = parse_dot(draw_graph(w).source)
    assert nodes["v0"]["fillcolor"] == OUTPUT_FILL


# ---- hostile labels and bounded work -------------------------------------------------------------

def svg_text(path: Path) -> str:
    return "".join(ElementTree.parse(path).getroot().itertext())


def test_a_nul_in_a_label_is_a_clear_error_before_graphviz_runs() -> None:
    a = Value(1.0, label="a\0b")
    with pytest.raises(ValueError) as caught:
        draw_graph(a * 2)
    assert str(caught.value).startswith("draw_graph: the label 'a\\x00b' contains a NUL")


def test_entities_backslash_escapes_and_line_breaks_in_labels_show_as_written(
    tmp_path: Path,
) -> None:
    a = Value(1.0, label="&lt;b&gt; &#65; \\n \\N")
    b = Value(2.0, label="two\nlines")
    path = render(draw_graph(a * b), tmp_path / "odd.svg")
    text = svg_text(path)
    assert "&lt;b&gt; &#65; \\n \\N" in text
    assert "two" in text and "lines" in text and "twolines" not in text


def test_control_characters_show_as_their_symbols(tmp_path: Path) -> None:
    a = Value(1.0, label="tab\there\x01")
    path = render(draw_graph(a.exp()), tmp_path / "odd.svg")  # well-formed XML, or this fails
    assert "tab\u2409here\u2401" in svg_text(path)


def test_a_value_used_along_a_long_chain_is_refused_before_graphviz(tmp_path: Path) -> None:
    x = Value(1.0, label="x")
    total = x
    for _ in range(199):
        total = total + x  # 200 values, but x's 199 edges cross up to 400 ranks
    with pytest.raises(ValueError) as caught:
        draw_graph(total)
    message = str(caught.value)
    # By hand: with n = 200 terms, the k-th addition from x's end sits 2k - 1 ranks from x:
    # x's edges take (n - 1)^2 + 1 pieces, the chain 2n - 3 more; n^2 - 1 in all.
    assert message.startswith("draw_graph: the graph has 39,999 edge pieces")
    assert "more than max_edges=2,000" in message
    assert "DOT text" in message and "autograd.sum" in message
    assert "max_edges=" in message
    # the same number of values as separate inputs is cheap to lay out, and allowed
    xs = [Value(1.0, label=f"x{i}") for i in range(200)]
    separate = xs[0]
    for xi in xs[1:]:
        separate = separate + xi
    assert draw_graph(separate).source.count("->") == 199 * 3


def test_bad_max_edges_is_named() -> None:
    with pytest.raises(ValueError, match="draw_graph: max_edges must be a positive int, got 0"):
        draw_graph(house_price().loss, max_edges=0)


def test_graphviz_is_stopped_at_its_time_limit_and_nothing_is_written(tmp_path: Path) -> None:
    x = Value(1.0, label="x")
    total = x
    for _ in range(149):
        total = total + x
    slow = draw_graph(total, max_edges=10**6)  # minutes of work for dot
    existing = tmp_path / "slow.svg"
    existing.write_text("the old picture")
    with pytest.raises(autograd.viz.GraphvizTimeout) as caught:
        render(slow, existing, timeout=0.5)
    message = str(caught.value)
    assert message.startswith("render: Graphviz took more than 0.5 s")
    assert "write the DOT text instead" in message
    assert existing.read_text() == "the old picture"
    assert [p.name for p in tmp_path.iterdir()] == ["slow.svg"]


@pytest.mark.parametrize("label", ["  x", "x  ", "a   b", "  a  b  ", "é 0"])
def test_a_label_keeps_its_spaces_in_the_drawing(label: str) -> None:
    # Graphviz's record labels trim the spaces at the ends and merge runs of them
    x = Value(2.0, label=label)
    svg = draw_graph(x * 2.0).pipe(format="svg").decode("utf-8")
    shown = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
    assert label in [text.replace("\xa0", " ") for text in shown]


# ---- shown in a notebook ----------------------------------------------------------------------

def test_a_notebook_shows_the_graph_at_its_natural_size_in_a_box_that_scrolls() -> None:
    import graphviz

    import nn

    model = nn.MLP(2, [4, 4, 1], activation="tanh", seed=0)
    loss = (model([0.5, -1.0]) - 0.5) ** 2  # type: ignore[operator]
    loss.backward()
    graph = draw_graph(loss)  # the scalar view of a 2-4-4-1 network: far wider than a cell
    data, metadata = graph._repr_mimebundle_()
    natural = graph.pipe(format="svg").decode("utf-8")
    width = re.search(r'<svg width="([0-9.]+)pt"', natural)[1]  # type: ignore[index]
    assert float(width) * 4 / 3 > 700
    html = data["text/html"]
    assert html.startswith('<div class="backprop-graph" style="overflow: auto')
    shown = html[html.index("<svg") :]
    # the same picture, its size as Graphviz gave it, and never scaled down to the box
    assert shown.startswith('<svg style="max-width: none; height: auto" width="')
    assert re.search(r'width="([0-9.]+)pt"', shown)[1] == width  # type: ignore[index]
    assert data["image/svg+xml"].startswith("<svg width=")
    assert metadata == {"image/svg+xml": {"unconfined": True}}
    assert isinstance(graph, graphviz.Digraph)  # still Graphviz's own Digraph
