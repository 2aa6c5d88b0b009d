"""What every part of the sound-file layer shares: :class:`AudioInfo`, the file check, the limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marsound.errors import FileFormatError, InvalidParameterError

DEFAULT_BLOCK_FRAMES = 1 << 18
"""Frames per streamed block: 262,144 (5.5 s at 48 kHz, 10.5 s at 25 kHz; 1 MB per channel in float32)."""

MIN_SAMPLE_RATE_HZ = 1_000.0
MAX_SAMPLE_RATE_HZ = 768_000.0


VIDEO_SUFFIXES = (".mp4", ".m4v", ".mov", ".mkv", ".webm")
"""Containers whose soundtrack is read through PyAV."""


@dataclass(frozen=True)
class AudioInfo:
    """What the header of a checked sound file says.

    ``format``/``subtype`` are libsndfile's names (``"WAV"``/``"FLOAT"``) or, for a video
    soundtrack, the container and codec (``"MP4"``/``"AAC"``). ``wav`` holds the RIFF chunk walk of
    a WAV (``format_tag``, ``data_offset``, ``data_bytes``, ``fact_frames``, ``chunks``...).
    """

    path: Path
    sample_rate_hz: float
    channels: int
    frames: int
    format: str
    subtype: str
    is_video: bool = False
    wav: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def duration_s(self) -> float:
        """Duration [s] = frames / sample rate."""
        return self.frames / self.sample_rate_hz


def check_regular_file(path: str | Path, *, what: str = "input") -> Path:
    """Return ``path`` if it is an existing, non-empty regular file; refuse anything else at once.

    FIFOs, devices, sockets and folders are refused before they are opened (opening a FIFO for
    reading blocks until a writer appears).

    Raises
    ------
    FileFormatError
        Missing, not a regular file, or empty.
    """
    from marsound._files import regular_file  # the one input policy

    p = regular_file(path, what)
    if p.stat().st_size == 0:
        raise FileFormatError(f"{what} {p} is empty")
    return p


def check_sample_rate(sample_rate_hz: float, *, what: str = "input") -> float:
    """Refuse header sample rates outside 1-768 kHz (corrupt headers give absurd rates)."""
    rate = float(sample_rate_hz)
    if not MIN_SAMPLE_RATE_HZ <= rate <= MAX_SAMPLE_RATE_HZ:
        raise InvalidParameterError(
            f"{what} has sample rate {rate:g} Hz; supported: {MIN_SAMPLE_RATE_HZ:g}-{MAX_SAMPLE_RATE_HZ:g} Hz"
        )
    return rate
