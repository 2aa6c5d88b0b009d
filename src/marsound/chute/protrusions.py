"""Gores under the bridle and struts found as protrusions of the canopy's outline.

:func:`marsound.chute.canopy.locate_canopy` (``drop_protrusions``) removes the long straight
parts joined to the outline (a bridle or strut running out of the picture) from the rim fit and
returns lines along them, extended towards the canopy's centre. A strut across the canopy looks
like white fabric, so the gores under such a line are erased (P(red) = 0.5) — unless a strip
found across the sky (:mod:`marsound.chute.strips`) already explains it, in which case only its
samples were set aside, and only as far as the line is seen to run: it stops where the fabric
on it turns red (webbing is never red).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from marsound.chute import spec
from marsound.chute.canopy import PROTRUSION_LINE_POINTS
from marsound.chute.geometry import CanopyFrame
from marsound.chute.strips import Strip, follow_strip, strip_cover

PROTRUSION_MIN_START = 1.0
"""A protrusion whose line starts (at the thin part's centroid) inside this radius (rim radii)
is not erased as an occluder."""
PROTRUSION_STRIP_RADIUS = 1.4
"""A protrusion whose line, between the rim and this radius, mostly runs on a strip found
(:func:`marsound.chute.strips.find_strips`) is that strip: its gores are not erased whole."""
PROTRUSION_HALF_WIDTH = 0.01
"""Half-width (rim radii) of the path along a protrusion's line checked for red fabric (its
lines, 5 across its width, are each followed)."""
PROTRUSION_END_MARGIN = 0.03
"""A protrusion's line is kept this far (rim radii) past where red fabric shows it ended."""


def erase_protrusions(
    p_red: NDArray[np.float64],
    frame: CanopyFrame,
    phase_rad: float,
    ring_radii: list[tuple[float, float]],
    lines_canonical: NDArray[np.float64],
    strips: list[Strip],
    seen: tuple[NDArray[np.uint8], float, tuple[NDArray[np.float64], NDArray[np.float64], float] | None],
) -> NDArray[np.float64]:
    """``p_red`` (4, 80) with the gores under protrusion lines erased (P = 0.5).

    ``lines_canonical``: the points of :attr:`marsound.chute.canopy.Detection.protrusions` in the
    canopy frame; gore k of ring j spans ``phase_rad`` + k·4.5° between ``ring_radii[j]``.
    ``seen``: (sampling image, its scale to the frame's pixels, red axis as for
    :func:`marsound.chute.strips.find_strips` or None) to follow each line until it ends.
    """
    img, rel, red_axis = seen
    lines = lines_canonical.reshape(-1, PROTRUSION_LINE_POINTS, 2)
    # a thin part of the outline that starts inside the rim is fabric cut off by the mask's holes
    # (dark red gores close to the sky's colour in a small, compressed frame), not hardware
    # coming in from outside: its line is not an occluder
    lines = lines[np.hypot(lines[:, 0, 0], lines[:, 0, 1]) >= PROTRUSION_MIN_START]
    if strips:  # a strip found across the sky and followed inward: its samples were set aside
        r_l = np.hypot(lines[..., 0], lines[..., 1])
        near_rim = (r_l >= 1.0) & (r_l <= PROTRUSION_STRIP_RADIUS)
        on = strip_cover(strips, lines) & near_rim
        explained = on.sum(axis=1) > 0.5 * np.maximum(near_rim.sum(axis=1), 1)
        lines = lines[~explained]
    kept = list(lines)
    if red_axis is not None:
        kept = [_extent(ln, img, frame, rel, red_axis) for ln in kept]
    u = np.concatenate([np.zeros((0, 2)), *kept])
    r = np.hypot(u[:, 0], u[:, 1])
    gore = np.floor((np.arctan2(u[:, 0], -u[:, 1]) - phase_rad) / (2 * np.pi / spec.N_GORES))
    out = p_red.copy()
    for k, (r0, r1) in enumerate(ring_radii):
        hit = np.unique(gore[(r >= r0) & (r <= r1)].astype(int) % spec.N_GORES)
        out[k, hit] = 0.5
    return out


def _extent(
    line: NDArray[np.float64],
    img: NDArray[np.uint8],
    frame: CanopyFrame,
    rel: float,
    red_axis: tuple[NDArray[np.float64], NDArray[np.float64], float],
) -> NDArray[np.float64]:
    """The points of a protrusion's line (canonical, from the thin part inward) up to where it
    is seen to end on the canopy."""
    d = line[-1] - line[0]
    d = d / max(float(np.hypot(*d)), 1e-9)
    along = (line - line[0]) @ d
    inside = np.flatnonzero(np.hypot(line[:, 0], line[:, 1]) <= 1.0)
    if inside.size == 0:
        return line
    t_in = float(along[inside[0]])
    length = follow_strip(img, frame, rel, line[inside[0]], d, PROTRUSION_HALF_WIDTH, red_axis)
    return line[along <= t_in + length + PROTRUSION_END_MARGIN]
