"""Atomic sound-file output of the descent soundtrack (float WAV + sidecar committed together).

Temporary: replaced by :mod:`marsound.audio`'s writer once it is on main.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from types import TracebackType

import numpy as np
from numpy.typing import NDArray

from marsound._atomic import atomic_path
from marsound.rendering.audio_io import output_format

__all__ = ["SoundWriter", "output_format"]


class SoundWriter:
    """Write mono float32 blocks to ``path`` atomically; sidecars are committed with it."""

    def __init__(self, path: Path, sample_rate_hz: int, *, comment: str = "") -> None:
        self.path = Path(path)
        self.sample_rate_hz = int(sample_rate_hz)
        self.comment = comment
        self.frames = 0
        self._stack = contextlib.ExitStack()
        self._file: object = None
        self._sidecars: list[tuple[Path, str]] = []

    def __enter__(self) -> SoundWriter:
        import soundfile as sf

        fmt, subtype = output_format(self.path)
        tmp = self._stack.enter_context(atomic_path(self.path))
        f = sf.SoundFile(str(tmp), "w", self.sample_rate_hz, 1, subtype, format=fmt)
        if self.comment:
            with contextlib.suppress(RuntimeError, sf.LibsndfileError):
                f.comment = self.comment[:500]
                f.software = "marsound landing sound"
        self._file = f
        self._stack.callback(f.close)
        return self

    def write(self, block: NDArray[np.float32]) -> None:
        self._file.write(block)  # type: ignore[attr-defined]
        self.frames += block.shape[0]

    def add_sidecar(self, path: Path, text: str) -> None:
        self._sidecars.append((path, text))

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self._file.close()  # type: ignore[attr-defined]
            for path, text in self._sidecars:
                tmp = self._stack.enter_context(atomic_path(path))
                tmp.write_text(text, encoding="utf-8")
        self._stack.__exit__(exc_type, exc, tb)
