"""A second route to the canopy frame, for photographs: centre from the seams, rim along rays.

:func:`marsound.chute.canopy.find_canopy` takes the rim from the canopy's outline. On real
up-look frames that outline is unreliable: bluish-grey white gores fade into a blue-grey sky,
the band beyond the dark gap is lost on one side, and the bridle and the backshell's struts join
the outline. Two things stay true of every such frame, whatever the pose:

* **the gore seams are radial**, so the image of the canopy's centre is where the 80-gore
  pattern is sharpest on circles about it (the brightness of each gore's billow and the colour
  changes both repeat every 4.5°);
* **the band's outer edge is the outermost fabric** along a ray from that centre, at nearly the
  same distance on every ray (an ellipse), while occluders give outliers a robust fit rejects.

:func:`radial_frame` finds the centre by a coarse-to-fine grid search of the gore harmonic about
the outline's centre, the rim by fabric-to-sky crossings along rays (the crossing nearest the
consensus radius on each ray), and rebuilds the frame from rim and centre
(:func:`marsound.chute.geometry.centred_frame`).
"""

from __future__ import annotations

import dataclasses

import numpy as np
from numpy.typing import NDArray

from marsound.chute.geometry import CanopyFrame, Ellipse, affine_frame, centred_frame, fit_ellipse_robust
from marsound.chute.polar import OFFSIDE_HARMONICS, chroma, edge_energy, polar_points, sample

SEARCH_RADIUS = 0.3
"""Largest distance (outline radii) searched between the outline's centre and the canopy's
(the real frame's outline, disk on one side and band on the other, is 0.16 off)."""
SEARCH_STEPS = (0.04, 0.012, 0.004)
"""Grid steps (outline radii) of the coarse-to-fine centre search; each level searches ± two
steps of the previous one about its best point. All levels but the last are scored on the outer
circles only (a centre error e smears the gore phase by a whole gore at radius e / 0.08; the
inner circles give the last level its precision)."""
SEARCH_RADII = (0.3, 0.42, 0.54, 0.66, 0.78, 0.9)
"""Radii (outline radii) of the circles on which the gore harmonic is measured."""
SEARCH_ANGLES = 640
"""Angular samples per circle (8 per gore)."""
RAY_RADII = (0.55, 1.7)
"""Range searched along each ray for the rim (outline radii)."""
N_RAYS = 180
"""Rays (2° apart) along which the rim is found."""
FABRIC_LEVEL = 0.35
"""Fabric-to-sky crossing level along a ray: this share of the way from the sky's distance to
the fabric's (75th percentile of the ray's inner third)."""
RIM_TOLERANCE = 0.1
"""A ray's crossing counts only within this relative distance of the consensus radius."""
GAP_SEARCH = (0.7, 0.98)
"""Range (rim radii) searched for the gap's inner edge: 0.80 (Noleli's renderer) to 0.89
(sjwarner's), 0.85 measured on NASA's frame, with margin for a dome-like warp."""
GAP_MIN_DROP = 0.25
"""The drop at the gap's edge must be this share of the profile's whole range."""
MIN_RIM_RAYS = 0.4
"""Share of the rays that must give a rim point."""


def translated_frame(frame: CanopyFrame, centre_px: tuple[float, float]) -> CanopyFrame:
    """An affine frame with ``frame``'s rim ellipse moved to ``centre_px``."""
    return affine_frame(Ellipse((float(centre_px[0]), float(centre_px[1])), frame.rim.axes, frame.rim.angle_deg))


_LUM_LUT = np.log(np.arange(3 * 255 + 1, dtype=np.float32) + np.float32(6.0))
"""Log brightness of every sum of three 8-bit channels (offset 6)."""


def _features(small: NDArray[np.uint8]) -> NDArray[np.float32]:
    """Per pixel (log R/G, log B/G, log brightness): colour changes and the billow's shading."""
    c = chroma(small).astype(np.float32)
    lum = _LUM_LUT[small.sum(-1, dtype=np.int32)][..., None]
    return np.concatenate([c, lum], axis=-1)


