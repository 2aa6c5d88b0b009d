"""Missions as data: vehicles, entry states, sites, triggers, published timelines, microphones.

Every number of a mission has an entry in its source table (:attr:`Mission.sources`): where it
comes from and whether it is ``"published"`` (read in a public primary or press source),
``"inferred"`` (recalled, secondary, or derived from published figures), or ``"fitted"``
(a free parameter set, within its published uncertainty, so that the simulated events of
:func:`marsound.landing.trajectory.simulate` land on the published ones).

The numbers themselves live in :mod:`marsound.landing.missions_data`; this module holds the
types and the registry.

Examples
--------
>>> from marsound.landing.missions import get_mission, published_timeline
>>> m = get_mission("perseverance")
>>> m.vehicle.engines.count
8
>>> [e.name for e in published_timeline("zhurong")][:3]
['entry_interface', 'peak_heating', 'parachute_deploy']
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from pathlib import Path

from marsound.errors import FileFormatError, InvalidParameterError, UnknownNameError
from marsound.landing.mission_types import (
    Engines,
    EntryState,
    Microphone,
    Mission,
    Site,
    Source,
    Triggers,
    Vehicle,
)
from marsound.landing.model import Event


def _registry() -> dict[str, Mission]:
    from marsound.landing.missions_data import MISSIONS

    return {m.name: m for m in MISSIONS}


#: Names of the missions :func:`get_mission` knows.
MISSION_NAMES: tuple[str, ...] = ("perseverance", "curiosity", "zhurong")


def get_mission(name: str) -> Mission:
    """The mission called ``name`` (case-insensitive).

    Raises
    ------
    UnknownNameError
        Naming the known missions.
    """
    missions = _registry()
    key = str(name).strip().lower()
    if key not in missions:
        raise UnknownNameError(f"unknown mission {name!r}; known missions: {', '.join(MISSION_NAMES)}")
    return missions[key]


def published_timeline(name: str) -> tuple[Event, ...]:
    """The published events of a mission (kind ``"published"``, each with its source), in time order."""
    return tuple(sorted(get_mission(name).published_events, key=lambda e: e.time_s))


def mission_with_overrides(mission: Mission | str, path: str | Path) -> Mission:
    """A mission with the numbers of a JSON file replaced (a "vehicle file").

    The file holds one object whose keys are :class:`Mission` fields, nested for the vehicle,
    engines, entry, site and triggers: ``{"vehicle": {"entry_mass_kg": 3400, "engines":
    {"thrust_max_n": 3000}}, "triggers": {"bank_angle_deg": 60}}``. The changed numbers are
    marked ``"inferred"`` with the file as their source.

    Raises
    ------
    FileFormatError
        If the file cannot be read or is not a JSON object.
    InvalidParameterError
        On an unknown field or a bad value (named with its path).
    """
    m = mission if isinstance(mission, Mission) else get_mission(mission)
    from marsound._files import regular_file

    p = regular_file(path, "vehicle file", max_bytes=1 << 20)  # a FIFO would block; a few kB of overrides
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise FileFormatError(f"cannot read vehicle file {p}: {exc}") from exc
    if not isinstance(data, dict):
        raise FileFormatError(f"vehicle file {p} must hold a JSON object of mission fields")
    allowed = {"vehicle", "entry", "site", "triggers"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise InvalidParameterError(f"vehicle file {p}: unknown key(s) {unknown}; known: {sorted(allowed)}")
    out = m.replace(**data)
    sources = dict(out.sources)
    for path_key in _leaf_paths(data):
        sources[path_key] = Source("inferred", f"overridden by {p.name}")
    return dataclasses.replace(out, sources=sources)


def _leaf_paths(data: Mapping[str, object], prefix: str = "") -> list[str]:
    out: list[str] = []
    for k, v in data.items():
        key = f"{prefix}{k}"
        out.extend(_leaf_paths(v, key + ".") if isinstance(v, Mapping) else [key])
    return out


def all_microphones() -> tuple[Microphone, ...]:
    """Every microphone sent (or planned) to Mars that this package knows, with what it heard."""
    from marsound.landing.missions_data import HISTORICAL_MICROPHONES

    mics: list[Microphone] = []
    for m in _registry().values():
        mics.extend(m.microphones)
    return (*mics, *HISTORICAL_MICROPHONES)


__all__ = [
    "MISSION_NAMES",
    "Engines",
    "EntryState",
    "Microphone",
    "Mission",
    "Site",
    "Source",
    "Triggers",
    "Vehicle",
    "all_microphones",
    "get_mission",
    "mission_with_overrides",
    "published_timeline",
]
