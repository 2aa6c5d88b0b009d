"""Molecular complex-wavenumber model: reference §1.7 derived values, §6.2 limits, §2 measurements."""

from __future__ import annotations

import numpy as np
import pytest

from marsound.errors import ModelValidityWarning
from marsound.physics import (
    Atmosphere,
    MolecularModel,
    absorption,
    absorption_parts,
    preset,
    propagation,
    relaxation_frequencies,
    sound_speed,
    wavenumber,
)
from marsound.physics.presets import MARS_COMPOSITION


@pytest.fixture
def mars240() -> Atmosphere:
    return Atmosphere(240.0, 600.0, MARS_COMPOSITION)


def test_dispersion_matches_reference_1_7(mars240: Atmosphere) -> None:
    # c(1 Hz) = 246.6, c(84 Hz) = 249.1, c(240 Hz) = 252.5, c(2 kHz) = 253.7 m/s
    c = sound_speed([1.0, 84.0, 240.0, 2000.0], mars240)
    np.testing.assert_allclose(c, [246.6, 249.1, 252.5, 253.7], rtol=0.001)


def test_absorption_per_wavelength_peak(mars240: Atmosphere) -> None:
    # alpha*lambda peaks at 112 Hz (0.090 Np); alpha_vib(1 kHz) = 0.079 Np/m
    f = np.logspace(1, 3, 4001)
    parts = absorption_parts(f, mars240)
    al = parts["vibrational:CO2"] * sound_speed(f, mars240) / f
    assert f[np.argmax(al)] == pytest.approx(112.0, rel=0.02)
    assert al.max() == pytest.approx(0.090, rel=0.02)
    assert absorption_parts([1000.0], mars240)["vibrational:CO2"][0] == pytest.approx(0.079, rel=0.02)


def test_agrees_with_bass_chambers_in_audio_band(mars240: Atmosphere) -> None:
    f = np.array([100.0, 1000.0, 10000.0])
    mol = absorption(f, mars240)
    bc = absorption(f, mars240, "bass-chambers")
    np.testing.assert_allclose(mol, bc, rtol=0.1)


def test_parts_sum_to_total(mars240: Atmosphere) -> None:
    f = np.logspace(0, 4.3, 50)
    total = absorption(f, mars240)
    parts = sum(absorption_parts(f, mars240).values())
    np.testing.assert_allclose(parts, total, rtol=0.02)


def test_low_frequency_f_squared_and_plateau(mars240: Atmosphere) -> None:
    # (the trace N2/O2 relax below 1 Hz on Mars, so the f^2 law is checked on the CO2 part)
    f = np.array([0.05, 0.1, 0.2, 0.5])
    a = absorption_parts(f, mars240)["vibrational:CO2"]
    np.testing.assert_allclose(a / f**2, (a / f**2)[0], rtol=2e-3)
    # plateau of the vibrational part above relaxation: pi s f_r / c ~ 0.074-0.08 Np/m
    vib = absorption_parts([2e4, 4e4], mars240)["vibrational:CO2"]
    assert vib[1] == pytest.approx(vib[0], rel=0.01)
    assert 0.07 < vib[0] < 0.085


def test_speed_monotonic_between_limits(mars240: Atmosphere) -> None:
    f = np.logspace(-1, 4.3, 2000)
    c = sound_speed(f, mars240)
    assert np.all(np.diff(c) >= 0)
    assert c[0] == pytest.approx(mars240.sound_speed_low_m_s, rel=1e-5)
    assert c[-1] == pytest.approx(mars240.sound_speed_high_m_s, rel=1e-3)


def test_wavenumber_consistency(mars240: Atmosphere) -> None:
    f = np.array([10.0, 100.0, 1000.0])
    k = wavenumber(f, mars240)
    assert k.dtype == np.complex128
    np.testing.assert_allclose(-k.imag, absorption(f, mars240))
    np.testing.assert_allclose(2 * np.pi * f / k.real, sound_speed(f, mars240))
    pr = propagation(f, mars240)
    np.testing.assert_allclose(pr.absorption_np_per_m, -k.imag)


def test_causality_kramers_kronig(mars240: Atmosphere) -> None:
    """The transfer function exp(-i k d) has (almost) no energy before t = d/c_inf.

    A causal propagation filter cannot respond before the fastest (frozen) signal speed allows.
    """
    fs, n, d = 48000.0, 1 << 16, 20.0
    f = np.fft.rfftfreq(n, 1 / fs)
    f[0] = 1e-3
    k = wavenumber(f, mars240)
    h = np.fft.irfft(np.exp(-1j * (k - 2 * np.pi * f / mars240.sound_speed_high_m_s) * d), n)
    # after removing the frozen delay, a causal response lives at t >= 0 (start of the array);
    # the band limit smears the onset over a few samples, so look before t = -1 ms
    early = np.sum(h[n // 2 : n - int(fs / 1000)] ** 2)
    assert early / np.sum(h**2) < 1e-12


def test_maurice_2022_plausibility() -> None:
    # Measured at Jezero: ~240 m/s below 240 Hz (Ingenuity 84 Hz) and ~250 m/s above (sparks, kHz);
    # reference §6.3: within +-5 m/s for a single T ~ 225-235 K, p ~ 700-750 Pa.
    for t in (226.0, 229.0, 232.0):  # the T range the measured pair implies
        atm = Atmosphere(t, 720.0, MARS_COMPOSITION)
        c84, c_khz = sound_speed([84.0, 5000.0], atm)
        assert 235.0 <= c84 <= 245.0
        assert 245.0 <= c_khz <= 255.0
        assert 4.0 < c_khz - c84 < 12.0


def test_relaxation_frequency_scaling_with_pressure(mars240: Atmosphere) -> None:
    fr1 = relaxation_frequencies(mars240)["CO2"]
    fr2 = relaxation_frequencies(mars240.replace(pressure_pa=1200.0))["CO2"]
    assert fr2 == pytest.approx(2 * fr1, rel=1e-9)  # f_r proportional to p
    assert fr1 == pytest.approx(110.0, rel=0.03)


def test_rate_scale_parameter(mars240: Atmosphere) -> None:
    base = MolecularModel().relaxation_frequencies(mars240)["CO2"]
    tuned = MolecularModel(rate_scale={"co2": 2.2}).relaxation_frequencies(mars240)["CO2"]
    assert tuned == pytest.approx(2.2 * base)
    # the faster rate pushes the mid-dispersion point up: c(84 Hz) moves towards c0
    assert sound_speed([84.0], mars240, MolecularModel(rate_scale={"CO2": 2.2}))[0] < sound_speed([84.0], mars240)[0]


def test_venus_warns_real_gas() -> None:
    with pytest.warns(ModelValidityWarning, match="ideal-gas"):
        sound_speed([100.0], preset("venus"))


def test_continuum_limit_warns(mars240: Atmosphere) -> None:
    with pytest.warns(ModelValidityWarning, match="continuum"):
        absorption([5e6], mars240)


def test_titan_mostly_classical() -> None:
    # Petculescu & Achi 2012 (reference §2 item 10): negligible relaxational dispersion on Titan
    titan = preset("titan")
    c = sound_speed([10.0, 10000.0], titan)
    assert abs(c[1] - c[0]) / c[0] < 1e-3
    parts = absorption_parts([1000.0], titan)
    vib = sum(v[0] for k, v in parts.items() if k.startswith("vibrational"))
    assert vib < 0.1 * (parts["classical"][0] + parts["rotational"][0])
