"""Audio files read through soundfile (WAV, FLAC, OGG, MP3...), whole or block by block.

:class:`AudioFileSource` is the streaming view of a file: it knows the rate, length and
channel layout from the header and yields float32 mono blocks on demand, so analyses of an
hour of audio never hold it in memory. :func:`read_audio` loads a file (or a time slice of it)
into a :class:`~marsound.recordings.recording.Recording`.

WAV files are checked before libsndfile sees them (RIFF chunk walk): a data chunk that runs
past the end of the file, or a ``fact`` frame count that disagrees with the data, is reported
as truncated/corrupt instead of being silently shortened.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from marsound._validate import non_negative_finite, positive_finite
from marsound.errors import FileFormatError, InvalidParameterError
from marsound.recordings.recording import DEFAULT_BLOCK_FRAMES, Recording, default_channels

WAV_FORMAT_PCM = 1
WAV_FORMAT_FLOAT = 3
WAV_FORMAT_EXTENSIBLE = 0xFFFE


def wav_chunks(path: str | Path) -> dict[str, Any]:
    """Walk the RIFF chunks of a WAV file and check their sizes.

    Returns
    -------
    dict
        ``format_tag``, ``channels``, ``sample_rate_hz``, ``bits``, ``data_offset``,
        ``data_bytes``, ``fact_frames`` (or None), ``chunks`` (ids in order).

    Raises
    ------
    FileFormatError
        Not RIFF/WAVE, no ``fmt``/``data`` chunk, a chunk past the end of the file (truncated),
        or a ``fact`` frame count that disagrees with the data size.
    """
    path = Path(path)
    size = path.stat().st_size
    info: dict[str, Any] = {"chunks": [], "fact_frames": None}
    with path.open("rb") as fh:
        head = fh.read(12)
        if len(head) < 12 or head[:4] not in (b"RIFF", b"RF64") or head[8:12] != b"WAVE":
            raise FileFormatError(f"{path.name} is not a RIFF/WAVE file")
        pos = 12
        while pos + 8 <= size:
            fh.seek(pos)
            cid, clen = struct.unpack("<4sI", fh.read(8))
            name = cid.decode("latin-1")
            info["chunks"].append(name)
            body = pos + 8
            if name == "data":
                info["data_offset"] = body
                info["data_bytes"] = clen
                if body + clen > size:
                    raise FileFormatError(
                        f"{path.name} is truncated: the data chunk declares {clen} bytes, only {size - body} present"
                    )
            elif body + clen > size:
                raise FileFormatError(f"{path.name} is truncated inside its {name!r} chunk")
            elif name == "fmt ":
                if clen < 16:
                    raise FileFormatError(f"{path.name}: fmt chunk too short ({clen} bytes)")
                tag, ch, rate, _brate, align, bits = struct.unpack("<HHIIHH", fh.read(16))
                info.update(format_tag=tag, channels=ch, sample_rate_hz=float(rate), bits=bits, block_align=align)
                info["fmt_bytes"] = clen
            elif name == "fact" and clen >= 4:
                info["fact_frames"] = struct.unpack("<I", fh.read(4))[0]
            pos = body + clen + (clen & 1)
    if "format_tag" not in info:
        raise FileFormatError(f"{path.name} has no fmt chunk")
    if "data_offset" not in info:
        raise FileFormatError(f"{path.name} has no data chunk")
    align = info["block_align"] or 1
    frames = info["data_bytes"] // align
    if info["fact_frames"] is not None and info["format_tag"] != WAV_FORMAT_PCM and info["fact_frames"] != frames:
        raise FileFormatError(
            f"{path.name}: fact chunk says {info['fact_frames']} frames but the data chunk holds {frames}"
        )
    info["frames"] = frames
    return info


def write_float_wav(path: str | Path, samples: NDArray[np.floating], sample_rate_hz: float) -> Path:
    """Write IEEE-float32 WAV exactly like the SuperCam calibrated products (58-byte header).

    Layout (reference ``mars-audio-data.md`` §1.4): ``RIFF``/``WAVE``, an 18-byte ``fmt`` chunk
    (format 3, cbSize 0), a ``fact`` chunk with the frame count, then ``data``.
    """
    from marsound._atomic import atomic_path

    x = np.asarray(samples, dtype="<f4")
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2 or x.shape[0] == 0:
        raise InvalidParameterError(f"samples must be a non-empty (frames[, channels]) array, got {x.shape}")
    rate = round(positive_finite(sample_rate_hz, "sample_rate_hz"))
    frames, ch = x.shape
    data = np.ascontiguousarray(x).tobytes()
    fmt = struct.pack("<HHIIHHH", WAV_FORMAT_FLOAT, ch, rate, rate * 4 * ch, 4 * ch, 32, 0)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"fact" + struct.pack("<II", 4, frames) + b"data" + struct.pack("<I", len(data))
    path = Path(path)
    with atomic_path(path) as tmp, tmp.open("wb") as fh:
        fh.write(b"RIFF" + struct.pack("<I", len(body) + len(data)) + body)
        fh.write(data)
    return path


class AudioFileSource:
    """A sound file opened for streaming analysis (implements :class:`SignalSource`).

    Parameters
    ----------
    path : str or Path
        Any file libsndfile reads (WAV, FLAC, OGG, MP3, AIFF...).
    unit : str
        Physical unit of the samples (``"FS"`` full scale by default; ``"Pa"`` for
        calibrated products, taken from their label by :func:`open_source`).
    metadata : mapping, optional
        Product metadata (label fields...).
    """

    def __init__(self, path: str | Path, *, unit: str = "FS", metadata: Mapping[str, Any] | None = None) -> None:
        import soundfile as sf

        self.path = Path(path)
        if not self.path.is_file():
            raise FileFormatError(f"audio file {self.path} does not exist")
        if self.path.stat().st_size == 0:
            raise FileFormatError(f"audio file {self.path} is empty")
        self.wav_info: dict[str, Any] | None = None
        with self.path.open("rb") as fh:
            magic = fh.read(4)
        if self.path.suffix.lower() in (".wav", ".wave") or magic in (b"RIFF", b"RF64"):
            self.wav_info = wav_chunks(self.path)
        try:
            info = sf.info(str(self.path))
        except (sf.LibsndfileError, RuntimeError, TypeError) as exc:
            raise FileFormatError(f"{self.path.name} is not a readable audio file: {exc}") from None
        if info.frames <= 0:
            raise FileFormatError(f"{self.path.name} holds no audio frames")
        self._rate = float(info.samplerate)
        self._frames = int(info.frames)
        self.n_channels = int(info.channels)
        self.channels = default_channels(self.n_channels)
        self.unit = unit
        self.format = f"{info.format}/{info.subtype}"
        self.metadata: dict[str, Any] = {"format": self.format, **dict(metadata or {})}

    @property
    def sample_rate_hz(self) -> float:
        return self._rate

    @property
    def n_frames(self) -> int:
        return self._frames

    @property
    def duration_s(self) -> float:
        return self._frames / self._rate

    @property
    def source_path(self) -> Path:
        return self.path

    def segments(self) -> list[tuple[int, int]]:
        return [(0, self._frames)]

    def iter_mono(
        self, start: int = 0, stop: int | None = None, block_frames: int = DEFAULT_BLOCK_FRAMES
    ) -> Iterator[NDArray[np.float32]]:
        """Float32 mono blocks of ``[start, stop)`` read with ``soundfile`` (channel mean)."""
        import soundfile as sf

        stop = self._frames if stop is None else min(int(stop), self._frames)
        block_frames = max(1, int(block_frames))
        try:
            with sf.SoundFile(str(self.path)) as fh:
                fh.seek(max(0, int(start)))
                remaining = stop - max(0, int(start))
                while remaining > 0:
                    blk = fh.read(min(block_frames, remaining), dtype="float32", always_2d=True)
                    if blk.shape[0] == 0:
                        raise FileFormatError(f"{self.path.name} ended {remaining} frames early (truncated or corrupt)")
                    remaining -= blk.shape[0]
                    mono = blk[:, 0] if blk.shape[1] == 1 else blk.mean(axis=1, dtype=np.float32)
                    if not np.isfinite(mono).all():
                        raise FileFormatError(f"{self.path.name} contains non-finite samples (NaN or inf)")
                    yield np.ascontiguousarray(mono)
        except sf.LibsndfileError as exc:
            raise FileFormatError(f"{self.path.name} cannot be decoded: {exc}") from None

    def read(self, start_s: float = 0.0, stop_s: float | None = None) -> Recording:
        """Load ``[start_s, stop_s)`` (all channels) into a :class:`Recording`."""
        import soundfile as sf

        a = round(non_negative_finite(start_s, "start_s") * self._rate)
        b = self._frames if stop_s is None else min(self._frames, round(positive_finite(stop_s, "stop_s") * self._rate))
        if a >= b:
            raise InvalidParameterError(
                f"time slice [{start_s}, {stop_s}] s is empty for {self.path.name} ({self.duration_s:.6g} s)"
            )
        try:
            data, _ = sf.read(str(self.path), start=a, stop=b, dtype="float32", always_2d=True)
        except sf.LibsndfileError as exc:
            raise FileFormatError(f"{self.path.name} cannot be decoded: {exc}") from None
        if data.shape[0] != b - a:
            raise FileFormatError(f"{self.path.name}: expected {b - a} frames, read {data.shape[0]} (truncated?)")
        if not np.isfinite(data).all():
            raise FileFormatError(f"{self.path.name} contains non-finite samples (NaN or inf)")
        meta = dict(self.metadata)
        if a:
            meta["start_offset_s"] = a / self._rate
        return Recording(data, self._rate, channels=self.channels, unit=self.unit, metadata=meta, source_path=self.path)

    def __repr__(self) -> str:
        return f"AudioFileSource({str(self.path)!r}, {self._rate:g} Hz, {self._frames} frames, {self.n_channels} ch)"


def read_audio(path: str | Path, start_s: float = 0.0, stop_s: float | None = None) -> Recording:
    """Read any soundfile-readable file (or a slice of it) into a :class:`Recording`."""
    return AudioFileSource(path).read(start_s, stop_s)
