"""Write sound files atomically: WAV/AIFF/CAF as float, FLAC/Ogg and PCM subtypes with clipping counted.

Every file is written to a temporary path beside the target and renamed over it only when the
last block is in (:func:`marsound._atomic.atomic_path`): an error leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import functools
import struct
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import numpy as np
from numpy.typing import ArrayLike, NDArray

from marsound._atomic import atomic_path
from marsound._validate import audio_samples, positive_finite
from marsound.audio.probe import WAV_FORMAT_FLOAT
from marsound.errors import FileFormatError, InvalidParameterError

FLOAT_FORMATS = ("WAV", "WAVEX", "RF64", "W64", "AIFF", "CAF")
"""Containers written as 32-bit float by default (no clipping)."""
SUFFIX_TO_FORMAT = {"aif": "AIFF", "aiff": "AIFF", "oga": "OGG", "opus": "OGG"}
WAV_LIMIT_BYTES = 4_000_000_000
"""A RIFF size field is 32 bits: WAV outputs beyond this become RF64 (EBU Tech 3306)."""
FLOAT_SUBTYPES = ("FLOAT", "DOUBLE")


def output_format(
    path: str | Path, *, frames: int = 0, channels: int = 1, subtype: str | None = None
) -> tuple[str, str]:
    """``(format, subtype)`` for an output path, from its suffix.

    Float formats (WAV, AIFF, ...) are written as 32-bit float (no clipping) unless ``subtype``
    asks otherwise (e.g. ``"PCM_16"``); FLAC as 24-bit PCM; Ogg as Vorbis. WAV outputs over 4 GB
    become RF64.

    Raises
    ------
    FileFormatError
        Unknown or unsupported suffix, or a subtype the format cannot hold.
    """
    import soundfile as sf

    suffix = Path(path).suffix.lower().lstrip(".")
    known = sf.available_formats()
    fmt = SUFFIX_TO_FORMAT.get(suffix, suffix.upper())
    if not suffix or fmt not in known:
        names = ", ".join(sorted(k.lower() for k in known))
        raise FileFormatError(
            f"unsupported output format {Path(path).suffix or '(no suffix)'!r} for {path}; use one of: {names}"
        )
    if subtype is None:
        if fmt in FLOAT_FORMATS:
            subtype = "FLOAT"
        elif fmt == "FLAC":
            subtype = "PCM_24"
        else:
            subtype = sf.default_subtype(fmt)
    if fmt == "WAV" and frames * channels * 4 > WAV_LIMIT_BYTES:
        fmt = "RF64"
    if not sf.check_format(fmt, subtype):
        raise FileFormatError(f"output format {fmt}/{subtype} is not supported by this libsndfile")
    return fmt, str(subtype)


@functools.cache
def _unsynced_soundfile() -> type:
    """:class:`soundfile.SoundFile` whose ``close()`` does not ``fsync(2)`` the file.

    soundfile's ``close()`` calls ``flush()``, i.e. libsndfile's ``sf_write_sync``, which waits
    until the whole file is on the disk (0.25 s for a 115 MB WAV, as long as filtering it). No
    other marsound output is synced, nor are SoX's or cp's: an output is atomic against errors and
    signals (temporary file + rename, :mod:`marsound._atomic`), and its data reach the disk with
    the kernel's write-back. ``sf_close`` still writes the header and closes the file.
    """
    import soundfile as sf

    class UnsyncedSoundFile(sf.SoundFile):
        def flush(self) -> None:
            """Nothing: the data are already in the kernel's page cache (no fsync)."""

    return UnsyncedSoundFile


SFC_SET_ADD_PEAK_CHUNK = 0x1050
"""libsndfile's ``sf_command`` code that turns the PEAK chunk of float WAV/AIFF files on or off (sndfile.h)."""


def _without_peak_chunk(file: object) -> None:
    """Tell libsndfile not to keep a PEAK chunk (called before the first write).

    libsndfile scans every sample written to a float file for its PEAK chunk (an optional
    chunk, EBU/Microsoft RIFF extension): 5 % of the CPU of ``marsound render``. The writer
    keeps the peak itself (:attr:`AudioWriter.peak`, in the render sidecar). soundfile has no
    public call for this; if its internals (``_snd``, ``_ffi``, ``_file``) change, the chunk stays.
    """
    import soundfile as sf

    with contextlib.suppress(AttributeError, TypeError):
        sf._snd.sf_command(file._file, SFC_SET_ADD_PEAK_CHUNK, sf._ffi.NULL, 0)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class WriteReport:
    """What a writer wrote: frames, the peak |sample| after gain, samples clipped at full scale."""

    path: Path
    frames: int
    peak: float
    clipped_samples: int


