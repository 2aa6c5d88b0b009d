"""Landing events seen in a video, from the per-frame measures of :mod:`.frames`.

Each detector returns the video time of what the camera shows, the mission-time lag between
the event and that sight, and a confidence in [0, 1]:

* **cuts** (camera changes): a content score that jumps to ≥ 3× its local median (the
  adaptive rule of PySceneDetect's AdaptiveDetector); the events below are searched within
  one shot;
* **parachute_deploy** seen up-look: a red/white canopy appears in an empty sky and grows to a
  large area. It shows at line stretch, 1.04 s after mortar fire for Mars 2020 (kwan3217/edl
  reconstruction from the NAIF EDL kernels); full inflation follows ~0.6 s later (mortar
  + ~1.7 s), which the detector requires as the growth to a plateau;
* **backshell_separation** seen up-look and **heat_shield_separation** seen down-look: a body
  that filled part of the view falls away. Released without relative speed at a constant
  relative acceleration, its distance grows as d₀(1 + (t/τ)²), so its apparent area goes as
  1/(1 + (t/τ)²)²; the onset t₀ (the separation itself, no lag) is fitted to the area curve;
* **touchdown** seen down-look: the ground, moving until then, stops (global shift by phase
  correlation); dust may go on moving. The stop is placed within the frame by the shift of
  the last moving frames (rover contact for Mars 2020, the published ``touchdown``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from marsound.landing.video.frames import FrameMeasures

#: Line stretch after mortar fire, s: when an up-look camera first sees the canopy (Mars 2020).
LINE_STRETCH_LAG_S = 1.04
#: Full inflation after mortar fire, s (the canopy's growth must end by about then).
FULL_INFLATION_LAG_S = 1.7
#: Smallest canopy area (fraction of the frame) counted as seen.
CANOPY_SEEN_FRAC = 0.003
#: Canopy area (fraction of the frame) counted as inflated and close.
CANOPY_FULL_FRAC = 0.02
#: Smallest area of a white-grey body (heat shield) whose fall is looked for.
BODY_FULL_FRAC = 0.05
#: A content score this many times its local median marks a cut.
CUT_RATIO = 3.0
#: ... and at least this (mean |ΔHSV|, 0-255).
CUT_MIN_CONTENT = 27.0


@dataclass(frozen=True)
class Detection:
    """One event seen in the video.

    ``video_time_s`` is when the camera shows ``observed``; the event happened ``lag_s``
    mission seconds before that sight.
    """

    event: str
    observed: str
    video_time_s: float
    lag_s: float
    confidence: float


@dataclass(frozen=True)
class Cut:
    """A change of camera: the first frame of the new shot, and how sure we are."""

    video_time_s: float
    confidence: float


def detect_cuts(meas: FrameMeasures) -> tuple[Cut, ...]:
    """Cuts where the content score spikes above its local median (±0.5 s)."""
    c = meas.content
    n = len(c)
    half = max(2, round(0.5 * meas.info.fps))
    cuts: list[Cut] = []
    for i in range(1, n):
        if c[i] < CUT_MIN_CONTENT:
            continue
        lo, hi = max(1, i - half), min(n, i + half + 1)
        neigh = np.concatenate([c[lo:i], c[i + 1 : hi]])
        med = float(np.median(neigh)) if len(neigh) else 0.0
        ref = CUT_RATIO * (med + 2.0)
        if c[i] >= ref and c[i] == c[lo:hi].max():
            if cuts and meas.time_s[i] - cuts[-1].video_time_s < 0.3:
                continue
            cuts.append(Cut(float(meas.time_s[i]), float(np.clip(1.0 - ref / c[i], 0.0, 1.0) * 2)))
    return tuple(Cut(k.video_time_s, min(1.0, k.confidence)) for k in cuts)


def canopy_area(meas: FrameMeasures) -> NDArray[np.float64]:
    """Per-frame area of a red/white canopy (red and white each ≥ 15 % of the red+white area)."""
    return canopy_fraction(meas.red_frac, meas.white_frac)


def body_area(meas: FrameMeasures) -> NDArray[np.float64]:
    """Per-frame area of a white-grey body without red (a heat shield seen from above)."""
    return body_fraction(meas.red_frac, meas.white_frac)


def canopy_fraction(red_frac, white_frac) -> NDArray[np.float64]:
    """:func:`canopy_area` from the red and white fractions (arrays or numbers)."""
    red, white = np.asarray(red_frac, dtype=np.float64), np.asarray(white_frac, dtype=np.float64)
    total = red + white
    both = (red >= 0.15 * total) & (white >= 0.15 * total) & (red >= 0.001)
    return np.where(both, total, 0.0)


def body_fraction(red_frac, white_frac) -> NDArray[np.float64]:
    """:func:`body_area` from the red and white fractions (arrays or numbers)."""
    red, white = np.asarray(red_frac, dtype=np.float64), np.asarray(white_frac, dtype=np.float64)
    return np.where(red < 0.05 * white + 0.0005, white, 0.0)


def _shots(meas: FrameMeasures, cuts: tuple[Cut, ...]) -> list[slice]:
    """Runs of consecutive measured frames within one shot (split at cuts and at unmeasured gaps)."""
    idx = {0, *(int(np.searchsorted(meas.time_s, k.video_time_s)) for k in cuts), len(meas.time_s)}
    if meas.run_start is not None:
        idx.update(int(i) for i in np.flatnonzero(meas.run_start))
    return [slice(a, b) for a, b in itertools.pairwise(sorted(idx)) if b - a >= 2]


def _appearance(t: NDArray[np.float64], area: NDArray[np.float64], frame_s: float) -> tuple[float, float] | None:
    """Time and confidence of a canopy appearing in an empty sky and inflating (the surest one)."""
    seen = area >= CANOPY_SEEN_FRAC
    best: tuple[float, float] | None = None
    for k in np.flatnonzero(seen[1:] & ~seen[:-1]) + 1:
        empty = (t < t[k]) & (t >= t[k] - 0.3)
        if empty.sum() < 2 or seen[empty].any():  # the sky must be seen empty first
            continue
        grow = (t >= t[k]) & (t <= t[k] + max(2 * frame_s, FULL_INFLATION_LAG_S - LINE_STRETCH_LAG_S + 0.9))
        after = (t >= t[k]) & (t <= t[k] + max(3 * frame_s, 1.0))
        if area[grow].max() < CANOPY_FULL_FRAC or np.median(area[after]) < CANOPY_SEEN_FRAC:
            continue
        conf = float(np.clip(area[after].max() / (3 * CANOPY_FULL_FRAC), 0, 1) * np.mean(seen[after]))
        if best is None or conf > best[1]:
            # the canopy appeared between the last empty frame and the first one showing it
            best = (float(t[k] - 0.5 * frame_s), conf)
    return best


def _fall_away(
    t: NDArray[np.float64], area: NDArray[np.float64], full: float, frame_s: float
) -> tuple[float, float] | None:
    """Onset and confidence of a body falling away: area = a₀ for t < t₀, a₀/(1 + ((t − t₀)/τ)²)² after.

    a₀ is the plateau's 80th percentile (the canopy breathes); τ follows from t₀ and the
    half-area time; t₀ is searched on a grid of 1/8 frame. The fit runs from the start of the
    plateau to where the area is down to 30 %: a small, far body loses pixels to the masks
    faster than its area shrinks.
    """
    n = len(t)
    for j in range(2, n):
        before = (t < t[j]) & (t >= t[j] - 1.5)
        if before.sum() < 2:
            continue
        a0 = float(np.percentile(area[before], 80))
        if a0 < full or area[j] >= 0.5 * a0:
            continue
        rest = area[j : j + max(3, int(0.5 / frame_s))]
        if np.any(rest >= 0.6 * a0):  # it must stay small: falling away, not flickering
            continue
        p = j - 1  # the fit starts where the plateau does: back through the fall and the plateau...
        while p > 0 and area[p - 1] >= 0.5 * a0 and t[p - 1] >= t[j] - 4.0:
            p -= 1
        while p < j - 1 and area[p] < 0.9 * a0:  # ...but not into what came before it
            p += 1
        q = j
        while q + 1 < n and area[q + 1] >= 0.3 * a0:
            q += 1
        tw, aw = t[p : q + 1], area[p : q + 1] / a0
        # half-area crossing, linear between frames j-1 and j; it ties τ to t₀
        a_prev = area[j - 1] / a0
        frac = (a_prev - 0.5) / max(a_prev - area[j] / a0, 1e-12) if a_prev > 0.5 else 0.0
        t_half = float(t[j - 1] + np.clip(frac, 0, 1) * (t[j] - t[j - 1]))
        best: tuple[float, float] | None = None
        for t0 in np.arange(max(t[p], t_half - 3.0) - frame_s, t_half - 0.05 * frame_s, frame_s / 8):
            x = np.clip(tw - t0, 0, None) / ((t_half - t0) / _HALF_X)
            sse = float(np.sum((aw - 1.0 / (1.0 + x * x) ** 2) ** 2))
            if best is None or sse < best[1]:
                best = (float(t0), sse)
        if best is None:
            return None
        rms = np.sqrt(best[1] / len(tw))
        conf = float(np.clip(a0 / (2 * full), 0, 1) * np.clip(1.0 - 2.0 * rms, 0, 1))
        return best[0], conf
    return None


_HALF_X = np.sqrt(np.sqrt(2.0) - 1.0)  # (1 + x²)² = 2 at the half-area time


#: The ground counts as stopped once it stays within this many detection pixels of its final place.
STILL_PX = 0.35


def _stop(meas: FrameMeasures, s: slice) -> tuple[float, float] | None:
    """Time and confidence of the ground stopping at the end of a down-look shot.

    The global shifts are summed into a position track; the ground has stopped when the
    track stays within :data:`STILL_PX` of its final place. The stop is placed where a line
    through the last moving positions reaches that place.
    """
    t = meas.time_s[s]
    frame_s = meas.frame_s
    n = len(t)
    tail = max(3, int(np.ceil(0.5 / frame_s)))
    if n < tail + max(3, int(np.ceil(1.0 / frame_s))) or np.median(meas.response[s]) < 0.1:
        return None
    dx, dy = meas.dx_px[s].copy(), meas.dy_px[s].copy()
    dx[0] = dy[0] = 0.0  # the first frame's shift is across the cut
    pos = np.stack([np.cumsum(dx), np.cumsum(dy)], axis=1)
    end = np.median(pos[-tail:], axis=0)
    dist = np.hypot(*(pos - end).T)
    if dist[-tail:].max() > STILL_PX or dist[0] < 10 * STILL_PX:
        return None
    k = int(np.flatnonzero(dist > STILL_PX)[-1])  # last frame still moving
    fit = slice(max(0, k - max(2, round(0.3 / frame_s))), k + 1)
    tt, dd = t[fit], dist[fit]
    slope, icpt = np.polyfit(tt, dd, 1) if len(tt) >= 2 else (0.0, 0.0)
    t_stop = -icpt / slope if slope < 0 else t[k] + 0.5 * frame_s
    t_stop = float(np.clip(t_stop, t[k], t[min(k + 1, n - 1)] + frame_s))
    moved = float(dist[: max(1, k - int(1.0 / frame_s))].max()) if k > 1 else float(dist[0])
    noise = float(np.std(np.diff(dist[-tail:]))) + 1e-3
    conf = float(np.clip(np.log10(moved / (STILL_PX + noise)) / 1.5, 0, 1))
    return t_stop, conf


def detect_events(meas: FrameMeasures, cuts: tuple[Cut, ...] | None = None) -> tuple[Detection, ...]:
    """All landing events the detectors find, shot by shot, in video-time order.

    Parameters
    ----------
    meas
        Per-frame measures of the video (:func:`marsound.landing.video.frames.measure_frames`).
    cuts
        Camera cuts; by default :func:`detect_cuts`.
    """
    if cuts is None:
        cuts = detect_cuts(meas)
    canopy = canopy_area(meas)
    body = body_area(meas)
    frame_s = meas.frame_s
    found: list[Detection] = []
    for s in _shots(meas, cuts):
        t = meas.time_s[s]
        app = _appearance(t, canopy[s], frame_s)
        if app is not None:
            found.append(Detection("parachute_deploy", "canopy_appears", app[0], LINE_STRETCH_LAG_S, app[1]))
        rec = _fall_away(t, canopy[s], CANOPY_FULL_FRAC, frame_s)
        if rec is not None:
            found.append(Detection("backshell_separation", "canopy_recedes", rec[0], 0.0, rec[1]))
        hs = _fall_away(t, body[s], BODY_FULL_FRAC, frame_s)
        if hs is not None:
            found.append(Detection("heat_shield_separation", "heat_shield_recedes", hs[0], 0.0, hs[1]))
        if np.median(canopy[s]) < CANOPY_SEEN_FRAC:
            td = _stop(meas, s)
            if td is not None:
                found.append(Detection("touchdown", "ground_stops", td[0], 0.0, td[1]))
    return tuple(sorted(found, key=lambda d: d.video_time_s))
