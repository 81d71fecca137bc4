"""Writing files atomically: a crash or an error never leaves a half-written or missing file."""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path


def write_atomically(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same directory, then rename.

    Until the final ``os.replace`` nothing at ``path`` changes; on any error the temporary file
    is removed and an existing file is left exactly as it was. The data is flushed to disk
    before the rename. An existing file keeps its permissions; a new one gets the usual
    ``0o666`` less the process umask (as ``open(path, "w")`` would give), never a private 0600.
    If ``path`` is a symbolic link, the file it points to is replaced and the link stays, as
    ``open(path, "w")`` would do. Text is written as UTF-8. Returns ``path``.

    The temporary file's name is at most 54 bytes (``.``, the first bytes of the file's name,
    a random token, ``.tmp``), so any name the file system accepts can be written.
    """
    given = Path(path)
    target = Path(os.path.realpath(given)) if given.is_symlink() else given
    payload = data.encode("utf-8") if isinstance(data, str) else data
    temporary = target.with_name(_temporary_name(target.name))
    # O_EXCL: never follow or reuse someone else's file; mode 0o666 is reduced by the umask
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(payload)
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, target.stat().st_mode & 0o7777)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _sync_directory(target.parent)
    return given


# Bytes of the file's name kept in the temporary name: enough to tell whose it is, and short
# enough that the temporary name (at most 1 + 32 + 1 + 16 + 4 = 54 bytes) fits any name limit.
_NAME_BYTES_KEPT = 32


def _temporary_name(name: str) -> str:
    """``.model.json.3f9c0a1b2d4e5f60.tmp``: a short, unique name for the temporary file.

    A long name is cut to its first characters that take at most ``_NAME_BYTES_KEPT`` bytes
    on disk, so the temporary name is never longer than the file system allows, even when
    ``name`` itself is just within the limit (255 bytes on most).
    """
    kept = name[:_NAME_BYTES_KEPT]
    while len(os.fsencode(kept)) > _NAME_BYTES_KEPT:
        kept = kept[:-1]
    return f".{kept}.{uuid.uuid4().hex[:16]}.tmp"


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable, where the platform can open a directory (POSIX)."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
