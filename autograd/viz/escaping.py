"""Escaping text for the place it lands: HTML text, an HTML attribute, JSON in a script, DOT.

Every page and graph the library writes puts labels and titles through these functions, so a
label such as ``" onmouseover=alert(1) "``, ``"</script>"`` or ``"{{steps_json}}"`` shows as
written and never becomes markup, an attribute, a script or a template placeholder.

- ``html_text`` and ``html_attribute``: for element text and for a double-quoted attribute.
- ``script_json``: data as JSON inside ``<script type="application/json">``, where ``</script>``
  and ``<!--`` must not end or change the element (as Django's ``json_script`` and Jinja's
  ``tojson`` do: ``<``, ``>`` and ``&`` as ``\\u003c`` ... ``\\u0026``).
- ``fill_template``: every ``{{name}}`` placeholder filled in one pass, so text inserted for
  one placeholder is never read again as another.
- ``dot_text``, ``dot_record_field`` and ``dot_tooltip``: a label, a field of a record label
  or a tooltip for Graphviz, shown as written.
- ``dot_html_text``: text inside a Graphviz HTML-like label (``<<TABLE>...</TABLE>>``).
- ``latex_text``: a name inside LaTeX math (Jupyter shows ``ChainRule`` with MathJax), where a
  backslash would start a command.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping

# Inside <script>, only "</script" (and "<!--", which starts a state where "<script" nests)
# can change how the element is read; JSON written with these escapes contains neither.
# U+2028 and U+2029 end a line in older JavaScript, so they are escaped too.
_SCRIPT_JSON_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    ord("'"): "\\u0027",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}

_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")

# Control characters Graphviz drops or writes as invalid XML, shown as their visible symbols
# (U+2400 block: "\x01" as "␁"). A line break stays a line break.
_CONTROL_PICTURES = {code: 0x2400 + code for code in range(0x20) if code != ord("\n")}
_CONTROL_PICTURES[0x7F] = 0x2421

# The characters that give a Graphviz record label its structure (fields, ports, rows).
_RECORD_SPECIALS = "{}|<>"
_SPACE_AFTER_NON_ASCII = re.compile(r"(?<=[^\x00-\x7f]) ")
# A space that a record label trims or merges: at the start or end of a line, or in a run.
_SPACE_IN_A_RUN_OR_AT_AN_END = re.compile(r"(?<![^ \n]) | (?![^ \n])")


def html_text(text: str) -> str:
    """``text`` as the content of an HTML element: ``& < > " '`` become character references."""
    return html.escape(text, quote=True)


def html_attribute(text: str) -> str:
    """``text`` as the value of an attribute written in double quotes (``title="..."``).

    Quotes are escaped as well as ``& < >``, so the value can never end early and add an
    attribute of its own.
    """
    return html.escape(text, quote=True)


def script_json(data: object) -> str:
    """``data`` as JSON that is safe inside a ``<script>`` element, whatever its strings hold.

    ``JSON.parse`` of the element's text gives back exactly ``data``. NaN and infinities are
    refused (JSON has none): ValueError.
    """
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    return text.translate(_SCRIPT_JSON_ESCAPES)


def fill_template(template: str, fields: Mapping[str, str]) -> str:
    """``template`` with each ``{{name}}`` replaced by ``fields[name]``, in a single pass.

    The values must already be escaped for where their placeholders stand. Because the
    template is read once, a value that itself contains ``{{name}}`` stays as it is. A
    placeholder without a field, or a field without a placeholder, is a ValueError.
    """
    used: set[str] = set()

    def field(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in fields:
            raise ValueError(f"fill_template: no value for the placeholder {{{{{name}}}}}")
        used.add(name)
        return fields[name]

    page = _PLACEHOLDER.sub(field, template)
    unused = sorted(set(fields) - used)
    if unused:
        raise ValueError(f"fill_template: the template has no placeholder for {unused}")
    return page


# LaTeX's special characters in math mode, and what shows each as itself.
_LATEX = {
    "\\": r"\backslash{}",
    "^": r"\hat{}",
    "~": r"\sim{}",
    **{c: "\\" + c for c in "_#$%&{}"},
}


def latex_text(text: str) -> str:
    """``text`` as literal characters inside LaTeX math (``\\mathrm{...}``): no command runs."""
    return "".join(_LATEX.get(c, c) for c in text)


def dot_text(text: str, where: str) -> str:
    """``text`` for a Graphviz label, to be shown exactly as written.

    Backslashes are doubled (DOT reads ``\\n``, ``\\N``, ``\\G`` ... as escapes) and ``&``
    becomes ``&amp;`` (Graphviz reads ``&lt;`` and ``&#65;`` as characters). Control
    characters other than a line break are shown as their symbols (``\\x01`` as ``␁``),
    since Graphviz would drop them or write invalid XML. Quotes are left to the ``graphviz``
    package, which escapes them. A NUL character, which DOT cannot hold, and text that is not
    valid Unicode (a lone surrogate) are a ValueError naming ``where``.
    """
    text = _drawable(text, where)
    text = text.replace("\\", "\\\\").replace("&", "&amp;")
    return text


def _drawable(text: str, where: str) -> str:
    """``text`` with its control characters as symbols; NUL or invalid Unicode: ValueError."""
    if "\0" in text:
        raise ValueError(
            f"{where}: the label {text!r} contains a NUL character (\\0), which Graphviz "
            f"cannot draw; remove it from the label"
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(
            f"{where}: the label {text!r} is not valid Unicode ({error.reason}); "
            f"remove the character at position {error.start}"
        ) from None
    return text.translate(_CONTROL_PICTURES)


def dot_tooltip(text: str, where: str) -> str:
    """``text`` for a Graphviz tooltip, to be shown exactly as written.

    As ``dot_text``, except that each backslash is written four times: Graphviz reads a
    tooltip's escapes twice (``\\\\N`` would become ``\\N`` and then the node's name).
    """
    return dot_text(text, where).replace("\\", "\\\\")


def dot_record_field(text: str, where: str) -> str:
    """``text`` as one field of a Graphviz record label (where ``{ } | < >`` are structure).

    Its spaces are kept: Graphviz's record parser trims the spaces at each end of a line and
    merges a run of spaces into one, so those are written as no-break spaces, which look
    the same and are kept.
    """
    text = dot_text(text, where)
    for special in _RECORD_SPECIALS:
        text = text.replace(special, "\\" + special)
    text = _SPACE_IN_A_RUN_OR_AT_AN_END.sub("\u00a0", text)
    # Graphviz's record parser drops a space that follows a non-ASCII character ("é 0" shows
    # as "é0"); a no-break space there looks the same and is kept.
    text = _SPACE_AFTER_NON_ASCII.sub("\u00a0", text)
    return text.replace("\n", "\\n")  # a record drops a bare line break; DOT's \n keeps it


def dot_html_text(text: str, where: str) -> str:
    """``text`` inside a cell of a Graphviz HTML-like label, shown as written.

    Graphviz reads such a label as XML, so ``& < > "`` become character references;
    backslashes are plain characters there. Control characters, NUL and invalid Unicode are
    handled as by ``dot_text``.
    """
    return html.escape(_drawable(text, where), quote=True)
