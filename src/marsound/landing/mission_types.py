"""The types of a mission: vehicle, engines, entry state, site, triggers, microphones, sources.

Data only (frozen dataclasses and their validated copies); the numbers of each mission live in
:mod:`marsound.landing.missions_data` and the registry in :mod:`marsound.landing.missions`.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, cast

import numpy as np

from marsound.errors import InvalidParameterError, UnknownNameError
from marsound.landing.model import Event

Status = Literal["published", "inferred", "fitted"]


@dataclass(frozen=True)
class Source:
    """Where one number comes from.

    Parameters
    ----------
    status
        ``"published"``, ``"inferred"`` or ``"fitted"`` (see the module docstring).
    citation
        The source (paper, NASA/CNSA document or press quote), or for a fitted value the
        published events it was fitted to.
    uncertainty
        Published or assumed ± range in the value's own unit, where known.
    """

    status: Status
    citation: str
    uncertainty: float | None = None


@dataclass(frozen=True)
class Engines:
    """The descent engines of a vehicle (thrusts per engine, N)."""

    count: int
    thrust_max_n: float
    thrust_min_n: float
    exhaust_velocity_m_s: float

    @property
    def total_thrust_max_n(self) -> float:
        """All engines at full throttle, N."""
        return self.count * self.thrust_max_n

    @property
    def total_thrust_min_n(self) -> float:
        """All engines at their lowest throttle, N."""
        return self.count * self.thrust_min_n


@dataclass(frozen=True)
class Vehicle:
    """An entry vehicle, from entry interface to touchdown (SI units).

    ``drag_coefficient_mach`` is a table of (Mach, C_D) of the aeroshell (reference area
    π D²/4), interpolated linearly and held constant beyond its ends; the parachute's
    ``parachute_drag_coefficient`` is subsonic and ``parachute_supersonic_factor`` scales it
    linearly from Mach 1 down to Mach 2 (disk-gap-band canopies drag less when supersonic).
    """

    entry_mass_kg: float
    aeroshell_diameter_m: float
    drag_coefficient_mach: tuple[tuple[float, float], ...]
    lift_to_drag: float
    ballast_mass_kg: float
    parachute_diameter_m: float
    parachute_drag_coefficient: float
    parachute_supersonic_factor: float
    line_stretch_s: float
    parachute_inflation_s: float
    heat_shield_mass_kg: float
    backshell_mass_kg: float
    propellant_mass_kg: float
    descent_drag_area_m2: float
    engines: Engines
    rover_mass_kg: float
    bridle_length_m: float = 0.0

    @property
    def reference_area_m2(self) -> float:
        """Aeroshell frontal area π D²/4, m²."""
        return math.pi * self.aeroshell_diameter_m**2 / 4.0

    @property
    def parachute_area_m2(self) -> float:
        """Nominal canopy area π D₀²/4, m²."""
        return math.pi * self.parachute_diameter_m**2 / 4.0

    @property
    def powered_descent_mass_kg(self) -> float:
        """Mass left after ballast, heat shield and backshell (+ chute) are gone, kg."""
        return self.entry_mass_kg - self.ballast_mass_kg - self.heat_shield_mass_kg - self.backshell_mass_kg

    def drag_coefficient(self, mach: float | np.ndarray) -> float | np.ndarray:
        """Aeroshell C_D at a Mach number (table interpolation)."""
        m, cd = np.asarray(self.drag_coefficient_mach, dtype=float).T
        out = np.interp(mach, m, cd)
        return float(out) if np.ndim(out) == 0 else out

    def parachute_drag_coefficient_at(self, mach: float) -> float:
        """Canopy C_D at a Mach number: subsonic value, reduced linearly from Mach 1 to 2."""
        frac = min(max(mach - 1.0, 0.0), 1.0)
        return self.parachute_drag_coefficient * (1.0 - (1.0 - self.parachute_supersonic_factor) * frac)


@dataclass(frozen=True)
class EntryState:
    """The state at the entry interface (non-rotating planet)."""

    altitude_areoid_m: float
    speed_m_s: float
    flight_path_angle_deg: float


@dataclass(frozen=True)
class Site:
    """The landing site; ``elevation_m`` is above the areoid (MOLA)."""

    name: str
    lat_deg: float
    lon_deg: float
    elevation_m: float


@dataclass(frozen=True)
class Triggers:
    """Event triggers and guidance settings of the simulation.

    Parameters
    ----------
    bank_angle_deg
        Bank angle magnitude of the guided (lifting) entry from entry interface. Bank reversals
        flip its sign; a planar model only sees cos σ, so they are not modelled.
    bank_switch_speed_m_s, late_bank_angle_deg
        The bank schedule's second leg: below this speed the bank magnitude becomes
        ``late_bank_angle_deg`` (held until ``sufr_speed_m_s``); a switch speed of 0 keeps one bank.
    sufr_speed_m_s
        Speed at which the vehicle "straightens up" (bank 0) and drops its ballast, which
        trims it to zero lift (0 for a vehicle that flies to the parachute with lift).
    parachute_trigger
        ``"mach"`` or ``"speed"``: what ``parachute_trigger_value`` is compared with.
    parachute_trigger_value
        Mortar fire when the Mach number (or speed, m/s) falls below this.
    heat_shield_delay_s
        Heat-shield separation this long after mortar fire.
    backshell_altitude_m
        Backshell (and parachute) separation at this altitude above the site.
    powered_descent_delay_s
        Engine start this long after backshell separation (free fall in between).
    approach_altitude_m
        End of the constant-deceleration approach (above the site): for a sky crane the
        top of the constant-velocity phase, for a hover lander the hover altitude.
    approach_speed_m_s
        Descent speed at ``approach_altitude_m`` (0 for a hover).
    constant_velocity_s
        Duration of the constant-velocity phase (sky crane landers).
    landing_altitude_m
        Sky crane start (descent-stage altitude) or the end of the hover's final descent.
    landing_speed_m_s
        Descent speed of the sky crane (or of the final descent after a hover), m/s.
    hover_altitude_m
        Hover altitude above the site (hover landers; 0 for a sky crane).
    hover_s
        Hover and hazard-avoidance time (hover landers).
    landing_mode
        ``"sky_crane"`` or ``"hover"``.
    """

    bank_angle_deg: float
    bank_switch_speed_m_s: float
    late_bank_angle_deg: float
    sufr_speed_m_s: float
    parachute_trigger: Literal["mach", "speed"]
    parachute_trigger_value: float
    heat_shield_delay_s: float
    backshell_altitude_m: float
    powered_descent_delay_s: float
    approach_altitude_m: float
    approach_speed_m_s: float
    constant_velocity_s: float
    landing_altitude_m: float
    landing_speed_m_s: float
    hover_altitude_m: float
    hover_s: float
    landing_mode: Literal["sky_crane", "hover"]


@dataclass(frozen=True)
class Microphone:
    """A microphone flown (or planned) to Mars, and what it recorded of a landing."""

    name: str
    mission: str
    recorded_descent: bool
    status: str
    source: str


@dataclass(frozen=True)
class Mission:
    """One mission: vehicle, entry state, site, triggers, published events, microphones.

    ``sources`` maps a dotted field path (``"vehicle.entry_mass_kg"``,
    ``"vehicle.engines.thrust_max_n"``, ``"triggers.bank_angle_deg"``...) to its
    :class:`Source`. Use :meth:`source_of` and :meth:`fitted_parameters`.
    """

    name: str
    title: str
    landing_date_utc: str
    vehicle: Vehicle
    entry: EntryState
    site: Site
    triggers: Triggers
    published_events: tuple[Event, ...]
    microphones: tuple[Microphone, ...]
    sources: Mapping[str, Source] = field(default_factory=dict)

    def source_of(self, path: str) -> Source:
        """The source of the number at ``path``; raises ``UnknownNameError`` naming the known paths."""
        try:
            return self.sources[path]
        except KeyError:
            known = ", ".join(sorted(self.sources))
            raise UnknownNameError(f"no source recorded for {path!r}; known: {known}") from None

    def fitted_parameters(self) -> dict[str, Source]:
        """The fitted free parameters (path -> source, whose citation names the fit targets)."""
        return {k: v for k, v in self.sources.items() if v.status == "fitted"}

    def published_event(self, name: str) -> Event:
        """The published event called ``name``; raises ``KeyError`` naming the known ones."""
        for ev in self.published_events:
            if ev.name == name:
                return ev
        known = ", ".join(e.name for e in self.published_events)
        raise KeyError(f"{self.name} has no published {name!r} (has: {known})")

    def replace(self, **changes: object) -> Mission:
        """A copy with fields replaced; ``vehicle={...}``, ``triggers={...}``, ``entry={...}``,
        ``site={...}`` (and ``vehicle={"engines": {...}}``) may be mappings of field overrides.

        Raises
        ------
        InvalidParameterError
            On an unknown field or a non-finite/negative number.
        """
        return cast(Mission, _replace(self, changes, "mission"))


def _replace(obj: object, changes: Mapping[str, object], where: str) -> object:
    names = {f.name: f for f in dataclasses.fields(obj)}  # type: ignore[arg-type]
    out: dict[str, object] = {}
    for key, value in changes.items():
        if key not in names:
            raise InvalidParameterError(f"{where} has no field {key!r}; known: {', '.join(names)}")
        current = getattr(obj, key)
        if dataclasses.is_dataclass(current):
            if not isinstance(value, Mapping):
                raise InvalidParameterError(f"{where}.{key} must be a mapping of fields, got {value!r}")
            out[key] = _replace(current, value, f"{where}.{key}")
        elif key == "drag_coefficient_mach":
            out[key] = _mach_table(value, f"{where}.{key}")
        elif isinstance(current, str) and not isinstance(value, str):
            raise InvalidParameterError(f"{where}.{key}={value!r} must be text")
        elif isinstance(current, (int, float)) and not isinstance(current, bool):
            try:
                x = float(value)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                raise InvalidParameterError(f"{where}.{key}={value!r} is not a number") from None
            if not math.isfinite(x) or (x < 0 and key not in _SIGNED_FIELDS):
                raise InvalidParameterError(f"{where}.{key}={value!r} must be finite and >= 0")
            out[key] = int(x) if isinstance(current, int) else x
        else:
            out[key] = value
    return dataclasses.replace(obj, **out)  # type: ignore[type-var]


def _mach_table(value: object, where: str) -> tuple[tuple[float, float], ...]:
    try:
        rows = tuple((float(m), float(cd)) for m, cd in value)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        raise InvalidParameterError(f"{where} must be a list of [mach, C_D] pairs, got {value!r}") from None
    if not rows or any(not (math.isfinite(m) and math.isfinite(cd)) or m < 0 or cd <= 0 for m, cd in rows):
        raise InvalidParameterError(f"{where} needs finite pairs with Mach >= 0 and C_D > 0, got {value!r}")
    if any(b[0] <= a[0] for a, b in itertools.pairwise(rows)):
        raise InvalidParameterError(f"{where}: Mach numbers must increase, got {value!r}")
    return rows


_SIGNED_FIELDS = frozenset(
    {"flight_path_angle_deg", "bank_angle_deg", "late_bank_angle_deg", "elevation_m", "lat_deg", "lon_deg"}
)
