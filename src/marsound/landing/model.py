"""The landing data model: named mission events and a sampled trajectory.

Imports nothing from its package, so that every landing module (missions, trajectory,
sound, video) can build on it without an import circle.

Times are seconds after the entry interface (E+, the mission time). Altitudes carry their
datum in their name: ``altitude_m`` is above the landing site (AGL); ``altitude_areoid_m``
is above the Mars areoid (MOLA datum).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

#: Event names of the landing contract, in flight order (``marsound landing simulate --json``).
EVENT_NAMES: tuple[str, ...] = (
    "entry_interface",
    "peak_deceleration",
    "parachute_deploy",
    "heat_shield_separation",
    "backshell_separation",
    "powered_descent_start",
    "sky_crane_start",
    "hover_start",
    "touchdown",
)


@dataclass(frozen=True)
class Event:
    """One mission event.

    Parameters
    ----------
    name
        Event name; the contract names are :data:`EVENT_NAMES` (others may be added, e.g.
        ``"line_stretch"``, ``"bridle_cut"``).
    time_s
        Mission time, seconds after the entry interface.
    kind
        ``"published"`` (from a mission's published timeline) or ``"simulated"``.
    source
        Citation of a published time (empty for simulated events).
    state
        Vehicle state at the event where known (``altitude_m``, ``speed_m_s``, ``mach``,
        ``dynamic_pressure_pa``, ``deceleration_m_s2``...), SI units, names carrying them.
    """

    name: str
    time_s: float
    kind: Literal["published", "simulated"]
    source: str = ""
    state: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Trajectory:
    """A simulated entry-descent-landing trajectory sampled in time.

    All arrays have the same length and are ordered by ``time_s`` (strictly increasing).

    Parameters
    ----------
    mission
        Mission name (``"perseverance"``, ``"curiosity"``, ``"zhurong"``...).
    time_s
        Mission time, s after entry interface.
    altitude_m
        Altitude above the landing site (AGL), m.
    altitude_areoid_m
        Altitude above the areoid, m.
    speed_m_s
        Speed relative to the (non-rotating) planet, m/s.
    vertical_speed_m_s
        Vertical speed, m/s, positive **up** (negative while descending).
    mach
        Speed over the local low-frequency sound speed of the physics core.
    dynamic_pressure_pa
        q = ½ ρ v², Pa.
    temperature_k, pressure_pa, density_kg_m3, sound_speed_m_s
        The local air (from :mod:`marsound.physics` profiles).
    thrust_n
        Total engine thrust, N (0 when the engines are off).
    phase
        Flight phase per sample (e.g. ``"entry"``, ``"parachute"``, ``"powered_descent"``,
        ``"sky_crane"``, ``"hover"``, ``"landed"``).
    events
        Events in time order (simulated).
    downrange_m, flight_path_angle_rad, throttle, mass_kg, deceleration_m_s2, engine_altitude_m
        Optional extras of a simulated trajectory (``None`` when not known): distance flown over
        the ground from the entry point (m); angle of the velocity below/above the local horizontal
        (rad, negative descending); engine throttle as a fraction of the total maximum thrust;
        vehicle mass (kg); magnitude of the non-gravitational acceleration (m/s², what an
        accelerometer reads); altitude of the engines above the site (m; differs from
        ``altitude_m`` while a sky crane lowers the rover on its bridle).
    """

    mission: str
    time_s: NDArray[np.float64]
    altitude_m: NDArray[np.float64]
    altitude_areoid_m: NDArray[np.float64]
    speed_m_s: NDArray[np.float64]
    vertical_speed_m_s: NDArray[np.float64]
    mach: NDArray[np.float64]
    dynamic_pressure_pa: NDArray[np.float64]
    temperature_k: NDArray[np.float64]
    pressure_pa: NDArray[np.float64]
    density_kg_m3: NDArray[np.float64]
    sound_speed_m_s: NDArray[np.float64]
    thrust_n: NDArray[np.float64]
    phase: NDArray[np.str_]
    events: tuple[Event, ...] = ()
    downrange_m: NDArray[np.float64] | None = None
    flight_path_angle_rad: NDArray[np.float64] | None = None
    throttle: NDArray[np.float64] | None = None
    mass_kg: NDArray[np.float64] | None = None
    deceleration_m_s2: NDArray[np.float64] | None = None
    engine_altitude_m: NDArray[np.float64] | None = None

    def event(self, name: str) -> Event:
        """The event called ``name``; raises ``KeyError`` naming the known ones."""
        for ev in self.events:
            if ev.name == name:
                return ev
        raise KeyError(f"no event {name!r} in this trajectory (has: {', '.join(e.name for e in self.events)})")

    def sample(self, quantity: str, time_s: NDArray[np.float64] | float) -> NDArray[np.float64]:
        """A numeric quantity (an array attribute's name) linearly interpolated at ``time_s``."""
        values = getattr(self, quantity)
        if values is None:
            raise KeyError(f"this trajectory has no {quantity!r}")
        return np.interp(np.asarray(time_s, dtype=np.float64), self.time_s, values)
