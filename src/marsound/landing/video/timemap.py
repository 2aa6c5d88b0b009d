"""The map between video time and mission time, ``mission_time = offset_s + rate × video_time``.

Fitted from anchor pairs (an event seen or given at a video time, and its mission time):

* **given** anchors are trusted: two or more on one line fix it exactly; if they are not on one
  line (a time-lapse), the map interpolates between them piecewise;
* **detected** anchors may be wrong: the line is the one most detections agree with, found by
  trying every pair (MSAC, Torr & Zisserman 2000, "MLESAC", CVIU 78:138 — with a handful of
  anchors every pair can be tried) and refined by weighted least squares on its inliers, so a
  wrong detection among good ones leaves the map untouched;
* across **cuts** (an edit that jumps in mission time) each shot with two or more anchors of its
  own that disagree with the single line gets its own line; shots with one anchor keep the
  fitted rate through that anchor; shots without anchors keep the line of their neighbour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from marsound.errors import InvalidParameterError

#: Plausible mission seconds per video second (a still slideshow to a slow motion).
RATE_RANGE = (0.02, 100.0)
#: Anchors within this many frames (in video time) of a line count as on it.
INLIER_FRAMES = 2.5
#: ... plus this much mission time, s (what a detector's lag may be off by).
INLIER_MISSION_S = 0.1
#: Detections a shot needs on a line of its own to leave the single line (two can always be joined).
MIN_SHOT_DETECTIONS = 3


class AlignmentError(InvalidParameterError):
    """The video cannot be aligned with the mission (too few anchors, inconsistent anchors)."""


@dataclass(frozen=True)
class Anchor:
    """One pair of the map: ``name`` was seen (or given) at ``video_time_s``.

    ``mission_time_s`` is the event's mission time; the camera shows it ``lag_s`` later, so the
    pair fitted is (``video_time_s``, ``mission_time_s + lag_s``).
    """

    name: str
    video_time_s: float
    mission_time_s: float
    source: Literal["detected", "given"]
    lag_s: float = 0.0
    confidence: float = 1.0
    observed: str = ""

    @property
    def seen_mission_time_s(self) -> float:
        """Mission time of what the camera shows at ``video_time_s``."""
        return self.mission_time_s + self.lag_s


@dataclass(frozen=True)
class Segment:
    """A piece of the map valid for video times in [``video_start_s``, ``video_end_s``)."""

    video_start_s: float
    video_end_s: float
    offset_s: float
    rate: float
    anchors: int
    fit: Literal["given", "detected", "one_anchor", "neighbour"]

    def mission_time(self, video_time_s: float) -> float:
        return self.offset_s + self.rate * video_time_s

    def to_json(self) -> dict[str, float | int | str]:
        return {
            "video_start_s": self.video_start_s,
            "video_end_s": self.video_end_s,
            "offset_s": self.offset_s,
            "rate": self.rate,
            "mission_start_s": self.mission_time(self.video_start_s),
            "mission_end_s": self.mission_time(self.video_end_s),
            "anchors": self.anchors,
            "fit": self.fit,
        }


@dataclass(frozen=True)
class TimeMap:
    """A piecewise-linear map from video time to mission time."""

    segments: tuple[Segment, ...]

    @property
    def main(self) -> Segment:
        """The segment holding the most video time."""
        return max(self.segments, key=lambda s: s.video_end_s - s.video_start_s)

    def segment_at(self, video_time_s: float) -> Segment:
        starts = [s.video_start_s for s in self.segments]
        k = int(np.searchsorted(starts, video_time_s, side="right")) - 1
        return self.segments[min(max(k, 0), len(self.segments) - 1)]

    def mission_time(self, video_time_s: float) -> float:
        """Mission time shown at ``video_time_s``."""
        return self.segment_at(video_time_s).mission_time(video_time_s)

    def mission_times(self, video_time_s: np.ndarray) -> np.ndarray:
        """Vectorised :meth:`mission_time`."""
        v = np.asarray(video_time_s, dtype=np.float64)
        starts = np.array([s.video_start_s for s in self.segments])
        k = np.clip(np.searchsorted(starts, v, side="right") - 1, 0, len(self.segments) - 1)
        off = np.array([s.offset_s for s in self.segments])[k]
        rate = np.array([s.rate for s in self.segments])[k]
        return off + rate * v

    def video_times(self, mission_time_s: float) -> list[float]:
        """Every video time showing ``mission_time_s`` (one per segment holding it)."""
        out = []
        for s in self.segments:
            v = (mission_time_s - s.offset_s) / s.rate
            if s.video_start_s - 1e-9 <= v < s.video_end_s:
                out.append(float(v))
        return out


def _tol(rate: float, frame_s: float) -> float:
    return INLIER_FRAMES * frame_s * rate + INLIER_MISSION_S


def _wls(v: np.ndarray, m: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    if len(v) == 2 or np.ptp(v) == 0:
        i, j = int(np.argmin(v)), int(np.argmax(v))
        rate = (m[j] - m[i]) / (v[j] - v[i])
        return float(m[i] - rate * v[i]), float(rate)
    rate, off = np.polyfit(v, m, 1, w=np.sqrt(w))
    return float(off), float(rate)


def robust_line(anchors: Sequence[Anchor], frame_s: float) -> tuple[float, float, np.ndarray] | None:
    """The line most anchors agree with: ``(offset_s, rate, inlier_mask)``, or None.

    Given anchors are trusted: with two or more the line is their least-squares line (exact
    through two); with one, the line passes through it. Detections are scored by confidence.
    """
    if len(anchors) < 2:
        return None
    v = np.array([a.video_time_s for a in anchors])
    m = np.array([a.seen_mission_time_s for a in anchors])
    w = np.array([1e6 if a.source == "given" else max(a.confidence, 1e-3) for a in anchors])
    given = np.array([a.source == "given" for a in anchors])
    if given.sum() >= 2:
        off, rate = _wls(v[given], m[given], np.ones(int(given.sum())))
        if not RATE_RANGE[0] <= rate <= RATE_RANGE[1]:
            return None
        r = np.abs(m - off - rate * v)
        # given anchors off their own line (a time-lapse, an edit) are outliers of the single line
        inl = (r <= _tol(rate, frame_s)) & (~given | (r <= 1e-6 * max(1.0, float(np.ptp(m)))))
        return off, rate, inl
    best: tuple[float, float, float, np.ndarray] | None = None
    n = len(anchors)
    for i in range(n):
        for j in range(i + 1, n):
            if given.any() and not (given[i] or given[j]):
                continue
            if abs(v[j] - v[i]) < 2 * frame_s or anchors[i].name == anchors[j].name:
                continue
            rate = (m[j] - m[i]) / (v[j] - v[i])
            if not RATE_RANGE[0] <= rate <= RATE_RANGE[1]:
                continue
            off = m[i] - rate * v[i]
            tol = _tol(rate, frame_s)
            r = np.abs(m - off - rate * v)
            inl = r <= tol
            score = float(np.sum(w[inl] * (1.0 - (r[inl] / tol) ** 2)))
            if best is None or score > best[2] + 1e-9:
                best = (off, rate, score, inl)
    if best is None:
        return None
    off, rate, _, inl = best
    for _ in range(2):  # refine on the inliers, then take the inliers of the refined line
        if given.any():
            g = int(np.flatnonzero(given)[0])
            others = inl & ~given
            dv, dm = v[others] - v[g], m[others] - m[g]
            rate = float(np.sum(w[others] * dv * dm) / np.sum(w[others] * dv * dv))
            off = float(m[g] - rate * v[g])
        else:
            off, rate = _wls(v[inl], m[inl], w[inl])
        new = np.abs(m - off - rate * v) <= _tol(rate, frame_s)
        if given.any():
            new |= given
        if new.sum() < 2 or np.array_equal(new, inl):
            break
        inl = new
    return off, rate, inl


def _given_pieces(anchors: list[Anchor], start: float, end: float, frame_s: float) -> list[Segment] | None:
    """Pieces through given anchors that are not on one line (a time-lapse), else None."""
    g = sorted((a for a in anchors if a.source == "given"), key=lambda a: a.video_time_s)
    if len(g) < 3:
        return None
    v = np.array([a.video_time_s for a in g])
    m = np.array([a.seen_mission_time_s for a in g])
    off, rate = _wls(v, m, np.ones(len(g)))
    if np.max(np.abs(m - off - rate * v)) <= 1e-6 * max(1.0, float(np.ptp(m))):
        return None
    pieces = []
    for k in range(len(g) - 1):
        r = (m[k + 1] - m[k]) / (v[k + 1] - v[k])
        if not r > 0:
            raise AlignmentError(
                f"given anchors {g[k].name} and {g[k + 1].name} run backwards in mission time "
                f"({g[k].name} at {v[k]:g} s, {g[k + 1].name} at {v[k + 1]:g} s of video)"
            )
        lo = start if k == 0 else float(v[k])
        hi = end if k == len(g) - 2 else float(v[k + 1])
        pieces.append(Segment(lo, hi, float(m[k] - r * v[k]), float(r), 2, "given"))
    return pieces


def fit_time_map(
    anchors: Sequence[Anchor],
    *,
    duration_s: float,
    frame_s: float,
    cuts_s: Sequence[float] = (),
) -> tuple[TimeMap, tuple[Anchor, ...], tuple[Anchor, ...]]:
    """Fit the map; returns it, the anchors it rests on and the detections it rejected.

    Raises
    ------
    AlignmentError
        Fewer than two usable anchors, or anchors no line of positive rate fits.
    """
    anchors = list(anchors)
    if len(anchors) < 2:
        raise AlignmentError(
            f"cannot align: {len(anchors)} anchor(s) (need two or more); the detectors found too few "
            "events, give them with --anchor NAME=VIDEO_SECONDS"
        )
    glob = robust_line(anchors, frame_s)
    if glob is None:
        raise AlignmentError("cannot align: no line of positive rate fits the anchors " + _describe(anchors))
    bounds = [0.0, *sorted(c for c in cuts_s if 0.0 < c < duration_s), duration_s]
    shots = [(bounds[k], bounds[k + 1]) for k in range(len(bounds) - 1)]
    in_shot = [[a for a in anchors if lo <= a.video_time_s < hi or (hi == duration_s and a.video_time_s == hi)]
               for lo, hi in shots]
    off, rate, inl = glob
    outliers = {id(a) for a, ok in zip(anchors, inl) if not ok}
    own: list[tuple[float, float, np.ndarray] | None] = []
    piecewise = any(a.source == "given" for a in anchors if id(a) in outliers)
    for members in in_shot:
        line = robust_line(members, frame_s) if len(members) >= 2 else None
        if line is not None:
            mine = [a for a, ok in zip(members, line[2]) if ok]
            n_given = sum(a.source == "given" for a in mine)
            # a shot has a line of its own with two given anchors, or three detections on it
            if n_given < 2 and len(mine) < MIN_SHOT_DETECTIONS:
                line = None
            elif sum(id(a) in outliers for a in mine) >= 2:
                piecewise = True
        own.append(line)
    given_all = [a for a in anchors if a.source == "given"]
    if not piecewise:
        pieces = _given_pieces(given_all, 0.0, duration_s, frame_s)
        if pieces is not None:
            return TimeMap(tuple(pieces)), tuple(given_all), tuple(a for a in anchors if a.source != "given")
        used = tuple(a for a, ok in zip(anchors, inl) if ok)
        kind: Literal["given", "detected"] = "given" if len(given_all) >= 2 else "detected"
        seg = Segment(0.0, duration_s, off, rate, len(used), kind)
        return TimeMap((seg,)), used, tuple(a for a, ok in zip(anchors, inl) if not ok)
    per_shot: list[list[Segment] | None] = []
    used_l: list[Anchor] = []
    fitted_rates: list[float] = []
    for (lo, hi), members, line in zip(shots, in_shot, own):
        pieces = _given_pieces(members, lo, hi, frame_s)
        if pieces is not None:
            per_shot.append(pieces)
            used_l.extend(a for a in members if a.source == "given")
            fitted_rates.extend(p.rate for p in pieces)
        elif line is not None:
            mine = [a for a, ok in zip(members, line[2]) if ok]
            kind = "given" if sum(a.source == "given" for a in members) >= 2 else "detected"
            per_shot.append([Segment(lo, hi, line[0], line[1], len(mine), kind)])
            used_l.extend(mine)
            fitted_rates.append(line[1])
        else:  # one anchor or none: filled in below
            per_shot.append(None)
    base_rate = float(np.median(fitted_rates)) if fitted_rates else rate
    for k, ((lo, hi), members) in enumerate(zip(shots, in_shot)):
        if per_shot[k] is None and members:
            on_line = [a for a in members if id(a) not in outliers]
            if on_line and not any(a.source == "given" and id(a) in outliers for a in members):
                per_shot[k] = [Segment(lo, hi, off, rate, len(on_line), "detected")]
                used_l.extend(on_line)
                continue
            a = max(members, key=lambda x: (x.source == "given", x.confidence))
            off_k = a.seen_mission_time_s - base_rate * a.video_time_s
            per_shot[k] = [Segment(lo, hi, off_k, base_rate, 1, "one_anchor")]
            used_l.append(a)
    out: list[Segment] = []
    for k, (lo, hi) in enumerate(shots):
        pieces = per_shot[k]
        if pieces is None:  # no anchors: continue the previous shot's line (or the next one's)
            order = [*range(k - 1, -1, -1), *range(k + 1, len(shots))]
            near = next((per_shot[j] for j in order if per_shot[j] is not None), None)
            ref = near[-1 if near is not None and order and order[0] < k else 0] if near else None
            o, r = (ref.offset_s, ref.rate) if ref is not None else (off, rate)
            pieces = [Segment(lo, hi, o, r, 0, "neighbour")]
        out.extend(pieces)
    used_ids = {id(a) for a in used_l}
    return TimeMap(tuple(out)), tuple(used_l), tuple(a for a in anchors if id(a) not in used_ids)


def _describe(anchors: Sequence[Anchor]) -> str:
    return "(" + ", ".join(f"{a.name} at {a.video_time_s:.2f} s of video" for a in anchors) + ")"


def with_event_video_time(anchor: Anchor, time_map: TimeMap) -> Anchor:
    """The anchor re-expressed at the event itself: ``video_time_s`` minus the camera lag."""
    if anchor.lag_s == 0.0:
        return anchor
    seg = time_map.segment_at(anchor.video_time_s)
    return replace(anchor, video_time_s=anchor.video_time_s - anchor.lag_s / seg.rate, lag_s=0.0)
