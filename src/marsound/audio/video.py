"""The soundtrack of a video file (MP4/MOV/MKV/WebM) through PyAV (FFmpeg's decoders).

The first audio stream is decoded to float32 ``(frames, channels)`` at its own rate. A video
soundtrack is compressed (AAC, Opus, Vorbis...) and its exact length is only known once decoded,
so :func:`probe_video` decodes it once; :class:`~marsound.audio.reader.AudioReader` keeps the
result for its blocks.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from marsound.audio.info import AudioInfo, check_sample_rate
from marsound.errors import FileFormatError


def decode_soundtrack(path: str | Path, *, what: str = "input") -> NDArray[np.float32]:
    """Decode the first audio stream of a video container to float32 ``(frames, channels)``.

    Raises
    ------
    FileFormatError
        Not a readable container, no audio stream, or an empty soundtrack.
    """
    samples, _rate, _fmt, _codec = _decode(Path(path), what)
    return samples


def _decode(p: Path, what: str) -> tuple[NDArray[np.float32], float, str, str]:
    import av

    try:
        container = av.open(str(p))
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise FileFormatError(f"cannot read {what} {p} as a video container: {exc}") from None
    try:
        if not container.streams.audio:
            raise FileFormatError(f"{what} {p} has no audio stream (a video without soundtrack)")
        stream = container.streams.audio[0]
        rate = int(stream.codec_context.sample_rate or 0)
        channels = int(stream.codec_context.channels or 0)
        if rate <= 0 or channels <= 0:
            raise FileFormatError(f"{what} {p}: its audio stream declares no sample rate or channel count")
        resampler = av.AudioResampler(format="fltp", layout=stream.codec_context.layout, rate=rate)
        parts: list[NDArray[np.float32]] = []
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    parts.append(np.asarray(out.to_ndarray(), dtype=np.float32))
            for out in resampler.resample(None):
                parts.append(np.asarray(out.to_ndarray(), dtype=np.float32))
        except av.FFmpegError as exc:
            raise FileFormatError(f"{what} {p}: its soundtrack cannot be decoded: {exc}") from None
        fmt = str(container.format.name).split(",")[0].upper()
        codec = str(stream.codec_context.name).upper()
    finally:
        container.close()
    if not parts:
        raise FileFormatError(f"{what} {p} has an empty soundtrack")
    samples = np.ascontiguousarray(np.concatenate(parts, axis=1).T, dtype=np.float32)
    return samples, float(rate), fmt, codec


def open_video(path: str | Path, *, what: str = "input") -> tuple[AudioInfo, NDArray[np.float32]]:
    """The soundtrack's facts and its samples ``(frames, channels)`` (decoded once)."""
    p = Path(path)
    samples, rate, fmt, codec = _decode(p, what)
    check_sample_rate(rate, what=f"{what} {p}")
    return AudioInfo(p, rate, samples.shape[1], samples.shape[0], fmt, codec, is_video=True), samples


def probe_video(path: str | Path, *, what: str = "input") -> AudioInfo:
    """Header-like facts of a video's soundtrack (decodes it once to count the frames exactly)."""
    return open_video(path, what=what)[0]
