"""Property-based tests (hypothesis): positivity and monotonicity over the valid range."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from marsound.physics import Atmosphere, absorption, sound_speed

SPECIES = ("CO2", "N2", "Ar", "O2", "CO", "CH4", "H2O")


@st.composite
def atmospheres(draw: st.DrawFn) -> Atmosphere:
    t = draw(st.floats(100.0, 900.0))
    p = draw(st.floats(50.0, 1.0e6))
    weights = draw(st.lists(st.floats(0.0, 1.0), min_size=len(SPECIES), max_size=len(SPECIES)))
    w = np.array(weights)
    if w.sum() < 1e-3:
        w[0] = 1.0
    return Atmosphere(t, p, dict(zip(SPECIES, w / w.sum())))


def _band(atm: Atmosphere) -> np.ndarray:
    # audible band, capped well inside the continuum limit (1e-4 of the collision rate ~ p/mu), where
    # the second-order viscous dispersion of the Kelvin-Voigt term (~(omega mu / p)^2) stays below 1e-6
    fmax = min(2.0e4, 1e-4 * atm.pressure_pa / atm.viscosity_pa_s)
    return np.logspace(0.0, np.log10(fmax), 200)


@settings(max_examples=150, deadline=None)
@given(atmospheres())
def test_absorption_positive_and_increasing(atm: Atmosphere) -> None:
    f = _band(atm)
    a = absorption(f, atm)
    assert np.all(np.isfinite(a)) and np.all(a > 0)
    assert np.all(np.diff(a) >= -1e-12 * a[1:])


@settings(max_examples=150, deadline=None)
@given(atmospheres())
def test_speed_monotonic_between_limits(atm: Atmosphere) -> None:
    f = _band(atm)
    c = sound_speed(f, atm)
    c0, cinf = atm.sound_speed_low_m_s, atm.sound_speed_high_m_s
    assert np.all(np.diff(c) >= -1e-9 * c[1:])
    assert np.all(c >= c0 * (1 - 1e-9))
    assert np.all(c <= cinf * (1 + 1e-4))
    assert c0 <= cinf


@settings(max_examples=100, deadline=None)
@given(atmospheres(), st.floats(1.1, 10.0))
def test_absorption_falls_with_pressure_at_high_frequency(atm: Atmosphere, factor: float) -> None:
    # classical absorption ~ f^2/p: at frequencies far above every relaxation, more pressure, less loss
    denser = atm.replace(pressure_pa=atm.pressure_pa * factor)
    f = np.array([1e-4 * atm.pressure_pa / atm.viscosity_pa_s])
    from marsound.physics.models.base import classical_absorption

    cl1 = classical_absorption(f, atm)
    cl2 = classical_absorption(f, denser)
    np.testing.assert_allclose(cl2, cl1 / factor, rtol=1e-9)
