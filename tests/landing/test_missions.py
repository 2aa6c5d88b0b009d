"""Missions as data: names, sources of every number, published timelines, microphones, overrides."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from marsound.errors import FileFormatError, InvalidParameterError, UnknownNameError
from marsound.landing.missions import (
    MISSION_NAMES,
    Mission,
    all_microphones,
    get_mission,
    mission_with_overrides,
    published_timeline,
)
from marsound.landing.model import EVENT_NAMES
from marsound.landing.trajectory_fit import FIT_PLANS

_SECTIONS = ("vehicle", "vehicle.engines", "entry", "site", "triggers")


def _numbers(m: Mission) -> dict[str, object]:
    out: dict[str, object] = {}
    for section in _SECTIONS:
        obj: object = m
        for part in section.split("."):
            obj = getattr(obj, part)
        for f in dataclasses.fields(obj):  # type: ignore[arg-type]
            value = getattr(obj, f.name)
            if isinstance(value, (int, float, tuple)) and not isinstance(value, bool):
                out[f"{section}.{f.name}"] = value
    return out


def test_names_and_lookup() -> None:
    assert MISSION_NAMES == ("perseverance", "curiosity", "zhurong")
    assert get_mission("Perseverance").name == "perseverance"
    with pytest.raises(UnknownNameError) as err:
        get_mission("beagle2")
    for name in MISSION_NAMES:
        assert name in str(err.value)


@pytest.mark.parametrize("name", MISSION_NAMES)
def test_every_number_has_a_source(name: str) -> None:
    m = get_mission(name)
    unsourced = []
    for path, value in _numbers(m).items():
        if path in m.sources:
            continue
        # a zero that switches a feature off (no ballast, no hover...) needs no source
        if isinstance(value, (int, float)) and value == 0:
            continue
        unsourced.append(path)
    assert not unsourced, f"{name}: numbers without a source: {unsourced}"
    for path, src in m.sources.items():
        assert src.status in ("published", "inferred", "fitted"), path
        assert src.citation.strip(), path


@pytest.mark.parametrize("name", MISSION_NAMES)
def test_fitted_parameters_are_the_fit_plan_within_bounds(name: str) -> None:
    m = get_mission(name)
    plan = {ft.parameter: ft for ft in FIT_PLANS[name]}
    assert set(m.fitted_parameters()) == set(plan)
    for path, ft in plan.items():
        obj: object = m
        for part in path.split("."):
            obj = getattr(obj, part)
        assert ft.lo <= float(obj) <= ft.hi, path  # type: ignore[arg-type]


@pytest.mark.parametrize("name", MISSION_NAMES)
def test_published_timeline(name: str) -> None:
    events = published_timeline(name)
    times = [e.time_s for e in events]
    assert times == sorted(times) and times[0] == 0.0
    assert all(e.kind == "published" and e.source for e in events)
    names = {e.name for e in events}
    for required in ("entry_interface", "parachute_deploy", "heat_shield_separation", "backshell_separation",
                     "touchdown"):
        assert required in names
    assert names & set(EVENT_NAMES) <= set(EVENT_NAMES)


def test_perseverance_reconstruction_values() -> None:
    m = get_mission("perseverance")
    assert m.published_event("parachute_deploy").time_s == pytest.approx(240.63)
    assert m.published_event("parachute_deploy").state == {"mach": 1.81, "dynamic_pressure_pa": 520.0}
    assert m.published_event("touchdown").time_s == pytest.approx(418.07)
    assert m.vehicle.engines.count == 8
    assert m.triggers.landing_mode == "sky_crane"
    assert get_mission("zhurong").triggers.landing_mode == "hover"


def test_microphones_say_what_was_heard() -> None:
    mics = {(m.mission, m.name): m for m in all_microphones()}
    persev = [m for (mission, _), m in mics.items() if mission == "perseverance"]
    assert {m.name for m in persev} == {"SuperCam microphone", "EDL microphone (EDLCAM)"}
    assert not any(m.recorded_descent for m in mics.values())
    missions = {mission for mission, _ in mics}
    assert {"zhurong", "mars-polar-lander", "phoenix", "netlander"} <= missions
    edl = next(m for m in persev if m.name.startswith("EDL"))
    assert "usable" in edl.status


def test_overrides_file(tmp_path: Path) -> None:
    good = tmp_path / "v.json"
    good.write_text(json.dumps({"vehicle": {"entry_mass_kg": 3400, "engines": {"thrust_max_n": 3000}}}))
    m = mission_with_overrides("perseverance", good)
    assert m.vehicle.entry_mass_kg == 3400 and m.vehicle.engines.thrust_max_n == 3000
    assert m.source_of("vehicle.engines.thrust_max_n").citation == "overridden by v.json"
    for text, exc, words in (
        ("{not json", FileFormatError, "cannot read"),
        ("[1, 2]", FileFormatError, "JSON object"),
        ('{"rocket": {}}', InvalidParameterError, "unknown key"),
        ('{"vehicle": {"wings": 2}}', InvalidParameterError, "wings"),
        ('{"vehicle": {"entry_mass_kg": -5}}', InvalidParameterError, "entry_mass_kg"),
        ('{"vehicle": {"entry_mass_kg": "heavy"}}', InvalidParameterError, "not a number"),
    ):
        bad = tmp_path / "bad.json"
        bad.write_text(text)
        with pytest.raises(exc, match=words):
            mission_with_overrides("perseverance", bad)
    with pytest.raises(FileFormatError):
        mission_with_overrides("perseverance", tmp_path / "missing.json")


def test_fit_recovers_a_stored_parameter() -> None:
    """Refitting Perseverance's parachute C_D from a perturbed start lands on the stored value."""
    from marsound.landing.trajectory_fit import fit_mission

    stored = get_mission("perseverance")
    target = next(ft for ft in FIT_PLANS["perseverance"] if ft.parameter == "vehicle.parachute_drag_coefficient")
    start = stored.replace(vehicle={"parachute_drag_coefficient": 0.5})
    _, values = fit_mission(start, rounds=1, plan=(target,))
    assert values[target.parameter] == pytest.approx(stored.vehicle.parachute_drag_coefficient, abs=0.005)
