"""Find the canopy in an image: sky model, rim, gap and band ellipses, the canopy frame.

Steps (ellipse fitting after Fitzgibbon, Pilu & Fisher, "Direct least square fitting of
ellipses", PAMI 1999; concentric circles after Kim, Gurdjos & Kweon, PAMI 2005):

1. **Canopy mask**: pixels far (CIELAB) from the colours of the image border (the sky), the
   largest blob with holes filled; its outline gives the rim ellipse (robust fit rejecting
   occluders and lines). Red fabric outside that outline means white gores were lost to the
   sky: the convex hull of object and red pixels gives the rim instead.
2. **Band**: a ring of foreground just outside the outline is the band beyond the gap.
3. **Perspective**: the see-through gap gives a second, concentric ellipse; the pencil of the
   two conics gives the projected centre and the vanishing line, hence a homography from the
   canopy plane to the image (:mod:`marsound.chute.geometry`). Without a usable gap the rim
   alone gives an affine frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from marsound.chute.geometry import (
    RANSAC_TOLERANCE_PX,
    CanopyFrame,
    Ellipse,
    affine_frame,
    fit_ellipse_ransac,
    fit_ellipse_robust,
    projective_frame,
)
from marsound.chute.polar import polar_mask, polar_points, sample
from marsound.errors import MarsoundError

DETECT_MAX_SIDE = 512
"""Longest side of the image the canopy is found in (pixels); the gores are read at full size."""
GAP_RATIO = (0.76, 0.95)
"""Accepted size of the gap's inner edge relative to the rim: 0.80 on Perseverance's canopy,
up to 0.86 in public renderers, ±0.03 for a dome-like radial warp; a smaller fit is a ring
seam inside the disk (white fabric lost to a sky of the same colour)."""
SKY_BORDER_FRACTION = 0.012
"""Width of the image border that models the sky, as a fraction of the shorter side."""
SKY_CLUSTERS = 3
"""k-means colour clusters of the border (a sky gradient, a vignetted corner, a bright limb)."""
SKY_MIN_SUPPORT = 0.1
"""A border cluster with less support is the canopy (or an occluder) touching the border, not sky."""
MIN_SKY_DISTANCE = 12.0
"""Smallest CIELAB distance from every sky colour that counts as foreground (ΔE ~ 12: clearly
visible); the Otsu threshold of the distance image is used when larger, at :data:`OTSU_SHARE`."""
OTSU_SHARE = 0.6
"""Share of the Otsu distance threshold used: Otsu splits sky from the brightest fabric and
would drop whites close to the sky."""
SKY_SPREAD_FACTOR = 3.0
"""Foreground must lie this many times the border's own 90th-percentile spread from the sky."""
RED_A_MARGIN = 12.0
"""A pixel is red fabric when its CIELAB a* exceeds the border's 99th percentile by this much."""
MIN_CANOPY_AREA = 0.01
"""Smallest canopy blob, as a fraction of the detection image."""
MIN_RIM_INLIERS = 0.4
"""Share of the outline the rim ellipse must fit (the rest: bridle, lines, occluders)."""
MIN_AXIS_RATIO = 0.25
"""Flattest rim accepted (minor / major axis; 0.25 is a 75° tilt)."""
MIN_RIM_AXIS_PX = 24
"""Smallest minor axis (detection pixels) with gores wide enough to read."""
RED_OUTSIDE_RIM = 1.06
"""Normalised radius beyond which red pixels lie outside the outline found."""
RED_OUTSIDE_SHARE = 0.03
"""Share of red pixels outside the outline that means white gores were lost to the sky."""


class NoCanopyError(MarsoundError):
    """The image holds no readable parachute canopy."""


def resize_max(img: NDArray, max_side: int) -> tuple[NDArray, float]:
    import cv2

    h, w = img.shape[:2]
    s = min(1.0, max_side / max(h, w))
    if s >= 1.0:
        return img, 1.0
    return cv2.resize(img, (round(w * s), round(h * s)), interpolation=cv2.INTER_AREA), s


