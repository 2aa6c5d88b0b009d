"""Preparing a plan: the breathing phase, the ground listener's emission samples and arrival times,
and the impulsive sounds (pyros, jolts, touchdown, sonic boom) through their propagation filters.

Each impulsive sound is placed at its arrival sample after a causal filter ``exp(-i (k - w/c_0) R)``
of its path (absorption and dispersion relative to the low-frequency travel time ``T``; the
faster high frequencies lead by up to ``lead`` samples).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from marsound.landing.model import Event
from marsound.landing.sound import boom, pyro
from marsound.landing.sound.propagation import distance_to_go_m, ground_path
from marsound.landing.sound.synth import F32, Plan, Transient
from marsound.landing.sound.timeline import FLYAWAY_BURN_S, FLYAWAY_HOVER_S


def prepare_modulation(plan: Plan) -> None:
    """Breathing phase ``2 pi int St_b U / D dt`` on the trajectory grid (continuous across blocks)."""
    tr = plan.trajectory
    t = np.arange(tr.time_s[0], tr.time_s[-1] + 0.02, 0.02)
    fb = plan.params["breathing_strouhal"] * np.interp(t, tr.time_s, tr.speed_m_s) / plan.vehicle.canopy_diameter_m
    plan._breath_t = t
    plan._breath_phase = 2 * np.pi * np.concatenate([[0.0], np.cumsum(0.5 * (fb[1:] + fb[:-1]) * np.diff(t))])


def arrival(plan: Plan, tau: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Reception time and slant range for emissions at ``tau`` (ground listener)."""
    tr = plan.trajectory
    h = np.interp(tau, tr.time_s, tr.altitude_m)
    x = np.interp(tau, tr.time_s, plan._to_go_m)
    horiz = np.sqrt(x * x + plan.listener_distance_m**2)
    gp = ground_path(plan.column, h, horiz, with_spectra=False)
    return tau + gp.travel_time_s, gp.slant_range_m


def prepare_ground(plan: Plan) -> None:
    """Emission samples of the radiating noise sources, sorted by the frame they arrive in."""
    tr = plan.trajectory
    plan._to_go_m = distance_to_go_m(tr)
    dt_frame = plan.hop / plan.sample_rate_hz
    active_from = min(
        plan.event_time("line_stretch", plan.event_time("parachute_deploy"))
        if "parachute" in plan.sources
        else math.inf,
        float(tr.time_s[np.argmax(tr.thrust_n > 0)])
        if "rocket" in plan.sources and np.any(tr.thrust_n > 0)
        else math.inf,
    )
    t_last = float(tr.time_s[-1]) + 1.0
    if plan.vehicle.sky_crane and "bridle_cut" in plan.events:
        t_last = max(t_last, plan.event_time("bridle_cut") + FLYAWAY_HOVER_S + FLYAWAY_BURN_S + 1.0)
    if not math.isfinite(active_from) or active_from >= plan.end_s:
        return
    coarse = np.arange(active_from, t_last, dt_frame)
    tc, _ = arrival(plan, coarse)
    rate = np.abs(np.gradient(tc, coarse)) if coarse.size > 1 else np.ones(1)
    n_frames = plan.n_frames
    step = dt_frame / (2.0 * max(1.0, float(rate.max())))
    step = max(step, (t_last - active_from) / (6.0 * n_frames + 1))
    tau = np.arange(active_from, t_last, step)
    t, r = arrival(plan, tau)
    tdot = np.gradient(t, tau) if tau.size > 1 else np.ones_like(tau)
    frame = plan.frame_of(t)
    keep = (frame >= 0) & (frame < plan.n_frames)
    order = np.argsort(frame[keep], kind="stable")
    plan.emit_tau = tau[keep][order]
    plan.emit_frame = frame[keep][order]
    plan.emit_weight = (np.abs(tdot) * step / dt_frame)[keep][order]
    plan.emit_doppler = np.maximum(np.abs(tdot), 1e-3)[keep][order]
    plan.emit_range_m = r[keep][order]


