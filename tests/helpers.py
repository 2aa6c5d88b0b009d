"""Helpers shared by the tests (import them: ``from helpers import ...``; ``tests/`` is on pytest's pythonpath).

Fixtures stay in the ``conftest.py`` files; plain functions and constants live here, so that any
test file can be collected alone or with any other.
"""

from __future__ import annotations

import numpy as np

# -- rendering -------------------------------------------------------------------------------


def tone_amplitude(y: np.ndarray, fs: float, f: float) -> float:
    """Amplitude of a steady sinusoid at ``f`` in ``y`` (least squares on sin/cos)."""
    t = np.arange(y.size) / fs
    basis = np.stack([np.sin(2 * np.pi * f * t), np.cos(2 * np.pi * f * t)], axis=1)
    coef, *_ = np.linalg.lstsq(basis, y.astype(float), rcond=None)
    return float(np.hypot(*coef))


def leftovers(folder) -> list[str]:
    """Files in ``folder`` (to check that failures leave nothing behind)."""
    return sorted(p.name for p in folder.iterdir())


# -- chute -------------------------------------------------------------------------------------

PERSEVERANCE = (["DARE", "MIGHTY", "THINGS"], "34 11 58 N 118 10 31 W")
TEXTS = ["DARE", "MIGHTY", "THINGS", "34 11 58 N 118 10 31 W"]
SKY_BGR = (28, 26, 30)


def tilt_homography(size, tilt_deg, axis_deg, f_factor=1.5, shrink=0.8):
    """Homography of a square image seen by a pinhole camera with the plane tilted about an axis."""
    c = size / 2
    f = f_factor * size
    a, t = np.radians(axis_deg), np.radians(tilt_deg)
    u = np.array([np.cos(a), np.sin(a), 0.0])
    k = np.array([[0, -u[2], u[1]], [u[2], 0, -u[0]], [-u[1], u[0], 0]])
    r = np.eye(3) + np.sin(t) * k + (1 - np.cos(t)) * k @ k
    p = np.array([[f, 0, c], [0, f, c], [0, 0, 1.0]]) @ np.column_stack([r[:, 0] * shrink, r[:, 1] * shrink, [0, 0, f]])
    return p @ np.array([[1, 0, -c], [0, 1, -c], [0, 0, 1.0]]) / f
