"""Where each gore is sampled: a 7 × 7 grid per gore and ring position, widened for gores
partly out of the picture or under a strip so that they are read from what is left of them."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from marsound.chute import spec
from marsound.chute.geometry import CanopyFrame
from marsound.chute.occluders import inside_picture
from marsound.chute.polar import polar_points, sample
from marsound.chute.strips import Strip, strip_cover

DISK_GORE_WIDTH = 0.7
"""Share of a disk gore's width sampled: lines hide parts of a gore, and more of it seen is more
chance to see its colour."""
BAND_GORE_WIDTH = 0.5
"""Share of a band gore's width sampled (the band has no centre correction of its own)."""
PARTIAL_GORE_WIDTH = 0.9
"""Share of the width sampled of a gore cut by the picture's edge or a strip (when more of it is
then seen): what is left of it may be a sliver at one side."""
PARTIAL_BAND_INWARD = 0.5
"""A band gore cut by the picture's edge and left with under :data:`PARTIAL_FEW_SAMPLES` samples
is also sampled this share of the way from its usual window's inner edge towards the gap's inner
edge (the band's inner part; samples in the dark gap count for neither colour)."""
PARTIAL_FEW_SAMPLES = 10
"""See :data:`PARTIAL_BAND_INWARD` (of 49 samples)."""
SAMPLES_PER_SIDE = 7
"""Samples per gore along angle and along radius (7 × 7 = 49)."""


def gore_grid(
    img: NDArray[np.uint8],
    frame: CanopyFrame,
    rel: float,
    centres: NDArray[np.float64],
    shift: NDArray[np.float64],
    radii: tuple[float, float],
    half: float,
) -> tuple[NDArray[np.float64], NDArray[np.bool_], NDArray[np.float64]]:
    """BGR samples (80, 49, 3) of every gore of a ring on a 7 × 7 grid (``half`` of the gore's
    width either side of the angles ``centres``, radii ``radii``, moved by ``shift``; ``img`` at
    ``rel`` times the frame's pixels), radius-major; which of them fall outside the picture
    (80, 49); where they are (canonical, (80, 49, 2))."""
    gd = 2 * np.pi / spec.N_GORES
    fr_a = np.linspace(-half, half, SAMPLES_PER_SIDE)
    ga = (centres[:, None] + fr_a[None, :] * gd).ravel()
    rr = np.linspace(radii[0], radii[1], SAMPLES_PER_SIDE)
    pts = polar_points(rr, ga) + shift[None, :]
    smp = sample(img, frame, pts, rel).reshape(len(rr), spec.N_GORES, len(fr_a), 3)
    smp = smp.transpose(1, 0, 2, 3).reshape(spec.N_GORES, -1, 3).astype(np.float64)
    off = ~inside_picture(frame.to_image(pts) * rel, img.shape[:2])
    off = off.reshape(len(rr), spec.N_GORES, len(fr_a)).transpose(1, 0, 2).reshape(spec.N_GORES, -1)
    pts = pts.reshape(len(rr), spec.N_GORES, len(fr_a), 2).transpose(1, 0, 2, 3).reshape(spec.N_GORES, -1, 2)
    return smp, off, pts


def ring_samples(
    img: NDArray[np.uint8],
    frame: CanopyFrame,
    rel: float,
    gore_c: NDArray[np.float64],
    offsets: list[tuple[NDArray[np.float64], float]],
    ring_radii: list[tuple[float, float]],
    band: tuple[float, float],
    gap_in: float,
    strips: list[Strip],
) -> tuple[NDArray[np.float64], NDArray[np.bool_], NDArray[np.bool_]]:
    """Samples of every gore of the four ring positions.

    The disk rings over :data:`DISK_GORE_WIDTH` of each gore's width (lines hide parts of a gore;
    more of it seen is more chance to see its colour), the band, which has no centre correction,
    over :data:`BAND_GORE_WIDTH`; each ring moved by its own centre and phase offset
    (``offsets``: :func:`marsound.chute.centre.ring_offsets`). A gore cut by the picture's edge or
    by a strip is sampled over :data:`PARTIAL_GORE_WIDTH` of its width where more of it is seen
    so, and a band gore still left with few samples also over the band's inner part.

    Returns BGR samples (4, 80, 49, 3), which are outside the picture (4, 80, 49) and which lie
    on one of ``strips`` (4, 80, 49).
    """
    smps, outside, covered = [], [], []
    for (r0, r1), (e_k, c_k) in zip(ring_radii, offsets, strict=True):
        in_disk = r0 < band[0]
        half = (DISK_GORE_WIDTH if in_disk else BAND_GORE_WIDTH) / 2
        smp, off, pts = gore_grid(img, frame, rel, gore_c + c_k, e_k, (r0, r1), half)
        cov = strip_cover(strips, pts)
        cut = (off | cov).any(axis=1)
        wide_radii = [(r0, r1)] if in_disk else [(r0, r1), (band[0] - PARTIAL_BAND_INWARD * (band[0] - gap_in), r1)]
        for i_w, r_wide in enumerate(wide_radii):
            seen = (~(off | cov)).sum(axis=1)
            todo = cut if i_w == 0 else cut & (seen < PARTIAL_FEW_SAMPLES)
            if not todo.any():
                break
            smp_w, off_w, pts_w = gore_grid(img, frame, rel, gore_c + c_k, e_k, r_wide, PARTIAL_GORE_WIDTH / 2)
            cov_w = strip_cover(strips, pts_w)
            wider = todo & ((~(off_w | cov_w)).sum(axis=1) > seen)
            smp[wider], off[wider], cov[wider] = smp_w[wider], off_w[wider], cov_w[wider]
        smps.append(smp)
        outside.append(off)
        covered.append(cov)
    return np.stack(smps), np.stack(outside), np.stack(covered)
