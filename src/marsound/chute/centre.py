"""Refine the image of the canopy's centre on the gore pattern.

The rim ellipse's centre is not the image of the canopy's centre under perspective, and a gap
ellipse fitted on a ring seam misplaces it. Gore seams are radial, so a centre error ``e``
shifts the local gore phase at angle θ and radius r by ``e·t(θ)/r``: :func:`centre_error`
fits it from sector phases; :func:`search_centre` is a grid search for when the pattern is
too weak to fit.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from marsound.chute import spec
from marsound.chute.geometry import CanopyFrame, centred_frame, centred_homographies
from marsound.chute.polar import (
    N_ANGLES,
    OFFSIDE_HARMONICS,
    chroma,
    chroma_axis,
    edge_energy,
    polar_chroma,
    polar_points,
    project,
)

CENTRE_SEARCH_RADIUS = 0.16
"""Largest centre error searched, in rim radii (steep views measured up to 0.15)."""
COARSE_STEP = 0.02
"""Coarse centre-search step (rim radii): a phase error under a third of a gore at the outer ring."""
FINE_STEP = 0.005
"""Fine centre-search step (rim radii), searched over ± one coarse step."""


def centre_error(
    edge_k: NDArray[np.float64],
    ring_r: list[float],
    carrier: NDArray[np.complex128],
    z: complex,
    sec_theta: NDArray[np.float64],
) -> NDArray[np.float64] | None:
    """Least-squares centre error (canonical units) from the gore phase of each ring in
    ``len(sec_theta)`` sectors: an error e shifts the phase at angle θ, radius r by e·t(θ)/r."""
    n_sec = len(sec_theta)
    rows_a, rows_b, wts = [], [], []
    for ek, r_mid in zip(edge_k, ring_r, strict=True):
        zs = (ek * carrier).reshape(n_sec, -1).sum(axis=1)
        delta = -np.angle(zs * np.conj(z)) / spec.N_GORES
        rows_a.append(np.column_stack([np.cos(sec_theta), np.sin(sec_theta)]))
        rows_b.append(r_mid * delta)
        wts.append(np.abs(zs))
    wv = np.sqrt(np.concatenate(wts))
    e, *_ = np.linalg.lstsq(np.concatenate(rows_a) * wv[:, None], np.concatenate(rows_b) * wv, rcond=None)
    return e if np.all(np.isfinite(e)) else None


def moved_centre(frame: CanopyFrame, e: NDArray[np.float64]) -> CanopyFrame | None:
    """``frame`` rebuilt about a new centre: the point ``e`` of its canonical plane (rim kept)."""
    return centred_frame(frame.rim, tuple(frame.to_image(e[None])[0]), frame.inner)


# canonical radii sampled by the centre search: the middle of each nominal ring, away from
# the saw-tooth seams, and the band (ring proportions of public renderers vary by ~0.04)


_SEARCH_RINGS = ((0.22, 0.30), (0.46, 0.54), (0.69, 0.76), (0.935, 0.97))


def _strengths(
    img: NDArray[np.uint8],
    frame: CanopyFrame,
    es: NDArray[np.float64],
    rings: list[NDArray[np.float64]],
    mu: NDArray[np.float64],
    axis: NDArray[np.float64],
    rel: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Gore strength (-1 where no valid frame) and homography of the frame moved to each
    canonical centre error of ``es`` (n, 2), all sampled in one ``cv2.remap``."""
    import cv2

    g, ok = centred_homographies(frame.rim, frame.to_image(np.asarray(es, dtype=np.float64).reshape(-1, 2)))
    ang = (np.arange(N_ANGLES) + 0.5) * (2 * np.pi / N_ANGLES)
    u = polar_points(np.concatenate(rings), ang)
    # every candidate's homography applied to the polar points, written out (no BLAS)
    hx, hy, hw = (g[:, i, 0:1] * u[None, :, 0] + g[:, i, 1:2] * u[None, :, 1] + g[:, i, 2:3] for i in range(3))
    n, nr = len(g), len(rings)
    mx = np.ascontiguousarray((hx / hw * rel).astype(np.float32).reshape(-1, N_ANGLES))
    my = np.ascontiguousarray((hy / hw * rel).astype(np.float32).reshape(-1, N_ANGLES))
    smp = np.asarray(cv2.remap(img, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0))
    f = project(chroma(smp.reshape(n, nr, -1, N_ANGLES, 3)), mu, axis)  # (n, rings, 3 radii, angles)
    lo, hi = np.minimum(f[:, :, 0], f[:, :, 1]), np.maximum(f[:, :, 0], f[:, :, 1])
    prof = np.maximum(lo, np.minimum(hi, f[:, :, 2]))  # median of the 3 radii
    edge = edge_energy(prof).sum(axis=1)
    spec_ = np.abs(np.fft.rfft(edge, axis=-1))
    strength = spec_[:, spec.N_GORES] / (np.median(spec_[:, OFFSIDE_HARMONICS], axis=-1) + 1e-9)
    return np.where(ok, strength, -1.0), g


