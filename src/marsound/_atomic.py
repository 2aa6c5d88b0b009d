"""Atomic output: write to a temporary file beside the target, then rename over it.

This is the one place where marsound commits an output file: every writer (sound files,
figures, JSON, HTML, tables) goes through :func:`atomic_path`. The temporaries still open are
listed by :func:`pending_temporaries`, so a signal handler can remove them in one place.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from marsound.errors import InvalidParameterError

_PENDING: set[Path] = set()


def _default_file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_FILE_MODE = _default_file_mode()  # mkstemp makes 0600 files; outputs get the usual mode


def pending_temporaries() -> frozenset[Path]:
    """Temporary files of outputs being written right now (not yet renamed, not yet removed)."""
    return frozenset(_PENDING)


@contextlib.contextmanager
def atomic_path(target: str | Path, *, inputs: tuple[str | Path, ...] = ()) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success rename it to ``target``.

    On any exception the temporary file is removed and ``target`` is left untouched.
    ``inputs`` are paths that must not be overwritten (an output equal to an input is refused).

    Examples
    --------
    >>> with atomic_path("out.png") as tmp:          # doctest: +SKIP
    ...     fig.savefig(tmp, format="png")
    """
    target = Path(target)
    for src in inputs:
        try:
            if Path(src).resolve() == target.resolve():
                raise InvalidParameterError(f"output path {target} is the same as input {src}")
        except OSError:
            pass
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part" + target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    _PENDING.add(tmp)
    try:
        yield tmp
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    finally:
        _PENDING.discard(tmp)


def write_text_atomic(target: str | Path, text: str) -> Path:
    """Write text (UTF-8) atomically; returns the target path."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)
