"""``render_descent_sound``: the descent soundtrack of a mission, written to a sound file with a JSON sidecar."""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from marsound._atomic import atomic_path
from marsound._validate import choose, positive_finite
from marsound.errors import InvalidParameterError
from marsound.landing.model import Event, Trajectory
from marsound.landing.sound import aero, boom, parachute, pyro, rocket
from marsound.landing.sound.params import Parameter, resolve
from marsound.landing.sound.prepare import arrival, prepare_ground, prepare_modulation, prepare_transients
from marsound.landing.sound.propagation import AIRS, build_air_column, distance_to_go_m
from marsound.landing.sound.synth import (
    LISTENERS,
    OVERLAP,
    SOURCE_NAMES,
    Plan,
    iter_pressure_blocks,
    level_estimate_pa,
)
from marsound.landing.sound.timeline import VEHICLES, VehicleAcoustics, align, vehicle_from_mission

DEFAULT_SAMPLE_RATE_HZ = 48_000
DEFAULT_LISTENER = "onboard"
DEFAULT_GROUND_DISTANCE_M = 1_000.0
MIN_LISTENER_DISTANCE_M = 1.0
MAX_LISTENER_DISTANCE_M = 200_000.0
MIN_SAMPLE_RATE_HZ = 8_000.0
MAX_SAMPLE_RATE_HZ = 192_000.0
TAIL_S = 5.0
HEADROOM = 4.0  # full scale = HEADROOM x the largest rms of the noise sources (crest factor of Gaussian noise)

MODEL_NOTICE = (
    "MODEL, NOT A RECORDING: no audio of a Mars descent exists (Perseverance's EDL microphone recorded nothing "
    "usable; no Zhurong descent audio). Each source's level is a published scaling law with uncertain parameters "
    "(listed with their ranges); propagation by marsound's physics core."
)

#: Every uncertain parameter of the source models, by option name.
PARAMETERS: dict[str, Parameter] = {
    **aero.PARAMETERS,
    **parachute.PARAMETERS,
    **pyro.PARAMETERS,
    **rocket.PARAMETERS,
    **boom.PARAMETERS,
}

_SOURCE_CITATIONS = {
    "aero": "turbulent boundary layer: p_rms ∝ q (Lowson 1968), Goody (2004) spectrum, aeroshell mass-law loss",
    "parachute": "canopy wake: Lighthill (1952) power, Strouhal hump, breathing/flutter modulation",
    "pyro": "pyros and parachute jolts: radiated energy, Friedlander pulses / thumps",
    "rocket": "rockets: NASA SP-8072 (Eldred 1971) W = eta F U_e / 2, DSM-II Strouhal spectrum",
    "touchdown": "touchdown: a fraction of the kinetic energy at contact",
    "boom": "sonic boom (ground listener): Carlson (1978) NASA TP-1122 N-wave",
}
_SOURCE_PARAMS = {
    "aero": aero.PARAMETERS,
    "parachute": parachute.PARAMETERS,
    "pyro": {k: v for k, v in pyro.PARAMETERS.items() if k != "touchdown_efficiency"},
    "rocket": rocket.PARAMETERS,
    "touchdown": {"touchdown_efficiency": pyro.PARAMETERS["touchdown_efficiency"]},
    "boom": boom.PARAMETERS,
}


@dataclass(frozen=True)
class SoundEvent:
    """An event of the soundtrack: mission time and where it is heard in the file."""

    name: str
    time_s: float
    audio_time_s: float
    kind: str = "simulated"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "time_s": self.time_s, "audio_time_s": self.audio_time_s, "kind": self.kind}


@dataclass(frozen=True)
class DescentSound:
    """What :func:`render_descent_sound` wrote (``to_json()`` is the sidecar)."""

    path: Path | None
    mission: str
    listener: str
    listener_distance_m: float | None
    air: str
    start_s: float
    end_s: float
    sample_rate_hz: int
    frames: int
    full_scale_pa: float
    events: tuple[SoundEvent, ...]
    sources: dict[str, dict[str, Any]]
    vehicle: dict[str, Any]
    peak_pa: float = 0.0
    notes: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model_notice": MODEL_NOTICE,
            "mission": self.mission,
            "listener": self.listener,
            "listener_distance_m": self.listener_distance_m,
            "air": self.air,
            "sample_rate_hz": self.sample_rate_hz,
            "start_s": self.start_s,
            "end_s": self.end_s,
            "duration_s": self.frames / self.sample_rate_hz,
            "frames": self.frames,
            "full_scale_pa": self.full_scale_pa,
            "calibration": f"sample value 1.0 = {self.full_scale_pa:.6g} Pa",
            "peak_pa": self.peak_pa,
            "events": [e.to_dict() for e in self.events],
            "sources": self.sources,
            "vehicle": self.vehicle,
            "notes": list(self.notes),
            **self.extra,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)


