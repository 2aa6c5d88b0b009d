"""Canopy geometry under perspective: ellipses, conics, the concentric-circle pencil.

A circle seen under perspective is an ellipse whose centre is *not* the image of the circle's
centre. With two concentric circles (the canopy rim and the inner edge of the gap) the true
projected centre is the eigenvector of ``C1⁻¹·C2`` with the distinct eigenvalue, and the
vanishing line is its polar ``C1·c`` (Kim, Gurdjos &
Kweon, "Geometric and algebraic constraints of projected concentric circles", PAMI 2005;
ringgrid "Projective Center Recovery"). Rectifying that line and mapping the rim to the unit
circle gives the homography from the canopy plane to the image, up to a rotation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class Ellipse:
    """``centre`` (x, y) px, full axes (width, height) px and ``angle_deg`` as in ``cv2.fitEllipse``."""

    centre: tuple[float, float]
    axes: tuple[float, float]
    angle_deg: float

    @property
    def mean_radius(self) -> float:
        return 0.25 * (self.axes[0] + self.axes[1])

    def shape_matrix(self) -> NDArray[np.float64]:
        """M with ``(x - c)ᵀ M (x - c) = 1`` on the ellipse."""
        t = np.radians(self.angle_deg)
        r = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
        a, b = self.axes[0] / 2.0, self.axes[1] / 2.0
        return r @ np.diag([1.0 / a**2, 1.0 / b**2]) @ r.T

    def conic(self) -> NDArray[np.float64]:
        """3×3 symmetric conic matrix (``xᵀ C x = 0`` for homogeneous points on the ellipse)."""
        m = self.shape_matrix()
        c = np.asarray(self.centre, dtype=float)
        mc = m @ c
        return np.block([[m, -mc[:, None]], [-mc[None, :], np.array([[c @ mc - 1.0]])]])

    def normalised_radius(self, pts: NDArray[np.float64]) -> NDArray[np.float64]:
        """Sqrt of ``(x - c)ᵀ M (x - c)`` (1 on the ellipse) for points (n, 2)."""
        # the quadratic form written out (called per RANSAC trial: einsum's set-up dominated)
        t = np.radians(self.angle_deg)
        c, s = float(np.cos(t)), float(np.sin(t))
        ia, ib = 4.0 / self.axes[0] ** 2, 4.0 / self.axes[1] ** 2
        m00, m01, m11 = c * c * ia + s * s * ib, c * s * (ia - ib), s * s * ia + c * c * ib
        d0 = pts[:, 0] - self.centre[0]
        d1 = pts[:, 1] - self.centre[1]
        return np.sqrt(m00 * d0 * d0 + 2.0 * m01 * d0 * d1 + m11 * d1 * d1)


def fit_ellipse_robust(
    pts: NDArray[np.float64], *, iterations: int = 4, min_tol: float = 0.015
) -> tuple[Ellipse, float]:
    """Fit an ellipse to points, rejecting outliers (occluders, lines) by radial residual.

    Returns the ellipse and the inlier fraction.
    """
    import cv2

    pts = np.asarray(pts, dtype=np.float64)
    keep = np.ones(len(pts), dtype=bool)
    ell = None
    for _ in range(iterations):
        if keep.sum() < 6:
            break
        (cx, cy), (w, h), ang = cv2.fitEllipseDirect(pts[keep].astype(np.float32))
        if not (np.isfinite([cx, cy, w, h, ang]).all() and w > 0 and h > 0):
            break
        ell = Ellipse((float(cx), float(cy)), (float(w), float(h)), float(ang))
        res = ell.normalised_radius(pts) - 1.0
        mad = float(np.median(np.abs(res[keep] - np.median(res[keep])))) * 1.4826
        tol = max(min_tol, 3.0 * mad)
        new = np.abs(res) < tol
        if np.array_equal(new, keep):
            break
        keep = new
    if ell is None:
        raise ValueError("ellipse fit failed")
    return ell, float(keep.mean())


RANSAC_TRIALS = 300
"""Random 6-point ellipses tried by :func:`fit_ellipse_ransac`."""
RANSAC_TOLERANCE_PX = 3.0
"""A point within about this distance (pixels) of a trial ellipse supports it: absolute, so a
huge flat ellipse along straight edges gets no wider band than the rim (the canopy is found in
a 512-pixel image: rim noise about a pixel, scallops up to 4)."""
RANSAC_MAX_POINTS = 600
"""Outline points scored per trial (an even subsample of longer outlines)."""


def fit_ellipse_ransac(
    pts: NDArray[np.float64], *, min_axis_ratio: float = 0.25, min_minor_px: float = 0.0, seed: int = 0
) -> tuple[Ellipse, float]:
    """Fit an ellipse to points most of which may lie on something else (RANSAC, Fischler &
    Bolles, CACM 1981): of 6-point ellipses through random points and through points along
    random arcs of the outline (``pts`` in outline order), the one supported by the most points within
    :data:`RANSAC_TOLERANCE_PX` of it, refined by :func:`fit_ellipse_robust` on them.

    The outline of a canopy crossed by a bridle and struts that run out of the picture is
    mostly straight edges: a least-squares start follows them and the reweighting never
    recovers; a consensus start keeps to the rim. ``min_axis_ratio`` and ``min_minor_px`` reject
    flat trial ellipses (a straight edge is a degenerate one). Deterministic (``seed``).

    Returns the ellipse and the share of ``pts`` within the tolerance of it.
    """
    import cv2

    pts = np.asarray(pts, dtype=np.float64)
    if len(pts) < 6:
        raise ValueError("ellipse fit needs 6 points")
    sub = pts[:: -(-len(pts) // RANSAC_MAX_POINTS)]  # ceiling: at most RANSAC_MAX_POINTS
    rng = np.random.default_rng(seed)
    n = len(sub)
    cands = []
    for trial in range(RANSAC_TRIALS):
        if trial % 2:  # anywhere
            idx = rng.choice(n, 6, replace=False)
        else:  # spread along an arc of the (ordered) outline: a stretch of bare rim
            span = rng.uniform(0.1, 0.5) * n
            idx = np.round(rng.uniform(0, n) + np.sort(rng.uniform(0, span, 6))).astype(int) % n
        (cx, cy), (w, h), ang = cv2.fitEllipseDirect(sub[idx].astype(np.float32))
        if not (np.isfinite([cx, cy, w, h, ang]).all() and w > 0 and h > 0):
            continue
        lo, hi = sorted((w, h))
        if lo < min_axis_ratio * hi or lo < min_minor_px:
            continue
        cands.append((cx, cy, w, h, ang))
    if not cands:
        raise ValueError("ellipse fit failed")
    # every candidate's support at once: normalised radius of every point (trials x points)
    c = np.asarray(cands, dtype=np.float64)
    t = np.radians(c[:, 4])
    cos, sin = np.cos(t), np.sin(t)
    dx = sub[None, :, 0] - c[:, 0:1]
    dy = sub[None, :, 1] - c[:, 1:2]
    u = (dx * cos[:, None] + dy * sin[:, None]) / (c[:, 2:3] / 2)
    v = (-dx * sin[:, None] + dy * cos[:, None]) / (c[:, 3:4] / 2)
    dist = np.abs(np.sqrt(u * u + v * v) - 1.0) * (0.25 * (c[:, 2:3] + c[:, 3:4]))
    k = int(np.argmax(np.sum(dist < RANSAC_TOLERANCE_PX, axis=1)))
    best = (0, Ellipse((float(c[k, 0]), float(c[k, 1])), (float(c[k, 2]), float(c[k, 3])), float(c[k, 4])))
    near = np.abs(best[1].normalised_radius(pts) - 1.0) * best[1].mean_radius < 2.0 * RANSAC_TOLERANCE_PX
    ell, _ = fit_ellipse_robust(pts[near]) if near.sum() >= 6 else (best[1], 0.0)
    return ell, float(np.mean(np.abs(ell.normalised_radius(pts) - 1.0) * ell.mean_radius < RANSAC_TOLERANCE_PX))


def _apply(g: NDArray[np.float64], p: NDArray[np.float64]) -> NDArray[np.float64]:
    """Homography ``g`` applied to points (n, 2), written out (a BLAS product of n x 3 by 3 x 3
    wakes its thread pool, which on a busy machine costs more than the arithmetic)."""
    x, y = p[:, 0], p[:, 1]
    w = g[2, 0] * x + g[2, 1] * y + g[2, 2]
    return np.column_stack([(g[0, 0] * x + g[0, 1] * y + g[0, 2]) / w, (g[1, 0] * x + g[1, 1] * y + g[1, 2]) / w])


@dataclass(frozen=True)
class CanopyFrame:
    """Homography ``G`` mapping canonical canopy coordinates (rim = unit circle; x right, y down) to image pixels."""

    G: NDArray[np.float64]
    rim: Ellipse
    inner: Ellipse | None
    projective: bool

    def to_image(self, u: NDArray[np.float64]) -> NDArray[np.float64]:
        """Canonical points (n, 2) → image points (n, 2)."""
        return _apply(self.G, u)

    def to_canonical(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        return _apply(np.asarray(np.linalg.inv(self.G), dtype=np.float64), x)

    @property
    def centre_px(self) -> tuple[float, float]:
        c = self.G[:, 2]
        return (float(c[0] / c[2]), float(c[1] / c[2]))


def affine_frame(rim: Ellipse) -> CanopyFrame:
    """Frame from the rim ellipse only (affine: exact for a head-on or distant canopy)."""
    m = rim.shape_matrix()
    a = np.linalg.cholesky(m).T  # m = aᵀ a, u = a (x - c)
    ainv = np.linalg.inv(a)
    g = np.eye(3)
    g[:2, :2] = ainv
    g[:2, 2] = rim.centre
    return CanopyFrame(g, rim, None, False)


def _normalised_rim(rim: Ellipse) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(T, C): T maps coordinates normalised by the rim (its centre at 0, its mean radius 1) to
    pixels; C is the rim's conic in those coordinates (well conditioned)."""
    o = np.asarray(rim.centre, dtype=float)
    s = rim.mean_radius
    t = np.array([[s, 0, o[0]], [0, s, o[1]], [0, 0, 1.0]])
    return t, t.T @ rim.conic() @ t