def _harmonic_scores(
    feat: NDArray[np.float32],
    frame: CanopyFrame,
    centres: NDArray[np.float64],
    rel: float,
    radii: tuple[float, ...] = SEARCH_RADII,
) -> NDArray[np.float64]:
    """For each centre (n, 2; pixels of ``frame``), the sum over the search circles and features
    of the 80th harmonic's prominence in ``frame``'s rim moved there (:func:`translated_frame`).

    A translated affine frame maps canonical points by the same linear part, so the circles'
    offsets are computed once and all candidates are sampled in one ``cv2.remap``.
    """
    import cv2

    ang = (np.arange(SEARCH_ANGLES) + 0.5) * (2 * np.pi / SEARCH_ANGLES)
    lin = translated_frame(frame, (0.0, 0.0)).G[:2, :2]
    pp = polar_points(np.asarray(radii), ang)
    offsets = np.column_stack(
        [lin[0, 0] * pp[:, 0] + lin[0, 1] * pp[:, 1], lin[1, 0] * pp[:, 0] + lin[1, 1] * pp[:, 1]]
    )  # (m, 2), written out (no BLAS)
    centres = np.asarray(centres, dtype=np.float64).reshape(-1, 2)
    n, m = len(centres), len(offsets)
    xy = ((offsets[None] + centres[:, None]) * rel).astype(np.float32).reshape(n * m, 2)
    mx = np.ascontiguousarray(xy[:, 0].reshape(n * len(radii), SEARCH_ANGLES))
    my = np.ascontiguousarray(xy[:, 1].reshape(n * len(radii), SEARCH_ANGLES))
    prof = cv2.remap(feat, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    prof = np.asarray(prof).reshape(n, len(radii), SEARCH_ANGLES, feat.shape[-1]).transpose(0, 1, 3, 2)
    spec_ = np.abs(np.fft.rfft(edge_energy(prof), axis=-1))
    strength = spec_[..., 80] / (np.median(spec_[..., OFFSIDE_HARMONICS], axis=-1) + 1e-9)
    return np.asarray(strength.reshape(n, -1).sum(axis=1), dtype=np.float64)


def seam_centre(
    img: NDArray[np.uint8],
    frame: CanopyFrame,
    rel: float,
    *,
    span: float = SEARCH_RADIUS,
    steps: tuple[float, ...] = SEARCH_STEPS,
    feat: NDArray[np.float32] | None = None,
) -> tuple[tuple[float, float], float]:
    """Point (pixels of ``frame``) about which the gore pattern of ``img`` (``rel`` times the
    frame's pixels) is sharpest, and its score."""
    if feat is None:
        feat = _features(img)
    r0 = frame.rim.mean_radius
    best_c = np.asarray(frame.centre_px, dtype=float)
    outer = SEARCH_RADII[len(SEARCH_RADII) // 2 :]
    best_s = 0.0
    for level, step in enumerate(steps):
        # the outer circles until the last level (the inner ones, most sensitive to the centre,
        # give the final precision)
        radii = outer if level < len(steps) - 1 else SEARCH_RADII
        best_s = float(_harmonic_scores(feat, frame, best_c[None], rel, radii)[0])
        offs = np.arange(-span, span + 1e-9, step)
        dx, dy = (g.ravel() for g in np.meshgrid(offs, offs, indexing="ij"))
        inside = np.hypot(dx, dy) <= span + 1e-9
        cands = best_c[None] + r0 * np.column_stack([dx[inside], dy[inside]])
        scores = _harmonic_scores(feat, frame, cands, rel, radii)
        i = int(np.argmax(scores))
        if scores[i] > best_s:
            best_s, best_c = float(scores[i]), cands[i]
        span = 2 * step
    return (float(best_c[0]), float(best_c[1])), best_s


def rim_along_rays(sky_dist: NDArray[np.float32], frame: CanopyFrame) -> Ellipse | None:
    """Outer edge of the fabric along rays of ``frame`` (its centre the canopy's), or None."""
    import cv2

    radii = np.linspace(RAY_RADII[0], RAY_RADII[1], 221)
    ang = np.arange(N_RAYS) * (2 * np.pi / N_RAYS)
    prof: NDArray = sample(sky_dist, frame, polar_points(radii, ang)).reshape(len(radii), N_RAYS).astype(np.float32)
    prof = cv2.GaussianBlur(prof, (0, 0), sigmaX=1.0, sigmaY=1.5)
    sky = np.median(prof[-len(radii) // 8 :], axis=0)
    fabric = np.percentile(prof[: len(radii) // 3], 75, axis=0)
    level = sky + FABRIC_LEVEL * (fabric - sky)
    above = prof > level[None]
    falling = above[:-1] & ~above[1:]  # fabric -> sky going outwards
    cand = [radii[np.nonzero(falling[:, j])[0]] for j in range(N_RAYS)]
    allr = np.concatenate([c for c in cand if c.size])
    if allr.size < MIN_RIM_RAYS * N_RAYS:
        return None
    # consensus radius: the outermost radius that many rays cross near (the gap's inner edge is
    # crossed on every ray too, the band's outer edge only where the band stands out)
    grid = np.linspace(RAY_RADII[0], RAY_RADII[1], 116)
    # rays with a crossing within RIM_TOLERANCE / 2 of each grid radius
    near = np.abs(radii[None, :-1] / grid[:, None] - 1) < RIM_TOLERANCE / 2  # (grid, radii)
    support = np.count_nonzero(np.einsum("gr,ra->ga", near.astype(np.float32), falling.astype(np.float32)) > 0, axis=1)
    peaks = [
        i
        for i in range(len(grid))
        if support[i] >= MIN_RIM_RAYS * N_RAYS
        and support[i] >= support[max(i - 1, 0)]
        and support[i] >= support[min(i + 1, len(grid) - 1)]
    ]
    if not peaks:
        return None
    best = peaks[-1]
    r_star = grid[best]
    pts = []
    for j, c in enumerate(cand):
        near = c[np.abs(c / r_star - 1) < RIM_TOLERANCE]
        if near.size:
            r = float(near[np.argmin(np.abs(near - r_star))])
            pts.append((r * np.sin(ang[j]), -r * np.cos(ang[j])))
    if len(pts) < MIN_RIM_RAYS * N_RAYS:
        return None
    try:
        ell, inl = fit_ellipse_robust(frame.to_image(np.asarray(pts)))
    except ValueError:
        return None
    return ell if inl >= 0.5 else None


def gap_ellipse_profile(sky_dist: NDArray[np.float32], frame: CanopyFrame) -> Ellipse | None:
    """The gap's inner edge from the median (over all angles: robust to occluders) profile of the
    distance to the sky: the steepest drop between :data:`GAP_SEARCH` of the rim, where the disk
    ends and the sky shows through the gap. Returned as the rim ellipse scaled about its centre
    (its size is what sets the ring proportions). None without a clear drop."""
    radii = np.linspace(GAP_SEARCH[0], GAP_SEARCH[1], 57)
    ang = np.arange(N_RAYS) * (2 * np.pi / N_RAYS)
    prof = sample(sky_dist, frame, polar_points(radii, ang)).reshape(len(radii), N_RAYS)
    med = np.median(prof, axis=1)
    drop = med[:-2] - med[2:]  # over two steps
    i = int(np.argmax(drop))
    if drop[i] < GAP_MIN_DROP * max(float(np.max(med) - np.min(med)), 1e-6):
        return None
    ratio = float(radii[i + 1])
    rim = frame.rim
    return Ellipse(rim.centre, (rim.axes[0] * ratio, rim.axes[1] * ratio), rim.angle_deg)


def radial_frame(
    img: NDArray[np.uint8], sky_dist: NDArray[np.float32], frame: CanopyFrame, rel: float
) -> CanopyFrame | None:
    """The canopy frame (pixels of ``sky_dist`` and ``frame``) from the seams' centre in ``img``
    (``rel`` times larger) and the rim along rays."""
    rim = frame.rim
    feat = _features(img)
    for it in range(2):  # the outline's shape may be wrong too: search again in the rim's
        if it == 0:
            centre, _ = seam_centre(img, affine_frame(rim), rel, feat=feat)
        else:
            centre, _ = seam_centre(
                img,
                translated_frame(affine_frame(rim), centre),
                rel,
                span=2 * SEARCH_STEPS[0],
                steps=SEARCH_STEPS[1:],
                feat=feat,
            )
        found = rim_along_rays(sky_dist, translated_frame(affine_frame(rim), centre))
        if found is None:
            return None
        rim = found
    frame = centred_frame(rim, centre) or affine_frame(rim)
    return dataclasses.replace(frame, inner=gap_ellipse_profile(sky_dist, frame))
