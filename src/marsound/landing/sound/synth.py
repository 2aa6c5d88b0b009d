"""Streaming synthesis of the descent soundtrack: a plan, then blocks of pressure.

Noise sources (boundary layer, parachute wake, rockets) are synthesised in the frequency domain:
every frame of ``N`` samples (about 43 ms, hop ``N/2``) gets random-phase Gaussian noise shaped to
the one-sided power spectral density ``S(f)`` the source models give for that moment, inverse
FFT, sine window, overlap-add (the squared sine windows sum to 1 at a hop of N/2, so the output's
spectral density is ``S``: amplitude ``sqrt(S N fs / 2)`` per bin). Levels can therefore change smoothly from frame to
frame (throttle, dynamic pressure, breathing at a few Hz) and the cost is one inverse FFT per
hop. Impulsive sources are added in the time domain at their sample, after their own propagation
filter (absorption and dispersion of the path, causal; prepared in :mod:`.prepare`).

On the ground the frames are filled by *emission samples*: points of the trajectory at times
``tau`` whose sound arrives at ``t = tau + T(tau)``; each adds its spectrum, evaluated at the
emitted frequency ``f |dt/dtau|`` (Doppler), weighted by the share of a frame its arrival interval
covers (which conserves energy when arrivals bunch up or spread out).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from marsound.landing.model import Event, Trajectory
from marsound.landing.sound import aero, parachute, rocket
from marsound.landing.sound.propagation import AirColumn
from marsound.landing.sound.timeline import (
    FLYAWAY_BURN_S,
    FLYAWAY_HOVER_S,
    FLYAWAY_THRUST_N,
    RAPPEL_DELAY_S,
    RAPPEL_DURATION_S,
    VehicleAcoustics,
)

F32 = np.float32
MARS_GRAVITY_M_S2 = 3.71
LISTENERS: tuple[str, ...] = ("onboard", "ground")
SOURCE_NAMES: tuple[str, ...] = ("aero", "parachute", "pyro", "rocket", "touchdown", "boom")
CHUNK_FRAMES = 256
ONBOARD_STRIDE = 2  # on-board spectra every 2 frames (43 ms at 48 kHz), interpolated between
OVERLAP = 2  # frames per hop: sine window, squares summing to 1
_CENTRE_OFFSET = 1 - OVERLAP / 2  # centre of frame k, in hops from k hop


@dataclass
class Transient:
    """An impulsive sound as heard: first sample (relative to the soundtrack start) and pressure [Pa]."""

    name: str
    start_sample: int
    pressure_pa: NDArray[np.float32]


@dataclass
class Plan:
    """Everything the streaming loop needs, prepared once (see :func:`marsound.landing.sound.render`)."""

    trajectory: Trajectory
    events: dict[str, Event]
    vehicle: VehicleAcoustics
    params: dict[str, float]
    sources: tuple[str, ...]
    listener: str
    listener_distance_m: float
    column: AirColumn
    sample_rate_hz: float
    start_s: float
    end_s: float
    seed: int
    nfft: int
    hop: int
    frequency_hz: NDArray[np.float64]
    transients: list[Transient] = field(default_factory=list)
    arrival_delay_s: dict[str, float] = field(default_factory=dict)
    boom_info: dict[str, float] | None = None
    # ground emission samples (sorted by frame)
    emit_tau: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    emit_frame: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    emit_weight: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    emit_doppler: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    emit_range_m: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    _breath_t: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    _breath_phase: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    _to_go_m: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))

    def frame_centre_s(self, k: NDArray[np.int64] | int) -> NDArray[np.float64]:
        """Mission time of the centre of frame ``k`` (samples ``(k - OVERLAP + 1) hop .. (k + 1) hop``)."""
        return self.start_s + (np.asarray(k) * self.hop + _CENTRE_OFFSET * self.hop) / self.sample_rate_hz

    def frame_of(self, time_s: NDArray[np.float64]) -> NDArray[np.int64]:
        """Index of the frame whose centre is nearest to ``time_s``."""
        x = ((np.asarray(time_s) - self.start_s) * self.sample_rate_hz) / self.hop - _CENTRE_OFFSET
        return np.rint(x).astype(np.int64)

    @property
    def n_frames(self) -> int:
        return math.ceil(self.total_samples / self.hop) + OVERLAP

    @property
    def total_samples(self) -> int:
        return round((self.end_s - self.start_s) * self.sample_rate_hz)

    def event_time(self, name: str, default: float = math.inf) -> float:
        ev = self.events.get(name)
        return ev.time_s if ev is not None else default


# ---------------------------------------------------------------------------------------- state
_QUANTITIES = (
    "altitude_m",
    "speed_m_s",
    "vertical_speed_m_s",
    "mach",
    "dynamic_pressure_pa",
    "density_kg_m3",
    "thrust_n",
)


def flight_state(plan: Plan, tau: NDArray[np.float64]) -> dict[str, NDArray[np.float64]]:
    """Trajectory quantities at emission times ``tau`` (held before the start; landed and silent after the end)."""
    tr = plan.trajectory
    after = tau > tr.time_s[-1]
    st = {q: np.interp(tau, tr.time_s, getattr(tr, q)) for q in _QUANTITIES}
    for q in ("speed_m_s", "vertical_speed_m_s", "mach", "dynamic_pressure_pa", "thrust_n"):
        st[q] = np.where(after, 0.0, st[q])
    st["thrust_n"] = engine_thrust_n(plan, tau, st["thrust_n"])
    return st


def engine_distance_m(plan: Plan, tau: NDArray[np.float64]) -> NDArray[np.float64]:
    """Engines-to-microphone distance: the vehicle's, plus the bridle paid out during a sky-crane rappel,
    plus the flyaway climb after the bridle cut."""
    v = plan.vehicle
    out = np.full(tau.shape, v.engine_distance_m)
    if not v.sky_crane:
        return out
    t0 = plan.event_time("rappel_start", plan.event_time("sky_crane_start") + RAPPEL_DELAY_S)
    t1 = plan.event_time("rappel_end", t0 + RAPPEL_DURATION_S)
    if v.bridle_length_m > 0 and math.isfinite(t0):
        out = out + v.bridle_length_m * np.clip((tau - t0) / max(t1 - t0, 1e-3), 0.0, 1.0)
    t_cut = plan.event_time("bridle_cut") + FLYAWAY_HOVER_S
    if math.isfinite(t_cut):
        # hovering mass at the end, less the rover left on the ground
        m = max(float(plan.trajectory.thrust_n[-1]) / MARS_GRAVITY_M_S2 - v.landed_mass_kg, 300.0)
        acc = max(FLYAWAY_THRUST_N / m - MARS_GRAVITY_M_S2, 0.5)
        dt = np.clip(tau - t_cut, 0.0, None)
        out = out + 0.5 * acc * dt * dt
    return out


def engine_thrust_n(plan: Plan, tau: NDArray[np.float64], thrust_n: NDArray[np.float64]) -> NDArray[np.float64]:
    """Thrust with a sky crane's engines kept on after the trajectory's end: hover until the bridle
    cut and 0.7 s more, then the flyaway burn (:data:`FLYAWAY_THRUST_N` for 6 s)."""
    tr = plan.trajectory
    if not plan.vehicle.sky_crane or "bridle_cut" not in plan.events:
        return thrust_n
    t_end = float(tr.time_s[-1])
    t_cut = plan.event_time("bridle_cut") + FLYAWAY_HOVER_S
    hover = (tau > t_end) & (tau <= t_cut)
    burn = (tau > max(t_cut, t_end)) & (tau <= t_cut + FLYAWAY_BURN_S)
    out = np.where(hover, float(tr.thrust_n[-1]), thrust_n)
    return np.where(burn, FLYAWAY_THRUST_N, out)


def chute_factor(plan: Plan, tau: NDArray[np.float64]) -> NDArray[np.float64]:
    """0 before line stretch, rising (power) to 1 at the last inflation peak, 0 1 s after backshell separation."""
    if "parachute" not in plan.sources or "parachute_deploy" not in plan.events:
        return np.zeros_like(tau)
    t0 = plan.event_time("line_stretch", plan.event_time("parachute_deploy"))
    t1 = max(plan.event_time("inflation_peak_2", t0 + 1.0), t0 + 1e-3)
    t2 = plan.event_time("backshell_separation", plan.trajectory.time_s[-1])
    rise = np.clip((tau - t0) / (t1 - t0), 0.0, 1.0)
    fall = np.clip(1.0 - (tau - t2), 0.0, 1.0)
    return rise * fall


def _radiated_psd(
    plan: Plan,
    tau: NDArray[np.float64],
    st: dict[str, NDArray[np.float64]],
    freq: NDArray[np.float64],
    *,
    modulated: bool,
    doppler: NDArray[np.float64] | None = None,
) -> list[tuple[str, NDArray[np.float32]]]:
    """Sound-power spectral densities [W/Hz] of the radiating noise sources at ``tau``.

    ``doppler`` ``(n,)``: each row is evaluated at the emitted frequencies ``freq * doppler``.
    """
    out: list[tuple[str, NDArray[np.float32]]] = []
    v = plan.vehicle
    if "rocket" in plan.sources and np.any(st["thrust_n"] > 0):
        d_e = plan.params["nozzle_exit_diameter_m"] or v.nozzle_exit_diameter_m
        out.append(
            (
                "rocket",
                rocket.psd(
                    freq,
                    thrust_n=st["thrust_n"],
                    exhaust_velocity_m_s=v.exhaust_velocity_m_s,
                    exit_diameter_m=d_e,
                    params=plan.params,
                    doppler=doppler,
                ),
            )
        )
    cf = chute_factor(plan, tau)
    if np.any(cf > 0):
        w = parachute.sound_power_w(
            st["density_kg_m3"], st["speed_m_s"], st["mach"], v.canopy_area_m2, plan.params["chute_lighthill_constant"]
        )
        w = w * cf
        if modulated:
            phase = np.interp(tau, plan._breath_t, plan._breath_phase)
            w = w * parachute.modulation(tau, phase, st["mach"], plan.params)
        fr = freq[None, :] * doppler[:, None] if doppler is not None else freq
        out.append(
            (
                "parachute",
                parachute.psd(
                    fr, power_w=w, speed_m_s=st["speed_m_s"], canopy_diameter_m=v.canopy_diameter_m, params=plan.params
                ),
            )
        )
    return out


def _onboard_slow(plan: Plan, tau: NDArray[np.float64]) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """On-board PSDs [Pa^2/Hz] at ``tau``: everything but the parachute, and the parachute without its modulation."""
    f = plan.frequency_hz
    st = flight_state(plan, tau)
    col = plan.column
    other = np.zeros((tau.size, f.size), F32)
    chute = np.zeros((tau.size, f.size), F32)
    if "aero" in plan.sources:
        t_hs = plan.event_time("heat_shield_separation")
        visc = col.interp("viscosity_pa_s", st["altitude_m"])
        other += aero.psd(
            f,
            speed_m_s=st["speed_m_s"],
            mach=st["mach"],
            dynamic_pressure_pa=st["dynamic_pressure_pa"],
            density_kg_m3=np.maximum(st["density_kg_m3"], 1e-9),
            viscosity_pa_s=visc,
            enclosed=tau < t_hs,
            separated=tau >= t_hs,
            params=plan.params,
        )
    srcs = _radiated_psd(plan, tau, st, f, modulated=False)
    if srcs:
        z = col.interp("impedance_pa_s_m", st["altitude_m"]).astype(F32)[:, None]
        alpha = col.alpha_at(st["altitude_m"])
        v = plan.vehicle
        for name, w in srcs:
            r = engine_distance_m(plan, tau)[:, None] if name == "rocket" else np.float64(v.chute_distance_m)
            term = w * (z / (4 * np.pi * r * r)).astype(F32) * np.exp((-2 * r).astype(F32) * alpha)
            if name == "parachute":
                chute += term
            else:
                other += term
    return other, chute


def frame_psd_onboard(plan: Plan, tau: NDArray[np.float64], *, stride: int = ONBOARD_STRIDE) -> NDArray[np.float32]:
    """Pressure PSD [Pa^2/Hz] at the on-board microphone for frames centred at ``tau``, ``(n, nf)``.

    Spectra are evaluated every ``stride`` frames and interpolated linearly in between (they change
    slowly); the parachute's breathing/flutter modulation is applied to every frame.
    """
    n = tau.size
    nc = max(2, -(-(n - 1) // stride) + 1)
    tau_c = tau[0] + (tau[-1] - tau[0]) * np.linspace(0.0, 1.0, nc) if n > 1 else np.repeat(tau[:1], 2)
    other_c, chute_c = _onboard_slow(plan, tau_c)
    pos = np.linspace(0.0, nc - 1.0, n) if n > 1 else np.zeros(1)
    i = np.minimum(pos.astype(np.int64), nc - 2)
    w = (pos - i).astype(F32)[:, None]
    out = other_c[i] * (1 - w) + other_c[i + 1] * w
    if np.any(chute_c):
        st = flight_state(plan, tau)
        mod = parachute.modulation(tau, np.interp(tau, plan._breath_t, plan._breath_phase), st["mach"], plan.params)
        out += (chute_c[i] * (1 - w) + chute_c[i + 1] * w) * mod.astype(F32)[:, None]
    return out


def _ground_psd(plan: Plan, idx: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
    """Summed PSD [Pa^2/Hz] per arrival frame of the emission samples ``idx`` (sorted): (frames, psd rows)."""
    from scipy import sparse  # imported on use: the CLI's start-up stays light

    tau = plan.emit_tau[idx]
    st = flight_state(plan, tau)
    f = plan.frequency_hz
    srcs = _radiated_psd(plan, tau, st, f, modulated=True, doppler=plan.emit_doppler[idx])
    if not srcs:
        return np.zeros(0, np.int64), np.zeros((0, f.size), F32)
    r = plan.emit_range_m[idx]
    alpha = plan.column.path_mean_alpha(st["altitude_m"])
    z_g = float(plan.column.impedance_pa_s_m[0])
    gain = (z_g / (4 * np.pi * r * r) * plan.emit_weight[idx]).astype(F32)[:, None]
    acc = srcs[0][1]
    for _, w in srcs[1:]:
        acc = acc + w
    alpha *= F32(-2.0) * r.astype(F32)[:, None]
    acc *= gain * np.exp(alpha)
    frames = plan.emit_frame[idx]
    uniq, inverse = np.unique(frames, return_inverse=True)
    summing = sparse.csr_matrix(
        (np.ones(frames.size, F32), (inverse, np.arange(frames.size))), shape=(uniq.size, frames.size)
    )
    return uniq, np.asarray(summing @ acc, dtype=F32)


def frame_psd_ground(plan: Plan, k0: int, k1: int) -> NDArray[np.float32]:
    """Pressure PSD [Pa^2/Hz] at the ground microphone for frames ``k0 <= k < k1``."""
    out = np.zeros((k1 - k0, plan.frequency_hz.size), F32)
    lo, hi = np.searchsorted(plan.emit_frame, [k0, k1])
    if hi > lo:
        frames, rows = _ground_psd(plan, np.arange(lo, hi))
        out[frames - k0] = rows
    return out


def frame_psd(plan: Plan, k0: int, k1: int) -> NDArray[np.float32]:
    """PSD [Pa^2/Hz] of frames ``k0..k1-1`` at the plan's listener."""
    if plan.listener == "onboard":
        tau = plan.frame_centre_s(np.arange(k0, k1))
        return frame_psd_onboard(plan, tau)
    return frame_psd_ground(plan, k0, k1)