class AudioWriter:
    """An output sound file written block by block and committed atomically.

    Use as a context manager: the file is renamed over the target when the ``with`` block ends
    normally (or at :meth:`commit`); an error inside the block removes the temporary file and
    leaves the target untouched. Several writers in one :class:`contextlib.ExitStack` commit
    together, after the last block of every output.

    Parameters
    ----------
    path : str or Path
        Target; its suffix picks the format (:func:`output_format`).
    sample_rate_hz : float
        Output rate [Hz] (rounded to an integer).
    channels : int
        Channels of every block written.
    gain : float
        Broadband gain applied to each block before writing.
    subtype : str, optional
        libsndfile subtype (``"PCM_16"``...); PCM subtypes clip at full scale and count the clips.
    inputs : tuple of paths
        Paths the output must not overwrite.
    frames_hint : int
        Expected length (to switch WAV to RF64 beyond 4 GB).
    """

    def __init__(
        self,
        path: str | Path,
        sample_rate_hz: float,
        channels: int,
        *,
        gain: float = 1.0,
        subtype: str | None = None,
        inputs: tuple[str | Path, ...] = (),
        frames_hint: int = 0,
    ) -> None:
        self.path = Path(path)
        self.format, self.subtype = output_format(self.path, frames=frames_hint, channels=channels, subtype=subtype)
        self.sample_rate_hz = round(positive_finite(sample_rate_hz, "sample_rate_hz"))
        self.channels = int(channels)
        self.inputs = inputs
        self.gain = np.float32(gain)
        self.clip = self.subtype not in FLOAT_SUBTYPES
        self.peak = 0.0
        self.clipped = 0
        self.frames = 0
        self._stack = contextlib.ExitStack()
        self._file: object = None
        self._committed = False
        self._closed = False

    def __enter__(self) -> AudioWriter:
        tmp = self._stack.enter_context(atomic_path(self.path, inputs=self.inputs))
        self._file = _unsynced_soundfile()(
            str(tmp), "w", self.sample_rate_hz, self.channels, self.subtype, format=self.format
        )
        if not self.clip:  # float subtypes: libsndfile would scan every sample for a PEAK chunk
            _without_peak_chunk(self._file)
        return self

    def write(self, block: NDArray[np.float32]) -> None:
        """Append ``(frames, channels)`` (or 1-D for mono) float32 samples, gain applied, PCM clipped."""
        y = block
        if y.shape[0] == 0:
            return
        if self.gain != 1:
            y = y * self.gain
        self.peak = max(self.peak, float(y.max()), -float(y.min()))  # no |y| temporary
        if self.clip and self.peak >= 1.0:
            n = int(np.count_nonzero(np.abs(y) > 1.0))
            if n:
                self.clipped += n
                y = np.clip(y, -1.0, 1.0)
        self._file.write(y)  # type: ignore[attr-defined]
        self.frames += y.shape[0]

    def close(self) -> None:
        """Close the temporary file (the rename waits for the end of the ``with`` block)."""
        if self._file is not None and not self._closed:
            self._closed = True
            self._file.close()  # type: ignore[attr-defined]

    def commit(self) -> WriteReport:
        """Close the file and rename it over the target now."""
        self.close()
        self._committed = True
        self._stack.close()
        return self.report()

    def report(self) -> WriteReport:
        """Frames, peak and clipped samples written so far."""
        return WriteReport(self.path, self.frames, self.peak, self.clipped)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._committed:
            return
        if exc_type is None:
            self.close()
        else:
            with contextlib.suppress(Exception):
                self.close()
        self._stack.__exit__(exc_type, exc, tb)  # renames on success, removes the temporary file on error


def write_audio(
    path: str | Path,
    samples: ArrayLike,
    sample_rate_hz: float,
    *,
    subtype: str | None = None,
    gain: float = 1.0,
) -> WriteReport:
    """Write samples ``(frames,)`` or ``(frames, channels)`` to ``path`` atomically.

    PCM subtypes clip at full scale; the report counts the clipped samples.

    Examples
    --------
    >>> import numpy as np
    >>> rep = write_audio("tone.flac", 1.5 * np.sin(np.arange(480) / 10), 48_000)   # doctest: +SKIP
    >>> rep.clipped_samples > 0                                                      # doctest: +SKIP
    True
    """
    x = audio_samples(samples)
    x2 = x[:, None] if x.ndim == 1 else x
    with AudioWriter(path, sample_rate_hz, x2.shape[1], gain=gain, subtype=subtype, frames_hint=x2.shape[0]) as w:
        w.write(x2)
    return w.report()


def write_float_wav(
    path: str | Path, samples: ArrayLike, sample_rate_hz: float, *, allow_nonfinite: bool = False
) -> Path:
    """Write an IEEE-float32 WAV laid out like the SuperCam calibrated products (58-byte header).

    Layout: ``RIFF``/``WAVE``, an 18-byte ``fmt`` chunk (format 3, cbSize 0), a ``fact`` chunk
    with the frame count, then ``data`` (Microsoft *Multimedia Programming Interface and Data
    Specifications 1.0*, 1991; non-PCM formats carry a ``fact`` chunk). ``allow_nonfinite`` writes
    NaN as it is, as the SuperCam LIBS products do between their shot windows.
    """
    x = audio_samples(samples, allow_nonfinite=allow_nonfinite)
    if x.ndim == 1:
        x = x[:, None]
    x = x.astype("<f4", copy=False)
    rate = round(positive_finite(sample_rate_hz, "sample_rate_hz"))
    frames, ch = x.shape
    if frames == 0:
        raise InvalidParameterError(f"samples must be a non-empty (frames[, channels]) array, got {x.shape}")
    data = np.ascontiguousarray(x).tobytes()
    fmt = struct.pack("<HHIIHHH", WAV_FORMAT_FLOAT, ch, rate, rate * 4 * ch, 4 * ch, 32, 0)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"fact" + struct.pack("<II", 4, frames) + b"data" + struct.pack("<I", len(data))
    path = Path(path)
    with atomic_path(path) as tmp, tmp.open("wb") as fh:
        fh.write(b"RIFF" + struct.pack("<I", len(body) + len(data)) + body)
        fh.write(data)
    return path
