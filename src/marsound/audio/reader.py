"""Read a checked sound file: whole, a slice, or block by block with one reused buffer.

:class:`AudioReader` wraps :func:`~marsound.audio.probe.probe`; its blocks are ``(frames, channels)``
float32 or mixed down to mono (channel mean). Non-finite samples are a policy of the caller:
``nonfinite="error"`` (the default) refuses the file at the first NaN/inf and names its frame;
``nonfinite="allow"`` hands them on (SuperCam LIBS products are NaN between their shot windows).
A file that ends before its header said is refused as truncated, whatever the policy.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from marsound._validate import first_nonfinite_frame
from marsound.audio.info import DEFAULT_BLOCK_FRAMES, VIDEO_SUFFIXES, AudioInfo, check_regular_file
from marsound.audio.probe import probe
from marsound.audio.video import open_video
from marsound.errors import FileFormatError, InvalidParameterError

NonFinitePolicy = Literal["error", "allow"]
NONFINITE_POLICIES: tuple[NonFinitePolicy, ...] = ("error", "allow")


class AudioReader:
    """A sound file (or a video's soundtrack) opened for reading.

    Parameters
    ----------
    path : str or Path
        See :func:`~marsound.audio.probe.probe`.
    nonfinite : {"error", "allow"}
        What a NaN/inf sample does: raise :class:`~marsound.errors.FileFormatError` naming the
        first bad frame, or pass through.
    what : str
        How error messages name the file.

    Examples
    --------
    >>> reader = AudioReader("in.wav")                          # doctest: +SKIP
    >>> for block in reader.blocks(mono=True):                  # doctest: +SKIP
    ...     peak = max(peak, abs(block).max())
    """

    def __init__(self, path: str | Path, *, nonfinite: NonFinitePolicy = "error", what: str = "input") -> None:
        if nonfinite not in NONFINITE_POLICIES:
            raise InvalidParameterError(f"nonfinite={nonfinite!r}; known: {', '.join(NONFINITE_POLICIES)}")
        self.what = what
        self.nonfinite: NonFinitePolicy = nonfinite
        self.info: AudioInfo
        self._video: NDArray[np.float32] | None = None
        if Path(path).suffix.lower() in VIDEO_SUFFIXES:
            self.info, self._video = open_video(check_regular_file(path, what=what), what=what)
        else:
            self.info = probe(path, what=what)

    @property
    def path(self) -> Path:
        return self.info.path

    def _check(self, block: NDArray[np.float32], first_frame: int) -> None:
        if self.nonfinite == "error":
            bad = first_nonfinite_frame(block)
            if bad is not None:
                raise FileFormatError(
                    f"{self.what} {self.path} contains NaN or infinite samples (first at frame {first_frame + bad})"
                )

    def _range(self, start: int, stop: int | None) -> tuple[int, int]:
        a = max(0, int(start))
        b = self.info.frames if stop is None else min(int(stop), self.info.frames)
        return a, max(a, b)


    def blocks(
        self,
        start: int = 0,
        stop: int | None = None,
        *,
        block_frames: int = DEFAULT_BLOCK_FRAMES,
        mono: bool = False,
        copy: bool = False,
        buffers: int = 1,
    ) -> Iterator[NDArray[np.float32]]:
        """Consecutive float32 blocks of frames ``[start, stop)``.

        ``(frames, channels)`` blocks, or 1-D channel means with ``mono``. Unless ``copy``, each
        block is a view of one of ``buffers`` reused buffers (taken in turn), valid until
        ``buffers`` more blocks have been requested (a prefetching thread needs a few).

        Raises
        ------
        FileFormatError
            The file ends early (truncated or corrupt) or, with ``nonfinite="error"``, holds NaN/inf.
        """
        a, b = self._range(start, stop)
        block_frames = int(block_frames)
        if block_frames < 1:
            raise InvalidParameterError(f"block_frames={block_frames!r} must be >= 1")
        if a >= b:
            return
        if self.info.is_video:
            data = self._video
            assert data is not None
            for i in range(a, b, block_frames):
                blk = data[i : min(i + block_frames, b)]
                self._check(blk, i)
                out = _mix(blk, None) if mono else blk
                yield out.copy() if copy else out
            return
        import soundfile as sf

        if int(buffers) < 1:
            raise InvalidParameterError(f"buffers={buffers!r} must be >= 1")
        n_ch = self.info.channels
        rows = min(block_frames, b - a)
        bufs = [np.empty((rows, n_ch), dtype=np.float32) for _ in range(int(buffers))]
        mono_bufs = [np.empty(rows, dtype=np.float32) for _ in bufs] if mono and n_ch > 1 else None
        pos = a
        k = 0
        try:
            with sf.SoundFile(str(self.path)) as fh:
                if a:
                    fh.seek(a)
                while pos < b:
                    n = min(block_frames, b - pos)
                    i, k = k, (k + 1) % len(bufs)
                    blk = fh.read(n, dtype="float32", always_2d=True, out=bufs[i][:n])
                    if blk.shape[0] == 0:
                        raise FileFormatError(
                            f"{self.what} {self.path} ended {b - pos} frames early (truncated or corrupt)"
                        )
                    self._check(blk, pos)
                    pos += blk.shape[0]
                    out = _mix(blk, None if mono_bufs is None else mono_bufs[i]) if mono else blk
                    yield out.copy() if copy else out
        except sf.LibsndfileError as exc:
            raise FileFormatError(f"error reading {self.what} {self.path} at frame {pos}: {exc}") from None

    def read(self, start: int = 0, stop: int | None = None, *, mono: bool = False) -> NDArray[np.float32]:
        """Frames ``[start, stop)`` as a new array (``(frames, channels)``, or 1-D with ``mono``)."""
        a, b = self._range(start, stop)
        shape: tuple[int, ...] = (b - a,) if mono else (b - a, self.info.channels)
        out = np.empty(shape, dtype=np.float32)
        i = 0
        for blk in self.blocks(a, b, mono=mono):
            out[i : i + blk.shape[0]] = blk
            i += blk.shape[0]
        if i != b - a:
            raise FileFormatError(f"{self.what} {self.path}: expected {b - a} frames, read {i} (truncated?)")
        return out

    def __repr__(self) -> str:
        i = self.info
        return f"AudioReader({str(i.path)!r}, {i.sample_rate_hz:g} Hz, {i.frames} frames, {i.channels} ch)"


def _mix(block: NDArray[np.float32], out: NDArray[np.float32] | None) -> NDArray[np.float32]:
    """Channel mean of a ``(frames, channels)`` block (into ``out`` when given)."""
    if block.shape[1] == 1:
        return block[:, 0]
    if out is None:
        return block.mean(axis=1, dtype=np.float32)
    dst = out[: block.shape[0]]
    np.mean(block, axis=1, dtype=np.float32, out=dst)
    return dst


def read_audio_array(
    path: str | Path, *, mono: bool = False, nonfinite: NonFinitePolicy = "error"
) -> tuple[NDArray[np.float32], float]:
    """Read a whole sound file (or video soundtrack): ``(samples, sample_rate_hz)``."""
    reader = AudioReader(path, nonfinite=nonfinite)
    return reader.read(mono=mono), reader.info.sample_rate_hz
