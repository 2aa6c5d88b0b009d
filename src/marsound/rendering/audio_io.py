"""Sound-file plumbing for the renderer: validated reading, output formats, block streaming.

Thin I/O layer over :mod:`soundfile` (libsndfile). All outputs are written atomically
(:func:`marsound._atomic.atomic_path`): a temporary file beside the target, renamed over it only
when everything succeeded, so a failure (unreadable input, NaN samples, ...) leaves no partial file.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from marsound._atomic import atomic_path
from marsound.errors import FileFormatError, InvalidParameterError
from marsound.rendering.filters import check_sample_rate

DEFAULT_BLOCK_FRAMES = 1 << 18  # 262144 frames: 5.5 s at 48 kHz, 1 MB per channel in float32
FLOAT_FORMATS = ("WAV", "WAVEX", "RF64", "W64", "AIFF", "CAF")
SUFFIX_TO_FORMAT = {"aif": "AIFF", "aiff": "AIFF", "oga": "OGG", "opus": "OGG"}
WAV_LIMIT_BYTES = 4_000_000_000


class BlockProcessor(Protocol):
    """What the streaming loop drives: any chunk size in, output as available, then a tail."""

    def process(self, chunk: NDArray[np.float32]) -> NDArray[np.float32]: ...

    def flush(self) -> NDArray[np.float32]: ...


@dataclass(frozen=True)
class InputInfo:
    """Properties of a validated input file."""

    path: Path
    sample_rate_hz: int
    channels: int
    frames: int
    format: str
    subtype: str


def probe_input(path: str | Path) -> InputInfo:
    """Open ``path`` with libsndfile and check it is a non-empty recording at 8-192 kHz.

    Raises
    ------
    FileFormatError
        Missing, unreadable, unsupported or empty file.
    InvalidParameterError
        Sample rate outside 8-192 kHz.
    """
    import soundfile as sf

    p = Path(path)
    if not p.is_file():
        raise FileFormatError(f"input {p} does not exist or is not a file")
    try:
        with sf.SoundFile(p) as f:
            info = InputInfo(p, int(f.samplerate), int(f.channels), int(f.frames), f.format, f.subtype)
    except (sf.LibsndfileError, RuntimeError, TypeError) as exc:
        raise FileFormatError(f"cannot read {p} as audio (unsupported or corrupt file): {exc}") from None
    if info.frames <= 0:
        raise FileFormatError(f"input {p} has no samples")
    try:
        check_sample_rate(info.sample_rate_hz)
    except InvalidParameterError:
        raise InvalidParameterError(
            f"input {p} has sample rate {info.sample_rate_hz} Hz; supported: 8000-192000 Hz"
        ) from None
    return info


def output_format(path: str | Path, *, frames: int = 0, channels: int = 1) -> tuple[str, str]:
    """``(format, subtype)`` for an output path, from its suffix.

    Float formats (WAV, AIFF, ...) are written as 32-bit float (no clipping); FLAC as 24-bit PCM;
    Ogg as Vorbis. WAV outputs over 4 GB become RF64.

    Raises
    ------
    FileFormatError
        Unknown or unsupported suffix.
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
    if fmt in FLOAT_FORMATS:
        subtype = "FLOAT"
        if fmt == "WAV" and frames * channels * 4 > WAV_LIMIT_BYTES:
            fmt = "RF64"
    elif fmt == "FLAC":
        subtype = "PCM_24"
    else:
        subtype = sf.default_subtype(fmt)
    if not sf.check_format(fmt, subtype):
        raise FileFormatError(f"output format {fmt}/{subtype} is not supported by this libsndfile")
    return fmt, subtype


def read_blocks(info: InputInfo, block_frames: int = DEFAULT_BLOCK_FRAMES) -> Iterator[NDArray[np.float32]]:
    """Yield ``(frames, channels)`` float32 blocks of a probed input; NaN/inf raise FileFormatError.

    The blocks are views of one reused buffer, valid until the next block is requested.
    """
    import soundfile as sf

    start = 0
    try:
        with sf.SoundFile(info.path) as f:
            # one reused buffer: consumers copy what they keep (no per-block allocation)
            buf = np.empty((min(block_frames, info.frames), info.channels), dtype=np.float32)
            while True:
                block = f.read(dtype="float32", always_2d=True, out=buf)
                if block.shape[0] == 0:
                    break
                if not np.isfinite(block).all():
                    bad = int(np.argmax(~np.isfinite(block).all(axis=1)))
                    raise FileFormatError(
                        f"input {info.path} contains NaN or infinite samples (first at frame {start + bad})"
                    )
                start += block.shape[0]
                yield block
    except sf.LibsndfileError as exc:
        raise FileFormatError(f"error reading {info.path} at frame {start}: {exc}") from None


