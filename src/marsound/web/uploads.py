"""Uploaded files: copied from the parsed multipart form to a private folder, then handed to the library."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import BinaryIO

from marsound.errors import FileFormatError

_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,8}$")


def safe_suffix(filename: str | None) -> str:
    """The file name's suffix if it is short and alphanumeric (``.wav``), else ``""``.

    The client's file name is never used as a path: only this suffix is kept, because the
    decoders pick a format from it.
    """
    if not filename:
        return ""
    suffix = Path(filename.replace("\\", "/")).suffix
    return suffix.lower() if _SUFFIX.match(suffix) else ""


def save_upload(src: BinaryIO, filename: str | None, folder: Path, *, stem: str = "input") -> Path:
    """Copy an uploaded file object into ``folder`` as ``stem + suffix``; refuse an empty file."""
    path = folder / f"{stem}{safe_suffix(filename)}"
    src.seek(0)
    with open(path, "xb") as out:
        shutil.copyfileobj(src, out, length=1 << 20)
    if path.stat().st_size == 0:
        raise FileFormatError(f"uploaded file {filename or '(unnamed)'!r} is empty")
    return path
