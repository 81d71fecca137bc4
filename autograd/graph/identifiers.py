"""Names in generated code: any node name as a plain ASCII identifier, any text as a safe comment.

A picture names a node ``w1*x``, ``h1[0]``, ``σ²`` or whatever its label says; generated code
needs a Python name for it. ``identifier`` writes a name as ASCII words (``w1_x``, ``h1_0``,
``sigma_2``): Python reads identifiers after NFKC normalisation (``𝐱`` is ``x``, ``ﬁ`` is
``fi``), so only plain ASCII names are sure to be the names they look like. ``Names`` hands out
such names once each, never a keyword, a builtin or a name the code itself uses (``math``,
``np``), whatever the labels. The name as the picture writes it goes into a comment through
``comment``, which escapes everything that could end the comment's line.
"""

from __future__ import annotations

import builtins
import keyword
import re
import unicodedata

# Names generated code reads (the modules it runs with, the builtins it calls, the function it
# defines) and every name Python gives a meaning of its own.
RESERVED = frozenset(
    {"math", "np", "value_and_grad"}
    | set(keyword.kwlist)
    | set(keyword.softkwlist)
    | set(dir(builtins))
)

LONGEST_IDENTIFIER = 40  # characters, before a suffix that makes it unique
LONGEST_SHOWN = 48  # characters of a name shown in a comment

# Operators written as words, so that ``a - b`` and ``a + b`` get different names.
_OPERATOR_WORDS = {"+": "plus", "-": "minus", "−": "minus", "/": "over", "**": "pow"}
_OPERATOR = re.compile(r"\*\*|[+\-−/]")
# Accents that name something in the lecture (x̂, x̄); other accents are dropped.
_MARK_WORDS = {"\u0302": "hat", "\u0304": "bar", "\u0303": "tilde", "\u0307": "dot"}
_WORD = re.compile(r"[A-Za-z0-9]+")


def identifier(wanted: str) -> str:
    """``wanted`` as a plain ASCII identifier: ``w1*x`` → ``w1_x``, ``h₁`` → ``h1``, ``μ`` → ``mu``.

    Not unique and not checked against reserved names: ``Names.claim`` does that.
    """
    text = unicodedata.normalize("NFKC", wanted)
    text = _OPERATOR.sub(lambda found: f" {_OPERATOR_WORDS[found.group()]} ", text)
    pieces: list[str] = []
    for char in unicodedata.normalize("NFKD", text):
        if char.isascii():
            pieces.append(char)
        elif unicodedata.combining(char):
            pieces.append(f" {_MARK_WORDS.get(char, '')} ")
        else:
            pieces.append(f" {_spelled(char)} ")
    name = "_".join(_WORD.findall("".join(pieces)))[:LONGEST_IDENTIFIER].strip("_") or "v"
    return f"v{name}" if name[0].isdigit() else name


def _spelled(char: str) -> str:
    """A non-ASCII character in ASCII: a letter by its name (``σ`` → ``sigma``), a digit as a
    digit, anything else a separator."""
    if char.isdecimal():
        return str(unicodedata.decimal(char))
    if not char.isalpha():
        return ""
    name = unicodedata.name(char, "")
    if " LETTER " in name:
        words = name.split(" LETTER ", 1)[1].lower()
        letter = "_".join(_WORD.findall(words))
        if letter:
            return letter.capitalize() if " CAPITAL " in name else letter
    return f"u{ord(char):04x}"


class Names:
    """Hands out identifiers for the nodes, each once, with ``g_name`` kept for its gradient."""

    def __init__(self, also_reserved: tuple[str, ...] = ()) -> None:
        self.taken: set[str] = set(RESERVED) | set(also_reserved)

    def free(self, name: str) -> bool:
        return name not in self.taken and f"g_{name}" not in self.taken

    def claim(self, wanted: str) -> str:
        """A fresh identifier for ``wanted`` (any text): ``identifier(wanted)``, made unique."""
        base = identifier(wanted)
        name, suffix = base, 1
        while not self.free(name):
            suffix += 1
            name = f"{base}_{suffix}"
        self.taken.update((name, f"g_{name}"))
        return name


def comment(text: str) -> str:
    """``text`` for a comment: backslashes doubled, anything not printable (line and paragraph
    separators, control and format characters) written as an escape, so it stays on one line."""
    if text.isprintable() and "\\" not in text:
        return text
    return "".join(_escaped(char) for char in text)


def _escaped(char: str) -> str:
    if char == "\\":
        return "\\\\"
    if char.isprintable():
        return char
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def shortened(name: str) -> str:
    """A node's name as a comment shows it: cut short past ``LONGEST_SHOWN`` characters."""
    return name if len(name) <= LONGEST_SHOWN else f"{name[:LONGEST_SHOWN - 1]}…"
