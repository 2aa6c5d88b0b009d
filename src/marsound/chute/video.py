"""Decode a parachute code from a video by voting across frames (reference §4.8).

Frames are read with PyAV. Each usable frame gives per-gore log-odds of red
(:func:`marsound.chute.image.read_canopy`); the canopy spins, so every frame is aligned to the
most confident one by the circular shift (in whole gores, the same for all rings) that
maximises the correlation of their log-odds. The aligned log-odds are summed and divided by
√n (frames are not independent observations), then decoded once. Occlusions that move from
frame to frame become erasures in some frames only and are filled in by the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from marsound.chute.decode_bits import Decoded, decode_soft
from marsound.chute.image import NoCanopyError, read_canopy
from marsound.errors import FileFormatError, InvalidParameterError

VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".ogv", ".gif")


@dataclass
class VideoDecode:
    """Voting result: the decoded message, frames read/used and per-frame agreement."""

    decoded: Decoded
    frames_read: int
    frames_used: int
    frames_agreeing: int
    shifts: list[int]

    def to_json(self) -> dict:
        d = self.decoded.to_json()
        d["rings"] = [r for r in d["rings"] if r["kind"] != "blank"]
        d["frames"] = {"read": self.frames_read, "used": self.frames_used, "agreeing": self.frames_agreeing}
        return d


def iter_frames(path: str | Path, *, max_frames: int = 48) -> Iterator[NDArray[np.uint8]]:
    """Yield up to ``max_frames`` BGR frames spread evenly over the video.

    Raises
    ------
    FileFormatError
        The file cannot be opened as a video or holds no video stream.
    """
    import av

    path = Path(path)
    if max_frames < 1:
        raise InvalidParameterError(f"max_frames={max_frames!r} must be >= 1")
    from marsound._files import check_image_file, check_pixels

    check_image_file(path, str(path))  # a regular file (a FIFO would block av.open); a GIF's declared size
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError) as exc:
        raise FileFormatError(f"{path}: not a readable video ({exc})") from None
    with container:
        if not container.streams.video:
            raise FileFormatError(f"{path}: no video stream")
        stream = container.streams.video[0]
        check_pixels(stream.codec_context.width or 1, stream.codec_context.height or 1, str(path))
        total = stream.frames or 0
        stride = max(1, -(-total // max_frames)) if total else 1
        yielded = 0
        try:
            for i, frame in enumerate(container.decode(stream)):
                if i % stride:
                    continue
                yield np.asarray(frame.to_ndarray(format="bgr24"), dtype=np.uint8)
                yielded += 1
                if yielded >= max_frames:
                    break
        except av.error.FFmpegError as exc:
            if yielded == 0:
                raise FileFormatError(f"{path}: cannot decode video frames ({exc})") from None


def vote(log_odds: list[NDArray[np.float64]]) -> tuple[NDArray[np.float64], list[int]]:
    """Align per-frame log-odds (rings, 80) by circular gore shifts and combine them.

    Returns the combined P(red) (rings, 80) and each frame's shift.
    """
    if not log_odds:
        raise InvalidParameterError("no frames to vote on")
    ref_i = int(np.argmax([np.abs(lo).sum() for lo in log_odds]))
    ref = log_odds[ref_i]
    acc = np.zeros_like(ref)
    shifts = []
    for lo in log_odds:
        # circular cross-correlation over gore shifts, summed over rings
        corr = np.real(np.fft.ifft(np.fft.fft(ref, axis=1) * np.conj(np.fft.fft(lo, axis=1)), axis=1)).sum(0)
        s = int(np.argmax(corr))
        shifts.append(s)
        acc += np.roll(lo, s, axis=1)
    comb = np.clip(acc / np.sqrt(len(log_odds)), -30, 30)
    return 1.0 / (1.0 + np.exp(-comb)), shifts


def decode_video(
    path: str | Path, *, max_frames: int = 48, progress: Callable[[int], None] | None = None
) -> VideoDecode:
    """Decode a canopy video by voting across frames.

    Raises
    ------
    FileFormatError
        Not a video.
    NoCanopyError
        No frame shows a readable canopy.
    """
    from marsound.chute.image import decode_reading

    los = []
    texts = []
    n_read = 0
    for bgr in iter_frames(path, max_frames=max_frames):
        n_read += 1
        if progress is not None:
            progress(n_read)
        try:
            reading = read_canopy(bgr)
        except NoCanopyError:
            continue
        p = np.clip(reading.p_red, 1e-4, 1 - 1e-4)
        los.append(np.log(p / (1 - p)))
        texts.append(decode_reading(reading).texts)
    if n_read == 0:
        raise FileFormatError(f"{path}: the video holds no frames")
    if not los:
        raise NoCanopyError(f"no canopy found in any of the {n_read} frames read")
    p, shifts = vote(los)
    decoded = decode_soft(p, eps=1e-3, blank_threshold=0.1)
    agreeing = sum(1 for t in texts if t == decoded.texts)
    return VideoDecode(decoded, n_read, len(los), agreeing, shifts)
