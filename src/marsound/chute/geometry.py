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
        d = pts - np.asarray(self.centre)
        return np.sqrt(np.einsum("ni,ij,nj->n", d, self.shape_matrix(), d))


def fit_ellipse_robust(
    pts: NDArray[np.float64], *, iterations: int = 4, min_tol: float = 0.015
) -> tuple[Ellipse, float]:
    """Fit an ellipse to points, rejecting outliers (occluders, lines) by radial residual.

    Returns the ellipse and the inlier fraction.
    """
    import cv2

    pts = np.asarray(pts, dtype=np.float64)
    keep = _ransac_inliers(pts, min_tol)
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


RANSAC_TRIALS = 150
"""Random minimal ellipse fits tried before the iterative fit (Fischler & Bolles, CACM 1981)."""
RANSAC_SAMPLE = 6
"""Points per random fit."""
RANSAC_TOL = 0.03
"""Relative radial residual within which a point supports a random fit."""
RANSAC_MIN_AXIS_RATIO = 0.3
"""Flattest random fit considered (a 73° tilt)."""


def _ransac_inliers(pts: NDArray[np.float64], min_tol: float) -> NDArray[np.bool_]:
    """Start of :func:`fit_ellipse_robust`: the support of the best of :data:`RANSAC_TRIALS`
    fits to :data:`RANSAC_SAMPLE` random points (seeded: the result depends on the points only),
    or all points if no random fit beats the fit to all of them. An outline that also follows a
    bridle or a strut out to the image's edge biases a least-squares start beyond what trimming
    by residuals recovers from."""
    import cv2

    n = len(pts)
    keep = np.ones(n, dtype=bool)
    if n < 4 * RANSAC_SAMPLE:
        return keep
    tol = max(min_tol, RANSAC_TOL)
    extent = float(np.max(np.ptp(pts, axis=0)))

    def support(sel: NDArray[np.float64]) -> NDArray[np.bool_] | None:
        (cx, cy), (w, h), ang = cv2.fitEllipseDirect(sel.astype(np.float32))
        if not (np.isfinite([cx, cy, w, h, ang]).all() and w > 0 and h > 0):
            return None
        if min(w, h) < RANSAC_MIN_AXIS_RATIO * max(w, h) or max(w, h) > 2.0 * extent:
            return None  # the straight edges of a strut or a bridle, not a rim
        return np.abs(Ellipse((float(cx), float(cy)), (float(w), float(h)), float(ang)).normalised_radius(pts) - 1.0) < tol

    best = support(pts)
    best_n = int(best.sum()) if best is not None else 0
    rng = np.random.default_rng(n)
    for _ in range(RANSAC_TRIALS):
        # points spread along the outline: one from each of RANSAC_SAMPLE equal stretches
        starts = (np.arange(RANSAC_SAMPLE) * n) // RANSAC_SAMPLE
        idx = starts + rng.integers(0, max(1, n // RANSAC_SAMPLE), RANSAC_SAMPLE)
        sup = support(pts[np.minimum(idx, n - 1)])
        if sup is not None and int(sup.sum()) > best_n:
            best, best_n = sup, int(sup.sum())
    return best if best is not None and best_n >= 6 else keep


@dataclass(frozen=True)
class CanopyFrame:
    """Homography ``G`` mapping canonical canopy coordinates (rim = unit circle; x right, y down) to image pixels."""

    G: NDArray[np.float64]
    rim: Ellipse
    inner: Ellipse | None
    projective: bool

    def to_image(self, u: NDArray[np.float64]) -> NDArray[np.float64]:
        """Canonical points (n, 2) → image points (n, 2)."""
        h = np.column_stack([u, np.ones(len(u))]) @ self.G.T
        return h[:, :2] / h[:, 2:3]

    def to_canonical(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        h = np.column_stack([x, np.ones(len(x))]) @ np.linalg.inv(self.G).T
        return h[:, :2] / h[:, 2:3]

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


def centred_frame(
    rim: Ellipse, centre_px: tuple[float, float], inner: Ellipse | None = None
) -> CanopyFrame | None:
    """Frame from the rim ellipse and the image of the circle's centre, or None if degenerate.

    The vanishing line of the canopy plane is the polar of the centre's image with respect to
    the rim's conic (the pole-polar relation is projective, and the polar of a circle's centre is
    the line at infinity), so the rim and the centre fix the homography up to a rotation. This is
    how the decoder moves the centre without refitting any other ellipse.
    """
    t, c1 = _normalised_rim(rim)
    c = np.array([(centre_px[0] - t[0, 2]) / t[0, 0], (centre_px[1] - t[1, 2]) / t[1, 1], 1.0])
    if not np.all(np.isfinite(c)) or np.hypot(c[0], c[1]) > 0.5:  # the centre must lie well inside the rim
        return None
    line = c1 @ c
    if abs(line[2]) < 1e-12:
        return None
    line = line / line[2]
    hp = np.array([[1.0, 0, 0], [0, 1.0, 0], line])
    hpi = np.linalg.inv(hp)
    c1p = hpi.T @ c1 @ hpi
    m = c1p[:2, :2]
    mv = c1p[:2, 2]
    k = c1p[2, 2]
    try:
        cp = -np.linalg.solve(m, mv)
    except np.linalg.LinAlgError:
        return None
    scale = cp @ m @ cp - k
    if scale <= 0:
        return None
    mn = m / scale
    try:
        a = np.linalg.cholesky(mn).T
    except np.linalg.LinAlgError:
        return None
    aff = np.eye(3)
    aff[:2, :2] = np.linalg.inv(a)
    aff[:2, 2] = cp
    g = t @ hpi @ aff
    g = g / g[2, 2]
    frame = CanopyFrame(g, rim, inner, True)
    # sanity: the canonical centre maps to c and the rim maps onto the rim
    ang = np.linspace(0, 2 * np.pi, 16, endpoint=False)
    pts = frame.to_image(np.column_stack([np.sin(ang), -np.cos(ang)]))
    if np.max(np.abs(rim.normalised_radius(pts) - 1.0)) > 0.02:
        return None
    return frame