class _Sink:
    """One output: a SoundFile on an atomic temp path, with peak tracking and PCM clipping."""

    def __init__(self, tmp: Path, fmt: str, subtype: str, info: InputInfo, gain: float):
        import soundfile as sf

        self.file = sf.SoundFile(tmp, "w", info.sample_rate_hz, info.channels, subtype, format=fmt)
        self.clip = subtype not in ("FLOAT", "DOUBLE")
        self.gain = np.float32(gain)
        self.peak = 0.0
        self.clipped = 0
        self.frames = 0

    def write(self, y: NDArray[np.float32]) -> None:
        if y.shape[0] == 0:
            return
        if self.gain != 1:
            y = y * self.gain
        if y.size:
            self.peak = max(self.peak, float(np.max(np.abs(y))))
        if self.clip and self.peak >= 1.0:
            over = np.abs(y) > 1.0
            n = int(over.sum())
            if n:
                self.clipped += n
                y = np.clip(y, -1.0, 1.0)
        self.file.write(y)
        self.frames += y.shape[0]


def stream_to_files(
    info: InputInfo,
    outputs: Sequence[tuple[Path, BlockProcessor, float]],
    *,
    progress: Callable[[int], None] | None = None,
    block_frames: int = DEFAULT_BLOCK_FRAMES,
    sidecars: Callable[[list[dict]], Sequence[tuple[Path, str]]] | None = None,
    dry_run: bool = False,
) -> list[dict]:
    """Read ``info`` once, feed every processor, write each output atomically (all or nothing).

    Parameters
    ----------
    info : InputInfo
        The probed input.
    outputs : sequence of (path, processor, gain)
        Output path, its block processor, and a broadband gain applied on writing.
    progress : callable, optional
        Called with the number of input frames just consumed.
    sidecars : callable, optional
        Given the per-output stats, returns ``(path, text)`` files to write atomically with them.
    dry_run : bool
        Only compute the statistics (peaks); write nothing.

    Returns
    -------
    list of dict
        Per output: ``peak`` (after gain), ``clipped_samples``, ``frames``.
    """
    formats = [output_format(p, frames=info.frames, channels=info.channels) for p, _, _ in outputs]
    with contextlib.ExitStack() as stack:
        sinks: list[_Sink | _PeakOnly] = []
        for (path, _, gain), (fmt, subtype) in zip(outputs, formats):
            if dry_run:
                sinks.append(_PeakOnly(gain))
                continue
            tmp = stack.enter_context(atomic_path(path, inputs=(info.path,)))
            sink = _Sink(tmp, fmt, subtype, info, gain)
            stack.callback(sink.file.close)
            sinks.append(sink)
        for block in read_blocks(info, block_frames):
            for (_, proc, _), sink in zip(outputs, sinks):
                sink.write(proc.process(block))
            if progress is not None:
                progress(block.shape[0])
        for (_, proc, _), sink in zip(outputs, sinks):
            sink.write(proc.flush())
        stats = [{"peak": s.peak, "clipped_samples": s.clipped, "frames": s.frames} for s in sinks]
        if not dry_run:
            for s in sinks:
                s.file.close()
            if sidecars is not None:
                for path, text in sidecars(stats):
                    tmp = stack.enter_context(atomic_path(path, inputs=(info.path,)))
                    tmp.write_text(text, encoding="utf-8")
    return stats


class _PeakOnly:
    def __init__(self, gain: float):
        self.gain = float(gain)
        self.peak = 0.0
        self.clipped = 0
        self.frames = 0

    def write(self, y: NDArray[np.float32]) -> None:
        if y.size:
            self.peak = max(self.peak, float(np.max(np.abs(y))) * abs(self.gain))
        self.frames += y.shape[0]
