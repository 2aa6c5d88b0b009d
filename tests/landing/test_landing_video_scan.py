"""The coarse-to-fine reader (keyframes first, full frame rate around events) on rendered videos.

Events are placed between keyframes; short, long (longer than the clip) and all-intra GOPs.
Seeds 16-18 (not tuned on; the coarse thresholds were set on seed 3).
"""

from __future__ import annotations

import numpy as np
import pytest

from marsound.landing.video.align import align_video
from marsound.landing.video.detect import LINE_STRETCH_LAG_S, detect_cuts, detect_events
from marsound.landing.video.frames import measure_frames
from marsound.landing.video.scan import scan_frames
from marsound.landing.video.synthetic import Shot, render_descent_video


@pytest.fixture(scope="module")
def short_gop(tmp_path_factory):
    """1 s GOP at 15 fps: canopy at 5.37 s, a cut at 13.7 s, touchdown at 21.77 s (none on a keyframe)."""
    path = tmp_path_factory.mktemp("scan") / "short_gop.mp4"
    shots = (Shot("up", 236.3, 250.0), Shot("down", 410.0, 424.0))
    return render_descent_video(path, shots=shots, fps=15, keyint=15, seed=16)


@pytest.fixture(scope="module")
def all_intra(tmp_path_factory):
    """Every frame a keyframe, 10 fps: the heat shield falls away at 8.26 s."""
    path = tmp_path_factory.mktemp("scan") / "intra.mp4"
    return render_descent_video(path, shots=(Shot("down", 255.0, 270.0),), fps=10, keyint=1, seed=17)


@pytest.fixture(scope="module")
def long_gop(tmp_path_factory):
    """libx264's default GOP (250 frames) longer than the 21.5 s clip at 10 fps: one keyframe."""
    path = tmp_path_factory.mktemp("scan") / "long_gop.mp4"
    shots = (Shot("up", 236.0, 246.0), Shot("down", 258.5, 270.0))
    return render_descent_video(path, shots=shots, fps=10, seed=18)


def _expected(truth, name: str) -> float:
    lag = LINE_STRETCH_LAG_S if name == "parachute_deploy" else 0.0
    v = truth.video_time(truth.events_s[name] + lag)
    assert v is not None
    return v


def _assert_seen(found, truth, names, frames: float = 2.0) -> None:
    for name in names:
        expected = _expected(truth, name)
        near = [d for d in found if d.event == name and abs(d.video_time_s - expected) <= frames / truth.fps]
        assert near, f"{name} not seen within {frames} frames of {expected:.3f} s: {found}"
        assert near[0].confidence > 0.5


def test_events_between_keyframes_pinned_on_a_partial_decode(short_gop):
    meas = scan_frames(short_gop.path)
    full = measure_frames(short_gop.path)
    assert meas.info.frames == full.info.frames == round(short_gop.duration_s * 15)
    assert meas.info.duration_s == pytest.approx(full.info.duration_s)
    assert len(meas.time_s) < 0.8 * full.info.frames  # quiet stretches were skipped
    assert meas.run_start is not None and meas.run_start.sum() >= 2
    # decoded runs are runs of consecutive frames (at the frame rate)
    assert np.all(np.diff(meas.time_s)[~meas.run_start[1:]] == pytest.approx(1 / 15, abs=1e-6))
    found = detect_events(meas)
    _assert_seen(found, short_gop, ["parachute_deploy", "touchdown"])
    # the same detections as the full decode, to a frame
    ref = {d.event: d.video_time_s for d in detect_events(full)}
    assert {d.event: d.video_time_s for d in found} == pytest.approx(ref, abs=1 / 15)
    assert [c.video_time_s for c in detect_cuts(meas)] == pytest.approx(list(short_gop.cuts_s), abs=0.07)


def test_alignment_on_the_partial_decode(short_gop, timeline):
    a = align_video(short_gop.path, mission="perseverance", events=timeline)
    assert {x.name for x in a.anchors} == {"parachute_deploy", "touchdown"}
    for x in a.anchors:  # what the camera shows, where it shows it
        assert abs(x.video_time_s - _expected(short_gop, x.name)) * short_gop.fps <= 2.0
    full = align_video(short_gop.path, mission="perseverance", events=timeline,
                       measures=measure_frames(short_gop.path))
    assert a.rate == pytest.approx(full.rate, rel=0.01)
    assert a.offset_s == pytest.approx(full.offset_s, abs=2.0 / short_gop.fps * a.rate)


def test_all_intra(all_intra):
    meas = scan_frames(all_intra.path)
    assert len(meas.time_s) < meas.info.frames  # every frame is a keyframe: not all are decoded
    _assert_seen(detect_events(meas), all_intra, ["heat_shield_separation"])


def test_long_gop_same_as_full_decode(long_gop):
    meas = scan_frames(long_gop.path)
    full = measure_frames(long_gop.path)
    found = detect_events(meas)
    _assert_seen(found, long_gop, ["parachute_deploy", "heat_shield_separation"])
    ref = {d.event: d.video_time_s for d in detect_events(full)}
    assert {d.event: d.video_time_s for d in found} == pytest.approx(ref, abs=0.1)


def test_progress_reaches_the_end(short_gop):
    seen: list[tuple[float, float]] = []
    scan_frames(short_gop.path, progress=lambda t, d: seen.append((t, d)))
    assert seen and seen[-1][0] == pytest.approx(seen[-1][1])
    assert all(t <= d + 1e-9 for t, d in seen)


def test_four_shots_with_a_2s_gop(tmp_path, timeline):
    """Mortar to touchdown in four shots, 2 s GOP: every event and cut, on part of the frames."""
    from marsound.landing.video.synthetic import CONTINUOUS_SHOTS

    truth = render_descent_video(tmp_path / "four.mp4", shots=CONTINUOUS_SHOTS, rate=4.0, fps=10, keyint=20,
                                 seed=19)
    meas = scan_frames(truth.path)
    assert len(meas.time_s) < 0.8 * meas.info.frames
    _assert_seen(detect_events(meas), truth, list(truth.events_s))
    assert [c.video_time_s for c in detect_cuts(meas)] == pytest.approx(list(truth.cuts_s), abs=0.101)
    a = align_video(truth.path, mission="perseverance", events=timeline)
    assert a.rate == pytest.approx(4.0, rel=0.01)
    assert {x.name for x in a.anchors} == set(truth.events_s)
