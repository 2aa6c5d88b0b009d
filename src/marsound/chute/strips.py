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
from marsound.chute.occluders import inside_picture
from marsound.chute.polar import chroma, polar_points, project, sample

SKY_RADII = (1.1, 1.3)
"""Radii (rim radii) outside the rim where strips are looked for in the sky."""
SKY_ANGLES = 720
"""Angles sampled around each of :data:`SKY_RADII`."""
SKY_WINDOW_DEG = 40.0
"""Width of the running median giving the sky's own brightness around the rim (the sky's
gradient changes it slowly; a strip is narrower)."""
STRIP_BRIGHTNESS = 1.6
"""A sky sample this factor brighter than the sky around it is on a strip."""
MAX_STRIP_WIDTH = 0.35
"""Widest strip (rim radii) across the sky: wider bright runs are fabric (a rim fitted too small)."""
MAX_STRIPS = 6
"""More bright runs than this around the rim are not strips (a bright or cluttered sky)."""
MATCH_DEG = 30.0
"""Largest angle between a strip's crossings of the two sky radii."""
MIN_INWARD_COS = 0.3
"""A strip must head into the canopy: cosine between its direction and the inward radius."""
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
    *,
    log_offset: float,
) -> list[Strip]:
    """Bright straight strips crossing the rim from outside, followed inward.

    ``img`` is sampled at ``rel`` times the frame's pixels; ``red_axis`` is (mean chroma,
    red-white chroma axis, threshold): a chroma projecting above the threshold is red fabric.
    ``log_offset`` is added to B + G + R before the log brightness.
    """
    from scipy.ndimage import median_filter

    mu, axis, thr = red_axis
    ang = (np.arange(SKY_ANGLES) + 0.5) * 2 * np.pi / SKY_ANGLES
    win = max(3, round(SKY_WINDOW_DEG / 360 * SKY_ANGLES)) | 1
    runs = []
    for r in SKY_RADII:
        pts = polar_points([r], ang)
        inside = inside_picture(frame.to_image(pts) * rel, img.shape[:2])
        if inside.sum() < win:
            return []
        lum = np.log(sample(img, frame, pts, rel).astype(np.float64).sum(-1) + log_offset)
        lum = np.where(inside, lum, np.median(lum[inside]))
        ref = median_filter(lum, size=win, mode="wrap")
        bright = inside & (lum - ref > np.log(STRIP_BRIGHTNESS))
        found = [(b, n) for b, n in _runs(bright) if n >= 2]
        if len(found) > MAX_STRIPS:
            return []
        runs.append([(b, n) for b, n in found if 2 * r * np.sin(np.pi * n / SKY_ANGLES) <= MAX_STRIP_WIDTH])
    step = 2 * np.pi / SKY_ANGLES
    strips = []
    for b_a, n_a in runs[0]:
        a_mid = (b_a + 0.5 * n_a) * step
        best = None
        for b_b, n_b in runs[1]:
            b_mid = (b_b + 0.5 * n_b) * step
            dist = abs((b_mid - a_mid + np.pi) % (2 * np.pi) - np.pi)
            if dist <= np.radians(MATCH_DEG) and (best is None or dist < best[0]):
                best = (dist, b_b, n_b)
        if best is None:
            continue
        _, b_b, n_b = best
        p_a = polar_points([SKY_RADII[0]], [a_mid])[0]
        p_b = polar_points([SKY_RADII[1]], [(b_b + 0.5 * n_b) * step])[0]
        d = p_a - p_b
        d /= max(float(np.hypot(*d)), 1e-9)
        if float(-p_a @ d) / SKY_RADII[0] < MIN_INWARD_COS:
            continue
        half = 0.0
        for (b, n), r in zip(((b_a, n_a), (b_b, n_b)), SKY_RADII, strict=True):
            ends = polar_points([r], [(b - 0.5) * step, (b + n + 0.5) * step])
            chord = ends[1] - ends[0]
            half = max(half, 0.5 * abs(float(chord[0] * d[1] - chord[1] * d[0])))
        length = _follow(img, frame, rel, p_a, d, half, mu, axis, thr)
        strips.append(Strip((float(p_a[0]), float(p_a[1])), (float(d[0]), float(d[1])), half, length))
    return strips


def _follow(
    img: NDArray[np.uint8],
    frame: CanopyFrame,
    rel: float,
    start: NDArray[np.float64],
    d: NDArray[np.float64],
    half: float,
    mu: NDArray[np.float64],
    axis: NDArray[np.float64],
    thr: float,
) -> float:
    """How far a strip runs inward from ``start``: until :data:`RED_STEPS` steps of red fabric
    on its line, or its point closest to the centre."""
    t_max = max(0.0, float(-start @ d))
    t = np.arange(0.0, t_max + TRACE_STEP, TRACE_STEP)
    nrm = np.array([-d[1], d[0]])
    offs = np.array([-0.5, 0.0, 0.5]) * half
    pts = start[None, None, :] + t[:, None, None] * d[None, None, :] + offs[None, :, None] * nrm[None, None, :]
    pts = pts.reshape(-1, 2)
    red = project(chroma(sample(img, frame, pts, rel)), mu, axis) > thr
    red = red.reshape(len(t), len(offs)).sum(axis=1) >= 2
    run = np.convolve(red.astype(np.int8), np.ones(RED_STEPS, np.int8), mode="valid") >= RED_STEPS
    hit = np.flatnonzero(run)
    return float(t[hit[0]]) if hit.size else float(t_max)


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
