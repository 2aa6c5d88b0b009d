"""Video decoding by voting across frames (PyAV-written synthetic clip)."""

import av
import cv2
import numpy as np
import pytest
from helpers import PERSEVERANCE, SKY_BGR, TEXTS

from marsound.chute.draw import render_array
from marsound.chute.encode import encode_message
from marsound.chute.image import NoCanopyError
from marsound.chute.video import decode_video, vote
from marsound.errors import FileFormatError


def _write_video(path, frames, fps=6):
    with av.open(str(path), "w") as out:
        stream = out.add_stream("mpeg4", rate=fps)
        stream.width, stream.height = frames[0].shape[1], frames[0].shape[0]
        stream.pix_fmt = "yuv420p"
        stream.bit_rate = 4_000_000
        for f in frames:
            for pkt in stream.encode(av.VideoFrame.from_ndarray(f, format="bgr24")):
                out.mux(pkt)
        for pkt in stream.encode():
            out.mux(pkt)


def test_spinning_canopy_with_moving_occluder(tmp_path):
    base = render_array(encode_message(*PERSEVERANCE), size_px=480)
    frames = []
    for i in range(5):
        m = cv2.getRotationMatrix2D((240, 240), 23.0 * i + 3.0, 1.0)
        f = cv2.warpAffine(base, m, (480, 480), borderValue=SKY_BGR)
        # a dark blob (the backshell's edge) hides a different part of the canopy in each frame
        cv2.circle(f, (int(240 + 150 * np.cos(i)), int(240 + 150 * np.sin(i))), 55, (40, 40, 40), -1)
        frames.append(f)
    path = tmp_path / "clip.mp4"
    _write_video(path, frames)
    res = decode_video(path)
    j = res.to_json()
    assert [r["text"] for r in j["rings"]] == TEXTS
    assert j["frames"]["read"] == 5 and j["frames"]["used"] >= 4
    assert j["direction"] == "clockwise"


def test_vote_aligns_shifts():
    rng = np.random.default_rng(0)
    lo = rng.normal(0, 3, (4, 80))
    p, shifts = vote([lo, np.roll(lo, -7, axis=1), np.roll(lo, 30, axis=1)])
    assert shifts == [0, 7, 50]
    assert np.array_equal(p > 0.5, lo > 0)


def test_video_without_canopy(tmp_path):
    frames = [np.full((96, 128, 3), 60 + 10 * i, np.uint8) for i in range(3)]
    path = tmp_path / "grey.mp4"
    _write_video(path, frames)
    with pytest.raises(NoCanopyError, match="no canopy found in any of the 3 frames"):
        decode_video(path)


def test_not_a_video(tmp_path):
    p = tmp_path / "x.mp4"
    p.write_bytes(b"\x00" * 100)
    with pytest.raises(FileFormatError):
        decode_video(p)


def _bridle_frames(n=6, step_deg=13.0):
    """A canopy turning under a fixed light strap (the bridle, from the confluence near the vent
    out past the rim) and a dark block on the band (the backshell), as the up-look camera sees
    it: the canopy spins, the hardware stays."""
    base = render_array(encode_message(*PERSEVERANCE), size_px=480)
    frames = []
    for i in range(n):
        m = cv2.getRotationMatrix2D((240, 240), step_deg * i + 5.0, 1.0)
        f = cv2.warpAffine(base, m, (480, 480), borderValue=SKY_BGR)
        cv2.line(f, (240, 240), (479, 225), (215, 205, 200), 22, cv2.LINE_AA)
        cv2.ellipse(f, (240, 450), (60, 30), 0, 0, 360, (45, 42, 40), -1, cv2.LINE_AA)
        frames.append(f)
    return frames


def test_bridle_hides_gores_in_every_frame_but_the_vote_reads_all(tmp_path):
    """Each frame alone loses the gores under the strap and the block (they come out unknown,
    so no single frame decodes exactly); the canopy turns under them, so every gore is seen in
    some frame and the vote decodes the message exactly."""
    from marsound.chute.image import decode_array

    frames = _bridle_frames()
    singles = [decode_array(f) for f in frames]
    assert all(s.decoded.texts != TEXTS for s in singles)
    assert all(s.decoded.confidence < 0.5 for s in singles)  # unknown, not confidently wrong
    path = tmp_path / "bridle.mp4"
    _write_video(path, frames)
    j = decode_video(path).to_json()
    assert [r["text"] for r in j["rings"]] == TEXTS
    assert j["confidence"] > 0.5
    # calibrated as a single image's reading is; the grammar decoder's own figure stays available
    from marsound.chute.calibration import calibrate

    assert j["confidence"] <= calibrate(j["model_confidence"]) + 1e-3


def test_frames_of_another_size_midway_are_read_not_a_crash(monkeypatch):
    # H.264 streams may change resolution midway; the mean frame keeps the first size
    import marsound.chute.video as video

    base = render_array(encode_message(*PERSEVERANCE), size_px=480)
    small = cv2.resize(base, (400, 400), interpolation=cv2.INTER_AREA)
    frames = [base, small, base, cv2.copyMakeBorder(small, 0, 0, 0, 40, cv2.BORDER_CONSTANT, value=SKY_BGR)]
    seen = []

    def fake_iter_frames(path, max_frames=60):
        seen.append(path)
        yield from (f.copy() for f in frames)

    monkeypatch.setattr(video, "iter_frames", fake_iter_frames)
    monkeypatch.setattr(video, "MIN_FRAMES_FOR_MEAN", 2)
    monkeypatch.setattr(video, "CENTRE_SEARCH_BELOW", np.inf)  # every frame weak: the mean-frame path runs
    res = decode_video("clip.mp4")
    assert res.frames_read == 4
    assert res.decoded.texts == TEXTS
    assert len(seen) == 2  # the second pass re-read the weak frames on the mean frame's detection
