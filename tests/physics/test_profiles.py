"""Altitude profiles: Mars Glenn fit (reference §4), US Standard Atmosphere 1976, CSV tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsound.errors import FileFormatError, InvalidParameterError
from marsound.physics import earth_profile, mars_profile, profile_from_csv


@pytest.mark.parametrize(
    ("z", "t", "p"), [(0.0, 242.1, 699.0), (2000.0, 240.2, 584.0), (10000.0, 227.5, 284.0), (20000.0, 205.3, 115.5)]
)
def test_mars_glenn_values(z: float, t: float, p: float) -> None:
    atm = mars_profile().at(z)
    assert atm.temperature_k == pytest.approx(t, abs=0.1)
    assert atm.pressure_pa == pytest.approx(p, rel=0.003)


def test_mars_surface_derived_speeds_and_density() -> None:
    # reference §4: h = 0: rho = 0.0150 kg/m3, c0/c_inf = 247.6/254.9 m/s
    atm = mars_profile().at(0.0)
    assert atm.density_kg_m3 == pytest.approx(0.0150, rel=0.01)
    assert atm.sound_speed_low_m_s == pytest.approx(247.6, rel=0.002)
    assert atm.sound_speed_high_m_s == pytest.approx(254.9, rel=0.002)


@pytest.mark.parametrize(
    ("z", "t", "p"),
    [(0.0, 288.15, 101325.0), (11000.0, 216.77, 22700.0), (20000.0, 216.65, 5529.3), (47350.1, 270.65, 110.91)],
)
def test_us_standard_atmosphere_1976(z: float, t: float, p: float) -> None:
    atm = earth_profile().at(z)
    assert atm.temperature_k == pytest.approx(t, abs=0.1)
    assert atm.pressure_pa == pytest.approx(p, rel=0.003)


def test_csv_profile_roundtrip(tmp_path: Path) -> None:
    path = tmp_path / "venus.csv"
    path.write_text(
        "# a test profile\naltitude_m,temperature_k,pressure_pa,CO2,N2\n"
        "10000,650,4.7e6,0.965,0.035\n0,737,9.2e6,0.965,0.035\n20000,570,2.2e6,0.97,0.03\n"
    )
    prof = profile_from_csv(path)
    assert prof.altitude_range_m == (0.0, 20000.0)
    mid = prof.at(5000.0)
    assert mid.temperature_k == pytest.approx((737 + 650) / 2)
    assert mid.pressure_pa == pytest.approx((9.2e6 * 4.7e6) ** 0.5)  # log-linear
    assert mid.mole_fraction("CO2") == pytest.approx(0.965)
    hi = prof.at(15000.0)
    assert hi.mole_fraction("CO2") == pytest.approx(0.9675)


def test_csv_without_species_uses_default(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("altitude_m,temperature_k,pressure_pa\n0,240,700\n1000,235,640\n")
    assert profile_from_csv(path).at(500.0).mole_fraction("CO2") > 0.9


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "header"),
        ("altitude_m,temperature_k\n0,200\n1,200\n", "pressure_pa"),
        ("altitude_m,temperature_k,pressure_pa\n0,200,x\n1,200,600\n", "non-numeric"),
        ("altitude_m,temperature_k,pressure_pa,XE9\n0,200,600,1\n1,200,600,1\n", "unknown column"),
        ("altitude_m,temperature_k,pressure_pa\n0,200,600\n0,200,600\n", "increase strictly"),
        ("altitude_m,temperature_k,pressure_pa\n0,-2,600\n1,200,600\n", "> 0"),
    ],
)
def test_bad_csv(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(FileFormatError, match=match):
        profile_from_csv(path)


def test_missing_csv(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match="does not exist"):
        profile_from_csv(tmp_path / "nope.csv")


def test_altitude_outside_range() -> None:
    with pytest.raises(InvalidParameterError, match="outside the profile range"):
        mars_profile().at(90_000.0)
    with pytest.raises(InvalidParameterError, match="altitude_m"):
        mars_profile().at(float("nan"))
    with pytest.raises(InvalidParameterError):
        mars_profile(top_m=200_000.0)
