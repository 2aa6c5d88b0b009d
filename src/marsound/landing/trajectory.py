"""A 3-DOF entry-descent-landing model: point mass, planar flight over a spherical Mars.

The planet is a non-rotating sphere (radius R = 3396.19 km, μ = 4.2828e13 m³/s²); the vehicle is
a point mass moving in one plane, integrated in Cartesian coordinates (x, y, vx, vy, m) by
:func:`scipy.integrate.solve_ivp`. Forces: gravity μ/r², drag q·C_D·A (q = ½ρv²) against the
velocity, lift (L/D)·D·cos σ perpendicular to it in the plane (σ = bank angle; a planar model
sees only cos σ, so bank reversals are not modelled), and engine thrust. The equations are those
of a longitudinal 3-DOF entry model (e.g. Vinh, Busemann & Culp 1980, *Hypersonic and Planetary
Entry Flight Mechanics*), written in Cartesian form so that they stay regular at zero speed.

Phases (each one integration with terminal events):

1. ``entry``: guided lifting entry at a constant bank magnitude (the fitted bank schedule) until
   the "straighten up and fly right" speed, where the entry ballast is dropped and the lift
   trimmed out (``entry_ballistic``);
2. ``parachute``: mortar fire on a Mach (Perseverance) or speed (Curiosity, Zhurong) trigger; the
   canopy's drag area grows as ((t − t_ls)/t_inf)² after line stretch (n = 2 for a disk-gap-band);
   heat-shield separation a fixed time after mortar fire;
3. backshell separation on altitude above the site, then free fall until engine start;
4. ``powered_descent``: a velocity-profile guidance law — the reference descent rate is
   piecewise in altitude (a constant deceleration from the state at engine start to the approach
   point, a constant-velocity phase, a second constant deceleration to the landing point), tracked
   by a first-order law with the thrust clipped to the engines' throttle range and pointed to
   null the horizontal speed;
5. ``sky_crane`` (Perseverance, Curiosity: descent at constant speed while the rover is lowered on
   its bridle, touchdown when the rover's wheels reach the ground) or ``hover`` then
   ``terminal_descent`` (Zhurong: hold the hover altitude for hazard avoidance, then descend at a
   constant speed to touchdown).

The air along the path — temperature, pressure, density and the low-frequency sound speed —
comes from the physics core (:class:`marsound.physics.Atmosphere` at each level of an
:class:`~marsound.physics.AltitudeProfile`), so Mach and q are computed by the same code that
makes the sound. The default profile is :func:`landing_profile` (NASA Glenn fit to 80 km, extended
isothermally above).

Every integration is bounded (time limit per phase and overall, maximum step); a vehicle that
never reaches the next event (skips out, hovers for ever, hits the ground too fast) raises
:class:`TrajectoryError` naming the phase.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from marsound._validate import positive_finite
from marsound.errors import InvalidParameterError
from marsound.landing.missions import Mission, get_mission
from marsound.landing.model import Event, Trajectory
from marsound.landing.trajectory_air import MARS_MU_M3_S2, MARS_RADIUS_M, _air_table, _AirTable, landing_profile
from marsound.landing.trajectory_dynamics import (
    DEFAULT_SAMPLE_INTERVAL_S,
    HOVER_HOLD_TAU_S,
    MAX_FLIGHT_S,
    TrajectoryError,
    _Model,
    _Phase,
    _Run,
)
from marsound.physics.profiles import AltitudeProfile

EventFn = Callable[[float, NDArray[np.float64]], float]


def _profile_guidance(
    h_start: float, v_start: float, points: list[tuple[float, float]]
) -> Callable[[float, float], tuple[float, float]]:
    """Reference vertical speed (positive up) and its rate against altitude above the site.

    ``points`` are (altitude, descent speed) pairs in decreasing altitude; between two points the
    reference decelerates uniformly (v² linear in altitude), and an equal speed at two successive
    points makes a constant-velocity stretch. Above the first point the profile starts from the
    state at engine start (``h_start``, descent speed ``v_start``).
    """
    knots = [(h_start, max(v_start, points[0][1]))] if h_start > points[0][0] else []
    knots += points
    accel = []
    for (h1, v1), (h2, v2) in itertools.pairwise(knots):
        accel.append((v1 * v1 - v2 * v2) / (2.0 * (h1 - h2)))
    h_last, v_last = knots[-1]

    def guide(h: float, up_v: float) -> tuple[float, float]:
        if h <= h_last:
            return -v_last, 0.0
        if h >= knots[0][0]:
            return -knots[0][1], 0.0
        for i in range(len(accel)):
            h2, v2 = knots[i + 1]
            if h > h2:
                a = accel[i]
                v_ref = -math.sqrt(max(v2 * v2 + 2.0 * a * (h - h2), 0.0))
                ff = a * min(up_v / v_ref, 2.0) if v_ref < -0.1 else a
                return v_ref, ff
        return -v_last, 0.0  # pragma: no cover

    return guide


def _descent_points(mission: Mission) -> list[tuple[float, float]]:
    tr = mission.triggers
    h_a, v_a = tr.approach_altitude_m, tr.approach_speed_m_s
    h_b = h_a - v_a * tr.constant_velocity_s
    if tr.landing_mode == "sky_crane":
        h_l, v_l = tr.landing_altitude_m, tr.landing_speed_m_s
    else:
        h_l, v_l = tr.hover_altitude_m, 0.0
    if not h_a >= h_b > h_l >= 0.0:
        raise InvalidParameterError(
            f"{mission.name}: descent profile altitudes must decrease: approach {h_a:g} m, end of constant velocity "
            f"{h_b:g} m, {'sky crane' if tr.landing_mode == 'sky_crane' else 'hover'} {h_l:g} m"
        )
    pts = [(h_a, v_a)]
    if h_b < h_a:
        pts.append((h_b, v_a))
    pts.append((h_l, v_l))
    return pts


def _resolve(mission: Mission | str) -> Mission:
    if isinstance(mission, Mission):
        return mission
    return get_mission(mission)


#: Plausible ranges of the numbers a vehicle file may change (outside them the model is meaningless).
_RANGES: dict[str, tuple[float, float]] = {
    "vehicle.entry_mass_kg": (10.0, 1.0e5),
    "vehicle.aeroshell_diameter_m": (0.1, 30.0),
    "vehicle.parachute_diameter_m": (0.1, 100.0),
    "vehicle.parachute_drag_coefficient": (0.0, 3.0),
    "vehicle.lift_to_drag": (0.0, 2.0),
    "vehicle.line_stretch_s": (0.0, 30.0),
    "vehicle.parachute_inflation_s": (0.01, 30.0),
    "vehicle.descent_drag_area_m2": (0.0, 1000.0),
    "vehicle.engines.count": (0.0, 100.0),
    "vehicle.engines.exhaust_velocity_m_s": (100.0, 2.0e4),
    "entry.altitude_areoid_m": (1_000.0, 200_000.0),
    "entry.speed_m_s": (10.0, 2.0e4),
    "entry.flight_path_angle_deg": (-90.0, 90.0),
    "site.elevation_m": (-9_000.0, 25_000.0),
    "triggers.heat_shield_delay_s": (0.0, 1000.0),
    "triggers.hover_s": (0.0, 1000.0),
}


def _check(mission: Mission) -> None:
    v = mission.vehicle
    for path, (lo, hi) in _RANGES.items():
        obj: object = mission
        for part in path.split("."):
            obj = getattr(obj, part)
        x = float(obj)  # type: ignore[arg-type]
        if not (math.isfinite(x) and lo <= x <= hi):
            raise InvalidParameterError(f"{mission.name}.{path}={x:g} is outside the model's range {lo:g}..{hi:g}")
    for name in ("entry_mass_kg", "aeroshell_diameter_m", "parachute_diameter_m"):
        positive_finite(getattr(v, name), f"{mission.name}.vehicle.{name}")
    tr = mission.triggers
    if tr.landing_mode not in ("sky_crane", "hover"):
        raise InvalidParameterError(
            f"{mission.name}.triggers.landing_mode={tr.landing_mode!r}; known: sky_crane, hover"
        )
    if tr.parachute_trigger not in ("mach", "speed"):
        raise InvalidParameterError(
            f"{mission.name}.triggers.parachute_trigger={tr.parachute_trigger!r}; known: mach, speed"
        )
    positive_finite(v.engines.exhaust_velocity_m_s, f"{mission.name}.vehicle.engines.exhaust_velocity_m_s")
    if v.powered_descent_mass_kg <= v.propellant_mass_kg:
        raise InvalidParameterError(
            f"{mission.name}: powered-descent mass {v.powered_descent_mass_kg:g} kg (entry mass minus ballast, heat "
            f"shield and backshell) must exceed the propellant mass {v.propellant_mass_kg:g} kg"
        )
    if v.engines.thrust_min_n > v.engines.thrust_max_n:
        raise InvalidParameterError(
            f"{mission.name}: engine thrust_min_n {v.engines.thrust_min_n:g} N exceeds thrust_max_n "
            f"{v.engines.thrust_max_n:g} N"
        )
    positive_finite(mission.entry.speed_m_s, f"{mission.name}.entry.speed_m_s")
    if mission.entry.altitude_areoid_m <= mission.site.elevation_m + mission.triggers.backshell_altitude_m:
        raise InvalidParameterError(f"{mission.name}: entry altitude {mission.entry.altitude_areoid_m:g} m is below "
                                    "the backshell separation altitude")


def simulate(
    mission: Mission | str,
    *,
    profile: AltitudeProfile | str | Path | None = None,
    sample_interval_s: float = DEFAULT_SAMPLE_INTERVAL_S,
    max_flight_s: float = MAX_FLIGHT_S,
) -> Trajectory:
    """Simulate a mission from entry interface to touchdown.

    Parameters
    ----------
    mission
        A :class:`~marsound.landing.missions.Mission` or a name of :data:`MISSION_NAMES`.
    profile
        The atmosphere: an :class:`~marsound.physics.AltitudeProfile`, a profile CSV path
        (:func:`marsound.physics.profile_from_csv`; altitudes above the areoid, covering the site up
        to the entry interface), or ``None`` for :func:`landing_profile`.
    sample_interval_s
        Time step of the returned arrays, s (events are located exactly, not on this grid).
    max_flight_s
        Give up (``TrajectoryError``) if the vehicle has not landed this long after entry, s.

    Returns
    -------
    Trajectory
        Arrays from entry interface to touchdown, and the simulated events (the contract names of
        :data:`marsound.landing.model.EVENT_NAMES` that apply, plus ``sufr_start``, ``line_stretch``,
        ``constant_velocity_start``/``_end``).

    Raises
    ------
    UnknownNameError
        For an unknown mission name.
    InvalidParameterError
        For a profile not covering the flight, or an inconsistent vehicle.
    TrajectoryError
        If the vehicle skips out, crashes, or does not land within ``max_flight_s``.

    Examples
    --------
    >>> traj = simulate("perseverance")
    >>> round(traj.event("parachute_deploy").state["mach"], 2)
    1.81
    """
    m = _resolve(mission)
    _check(m)
    dt = positive_finite(sample_interval_s, "sample_interval_s")
    t_limit = positive_finite(max_flight_s, "max_flight_s")
    air = _air_table(profile, m)
    model = _Model(m, air)
    run = _Run()

    def remaining(t: float, cap: float) -> float:
        left = t_limit - t
        if left <= 0.0:
            raise TrajectoryError(f"{m.name}: not landed within max_flight_s={t_limit:g} s; it never lands")
        return min(cap, left)

    try:
        t = _fly(m, model, air, run, remaining)
    except TrajectoryError as exc:
        if run.segments and run.segments[-1].t1 >= t_limit - 1e-6 and "never reached" in str(exc):
            raise TrajectoryError(f"{m.name}: not landed within max_flight_s={t_limit:g} s ({exc})") from None
        raise
    return _assemble(m, model, run, air, t, dt)


def _fly(m: Mission, model: _Model, air: _AirTable, run: _Run, remaining: Callable[[float, float], float]) -> float:
    """Integrate the phases in flight order; returns the touchdown time."""
    v, tr = m.vehicle, m.triggers

    def mark(name: str, t: float, s: NDArray[np.float64], ph: _Phase) -> None:
        run.events.append((name, t, s.copy(), ph))

    # entry interface state
    r0 = MARS_RADIUS_M + m.entry.altitude_areoid_m
    gam = math.radians(m.entry.flight_path_angle_deg)
    s = np.array([0.0, r0, m.entry.speed_m_s * math.cos(gam), m.entry.speed_m_s * math.sin(gam), v.entry_mass_kg])
    t = 0.0

    def chute_trigger(_t: float, y: NDArray[np.float64]) -> float:
        speed = math.hypot(y[2], y[3])
        if tr.parachute_trigger == "mach":
            _, c = air.density_and_sound_speed(math.hypot(y[0], y[1]) - MARS_RADIUS_M)
            return speed / c - tr.parachute_trigger_value
        return speed - tr.parachute_trigger_value

    def speed_below(value: float) -> Callable[[float, NDArray[np.float64]], float]:
        return lambda _t, y: math.hypot(y[2], y[3]) - value

    ph = _Phase("entry", lift_cos=v.lift_to_drag * math.cos(math.radians(tr.bank_angle_deg)))
    mark("entry_interface", t, s, ph)
    targets: dict[str, EventFn] = {"parachute_deploy": chute_trigger}
    if tr.sufr_speed_m_s > 0.0:
        targets["sufr_start"] = speed_below(tr.sufr_speed_m_s)
    hit = ""
    if tr.bank_switch_speed_m_s > 0.0:
        t, s, hit = model.run(ph, t, s, remaining(t, 1200.0), {**targets, "bank_switch": speed_below(
            tr.bank_switch_speed_m_s)}, stop="the parachute trigger", run=run)
        if hit == "bank_switch":
            ph = _Phase("entry", lift_cos=v.lift_to_drag * math.cos(math.radians(tr.late_bank_angle_deg)))
    if hit in ("", "bank_switch"):
        t, s, hit = model.run(ph, t, s, remaining(t, 1200.0), targets, stop="the parachute trigger", run=run)
    if hit == "sufr_start":
        mark("sufr_start", t, s, ph)
        s[4] -= v.ballast_mass_kg
        ph = _Phase("entry")
        t, s, hit = model.run(ph, t, s, remaining(t, 1200.0), {"parachute_deploy": chute_trigger},
                              stop="the parachute trigger", run=run)
    t_mortar = t
    ph = _Phase("parachute", t_mortar=t_mortar)
    mark("parachute_deploy", t, s, ph)
    t_open = v.line_stretch_s + v.parachute_inflation_s + 0.5
    t, s, _ = model.run(ph, t, s, remaining(t, min(t_open, tr.heat_shield_delay_s)), {}, stop=None,
                        max_step=0.05, run=run)
    mark("line_stretch", t_mortar + v.line_stretch_s, run.segments[-1].sol(t_mortar + v.line_stretch_s), ph)
    if t < t_mortar + tr.heat_shield_delay_s:
        t, s, _ = model.run(ph, t, s, remaining(t, t_mortar + tr.heat_shield_delay_s - t), {}, stop=None, run=run)
    mark("heat_shield_separation", t, s, ph)
    s[4] -= v.heat_shield_mass_kg
    targets = {"backshell_separation": lambda _t, y: model.local(y)[0] - tr.backshell_altitude_m}
    t, s, _ = model.run(ph, t, s, remaining(t, 1200.0), targets, stop="the backshell separation altitude", run=run)
    mark("backshell_separation", t, s, ph)
    s[4] = v.powered_descent_mass_kg
    ph = _Phase("free_fall", aeroshell=False)
    if tr.powered_descent_delay_s > 0.0:
        t, s, _ = model.run(ph, t, s, remaining(t, tr.powered_descent_delay_s), {}, stop=None, run=run)
    h0, up_v0, *_ = model.local(s)
    points = _descent_points(m)
    ph = _Phase("powered_descent", aeroshell=False, guidance=_profile_guidance(h0, -up_v0, points))
    mark("powered_descent_start", t, s, ph)
    markers = {}
    if tr.landing_mode == "sky_crane" and tr.constant_velocity_s > 0.0:
        h_a = tr.approach_altitude_m
        h_b = h_a - tr.approach_speed_m_s * tr.constant_velocity_s
        markers = {
            "constant_velocity_start": lambda _t, y: model.local(y)[0] - h_a,
            "constant_velocity_end": lambda _t, y: model.local(y)[0] - h_b,
        }
    end_name = "sky_crane_start" if tr.landing_mode == "sky_crane" else "hover_start"
    h_end = points[-1][0] + (0.0 if tr.landing_mode == "sky_crane" else 0.5)
    t, s, _ = model.run(ph, t, s, remaining(t, 600.0), {end_name: lambda _t, y: model.local(y)[0] - h_end},
                        stop=f"the {end_name.replace('_', ' ')} altitude", markers=markers, run=run)
    mark(end_name, t, s, ph)
    v_land = tr.landing_speed_m_s
    if tr.landing_mode == "sky_crane":
        ph = _Phase("sky_crane", aeroshell=False, guidance=lambda _h, _v: (-v_land, 0.0), sky_crane_t0=t)
    else:
        h_hover = tr.hover_altitude_m
        ph = _Phase("hover", aeroshell=False, guidance=lambda h, _v: ((h_hover - h) / HOVER_HOLD_TAU_S, 0.0))
        if tr.hover_s > 0.0:
            t, s, _ = model.run(ph, t, s, remaining(t, tr.hover_s), {}, stop=None, run=run)
        ph = _Phase("terminal_descent", aeroshell=False, guidance=lambda _h, _v: (-v_land, 0.0))
    t, s, _ = model.run(ph, t, s, remaining(t, 600.0), {}, stop="the ground", crash_ok=True, run=run)
    mark("touchdown", t, s, ph)
    return t




def flight_conditions(
    altitude_areoid_m: float | NDArray[np.float64],
    speed_m_s: float | NDArray[np.float64],
    *,
    profile: AltitudeProfile | None = None,
) -> dict[str, NDArray[np.float64]]:
    """The air and the flow at altitudes (above the areoid) and speeds, as the EDL model sees them.

    Returns ``temperature_k``, ``pressure_pa``, ``density_kg_m3``, ``sound_speed_m_s`` (low-frequency,
    from the physics core), ``mach`` = v / c and ``dynamic_pressure_pa`` = ½ ρ v².

    Examples
    --------
    >>> fc = flight_conditions(10_000.0, 420.0)
    >>> bool(1.5 < fc["mach"] < 2.0)
    True
    """
    if profile is None:
        air = _air_table(None, get_mission("perseverance"))
    else:
        air = _AirTable.from_profile(profile)
    z = np.asarray(altitude_areoid_m, dtype=np.float64)
    v = np.asarray(speed_m_s, dtype=np.float64)
    if not (np.all(np.isfinite(z)) and np.all(np.isfinite(v))) or np.any(v < 0):
        raise InvalidParameterError("altitude_areoid_m and speed_m_s must be finite, speeds >= 0")
    if np.any(z < air.z0) or np.any(z > air.top_m):
        raise InvalidParameterError(f"altitude_areoid_m outside the profile {air.z0:g}..{air.top_m:g} m")
    out = air.sample(z)
    out["mach"] = v / out["sound_speed_m_s"]
    out["dynamic_pressure_pa"] = 0.5 * out["density_kg_m3"] * v * v
    return out


def _state_dict(model: _Model, air_sample: Callable[..., dict[str, NDArray[np.float64]]], t: float,
                s: NDArray[np.float64], ph: _Phase) -> dict[str, float]:
    h, up_v, _, r, speed = model.local(s)
    air = air_sample(np.array([r - MARS_RADIUS_M]))
    c = float(air["sound_speed_m_s"][0])
    rho = float(air["density_kg_m3"][0])
    return {
        "altitude_m": h - model.bridle_m(t, ph),
        "altitude_areoid_m": r - MARS_RADIUS_M,
        "speed_m_s": speed,
        "vertical_speed_m_s": up_v,
        "mach": speed / c,
        "dynamic_pressure_pa": 0.5 * rho * speed * speed,
        "mass_kg": float(s[4]),
    }


def _assemble(m: Mission, model: _Model, run: _Run, air, t_end: float, dt: float) -> Trajectory:
    times = np.arange(0.0, t_end, dt)
    times = np.append(times[times < t_end - 1e-6], t_end)
    ends = np.array([seg.t1 for seg in run.segments])
    which = np.minimum(np.searchsorted(ends, times, side="left"), len(run.segments) - 1)
    states = np.empty((5, times.size))
    accel = np.empty((2, times.size))
    thrust = np.zeros(times.size)
    phase = np.empty(times.size, dtype="<U16")
    bridle = np.zeros(times.size)
    h = 1e-3
    for k, seg in enumerate(run.segments):
        idx = np.nonzero(which == k)[0]
        if idx.size == 0:
            continue
        ts = times[idx]
        states[:, idx] = seg.sol(ts)
        # rates from the dense output (central differences, one-sided at the segment's ends)
        lo = np.maximum(ts - h, seg.t0)
        hi = np.minimum(ts + h, seg.t1)
        diff = (seg.sol(hi) - seg.sol(lo)) / np.maximum(hi - lo, 1e-12)
        accel[:, idx] = diff[2:4]
        phase[idx] = seg.phase.name
        if seg.phase.sky_crane_t0 is not None:
            bridle[idx] = [model.bridle_m(float(t), seg.phase) for t in ts]
        if seg.phase.guidance is not None:
            ys = states[:, idx]
            thrust[idx] = [model.forces(float(t), ys[:, j], seg.phase)[2] for j, t in enumerate(ts)]
    x, y_, vx, vy, mass = states
    r = np.hypot(x, y_)
    gk = -MARS_MU_M3_S2 / r**3
    decel = np.hypot(accel[0] - gk * x, accel[1] - gk * y_)
    z = r - MARS_RADIUS_M
    engine_alt = r - model.site_r
    speed = np.hypot(vx, vy)
    up_v = (x * vx + y_ * vy) / r
    airs = air.sample(z)
    events: list[Event] = []
    t_mortar = next(tm for name, tm, _, _ in run.events if name == "parachute_deploy")
    entry = times < t_mortar
    i_pk = int(np.argmax(np.where(entry, decel, -1.0)))
    seg_pk = run.segments[int(which[i_pk])]
    recs = [*run.events, ("peak_deceleration", float(times[i_pk]), states[:, i_pk], seg_pk.phase)]
    for name, tm, s, ph in sorted(recs, key=lambda e: e[1]):
        st = _state_dict(model, air.sample, tm, s, ph)
        if name == "peak_deceleration":
            st["deceleration_m_s2"] = float(decel[i_pk])
        if name == "touchdown":
            st["altitude_m"] = 0.0
        events.append(Event(name, float(tm), "simulated", "", st))
    total_max = m.vehicle.engines.total_thrust_max_n
    return Trajectory(
        mission=m.name,
        time_s=times,
        altitude_m=engine_alt - bridle,
        altitude_areoid_m=z,
        speed_m_s=speed,
        vertical_speed_m_s=up_v,
        mach=speed / airs["sound_speed_m_s"],
        dynamic_pressure_pa=0.5 * airs["density_kg_m3"] * speed**2,
        temperature_k=airs["temperature_k"],
        pressure_pa=airs["pressure_pa"],
        density_kg_m3=airs["density_kg_m3"],
        sound_speed_m_s=airs["sound_speed_m_s"],
        thrust_n=thrust,
        phase=phase,
        events=tuple(events),
        downrange_m=MARS_RADIUS_M * np.arctan2(x, y_),
        flight_path_angle_rad=np.arcsin(np.clip(up_v / np.maximum(speed, 1e-9), -1.0, 1.0)),
        throttle=thrust / total_max if total_max > 0 else np.zeros(times.size),
        mass_kg=mass,
        deceleration_m_s2=decel,
        engine_altitude_m=engine_alt,
    )


__all__ = ["TrajectoryError", "flight_conditions", "landing_profile", "simulate"]
