"""The descent soundtrack: levels from the published laws, events where they are heard, listeners."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from sound_fixtures import PUBLISHED, descent_trajectory

from marsound.audio import read_audio_array
from marsound.errors import InvalidParameterError, UnknownNameError
from marsound.landing.sound import aero, boom, parachute, rocket
from marsound.landing.sound import render as rnd
from marsound.landing.sound.synth import iter_pressure_blocks
from marsound.physics import Atmosphere, absorption, earth_profile
from marsound.physics.presets import MARS_COMPOSITION

FS = 16_000
PYROS = ("parachute_deploy", "heat_shield_separation", "backshell_separation", "bridle_cut")


def _render(tmp_path, name="s.wav", **kw):
    kw.setdefault("trajectory", descent_trajectory())
    kw.setdefault("published_events", PUBLISHED)
    kw.setdefault("sample_rate_hz", FS)
    out = tmp_path / name
    res = rnd.render_descent_sound(out, mission="perseverance", **kw)
    x, fs = read_audio_array(out, mono=True)
    return res, x.astype(np.float64) * res.full_scale_pa, fs


@pytest.fixture(scope="module")
def onboard(tmp_path_factory):
    return _render(tmp_path_factory.mktemp("onboard"), start_s=230.0, end_s=424.5)


def _seg(x, fs, a, b):
    return x[round(a * fs) : round(b * fs)]


def _db(x):
    return 10 * math.log10(float(np.mean(x * x)) + 1e-300)


# ------------------------------------------------------------------ published laws
def test_rocket_sound_power_matches_sp8072():
    # SP-8072: L_W = 10 log10(eta F U_e / 2 / 1 pW); 8 x 3.1 kN, U_e 2.2 km/s, eta 0.5 % -> 171.3 dB
    lw = rocket.sound_power_level_db(8 * 3100.0, 2200.0, 0.005)
    assert lw == pytest.approx(10 * math.log10(0.005 * 0.5 * 24_800 * 2200 / 1e-12), abs=1e-9)
    assert lw == pytest.approx(171.3, abs=0.1)
    # Zhurong: one 7.5 kN engine, U_e ~3 km/s -> ~168 dB (Eldred 1971, SP-8072)
    assert rocket.sound_power_level_db(7500.0, 3000.0, 0.005) == pytest.approx(167.5, abs=0.1)
    # one engine is 10 log10 8 = 9 dB less; the spectrum carries exactly W
    assert lw - rocket.sound_power_level_db(3100.0, 2200.0, 0.005) == pytest.approx(9.03, abs=0.01)
    f = np.linspace(0.01, 2e5, 2_000_001)
    params = {"rocket_efficiency": 0.005, "rocket_peak_strouhal": 0.03}
    w = rocket.psd(f, thrust_n=np.array([24_800.0]), exhaust_velocity_m_s=2200.0, exit_diameter_m=0.2, params=params)
    assert np.trapezoid(w[0].astype(float), f) == pytest.approx(0.005 * 0.5 * 24_800 * 2200, rel=0.02)
    # the peak sits at St = f D_e / U_e = 0.03
    assert f[np.argmax(w[0])] * 0.2 / 2200 == pytest.approx(0.03, rel=0.05)


def test_rocket_level_in_the_soundtrack_matches_the_power(tmp_path):
    """Synthesised mean square = W Z / (4 pi r^2) with absorption, within 0.5 dB (the synthesis is calibrated)."""
    _res, x, fs = _render(tmp_path, start_s=370.0, end_s=376.0, sources=("rocket",), sample_rate_hz=48_000)
    plan = rnd.plan_descent_sound(
        mission="perseverance",
        trajectory=descent_trajectory(),
        published_events=PUBLISHED,
        start_s=370.0,
        end_s=376.0,
        sources=("rocket",),
        sample_rate_hz=48_000,
    )
    tau = np.array([373.0])
    h = float(plan.trajectory.sample("altitude_m", tau)[0])
    z = float(plan.column.interp("impedance_pa_s_m", h))
    f = plan.frequency_hz[1:-1]
    thrust = float(plan.trajectory.sample("thrust_n", tau)[0])
    w = rocket.psd(f, thrust_n=np.array([thrust]), exhaust_velocity_m_s=2200.0, exit_diameter_m=0.2, params=plan.params)
    r = plan.vehicle.engine_distance_m
    alpha = plan.column.alpha_at(np.array([h]))[0, 1:-1]
    expected = float(np.sum(w[0] * z / (4 * np.pi * r * r) * np.exp(-2 * alpha * r)) * (f[1] - f[0]))
    assert _db(_seg(x, fs, 1.0, 5.0)) == pytest.approx(10 * math.log10(expected), abs=0.5)


def test_goody_tbl_level_is_the_q_law():
    f = np.linspace(1.0, 2e5, 400_001)
    q, m = np.array([520.0]), np.array([1.8])
    p = aero.psd(
        f,
        speed_m_s=np.array([400.0]),
        mach=m,
        dynamic_pressure_pa=q,
        density_kg_m3=np.array([0.0065]),
        viscosity_pa_s=np.array([1.1e-5]),
        enclosed=np.array([False]),
        separated=np.array([False]),
        params={k: v.default for k, v in aero.PARAMETERS.items()},
    )
    prms = 0.006 * 520 / (1 + 0.14 * 1.8**2)  # Lowson 1968
    assert math.sqrt(np.trapezoid(p[0].astype(float), f)) == pytest.approx(prms, rel=0.03)
    # Goody's shape rises as w^2 at low frequency
    assert aero.goody_shape(np.array(1e-6), np.array(100.0)) / aero.goody_shape(np.array(2e-6), np.array(100.0)) == (
        pytest.approx(0.25, rel=0.01)
    )
    # the aeroshell's mass law: +6 dB per octave, 0 dB floor
    assert aero.enclosure_loss_db(np.array([1000.0, 2000.0, 10.0]), 30.0).tolist() == pytest.approx(
        [30, 36.0206, 0], abs=1e-3
    )


def test_carlson_boom_formula():
    dp = boom.carlson_overpressure_pa(
        mach=2.0,
        vehicle_pressure_pa=100.0,
        ground_pressure_pa=700.0,
        altitude_m=10_000.0,
        length_m=4.5,
        shape_factor=0.1,
    )
    assert dp == pytest.approx(2 * math.sqrt(100 * 700) * 3**0.125 * 1e4**-0.75 * 4.5**0.75 * 0.1)
    t = np.array([10.0, 9.0, 8.5, 8.4, 8.6, 9.0])
    assert boom.boom_emission(t, np.full(6, 1.5)) == 3
    assert boom.boom_emission(np.arange(5.0), np.full(5, 1.5)) is None
    assert boom.boom_emission(t, np.full(6, 0.9)) is None


def test_parachute_power_lighthill_saturates_above_mach_1():
    w = parachute.sound_power_w(np.array([0.01, 0.01]), np.array([100.0, 500.0]), np.array([0.4, 2.0]), 363.0, 1e-5)
    assert w[0] == pytest.approx(1e-5 * 0.01 * 100**3 * 363 * 0.4**5)
    assert w[1] == pytest.approx(1e-5 * 0.01 * 500**3 * 363)


# ------------------------------------------------------------------ on board
def test_each_pyro_is_an_audible_transient_at_its_audio_time(onboard):
    res, x, fs = onboard
    events = {e.name: e for e in res.events}
    for name in PYROS:
        a = events[name].audio_time_s
        assert events[name].time_s == pytest.approx(a + res.start_s)
        peak = np.max(np.abs(_seg(x, fs, a, a + 0.01)))
        before = np.percentile(np.abs(_seg(x, fs, a - 1.0, a - 0.1)), 99.9)
        assert 20 * math.log10(peak / before) > 6.0, name
        # not before its time: the 10 ms before the event are background
        assert np.max(np.abs(_seg(x, fs, a - 0.012, a - 0.002))) < 0.5 * peak, name


def test_engine_noise_well_above_the_parachute_phase(onboard):
    res, x, fs = onboard
    t0 = res.start_s
    chute = _db(_seg(x, fs, 300.0 - t0, 340.0 - t0))
    engines = _db(_seg(x, fs, 365.0 - t0, 395.0 - t0))
    assert engines - chute > 15.0


def test_descent_stage_flies_away_after_the_bridle_cut(onboard):
    res, x, fs = onboard
    t0 = res.start_s
    hover = _db(_seg(x, fs, 412.0 - t0, 417.0 - t0))
    later = _db(_seg(x, fs, 423.5 - t0, 424.5 - t0))
    assert hover - later > 3.0  # the engines recede after 419.57 + 0.7 s


def test_ground_doppler_is_the_moving_source_relation():
    """Received frequency = emitted / (dt/dtau), t = tau + T(tau): the relation of marsound.rendering.moving
    (a source receding at radial speed v is heard at c / (c + v) times its frequency)."""
    plan = rnd.plan_descent_sound(
        mission="perseverance",
        trajectory=descent_trajectory(),
        published_events=PUBLISHED,
        listener="ground",
        listener_distance_m=400.0,
        sources=("rocket",),
        sample_rate_hz=8000,
    )
    i = int(np.argmin(np.abs(plan.emit_tau - 391.0)))
    tau = plan.emit_tau[i]
    eps = 0.05
    tt = np.array([tau - eps, tau + eps])
    h = plan.trajectory.sample("altitude_m", tt)
    x = np.interp(tt, plan.trajectory.time_s, plan._to_go_m)
    r = np.sqrt(h**2 + x**2 + 400.0**2)
    c_mean = 1.0 / float(plan.column.path_mean_slowness(np.array([h.mean()]))[0])
    radial = (r[1] - r[0]) / (2 * eps)
    assert radial < -10.0  # approaching
    assert plan.emit_doppler[i] == pytest.approx(1.0 + radial / c_mean, rel=0.01)


def test_sidecar_and_length(onboard, tmp_path):
    res, x, _fs = onboard
    assert len(x) == round((424.5 - 230.0) * FS)
    side = json.loads((res.path.parent / (res.path.name + ".json")).read_text())
    for key in ("mission", "listener", "sample_rate_hz", "start_s", "events", "sources", "model_notice"):
        assert key in side
    assert side["listener"] == "onboard" and side["start_s"] == 230.0 and side["sample_rate_hz"] == FS
    assert "MODEL" in side["model_notice"]
    ev = {e["name"]: e for e in side["events"]}
    # the published timeline wins over the (offset) simulation
    assert ev["heat_shield_separation"]["time_s"] == pytest.approx(263.26)
    assert ev["heat_shield_separation"]["audio_time_s"] == pytest.approx(263.26 - 230.0)
    assert side["sources"]["rocket"]["parameters"]["rocket_efficiency"]["value"] == 0.005
    assert side["sources"]["rocket"]["parameters"]["rocket_efficiency"]["range"] == [0.001, 0.01]
    derived = side["sources"]["rocket"]["derived"]
    assert derived["engines"] == 8
    assert derived["sound_power_level_db_re_1pw_at_max_thrust"] == pytest.approx(
        10 * math.log10(0.005 * 0.5 * derived["total_thrust_max_n"] * derived["exhaust_velocity_m_s"] / 1e-12)
    )


def test_streaming_is_deterministic_and_exact_length():
    plan = rnd.plan_descent_sound(
        mission="perseverance",
        trajectory=descent_trajectory(),
        published_events=PUBLISHED,
        start_s=355.0,
        end_s=361.3,
        sample_rate_hz=8_000,
        seed=3,
    )
    a = np.concatenate(list(iter_pressure_blocks(plan)))
    b = np.concatenate(list(iter_pressure_blocks(plan)))
    assert a.size == round(6.3 * 8000) and np.array_equal(a, b)


# ------------------------------------------------------------------ Mars vs Earth
def _band_db(x, fs, lo, hi):
    f = np.fft.rfftfreq(x.size, 1 / fs)
    s = np.abs(np.fft.rfft(x)) ** 2
    return 10 * math.log10(float(np.sum(s[(f >= lo) & (f <= hi)])))


def test_mars_vs_earth_same_power_differs_by_the_impedance_ratio(tmp_path):
    kw = dict(start_s=380.0, end_s=386.0, sources=("rocket",))
    _, xm, fs = _render(tmp_path, "m.wav", **kw)
    _, xe, _ = _render(tmp_path, "e.wav", air="earth", **kw)
    traj = descent_trajectory()
    plan_m = rnd.plan_descent_sound(mission="perseverance", trajectory=traj, published_events=PUBLISHED, **kw)
    plan_e = rnd.plan_descent_sound(
        mission="perseverance", trajectory=traj, published_events=PUBLISHED, air="earth", **kw
    )
    h = float(plan_m.trajectory.sample("altitude_m", 383.0))
    zm, ze = (float(p.column.interp("impedance_pa_s_m", h)) for p in (plan_m, plan_e))
    ratio_db = 10 * math.log10(zm / ze)
    assert ratio_db == pytest.approx(-20.4, abs=1.5)  # rho c 3.7 vs 412 Pa s/m (Maurice et al. 2022: ~20 dB)
    # the same band heard through 3 m of each air: impedance ratio and (small) absorption, from the physics core
    f = np.arange(40.0, 200.0, 1.0)
    w = rocket.psd(f, thrust_n=np.array([1.0]), exhaust_velocity_m_s=2200.0, exit_diameter_m=0.2, params=plan_m.params)[
        0
    ]
    r = plan_m.vehicle.engine_distance_m
    atm_m = Atmosphere(
        float(plan_m.column.interp("temperature_k", h)), float(plan_m.column.interp("pressure_pa", h)), MARS_COMPOSITION
    )
    atm_e = earth_profile().at(h)
    loss = [float(np.sum(w * np.exp(-2 * absorption(f, a) * r))) for a in (atm_m, atm_e)]
    expected = ratio_db + 10 * math.log10(loss[0] / loss[1])
    diff = _band_db(_seg(xm, fs, 1, 5), fs, 40, 200) - _band_db(_seg(xe, fs, 1, 5), fs, 40, 200)
    assert diff == pytest.approx(expected, abs=0.5)
    assert diff == pytest.approx(-20.0, abs=3.0)


# ------------------------------------------------------------------ ground
def _touchdown(tmp_path, distance_m):
    res, x, fs = _render(
        tmp_path,
        f"g{distance_m:g}.wav",
        listener="ground",
        listener_distance_m=distance_m,
        sources=("touchdown",),
        start_s=415.0,
        sample_rate_hz=16_000,
    )
    ev = {e.name: e for e in res.events}["touchdown"]
    return res, x, fs, ev


def test_ground_listener_hears_touchdown_later_and_quieter(tmp_path):
    near = _touchdown(tmp_path, 150.0)
    far = _touchdown(tmp_path, 600.0)
    plan = rnd.plan_descent_sound(
        mission="perseverance",
        trajectory=descent_trajectory(),
        published_events=PUBLISHED,
        listener="ground",
        listener_distance_m=150.0,
        sources=("touchdown",),
        start_s=415.0,
        sample_rate_hz=16_000,
    )
    c0 = float(plan.column.sound_speed_m_s[0])
    (_ra, xa, fs, eva), (_rb, xb, _, evb) = near, far
    # reported: heard distance / c after the event
    assert eva.audio_time_s - (eva.time_s - 415.0) == pytest.approx(150.0 / c0, rel=0.01)
    assert evb.audio_time_s - (evb.time_s - 415.0) == pytest.approx(600.0 / c0, rel=0.01)

    def centroid(x):
        e = x * x
        return float(np.sum(np.arange(x.size) * e) / np.sum(e)) / fs

    # measured: the energy arrives (600 - 150) / c later
    # (a little earlier than 450 / c0: Mars air is dispersive, the faster components lead)
    assert centroid(xb) - centroid(xa) == pytest.approx(450.0 / c0, rel=0.02)
    # quieter by spreading (x 1/16 in energy) and more by absorption, as the physics core says
    ea, eb = float(np.sum(xa * xa)), float(np.sum(xb * xb))
    atm = Atmosphere(float(plan.column.temperature_k[0]), float(plan.column.pressure_pa[0]), MARS_COMPOSITION)
    spec = np.abs(np.fft.rfft(xa)) ** 2
    f = np.fft.rfftfreq(xa.size, 1 / fs)
    alpha = np.zeros_like(f)
    alpha[1:] = absorption(f[1:], atm)
    expected = (150.0 / 600.0) ** 2 * float(np.sum(spec * np.exp(-2 * alpha * 450.0)) / np.sum(spec))
    assert 10 * math.log10(eb / ea) == pytest.approx(10 * math.log10(expected), abs=0.5)
    assert 10 * math.log10(eb / ea) < 20 * math.log10(150 / 600) - 0.5


def test_ground_listener_hears_a_boom_while_supersonic(tmp_path):
    res, x, fs = _render(
        tmp_path,
        "boom.wav",
        listener="ground",
        listener_distance_m=5000.0,
        sources=("boom",),
        start_s=200.0,
        end_s=400.0,
    )
    ev = {e.name: e for e in res.events}
    assert "sonic_boom" in ev
    info = res.extra["sonic_boom"]
    assert info["mach"] > 1.0 and info["arrival_time_s"] > info["emission_time_s"]
    a = ev["sonic_boom"].audio_time_s
    assert np.max(np.abs(_seg(x, fs, a - 0.1, a + 0.5))) > 0
    assert np.max(np.abs(_seg(x, fs, 0, a - 0.2))) == 0


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("kw", "match"),
    [
        (dict(start_s=300.0, end_s=300.0), "after start_s"),
        (dict(start_s=-5.0), "outside the descent"),
        (dict(end_s=10_000.0), "outside the descent"),
        (dict(end_s=float("nan")), "finite"),
        (dict(sample_rate_hz=1e9), "sample_rate_hz"),
        (dict(sample_rate_hz=44_100.5), "sample_rate_hz"),
        (dict(listener="ground", listener_distance_m=1e9), "listener_distance_m"),
        (dict(listener="ground", listener_distance_m=-1.0), "listener_distance_m"),
        (dict(listener_distance_m=100.0), "ground listener"),
        (dict(rocket_efficiency=0.5), "rocket_efficiency"),
        (dict(rocket_efficiency=float("nan")), "rocket_efficiency"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(kw, match):
    with pytest.raises(InvalidParameterError, match=match):
        rnd.plan_descent_sound(
            mission="perseverance", trajectory=descent_trajectory(dt_s=1.0), published_events=PUBLISHED, **kw
        )


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        (dict(listener="orbit"), "listener"),
        (dict(warp_factor=2.0), "warp_factor"),
        (dict(sources=("aero", "lasers")), "source"),
    ],
)
def test_unknown_names_list_the_known_ones(kw, match):
    with pytest.raises(UnknownNameError, match=match):
        rnd.plan_descent_sound(
            mission="perseverance", trajectory=descent_trajectory(dt_s=1.0), published_events=PUBLISHED, **kw
        )


def test_failed_render_leaves_no_file(tmp_path):
    out = tmp_path / "x.wav"
    with pytest.raises(InvalidParameterError):
        rnd.render_descent_sound(out, mission="perseverance", trajectory=descent_trajectory(dt_s=1.0), end_s=-1.0)
    assert list(tmp_path.iterdir()) == []


def test_trajectory_is_warped_onto_the_published_timeline():
    from marsound.landing.sound.timeline import align

    traj = descent_trajectory(sim_offsets_s=1.5)
    aligned, events = align(traj, PUBLISHED)
    for name in ("parachute_deploy", "heat_shield_separation", "backshell_separation", "touchdown"):
        pub = next(e.time_s for e in PUBLISHED if e.name == name)
        sim = traj.event(name).time_s
        assert sim == pytest.approx(pub + (1.5 if name != "touchdown" else 0.0))
        assert events[name].time_s == pub and events[name].kind == "published"
        # the state the simulation had at its event is the state at the published time
        for q in ("dynamic_pressure_pa", "speed_m_s", "altitude_m"):
            assert float(aligned.sample(q, pub)) == pytest.approx(float(traj.sample(q, sim)), rel=1e-3, abs=0.05), (
                name,
                q,
            )
    assert events["line_stretch"].time_s == pytest.approx(240.63 + 1.04)
    assert np.all(np.diff(aligned.time_s) > 0)
