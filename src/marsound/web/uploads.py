"""Uploaded files: copied from the parsed multipart form to a private folder, then handed to the library."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import BinaryIO

from marsound.errors import FileFormatError

_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,8}$")
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def safe_suffix(filename: str | None) -> str:
    """The file name's suffix if it is short and alphanumeric (``.wav``), else ``""``.

    The client's file name is never used as a path: only this suffix is kept, because the
    decoders pick a format from it.
    """
    if not filename:
        return ""
    suffix = Path(filename.replace("\\", "/")).suffix
    return suffix.lower() if _SUFFIX.match(suffix) else ""


def safe_stem(filename: str | None, default: str) -> str:
    """The file name's stem reduced to ``[A-Za-z0-9_-]`` (at most 64 characters), or ``default``."""
    if not filename:
        return default
    stem = _UNSAFE.sub("_", Path(filename.replace("\\", "/")).stem).strip("_")[:64]
    return stem or default


def save_upload(src: BinaryIO, filename: str | None, folder: Path, *, stem: str = "input") -> Path:
    """Copy an uploaded file object into ``folder/upload/``; refuse an empty file.

    The copy is named after the client's file name reduced to safe characters (so messages and
    reports name the user's file), ``stem`` when there is none. ``folder`` is private to the
    request; the ``upload`` subfolder keeps uploads apart from the outputs written beside them.
    """
    (folder / "upload").mkdir(exist_ok=True)
    path = folder / "upload" / f"{safe_stem(filename, stem)}{safe_suffix(filename)}"
    src.seek(0)
    if path.exists():
        path = path.with_name(f"{stem}-{path.name}")
    with open(path, "xb") as out:
        shutil.copyfileobj(src, out, length=1 << 20)
    if path.stat().st_size == 0:
        raise FileFormatError(f"uploaded file {filename or '(unnamed)'!r} is empty")
    return path
