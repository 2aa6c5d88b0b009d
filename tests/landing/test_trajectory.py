"""The 3-DOF EDL model against the published flights, its identities and its errors."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from marsound.errors import InvalidParameterError, UnknownNameError
from marsound.landing.missions import MISSION_NAMES, get_mission
from marsound.landing.model import EVENT_NAMES, Trajectory
from marsound.landing.trajectory import TrajectoryError, flight_conditions, landing_profile, simulate
from marsound.landing.trajectory_io import compare_events, read_trajectory_csv, write_trajectory_csv

_CACHE: dict[str, Trajectory] = {}


def _traj(name: str) -> Trajectory:
    if name not in _CACHE:
        _CACHE[name] = simulate(name)
    return _CACHE[name]


def _tol(name: str, event: str, key: str) -> float:
    src = get_mission(name).sources[f"events.{event}.{key}"]
    assert src.uncertainty is not None
    return src.uncertainty


# ----------------------------------------------------------------------------- against the flights
def test_perseverance_against_the_reconstruction() -> None:
    tr = _traj("perseverance")
    chute = tr.event("parachute_deploy")
    assert chute.time_s == pytest.approx(240.6, abs=10.0)
    assert chute.state["mach"] == pytest.approx(1.81, abs=0.2)
    assert chute.state["dynamic_pressure_pa"] == pytest.approx(520.0, rel=0.30)
    assert tr.event("heat_shield_separation").time_s == pytest.approx(263.3, abs=10.0)
    back = tr.event("backshell_separation")
    assert back.time_s == pytest.approx(357.3, abs=15.0)
    assert back.state["altitude_m"] == pytest.approx(2100.0, abs=500.0)
    assert back.state["speed_m_s"] == pytest.approx(89.0, abs=15.0)
    assert tr.event("powered_descent_start").time_s == pytest.approx(358.3, abs=15.0)
    assert tr.event("sky_crane_start").time_s == pytest.approx(399.7, abs=5.0)
    assert tr.event("touchdown").time_s == pytest.approx(418.0, abs=15.0)
    peak = tr.event("peak_deceleration")
    assert peak.time_s == pytest.approx(87.0, abs=5.0)
    assert peak.state["deceleration_m_s2"] == pytest.approx(104.9, rel=0.15)
    # LCAM's first frame: 11.23 km above the ground at E+254.4 s
    assert float(tr.sample("altitude_m", 254.4)) == pytest.approx(11_230.0, abs=1000.0)
    # the constant-velocity phase at -32 m/s
    cv = tr.event("constant_velocity_start")
    assert cv.state["vertical_speed_m_s"] == pytest.approx(-32.0, abs=2.0)
    assert cv.time_s == pytest.approx(389.6, abs=5.0)


def test_zhurong_within_the_cnsa_timeline() -> None:
    tr = _traj("zhurong")
    for pub in get_mission("zhurong").published_events:
        if pub.name in ("peak_heating",):
            continue
        sim = tr.event(pub.name)
        assert sim.time_s == pytest.approx(pub.time_s, abs=_tol("zhurong", pub.name, "time_s") if pub.time_s else 0.0)
    chute = tr.event("parachute_deploy")
    assert chute.state["altitude_m"] == pytest.approx(10_000.0, abs=1500.0)
    assert chute.state["speed_m_s"] == pytest.approx(460.0, abs=40.0)
    back = tr.event("backshell_separation")
    assert back.state["altitude_m"] == pytest.approx(1000.0, abs=300.0)
    assert back.state["speed_m_s"] < 100.0  # Xinhua: "less than 100 m/s"
    hover = tr.event("hover_start")
    assert hover.state["altitude_m"] == pytest.approx(100.0, abs=2.0)
    assert abs(hover.state["vertical_speed_m_s"]) < 2.0
    assert "sky_crane_start" not in {e.name for e in tr.events}


def test_curiosity_milestones() -> None:
    tr = _traj("curiosity")
    chute = tr.event("parachute_deploy")
    assert chute.time_s == pytest.approx(254.0, abs=15.0)
    assert chute.state["altitude_m"] == pytest.approx(11_000.0, abs=2000.0)
    assert chute.state["speed_m_s"] == pytest.approx(405.0, abs=40.0)
    assert tr.event("peak_deceleration").time_s == pytest.approx(85.0, abs=10.0)
    assert tr.event("backshell_separation").state["altitude_m"] == pytest.approx(1800.0, abs=300.0)
    # NASA: touchdown 392-480 s after entry depending on the site
    assert 392.0 <= tr.event("touchdown").time_s <= 480.0


@pytest.mark.parametrize("name", MISSION_NAMES)
def test_trajectory_is_well_formed(name: str) -> None:
    tr = _traj(name)
    n = tr.time_s.size
    for attr in ("altitude_m", "altitude_areoid_m", "speed_m_s", "vertical_speed_m_s", "mach", "dynamic_pressure_pa",
                 "temperature_k", "pressure_pa", "density_kg_m3", "sound_speed_m_s", "thrust_n", "phase",
                 "downrange_m", "throttle", "mass_kg", "deceleration_m_s2", "engine_altitude_m"):
        assert getattr(tr, attr).shape == (n,), attr
    assert tr.time_s[0] == 0.0 and np.all(np.diff(tr.time_s) > 0)
    assert tr.time_s[-1] == pytest.approx(tr.event("touchdown").time_s)
    assert tr.altitude_m.min() > -0.05 and abs(tr.altitude_m[-1]) < 0.05
    assert tr.vertical_speed_m_s[-1] < 0 and -tr.vertical_speed_m_s[-1] < 10.0
    assert np.all(tr.throttle <= 1.0 + 1e-9) and np.all(tr.thrust_n >= 0)
    assert np.all(np.diff(tr.mass_kg) <= 1e-9)
    m = get_mission(name)
    on = tr.thrust_n > 0
    assert np.all(tr.thrust_n[on] >= m.vehicle.engines.total_thrust_min_n - 1e-6)
    assert tr.mass_kg[-1] > m.vehicle.powered_descent_mass_kg - m.vehicle.propellant_mass_kg
    names = [e.name for e in tr.events]
    times = [e.time_s for e in tr.events]
    assert times == sorted(times)
    landing = "sky_crane_start" if m.triggers.landing_mode == "sky_crane" else "hover_start"
    expected = [x for x in EVENT_NAMES if x not in ("sky_crane_start", "hover_start") or x == landing]
    assert [x for x in names if x in EVENT_NAMES] == expected
    assert all(e.kind == "simulated" for e in tr.events)
    # the engines are off before powered descent, on after
    t_pd = tr.event("powered_descent_start").time_s
    assert np.all(tr.thrust_n[tr.time_s < t_pd - 1e-6] == 0)
    assert np.all(tr.thrust_n[tr.time_s > t_pd + 1e-6] > 0)


@pytest.mark.parametrize("name", MISSION_NAMES)
def test_identities_along_the_path(name: str) -> None:
    tr = _traj(name)
    np.testing.assert_allclose(tr.dynamic_pressure_pa, 0.5 * tr.density_kg_m3 * tr.speed_m_s**2, rtol=1e-12)
    np.testing.assert_allclose(tr.mach, tr.speed_m_s / tr.sound_speed_m_s, rtol=1e-12)
    # the event states agree with the sampled arrays
    for ev in tr.events:
        if ev.name in ("touchdown",):
            continue
        assert ev.state["speed_m_s"] == pytest.approx(float(tr.sample("speed_m_s", ev.time_s)), rel=0.02, abs=0.5)


@pytest.mark.parametrize("name", MISSION_NAMES)
def test_terminal_speed_before_backshell_separation(name: str) -> None:
    """Late under the chute the speed is the terminal speed √(2 m g / (ρ Σ C_D A)) (within 5 %)."""
    tr, m = _traj(name), get_mission(name)
    ev = tr.event("backshell_separation")
    v, st = m.vehicle, ev.state
    fc = flight_conditions(st["altitude_areoid_m"], st["speed_m_s"])
    mach = float(fc["mach"])
    cd_a = v.drag_coefficient(mach) * v.reference_area_m2 + v.parachute_drag_coefficient_at(mach) * v.parachute_area_m2
    g = 4.2828e13 / (3_396_190.0 + st["altitude_areoid_m"]) ** 2
    v_term = math.sqrt(2.0 * st["mass_kg"] * g / (float(fc["density_kg_m3"]) * cd_a))
    assert st["speed_m_s"] == pytest.approx(v_term, rel=0.05)


def test_air_is_the_physics_core() -> None:
    tr = _traj("perseverance")
    prof = landing_profile()
    for i in np.linspace(0, tr.time_s.size - 1, 9).astype(int):
        atm = prof.at(float(tr.altitude_areoid_m[i]))
        assert tr.temperature_k[i] == pytest.approx(atm.temperature_k, rel=1e-3)
        assert tr.pressure_pa[i] == pytest.approx(atm.pressure_pa, rel=1e-3)
        assert tr.density_kg_m3[i] == pytest.approx(atm.density_kg_m3, rel=2e-3)
        assert tr.sound_speed_m_s[i] == pytest.approx(atm.sound_speed_low_m_s, rel=1e-3)


def test_landing_profile_is_hydrostatic() -> None:
    prof = landing_profile()
    z = prof.altitude_m
    rho = np.array([prof.at(float(zi)).density_kg_m3 for zi in z[::50]])
    g = 4.2828e13 / (3_396_190.0 + z[::50]) ** 2
    dpdz = np.gradient(np.log(prof.pressure_pa), z)[::50] * prof.pressure_pa[::50]
    np.testing.assert_allclose(dpdz, -rho * g, rtol=2e-3)


def test_csv_round_trip(tmp_path: Path) -> None:
    tr = _traj("zhurong")
    path = write_trajectory_csv(tr, tmp_path / "z.csv")
    back = read_trajectory_csv(path, mission="zhurong")
    assert back.time_s.size == tr.time_s.size
    np.testing.assert_allclose(back.altitude_m, tr.altitude_m, rtol=1e-5, atol=1e-3)
    assert list(back.phase) == list(tr.phase)
    assert not list(tmp_path.glob(".*part*"))


def test_compare_events_rows() -> None:
    rows = {r["name"]: r for r in compare_events(_traj("perseverance"))}
    assert rows["parachute_deploy"]["published_s"] == pytest.approx(240.63)
    assert rows["parachute_deploy"]["error_s"] == pytest.approx(
        rows["parachute_deploy"]["simulated_s"] - 240.63  # type: ignore[operator]
    )


# ----------------------------------------------------------------------------- bad input
def test_unknown_mission() -> None:
    with pytest.raises(UnknownNameError, match="perseverance, curiosity, zhurong"):
        simulate("viking")


def test_profile_csv_not_reaching_entry(tmp_path: Path) -> None:
    csv = tmp_path / "short.csv"
    csv.write_text("altitude_m,temperature_k,pressure_pa\n-5000,220,900\n0,215,700\n60000,150,2\n")
    with pytest.raises(InvalidParameterError, match="entry interface"):
        simulate("perseverance", profile=csv)
    csv.write_text("altitude_m,temperature_k,pressure_pa\n0,215,700\n130000,150,0.001\n")
    with pytest.raises(InvalidParameterError, match="landing site"):
        simulate("perseverance", profile=csv)


def test_profile_csv_reaching_entry_is_used(tmp_path: Path) -> None:
    prof = landing_profile()
    rows = ["altitude_m,temperature_k,pressure_pa"]
    rows += [f"{z:g},{t:g},{p * 0.8:g}" for z, t, p in zip(prof.altitude_m[::20], prof.temperature_k[::20],
                                                            prof.pressure_pa[::20])]
    csv = tmp_path / "thin.csv"
    csv.write_text("\n".join(rows) + "\n")
    thin = simulate("perseverance", profile=csv)
    base = _traj("perseverance")
    # 20 % thinner air: the same Mach trigger is met lower, at a lower dynamic pressure
    assert thin.event("parachute_deploy").state["altitude_m"] < base.event("parachute_deploy").state["altitude_m"]


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"vehicle": {"engines": {"thrust_max_n": 200.0, "thrust_min_n": 10.0}}}, "crashed|hit the ground"),
        ({"vehicle": {"engines": {"thrust_min_n": 3600.0}}}, "never"),
        ({"vehicle": {"parachute_diameter_m": 0.5}}, "crashed|hit the ground"),
        ({"entry": {"speed_m_s": 7000.0, "flight_path_angle_deg": -6.0}}, "skipped out"),
        ({"triggers": {"landing_speed_m_s": 0.0}}, "never"),
    ],
)
def test_impossible_vehicles_fail_clearly(changes: dict, words: str) -> None:
    m = get_mission("perseverance").replace(**changes)
    with pytest.raises(TrajectoryError, match=words):
        simulate(m)


def test_bad_parameters() -> None:
    m = get_mission("perseverance")
    with pytest.raises(InvalidParameterError):
        m.replace(vehicle={"entry_mass_kg": float("nan")})
    with pytest.raises(InvalidParameterError, match="propellant"):
        simulate(m.replace(vehicle={"propellant_mass_kg": 5000.0}))
    with pytest.raises(InvalidParameterError, match="thrust_min_n"):
        simulate(m.replace(vehicle={"engines": {"thrust_min_n": 9000.0}}))
    with pytest.raises(InvalidParameterError, match="sample_interval_s"):
        simulate(m, sample_interval_s=0.0)
    with pytest.raises(TrajectoryError, match="max_flight_s=100"):
        simulate(m, max_flight_s=100.0)
    with pytest.raises(InvalidParameterError, match="profile"):
        simulate(m, profile=42)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"vehicle": {"parachute_diameter_m": 1e6}}, "outside the model's range"),
        ({"entry": {"altitude_areoid_m": 1e7}}, "outside the model's range"),
        ({"triggers": {"landing_mode": "teleport"}}, "landing_mode"),
        ({"triggers": {"parachute_trigger": "radar"}}, "parachute_trigger"),
    ],
)
def test_absurd_vehicles_are_refused_before_integrating(changes: dict, words: str) -> None:
    with pytest.raises(InvalidParameterError, match=words):
        simulate(get_mission("zhurong").replace(**changes))


def test_mission_replace_validates_shapes() -> None:
    m = get_mission("zhurong")
    with pytest.raises(InvalidParameterError, match="pairs"):
        m.replace(vehicle={"drag_coefficient_mach": 5})
    with pytest.raises(InvalidParameterError, match="increase"):
        m.replace(vehicle={"drag_coefficient_mach": [[2, 1.5], [1, 1.4]]})
    with pytest.raises(InvalidParameterError, match="mapping"):
        m.replace(vehicle={"engines": 3})
    with pytest.raises(InvalidParameterError, match="text"):
        m.replace(triggers={"landing_mode": 3})
    assert m.replace(vehicle={"drag_coefficient_mach": [[0, 1.1], [5, 1.6]]}).vehicle.drag_coefficient(2.5) == 1.35


def test_a_stiff_integration_stops_with_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from marsound.landing import trajectory_dynamics

    monkeypatch.setattr(trajectory_dynamics, "MAX_EVALUATIONS", 500)
    with pytest.raises(TrajectoryError, match="more than 500 steps"):
        simulate("zhurong")


def test_flight_conditions() -> None:
    fc = flight_conditions(np.array([0.0, 10_000.0]), np.array([100.0, 420.0]))
    atm = landing_profile().at(10_000.0)
    assert fc["mach"][1] == pytest.approx(420.0 / atm.sound_speed_low_m_s, rel=1e-3)
    assert fc["dynamic_pressure_pa"][1] == pytest.approx(0.5 * atm.density_kg_m3 * 420.0**2, rel=2e-3)
    with pytest.raises(InvalidParameterError):
        flight_conditions(1e6, 10.0)
    with pytest.raises(InvalidParameterError):
        flight_conditions(0.0, math.nan)
