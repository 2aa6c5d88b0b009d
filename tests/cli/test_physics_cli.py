"""``marsound physics`` and ``marsound demo`` through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from marsound.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "physics", "--preset", "mars", "--frequency-hz", "100", "--frequency-hz", "1000", "--json"
    )
    assert code == 0
    data = json.loads(out)
    for key in ("model", "atmosphere", "sound_speed_low_m_s", "sound_speed_high_m_s", "impedance_pa_s_per_m", "rows"):
        assert key in data
    assert data["model"] == "molecular"
    for key in ("temperature_k", "pressure_pa", "composition", "density_kg_m3"):
        assert key in data["atmosphere"]
    assert [r["frequency_hz"] for r in data["rows"]] == [100.0, 1000.0]
    for row in data["rows"]:
        assert set(row) >= {"frequency_hz", "absorption_db_per_m", "sound_speed_m_s"}
    assert data["rows"][0]["absorption_db_per_m"] < data["rows"][1]["absorption_db_per_m"]


def test_overrides_and_bass_chambers(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "physics",
        "--preset",
        "jezero",
        "--temperature-k",
        "240",
        "--pressure-pa",
        "600",
        "--composition",
        "CO2=0.951,N2=0.0259,Ar=0.0194,O2=0.00161,CO=0.00058",
        "--model",
        "bass-chambers",
        "-f",
        "1000",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["atmosphere"]["temperature_k"] == 240.0
    assert data["atmosphere"]["pressure_pa"] == 600.0
    assert data["rows"][0]["absorption_db_per_m"] == pytest.approx(0.660, rel=0.01)


def test_humidity_and_iso(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "physics", "--preset", "earth", "--humidity-pct", "70", "--model", "iso9613", "-f", "1000", "--json"
    )
    assert code == 0
    assert json.loads(out)["rows"][0]["absorption_db_per_m"] * 1000 == pytest.approx(4.98, rel=0.01)


def test_table_and_plot(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    png = tmp_path / "p.png"
    code, out, _ = run(capsys, "physics", "--preset", "jezero", "-f", "84", "--plot", str(png))
    assert code == 0
    assert "84" in out and "speed" in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert list(tmp_path.iterdir()) == [png]  # no temporary leftovers


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["--temperature-k", "-5"], "temperature_k=-5.0"),
        (["--preset", "pluto"], "unknown preset 'pluto'"),
        (["--model", "magic"], "unknown model 'magic'"),
        (["--composition", "CO2=0.5"], "sum to 0.5"),
        (["--composition", "Xx=1"], "unknown species"),
        (["--frequency-hz", "0"], "frequency_hz"),
    ],
)
def test_errors_exit_2(capsys: pytest.CaptureFixture[str], args: list[str], match: str) -> None:
    base = ["physics", "-f", "100"] if "--frequency-hz" not in args else ["physics"]
    code, _, err = run(capsys, *base, *args)
    assert code == 2
    assert "error:" in err and match in err


def test_help_explains_units_and_models(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "physics", "--help")
    assert code == 0
    for word in ("[Hz]", "[K]", "[Pa]", "dB/m", "molecular", "bass-chambers", "iso9613"):
        assert word in out


def test_demo_writes_plot(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "demo", "--out", str(tmp_path / "demo"))
    assert code == 0
    assert (tmp_path / "demo" / "physics_mars_vs_earth.png").exists()
    assert "Mars" in out
    assert (tmp_path / "demo" / "landing" / "perseverance_descent_onboard.wav").stat().st_size > 1_000_000
    assert (tmp_path / "demo" / "landing" / "perseverance_descent_onboard.wav.json").exists()
