"""Coarse-to-fine measures of a video: decode only what the detectors need.

Decoding is what limits a detection pass over an HD video (every frame of an H.264 stream
depends on those before it back to a keyframe). :func:`scan_frames` therefore works in two passes
over the packets (demuxing without decoding is cheap):

1. **coarse**: keyframes only, at least :data:`COARSE_STEP_S` apart (every keyframe of a
   streaming-style GOP; every k-th frame of an all-intra one), each decoded on its own and
   measured like any frame (:class:`~.frames.FrameMeter`);
2. **fine**: every frame of the intervals between coarse samples where something may have
   happened — the canopy or a white-grey body appeared, vanished or changed size by 2×, the
   picture changed (a colour-histogram distance or a brightness jump: a cut), the ground
   stopped moving — each window decoded from its keyframe up to :data:`POST_S` past the
   interval, plus always the tail after the last keyframe (nothing is known of it).

The result is a :class:`~.frames.FrameMeasures` of the frames decoded, with ``run_start``
marking where a window begins; the detectors of :mod:`.detect` treat each window as its own
run. An event between two keyframes is thus found on the frames around it, at full frame rate.
What a coarse pass can miss: something that happens and is undone between two samples (a cut
away and back within one GOP, a canopy that appears and vanishes), and an event in the first
two frames of a window whose keyframe is far (> :data:`PRE_MAX_S`) from the one before.
A long GOP (keyframes many seconds apart) still works, it just saves less.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from marsound.errors import FileFormatError
from marsound.landing.video.detect import body_fraction, canopy_fraction
from marsound.landing.video.frames import (
    DETECT_WIDTH,
    FrameMeasures,
    FrameMeter,
    band_passed,
    detect_height,
    fast_decoder,
    measure_frames,
    measures_from_rows,
    open_video,
    video_info,
)

#: Smallest spacing of the coarse samples (keyframes), s.
COARSE_STEP_S = 0.5
#: A fine window starts at the keyframe at least this long before its interval...
PRE_S = 0.5
#: ...if that keyframe is at most this far before the interval's own keyframe, s.
PRE_MAX_S = 1.0
#: A fine window runs this long past its interval (the detectors look ahead ~1 s), s.
POST_S = 1.2
#: Histogram (Bhattacharyya) distance between two samples that counts as a change of picture.
HIST_CHANGE = 0.25
#: Mean brightness change between two samples (0-255) that counts as a change of picture.
LUMA_CHANGE = 20.0
#: Canopy area that counts as seen, and body area counted as a possible heat shield (fractions).
CANOPY_SEEN = 0.002
BODY_SEEN = 0.02
#: Ground shift between two samples below which it counts as still (detection pixels).
STILL_SHIFT_PX = 1.0


@dataclass(frozen=True)
class Sample:
    """What a coarse sample (one keyframe) shows."""

    time_s: float
    canopy: float
    body: float
    luma: float
    hist: NDArray[np.float32]
    grey: NDArray[np.float32]


def _sample(meter: FrameMeter, frame) -> Sample:
    import cv2

    hsv, red, white = meter.colours(frame)
    canopy, body = float(canopy_fraction(red, white)), float(body_fraction(red, white))
    hist = cv2.calcHist([hsv], [0, 1, 2], None, [12, 8, 8], [0, 180, 0, 256, 0, 256])
    cv2.normalize(hist, hist)
    v = hsv[..., 2].astype(np.float32)
    return Sample(float(frame.time), canopy, body, float(v.mean()), np.asarray(hist, np.float32), band_passed(v))


def _changed(a: float, b: float, seen: float) -> bool:
    hi, lo = max(a, b), min(a, b)
    return hi >= seen and lo < 0.5 * hi


def eventful(samples: list[Sample], window) -> list[bool]:
    """For each interval between consecutive samples: may an event lie in it?"""
    import cv2

    n = len(samples) - 1
    out = [False] * n
    cut = [False] * n
    still = [False] * n
    for i in range(n):
        a, b = samples[i], samples[i + 1]
        hist = cv2.compareHist(a.hist, b.hist, cv2.HISTCMP_BHATTACHARYYA)
        cut[i] = hist >= HIST_CHANGE or abs(a.luma - b.luma) >= LUMA_CHANGE
        out[i] = cut[i] or _changed(a.canopy, b.canopy, CANOPY_SEEN) or _changed(a.body, b.body, BODY_SEEN)
        (dx, dy), resp = cv2.phaseCorrelate(a.grey.copy(), b.grey.copy(), window)
        still[i] = bool(np.hypot(dx, dy) < STILL_SHIFT_PX and resp > 0.2)
    for i in range(1, n):  # the ground stops: a still interval after a moving one (not after a cut)
        if still[i] and not still[i - 1] and not cut[i - 1]:
            out[i - 1] = out[i] = True
    return out


def _packet_index(container, stream) -> tuple[list[int], list[int]]:
    """(all packet pts sorted, keyframe pts sorted) from one demux pass."""
    pts, keys = [], []
    for packet in container.demux(stream):
        if packet.pts is None:
            continue
        pts.append(int(packet.pts))
        if packet.is_keyframe:
            keys.append(int(packet.pts))
    return sorted(pts), sorted(keys)


def _windows(
    sample_pts: list[int], flags: list[bool], keys: list[int], last_pts: int, tb: float
) -> list[tuple[int, int]]:
    """Merged [start, end] pts ranges to decode: the eventful intervals and the tail."""
    spans: list[tuple[int, int]] = []
    post = round(POST_S / tb)
    for i, flag in enumerate(flags):
        if flag:
            spans.append((sample_pts[i], sample_pts[i + 1] + post))
    spans.append((sample_pts[-1], last_pts))
    out: list[tuple[int, int]] = []
    for start, end in spans:
        k = bisect.bisect_right(keys, start - round(PRE_S / tb)) - 1
        if k >= 0 and (start - keys[k]) * tb <= PRE_MAX_S:
            start = keys[k]
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def scan_frames(
    path: str | Path,
    *,
    width: int = DETECT_WIDTH,
    progress: Callable[[float, float], None] | None = None,
) -> FrameMeasures:
    """Per-frame measures of the frames around whatever may happen in ``path`` (coarse to fine).

    Same measures as :func:`~.frames.measure_frames`, on fewer frames: see the module
    docstring. Falls back to the full pass when the stream has no usable packet timestamps
    or keyframes.

    Raises
    ------
    FileFormatError
        Not a video (see :func:`~.frames.probe_video`), undecodable, or fewer than two frames.
    """
    import av

    path = Path(path)
    with open_video(path) as container:
        info = video_info(path, container)
        stream = container.streams.video[0]
        tb = float(stream.time_base) if stream.time_base else 0.0
        all_pts, keys = _packet_index(container, stream)
        if tb <= 0 or len(all_pts) < 2 or not keys:
            return measure_frames(path, width=width, progress=progress)
        height = detect_height(info, width)
        meter = FrameMeter(width, height)
        # coarse: keyframes at least COARSE_STEP_S apart, each decoded alone
        chosen: list[int] = []
        for k in keys:
            if not chosen or (k - chosen[-1]) * tb >= COARSE_STEP_S:
                chosen.append(k)
        wanted = set(chosen)
        samples: dict[int, Sample] = {}
        container.seek(0, stream=stream)
        stream.thread_type = "SLICE"
        stream.codec_context.options = {"skip_loop_filter": "all", "flags2": "+fast"}
        try:
            for packet in container.demux(stream):
                if packet.pts is not None and int(packet.pts) not in wanted:
                    continue
                for frame in packet.decode():
                    if frame.pts is not None and int(frame.pts) in wanted:
                        samples[int(frame.pts)] = _sample(meter, frame)
        except av.error.FFmpegError:
            samples.clear()
    if len(samples) < 2:
        return measure_frames(path, width=width, progress=progress)
    sample_pts = sorted(samples)
    flags = eventful([samples[p] for p in sample_pts], meter.window)
    windows = _windows(sample_pts, flags, keys, all_pts[-1], tb)
    rows, starts = _fine(path, windows, all_pts, meter, info.duration_s, progress)
    if len(rows) < 2:
        raise FileFormatError(f"{path}: {len(rows)} decodable frame(s); a still image is not a video")
    meas = measures_from_rows(info, rows, [p * tb for p in all_pts], starts)
    if progress is not None:
        progress(meas.info.duration_s, meas.info.duration_s)
    return meas


def _fine(path: Path, windows, all_pts: list[int], meter: FrameMeter, duration_s: float, progress):
    """Decode every frame of ``windows`` and measure it; (rows, run-start flags)."""
    import av

    rows: list[tuple[float, ...]] = []
    starts: list[bool] = []
    measured: set[int] = set()
    with open_video(path) as container:
        stream = container.streams.video[0]
        fast_decoder(stream)
        w = 0
        try:
            for packet in container.demux(stream):
                if packet.pts is not None:
                    p = int(packet.pts)
                    while w < len(windows) and p > windows[w][1]:
                        w += 1
                    if w >= len(windows) or p < windows[w][0]:
                        continue
                for frame in packet.decode():
                    if frame.pts is None or frame.time is None:
                        continue
                    fp = int(frame.pts)
                    k = bisect.bisect_left(all_pts, fp)
                    new_run = k == 0 or all_pts[k - 1] not in measured
                    if new_run:
                        meter.reset()
                    rows.append(meter.measure(frame))
                    starts.append(new_run)
                    measured.add(fp)
                    if progress is not None and len(rows) % 16 == 0:
                        progress(float(frame.time), duration_s)
        except av.error.FFmpegError as exc:
            if len(rows) < 2:
                raise FileFormatError(f"{path}: cannot decode the video frames ({exc})") from None
    return rows, starts
