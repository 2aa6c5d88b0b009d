"""Straight bright strips across the canopy (the bridle, the backshell's struts), sample by sample.

A bridle or strut seen in front of the canopy is a straight strip of bluish-grey webbing about
as bright as white fabric, so a gore under it looks white whatever its colour. Where it crosses
the dark sky just outside the rim it stands out, and a straight line in the image stays
straight in the canopy frame (a homography), so two crossings (at two radii outside the rim)
give the strip's line and width; it is followed inward until the fabric along its line turns
red (webbing is never red: the strip ended, as a strut does) or until it comes closest to the
canopy's centre (the bridle runs to the lines' confluence, near the vent). Ring samples inside
a strip are then no evidence of white (:func:`strip_cover`), while the rest of their gore still
is: the gore is read from its visible part instead of being erased whole.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from marsound.chute.geometry import CanopyFrame
from marsound.chute.occluders import GAP_ROWS, GAP_SEARCH, OCCLUDER_BRIGHTNESS, inside_picture
from marsound.chute.polar import chroma, polar_points, project, sample

GAP_CROSSING = (0.15, 0.35)
"""Where a strip is seen crossing the gap: shares of the way from the gap's inner edge to the rim
(the gap spans about the first half: 0.80-0.90 in the spec's proportions, 0.85-0.92 on NASA's
frame; where these radii fall on a domed canopy's band, the strip is not kept)."""
SKY_RADII = (1.06, 1.1, 1.16, 1.24, 1.34, 1.48, 1.64)
"""Radii (rim radii) outside the rim where strips are looked for in the sky, inner first."""
SEARCH_RADII = 2
"""Where the first this many of :data:`SKY_RADII` lie in the picture, the sky was searched."""
SKY_ANGLES = 1440
"""Angles sampled around each of :data:`SKY_RADII`."""
SKY_BLOCK = 16
"""Samples per block of the sky's running median (:data:`SKY_ANGLES` is a multiple)."""
SKY_WINDOW_DEG = 40.0
"""Width of the running median giving the sky's own brightness around the rim (the sky's
gradient changes it slowly; a strip is narrower)."""
STRIP_BRIGHTNESS = 1.6
"""A sky sample this factor brighter than the sky around it is on a strip."""
MAX_STRIP_WIDTH = 0.35
"""Widest strip (rim radii) across the sky: wider bright runs are fabric (a rim fitted too small)."""
MAX_STRIPS = 4
"""More bright runs than this around one radius are not strips but clutter (a scalloped rim
reaching past it, hardware beside the canopy): none of them is taken. A bridle and two struts
make three."""
MAX_CLUTTERED = 2
"""With this many radii cluttered, no strip is found at all (NASA's frame: the backshell's
hardware beside the canopy)."""
MATCH_DEG = 30.0
"""Largest angle between a strip's crossings of two successive sky radii."""
LINE_TOLERANCE = 0.03
"""A crossing farther than this (rim radii) from the line of a strip's crossings inside it is
not the same strip."""
MAX_PEAK_RATIO = 2.5
"""Crossings of one strip differ in brightness by less than this factor."""
MAX_WIDTH_RATIO = 2.5
"""A strip's widths across the sky radii differ by less than this factor (it widens slowly)."""
MIN_SPAN = 0.05
"""A strip's crossings must span this much (rim radii) to give its direction."""
MIN_INWARD_COS = 0.3
"""A strip must head into the canopy: cosine between its direction and the inward radius."""
STEER_DEG = 20.0
"""Largest correction (degrees, in steps of 1) of a strip's direction by :func:`_steer`."""
STEER_TIE = 0.05
"""Directions whose mean contrast (log brightness) is within this of the best tie."""
STEER_LENGTH = 0.4
"""Length (rim radii) of a strip, inward from the rim, over which its direction is corrected."""
TRACE_STEP = 0.01
"""Step (rim radii) along a strip's line when it is followed inward."""
RED_STEPS = 2
"""Consecutive steps with red fabric on a strip's line that end it."""
MARGIN = 0.012
"""Added to a strip's half-width (rim radii): its blurred edge and the fitted line's error."""
MARGIN_SHARE = 0.15
"""Also added to a strip's half-width, as a share of it."""


@dataclass(frozen=True)
class Strip:
    """A straight strip in canonical (rim radius 1) coordinates: it enters the canopy at
    ``start`` heading ``direction`` (unit), ``half_width`` either side, for ``length``."""

    start: tuple[float, float]
    direction: tuple[float, float]
    half_width: float
    length: float


def _runs(mask: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Runs (first index, length) of True in a circular mask."""
    n = len(mask)
    if mask.all() or not mask.any():
        return []
    start = int(np.argmin(mask))  # a False sample: runs do not wrap past it
    m = np.roll(mask, -start)
    d = np.diff(np.concatenate([[0], m.astype(np.int8), [0]]))
    begins, ends = np.flatnonzero(d == 1), np.flatnonzero(d == -1)
    return [((int(b) + start) % n, int(e - b)) for b, e in zip(begins, ends, strict=True)]


def find_strips(
    img: NDArray[np.uint8],
    frame: CanopyFrame,
    rel: float,
    red_axis: tuple[NDArray[np.float64], NDArray[np.float64], float],
    gap_in: float,
    *,
    log_offset: float,
) -> tuple[list[Strip], NDArray[np.bool_]]:
    """Bright straight strips crossing the rim from outside, followed inward.

    ``img`` is sampled at ``rel`` times the frame's pixels; ``red_axis`` is (mean chroma,
    red-white chroma axis, threshold): a chroma projecting above the threshold is red fabric.
    ``gap_in`` is the gap's inner edge (rim radii): a strip must be seen crossing the gap, far
    brighter than the gap around (:data:`marsound.chute.occluders.OCCLUDER_BRIGHTNESS`), or it
    is not kept (a strut ending in the band, a line fitted to clutter beside the canopy).
    ``log_offset`` is added to B + G + R before the log brightness.

    Returns the strips and (diagnostic only: the decoder uses :func:`crossed_columns`) where the
    sky around the rim was searched (:data:`SKY_ANGLES`
    angles from 12 o'clock clockwise, bool: inside the picture at the first
    :data:`SEARCH_RADII` radii of :data:`SKY_RADII`; all False when the sky is too cluttered
    to tell strips from it).
    """
    nothing: tuple[list[Strip], NDArray[np.bool_]] = ([], np.zeros(SKY_ANGLES, dtype=bool))
    if not 0.5 < gap_in < 0.97:
        return nothing
    gap_r = gap_in + np.linspace(GAP_CROSSING[0], GAP_CROSSING[1], 4) * (1 - gap_in)
    gap_pts = polar_points(gap_r, (np.arange(SKY_ANGLES // 4) + 0.5) * 8 * np.pi / SKY_ANGLES)
    gap_lum = float(np.median(np.log(sample(img, frame, gap_pts, rel).astype(np.float64).sum(-1) + log_offset)))
    crossings: list[list[tuple[NDArray[np.float64], float, float]]] = []
    cluttered = 0
    searched = np.ones(SKY_ANGLES, dtype=bool)
    lum, ref, inside_all = _sky(img, frame, rel, log_offset)
    for i_r, r in enumerate(SKY_RADII):
        found = _crossings(lum[i_r], ref[i_r], inside_all[i_r], r)
        if found is None and i_r < SEARCH_RADII:
            return nothing
        if found is None:  # the circle lies mostly outside the picture
            crossings.append([])
            continue
        runs, inside, n_runs = found
        if n_runs > MAX_STRIPS:  # cluttered: the rim's scallops, or hardware beside the canopy
            cluttered += 1
            if cluttered >= MAX_CLUTTERED:
                return nothing
            runs = []
        if i_r < SEARCH_RADII:
            searched &= inside
        crossings.append(runs)
    strips = []
    used = [np.zeros(len(c), dtype=bool) for c in crossings]
    for i0 in range(SEARCH_RADII):
        for j0, first in enumerate(crossings[i0]):
            if used[i0][j0]:
                continue
            chain = [first]
            for i_r in range(i0 + 1, len(SKY_RADII)):
                j = _next_crossing(chain, crossings[i_r], used[i_r])
                if j is not None:
                    chain.append(crossings[i_r][j])
                    used[i_r][j] = True
            used[i0][j0] = True
            strip = _strip_of(img, frame, rel, chain, red_axis, log_offset)
            if strip is not None and _crosses_gap(img, frame, rel, strip, gap_r, gap_lum, log_offset):
                strips.append(strip)
    return strips, searched


def _sky(
    img: NDArray[np.uint8], frame: CanopyFrame, rel: float, log_offset: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """Log brightness around the circles of :data:`SKY_RADII` (radii × :data:`SKY_ANGLES`), the
    sky's own (running median over :data:`SKY_WINDOW_DEG`), and which samples lie in the picture."""
    from scipy.ndimage import median_filter

    ang = (np.arange(SKY_ANGLES) + 0.5) * 2 * np.pi / SKY_ANGLES
    win = max(3, round(SKY_WINDOW_DEG / 360 * SKY_ANGLES)) | 1
    pts = polar_points(np.asarray(SKY_RADII), ang)
    inside = inside_picture(frame.to_image(pts) * rel, img.shape[:2]).reshape(len(SKY_RADII), -1)
    lum = np.log(sample(img, frame, pts, rel).astype(np.float64).sum(-1) + log_offset).reshape(len(SKY_RADII), -1)
    fill = [np.median(row[ok]) if ok.any() else 0.0 for row, ok in zip(lum, inside, strict=True)]
    lum = np.where(inside, lum, np.asarray(fill)[:, None])
    # the running median of block medians (a strip is at most a few blocks wide)
    blocks = np.median(lum.reshape(len(SKY_RADII), -1, SKY_BLOCK), axis=2)
    ref = median_filter(blocks, size=(1, max(3, win // SKY_BLOCK) | 1), mode="wrap")
    return lum, np.repeat(ref, SKY_BLOCK, axis=1), inside


def _crossings(
    lum: NDArray[np.float64], ref: NDArray[np.float64], inside: NDArray[np.bool_], r: float
) -> tuple[list[tuple[NDArray[np.float64], float, float]], NDArray[np.bool_], int] | None:
    """Bright runs around the circle of radius ``r`` (its :func:`_sky` profiles) narrow enough
    for a strip: (centre point, half-width along the circle at half maximum, peak brightness)
    each; which angles lie in the picture; how many bright runs there are in all. None when too
    little of the circle lies in the picture."""
    step = 2 * np.pi / SKY_ANGLES
    win = max(3, round(SKY_WINDOW_DEG / 360 * SKY_ANGLES)) | 1
    if inside.sum() < win:
        return None
    bright = inside & (lum - ref > np.log(STRIP_BRIGHTNESS))
    runs = [(b, n) for b, n in _runs(bright) if n >= 2]
    out = []
    for b, n in runs:
        idx = np.arange(b, b + n) % SKY_ANGLES
        peak = float(np.median(np.exp(lum[idx])))
        half_max = 0.5 * (peak + float(np.exp(np.median(ref[idx]))))
        n_half = int(np.sum(np.exp(lum[idx]) >= half_max))
        width = 2 * r * np.sin(0.5 * step * max(n_half, 1))
        if width > MAX_STRIP_WIDTH:
            continue
        out.append((polar_points(np.array([r]), np.array([(b + 0.5 * n) * step]))[0], 0.5 * width, peak))
    return out, inside, len(runs)


def _next_crossing(
    chain: list[tuple[NDArray[np.float64], float, float]],
    runs: list[tuple[NDArray[np.float64], float, float]],
    used: NDArray[np.bool_],
) -> int | None:
    """The crossing among ``runs`` (not ``used``) that continues ``chain`` in a straight line
    with a like brightness and width, or None."""
    last = chain[-1]
    best = None
    for j, (p, half, peak) in enumerate(runs):
        if used[j] or abs(np.log(peak / last[2])) > np.log(MAX_PEAK_RATIO):
            continue
        if abs(np.log(max(half, 1e-9) / max(chain[0][1], 1e-9))) > np.log(MAX_WIDTH_RATIO):
            continue
        if len(chain) == 1:
            a0, a1 = np.arctan2(last[0][0], -last[0][1]), np.arctan2(p[0], -p[1])
            miss = abs((a1 - a0 + np.pi) % (2 * np.pi) - np.pi)
            ok = miss <= np.radians(MATCH_DEG)
        else:
            d = chain[-1][0] - chain[0][0]
            d = d / max(float(np.hypot(*d)), 1e-9)
            q = p - chain[0][0]
            miss = abs(float(q[0] * d[1] - q[1] * d[0]))
            ok = miss <= max(LINE_TOLERANCE, last[1])
        if ok and (best is None or miss < best[0]):
            best = (miss, j)
    return None if best is None else best[1]


def _strip_of(
    img: NDArray[np.uint8],
    frame: CanopyFrame,
    rel: float,
    chain: list[tuple[NDArray[np.float64], float, float]],
    red_axis: tuple[NDArray[np.float64], NDArray[np.float64], float],
    log_offset: float,
) -> Strip | None:
    """The strip through a chain of crossings (inner first), followed inward; None when the
    crossings span too little or do not head into the canopy."""
    pts = np.array([c[0] for c in chain])
    if len(chain) < 2 or float(np.hypot(*(pts[-1] - pts[0]))) < MIN_SPAN:
        return None
    centre = pts.mean(axis=0)
    _, _, vt = np.linalg.svd(pts - centre)
    d = vt[0] * (1.0 if float(vt[0] @ (pts[0] - pts[-1])) > 0 else -1.0)  # inward
    start = centre + float((pts[0] - centre) @ d) * d  # on the line, at the innermost crossing
    if float(-start @ d) / max(float(np.hypot(*start)), 1e-9) < MIN_INWARD_COS:
        return None
    d = _steer(img, frame, rel, start, d, _half_width(chain, d), log_offset)
    half = _half_width(chain, d)
    length = follow_strip(img, frame, rel, start, d, half, red_axis)
    return Strip((float(start[0]), float(start[1])), (float(d[0]), float(d[1])), half, length)


def _half_width(chain: list[tuple[NDArray[np.float64], float, float]], d: NDArray[np.float64]) -> float:
    """Half-width across direction ``d`` of a strip from its innermost two crossings (their
    half-widths along the circles)."""
    half = 0.0
    for p, h_circ, _ in chain[:2]:
        t = np.array([-p[1], p[0]]) / max(float(np.hypot(*p)), 1e-9)  # the circle's tangent
        half = max(half, h_circ * abs(float(t[0] * d[1] - t[1] * d[0])))
    return half


def _crosses_gap(
    img: NDArray[np.uint8],
    frame: CanopyFrame,
    rel: float,
    strip: Strip,
    gap_r: NDArray[np.float64],
    gap_lum: float,
    log_offset: float,
) -> bool:
    """Whether ``strip`` reaches the gap (radii ``gap_r``) and is seen there far brighter than
    the gap's median log brightness ``gap_lum``."""
    p, d = np.asarray(strip.start), np.asarray(strip.direction)
    a = float(p @ d)
    disc = a * a - float(p @ p) + gap_r**2
    if np.any(disc < 0):
        return False
    t = -a - np.sqrt(disc)  # the first crossing of each radius, heading inward
    if np.any(t < 0) or np.any(t > strip.length):
        return False
    nrm = np.array([-d[1], d[0]])
    offs = np.array([-0.3, 0.0, 0.3]) * strip.half_width
    pts = p + t[:, None, None] * d + offs[None, :, None] * nrm
    lum = np.log(sample(img, frame, pts.reshape(-1, 2), rel).astype(np.float64).sum(-1) + log_offset)
    return bool(np.median(lum) - gap_lum > np.log(OCCLUDER_BRIGHTNESS))


def _steer(
    img: NDArray[np.uint8],
    frame: CanopyFrame,
    rel: float,
    start: NDArray[np.float64],
    d: NDArray[np.float64],
    half: float,
    log_offset: float,
) -> NDArray[np.float64]:
    """The direction, within ±:data:`STEER_DEG` of ``d`` about ``start``, along which the strip
    stands out most from what lies beside it over its first :data:`STEER_LENGTH` inward (the
    dark gap, red fabric; a little over white fabric): the crossings of the sky may lie close
    together (a strip leaving the picture) and tilt the line."""
    deltas = np.radians(np.linspace(-STEER_DEG, STEER_DEG, 2 * round(STEER_DEG) + 1))
    c, s_ = np.cos(deltas), np.sin(deltas)
    dirs = np.stack([c * d[0] - s_ * d[1], s_ * d[0] + c * d[1]], axis=-1)  # (n, 2)
    nrms = np.stack([-dirs[:, 1], dirs[:, 0]], axis=-1)
    t = np.arange(TRACE_STEP, STEER_LENGTH + TRACE_STEP / 2, TRACE_STEP)
    offs = np.array([-2.0, 0.0, 2.0]) * half
    pts = (
        start[None, None, None, :]
        + t[None, :, None, None] * dirs[:, None, None, :]
        + offs[None, None, :, None] * nrms[:, None, None, :]
    )
    lum = np.log(sample(img, frame, pts.reshape(-1, 2), rel).astype(np.float64).sum(-1) + log_offset)
    lum = lum.reshape(len(deltas), len(t), len(offs))
    contrast = np.clip(lum[:, :, 1] - np.maximum(lum[:, :, 0], lum[:, :, 2]), -1.0, 1.0).mean(axis=1)
    # the middle of the directions that do (they tie while the line stays on the strip)
    best = float(np.mean(deltas[contrast >= contrast.max() - STEER_TIE]))
    return np.array([np.cos(best) * d[0] - np.sin(best) * d[1], np.sin(best) * d[0] + np.cos(best) * d[1]])


def follow_strip(
    img: NDArray[np.uint8],
    frame: CanopyFrame,
    rel: float,
    start: NDArray[np.float64],
    d: NDArray[np.float64],
    half: float,
    red_axis: tuple[NDArray[np.float64], NDArray[np.float64], float],
) -> float:
    """How far a strip runs inward from ``start``: until :data:`RED_STEPS` steps of red fabric
    on its line; past its point closest to the centre (where the bridle meets the lines) only
    while red fabric on either side shows it is still there."""
    mu, axis, thr = red_axis
    a = float(start @ d)
    t_near = max(0.0, -a)
    t_far = -a + float(np.sqrt(max(a * a - float(start @ start) + 1.0, 0.0)))  # back at the rim
    t_far = max(t_far, t_near)
    t = np.arange(0.0, t_far + TRACE_STEP, TRACE_STEP)
    nrm = np.array([-d[1], d[0]])
    offs = np.array([-2.0, -0.5, 0.0, 0.5, 2.0]) * half
    pts = start[None, None, :] + t[:, None, None] * d[None, None, :] + offs[None, :, None] * nrm[None, None, :]
    red = project(chroma(sample(img, frame, pts.reshape(-1, 2), rel)), mu, axis).reshape(len(t), len(offs)) > thr
    on_red = red[:, 1:4].sum(axis=1) >= 2
    run = np.convolve(on_red.astype(np.int8), np.ones(RED_STEPS, np.int8), mode="valid") >= RED_STEPS
    hit = np.flatnonzero(run)
    end = float(t[hit[0]]) if hit.size else float(t[-1])
    if end <= t_near:
        return end
    beside = red[:, 0] | red[:, 4]
    past = (t > t_near) & ~beside
    gone = np.flatnonzero(past & (t <= end))
    return float(t[gone[0]]) if gone.size else end


def crossed_columns(strips: list[Strip], gore_c: NDArray[np.float64], gap_in: float) -> NDArray[np.bool_]:
    """Which gore columns (centre angles ``gore_c``) a strip crosses somewhere between the gap's
    inner edge ``gap_in`` and the rim (where :func:`marsound.chute.occluders.gap_occluders` looks
    for the gap)."""
    rr = gap_in + np.linspace(GAP_SEARCH[0], GAP_SEARCH[1], GAP_ROWS) * (1 - gap_in)
    return np.asarray(strip_cover(strips, polar_points(rr, gore_c).reshape(len(rr), len(gore_c), 2)).any(axis=0))


def strip_cover(strips: list[Strip], pts: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Which canonical points (..., 2) lie on one of ``strips`` (within its length)."""
    out = np.zeros(pts.shape[:-1], dtype=bool)
    for s in strips:
        q = pts - np.asarray(s.start)
        d = np.asarray(s.direction)
        along = q[..., 0] * d[0] + q[..., 1] * d[1]
        across = np.abs(q[..., 0] * d[1] - q[..., 1] * d[0])
        out |= (across <= s.half_width * (1 + MARGIN_SHARE) + MARGIN) & (along <= s.length)
    return out
