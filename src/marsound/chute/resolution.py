"""How many pixels a gore spans, and how much a gore reading of that size can say.

In a video frame 400-600 px wide the canopy's rim is 100-190 px in radius, so a gore of the
innermost ring (radius about a quarter of the rim's) spans 2-4 pixels along its circle: fewer
still in chroma, which H.264 and JPEG keep at half resolution (4:2:0, ITU-T H.264 §6.2), and
the colour of a gore bleeds into its neighbours'. The classifier's evidence per gore (samples
that look red or white) then counts pixels that are not independent and partly belong to the
neighbouring gores, so its log-odds overstate what the pixels can say. This module measures
the width of every gore in image pixels and tempers the log-odds of narrow gores towards an
erasure (P(red) = 1/2), linearly from :data:`FULL_WIDTH_PX` (unchanged) down to
:data:`ERASED_WIDTH_PX` (erased), and keeps every gore narrower than :data:`NARROW_WIDTH_PX`
within :data:`NARROW_ERROR_RATE` of certainty (its measured error rate). The grammar decoder
then weighs or fills the gores that the pixels cannot read from the code's structure, or other
frames of a video do (:mod:`marsound.chute.video`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from marsound.chute import spec
from marsound.chute.geometry import CanopyFrame
from marsound.chute.polar import polar_points

FULL_WIDTH_PX = 2.5
"""A gore at least this wide (image pixels along its ring, at the middle of the window read)
keeps its reading. On the benchmark's video frames (tuned seeds 1-6, 4:2:0 H.264 at 400-600 px)
gores 2-3 px wide, read without tempering, were wrong as rarely (1-3 %) as gores over 5 px
(1 %): the bleeding is undone well enough by :func:`deblur_gores` down to about one chroma
sample (two pixels) across a gore. Tempering from 4 px down (as before) turned most inner
rings of video frames into erasures."""
ERASED_WIDTH_PX = 1.0
"""A gore at most this wide is erased: half a chroma sample across it."""
NARROW_WIDTH_PX = 4.0
"""Gores narrower than this (two chroma samples of 4:2:0 video across them) are never read surer
than :data:`NARROW_ERROR_RATE`."""
NARROW_ERROR_RATE = 0.05
"""Floor on P(red) and P(white) of a gore narrower than :data:`NARROW_WIDTH_PX`: on the benchmark's
video frames (tuned seeds 1-6) 1.5-6 % of such gores were read wrong (a white gore beside a red
one taking its colour, a ring window a fraction of a gore off), nearly all at P beyond 0.9; a
single such gore could turn a letter into another with a message confidence of 0.73. With the
floor, the grammar decoder weighs one narrow gore against the code's structure instead."""
CHROMA_BLUR_PX = 1.3
"""Gaussian sigma (image pixels) of the blur that spreads a gore's chroma into its neighbours in
a frame sampled at full size: 4:2:0 chroma (two-pixel cells), the codec's smoothing and the
optics. A gore ``w`` pixels wide keeps a share ``erf(w / (2√2 σ))`` of its own colour."""
MAX_DEBLUR_GAIN = 1.0
"""Largest gain of :func:`deblur_gores` (a gore keeping half of its colour)."""
MAX_LOG_ODDS = 30.0
"""Log-odds are clipped to ± this before tempering (P(red) of 0 or 1)."""


def gore_widths_px(
    frame: CanopyFrame, ring_radii: list[tuple[float, float]], phase_rad: float, scale: float
) -> NDArray[np.float64]:
    """(rings, 80) width in pixels of the original image of every gore of every ring, measured
    between its two seams at the middle of the ring's window (``ring_radii``, canonical units).

    ``frame`` maps canonical points to pixels of an image ``scale`` times the original (the
    detection image); gores are numbered from the seam at ``phase_rad`` clockwise.
    """
    seams = phase_rad + np.arange(spec.N_GORES + 1) * (2 * np.pi / spec.N_GORES)
    mid = np.array([0.5 * (r0 + r1) for r0, r1 in ring_radii])
    xy = frame.to_image(polar_points(mid, seams)).reshape(len(mid), spec.N_GORES + 1, 2) / max(scale, 1e-12)
    return np.asarray(np.hypot(*np.diff(xy, axis=1).transpose(2, 0, 1)), dtype=np.float64)