def _load_mission(name: str) -> tuple[Trajectory, tuple[Event, ...], VehicleAcoustics]:
    """Simulate the mission called ``name``; its published timeline; its acoustic vehicle."""
    from marsound.landing.missions import get_mission, published_timeline
    from marsound.landing.trajectory import simulate

    m = get_mission(name)
    return simulate(m), tuple(published_timeline(m.name)), vehicle_from_mission(m)


def _window(traj: Trajectory, start_s: float | None, end_s: float | None, latest_s: float) -> tuple[float, float]:
    t0 = float(traj.time_s[0])
    s = t0 if start_s is None else float(start_s)
    e = latest_s if end_s is None else float(end_s)
    for name, v in (("start_s", s), ("end_s", e)):
        if not math.isfinite(v):
            raise InvalidParameterError(f"{name}={v!r} must be finite")
    if e <= s:
        raise InvalidParameterError(f"end_s={e:g} must be after start_s={s:g}")
    if s < t0 or e > latest_s + 1e-9:
        raise InvalidParameterError(
            f"window {s:g}..{e:g} s is outside the descent: mission times {t0:g}..{latest_s:.6g} s for this listener"
        )
    return s, e


def plan_descent_sound(
    *,
    mission: str,
    listener: str = DEFAULT_LISTENER,
    listener_distance_m: float | None = None,
    start_s: float | None = None,
    end_s: float | None = None,
    sample_rate_hz: float = DEFAULT_SAMPLE_RATE_HZ,
    air: str = "mars",
    sources: Sequence[str] = SOURCE_NAMES,
    seed: int = 0,
    trajectory: Trajectory | None = None,
    published_events: Sequence[Event] = (),
    vehicle: VehicleAcoustics | None = None,
    parameters: Mapping[str, object] | None = None,
    **source_options: object,
) -> Plan:
    """Prepare a descent soundtrack (validation, air column, events, transients); stream it with
    :func:`marsound.landing.sound.synth.iter_pressure_blocks`. Arguments as :func:`render_descent_sound`."""
    listener = choose("listener", listener, LISTENERS)
    air = choose("air", air, AIRS)
    srcs = tuple(choose("source", s, SOURCE_NAMES) for s in sources)
    fs = positive_finite(sample_rate_hz, "sample_rate_hz")
    if not MIN_SAMPLE_RATE_HZ <= fs <= MAX_SAMPLE_RATE_HZ or fs != int(fs):
        raise InvalidParameterError(f"sample_rate_hz={sample_rate_hz!r} must be an integer in 8000..192000 Hz")
    if listener == "ground":
        d = DEFAULT_GROUND_DISTANCE_M if listener_distance_m is None else listener_distance_m
        d = positive_finite(d, "listener_distance_m")
        if not MIN_LISTENER_DISTANCE_M <= d <= MAX_LISTENER_DISTANCE_M:
            raise InvalidParameterError(
                f"listener_distance_m={d:g} outside {MIN_LISTENER_DISTANCE_M:g}..{MAX_LISTENER_DISTANCE_M:g} m"
            )
    else:
        if listener_distance_m is not None:
            raise InvalidParameterError(
                "listener_distance_m is for the ground listener (the on-board one rides the lander)"
            )
        d = 0.0
    params = resolve(PARAMETERS, {**(parameters or {}), **source_options})
    if trajectory is None:
        traj, published, veh = _load_mission(mission)
    else:
        traj, published = trajectory, tuple(published_events)
        veh = VEHICLES.get(mission.lower(), VEHICLES["perseverance"])
    veh = vehicle or veh
    aligned, events = align(traj, published)
    if veh.sky_crane and "touchdown" in events and "bridle_cut" not in events:
        events["bridle_cut"] = Event("bridle_cut", events["touchdown"].time_s + 0.05, "simulated", "touchdown + 0.05 s")
    nfft = int(2 ** round(math.log2(fs * 0.0427)))
    freq = np.asarray(np.fft.rfftfreq(nfft, 1.0 / fs), dtype=np.float64)
    column = build_air_column(aligned, freq, air=air)
    plan = Plan(
        trajectory=aligned,
        events=events,
        vehicle=veh,
        params=params,
        sources=srcs,
        listener=listener,
        listener_distance_m=d,
        column=column,
        sample_rate_hz=fs,
        start_s=0.0,
        end_s=1.0,
        seed=int(seed),
        nfft=nfft,
        hop=nfft // OVERLAP,
        frequency_hz=freq,
    )
    t_last = max(float(aligned.time_s[-1]), max(e.time_s for e in events.values()))
    latest = t_last + TAIL_S
    if listener == "ground":
        plan._to_go_m = distance_to_go_m(aligned)
        t_arr, _ = arrival(plan, np.array([t_last]))
        latest = float(t_arr[0]) + TAIL_S
    plan.start_s, plan.end_s = _window(aligned, start_s, end_s, latest)
    prepare_modulation(plan)
    if listener == "ground":
        prepare_ground(plan)
    prepare_transients(plan)
    return plan


