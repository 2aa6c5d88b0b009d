"""Atomic output: write to a temporary file beside the target, then rename over it.

The one output policy of marsound:

* a temporary file in the destination folder (same file system: the rename is atomic),
  renamed over the target only when complete; removed on any error and on SIGINT/SIGTERM/SIGHUP
  (the CLI turns those signals into an exception, see :mod:`marsound.cli.main`);
* several files that belong together (audio + sidecar) are committed by :func:`atomic_paths`:
  all temporaries are written first, then renamed under a lock on the folder (two runs writing
  the same outputs take turns); if a rename fails the ones already renamed are removed again,
  so a run never leaves one without the other;
* outputs get the permissions of a normally created file (``0o666`` minus the umask), not the
  ``0o600`` of :func:`tempfile.mkstemp`;
* a path that cannot be written (folder cannot be created, a folder in the way, a name too
  long, read-only place) raises :class:`~marsound.errors.OutputError` naming it.

This is the one place where marsound commits an output file: every writer (sound files,
figures, JSON, HTML, tables) goes through :func:`atomic_path` or :func:`atomic_paths`. The
temporaries still open are listed by :func:`pending_temporaries`, so a signal handler can
remove them in one place.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from marsound.errors import InvalidParameterError, OutputError

_PENDING: set[Path] = set()


def pending_temporaries() -> frozenset[Path]:
    """Temporary files of outputs being written right now (not yet renamed, not yet removed)."""
    return frozenset(_PENDING)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def output_dir(path: str | Path) -> Path:
    """Create the output folder ``path`` (and its parents) if needed; refuse a file in the way.

    Raises
    ------
    OutputError
        If the folder cannot be created or a file stands where it should be.
    """
    p = Path(path)
    try:
        p.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"cannot create output folder {p}: a file is in the way") from None
    except OSError as exc:
        raise OutputError(f"cannot create output folder {p}: {_why(exc)}") from None
    return p


def _prepare(target: Path, inputs: Sequence[str | Path]) -> Path:
    for src in inputs:
        try:
            if Path(src).resolve() == target.resolve():
                raise InvalidParameterError(f"output path {target} is the same as input {src}")
        except OSError:
            pass
    try:
        in_the_way = target.is_dir()
    except OSError as exc:  # e.g. the name is too long
        raise OutputError(f"cannot write {target}: {_why(exc)}") from None
    if in_the_way:
        raise OutputError(f"cannot write {target}: a folder is in the way")
    output_dir(target.parent)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part" + target.suffix, dir=target.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {_why(exc)}") from None
    os.close(fd)
    _PENDING.add(Path(tmp_name))
    return Path(tmp_name)


def _commit(tmp: Path, target: Path) -> None:
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {_why(exc)}") from None


@contextlib.contextmanager
def _folder_lock(folder: Path | None) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``folder`` (POSIX; nothing elsewhere or for ``None``).

    Two runs committing the same set of files (audio + sidecar) take turns, so the folder never
    ends with one run's audio beside the other's sidecar. No lock file is left behind.
    """
    if folder is None:
        yield
        return
    try:
        import fcntl

        fd = os.open(folder, os.O_RDONLY)
    except (ImportError, OSError):
        yield
        return
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


@contextlib.contextmanager
def atomic_path(target: str | Path, *, inputs: tuple[str | Path, ...] = ()) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success rename it to ``target``.

    On any exception (or signal, see the module docstring) the temporary file is removed and
    ``target`` is left untouched. ``inputs`` are paths that must not be overwritten (an output
    equal to an input is refused).

    Examples
    --------
    >>> with atomic_path("out.png") as tmp:          # doctest: +SKIP
    ...     fig.savefig(tmp, format="png")
    """
    with atomic_paths([target], inputs=inputs) as (tmp,):
        yield tmp


@contextlib.contextmanager
def atomic_paths(targets: Sequence[str | Path], *, inputs: tuple[str | Path, ...] = ()) -> Iterator[list[Path]]:
    """Like :func:`atomic_path` for files committed together: all of them, or none."""
    paths = [Path(t) for t in targets]
    tmps: list[Path] = []
    done: list[Path] = []
    try:
        for t in paths:
            tmps.append(_prepare(t, inputs))
        yield list(tmps)
        with _folder_lock(paths[0].parent if len(paths) > 1 else None):
            for tmp, t in zip(tmps, paths):
                _commit(tmp, t)
                done.append(t)
    except BaseException:
        for tmp in tmps:
            with contextlib.suppress(OSError):
                tmp.unlink()
        for t in done:  # a later rename failed: take back the ones already made
            with contextlib.suppress(OSError):
                t.unlink()
        raise
    finally:
        _PENDING.difference_update(tmps)


def write_text_atomic(target: str | Path, text: str) -> Path:
    """Write text (UTF-8) atomically; returns the target path."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)
