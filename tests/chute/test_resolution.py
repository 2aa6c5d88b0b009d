"""Reading gores a few pixels wide (video frames): chute.resolution and its use by read_canopy."""

import cv2
import numpy as np
from helpers import PERSEVERANCE

from marsound.chute.draw import render_array
from marsound.chute.encode import encode_message
from marsound.chute.image import decode_reading, read_canopy
from marsound.chute.resolution import (
    NARROW_ERROR_RATE,
    NARROW_WIDTH_PX,
    gore_widths_px,
    temper_by_resolution,
)


def _half_resolution_chroma(bgr):
    """4:2:0 as in H.264 video: chroma averaged over 2x2 pixels, brightness kept."""
    ycc = cv2.cvtColor(bgr, cv2.COLOR_BGR2YCrCb)
    h, w = ycc.shape[:2]
    small = cv2.resize(ycc[..., 1:], (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    ycc[..., 1:] = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.cvtColor(ycc, cv2.COLOR_YCrCb2BGR)


def test_small_canopy_with_half_resolution_chroma_reads_its_inner_ring():
    # 220 px: ring-1 gores about 2 px wide; before, they were tempered into erasures ('????')
    img = _half_resolution_chroma(render_array(encode_message(*PERSEVERANCE), size_px=220))
    reading = read_canopy(img)
    widths = gore_widths_px(reading.frame, reading.ring_radii, np.radians(reading.phase_deg), reading.scale)
    assert np.median(widths[0]) < 2.5
    assert np.sum(np.abs(reading.p_red[0] - 0.5) < 0.3) <= 4
    decoded = decode_reading(reading)
    assert decoded.texts == ["DARE", "MIGHTY", "THINGS", "34 11 58 N 118 10 31 W"]


def test_narrow_gores_are_never_surer_than_their_error_rate():
    p = np.array([[1e-6, 1 - 1e-6, 1e-6, 1 - 1e-6, 0.3]])
    w = np.array([[12.0, 12.0, NARROW_WIDTH_PX - 0.5, NARROW_WIDTH_PX - 0.5, 12.0]])
    out = temper_by_resolution(p, w)
    np.testing.assert_allclose(out[0, :2], p[0, :2], atol=1e-9)  # wide gores keep their reading
    np.testing.assert_allclose(out[0, 2:4], [NARROW_ERROR_RATE, 1 - NARROW_ERROR_RATE])
    assert abs(out[0, 4] - 0.3) < 1e-12
    assert temper_by_resolution(np.array([1e-6]), np.array([0.5]))[0] == 0.5  # under a pixel: erased