def foreground_mask(small_bgr: NDArray[np.uint8]) -> tuple[NDArray[np.bool_], NDArray[np.bool_], NDArray[np.float32]]:
    """Pixels whose colour differs from the image border's (the sky), the red ones among them,
    and every pixel's CIELAB distance to the nearest sky colour.

    Red pixels (CIELAB a* well above any border colour's) are found even where white fabric
    is too close to the sky to separate: they anchor the outline of a canopy whose white
    gores fade into the background.
    """
    import cv2

    lab = cv2.cvtColor(cv2.GaussianBlur(small_bgr, (3, 3), 0).astype(np.float32) / 255.0, cv2.COLOR_BGR2Lab)
    h, w = lab.shape[:2]
    b = max(2, round(SKY_BORDER_FRACTION * min(h, w)))
    border = np.concatenate(
        [lab[:b].reshape(-1, 3), lab[-b:].reshape(-1, 3), lab[:, :b].reshape(-1, 3), lab[:, -b:].reshape(-1, 3)]
    )
    k = SKY_CLUSTERS
    crit = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 10, 0.5)
    sample = border[:: max(1, len(border) // 4000)].astype(np.float32)
    # deterministic start (lightness terciles): OpenCV's random seeding would make the mask,
    # and so the decode, depend on how many images the process has seen before
    ranks = np.argsort(np.argsort(sample[:, 0], kind="stable"), kind="stable")
    init = (ranks * k // len(sample)).astype(np.int32).reshape(-1, 1)
    _, labels, centres = cv2.kmeans(sample, k, init, crit, 1, cv2.KMEANS_USE_INITIAL_LABELS)
    support = np.bincount(labels.ravel(), minlength=k) / len(labels)
    centres = centres[support >= SKY_MIN_SUPPORT]  # a canopy touching the border is a minority of it
    chans = cv2.split(lab)  # per channel: a sum over a last axis of 3 is slow in numpy
    d2 = None
    for c in centres:
        dc = (chans[0] - c[0]) ** 2 + (chans[1] - c[1]) ** 2 + (chans[2] - c[2]) ** 2
        d2 = dc if d2 is None else np.minimum(d2, dc)
    assert d2 is not None  # at least one border cluster has the support
    dist = np.sqrt(d2)
    border_d = np.min(np.linalg.norm(sample[:, None, :] - centres[None], axis=-1), axis=-1)
    floor = max(MIN_SKY_DISTANCE, float(np.percentile(border_d, 90)) * SKY_SPREAD_FACTOR)
    d8 = np.clip(dist * (255.0 / max(60.0, float(dist.max()))), 0, 255).astype(np.uint8)
    otsu, _ = cv2.threshold(d8, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    thr = min(floor, max(MIN_SKY_DISTANCE, otsu * max(60.0, float(dist.max())) / 255.0 * OTSU_SHARE))
    fg = dist > thr
    red = fg & (chans[1] > max(12.0, float(np.percentile(sample[:, 1], 99)) + RED_A_MARGIN))
    return fg, red, dist.astype(np.float32)


@dataclass
class Detection:
    """What :func:`locate_canopy` found, in pixels of the detection image ``small`` (``scale``
    times the original): the canopy frame, the foreground mask and every pixel's CIELAB
    distance to the sky."""

    frame: CanopyFrame
    fg: NDArray[np.bool_]
    sky_dist: NDArray[np.float32]
    small: NDArray[np.uint8]
    scale: float
    protrusions: NDArray[np.float64] | None = None
    """Points (n, 2) covering the bridle and struts removed from the outline, their lines extended
    to the canopy's centre (``drop_protrusions`` only): the gores under them may be hidden."""
    red: NDArray[np.bool_] | None = None
    """The red pixels of :func:`foreground_mask` (detection image)."""


def find_canopy(bgr: NDArray[np.uint8]) -> tuple[CanopyFrame, NDArray[np.bool_], float]:
    """Locate the canopy; returns (frame in pixels of the detection image, its mask, scale).

    Raises
    ------
    NoCanopyError
        No large elliptic foreground object.
    """
    det = locate_canopy(bgr)
    return det.frame, det.fg, det.scale


def locate_canopy(
    bgr: NDArray[np.uint8], *, drop_protrusions: bool = False, masks_of: Detection | None = None
) -> Detection:
    """:func:`find_canopy` with everything it measured (:class:`Detection`).

    ``drop_protrusions``: leave the long straight radial parts of the object (a bridle or strut
    joined to the outline, :func:`_without_protrusions`) out of the rim fit and the red hull.
    Raises :class:`NoCanopyError` when there are none (the frame would be the default one).
    ``masks_of``: an earlier detection in the same image, whose detection image and masks are
    reused (they do not depend on the options)."""
    import cv2

    if masks_of is not None and masks_of.red is not None:
        small, scale = masks_of.small, masks_of.scale
        fg, red, sky_dist = masks_of.fg, masks_of.red, masks_of.sky_dist
    else:
        small, scale = resize_max(bgr, DETECT_MAX_SIDE)
        fg, red, sky_dist = foreground_mask(small)
    m8: NDArray = fg.astype(np.uint8) * 255
    m8 = cv2.morphologyEx(m8, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    # fill holes (vent, gap, the disk inside the band): background not connected to the border
    _, lab_bg = cv2.connectedComponents((m8 == 0).astype(np.uint8), connectivity=4)
    edge_labels = np.unique(np.concatenate([lab_bg[0], lab_bg[-1], lab_bg[:, 0], lab_bg[:, -1]]))
    outside = np.isin(lab_bg, edge_labels[edge_labels > 0])
    filled = (~outside).astype(np.uint8) * 255
    n, labels, stats, _ = cv2.connectedComponentsWithStats(filled, connectivity=8)
    if n <= 1:
        raise NoCanopyError("no canopy found: nothing stands out from the background")
    big = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    blob = (labels == big).astype(np.uint8) * 255
    h, w = blob.shape
    if stats[big, cv2.CC_STAT_AREA] < MIN_CANOPY_AREA * h * w:
        raise NoCanopyError("no canopy found: no large object in the image")
    contours, _ = cv2.findContours(blob, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    outline = max(contours, key=len).reshape(-1, 2).astype(np.float64)
    if len(outline) < 20:
        raise NoCanopyError("no canopy found: object too small")
    found = _without_protrusions(blob, float(stats[big, cv2.CC_STAT_AREA])) if drop_protrusions else None
    if drop_protrusions and found is None:
        raise NoCanopyError("no canopy found: no bridle or strut joined to the outline")
    thick, protrusions = found if found is not None else (None, None)
    if thick is not None:
        xy = outline.astype(np.intp)
        keep = thick[xy[:, 1], xy[:, 0]] > 0
        if keep.sum() >= max(20, 0.5 * len(outline)):
            outline = outline[keep]
    try:
        rim, inliers = _fit_rim(outline, blob.shape)
    except ValueError:
        raise NoCanopyError("no canopy found: no elliptic outline") from None
    ax = sorted(rim.axes)
    if inliers < MIN_RIM_INLIERS or ax[0] < MIN_AXIS_RATIO * ax[1] or ax[0] < MIN_RIM_AXIS_PX:
        raise NoCanopyError(
            "no canopy found: the largest object is not an ellipse "
            f"(inliers {inliers:.0%}, axes {ax[0]:.0f}x{ax[1]:.0f} px)"
        )
    red8 = cv2.morphologyEx(red.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    ry, rx = np.nonzero(red8)
    # the outline found may be the disk's, the band beyond the gap not joined to it (a white band
    # gore close to the sky's colour breaks the ring): the band then lies just outside it
    outer = _band_outside(fg, affine_frame(rim))
    if outer is None and rx.size >= 50:
        red_pts = np.column_stack([rx, ry]).astype(np.float64)
        outside_frac = float(np.mean(rim.normalised_radius(red_pts) > RED_OUTSIDE_RIM))
        if outside_frac > RED_OUTSIDE_SHARE:  # red fabric outside the outline: white gores were lost to the sky
            hull_rim = _hull_ellipse(blob if thick is None else thick, red8)
            if hull_rim is not None and _plausible_growth(rim, hull_rim):
                rim = hull_rim
                outer = _band_outside(fg, affine_frame(rim))
        if outer is None:
            outer = _band_outside(red8 > 0, affine_frame(rim), min_cover=0.2, max_run=25)
    if outer is not None:
        rim = outer
    frame = affine_frame(rim)
    for _ in range(2):
        inner = gap_ellipse(fg, frame)
        if inner is None:
            inner = gap_ellipse_darkest(sky_dist, frame)
        if inner is None:
            break
        pf = projective_frame(rim, inner)
        if pf is None:
            break
        frame = pf
    return Detection(frame, fg, sky_dist, small, scale, protrusions, red)


RIM_CONSENSUS_BELOW = 0.8
"""The consensus fit is tried only when fewer of the outline's points than this lie within
:data:`marsound.chute.geometry.RANSAC_TOLERANCE_PX` of the least-squares rim (clean and easy
benchmark frames: 0.94-1.0; frames with a bridle or strut out of the picture: 0.06-0.5)."""
RIM_CONSENSUS_GAIN = 1.15
"""The consensus (RANSAC) rim replaces the least-squares one when this many times more of the
outline supports it."""


def _fit_rim(outline: NDArray[np.float64], shape: tuple[int, ...]) -> tuple[Ellipse, float]:
    """The rim ellipse of an outline: points on the picture's border are left out (a canopy
    partly out of frame is cut there, not bounded), then the robust least-squares fit, or the
    consensus fit (:func:`marsound.chute.geometry.fit_ellipse_ransac`) when clearly more of the
    outline supports it (a bridle and struts running out of the picture; tried only when the
    least-squares rim fits under :data:`RIM_CONSENSUS_BELOW` of the outline). Returns the
    ellipse and its inlier share."""
    h, w = shape[:2]
    inner = (outline[:, 0] > 1) & (outline[:, 0] < w - 2) & (outline[:, 1] > 1) & (outline[:, 1] < h - 2)
    pts = outline[inner] if inner.sum() >= max(20, 0.3 * len(outline)) else outline
    rim, inliers = fit_ellipse_robust(pts)
    share = float(np.mean(np.abs(rim.normalised_radius(pts) - 1.0) * rim.mean_radius < RANSAC_TOLERANCE_PX))
    if share >= RIM_CONSENSUS_BELOW:
        return rim, inliers
    try:
        alt, alt_in = fit_ellipse_ransac(pts, min_axis_ratio=MIN_AXIS_RATIO, min_minor_px=MIN_RIM_AXIS_PX)
    except ValueError:
        return rim, inliers
    return (alt, max(alt_in, inliers)) if alt_in > RIM_CONSENSUS_GAIN * share else (rim, inliers)


THIN_PART_WIDTH = 0.1
"""Width (fraction of the object's equivalent radius) below which a part of the object is a
bridle, strut or line bundle rather than fabric: its outline points are left out of the rim fit."""
PROTRUSION_ELONGATION = 3.0
"""Smallest length / width (principal axes) of a thin part that is a bridle, strut or bundle."""
PROTRUSION_LINE_POINTS = 300
"""Points per line of :attr:`Detection.protrusions` (each starts at a thin part's centroid)."""
PROTRUSION_RADIAL_COS = 0.8
"""A thin part is a protrusion when its long axis is within ~37° of the line from the object's centre."""


def _without_protrusions(blob: NDArray, area_px: float) -> tuple[NDArray, NDArray[np.float64]] | None:
    """``blob`` without its long straight radial protrusions (bridle, struts, line bundles):
    the parts an opening by a disk :data:`THIN_PART_WIDTH` of the object's equivalent radius wide
    removes, kept when they are not elongated along the direction from the object's centre (a
    band arc beyond a broken gap is thin too, but runs across that direction), and points covering
    their lines extended to the object's centre. None when nothing is removed."""
    import cv2

    k = max(5, round(THIN_PART_WIDTH * np.sqrt(area_px / np.pi))) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    opened = cv2.morphologyEx(blob, cv2.MORPH_OPEN, kernel)
    if not opened.any():
        return None
    oy, ox = np.nonzero(opened)
    centre = np.array([ox.mean(), oy.mean()])
    thin: NDArray = ((blob > 0) & (opened == 0)).astype(np.uint8)
    n, labels, stats, cents = cv2.connectedComponentsWithStats(thin, connectivity=8)
    out = blob.copy()
    lines = []
    for i in range(1, n):
        if stats[i, cv2.CC_STAT_AREA] < 2 * k:
            continue
        ys, xs = np.nonzero(labels == i)
        cov = np.cov(np.vstack([xs, ys]).astype(np.float64))
        evals, evecs = np.linalg.eigh(cov)
        if evals[1] < PROTRUSION_ELONGATION**2 * max(evals[0], 1e-9):
            continue
        radial = cents[i] - centre
        cos = abs(float(evecs[:, 1] @ radial)) / max(float(np.hypot(*radial)), 1e-9)
        x0, y0, bw, bh = stats[i, :4]
        at_edge = x0 == 0 or y0 == 0 or x0 + bw >= blob.shape[1] or y0 + bh >= blob.shape[0]
        if cos > PROTRUSION_RADIAL_COS or at_edge:
            out[labels == i] = 0
            half_w = 0.5 * np.sqrt(12.0 * max(float(evals[0]), 1.0))  # a bar of width w: variance w²/12
            inward = -np.sign(float(evecs[:, 1] @ radial)) * evecs[:, 1]  # towards the centre (the vent)
            span = np.linspace(0.0, 1.05 * float(np.hypot(*radial)), PROTRUSION_LINE_POINTS)[:, None] * inward
            for off in np.linspace(-half_w, half_w, 5):
                lines.append(cents[i] + off * np.array([-evecs[1, 1], evecs[0, 1]]) + span)
    return (out, np.vstack(lines)) if lines else None


HULL_MAX_GROWTH = 1.5
"""Largest ratio of the hull's rim to the outline's (mean radii): beyond it the hull followed
something else to the image's edge (a bridle, a strut) rather than the lost white gores."""


def _plausible_growth(rim: Ellipse, hull_rim: Ellipse) -> bool:
    """The hull's rim may be larger than the outline's, but not by more than
    :data:`HULL_MAX_GROWTH`, and it must be centred inside the outline's inner half."""
    centre = np.asarray(hull_rim.centre, dtype=np.float64)[None]
    return bool(hull_rim.mean_radius <= HULL_MAX_GROWTH * rim.mean_radius and rim.normalised_radius(centre)[0] < 0.5)


def _hull_ellipse(blob: NDArray, red: NDArray) -> Ellipse | None:
    """Rim from the convex hull of the object and its red pixels: the outline's points that
    lie on the hull (the outermost fabric, typically the band's red gores)."""
    import cv2

    union: NDArray = ((blob > 0) | (red > 0)).astype(np.uint8)
    union = cv2.morphologyEx(union, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    contours, _ = cv2.findContours(union, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return None
    pts = np.vstack([c.reshape(-1, 2) for c in contours]).astype(np.float64)
    hull = cv2.convexHull(pts.astype(np.float32)).reshape(-1, 2).astype(np.float64)
    if len(hull) < 5:
        return None
    # distance of every outline point to the hull polygon
    d = np.full(len(pts), np.inf)
    for a, b in zip(hull, np.roll(hull, -1, axis=0)):
        ab = b - a
        t = np.clip(((pts[:, 0] - a[0]) * ab[0] + (pts[:, 1] - a[1]) * ab[1]) / max(float(ab @ ab), 1e-9), 0.0, 1.0)
        d = np.minimum(d, np.hypot(*(pts - (a + t[:, None] * ab)).T))
    on_hull = pts[d < 1.5]
    if len(on_hull) < 20:
        return None
    try:
        ell, inl = fit_ellipse_robust(on_hull)
    except ValueError:
        return None
    return ell if inl >= 0.5 else None


def _band_outside(
    fg: NDArray[np.bool_], frame: CanopyFrame, *, min_cover: float = 0.5, max_run: int = 25
) -> Ellipse | None:
    """If a ring of foreground lies just outside the rim found (the band beyond the gap, when
    the band was not joined to the disk), fit and return its outer edge. ``min_cover``: share
    of directions where the band must be seen."""
    radii = np.linspace(1.02, 1.45, 44)
    ang, vals = polar_mask(fg, frame, radii)
    n_a = ang.size
    pts = []
    for j in range(n_a):
        col = vals[:, j]
        on = np.nonzero(col[:20])[0]  # the band must start within 1.2 R
        if on.size == 0:
            continue
        i = on[0]
        k = i
        while k < len(radii) and col[k]:
            k += 1
        if 3 <= k - i <= max_run and k < len(radii):
            r_out = radii[k - 1]
            pts.append((r_out * np.sin(ang[j]), -r_out * np.cos(ang[j])))
    return _fit_ring_edge(pts, frame, min_cover * n_a, (1.05, 1.45))


def gap_ellipse_darkest(sky_dist: NDArray[np.float32], frame: CanopyFrame) -> Ellipse | None:
    """Fit the gap's inner edge where white fabric is too close to the sky for a mask: along
    each ray, the gap is the run most like the sky between 0.55 and 0.99 of the rim."""
    radii = np.linspace(0.55, 0.99, 89)
    n_a = 360
    ang = np.linspace(0, 2 * np.pi, n_a, endpoint=False)
    prof = sample(sky_dist, frame, polar_points(radii, ang)).reshape(len(radii), n_a)
    prof = (prof[:-2] + prof[1:-1] + prof[2:]) / 3.0
    r_mid = radii[1:-1]
    lo = prof.min(axis=0)
    med = np.median(prof, axis=0)
    pts_can = []
    for j in range(n_a):
        if med[j] - lo[j] < 6.0:  # no contrast along this ray
            continue
        below = prof[:, j] < lo[j] + 0.35 * (med[j] - lo[j])
        i0 = i1 = int(np.argmin(prof[:, j]))
        while i0 > 0 and below[i0 - 1]:
            i0 -= 1
        while i1 < len(r_mid) - 1 and below[i1 + 1]:
            i1 += 1
        if 2 <= i1 - i0 + 1 <= 30 and i0 > 0 and i1 < len(r_mid) - 1:
            r_in = 0.5 * (r_mid[i0 - 1] + r_mid[i0])
            pts_can.append((r_in * np.sin(ang[j]), -r_in * np.cos(ang[j])))
    return _fit_ring_edge(pts_can, frame, 0.3 * n_a, GAP_RATIO)


def _fit_ring_edge(
    pts_can: list, frame: CanopyFrame, min_points: float, ratio_range: tuple[float, float]
) -> Ellipse | None:
    """Robust ellipse through edge points (canonical units) of a circle concentric with the
    rim; None unless there are ``min_points`` of them, half are inliers and the ellipse's
    size relative to the rim lies inside ``ratio_range``."""
    if len(pts_can) < min_points:
        return None
    try:
        ell, inl = fit_ellipse_robust(frame.to_image(np.asarray(pts_can)), min_tol=0.01)
    except ValueError:
        return None
    ratio = ell.mean_radius / frame.rim.mean_radius
    return ell if inl >= 0.5 and ratio_range[0] < ratio < ratio_range[1] else None


def gap_ellipse(fg: NDArray[np.bool_], frame: CanopyFrame) -> Ellipse | None:
    """Fit the gap's inner edge (the disk's outline) from background runs near 0.8 R."""
    radii = np.linspace(0.55, 0.99, 89)
    ang, vals = polar_mask(fg, frame, radii)
    n_a = ang.size
    start, length = _longest_inner_runs(~vals)
    keep = (length >= 2) & (length <= 30)
    r_in = 0.5 * (radii[np.maximum(start - 1, 0)] + radii[start])[keep]
    pts_can = list(zip(r_in * np.sin(ang[keep]), -r_in * np.cos(ang[keep]), strict=True))
    return _fit_ring_edge(pts_can, frame, 0.3 * n_a, GAP_RATIO)


def _longest_inner_runs(on: NDArray[np.bool_]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Per column of ``on`` (rows × columns), start row and length of the longest run of True
    that neither starts at the first row nor reaches the last (the earliest of equal runs);
    length 0 where there is none."""
    n = len(on)
    run = np.zeros(on.shape, dtype=np.intp)  # length of the run ending at each row
    run[0] = on[0]
    for i in range(1, n):
        run[i] = (run[i - 1] + 1) * on[i]
    ends = on[:-1] & ~on[1:]  # a run ends at row e, the next row is off
    length = np.where(ends, run[:-1], 0)
    start = np.arange(n - 1)[:, None] - length + 1
    length = np.where(start > 0, length, 0)
    best = np.argmax(length, axis=0)
    cols = np.arange(on.shape[1])
    best_len = length[best, cols]
    return np.where(best_len > 0, start[best, cols], 1), best_len