def search_centre(img: NDArray[np.uint8], frame: CanopyFrame, rel: float) -> CanopyFrame | None:
    """Grid search of the centre's image (rim kept) maximising the 80-gore harmonic.

    Coarse steps of 0.02 rim radii over ±``CENTRE_SEARCH_RADIUS`` scored on the outer ring and
    the band (a step's phase error there is under a third of a gore), then steps of 0.005 over
    ±0.02 scored on all rings. Returns None if no candidate frame is valid.
    """
    ang = (np.arange(N_ANGLES) + 0.5) * (2 * np.pi / N_ANGLES)
    rings = [np.linspace(a, b, 3) for a, b in _SEARCH_RINGS]
    mu, axis = chroma_axis(polar_chroma(img, frame, np.concatenate(rings), ang, rel))

    steps = np.arange(-CENTRE_SEARCH_RADIUS, CENTRE_SEARCH_RADIUS + 1e-9, COARSE_STEP)
    ex, ey = (v.ravel() for v in np.meshgrid(steps, steps, indexing="ij"))
    inside = np.hypot(ex, ey) <= CENTRE_SEARCH_RADIUS + 1e-9
    es = np.column_stack([ex[inside], ey[inside]])
    sc, _ = _strengths(img, frame, es, rings[2:4], mu, axis, rel)
    i = int(np.argmax(sc))
    e0 = es[i] if sc[i] > -1.0 else np.zeros(2)
    fine = np.arange(-COARSE_STEP, COARSE_STEP + 1e-9, FINE_STEP)
    dx, dy = (v.ravel() for v in np.meshgrid(fine, fine, indexing="ij"))
    es = e0[None] + np.column_stack([dx, dy])
    sc, g = _strengths(img, frame, es, rings, mu, axis, rel)
    i = int(np.argmax(sc))
    if sc[i] <= -1.0:
        return None
    return CanopyFrame(g[i], frame.rim, frame.inner, True)


RING_OFFSET_LIMIT = 0.03
"""Largest per-ring centre offset accepted (rim radii); a larger fit is noise and is dropped
(NASA's frame: 0.013 at the vent; rendered clean to medium frames, from the renderer's own labels:
under 0.01; a fit of 0.05 misread a whole ring)."""
RING_PHASE_LIMIT = 0.5
"""Largest per-ring gore-phase offset accepted (gores)."""


def _dome_height(r: float) -> float:
    """Relative height of the inflated fabric at canonical radius ``r`` (0 at the rim, 1 at the
    vent): a paraboloid, the simplest dome."""
    return 1.0 - r * r


def ring_offsets(
    edge_k: NDArray[np.float64],
    ring_r: list[float],
    carrier: NDArray[np.complex128],
    z: complex,
    sec_theta: NDArray[np.float64],
) -> list[tuple[NDArray[np.float64], float]]:
    """Per ring: the offset of its own centre (canonical units) and of its gore phase (radians).

    An inflated canopy is a dome: seen obliquely, the fabric near the vent (highest) is displaced
    in the image against the rim by parallax, so each ring has its own centre,
    ``e(r) = a + b h(r)`` for the height ``h`` of the fabric (:func:`_dome_height`); gores also
    twist a little from vent to skirt (a phase ``c`` per ring). The sector phases ``δ(θ)`` of a
    ring relative to ``z`` obey ``r δ = e(r)·t(θ) + r c``; they are only known modulo a gore, and
    near the vent the parallax can exceed half a gore, so rings are taken from the rim inwards,
    each ring's phases unwrapped about the prediction of the model fitted to the rings outside
    it. Offsets beyond :data:`RING_OFFSET_LIMIT` or phases beyond :data:`RING_PHASE_LIMIT` are
    replaced by zero.
    """
    n_sec = len(sec_theta)
    gd = 2 * np.pi / spec.N_GORES
    t = np.column_stack([np.cos(sec_theta), np.sin(sec_theta)])
    deltas, weights = [], []
    for ek in edge_k:
        zs = (ek * carrier).reshape(n_sec, -1).sum(axis=1)
        deltas.append(-np.angle(zs * np.conj(z)) / spec.N_GORES)
        weights.append(np.sqrt(np.abs(zs)))
    n_r = len(ring_r)
    order = sorted(range(n_r), key=lambda k: -ring_r[k])  # rim inwards
    done: list[int] = []
    unwrapped: dict[int, NDArray[np.float64]] = {}
    a = np.zeros(2)
    b = np.zeros(2)
    c = dict.fromkeys(range(n_r), 0.0)
    for k in order:
        r = ring_r[k]
        c_pred = c[done[-1]] if done else 0.0
        pred = (t @ (a + b * _dome_height(r))) / r + c_pred
        resid = (deltas[k] - pred + gd / 2) % gd - gd / 2
        unwrapped[k] = pred + resid
        done.append(k)
        # least squares over the rings so far: a (2), b (2, once two rings are in), c per ring
        n_b = 2 if len(done) >= 2 else 0
        cols = 2 + n_b + len(done)
        rows_a, rows_y, rows_w = [], [], []
        for i, kk in enumerate(done):
            rk = ring_r[kk]
            m = np.zeros((n_sec, cols))
            m[:, :2] = t
            if n_b:
                m[:, 2:4] = t * _dome_height(rk)
            m[:, 2 + n_b + i] = rk
            rows_a.append(m)
            rows_y.append(rk * unwrapped[kk])
            rows_w.append(weights[kk])
        w = np.concatenate(rows_w)
        sol, *_ = np.linalg.lstsq(np.vstack(rows_a) * w[:, None], np.concatenate(rows_y) * w, rcond=None)
        if not np.all(np.isfinite(sol)):
            break
        a = sol[:2]
        b = sol[2:4] if n_b else np.zeros(2)
        for i, kk in enumerate(done):
            c[kk] = float(sol[2 + n_b + i])
    out = []
    for k in range(n_r):
        e = a + b * _dome_height(ring_r[k])
        if np.hypot(*e) > RING_OFFSET_LIMIT or abs(c[k]) > RING_PHASE_LIMIT * gd:
            out.append((np.zeros(2), 0.0))
        else:
            out.append((e, c[k]))
    return out
