"""``marsound landing simulate`` and ``marsound landing timeline``: the fixed JSON/CSV contract and errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from marsound.cli.main import main
from marsound.landing.model import EVENT_NAMES


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def test_simulate_json_csv_and_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv_path, png = tmp_path / "traj.csv", tmp_path / "traj.png"
    rc, out, _ = _run(capsys, "landing", "simulate", "--mission", "perseverance", "--json", "-o", str(csv_path),
                      "--plot", str(png))
    assert rc == 0
    rep = json.loads(out)
    assert rep["mission"] == "perseverance" and rep["kind"] == "simulated"
    names = [e["name"] for e in rep["events"]]
    assert names == [n for n in EVENT_NAMES if n != "hover_start"]
    for ev in rep["events"]:
        for key in ("name", "time_s", "altitude_m", "speed_m_s", "mach", "dynamic_pressure_pa"):
            assert key in ev, (ev["name"], key)
    peak = next(e for e in rep["events"] if e["name"] == "peak_deceleration")
    assert peak["deceleration_m_s2"] > 50
    assert "triggers.late_bank_angle_deg" in rep["fitted_parameters"]
    rows = list(csv.DictReader(csv_path.open()))
    for col in ("time_s", "altitude_m", "speed_m_s", "vertical_speed_m_s", "mach", "dynamic_pressure_pa", "phase"):
        assert col in rows[0]
    assert float(rows[0]["time_s"]) == 0.0
    assert float(rows[-1]["time_s"]) == pytest.approx(names and rep["events"][-1]["time_s"], abs=1e-3)
    assert {r["phase"] for r in rows} >= {"entry", "parachute", "powered_descent", "sky_crane"}
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_simulate_text_and_zhurong_hover(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = _run(capsys, "landing", "simulate", "--mission", "zhurong")
    assert rc == 0 and "hover_start" in out and "touchdown" in out


def test_timeline_json(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = _run(capsys, "landing", "timeline", "--mission", "zhurong", "--json")
    assert rc == 0
    rep = json.loads(out)
    assert rep["mission"] == "zhurong" and rep["kind"] == "published"
    for ev in rep["events"]:
        assert {"name", "time_s", "source"} <= set(ev) and ev["source"]
    assert [e["time_s"] for e in rep["events"]] == sorted(e["time_s"] for e in rep["events"])
    assert rep["microphones"][0]["recorded_descent"] is False


@pytest.mark.parametrize("command", ["simulate", "timeline"])
def test_unknown_mission_exit_2(capsys: pytest.CaptureFixture[str], command: str) -> None:
    rc, out, err = _run(capsys, "landing", command, "--mission", "beagle2", "--json")
    assert rc == 2 and out == ""
    assert err.startswith("error: unknown mission 'beagle2'") and "zhurong" in err
    assert "Traceback" not in err


def test_short_profile_and_impossible_vehicle(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    prof = tmp_path / "p.csv"
    prof.write_text("altitude_m,temperature_k,pressure_pa\n-5000,220,900\n40000,160,12\n")
    out_csv = tmp_path / "t.csv"
    rc, _, err = _run(capsys, "landing", "simulate", "--mission", "curiosity", "--profile", str(prof), "-o",
                      str(out_csv))
    assert rc == 2 and "entry interface" in err and err.count("\n") == 1
    veh = tmp_path / "v.json"
    veh.write_text(json.dumps({"vehicle": {"engines": {"thrust_max_n": 100.0, "thrust_min_n": 1.0}}}))
    rc, _, err = _run(capsys, "landing", "simulate", "--mission", "perseverance", "--vehicle", str(veh), "-o",
                      str(out_csv))
    assert rc == 2 and ("crashed" in err or "hit the ground" in err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.csv", "v.json"]  # nothing partial written
    rc, _, err = _run(capsys, "landing", "simulate", "--mission", "perseverance", "--plot", str(tmp_path / "x.gif"))
    assert rc == 2 and "--plot" in err


def test_outputs_never_overwrite_inputs_nor_directories(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    veh = tmp_path / "v.json"
    veh.write_text("{}")
    rc, _, err = _run(capsys, "landing", "simulate", "--mission", "zhurong", "--vehicle", str(veh), "-o", str(veh))
    assert rc == 2 and "same as input" in err and veh.read_text() == "{}"
    rc, _, err = _run(capsys, "landing", "simulate", "--mission", "zhurong", "-o", str(tmp_path))
    assert rc == 2 and "directory" in err
