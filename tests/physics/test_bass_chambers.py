"""Bass & Chambers (2001) closed form against reference §1.6 and §2 items 19-23 (< 1 %)."""

from __future__ import annotations

import numpy as np
import pytest

from marsound.physics import NEPER_TO_DB, Atmosphere, BassChambersModel, absorption_db_per_m
from marsound.physics.presets import MARS_COMPOSITION

REL = 0.01


@pytest.fixture
def mars240() -> Atmosphere:
    return Atmosphere(240.0, 600.0, MARS_COMPOSITION)


def test_total_absorption_items_21_to_23(mars240: Atmosphere) -> None:
    f = np.array([100.0, 1000.0, 10000.0])
    alpha = BassChambersModel().absorption(f, mars240)
    np.testing.assert_allclose(alpha, [0.0342, 0.0760, 0.349], rtol=REL)
    np.testing.assert_allclose(alpha * NEPER_TO_DB, [0.297, 0.660, 3.03], rtol=REL)
    # through the public API and the model name
    np.testing.assert_allclose(absorption_db_per_m(f, mars240, "bass-chambers"), [0.297, 0.660, 3.03], rtol=REL)


def test_parts_items_21_to_23(mars240: Atmosphere) -> None:
    parts = BassChambersModel().absorption_parts(np.array([100.0, 1000.0, 10000.0]), mars240)
    np.testing.assert_allclose(parts["classical"], [2.1e-5, 2.1e-3, 0.215], rtol=0.03)
    np.testing.assert_allclose(parts["rotational"], [6.0e-6, 6.0e-4, 0.060], rtol=0.03)
    np.testing.assert_allclose(parts["vibrational:CO2"], [0.0341, 0.0733, 0.074], rtol=REL)


def test_relaxation_item_19(mars240: Atmosphere) -> None:
    m = BassChambersModel()
    f_r = m.relaxation_frequencies(mars240)["CO2"]
    s = m.relaxation_strength(mars240)
    assert f_r == pytest.approx(108.0, rel=REL)
    assert s == pytest.approx(0.054, rel=REL)
    assert np.pi * s / 2 == pytest.approx(0.085, rel=REL)  # (alpha lambda)_max
    # alpha*lambda of the vibrational part peaks at f_r with that value
    f = np.logspace(1, 3, 20001)
    al = m.absorption_parts(f, mars240)["vibrational:CO2"] * m.sound_speed_limits(mars240)[0] / f
    assert f[np.argmax(al)] == pytest.approx(f_r, rel=0.005)
    assert al.max() == pytest.approx(np.pi * s / 2, rel=0.01)


def test_pure_co2_relaxation_time_at_one_atmosphere() -> None:
    # reference §1.6: pure CO2, 300 K, 1 atm: p tau_vT = 6.1 us atm (literature 6-7 us), f_r ~ 32 kHz
    co2 = Atmosphere(300.0, 101325.0, {"CO2": 1.0})
    m = BassChambersModel()
    assert any("pressure" in msg for msg in m.validity_problems(co2))  # outside Mars range: flagged
    f_r = m.relaxation_frequencies(co2)["CO2"]
    st = m._state(co2)
    tau_vt = st.cp / (3.5 * 8.314462618) / (2 * np.pi * f_r)
    assert tau_vt * 1e6 == pytest.approx(6.1, rel=0.02)
    assert f_r == pytest.approx(32e3, rel=0.05)


def test_vibrational_limits(mars240: Atmosphere) -> None:
    # reference §6.2: f^2 law far below relaxation, plateau pi s f_r / c (0.074 Np/m) far above
    m = BassChambersModel()
    f_low = np.array([0.1, 0.2, 0.5, 1.0])
    vib = m.absorption_parts(f_low, mars240)["vibrational:CO2"]
    ratio = vib / f_low**2
    np.testing.assert_allclose(ratio, ratio[0], rtol=1e-3)
    plateau = m.absorption_parts(np.array([1e5]), mars240)["vibrational:CO2"][0]
    assert plateau == pytest.approx(0.074, rel=REL)


def test_rate_scale_moves_relaxation_frequency(mars240: Atmosphere) -> None:
    base = BassChambersModel().relaxation_frequencies(mars240)["CO2"]
    assert BassChambersModel(rate_scale=2.0).relaxation_frequencies(mars240)["CO2"] == pytest.approx(2 * base)
