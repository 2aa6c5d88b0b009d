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


def container_metadata(path: str | Path, *, what: str = "input") -> dict[str, object]:
    """The container's own facts, without decoding: format, duration, codecs, creation time.

    Keys: ``container`` (e.g. ``"MP4"``), ``container_duration_s`` (or None), ``audio_codec``,
    ``audio_channels``, ``video_codec`` (None without a video stream), ``video_size`` (``"WxH"``),
    ``video_frame_rate_hz``, ``creation_time`` (ISO 8601 as the container writes it, or None).

    Raises
    ------
    FileFormatError
        Not a readable container.
    """
    import av

    p = Path(path)
    try:
        container = av.open(str(p))
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise FileFormatError(f"cannot read {what} {p} as a video container: {exc}") from None
    try:
        names = str(container.format.name).split(",")  # FFmpeg's demuxer: "mov,mp4,m4a,3gp,3g2,mj2"
        suffix = p.suffix.lower().lstrip(".")
        out: dict[str, object] = {
            "container": (suffix if suffix in names else names[0]).upper(),
            "container_duration_s": None if container.duration is None else container.duration / 1_000_000,
            "audio_codec": None, "audio_channels": None, "video_codec": None, "video_size": None,
            "video_frame_rate_hz": None,
        }  # fmt: skip
        created = container.metadata.get("creation_time")
        if container.streams.audio:
            a = container.streams.audio[0]
            out["audio_codec"] = str(a.codec_context.name)
            out["audio_channels"] = int(a.codec_context.channels or 0)
            created = created or a.metadata.get("creation_time")
        if container.streams.video:
            v = container.streams.video[0]
            out["video_codec"] = str(v.codec_context.name)
            out["video_size"] = f"{v.codec_context.width}x{v.codec_context.height}"
            rate = v.average_rate or v.base_rate
            out["video_frame_rate_hz"] = None if rate is None else float(rate)
            created = created or v.metadata.get("creation_time")
        out["creation_time"] = created
    finally:
        container.close()
    return out