def sound_events(plan: Plan) -> tuple[SoundEvent, ...]:
    """The plan's events heard inside its window, in order of hearing."""
    out = []
    for name, ev in plan.events.items():
        delay = plan.arrival_delay_s.get(name)
        if delay is None and plan.listener == "ground":
            t_arr, _ = arrival(plan, np.array([ev.time_s]))
            delay = float(t_arr[0]) - ev.time_s
        heard = ev.time_s + (delay or 0.0) - plan.start_s
        if 0.0 <= heard <= plan.end_s - plan.start_s:
            out.append(SoundEvent(name, round(float(ev.time_s), 6), round(float(heard), 6), ev.kind))
    return tuple(sorted(out, key=lambda e: e.audio_time_s))


def describe(plan: Plan, *, path: Path | None, frames: int, full_scale_pa: float, peak_pa: float) -> DescentSound:
    """The :class:`DescentSound` record of a plan."""
    sources = {
        s: {
            "law": _SOURCE_CITATIONS[s],
            "parameters": {k: p.describe(plan.params[k]) for k, p in _SOURCE_PARAMS[s].items()},
        }
        for s in plan.sources
    }
    v = plan.vehicle
    if "rocket" in sources:
        full = v.engine_count * v.engine_thrust_max_n
        sources["rocket"]["derived"] = {
            "engines": v.engine_count,
            "total_thrust_max_n": full,
            "exhaust_velocity_m_s": v.exhaust_velocity_m_s,
            "sound_power_w_at_max_thrust": float(
                rocket.sound_power_w(full, v.exhaust_velocity_m_s, plan.params["rocket_efficiency"])
            ),
            "sound_power_level_db_re_1pw_at_max_thrust": rocket.sound_power_level_db(
                full, v.exhaust_velocity_m_s, plan.params["rocket_efficiency"]
            ),
        }
    extra: dict[str, Any] = {}
    if plan.boom_info is not None:
        extra["sonic_boom"] = plan.boom_info
    return DescentSound(
        path=path,
        mission=plan.trajectory.mission,
        listener=plan.listener,
        listener_distance_m=plan.listener_distance_m if plan.listener == "ground" else None,
        air=plan.column.name,
        start_s=plan.start_s,
        end_s=plan.end_s,
        sample_rate_hz=int(plan.sample_rate_hz),
        frames=frames,
        full_scale_pa=full_scale_pa,
        events=sound_events(plan),
        sources=sources,
        vehicle={k: getattr(v, k) for k in v.__dataclass_fields__},
        peak_pa=peak_pa,
        notes=plan.column.validity_notes,
        extra=extra,
    )


def full_scale_for(plan: Plan) -> float:
    """Default calibration: HEADROOM x the largest rms of the noise, or the largest impulse peak if higher."""
    rms = level_estimate_pa(plan)
    peaks = [float(np.max(np.abs(t.pressure_pa))) for t in plan.transients if t.pressure_pa.size]
    return max(HEADROOM * rms, 1.1 * max(peaks, default=0.0), 1e-6)


def iter_descent_sound(plan: Plan, *, progress: Callable[[int], None] | None = None) -> Iterator[NDArray[np.float32]]:
    """The soundtrack of a plan as float32 pressure blocks [Pa] (streaming; bounded memory)."""
    return iter_pressure_blocks(plan, progress=progress)


