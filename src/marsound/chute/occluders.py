"""What hides a gore: occluders in front of the canopy and the picture's own edge.

A gore cell that cannot be seen must become an erasure (P(red) = 0.5, or a weak reading the
grammar can override), never a guess: the grammar decoder (:mod:`marsound.chute.decode_bits`)
then reads the most likely message consistent with the code and reports the hidden slots as
``?`` with a low confidence. Two causes are found here:

* **occluders** (the bridle from the lines' confluence, the backshell's struts): the gap
  shows what lies behind the canopy and changes only slowly along the ring, so a column of
  gap much brighter or darker than its neighbours is crossed by something in front
  (:func:`gap_occluders`); ring samples in such a column that look like it are suspect
  (:func:`occluder_suspects`);
* **the picture's edge** (a canopy partly out of frame): samples outside the picture are no
  evidence at all (:func:`inside_picture`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from marsound.chute import spec
from marsound.chute.geometry import CanopyFrame
from marsound.chute.polar import chroma, polar_points, sample

GAP_SEARCH = (0.05, 0.6)
"""Where the gap is looked for, as shares of the way from its inner edge to the rim (the gap spans
about the first half: 0.80-0.90 in the spec's proportions, 0.85-0.92 on NASA's frame, but a
domed canopy seen obliquely can show a band three times the gap's width)."""
GAP_ROWS = 8
"""Radii sampled across :data:`GAP_SEARCH`."""
GAP_ROWS_KEPT = 3
"""At most this many radii, those that look most like the gap, are the gap's sample."""
GAP_ROW_TIE = 2
"""Radii within this many jumps of the most gap-like one are kept with it."""
GAP_MAX_JUMPS = 16
"""A radius whose brightness jumps by :data:`OCCLUDER_BRIGHTNESS` between more than this many
pairs of neighbouring gores is fabric (the band's red and white gores: 20-35 jumps), not the gap
(a jump at either side of each occluder; the lighting changes slowly): with no radius under it, no
occluder is looked for."""
OCCLUDER_WINDOW = 8
"""Half-width (gores) of the stretch of gap a column is compared with."""
OCCLUDER_BRIGHTNESS = 1.6
"""A gap column this factor brighter or darker than the gap around it is crossed by an occluder
(NASA's frame: the bridle 2.5-3.7 times brighter; the lighting changes the gap by under 1.2
per 8 gores); ring samples within this factor of the occluder's brightness may be it."""
OCCLUDER_CHROMA = 0.12
"""Ring samples within this chroma distance of the occluder's (in its column) may be it."""
EDGE_MARGIN_PX = 1.5
"""Samples closer than this (sampling pixels) to the picture's border count as outside it."""


def gap_occluders(
    img: NDArray[np.uint8],
    frame: CanopyFrame,
    rel: float,
    gore_c: NDArray[np.float64],
    gap_in: float,
    *,
    samples_per_side: int,
    log_offset: float,
) -> tuple[NDArray[np.bool_], NDArray[np.bool_], NDArray[np.float64], NDArray[np.float64]] | None:
    """Gore columns where something lies in front of the gap, and its look there.

    The gap shows what is behind the canopy, so along the ring it changes only slowly (the
    sky's gradient, the lighting); a column whose gap is far brighter or darker than the gap
    ±:data:`OCCLUDER_WINDOW` gores around has an occluder crossing it (the bridle, a strut of
    the backshell). Medians over the column are robust to thin suspension lines.

    ``img`` is sampled at ``rel`` times the frame's pixels, ``gore_c`` are the gores' centre
    angles, ``gap_in`` the gap's inner edge (rim radii); ``samples_per_side`` samples across
    a gore and ``log_offset`` is added to B + G + R before the log brightness (as for the rings).

    The gap's radii are searched: of :data:`GAP_ROWS` radii across :data:`GAP_SEARCH`, the
    (at most :data:`GAP_ROWS_KEPT`) whose brightness jumps least often from gore to gore, within
    :data:`GAP_ROW_TIE` jumps of the fewest.

    Returns (columns (80,) bool, whether the occluder is lighter than the gap (80,) bool, its
    median chroma (80, 2), its median log brightness (80,)), or None if the gap is not inside
    the rim or no radius looks like the gap (every one over :data:`GAP_MAX_JUMPS` jumps).
    """
    if not 0.5 < gap_in < 0.97:
        return None
    gd = 2 * np.pi / spec.N_GORES
    rr = gap_in + np.linspace(GAP_SEARCH[0], GAP_SEARCH[1], GAP_ROWS) * (1 - gap_in)
    fr_a = np.linspace(-0.35, 0.35, samples_per_side)
    ga = (gore_c[:, None] + fr_a[None, :] * gd).ravel()
    smp = sample(img, frame, polar_points(rr, ga), rel).reshape(len(rr), spec.N_GORES, len(fr_a), 3)
    # the gap is the radii along which brightness changes least from gore to gore (fabric
    # alternates red and white; the lighting changes slowly); ties: the innermost
    row_l = np.median(np.log(smp.astype(np.float64).sum(-1) + log_offset), axis=2)  # (rows, 80)
    jumps = (np.abs(row_l - np.roll(row_l, 1, axis=1)) > np.log(OCCLUDER_BRIGHTNESS)).sum(axis=1)
    rows = np.argsort(jumps, kind="stable")[:GAP_ROWS_KEPT]
    if jumps[rows[0]] > GAP_MAX_JUMPS:
        return None
    rows = rows[jumps[rows] <= jumps[rows[0]] + GAP_ROW_TIE]
    smp = smp[rows].transpose(1, 0, 2, 3).reshape(spec.N_GORES, -1, 3).astype(np.float64)
    col_l = np.median(np.log(smp.sum(-1) + log_offset), axis=1)
    col_x = np.median(chroma(smp), axis=1)
    idx = (np.arange(spec.N_GORES)[:, None] + np.arange(-OCCLUDER_WINDOW, OCCLUDER_WINDOW + 1)[None]) % spec.N_GORES
    ref = np.median(col_l[idx], axis=1)
    cols = np.abs(col_l - ref) > np.log(OCCLUDER_BRIGHTNESS)
    return cols, col_l > ref, col_x, col_l


def inside_picture(xy: NDArray[np.float64], shape: tuple[int, ...]) -> NDArray[np.bool_]:
    """Which image points (n, 2) lie inside a picture of ``shape`` (height, width), at least
    :data:`EDGE_MARGIN_PX` from its border (bilinear sampling there mixes in the black border)."""
    h, w = shape[:2]
    m = EDGE_MARGIN_PX
    return (xy[:, 0] >= m) & (xy[:, 0] <= w - 1 - m) & (xy[:, 1] >= m) & (xy[:, 1] <= h - 1 - m)


def occluder_suspects(
    X: NDArray[np.float64],
    logL: NDArray[np.float64],
    occluder: tuple[NDArray[np.bool_], NDArray[np.bool_], NDArray[np.float64], NDArray[np.float64]],
) -> NDArray[np.bool_]:
    """Ring samples that may be an occluder seen in front of the fabric.

    Parameters
    ----------
    X : ndarray (rings, 80, samples, 2)
        Chroma of every sample.
    logL : ndarray (rings, 80, samples)
        Log brightness of every sample.
    occluder : tuple
        What :func:`gap_occluders` returned.

    Returns
    -------
    ndarray of bool (rings, 80, samples)
        A light occluder (the bridle, lit struts) may hide any gore of its column behind a
        white-looking surface: all its samples; a dark one only where it is seen: samples
        within :data:`OCCLUDER_CHROMA` and :data:`OCCLUDER_BRIGHTNESS` of its look.
    """
    occ_col, occ_bright, occ_x, occ_l = occluder
    near = (np.linalg.norm(X - occ_x[None, :, None, :], axis=-1) < OCCLUDER_CHROMA) & (
        np.abs(logL - occ_l[None, :, None]) < np.log(OCCLUDER_BRIGHTNESS)
    )
    return np.asarray(occ_col[None, :, None] & (occ_bright[None, :, None] | near), dtype=bool)