# ---------------------------------------------------------------------------------------- streaming
def level_estimate_pa(plan: Plan, *, every: int = 8) -> float:
    """Largest rms pressure [Pa] of the noise sources over every ``every``-th frame (for the calibration)."""
    n_frames = plan.n_frames
    df = plan.sample_rate_hz / plan.nfft
    peak = 0.0
    if plan.listener == "onboard":
        k = np.arange(0, n_frames, every)
        tau = plan.frame_centre_s(k)
        for i in range(0, k.size, CHUNK_FRAMES):
            psd = frame_psd_onboard(plan, tau[i : i + CHUNK_FRAMES], stride=1)
            peak = max(peak, float(np.max(np.sum(psd, axis=1))) * df)
        return math.sqrt(peak)
    idx = np.nonzero(plan.emit_frame % every == 0)[0]
    for i in range(0, idx.size, 4 * CHUNK_FRAMES):
        _, rows = _ground_psd(plan, idx[i : i + 4 * CHUNK_FRAMES])
        if rows.size:
            peak = max(peak, float(np.max(np.sum(rows, axis=1))) * df)
    return math.sqrt(peak)


def iter_pressure_blocks(plan: Plan, *, progress: Callable[[int], None] | None = None) -> Iterator[NDArray[np.float32]]:
    """Yield the soundtrack as float32 pressure blocks [Pa], ``plan.total_samples`` samples in all."""
    from scipy import fft as sfft  # imported on use: the CLI's start-up stays light

    n, hop, fs = plan.nfft, plan.hop, plan.sample_rate_hz
    total = plan.total_samples
    amp_scale = F32(n * fs / 4.0)  # /2 one-sided, /2 for the two unit-variance parts of each bin
    win = np.sin(np.pi * (np.arange(n) + 0.5) / n).astype(F32)
    rng = np.random.default_rng(plan.seed)
    lag = (OVERLAP - 1) * hop
    carry = np.zeros(lag, F32)
    emitted = -lag  # absolute sample index of the next output sample (frame 0 starts at -lag)
    k = 0
    tr_i = 0
    transients = plan.transients
    while emitted < total:
        m = CHUNK_FRAMES
        psd = frame_psd(plan, k, k + m)
        np.maximum(psd, 0.0, out=psd)
        psd *= amp_scale
        amp = np.sqrt(psd, out=psd)
        amp[:, 0] = 0.0
        amp[:, -1] = 0.0
        spec = rng.standard_normal((m, 2 * amp.shape[1]), dtype=F32).view(np.complex64)
        spec *= amp
        frames = sfft.irfft(spec, n, axis=1).astype(F32, copy=False)
        frames *= win
        acc = np.zeros(m * hop + lag, F32)
        acc[:lag] = carry
        for j in range(OVERLAP):
            acc[j * hop : j * hop + m * hop] += frames[:, j * hop : (j + 1) * hop].reshape(-1)
        block = acc[: m * hop]
        carry = acc[m * hop :].copy()
        s0, s1 = emitted, emitted + m * hop
        # impulsive sounds overlapping [s0, s1)
        while tr_i < len(transients) and transients[tr_i].start_sample + transients[tr_i].pressure_pa.size <= s0:
            tr_i += 1
        for tr_ in transients[tr_i:]:
            if tr_.start_sample >= s1:
                break
            a = max(s0, tr_.start_sample)
            b = min(s1, tr_.start_sample + tr_.pressure_pa.size)
            if b > a:
                block[a - s0 : b - s0] += tr_.pressure_pa[a - tr_.start_sample : b - tr_.start_sample]
        emitted = s1
        k += m
        lo = max(0, -s0)
        hi = min(block.size, total - s0)
        if hi > lo:
            out = block[lo:hi]
            if progress is not None:
                progress(out.size)
            yield out
