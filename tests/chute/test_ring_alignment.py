"""Inner rings' alignment checked on their own colours."""

import numpy as np
import pytest

from marsound.chute import spec
from marsound.chute.alignment import refine_ring_alignment
from marsound.chute.geometry import Ellipse, affine_frame
from marsound.chute.polar import chroma, chroma_axis, project

WHITE_BGR = (162, 113, 103)
RED_BGR = (32, 23, 85)
SIZE = 600
RIM_PX = 250.0
RINGS = [(0.09, 0.37), (0.37, 0.63), (0.63, 0.80)]
WINDOWS = [(0.17, 0.33), (0.435, 0.565), (0.67, 0.76), (0.93, 0.97)]


def _canopy(layout: np.ndarray, ring_centres: list[tuple[float, float]]) -> np.ndarray:
    """A flat canopy whose disk rings each have their own centre (canonical units): ring k's gore
    j spans angles j..j+1 gores from 12 o'clock, clockwise, about that centre."""
    yy, xx = np.mgrid[0:SIZE, 0:SIZE].astype(np.float64)
    img = np.zeros((SIZE, SIZE, 3), np.uint8)
    c = SIZE / 2
    for k, ((r0, r1), (ex, ey)) in enumerate(zip(RINGS, ring_centres, strict=True)):
        x = (xx - c) / RIM_PX - ex
        y = (yy - c) / RIM_PX - ey
        r = np.hypot(x, y)
        gore = np.floor((np.arctan2(x, -y) % (2 * np.pi)) / (2 * np.pi / spec.N_GORES)).astype(int) % spec.N_GORES
        inside = (r >= r0) & (r < r1)
        red = layout[k][gore] == 1
        img[inside & red] = RED_BGR
        img[inside & ~red] = WHITE_BGR
    return img


def _setup(layout, ring_centres):
    img = _canopy(layout, ring_centres)
    frame = affine_frame(Ellipse((SIZE / 2, SIZE / 2), (2 * RIM_PX, 2 * RIM_PX), 0.0))
    gd = 2 * np.pi / spec.N_GORES
    gore_c = (np.arange(spec.N_GORES) + 0.5) * gd
    ang = np.linspace(0, 2 * np.pi, 720, endpoint=False)
    pts = np.stack([np.column_stack([r * np.sin(ang), -r * np.cos(ang)]) for r in (0.25, 0.5, 0.7)]).reshape(-1, 2)
    xy = frame.to_image(pts)
    smp = img[np.clip(xy[:, 1].astype(int), 0, SIZE - 1), np.clip(xy[:, 0].astype(int), 0, SIZE - 1)]
    mu, axis = chroma_axis(chroma(smp))
    t = project(chroma(np.array([WHITE_BGR, RED_BGR], np.uint8)), mu, axis)
    offsets = [(np.zeros(2), 0.0) for _ in range(4)]
    return img, frame, gore_c, offsets, mu, axis, (float(t[0]), float(t[1]))


@pytest.mark.parametrize("shift", [(0.012, -0.006), (-0.008, -0.01)])
def test_misaligned_inner_ring_is_realigned(shift):
    """Ring 1 drawn about a centre a hundredth of the rim off the model's (half a gore at its
    radius): its samples straddle the seams until the check moves it to that centre; the
    rings drawn where the model says keep their alignment."""
    rng = np.random.default_rng(5)
    layout = (rng.random((3, spec.N_GORES)) < 0.4).astype(int)
    img, frame, gore_c, offsets, mu, axis, wr = _setup(layout, [shift, (0.0, 0.0), (0.0, 0.0)])
    out, moved = refine_ring_alignment(img, frame, 1.0, gore_c, WINDOWS, offsets, mu, axis, wr)
    assert moved == [0]
    assert np.hypot(*(out[0][0] - np.array(shift))) < 0.004
    assert abs(out[0][1]) < 0.2 * 2 * np.pi / spec.N_GORES
    assert np.all(out[1][0] == 0) and out[1][1] == 0.0


def test_aligned_rings_are_kept():
    """When every ring is where the model says, nothing moves (no candidate is much better)."""
    rng = np.random.default_rng(6)
    layout = (rng.random((3, spec.N_GORES)) < 0.4).astype(int)
    img, frame, gore_c, offsets, mu, axis, wr = _setup(layout, [(0.0, 0.0)] * 3)
    out, moved = refine_ring_alignment(img, frame, 1.0, gore_c, WINDOWS, offsets, mu, axis, wr)
    assert moved == []
    assert all(np.all(e == 0) and c == 0.0 for e, c in out)
