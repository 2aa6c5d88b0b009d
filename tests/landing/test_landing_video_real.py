"""The detectors on NASA's real up-look frame of Perseverance's canopy (tests/landing/data)."""

from __future__ import annotations

from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from marsound.landing.video.detect import CANOPY_FULL_FRAC, canopy_area, detect_events
from marsound.landing.video.frames import measure_frames

REAL = Path(__file__).parent / "data" / "perseverance_parachute_EBF_0001_0667022756.jpg"
FPS = 10
APPEARS_S, SEPARATES_S, TAU_S, INFLATION_S = 1.0, 3.0, 0.6, 0.6


@pytest.fixture(scope="module")
def real_clip(tmp_path_factory):
    """Sky, the real canopy inflating from t = 1 s, then the real frame falling away from t = 3 s."""
    img = cv2.resize(cv2.imread(str(REAL)), (320, 256), interpolation=cv2.INTER_AREA)
    sky = np.median(img[:40, :40].reshape(-1, 3), axis=0)
    centre = (0.54 * 320, 0.52 * 256)  # the canopy's centre in the frame
    rng = np.random.default_rng(16)
    path = tmp_path_factory.mktemp("real") / "real.mp4"
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=FPS)
        s.width, s.height, s.pix_fmt = 320, 256, "yuv420p"
        s.options = {"crf": "26", "preset": "ultrafast"}
        for i in range(5 * FPS):
            t = i / FPS
            if t < APPEARS_S:
                frame = np.empty_like(img)
                frame[:] = sky
            else:
                x = max(0.0, t - SEPARATES_S) / TAU_S
                grow = min(1.0, (t - APPEARS_S) / INFLATION_S)  # from line stretch to full inflation
                k = (0.2 + 0.8 * (1 - (1 - grow) ** 2)) / (1.0 + x * x)
                m = np.array([[k, 0, (1 - k) * centre[0]], [0, k, (1 - k) * centre[1]]])
                frame = cv2.warpAffine(img, m, (320, 256), borderMode=cv2.BORDER_CONSTANT,
                                       borderValue=tuple(float(v) for v in sky))
            noisy = np.clip(frame + rng.normal(0, 2.0, frame.shape), 0, 255).astype(np.uint8)
            f = av.VideoFrame.from_ndarray(noisy, format="bgr24")
            f.pts = i
            for p in s.encode(f):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    return path


def test_real_canopy_is_a_canopy(real_clip):
    meas = measure_frames(real_clip)
    area = canopy_area(meas)
    shown = (meas.time_s >= APPEARS_S + INFLATION_S) & (meas.time_s < SEPARATES_S)
    assert np.all(area[shown] > 2 * CANOPY_FULL_FRAC)
    assert np.all(area[meas.time_s < APPEARS_S] == 0.0)
    assert np.all(meas.red_frac[shown] > 0.02) and np.all(meas.white_frac[shown] > 0.02)


def test_real_canopy_appears_and_falls_away(real_clip):
    found = detect_events(measure_frames(real_clip))
    by_event = {d.event: d for d in found}
    assert set(by_event) == {"parachute_deploy", "backshell_separation"}
    assert by_event["parachute_deploy"].video_time_s == pytest.approx(APPEARS_S, abs=1 / FPS)
    assert by_event["backshell_separation"].video_time_s == pytest.approx(SEPARATES_S, abs=2 / FPS)
    assert min(d.confidence for d in found) > 0.5
