"""Saving a model's parameters to a JSON file atomically, and loading them back exactly.

A file looks like this (floats are written with ``repr``, so they read back bit for bit)::

    {
      "format": "backprop-lab model",
      "version": 1,
      "architecture": {"type": "MLP", "nin": 2, "sizes": [4, 1], ...},
      "parameters": {"layers.0.neurons.0.w.0": 0.123, ...}
    }

Loading checks the whole file before touching the model: a file from another architecture,
a truncated or malformed file, a file that is not UTF-8 text, a value of the wrong type,
NaN/Infinity, a key this format does not have, nesting too deep or a number too long to read,
or a file larger than ``MAX_FILE_BYTES`` raises ``ModelFileError`` (a ValueError naming the
file and the problem) and changes nothing.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from os import PathLike
from typing import Any, Protocol

from autograd.files import write_atomically

from .errors import StateDictError

FORMAT = "backprop-lab model"
VERSION = 1
KEYS = ("format", "version", "architecture", "parameters")  # a file has these, and no others
# The largest file ``load`` reads. A model of 100,000 parameters (far more than a scalar engine
# trains) takes about 6 MB; reading stops here, before a huge file fills the memory.
MAX_FILE_BYTES = 64 * 1024 * 1024


class Model(Protocol):
    """What saving and loading need of a model (``nn.Module`` has it all)."""

    def architecture(self) -> dict[str, Any]: ...

    def state_dict(self) -> dict[str, float]: ...

    def load_state_dict(self, state: Mapping[str, Any]) -> None: ...


class ModelFileError(StateDictError):
    """A model file cannot be loaded into this model; the message names the file and why."""


def save(model: Model, path: str | PathLike[str]) -> None:
    """Write ``model``'s architecture and parameters to ``path`` as JSON, atomically.

    The text is written to a temporary file in the same directory, flushed and synced to
    disk, then renamed over ``path`` with ``os.replace``: a crash or error at any point
    leaves either the old file or the new one, never half a file. An existing file keeps its
    permissions; a new one gets the usual ones (0o666 less the umask). A model with a
    non-finite parameter is refused (ValueError naming it) before anything is written.
    """
    path = os.fspath(path)
    state = model.state_dict()
    for name, value in state.items():
        if not math.isfinite(value):
            raise ValueError(f"save: parameter {name!r} is {value!r}; only finite values are saved")
    document = {
        "format": FORMAT,
        "version": VERSION,
        "architecture": model.architecture(),
        "parameters": state,
    }
    text = json.dumps(document, indent=2, allow_nan=False) + "\n"
    write_atomically(path, text)


def load(model: Model, path: str | PathLike[str]) -> None:
    """Load parameters saved by ``save`` into ``model``; ``ModelFileError`` if they don't fit.

    Everything is checked first (format, version, architecture, names, types, finiteness),
    then every parameter is assigned, so on error the model is exactly as it was.
    """
    path = os.fspath(path)
    with open(path, "rb") as file:
        raw = file.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise ModelFileError(
            f"{path}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, the most a model file may "
            f"be (nn.serialization.MAX_FILE_BYTES); not read"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ModelFileError(
            f"{path}: not a backprop-lab model file (not UTF-8 text: {error})"
        ) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ModelFileError(f"{path}: not a complete JSON model file ({error})") from None
    except RecursionError:
        raise ModelFileError(f"{path}: not a model file (JSON nested too deeply)") from None
    except ValueError as error:  # an integer of thousands of digits
        raise ModelFileError(
            f"{path}: not a model file (a number cannot be read: {error})"
        ) from None
    parameters = _check_document(document, model, path)
    # load_state_dict checks every name and value (type, NaN/Infinity) before assigning any.
    try:
        model.load_state_dict(parameters)
    except StateDictError as error:
        raise ModelFileError(f"{path}: {error}") from None


def _check_document(document: Any, model: Model, path: str) -> dict[str, Any]:
    """The ``parameters`` of a well-formed file made by ``model``'s architecture."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ModelFileError(f"{path}: not a backprop-lab model file (no \"format\": {FORMAT!r})")
    unknown = [key for key in document if key not in KEYS]
    if unknown:
        raise ModelFileError(
            f"{path}: unknown key {_quoted(unknown[0])} in a model file "
            f"(it has only {', '.join(KEYS)})"
        )
    version = document.get("version")
    if type(version) is not int or version != VERSION:
        raise ModelFileError(
            f"{path}: unsupported format version {_quoted(version)} "
            f"(this backprop-lab reads {VERSION})"
        )
    architecture = document.get("architecture")
    expected = model.architecture()
    if architecture != expected:
        raise ModelFileError(
            f"{path}: saved from another architecture: the file has {_quoted(architecture)}, "
            f"this model is {expected!r}"
        )
    parameters = document.get("parameters")
    if not isinstance(parameters, dict):
        raise ModelFileError(
            f"{path}: \"parameters\" must be an object of names to numbers, "
            f"got {type(parameters).__name__}"
        )
    return parameters


def _quoted(thing: object, limit: int = 300) -> str:
    """``repr(thing)`` for a message, cut at ``limit`` characters: a file can hold anything."""
    text = repr(thing)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text):,} characters in all)"
