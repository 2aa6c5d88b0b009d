"""ISO 9613-1:1993 against its tables (reference §3; tolerance 1 %)."""

from __future__ import annotations

import numpy as np
import pytest

from marsound.errors import ModelValidityWarning
from marsound.physics import Atmosphere, Iso9613Model, absorption_db_per_m, preset
from marsound.physics.presets import EARTH_DRY_AIR

EXACT_MIDBAND = 1000.0 * 10 ** (np.array([-12, -9, -6, -3, 0, 3, 6, 9]) / 10)  # 63 Hz ... 8 kHz


def _air(t_c: float, rh: float) -> Atmosphere:
    return Atmosphere.from_relative_humidity(t_c + 273.15, 101325.0, EARTH_DRY_AIR, rh)


def test_table_row_20c_70pct() -> None:
    expected_db_per_km = [0.090, 0.339, 1.13, 2.80, 4.98, 9.02, 22.9, 76.6]
    got = absorption_db_per_m(EXACT_MIDBAND, preset("earth"), "iso9613") * 1000
    np.testing.assert_allclose(got, expected_db_per_km, rtol=0.01)


@pytest.mark.parametrize(
    ("t_c", "rh", "f", "db_per_km"),
    [
        (20, 10, 1000, 14.1),
        (20, 100, 1000, 5.42),
        (20, 10, 4000, 109),
        (0, 15, 1000, 18.3),
        (-20, 10, 50, 0.589),
        (50, 10, 8000, 155),
    ],
)
def test_extra_table_points(t_c: float, rh: float, f: float, db_per_km: float) -> None:
    f_exact = 1000.0 * 10 ** (round(10 * np.log10(f / 1000.0)) / 10)
    got = Iso9613Model().absorption(np.array([f_exact]), _air(t_c, rh))[0] * 8.686 * 1000
    assert got == pytest.approx(db_per_km, rel=0.01)


def test_relaxation_frequencies() -> None:
    # reference §3: 20 °C/70 %: f_rO = 53.2 kHz, f_rN = 461 Hz; 0 % RH: f_rO = 24 Hz, f_rN = 9 Hz
    fr = Iso9613Model().relaxation_frequencies(preset("earth"))
    assert fr["O2"] == pytest.approx(53.2e3, rel=0.01)
    assert fr["N2"] == pytest.approx(461.0, rel=0.01)
    dry = Atmosphere(293.15, 101325.0, EARTH_DRY_AIR)
    fr0 = Iso9613Model().relaxation_frequencies(dry)
    assert fr0["O2"] == pytest.approx(24.0, rel=1e-6)
    assert fr0["N2"] == pytest.approx(9.0, rel=1e-6)


def test_speed_is_iso_formula() -> None:
    c = Iso9613Model().sound_speed(np.array([100.0, 1e4]), _air(0.0, 50.0))
    np.testing.assert_allclose(c, 343.2 * np.sqrt(273.15 / 293.15))


def test_iso_on_mars_warns() -> None:
    with pytest.warns(ModelValidityWarning, match="not air"):
        absorption_db_per_m([1000.0], preset("jezero"), "iso9613")


def test_molecular_model_agrees_with_iso_on_earth() -> None:
    # independent physics (relaxing heat capacities + ISO rates) within 5 % of the empirical formula
    iso = absorption_db_per_m(EXACT_MIDBAND, preset("earth"), "iso9613")
    mol = absorption_db_per_m(EXACT_MIDBAND, preset("earth"), "molecular")
    np.testing.assert_allclose(mol, iso, rtol=0.05)