def _interp_residual_k(
    f: NDArray[np.float64], grid_hz: NDArray[np.float64], kres: NDArray[np.complex64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Residual wavenumber from the column's grid at ``f``: absorption log-log (as f^2 below the first
    bin, as relaxation absorption does), the dispersive part linearly."""
    g = grid_hz[1:]
    a = np.maximum(-kres.imag[1:].astype(np.float64), 1e-300)
    lf = np.log(np.maximum(f, 1e-12))
    alpha = np.exp(np.interp(lf, np.log(g), np.log(a)))
    low = f < g[0]
    alpha[low] = a[0] * (f[low] / g[0]) ** 2
    kr = np.interp(f, grid_hz, kres.real.astype(np.float64))
    return kr, -alpha


def _filtered(
    plan: Plan, waveform: NDArray[np.float64], kres: NDArray[np.complex64], distance_m: float, lead: int
) -> NDArray[np.float32]:
    """``waveform`` through ``exp(-i kres(f) distance)`` (kres on the column grid), delayed by ``lead`` samples."""
    from scipy import fft as sfft  # imported on use: the CLI's start-up stays light

    fs = plan.sample_rate_hz
    n = sfft.next_fast_len(waveform.size + lead + int(fs * (0.2 + 6e-5 * distance_m)), real=True)
    f = np.fft.rfftfreq(n, 1.0 / fs)
    kr, ki = _interp_residual_k(np.asarray(f, dtype=np.float64), plan.frequency_hz, kres)
    h = np.exp(-1j * (kr + 1j * ki) * distance_m - 2j * np.pi * f * lead / fs)
    y = sfft.irfft(sfft.rfft(waveform, n) * h, n)
    keep = max(int(np.nonzero(np.abs(y) > 1e-6 * np.max(np.abs(y)))[0][-1]) + 1, 1) if np.any(y) else 1
    return y[:keep].astype(F32)


def prepare_transients(plan: Plan) -> None:
    """Impulsive events (and the sonic boom on the ground) as heard, with their arrival delays."""
    fs = plan.sample_rate_hz
    col = plan.column
    tr = plan.trajectory
    ground = plan.listener == "ground"
    lead = int(0.05 * fs) if ground else 0
    todo: list[tuple[str, float, float]] = []
    for name in pyro.EVENT_KINDS:
        kind = pyro.EVENT_KINDS[name]
        wanted = "touchdown" if kind == "touchdown" else "pyro"
        if wanted not in plan.sources or name not in plan.events:
            continue
        if name in ("line_stretch", "inflation_peak_1", "inflation_peak_2") and "parachute" not in plan.sources:
            continue
        t_ev = plan.events[name].time_s
        kin = 0.0
        if kind == "touchdown":
            before = tr.time_s <= t_ev
            vz = float(np.interp(t_ev - 0.2, tr.time_s, tr.vertical_speed_m_s)) if before.any() else 0.0
            kin = 0.5 * plan.vehicle.landed_mass_kg * vz * vz
        todo.append((name, t_ev, pyro.impulse_energy_j(name, plan.params, touchdown_kinetic_j=kin)))
    for i, (name, t_ev, energy) in enumerate(todo):
        imp = pyro.Impulse(name, t_ev, energy, pyro.EVENT_KINDS[name])
        w = imp.waveform(fs, plan.params, seed=plan.seed + i)
        h = float(np.interp(t_ev, tr.time_s, tr.altitude_m))
        if ground:
            (t_arr,), (r,) = arrival(plan, np.array([t_ev]))
            z = float(col.impedance_pa_s_m[0])
            kres = col.path_mean_residual_k(np.array([h]))[0]
            delay = t_arr - t_ev
        else:
            r = plan.vehicle.bridle_cutter_distance_m if name == "bridle_cut" else plan.vehicle.pyro_distance_m
            z = float(col.interp("impedance_pa_s_m", h))
            kres = (-1j * col.alpha_at(np.array([h]))[0]).astype(np.complex64)
            delay = 0.0
        amp = math.sqrt(energy * z / (4 * math.pi * r * r))
        y = _filtered(plan, amp * w, kres, r, lead)
        start = round((t_ev + delay - plan.start_s) * fs) - lead
        plan.transients.append(Transient(name, start, y))
        plan.arrival_delay_s[name] = delay
    if ground and "boom" in plan.sources:
        _prepare_boom(plan, lead)
    plan.transients.sort(key=lambda x: x.start_sample)


def _prepare_boom(plan: Plan, lead: int) -> None:
    tr = plan.trajectory
    tau = tr.time_s
    t, r = arrival(plan, tau)
    j = boom.boom_emission(t, tr.mach)
    if j is None:
        return
    col = plan.column
    h = float(tr.altitude_m[j])
    ks = plan.params["boom_shape_factor"]
    dp = boom.carlson_overpressure_pa(
        mach=float(tr.mach[j]),
        vehicle_pressure_pa=float(tr.pressure_pa[j]),
        ground_pressure_pa=float(col.pressure_pa[0]),
        altitude_m=h,
        length_m=plan.vehicle.body_length_m,
        shape_factor=ks,
    )
    dur = boom.carlson_duration_s(
        mach=float(tr.mach[j]),
        vehicle_sound_speed_m_s=float(tr.sound_speed_m_s[j]),
        altitude_m=h,
        length_m=plan.vehicle.body_length_m,
        shape_factor=ks,
    )
    # Carlson's dp already includes spreading and the ground; only the path's absorption/dispersion is added
    kres = col.path_mean_residual_k(np.array([h]))[0]
    y = _filtered(plan, boom.n_wave(dp, dur, plan.sample_rate_hz), kres, float(r[j]), lead)
    start = round((t[j] - plan.start_s) * plan.sample_rate_hz) - lead
    plan.transients.append(Transient("sonic_boom", start, y))
    plan.boom_info = {
        "emission_time_s": float(tau[j]),
        "arrival_time_s": float(t[j]),
        "mach": float(tr.mach[j]),
        "altitude_m": h,
        "overpressure_pa": dp,
        "duration_s": dur,
    }
    plan.events["sonic_boom"] = Event("sonic_boom", float(tau[j]), "simulated", "Mach cone reaches the listener")
    plan.arrival_delay_s["sonic_boom"] = float(t[j] - tau[j])