def projective_frame(rim: Ellipse, inner: Ellipse) -> CanopyFrame | None:
    """Frame from two images of concentric circles (rim and an inner circle), or None if degenerate."""
    t, c1 = _normalised_rim(rim)
    c2 = t.T @ inner.conic() @ t
    try:
        w, v = np.linalg.eig(np.linalg.solve(c1, c2))
    except np.linalg.LinAlgError:
        return None
    w = np.real(w)
    gaps = [min(abs(w[i] - w[j]) for j in range(3) if j != i) for i in range(3)]
    i = int(np.argmax(gaps))
    if gaps[i] < 0.05 * np.max(np.abs(w)):
        return None
    c = np.real(v[:, i])
    if abs(c[2]) < 1e-12:
        return None
    c = t @ (c / c[2])
    return centred_frame(rim, (float(c[0]), float(c[1])), inner)


def centred_homographies(
    rim: Ellipse, centres_px: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Homographies ``G`` (n, 3, 3) of :func:`centred_frame` for many images of the centre at
    once (n, 2), and which of them are valid (the others hold the identity)."""
    t, c1 = _normalised_rim(rim)
    cen = np.asarray(centres_px, dtype=np.float64).reshape(-1, 2)
    n = len(cen)
    c = np.column_stack([(cen[:, 0] - t[0, 2]) / t[0, 0], (cen[:, 1] - t[1, 2]) / t[1, 1], np.ones(n)])
    ok = np.all(np.isfinite(c), axis=1)
    c[~ok] = (0.0, 0.0, 1.0)
    ok &= np.hypot(c[:, 0], c[:, 1]) <= 0.5  # the centre must lie well inside the rim
    line = c @ c1.T
    ok &= np.abs(line[:, 2]) >= 1e-12
    line = line / np.where(ok, line[:, 2], 1.0)[:, None]
    hpi = np.tile(np.eye(3), (n, 1, 1))
    hpi[:, 2, :2] = -line[:, :2]
    hpi[:, 2, 2] = 1.0
    hpi[:, 2] = np.where(ok[:, None], hpi[:, 2], (0.0, 0.0, 1.0))  # inverse of [[I, 0], line]
    c1p = np.transpose(hpi, (0, 2, 1)) @ c1 @ hpi
    m = c1p[:, :2, :2]
    mv = c1p[:, :2, 2]
    k = c1p[:, 2, 2]
    det = m[:, 0, 0] * m[:, 1, 1] - m[:, 0, 1] * m[:, 1, 0]
    ok &= np.abs(det) > 1e-300
    det = np.where(ok, det, 1.0)
    minv = np.stack([np.stack([m[:, 1, 1], -m[:, 0, 1]], -1), np.stack([-m[:, 1, 0], m[:, 0, 0]], -1)], 1)
    minv = minv / det[:, None, None]
    cp = -np.einsum("nij,nj->ni", minv, mv)
    scale = np.einsum("ni,nij,nj->n", cp, m, cp) - k
    ok &= scale > 0
    mn = m / np.where(ok, scale, 1.0)[:, None, None]
    # Cholesky of the 2x2 mn = aᵀ a, a upper triangular
    a00 = np.sqrt(np.where(ok & (mn[:, 0, 0] > 0), mn[:, 0, 0], 1.0))
    ok &= mn[:, 0, 0] > 0
    a01 = mn[:, 0, 1] / a00
    rest = mn[:, 1, 1] - a01**2
    ok &= rest > 0
    a11 = np.sqrt(np.where(ok, rest, 1.0))
    aff = np.tile(np.eye(3), (n, 1, 1))
    aff[:, 0, 0] = 1.0 / a00
    aff[:, 0, 1] = -a01 / (a00 * a11)
    aff[:, 1, 1] = 1.0 / a11
    aff[:, :2, 2] = cp
    g = t @ hpi @ aff
    g = g / g[:, 2:3, 2:3]
    # sanity: the rim maps onto the rim
    ang = np.linspace(0, 2 * np.pi, 16, endpoint=False)
    u = np.column_stack([np.sin(ang), -np.cos(ang), np.ones(16)])
    h = np.einsum("nij,mj->nmi", g, u)
    pts = h[..., :2] / h[..., 2:3]
    d = pts - np.asarray(rim.centre)
    r = np.sqrt(np.einsum("nmi,ij,nmj->nm", d, rim.shape_matrix(), d))
    ok &= np.all(np.isfinite(r), axis=1)
    ok &= np.max(np.abs(np.where(np.isfinite(r), r, 0.0) - 1.0), axis=1) <= 0.02
    g[~ok] = np.eye(3)
    return g, ok


def centred_frame(rim: Ellipse, centre_px: tuple[float, float], inner: Ellipse | None = None) -> CanopyFrame | None:
    """Frame from the rim ellipse and the image of the circle's centre, or None if degenerate.

    The vanishing line of the canopy plane is the polar of the centre's image with respect to
    the rim's conic (the pole-polar relation is projective, and the polar of a circle's centre is
    the line at infinity), so the rim and the centre fix the homography up to a rotation. This is
    how the decoder moves the centre without refitting any other ellipse
    (:func:`centred_homographies` does it for many centres at once).
    """
    g, ok = centred_homographies(rim, np.asarray([centre_px], dtype=np.float64))
    return CanopyFrame(g[0], rim, inner, True) if ok[0] else None
