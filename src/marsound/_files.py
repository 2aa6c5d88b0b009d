"""The input policy: which files marsound reads, and limits checked before anything is allocated.

Every reader of a user-supplied file calls :func:`regular_file` first: only regular files are
read (a FIFO, a device, a socket or a folder is refused at once: opening a FIFO would block
forever, ``/dev/zero`` never ends). Sizes that a small file can claim (an image's pixel count,
a table's rows) are checked against the named budgets below before decoding.
:func:`find_files` expands folders and globs without following symbolic links to folders, so a
link loop cannot make the expansion grow without end.
"""

from __future__ import annotations

import glob as _glob
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from marsound.errors import FileFormatError

#: Largest decoded image accepted [pixels] (8000 x 6250; a 12-bit 50 MP photo is about 150 MB as BGR8).
MAX_IMAGE_PIXELS = 50_000_000

_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def regular_file(path: str | os.PathLike[str], what: str = "input", *, max_bytes: int | None = None) -> Path:
    """Return ``path`` if it names an existing regular file (symbolic links followed), else raise.

    Only ``stat`` is called: nothing is opened, so a FIFO cannot block. ``max_bytes`` bounds the
    size of files that are read whole (text tables, JSON).

    Raises
    ------
    FileFormatError
        ``"<what> <path> does not exist"``, ``"... is a folder, not a regular file"`` or
        ``"... is a FIFO (named pipe), not a regular file"`` (devices, sockets alike).
    """
    p = Path(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise FileFormatError(f"{what} {p} does not exist") from None
    except OSError as exc:
        raise FileFormatError(f"{what} {p} cannot be read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise FileFormatError(f"{what} {p} is a folder, not a regular file")
    if not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a file")
        raise FileFormatError(f"{what} {p} is {kind}, not a regular file")
    if max_bytes is not None and st.st_size > max_bytes:
        raise FileFormatError(f"{what} {p} is {st.st_size:,} bytes, over the limit of {max_bytes:,}")
    return p


def check_pixels(width: int, height: int, what: str, *, frames: int = 1) -> None:
    """Refuse an image (or video frame) whose decoded size exceeds :data:`MAX_IMAGE_PIXELS`.

    Raises
    ------
    FileFormatError
        Naming the dimensions and the budget; also for non-positive dimensions.
    """
    w, h = int(width), int(height)
    if w <= 0 or h <= 0:
        raise FileFormatError(f"{what}: invalid dimensions {w} x {h} pixels")
    if w * h > MAX_IMAGE_PIXELS:
        raise FileFormatError(
            f"{what}: {w} x {h} = {w * h:,} pixels exceeds the limit of {MAX_IMAGE_PIXELS:,} pixels per frame"
        )


def image_header_size(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    """The ``(width, height)`` an image file declares in its header, without decoding it.

    Uses Pillow's lazy ``Image.open`` (reads the header only); ``None`` when Pillow does not
    recognise the format (the decoder will then reject or decode it).
    """
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own budget applies
            with Image.open(path) as im:
                return int(im.size[0]), int(im.size[1])
    except Image.DecompressionBombError as exc:  # far beyond any budget (Pillow refuses to open it)
        raise FileFormatError(f"{path}: too many pixels to decode ({exc})".replace("\n", " ")) from None
    except Exception:
        return None


def check_image_file(
    path: str | os.PathLike[str], what: str | None = None, *, max_bytes: int | None = None
) -> Path:
    """:func:`regular_file` (with ``max_bytes``) plus the pixel budget of the dimensions its header declares."""
    p = regular_file(path, "image or video", max_bytes=max_bytes)
    size = image_header_size(p)
    if size is not None:
        check_pixels(*size, what or str(p))
    return p


def find_files(spec: str | os.PathLike[str], suffixes: Iterable[str]) -> list[Path]:
    """Regular files named by a folder (searched recursively), a glob pattern or a single file.

    Symbolic links to files are kept; links to folders are not descended (a loop cannot grow
    the search), and each file appears once (by its resolved path). Only files whose suffix
    (lower-cased) is in ``suffixes``; sorted.
    """
    wanted = {s.lower() for s in suffixes}
    p = Path(spec)
    found: list[Path] = []
    if p.is_dir():
        for root, dirs, files in os.walk(p, followlinks=False):
            dirs.sort()
            found.extend(Path(root) / f for f in files)
    elif p.is_file():
        found = [p]
    else:
        found = [Path(f) for f in _iglob_no_links(str(spec))]
    seen: set[Path] = set()
    out: list[Path] = []
    for f in sorted(found, key=lambda f: (f.is_symlink(), str(f))):  # a file before its aliases
        if f.suffix.lower() not in wanted:
            continue
        try:
            if not stat.S_ISREG(os.stat(f).st_mode):
                continue
            key = f.resolve()
        except OSError:
            continue
        if key not in seen:
            seen.add(key)
            out.append(f)
    return sorted(out)


def _iglob_no_links(pattern: str) -> list[str]:
    """``glob(pattern, recursive=True)`` where ``**`` does not descend symbolic links to folders."""
    if "**" not in pattern:
        return _glob.glob(pattern)
    head, _, tail = pattern.partition("**")
    tail = tail.lstrip("/" + os.sep)
    roots = _glob.glob(head) if _glob.has_magic(head) else [head or "."]
    out: list[str] = []
    for root in roots:
        if not os.path.isdir(root):
            continue
        for folder, dirs, _files in os.walk(root, followlinks=False):
            dirs.sort()
            sub = os.path.join(folder, tail) if tail else folder
            out.extend(_iglob_no_links(sub) if "**" in tail else _glob.glob(sub))
    return out