def resolution_weight(widths_px: NDArray[np.float64]) -> NDArray[np.float64]:
    """Factor (0-1) on the log-odds of a gore ``widths_px`` pixels wide."""
    w = (np.asarray(widths_px, dtype=np.float64) - ERASED_WIDTH_PX) / (FULL_WIDTH_PX - ERASED_WIDTH_PX)
    return np.asarray(np.clip(w, 0.0, 1.0), dtype=np.float64)


def deblur_gain(widths_px: NDArray[np.float64]) -> NDArray[np.float64]:
    """Gain of :func:`deblur_gores` for gores ``widths_px`` wide: the share of a gore's colour
    lost to its two neighbours over the share it keeps, ``(1 - k) / k``, k = erf(w / (2√2 σ))."""
    from scipy.special import erf

    keep = erf(np.asarray(widths_px, dtype=np.float64) / (2 * np.sqrt(2) * CHROMA_BLUR_PX))
    return np.asarray(np.clip((1 - keep) / np.maximum(keep, 1e-6), 0.0, MAX_DEBLUR_GAIN), dtype=np.float64)


def deblur_gores(X: NDArray[np.float64], widths_px: NDArray[np.float64]) -> NDArray[np.float64]:
    """Undo, to first order, the bleeding of colour between neighbouring narrow gores.

    Along a ring, the chroma measured in a gore is its own mixed with its two neighbours'
    (``k`` of its own, ``(1 - k) / 2`` of each neighbour's). One step of the inverse moves every
    sample of a gore away from the mean of the neighbours' median chroma by ``(1 - k) / k``
    times the difference (:func:`deblur_gain`): an isolated red gore two pixels wide between
    white ones, which the blur leaves half-way pink, becomes red again.

    Parameters
    ----------
    X : ndarray (rings, 80, samples, 2)
        Chroma of every sample of every gore (gores in ring order).
    widths_px : ndarray (rings, 80)
        Width of every gore in image pixels (:func:`gore_widths_px`).
    """
    med = np.median(X, axis=2)  # (rings, 80, 2)
    neigh = 0.5 * (np.roll(med, 1, axis=1) + np.roll(med, -1, axis=1))
    gain = deblur_gain(widths_px)[..., None, None]
    return np.asarray(X + gain * (med - neigh)[:, :, None, :], dtype=np.float64)


def temper_by_resolution(p_red: NDArray[np.float64], widths_px: NDArray[np.float64]) -> NDArray[np.float64]:
    """P(red) with the log-odds of narrow gores scaled by :func:`resolution_weight`, and those of
    gores under :data:`NARROW_WIDTH_PX` kept within ``[e, 1 - e]``, e = :data:`NARROW_ERROR_RATE`.

    Examples
    --------
    >>> temper_by_resolution(np.array([0.001, 0.999, 0.001]), np.array([10.0, 3.0, 0.5])).round(3).tolist()
    [0.001, 0.95, 0.5]
    """
    p = np.clip(np.asarray(p_red, dtype=np.float64), 1e-13, 1 - 1e-13)
    w = np.asarray(widths_px, dtype=np.float64)
    lo = np.clip(np.log(p / (1 - p)), -MAX_LOG_ODDS, MAX_LOG_ODDS) * resolution_weight(w)
    out = 1.0 / (1.0 + np.exp(-lo))
    out = np.where(w < NARROW_WIDTH_PX, np.clip(out, NARROW_ERROR_RATE, 1.0 - NARROW_ERROR_RATE), out)
    return np.asarray(out, dtype=np.float64)


__all__ = [
    "ERASED_WIDTH_PX",
    "FULL_WIDTH_PX",
    "NARROW_ERROR_RATE",
    "NARROW_WIDTH_PX",
    "deblur_gain",
    "deblur_gores",
    "gore_widths_px",
    "resolution_weight",
    "temper_by_resolution",
]
