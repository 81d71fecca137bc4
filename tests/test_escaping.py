"""The one escaping helper every page and graph writer uses: text, attributes, JSON, templates."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from autograd.viz.escaping import (
    dot_record_field,
    dot_text,
    fill_template,
    html_attribute,
    html_text,
    script_json,
)


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of each <script>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def parse(markup: str) -> Elements:
    parser = Elements()
    parser.feed(markup)
    parser.close()
    return parser


HOSTILE = [
    "</script><script>alert(1)</script>",
    "<!--<script>",
    "</SCRIPT >",
    '" onmouseover="alert(1)',
    "' onmouseover='alert(1)",
    "&lt;b&gt;",
    "{{steps_json}}",
    "\u2028\u2029",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_json_in_a_script_element_reads_back_and_never_ends_it(text: str) -> None:
    data = {"label": text, "list": [text, 1.5]}
    page = f'<script type="application/json" id="d">{script_json(data)}</script><p id="after">'
    parsed = parse(page)
    assert [tag for tag, _ in parsed.tags] == ["script", "p"]
    assert json.loads(parsed.scripts[0]) == data
    assert not re.search(r"</script|<!--", script_json(data), re.IGNORECASE)


def test_json_refuses_nan_rather_than_writing_invalid_json() -> None:
    with pytest.raises(ValueError):
        script_json({"x": float("nan")})


@pytest.mark.parametrize("text", HOSTILE)
def test_an_attribute_value_cannot_add_an_attribute(text: str) -> None:
    parsed = parse(f'<span title="{html_attribute(text)}">{html_text(text)}</span>')
    assert parsed.tags == [("span", [("title", text)])]


def test_a_template_is_filled_in_one_pass() -> None:
    template = "<title>{{title}}</title><script>{{data}}</script>"
    page = fill_template(template, {"title": "{{data}}", "data": "[1]"})
    assert page == "<title>{{data}}</title><script>[1]</script>"


def test_a_missing_or_unused_field_is_an_error() -> None:
    with pytest.raises(ValueError, match=re.escape("no value for the placeholder {{data}}")):
        fill_template("{{title}} {{data}}", {"title": "t"})
    with pytest.raises(ValueError, match=re.escape("no placeholder for ['extra']")):
        fill_template("{{title}}", {"title": "t", "extra": "x"})


def test_dot_text_keeps_backslashes_and_entities_literal() -> None:
    assert dot_text("a\\nb &lt;", "draw_graph") == "a\\\\nb &amp;lt;"
    assert dot_record_field("{a|b}<c>", "draw_graph") == "\\{a\\|b\\}\\<c\\>"


def test_dot_text_refuses_a_nul_naming_the_writer() -> None:
    with pytest.raises(ValueError, match=r"draw_graph: the label 'a\\x00b' contains a NUL"):
        dot_text("a\0b", "draw_graph")


def test_a_name_in_latex_runs_no_command() -> None:
    from autograd import Value, chain_rule

    x = Value(2.0, label=r"\href{javascript:alert(1)}{x}^~_%")
    latex = chain_rule(x * x, x)._repr_latex_()
    assert "\\href" not in latex
    commands = set(re.findall(r"\\([a-zA-Z]+)", latex))
    assert commands <= {"begin", "end", "frac", "partial", "mathrm", "cdot", "backslash", "hat",
                        "sim", "aligned", "left", "right"}  # \left. ... \right|: a direct edge
    name = r"\mathrm{\backslash{}href\{javascript:alert(1)\}\{x\}\hat{}\sim{}\_\%}"
    assert name in latex
