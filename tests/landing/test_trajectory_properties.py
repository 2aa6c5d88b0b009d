"""Property tests (hypothesis): q = ½ρv², Mach = v/c from the physics core, terminal speed under a chute."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from marsound.landing.missions import get_mission
from marsound.landing.trajectory import flight_conditions, landing_profile
from marsound.landing.trajectory_air import MARS_MU_M3_S2, MARS_RADIUS_M, _air_table
from marsound.landing.trajectory_dynamics import _Model, _Phase

_PROFILE = landing_profile()


@settings(max_examples=60, deadline=None)
@given(z=st.floats(-8_000.0, 135_000.0), v=st.floats(0.0, 7_000.0))
def test_q_and_mach_are_the_physics_core(z: float, v: float) -> None:
    fc = flight_conditions(z, v)
    atm = _PROFILE.at(z)
    assert float(fc["dynamic_pressure_pa"]) == 0.5 * float(fc["density_kg_m3"]) * v * v
    assert math.isclose(float(fc["density_kg_m3"]), atm.density_kg_m3, rel_tol=3e-3)
    assert math.isclose(float(fc["sound_speed_m_s"]), atm.sound_speed_low_m_s, rel_tol=1e-3)
    assert math.isclose(float(fc["mach"]), v / atm.sound_speed_low_m_s, rel_tol=1e-3, abs_tol=1e-12)
    assert math.isclose(float(fc["temperature_k"]), atm.temperature_k, rel_tol=1e-6)


@settings(max_examples=60, deadline=None)
@given(
    mass=st.floats(500.0, 4_000.0),
    cd=st.floats(0.3, 0.7),
    diameter=st.floats(8.0, 25.0),
    height=st.floats(500.0, 12_000.0),
)
def test_terminal_speed_under_the_chute(mass: float, cd: float, diameter: float, height: float) -> None:
    """Falling vertically at v_t = √(2 m g / (ρ Σ C_D A)), drag balances gravity exactly."""
    chute = {"parachute_drag_coefficient": cd, "parachute_diameter_m": diameter}
    m = get_mission("perseverance").replace(vehicle=chute)
    model = _Model(m, _air_table(None, m))
    ph = _Phase("parachute", t_mortar=-100.0)  # fully open
    r = model.site_r + height
    g = MARS_MU_M3_S2 / r**2
    rho, c = model.air.density_and_sound_speed(r - MARS_RADIUS_M)
    v = 50.0
    for _ in range(50):  # C_D depends (weakly) on Mach: iterate to the fixed point
        mach = v / c
        cd_chute = m.vehicle.parachute_drag_coefficient_at(mach)
        cd_a = model.capsule_cd(mach) * model.ref_area + cd_chute * model.chute_area
        v = math.sqrt(2.0 * mass * g / (rho * cd_a))
    state = np.array([0.0, r, 0.0, -v, mass])
    ax, ay, thrust = model.forces(0.0, state, ph)
    assert thrust == 0.0 and ax == 0.0
    assert math.isclose(ay, g, rel_tol=1e-9)
