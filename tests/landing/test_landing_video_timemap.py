"""The video↔mission time map: from detections, from given anchors, robust, piecewise."""

from __future__ import annotations

import numpy as np
import pytest

from marsound.landing.video.align import align_video
from marsound.landing.video.timemap import AlignmentError, Anchor, fit_time_map

FRAME_S = 1 / 30


def _det(name, v, m, conf=1.0):
    return Anchor(name, v, m, "detected", 0.0, conf, "test")


GOOD = [
    _det("parachute_deploy", 4.63, 240.63),
    _det("heat_shield_separation", 27.26, 263.26),
    _det("backshell_separation", 121.30, 357.30),
    _det("touchdown", 182.07, 418.07),
]


def test_line_from_detections():
    tm, used, rejected = fit_time_map(GOOD, duration_s=200.0, frame_s=FRAME_S)
    assert tm.main.offset_s == pytest.approx(236.0, abs=1e-9) and tm.main.rate == pytest.approx(1.0, abs=1e-12)
    assert len(used) == 4 and not rejected


@pytest.mark.parametrize("wrong_v", [15.0, 60.0, 150.0])
def test_a_wrong_detection_does_not_move_the_map(wrong_v):
    noisy = [_det(a.name, a.video_time_s + d, a.mission_time_s) for a, d in zip(GOOD, (0.02, -0.03, 0.01, 0.03))]
    base, _, _ = fit_time_map(noisy, duration_s=200.0, frame_s=FRAME_S)
    wrong = _det("parachute_deploy", wrong_v, 240.63, conf=1.0)
    tm, _used, rejected = fit_time_map([*noisy, wrong], duration_s=200.0, frame_s=FRAME_S)
    assert rejected == (wrong,)
    assert tm.main.offset_s == base.main.offset_s and tm.main.rate == base.main.rate


def test_given_anchors_are_exact_and_beat_detections():
    given = [Anchor("parachute_deploy", 10.0, 240.63, "given"), Anchor("touchdown", 150.0, 418.07, "given")]
    tm, used, _ = fit_time_map([*given, *GOOD], duration_s=200.0, frame_s=FRAME_S)
    for a in given:
        assert tm.mission_time(a.video_time_s) == pytest.approx(a.mission_time_s, abs=1e-9)
    assert {a.source for a in used} == {"given"}


def test_time_lapse_through_given_anchors():
    given = [Anchor("parachute_deploy", 2.0, 240.63, "given"), Anchor("backshell_separation", 10.0, 357.30, "given"),
             Anchor("touchdown", 20.0, 418.07, "given")]
    tm, _, _ = fit_time_map(given, duration_s=23.0, frame_s=FRAME_S)
    assert len(tm.segments) == 2
    for a in given:
        assert tm.mission_time(a.video_time_s) == pytest.approx(a.mission_time_s, abs=1e-9)
    assert np.all(np.diff(tm.mission_times(np.linspace(0, 23, 200))) > 0)


def test_piecewise_across_a_cut_with_two_anchors_each_side():
    given = [Anchor("parachute_deploy", 4.63, 240.63, "given"), Anchor("line_stretch", 5.67, 241.67, "given"),
             Anchor("rappel_start", 22.38, 402.38, "given"), Anchor("touchdown", 38.07, 418.07, "given")]
    tm, _, _ = fit_time_map(given, duration_s=44.0, frame_s=0.1, cuts_s=[20.0])
    assert [(s.video_start_s, s.video_end_s) for s in tm.segments] == [(0.0, 20.0), (20.0, 44.0)]
    assert tm.segments[0].offset_s == pytest.approx(236.0) and tm.segments[1].offset_s == pytest.approx(380.0)
    assert tm.video_times(418.07) == pytest.approx([38.07])


def test_too_few_anchors():
    with pytest.raises(AlignmentError, match="need two or more"):
        fit_time_map(GOOD[:1], duration_s=200.0, frame_s=FRAME_S)
    with pytest.raises(AlignmentError, match="positive rate"):
        fit_time_map([_det("touchdown", 1.0, 418.07), _det("parachute_deploy", 5.0, 240.63)],
                     duration_s=10.0, frame_s=FRAME_S)


def _map_error_frames(alignment, truth):
    """Largest error of the fitted map at the events' true video times, in frames."""
    errs = []
    for t_mission in truth.events_s.values():
        v = truth.video_time(t_mission)
        errs.append(abs(alignment.time_map.mission_time(v) - t_mission) / truth.rate * truth.fps)
    return max(errs)


def test_map_recovered_from_detections_within_two_frames(continuous_video, timeline):
    a = align_video(continuous_video.path, mission="perseverance", events=timeline)
    assert len(a.time_map.segments) == 1
    assert a.rate == pytest.approx(4.0, rel=0.01)
    assert _map_error_frames(a, continuous_video) <= 2.0
    assert {x.name for x in a.anchors} == set(continuous_video.events_s)


def test_wrong_detection_in_video_rejected(distractor_video, timeline):
    a = align_video(distractor_video.path, mission="perseverance", events=timeline)
    assert _map_error_frames(a, distractor_video) <= 2.0
    wrong_at = distractor_video.video_time(280.0)
    assert any(r.name == "parachute_deploy" and abs(r.video_time_s - wrong_at) < 1.0 for r in a.rejected)
    # the map without the wrong detections is the same map
    from marsound.landing.video.timemap import fit_time_map as fit

    again, _, _ = fit(a.anchors, duration_s=a.info.duration_s, frame_s=1 / a.info.fps,
                      cuts_s=[c.video_time_s for c in a.cuts])
    assert again.main.offset_s == pytest.approx(a.offset_s, abs=1e-9)
    assert again.main.rate == pytest.approx(a.rate, abs=1e-12)


def test_edit_is_piecewise_from_given_anchors(edit_video, timeline):
    given = [("parachute_deploy", 4.63), ("line_stretch", 5.67), ("rappel_start", 22.38), ("touchdown", 38.07)]
    a = align_video(edit_video.path, mission="perseverance", events=timeline, anchors=given)
    assert [round(c.video_time_s, 1) for c in a.cuts] == [20.0]
    assert len(a.time_map.segments) == 2
    for name, v in given:
        t = next(e.time_s for e in timeline if e.name == name)
        assert a.time_map.mission_time(v) == pytest.approx(t, abs=1e-9)
    shown = {e.name for e in a.events}
    assert "heat_shield_separation" not in shown and {"parachute_deploy", "touchdown"} <= shown


def test_given_anchors_exact_in_video(continuous_video, timeline):
    given = [("parachute_deploy", 1.2), ("touchdown", 45.5)]
    a = align_video(continuous_video.path, mission="perseverance", events=timeline, anchors=given, detect=False)
    assert a.rate == pytest.approx((418.07 - 240.63) / (45.5 - 1.2), rel=1e-12)
    assert a.time_map.mission_time(1.2) == pytest.approx(240.63, abs=1e-9)
    assert [x.source for x in a.anchors] == ["given", "given"]
