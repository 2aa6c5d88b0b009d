"""Thermodynamic limits against reference §1.2 / §2 (tolerance < 0.5 %, stated per test)."""

from __future__ import annotations

import math

import pytest

from marsound.physics import Atmosphere, impedance, preset, sound_speed_limits
from marsound.physics.presets import MARS_COMPOSITION

REL = 0.005  # the tolerance for the 240 K speeds


@pytest.fixture
def mars240() -> Atmosphere:
    return Atmosphere(240.0, 600.0, MARS_COMPOSITION)


def test_speeds_at_240k_match_reference_table(mars240: Atmosphere) -> None:
    # reference §1.2 table: c0 246.6, c_inf 253.7, delta 7.2 m/s, gamma0 1.3251, gamma_inf 1.4031
    assert mars240.sound_speed_low_m_s == pytest.approx(246.6, rel=REL)
    assert mars240.sound_speed_high_m_s == pytest.approx(253.7, rel=REL)
    assert mars240.sound_speed_high_m_s - mars240.sound_speed_low_m_s == pytest.approx(7.2, abs=0.2)
    assert mars240.gamma_relaxed == pytest.approx(1.3251, rel=1e-3)
    assert mars240.gamma_frozen == pytest.approx(1.4031, rel=1e-3)
    assert mars240.molar_mass_kg_mol == pytest.approx(43.49e-3, rel=1e-3)


def test_bending_mode_heat_capacity(mars240: Atmosphere) -> None:
    from marsound.physics.species import get_species, mode_cv_over_r

    bend = get_species("CO2").modes[0]
    assert bend.theta_k == pytest.approx(959.7, abs=0.5)
    assert mode_cv_over_r(bend, 240.0) == pytest.approx(0.609, abs=0.002)


def test_molecular_limits_equal_thermodynamic_limits(mars240: Atmosphere) -> None:
    c0, cinf = sound_speed_limits(mars240)
    assert c0 == mars240.sound_speed_low_m_s
    assert cinf == mars240.sound_speed_high_m_s


def test_transport_properties_of_co2_at_240k() -> None:
    # reference §1.3: mu(240 K) = 1.21e-5 Pa s, kappa(240 K) ~ 0.0123 W/m/K (pure CO2)
    co2 = Atmosphere(240.0, 600.0, {"CO2": 1.0})
    assert co2.viscosity_pa_s == pytest.approx(1.21e-5, rel=0.01)
    assert co2.thermal_conductivity_w_m_k == pytest.approx(0.0123, rel=0.03)
    # NIST linear fits quoted in §1.3 (Gillier's getCO2Properties.m): agree to ~1-3 %
    assert co2.viscosity_pa_s == pytest.approx(4.8468e-8 * 240 + 4.605e-7, rel=0.03)
    assert co2.cv_relaxed_j_mol_k == pytest.approx(0.0486 * 240 + 14.3683, rel=0.03)


def test_rotational_bulk_viscosity_ratio_co2() -> None:
    # reference §1.5: mu_B/mu = 0.128 Z_rot = 0.44 (200 K), 0.52 (240 K), 0.64 (300 K)
    for t, ratio in ((200.0, 0.44), (240.0, 0.52), (300.0, 0.64)):
        co2 = Atmosphere(t, 600.0, {"CO2": 1.0})
        assert co2.rotational_bulk_viscosity_pa_s / co2.viscosity_pa_s == pytest.approx(ratio, abs=0.01)


def test_impedance_and_level_difference() -> None:
    # reference §2 item 18: 3.22 (240 K, 600 Pa), 3.95 (220 K, 700 Pa), Earth 20 °C 413.3 Pa s/m
    assert impedance(Atmosphere(240.0, 600.0, MARS_COMPOSITION)) == pytest.approx(3.22, rel=0.005)
    assert impedance(Atmosphere(220.0, 700.0, MARS_COMPOSITION)) == pytest.approx(3.95, rel=0.005)
    earth_dry = Atmosphere(293.15, 101325.0, {"N2": 0.78084, "O2": 0.20946, "Ar": 0.00934, "CO2": 0.00042})
    assert impedance(earth_dry) == pytest.approx(413.3, rel=0.005)
    # Maurice et al. 2022: the same source is ~20 dB weaker on Mars (equal acoustic power)
    delta_db = 10 * math.log10(impedance(preset("jezero")) / impedance(preset("earth")))
    assert -22.0 < delta_db < -19.0


def test_lab_co2_speeds_item_11() -> None:
    # reference §2 item 11: pure CO2, 288 K: c_inf 276.0, c0 265.4 m/s (derived); measured 269.1 at 21-40 kHz
    co2 = Atmosphere(288.0, 800.0, {"CO2": 1.0})
    assert co2.sound_speed_high_m_s == pytest.approx(276.0, rel=0.002)
    assert co2.sound_speed_low_m_s == pytest.approx(265.4, rel=0.002)


def test_other_worlds() -> None:
    # reference §4: Venus ideal-gas c = 412 m/s, Titan 199 m/s; Earth 343 m/s
    assert preset("venus").sound_speed_low_m_s == pytest.approx(412.0, rel=0.005)
    assert preset("titan").sound_speed_low_m_s == pytest.approx(199.0, rel=0.005)
    assert preset("earth").sound_speed_low_m_s == pytest.approx(343.2 * 1.0026, rel=0.005)
    # reference §2 item 7: Mars ~70 %, Titan ~62 % (model statements, loose)
    ratio_mars = preset("mars").sound_speed_low_m_s / preset("earth").sound_speed_low_m_s
    assert 0.65 < ratio_mars < 0.75


def test_humidity_sets_water_fraction() -> None:
    earth = preset("earth")
    # ISO 9613-1 at 20 °C, 70 % RH: h = 1.614 % (reference §3)
    assert 100 * earth.mole_fraction("H2O") == pytest.approx(1.614, rel=0.005)
    assert earth.relative_humidity_pct == pytest.approx(70.0, rel=1e-9)
    assert sum(earth.composition.values()) == pytest.approx(1.0, abs=1e-12)
