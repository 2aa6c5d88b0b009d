"""``marsound landing sound``: the fixed CLI contract, on a hand-built trajectory (mission loader patched)."""

from __future__ import annotations

import json

import pytest
from sound_fixtures import PUBLISHED, descent_trajectory

from marsound.audio import probe
from marsound.cli.main import main
from marsound.landing.sound import render as rnd
from marsound.landing.sound.timeline import VEHICLES


@pytest.fixture
def fake_mission(monkeypatch):
    traj = descent_trajectory(dt_s=0.5)

    def load(name):
        if name != "perseverance":
            from marsound.errors import UnknownNameError

            raise UnknownNameError(f"unknown mission {name!r}; known: perseverance")
        return traj, PUBLISHED, VEHICLES["perseverance"]

    monkeypatch.setattr(rnd, "_load_mission", load)


def test_cli_writes_wav_sidecar_json_and_plot(fake_mission, tmp_path, capsys):
    out, png = tmp_path / "d.wav", tmp_path / "d.png"
    argv = [
        "landing",
        "sound",
        "--mission",
        "perseverance",
        "-o",
        str(out),
        "--start-s",
        "355",
        "--end-s",
        "365.5",
        "--sample-rate-hz",
        "16000",
        "--json",
        "--plot",
        str(png),
    ]
    assert main(argv) == 0
    printed = json.loads(capsys.readouterr().out)
    side = json.loads((tmp_path / "d.wav.json").read_text())
    assert printed == side
    assert side["mission"] == "perseverance" and side["listener"] == "onboard"
    assert side["sample_rate_hz"] == 16000 and side["start_s"] == 355.0
    names = {e["name"]: e for e in side["events"]}
    assert names["backshell_separation"]["audio_time_s"] == pytest.approx(357.30 - 355.0)
    assert set(side["sources"]) >= {"aero", "parachute", "pyro", "rocket", "touchdown"}
    info = probe(out)
    assert info.frames == 10.5 * 16000 and info.sample_rate_hz == 16000
    assert png.stat().st_size > 10_000


def test_cli_ground_listener_and_set(fake_mission, tmp_path, capsys):
    out = tmp_path / "g.wav"
    argv = [
        "landing",
        "sound",
        "--mission",
        "perseverance",
        "-o",
        str(out),
        "--listener",
        "ground",
        "--listener-distance-m",
        "500",
        "--start-s",
        "400",
        "--sample-rate-hz",
        "8000",
        "--set",
        "rocket_efficiency=0.002",
        "--json",
    ]
    assert main(argv) == 0
    side = json.loads(capsys.readouterr().out)
    td = {e["name"]: e for e in side["events"]}["touchdown"]
    assert td["audio_time_s"] > td["time_s"] - 400.0 + 1.5  # 500 m at ~240 m/s
    assert side["sources"]["rocket"]["parameters"]["rocket_efficiency"]["value"] == 0.002
    assert side["listener_distance_m"] == 500.0


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--start-s", "300", "--end-s", "200"], "after start_s"),
        (["--end-s", "99999"], "outside the descent"),
        (["--sample-rate-hz", "5"], "sample_rate_hz"),
        (["--listener", "orbit"], "listener"),
        (["--listener", "ground", "--listener-distance-m", "1e12"], "listener_distance_m"),
        (["--set", "rocket_efficiency=7"], "rocket_efficiency"),
        (["--set", "bogus"], "NAME=VALUE"),
        (["-o", "/proc/no-such-dir/x.wav", "--start-s", "400", "--end-s", "401"], "cannot write"),
        (["-o", "x.xyz"], "unsupported output format"),
    ],
)
def test_cli_bad_input_one_line_error_exit_2(fake_mission, tmp_path, capsys, extra, needle):
    out = tmp_path / "bad.wav"
    assert main(["landing", "sound", "--mission", "perseverance", "-o", str(out), *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and needle in err and err.count("\n") == 1
    assert not out.exists() and not (tmp_path / "bad.wav.json").exists()


def test_cli_unknown_mission(fake_mission, tmp_path, capsys):
    assert main(["landing", "sound", "--mission", "apollo", "-o", str(tmp_path / "a.wav")]) == 2
    assert "unknown mission" in capsys.readouterr().err


def test_cli_lists_parameters(capsys):
    assert main(["landing", "sound", "--list-parameters"]) == 0
    text = capsys.readouterr().out
    assert "rocket_efficiency = 0.005" in text and "enclosure_loss_db" in text
