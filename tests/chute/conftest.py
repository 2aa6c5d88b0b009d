"""Shared helpers for the chute tests: drawn canopies and simple photographic perturbations."""

import numpy as np
import pytest

from marsound.chute.draw import render_array
from marsound.chute.encode import encode_message

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


@pytest.fixture(scope="session")
def canopy_png():
    """A 640 px drawing of the Perseverance message (BGR)."""
    return render_array(encode_message(*PERSEVERANCE), size_px=640)
