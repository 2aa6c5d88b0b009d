"""Trajectory reports and files: the JSON of ``marsound landing simulate/timeline`` and the CSV time series.

The CSV has one header row and one row per sample, columns :data:`CSV_COLUMNS` (SI units, names
carrying them; ``phase`` is text). :func:`read_trajectory_csv` reads it back, so that the sound and
video parts can start from a saved trajectory.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import numpy as np

from marsound._atomic import atomic_path
from marsound.errors import FileFormatError, InvalidParameterError
from marsound.landing.missions import Mission, get_mission, published_timeline
from marsound.landing.model import EVENT_NAMES, Event, Trajectory

#: Columns of the trajectory CSV, in order (the optional extras are written when present).
CSV_COLUMNS: tuple[str, ...] = (
    "time_s",
    "altitude_m",
    "altitude_areoid_m",
    "speed_m_s",
    "vertical_speed_m_s",
    "mach",
    "dynamic_pressure_pa",
    "temperature_k",
    "pressure_pa",
    "density_kg_m3",
    "sound_speed_m_s",
    "thrust_n",
    "throttle",
    "mass_kg",
    "deceleration_m_s2",
    "downrange_m",
    "flight_path_angle_rad",
    "engine_altitude_m",
    "phase",
)
_REQUIRED = CSV_COLUMNS[:12]
_OPTIONAL = CSV_COLUMNS[12:-1]

#: State keys of a simulated event in the JSON report (``deceleration_m_s2`` only where known).
EVENT_FIELDS: tuple[str, ...] = (
    "altitude_m",
    "altitude_areoid_m",
    "speed_m_s",
    "vertical_speed_m_s",
    "mach",
    "dynamic_pressure_pa",
    "deceleration_m_s2",
    "mass_kg",
)


def _event_json(ev: Event) -> dict[str, object]:
    out: dict[str, object] = {"name": ev.name, "time_s": round(ev.time_s, 3)}
    for key in EVENT_FIELDS:
        if key in ev.state:
            out[key] = round(float(ev.state[key]), 4)
    return out


def simulation_report(traj: Trajectory, mission: Mission | None = None) -> dict[str, object]:
    """The JSON report of ``marsound landing simulate --json``.

    ``events`` holds the contract events (:data:`EVENT_NAMES`) in time order, each with ``name``,
    ``time_s`` (after entry interface), ``altitude_m`` (above the site), ``speed_m_s``, ``mach``,
    ``dynamic_pressure_pa`` (and ``deceleration_m_s2`` for ``peak_deceleration``); ``other_events``
    the extra simulated events; ``comparison`` each event also published, with the error;
    ``fitted_parameters`` the mission's fitted numbers and what they were fitted to.
    """
    m = mission or get_mission(traj.mission)
    events = [_event_json(e) for e in traj.events if e.name in EVENT_NAMES]
    others = [_event_json(e) for e in traj.events if e.name not in EVENT_NAMES]
    comparison = []
    for row in compare_events(traj, m):
        comparison.append({k: (round(v, 3) if isinstance(v, float) else v) for k, v in row.items()})
    return {
        "mission": m.name,
        "kind": "simulated",
        "events": events,
        "other_events": others,
        "comparison": comparison,
        "duration_s": round(float(traj.time_s[-1]), 3),
        "fitted_parameters": {k: {"citation": s.citation} for k, s in m.fitted_parameters().items()},
    }


def timeline_report(name: str) -> dict[str, object]:
    """The JSON report of ``marsound landing timeline --json``: the published events with sources.

    Each event has ``name``, ``time_s`` and ``source``, its published state where given, and
    ``time_uncertainty_s`` where the source table gives one.
    """
    m = get_mission(name)
    rows = []
    for ev in published_timeline(name):
        row: dict[str, object] = {"name": ev.name, "time_s": ev.time_s, "source": ev.source}
        row.update({k: float(v) for k, v in ev.state.items()})
        src = m.sources.get(f"events.{ev.name}.time_s")
        if src is not None and src.uncertainty is not None:
            row["time_uncertainty_s"] = src.uncertainty
        rows.append(row)
    microphones = [
        {"name": mic.name, "recorded_descent": mic.recorded_descent, "status": mic.status, "source": mic.source}
        for mic in m.microphones
    ]
    return {"mission": m.name, "kind": "published", "events": rows, "microphones": microphones}


def compare_events(traj: Trajectory, mission: Mission | None = None) -> list[dict[str, object]]:
    """Simulated against published events: one row per event present in both.

    Each row: ``name``, ``simulated_s``, ``published_s``, ``error_s``, ``tolerance_s`` (the source
    table's uncertainty, or ``None``) and, for each published state value, ``simulated_<key>``,
    ``published_<key>``.
    """
    m = mission or get_mission(traj.mission)
    sim = {e.name: e for e in traj.events}
    rows: list[dict[str, object]] = []
    for pub in sorted(m.published_events, key=lambda e: e.time_s):
        ev = sim.get(pub.name)
        if ev is None:
            continue
        src = m.sources.get(f"events.{pub.name}.time_s")
        row: dict[str, object] = {
            "name": pub.name,
            "simulated_s": ev.time_s,
            "published_s": pub.time_s,
            "error_s": ev.time_s - pub.time_s,
            "tolerance_s": src.uncertainty if src is not None else None,
        }
        for key, value in pub.state.items():
            if key in ev.state:
                row[f"simulated_{key}"] = float(ev.state[key])
                row[f"published_{key}"] = float(value)
        rows.append(row)
    return rows


def write_trajectory_csv(traj: Trajectory, path: str | Path, *, inputs: tuple[str | Path, ...] = ()) -> Path:
    """Write the trajectory's time series as CSV, atomically (temp file + rename).

    ``inputs`` are files the output must not overwrite (refused with ``InvalidParameterError``).
    """
    cols = [c for c in CSV_COLUMNS if c == "phase" or getattr(traj, c) is not None]
    arrays = [getattr(traj, c) for c in cols]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for i in range(traj.time_s.size):
        w.writerow([a[i] if c == "phase" else f"{float(a[i]):.6g}" for c, a in zip(cols, arrays)])
    target = Path(path)
    if target.is_dir():
        raise InvalidParameterError(f"output {target} is a directory; give a file name such as traj.csv")
    try:
        with atomic_path(target, inputs=inputs) as tmp:
            tmp.write_text(buf.getvalue(), encoding="utf-8")
    except OSError as exc:
        raise InvalidParameterError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target


def read_trajectory_csv(path: str | Path, mission: str = "") -> Trajectory:
    """Read a trajectory CSV written by :func:`write_trajectory_csv` (events are not stored in it).

    Raises
    ------
    FileFormatError
        If the file is unreadable, lacks a required column, has a non-numeric cell or times that
        do not increase.
    """
    from marsound._files import regular_file

    p = regular_file(path, "trajectory CSV")  # a FIFO would block the read forever
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FileFormatError(f"cannot read trajectory CSV {p}: {exc}") from exc
    rows = list(csv.reader(text.splitlines()))
    if len(rows) < 3:
        raise FileFormatError(f"trajectory CSV {p} needs a header and at least two rows")
    header = rows[0]
    missing = [c for c in (*_REQUIRED, "phase") if c not in header]
    if missing:
        raise FileFormatError(f"trajectory CSV {p} lacks column(s) {', '.join(missing)}")
    if any(len(r) != len(header) for r in rows[1:]):
        raise FileFormatError(f"trajectory CSV {p}: rows do not all have {len(header)} cells")
    cols = {h: [r[i] for r in rows[1:]] for i, h in enumerate(header)}
    num: dict[str, np.ndarray] = {}
    try:
        for c in (*_REQUIRED, *_OPTIONAL):
            if c in cols:
                num[c] = np.array([float(x) for x in cols[c]], dtype=np.float64)
    except ValueError as exc:
        raise FileFormatError(f"trajectory CSV {p}: non-numeric cell ({exc})") from exc
    if not np.all(np.isfinite(num["time_s"])) or np.any(np.diff(num["time_s"]) <= 0):
        raise FileFormatError(f"trajectory CSV {p}: time_s must be finite and strictly increasing")
    arrays: dict[str, Any] = {k: num[k] for k in _REQUIRED}
    arrays.update({k: num.get(k) for k in _OPTIONAL})
    return Trajectory(mission=mission or p.stem, phase=np.array(cols["phase"], dtype=np.str_), **arrays)


__all__ = [
    "CSV_COLUMNS",
    "EVENT_FIELDS",
    "compare_events",
    "read_trajectory_csv",
    "simulation_report",
    "timeline_report",
    "write_trajectory_csv",
]
