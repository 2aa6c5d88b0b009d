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
   interval, plus always the tail after the last keyframe (nothing is known of it). A window
   of a short interval (≤ :data:`EARLY_END_MAX_S`) ends :data:`POST_S` after the first frame
   that looks like the interval's last sample: the change it brackets has happened.

The result is a :class:`~.frames.FrameMeasures` of the frames decoded, with ``run_start``
marking where a window begins; the detectors of :mod:`.detect` treat each window as its own
run. An event between two keyframes is thus found on the frames around it, at full frame rate.
What a coarse pass can miss: something that happens and is undone between two samples (a cut
away and back within one GOP, a canopy that appears and vanishes), a second change within one
short interval after a first that already looks like its end, and an event in the first two
frames of a window whose keyframe is far (> :data:`PRE_MAX_S`) from the one before.
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
    VideoInfo,
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
#: A fine window whose interval is at most this long ends :data:`POST_S` after the first frame
#: that looks like the interval's last sample (the change has happened), s.
EARLY_END_MAX_S = 2.5
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
    hsv, red, white = meter.colours(frame)
    v = hsv[..., 2].astype(np.float32)
    return _sample_of(float(frame.time), hsv, red, white, float(v.mean()), band_passed(v))


def _sample_of(time_s: float, hsv, red: float, white: float, luma: float, grey) -> Sample:
    import cv2

    hist = cv2.calcHist([hsv], [0, 1, 2], None, [12, 8, 8], [0, 180, 0, 256, 0, 256])
    cv2.normalize(hist, hist)
    canopy, body = float(canopy_fraction(red, white)), float(body_fraction(red, white))
    return Sample(time_s, canopy, body, luma, np.asarray(hist, np.float32), grey)


def _changed(a: float, b: float, seen: float) -> bool:
    hi, lo = max(a, b), min(a, b)
    return hi >= seen and lo < 0.5 * hi


@dataclass(frozen=True)
class Interval:
    """What changed between two consecutive coarse samples."""

    changed: bool  # canopy or body appeared, vanished or changed size 2x, or the picture changed
    cut: bool  # the picture changed (colour histogram or brightness)
    still: bool  # the ground (texture) did not move
    end: Sample | None = None  # the later sample, kept when something changed


def _differs(a: Sample, b: Sample) -> tuple[bool, bool]:
    """(changed, cut) from ``a`` to ``b``."""
    import cv2

    hist = cv2.compareHist(a.hist, b.hist, cv2.HISTCMP_BHATTACHARYYA)
    cut = hist >= HIST_CHANGE or abs(a.luma - b.luma) >= LUMA_CHANGE
    changed = cut or _changed(a.canopy, b.canopy, CANOPY_SEEN) or _changed(a.body, b.body, BODY_SEEN)
    return bool(changed), bool(cut)


def compare(a: Sample, b: Sample, window) -> Interval:
    """Compare two coarse samples (``window``: the phase correlation's Hanning window)."""
    import cv2

    changed, cut = _differs(a, b)
    (dx, dy), resp = cv2.phaseCorrelate(a.grey.copy(), b.grey.copy(), window)
    still = bool(np.hypot(dx, dy) < STILL_SHIFT_PX and resp > 0.2)
    return Interval(changed, cut, still, b if changed else None)


def eventful(intervals: list[Interval]) -> list[bool]:
    """For each interval between consecutive samples: may an event lie in it?

    Those that changed, and where the ground stops (:func:`ground_stops`).
    """
    return [iv.changed or stop for iv, stop in zip(intervals, ground_stops(intervals))]


def ground_stops(intervals: list[Interval]) -> list[bool]:
    """A still interval after a moving one (not after a cut): that one and the one before."""
    out = [False] * len(intervals)
    for i in range(1, len(intervals)):
        if intervals[i].still and not intervals[i - 1].still and not intervals[i - 1].cut:
            out[i - 1] = out[i] = True
    return out


def _coarse(path: Path, meter: FrameMeter, tb: float):
    """One demux pass: (all pts sorted, keyframe pts sorted, sample pts, intervals), or None.

    Keyframes at least :data:`COARSE_STEP_S` apart are decoded, each on its own; every other
    packet is only indexed. None if the stream cannot be read so (the caller decodes it all).
    """
    import av

    all_pts: list[int] = []
    keys: list[int] = []
    sample_pts: list[int] = []
    intervals: list[Interval] = []
    wanted: set[int] = set()
    last: int | None = None
    prev: Sample | None = None
    with open_video(path) as container:
        stream = container.streams.video[0]
        stream.thread_type = "SLICE"  # no frame delay: each sample comes out of its own packet
        stream.codec_context.options = {"skip_loop_filter": "all", "flags2": "+fast"}
        try:
            for packet in container.demux(stream):
                frames = []
                if packet.size == 0:  # the end: drain the decoder
                    frames = packet.decode()
                elif packet.pts is None:
                    return None
                else:
                    p = int(packet.pts)
                    all_pts.append(p)
                    if packet.is_keyframe:
                        keys.append(p)
                        if last is None or (p - last) * tb >= COARSE_STEP_S:
                            last = p
                            wanted.add(p)
                            frames = packet.decode()
                for frame in frames:
                    if frame.pts is None or int(frame.pts) not in wanted:
                        continue
                    sample = _sample(meter, frame)
                    if prev is not None:
                        intervals.append(compare(prev, sample, meter.window))
                    prev = sample
                    sample_pts.append(int(frame.pts))
        except av.error.FFmpegError:
            return None
    return sorted(all_pts), sorted(keys), sample_pts, intervals