def render_descent_sound(
    out_path: str | Path,
    *,
    mission: str,
    listener: str = DEFAULT_LISTENER,
    listener_distance_m: float | None = None,
    start_s: float | None = None,
    end_s: float | None = None,
    sample_rate_hz: float = DEFAULT_SAMPLE_RATE_HZ,
    progress: Callable[[int], None] | None = None,
    air: str = "mars",
    sources: Sequence[str] = SOURCE_NAMES,
    seed: int = 0,
    full_scale_pa: float | None = None,
    trajectory: Trajectory | None = None,
    published_events: Sequence[Event] = (),
    vehicle: VehicleAcoustics | None = None,
    spectrogram: Any | None = None,
    parameters: Mapping[str, object] | None = None,
    **source_options: object,
) -> DescentSound:
    """Render what a microphone on the lander, or on the ground, would hear during a mission's descent.

    Parameters
    ----------
    out_path
        Output sound file (``.wav`` float 32-bit); the sidecar ``<out_path>.json`` is written beside it.
    mission
        Mission name (``"perseverance"``, ``"zhurong"``); its trajectory is simulated and aligned on its
        published timeline.
    listener
        ``"onboard"`` (the lander's microphone, local air at its altitude) or ``"ground"``.
    listener_distance_m
        Ground listener only: horizontal distance from the touchdown point [m], 1 m-200 km
        (default 1 km).
    start_s, end_s
        Window in mission time at the listener [s after entry interface]; default: the whole descent
        plus 5 s (on the ground, until touchdown is heard plus 5 s). The file lasts ``end_s - start_s``.
    sample_rate_hz
        8-192 kHz, integer.
    progress
        Called with the number of samples just written.
    air
        ``"mars"`` or ``"earth"`` (the same descent and source powers heard in Earth's air).
    sources
        Which sources to render (default all: aero, parachute, pyro, rocket, touchdown, boom).
    seed
        Seed of the noise generator.
    full_scale_pa
        Pressure [Pa] written as sample value 1.0 (default: four times the loudest noise rms).
    trajectory, published_events, vehicle
        Use this trajectory (and timeline, vehicle) instead of simulating ``mission``.
    parameters
        Source parameters as a mapping (merged with ``**source_options``).
    spectrogram
        An object with ``add(block)`` fed every pressure block [Pa]
        (e.g. :class:`~marsound.landing.sound.plot.SpectrogramAccumulator`).
    **source_options
        Uncertain parameters of the source models (:data:`PARAMETERS`: default, range, unit, doc).

    Returns
    -------
    DescentSound
        Events with their mission and audio times, window, sources and parameters; ``to_json()``.
    """
    plan = plan_descent_sound(
        mission=mission,
        listener=listener,
        listener_distance_m=listener_distance_m,
        start_s=start_s,
        end_s=end_s,
        sample_rate_hz=sample_rate_hz,
        air=air,
        sources=sources,
        seed=seed,
        trajectory=trajectory,
        published_events=published_events,
        vehicle=vehicle,
        parameters=parameters,
        **source_options,
    )
    return write_descent_sound(out_path, plan, progress=progress, full_scale_pa=full_scale_pa, spectrogram=spectrogram)


def write_descent_sound(
    out_path: str | Path,
    plan: Plan,
    *,
    progress: Callable[[int], None] | None = None,
    full_scale_pa: float | None = None,
    spectrogram: Any | None = None,
) -> DescentSound:
    """Stream a prepared plan into ``out_path`` and its sidecar ``<out_path>.json``, atomically.

    See :func:`render_descent_sound`.
    """
    from marsound.audio import AudioWriter

    out = check_output_path(out_path)
    scale = positive_finite(full_scale_pa, "full_scale_pa") if full_scale_pa is not None else full_scale_for(plan)
    peak = 0.0
    try:
        with contextlib.ExitStack() as commit:  # the sound file and its sidecar are renamed in place together
            w = commit.enter_context(AudioWriter(out, int(plan.sample_rate_hz), 1, frames_hint=plan.total_samples))
            for block in iter_descent_sound(plan, progress=progress):
                peak = max(peak, float(np.max(np.abs(block))) if block.size else 0.0)
                if spectrogram is not None:
                    spectrogram.add(block)
                w.write(block * np.float32(1.0 / scale))
            w.close()
            result = describe(plan, path=out, frames=w.frames, full_scale_pa=scale, peak_pa=peak)
            tmp = commit.enter_context(atomic_path(sidecar_path(out)))
            tmp.write_text(result.to_json() + "\n", encoding="utf-8")
    except OSError as exc:
        raise InvalidParameterError(f"cannot write {out}: {exc.strerror or exc}") from None
    return result


def sidecar_path(out_path: str | Path) -> Path:
    """The JSON sidecar of a soundtrack: ``<out_path>.json``."""
    out = Path(out_path)
    return out.with_name(out.name + ".json")


def check_output_path(out_path: str | Path) -> Path:
    """The output path if its suffix is a sound format and it is not a folder (checked before any work)."""
    from marsound.audio import output_format

    out = Path(out_path)
    if out.is_dir():
        raise InvalidParameterError(f"output {out} is a folder; give a file name such as {out / 'descent.wav'}")
    output_format(out)
    return out


__all__ = [
    "DEFAULT_GROUND_DISTANCE_M",
    "DEFAULT_LISTENER",
    "DEFAULT_SAMPLE_RATE_HZ",
    "MODEL_NOTICE",
    "PARAMETERS",
    "DescentSound",
    "SoundEvent",
    "check_output_path",
    "describe",
    "iter_descent_sound",
    "plan_descent_sound",
    "render_descent_sound",
    "sidecar_path",
    "write_descent_sound",
]
