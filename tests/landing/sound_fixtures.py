"""Hand-built descent trajectories for the landing-sound tests (no mission simulation needed).

A Perseverance-like profile: entry at 125 km and 5.5 km/s, parachute at E+240.6 s (~11 km,
~400 m/s), terminal ~89 m/s at backshell separation (~2.1 km), powered descent to a 20 m sky crane,
rover contact at E+418.07 s, bridle cut at E+419.57 s (times of the Mars 2020 reconstruction
from NAIF's EDL SPICE kernels, kwan3217/edl m20_edl_recon.py).
Air from the NASA Glenn Mars fit of the physics core, ideal CO2 gas.
"""

from __future__ import annotations

import numpy as np

from marsound.landing.model import Event, Trajectory
from marsound.physics.profiles import mars_glenn_temperature_pressure

PUBLISHED = (
    Event("entry_interface", 0.0, "published"),
    Event("parachute_deploy", 240.63, "published"),
    Event("heat_shield_separation", 263.26, "published"),
    Event("backshell_separation", 357.30, "published"),
    Event("powered_descent_start", 358.34, "published"),
    Event("sky_crane_start", 399.73, "published"),
    Event("rappel_start", 402.38, "published"),
    Event("rappel_end", 407.88, "published"),
    Event("touchdown", 418.07, "published"),
    Event("bridle_cut", 419.57, "published"),
)
SIMULATED = (
    "entry_interface",
    "parachute_deploy",
    "heat_shield_separation",
    "backshell_separation",
    "powered_descent_start",
    "sky_crane_start",
    "touchdown",
)
SITE_AREOID_M = -2640.0


def descent_trajectory(
    *, dt_s: float = 0.1, sim_offsets_s: float = 1.5, mission: str = "perseverance", thrust_scale: float = 1.0
) -> Trajectory:
    """A Perseverance-like descent; simulated events are ``sim_offsets_s`` off the published times."""
    t = np.arange(0.0, 418.07 + dt_s / 2, dt_s)
    # knots: time, altitude AGL, speed, vertical speed
    kt = [0.0, 80.0, 240.63, 263.26, 357.30, 389.6, 399.73, 418.07]
    kh = [125e3, 40e3, 11e3, 9.5e3, 2.1e3, 300.0, 20.0, 0.0]
    kv = [5500.0, 4500.0, 400.0, 145.0, 89.0, 32.0, 0.75, 0.75]
    h = np.interp(t, kt, kh)
    v = np.interp(t, kt, kv)
    vz = -np.minimum(np.abs(np.gradient(h, t)), v)
    temp, p = mars_glenn_temperature_pressure(h + SITE_AREOID_M)
    temp = np.maximum(temp, 150.0)  # the Glenn fit is valid to 80 km; hold 150 K above
    rho = p * 0.0434 / (8.314 * temp)
    c = np.sqrt(1.29 * 8.314 * temp / 0.0434)
    sim = {e.name: e.time_s + (sim_offsets_s if 0 < e.time_s < 418 else 0.0) for e in PUBLISHED if e.name in SIMULATED}
    thrust = np.where(t >= sim["powered_descent_start"], 8 * 3100.0 * 0.55 * thrust_scale, 0.0)
    phase = np.where(
        t < 240.63, "entry", np.where(t < 357.3, "parachute", np.where(t < 399.73, "powered_descent", "sky_crane"))
    )
    events = tuple(Event(name, time_s, "simulated") for name, time_s in sim.items())
    return Trajectory(
        mission=mission,
        time_s=t,
        altitude_m=h,
        altitude_areoid_m=h + SITE_AREOID_M,
        speed_m_s=v,
        vertical_speed_m_s=vz,
        mach=v / c,
        dynamic_pressure_pa=0.5 * rho * v**2,
        temperature_k=temp,
        pressure_pa=p,
        density_kg_m3=rho,
        sound_speed_m_s=c,
        thrust_n=thrust,
        phase=phase.astype(np.str_),
        events=events,
    )
