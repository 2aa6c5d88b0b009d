"""Detectors on rendered landing videos whose event times are known (seeds not tuned on)."""

from __future__ import annotations

import pytest

from marsound.landing.video.detect import LINE_STRETCH_LAG_S, detect_cuts, detect_events
from marsound.landing.video.frames import measure_frames, probe_video


@pytest.fixture(scope="module")
def continuous_measures(continuous_video):
    return measure_frames(continuous_video.path)


def test_measures_cover_every_frame(continuous_video, continuous_measures):
    m = continuous_measures
    assert m.info.fps == pytest.approx(10.0)
    assert len(m.time_s) == round(continuous_video.duration_s * 10)
    assert m.info.duration_s == pytest.approx(continuous_video.duration_s, abs=0.11)
    assert m.info.has_audio
    assert probe_video(continuous_video.path).width == 320


def test_cuts_found_at_the_frame(continuous_video, continuous_measures):
    cuts = detect_cuts(continuous_measures)
    assert [round(c.video_time_s, 2) for c in cuts] == pytest.approx(list(continuous_video.cuts_s), abs=0.101)
    assert all(c.confidence > 0.5 for c in cuts)


@pytest.mark.parametrize("video", ["continuous_video", "distractor_video"])
def test_each_event_seen_within_two_frames(video, request):
    truth = request.getfixturevalue(video)
    meas = measure_frames(truth.path)
    found = detect_events(meas)
    frame_s = 1 / truth.fps
    for name, t_mission in truth.events_s.items():
        lag = LINE_STRETCH_LAG_S if name == "parachute_deploy" else 0.0
        expected = truth.video_time(t_mission + lag)
        near = [d for d in found if d.event == name and abs(d.video_time_s - expected) <= 2 * frame_s]
        assert near, f"{name} not seen near {expected:.3f} s: {found}"
        assert near[0].confidence > 0.5


def test_distractor_gives_a_wrong_detection(distractor_video):
    found = detect_events(measure_frames(distractor_video.path))
    wrong_at = distractor_video.video_time(280.0)
    assert any(d.event == "parachute_deploy" and abs(d.video_time_s - wrong_at) < 1.0 for d in found)