@dataclass
class _Span:
    """A stretch to decode: from keyframe ``start`` to ``end`` (pts), or until ``target`` is matched.

    ``target`` is the coarse sample ending an interval where something changed: once a decoded
    frame up to ``until`` looks like it (:func:`_differs`), the change has happened and the span
    ends :data:`POST_S` later.
    """

    start: int
    end: int
    until: int
    target: Sample | None


def _spans(
    sample_pts: list[int], intervals: list[Interval], keys: list[int], last_pts: int, tb: float
) -> list[_Span]:
    """The stretches to decode: the eventful intervals and the tail, in order of start."""
    stops = ground_stops(intervals)
    post = round(POST_S / tb)
    out: list[_Span] = []
    for i, iv in enumerate(intervals):
        if not (iv.changed or stops[i]):
            continue
        start, b = sample_pts[i], sample_pts[i + 1]
        k = bisect.bisect_right(keys, start - round(PRE_S / tb)) - 1
        if k >= 0 and (start - keys[k]) * tb <= PRE_MAX_S:
            start = keys[k]
        # a stop is seen only in a run of frames that ends still; a long interval may hold
        # several changes (A, B, A again, ... B): no early end for either
        early = not stops[i] and (b - sample_pts[i]) * tb <= EARLY_END_MAX_S
        out.append(_Span(start, b + post, b, iv.end if early else None))
    out.append(_Span(sample_pts[-1], last_pts, last_pts, None))
    return sorted(out, key=lambda sp: sp.start)


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
    path = Path(path)
    info, stream_tb = _probe(path)
    meter = FrameMeter(width, detect_height(info, width))
    coarse = _coarse(path, meter, stream_tb) if stream_tb > 0 else None
    if coarse is None or len(coarse[0]) < 2 or len(coarse[2]) < 2:
        return measure_frames(path, width=width, progress=progress)
    all_pts, keys, sample_pts, intervals = coarse
    tb = stream_tb
    spans = _spans(sample_pts, intervals, keys, all_pts[-1], tb)
    rows, starts = _fine(path, spans, all_pts, meter, tb, info.duration_s, progress)
    if len(rows) < 2:
        raise FileFormatError(f"{path}: {len(rows)} decodable frame(s); a still image is not a video")
    meas = measures_from_rows(info, rows, [p * tb for p in all_pts], starts)
    if progress is not None:
        progress(meas.info.duration_s, meas.info.duration_s)
    return meas


def _probe(path: Path) -> tuple[VideoInfo, float]:
    """The video's description and its stream's time base, s (0 if none)."""
    with open_video(path) as container:
        tb = container.streams.video[0].time_base
        return video_info(path, container), float(tb) if tb else 0.0


def _fine(path: Path, spans: list[_Span], all_pts: list[int], meter: FrameMeter, tb: float, duration_s: float,
          progress):
    """Decode every frame of ``spans`` and measure it; (rows, run-start flags)."""
    import av

    rows: list[tuple[float, ...]] = []
    starts: list[bool] = []
    measured: set[int] = set()
    post = round(POST_S / tb)
    active: list[_Span] = []
    nxt = 0
    decoding = False
    with open_video(path) as container:
        stream = container.streams.video[0]
        fast_decoder(stream)
        try:
            for packet in container.demux(stream):
                if packet.size:
                    if packet.pts is None:
                        continue
                    p = int(packet.pts)
                    # a span is entered at its keyframe, and only if it is reached
                    while nxt < len(spans) and spans[nxt].start <= p:
                        if spans[nxt].end >= p:
                            active.append(spans[nxt])
                        nxt += 1
                    was_decoding = decoding
                    active = [sp for sp in active if sp.end >= p]
                    # decoding (re)starts only at a keyframe: what follows depends on it
                    decoding = bool(active) and (was_decoding or packet.is_keyframe)
                    if not decoding:
                        continue
                for frame in packet.decode():
                    if frame.pts is None or frame.time is None:
                        continue
                    fp = int(frame.pts)
                    k = bisect.bisect_left(all_pts, fp)
                    new_run = k == 0 or all_pts[k - 1] not in measured
                    if new_run:
                        meter.reset()
                    row = meter.measure(frame)
                    rows.append(row)
                    starts.append(new_run)
                    measured.add(fp)
                    _match(active, fp, row, meter, post)
                    if progress is not None and len(rows) % 16 == 0:
                        progress(float(frame.time), duration_s)
        except av.error.FFmpegError as exc:
            if len(rows) < 2:
                raise FileFormatError(f"{path}: cannot decode the video frames ({exc})") from None
    return rows, starts


def _match(active: list[_Span], fp: int, row: tuple[float, ...], meter: FrameMeter, post: int) -> None:
    """End the spans whose change the frame at ``fp`` (just measured: ``row``) shows done."""
    pending = [sp for sp in active if sp.target is not None and sp.start <= fp <= sp.until]
    if not pending or meter.prev_hsv is None:
        return
    here = _sample_of(row[0], meter.prev_hsv, row[1], row[2], row[8], None)
    for sp in pending:
        assert sp.target is not None
        if not _differs(here, sp.target)[0]:
            sp.end = min(sp.end, fp + post)
            sp.target = None
