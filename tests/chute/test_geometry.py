"""Canopy frames from the rim ellipse: concentric-circle pencil and rim + centre."""

import numpy as np
import pytest
from helpers import tilt_homography

from marsound.chute.geometry import Ellipse, centred_frame, fit_ellipse_robust, projective_frame


def _circle_image(h, radius, n=400):
    """Image points of a canopy-plane circle (plane units: pixels of a 640 px drawing, centre 320)."""
    a = np.linspace(0, 2 * np.pi, n, endpoint=False)
    pts = np.column_stack([320 + radius * np.cos(a), 320 + radius * np.sin(a), np.ones(n)]) @ h.T
    return pts[:, :2] / pts[:, 2:3]


@pytest.fixture(scope="module")
def view():
    """A 35° view: homography, rim and inner ellipses, the image of the centre."""
    h = tilt_homography(640, 35, 70)
    rim, _ = fit_ellipse_robust(_circle_image(h, 300))
    inner, _ = fit_ellipse_robust(_circle_image(h, 240))
    c = h @ np.array([320.0, 320.0, 1.0])
    return h, rim, inner, c[:2] / c[2]


def test_centred_frame_maps_circles_onto_their_images(view):
    h, rim, _, centre = view
    frame = centred_frame(rim, tuple(centre))
    assert frame is not None
    assert np.allclose(frame.centre_px, centre, atol=1e-6)
    # the ellipse of the circle at 0.4 R is not concentric with the rim's, yet the frame's
    # circle of radius 0.4 lands on it (up to the rotation a frame leaves free)
    mid, _ = fit_ellipse_robust(_circle_image(h, 120))
    a = np.linspace(0, 2 * np.pi, 90, endpoint=False)
    pts = frame.to_image(0.4 * np.column_stack([np.sin(a), -np.cos(a)]))
    assert np.max(np.abs(mid.normalised_radius(pts) - 1.0)) < 2e-3
    assert np.hypot(*(np.asarray(mid.centre) - centre)) > 2.0  # perspective: not the ellipse's centre


def test_projective_frame_finds_the_same_centre(view):
    _, rim, inner, centre = view
    frame = projective_frame(rim, inner)
    assert frame is not None
    assert np.hypot(*(np.asarray(frame.centre_px) - centre)) < 0.5


def test_centred_frame_refuses_a_centre_near_the_rim():
    rim = Ellipse((320.0, 320.0), (600.0, 500.0), 10.0)
    assert centred_frame(rim, (320.0 + 290.0, 320.0)) is None
    assert centred_frame(rim, (float("nan"), 320.0)) is None
