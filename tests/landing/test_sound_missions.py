"""The descent soundtrack of the real mission models (simulated trajectory on the published timeline)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from marsound.audio import read_audio_array
from marsound.cli.main import main
from marsound.errors import UnknownNameError
from marsound.landing.missions import get_mission, published_timeline
from marsound.landing.sound import plan_descent_sound, render_descent_sound
from marsound.landing.sound.timeline import vehicle_from_mission


def test_vehicles_come_from_the_missions():
    p = vehicle_from_mission(get_mission("perseverance"))
    assert (p.engine_count, p.sky_crane) == (8, True) and p.bridle_length_m > 5
    z = vehicle_from_mission(get_mission("zhurong"))
    assert (z.engine_count, z.engine_thrust_max_n, z.sky_crane) == (1, 7500.0, False)


@pytest.mark.parametrize("mission", ["perseverance", "zhurong"])
def test_events_are_the_published_timeline(mission):
    plan = plan_descent_sound(mission=mission, sample_rate_hz=8000, start_s=300.0)
    for ev in published_timeline(mission):
        assert plan.events[ev.name].time_s == ev.time_s
    assert plan.end_s >= max(e.time_s for e in published_timeline(mission))


def test_zhurong_engine_is_heard_in_powered_descent(tmp_path):
    res = render_descent_sound(tmp_path / "z.wav", mission="zhurong", start_s=360.0, end_s=390.0, sample_rate_hz=8000)
    x, fs = read_audio_array(tmp_path / "z.wav", mono=True)
    p = x.astype(np.float64) * res.full_scale_pa
    ev = {e.name: e.audio_time_s for e in res.events}
    start = ev["powered_descent_start"]
    before = np.mean(p[int((start - 8) * fs) : int((start - 1) * fs)] ** 2)
    after = np.mean(p[int((start + 2) * fs) : int((start + 9) * fs)] ** 2)
    assert 10 * np.log10(after / before) > 10.0
    assert res.sources["rocket"]["derived"]["engines"] == 1


def test_cli_real_mission_json(tmp_path, capsys):
    out = tmp_path / "p.wav"
    argv = [
        "landing",
        "sound",
        "--mission",
        "perseverance",
        "-o",
        str(out),
        "--start-s",
        "415",
        "--end-s",
        "421",
        "--sample-rate-hz",
        "8000",
        "--json",
    ]
    assert main(argv) == 0
    side = json.loads(capsys.readouterr().out)
    names = [e["name"] for e in side["events"]]
    assert "touchdown" in names and "bridle_cut" in names
    assert read_audio_array(out)[0].shape[0] == 6 * 8000


def test_unknown_mission_names_the_known_ones(tmp_path, capsys):
    with pytest.raises(UnknownNameError, match="perseverance"):
        plan_descent_sound(mission="apollo-11")
    assert main(["landing", "sound", "--mission", "apollo-11", "-o", str(tmp_path / "a.wav")]) == 2
    assert "error: unknown mission" in capsys.readouterr().err
