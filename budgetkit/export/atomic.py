"""Write an output file atomically: into a hidden temporary file beside it, then renamed over
it, so a crash or a kill never leaves a half-written file that looks complete (and an older
complete file stays until the new one is)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..errors import WriteError


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomically(path: str | Path, write: Callable[[Path], object]) -> Path:
    """Call `write(tmp)` to fill a temporary file next to `path`, then rename it to `path`.

    Raises `WriteError` (naming `path`) when the folder is missing or not writable, `path`
    is a folder, or writing fails (a full disk); the temporary file is removed then.
    """
    dest = Path(path)
    if dest.is_dir():
        raise WriteError(dest, "is a folder; give a file name")
    folder = dest.parent
    if not folder.is_dir():
        raise WriteError(dest, f"the folder {str(folder)!r} does not exist")
    try:
        fd, name = tempfile.mkstemp(dir=folder, prefix=f".{dest.name}.", suffix=".tmp")
    except OSError as exc:
        raise WriteError(dest, f"cannot write here ({exc.strerror or exc})") from None
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; give it the usual mode
        os.replace(tmp, dest)
    except OSError as exc:
        raise WriteError(dest, f"cannot write ({exc.strerror or exc})") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return dest


def write_text_atomically(path: str | Path, text: str, *, bom: bool = False) -> Path:
    """Write UTF-8 text atomically; `bom` adds the UTF-8 byte-order mark Excel needs to
    open Chinese CSV correctly."""
    data = (("\ufeff" if bom else "") + text).encode("utf-8")
    return write_atomically(path, lambda tmp: tmp.write_bytes(data))
