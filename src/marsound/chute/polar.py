"""Polar sampling of a canopy and its colour features (polar sampling with ``cv2.remap``; chroma as log R/G, log B/G).

Canonical canopy coordinates: the rim is the unit circle, angle 0 at 12 o'clock, clockwise.
Everything here samples an image at such points through a :class:`~marsound.chute.geometry.CanopyFrame`
(``cv2.remap``: only the pixels needed, no full polar warp) and turns colours into the
intensity-free chroma on which red and white gores separate.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from marsound.chute import spec
from marsound.chute.geometry import CanopyFrame

N_ANGLES = spec.N_GORES * 8
"""Angular samples of a full turn for ring profiles: 8 per gore."""
REMAP_ROW_PX = 1024
"""Points are laid out in rows of this many for ``cv2.remap`` (its maps are 2-D, at most 32767 wide)."""
CHROMA_OFFSET = 6.0
"""Added to each 8-bit channel before the log ratios of :func:`chroma`: keeps dark pixels
(sensor noise of a few counts) from dominating the chroma."""
OFFSIDE_HARMONICS = np.r_[40:76, 85:160]
"""Harmonics against which the 80th is compared in :func:`gore_strength` (the half and double
gore periods' neighbourhoods, excluding 76-84 where a smeared 80th spreads)."""


def polar_points(radii: NDArray, angles_rad: NDArray) -> NDArray[np.float64]:
    """Canonical points for a (radii × angles) grid; angle 0 at 12 o'clock, clockwise."""
    r = np.asarray(radii, dtype=np.float64).ravel()[:, None]
    a = np.asarray(angles_rad, dtype=np.float64).ravel()[None, :]
    pts = np.empty((r.size, a.size, 2))
    pts[..., 0] = r * np.sin(a)  # one sine and cosine per angle, not per point
    pts[..., 1] = -r * np.cos(a)
    return pts.reshape(-1, 2)


def sample(img: NDArray, frame: CanopyFrame, pts: NDArray, scale: float = 1.0, interp: int | None = None) -> NDArray:
    import cv2

    n = len(pts)
    width = REMAP_ROW_PX
    n_pad = -(-n // width) * width
    xy = np.full((n_pad, 2), -10.0, dtype=np.float32)
    xy[:n] = frame.to_image(pts) * scale
    mx = np.ascontiguousarray(xy[:, 0].reshape(-1, width))
    my = np.ascontiguousarray(xy[:, 1].reshape(-1, width))
    inter = cv2.INTER_LINEAR if interp is None else interp
    out = cv2.remap(img, mx, my, inter, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    return out.reshape(n_pad, *img.shape[2:])[:n]


def polar_mask(
    fg: NDArray[np.bool_], frame: CanopyFrame, radii: NDArray[np.float64], n_angles: int = 360
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Sample a foreground mask on a polar grid of the canopy frame (nearest neighbour).

    Returns the angles and a (len(radii), n_angles) boolean array.
    """
    ang = np.linspace(0, 2 * np.pi, n_angles, endpoint=False)
    pts = polar_points(radii, ang)
    vals = sample(fg.astype(np.uint8) * 255, frame, pts, interp=0).reshape(len(radii), n_angles) > 127
    return ang, vals


_LOG_LUT = np.log(np.arange(256, dtype=np.float64) + CHROMA_OFFSET)
"""``log(v + CHROMA_OFFSET)`` for every 8-bit value: :func:`chroma` of uint8 colours by lookup."""


def chroma(bgr: NDArray) -> NDArray[np.float64]:
    """Intensity-free colour: (log R/G, log B/G)."""
    if bgr.dtype == np.uint8:
        lb, lg, lr = _LOG_LUT[bgr[..., 0]], _LOG_LUT[bgr[..., 1]], _LOG_LUT[bgr[..., 2]]
        return np.stack([lr - lg, lb - lg], axis=-1)
    x = np.asarray(bgr, dtype=np.float64) + CHROMA_OFFSET
    return np.stack([np.log(x[..., 2] / x[..., 1]), np.log(x[..., 0] / x[..., 1])], axis=-1)


def polar_chroma(
    img: NDArray[np.uint8], frame: CanopyFrame, radii: NDArray, angles_rad: NDArray, rel: float
) -> NDArray[np.float64]:
    """Chroma (:func:`chroma`) of ``img`` on a (radii × angles) polar grid of ``frame``."""
    polar = sample(img, frame, polar_points(radii, angles_rad), rel)
    return chroma(polar.reshape(len(radii), len(angles_rad), 3))


def project(feat: NDArray[np.float64], mu: NDArray[np.float64], axis: NDArray[np.float64]) -> NDArray[np.float64]:
    """``(feat - mu) @ axis`` for 2-vectors (..., 2), written out: a BLAS matrix-vector product
    wakes its thread pool, which on a busy machine costs more than the arithmetic."""
    return (feat[..., 0] - mu[0]) * axis[0] + (feat[..., 1] - mu[1]) * axis[1]


def chroma_axis(feat: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Mean and principal axis of chroma samples (..., 2), oriented so that red (the larger
    log R/G) is positive: the red-white axis of a canopy."""
    flat = feat.reshape(-1, 2)
    mu = flat.mean(0)
    _, evecs = np.linalg.eigh(np.cov((flat - mu).T))
    axis = evecs[:, -1]
    return mu, (-axis if axis[0] < 0 else axis)


LINE_FILTER_SAMPLES = 5
"""Width (angular samples, 8 per gore) of the circular median filter :func:`without_lines` applies
before edges are measured: wider than a suspension line near the vent, narrower than a gore."""


def without_lines(profiles: NDArray[np.float64], width: int = LINE_FILTER_SAMPLES) -> NDArray[np.float64]:
    """Angular profiles (rings × angles) with thin lines removed: a circular running median.

    The suspension lines converge on the lines' confluence, not on the vent, so under an attitude
    or perspective their 80-fold pattern is centred elsewhere than the gores'; where a ring is one
    colour over many gores they are its only angular structure in chroma and would pull the gore
    phase (by up to a gore near the vent). A median narrower than a gore keeps the gores' colour
    edges where they are.
    """
    from scipy.ndimage import median_filter

    return np.asarray(median_filter(profiles, size=(1,) * (profiles.ndim - 1) + (width,), mode="wrap"))


def edge_energy(profiles: NDArray[np.float64]) -> NDArray[np.float64]:
    """Colour-edge energy |f(θ+1) − f(θ)| of angular profiles (rings × angles), per ring."""
    return np.abs(np.roll(profiles, -1, axis=-1) - profiles)


def gore_strength(edge: NDArray[np.float64]) -> float:
    """|80th harmonic| of an angular edge-energy profile over the median of its neighbouring
    harmonics (40-75 and 85-159): how clearly 80 gores show."""
    spec_ = np.abs(np.fft.rfft(edge))
    return float(spec_[spec.N_GORES] / (np.median(spec_[OFFSIDE_HARMONICS]) + 1e-9))


def segment_rows(prof: NDArray[np.float64], n_seg: int, min_len: int) -> list[int]:
    """Split rows into ``n_seg`` contiguous segments minimising within-segment squared error
    (dynamic programming over cut positions; the earliest cut wins a tie)."""
    n = len(prof)
    cs = np.concatenate([np.zeros((1, prof.shape[1])), np.cumsum(prof, axis=0)])
    cs2 = np.concatenate([[0.0], np.cumsum((prof**2).sum(axis=1))])
    # sse[i, j]: squared error of rows i .. j-1 about their mean (j - i >= 1); |cs_j - cs_i|²
    # from the Gram matrix of the cumulative sums
    gram = np.einsum("ik,jk->ij", cs, cs)  # not BLAS: its threads cost more than this small product
    sq = np.diag(gram)
    length = np.arange(n + 1)[None, :] - np.arange(n + 1)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        sse = cs2[None, :] - cs2[:, None] - (sq[None, :] - 2 * gram + sq[:, None]) / length
    sse = np.where(length >= min_len, sse, np.inf)
    inf = float("inf")
    cost = np.full((n_seg + 1, n + 1), inf)
    arg = np.zeros((n_seg + 1, n + 1), dtype=int)
    cost[0, 0] = 0.0
    for k in range(1, n_seg + 1):
        lo = (k - 1) * min_len
        for j in range(k * min_len, n + 1):
            c = cost[k - 1, lo : j - min_len + 1] + sse[lo : j - min_len + 1, j]
            if c.size and np.isfinite(c).any():
                i = int(np.argmin(c))
                cost[k, j] = c[i]
                arg[k, j] = lo + i
    cuts = [n]
    for k in range(n_seg, 0, -1):
        cuts.append(arg[k, cuts[-1]])
    return cuts[::-1]
