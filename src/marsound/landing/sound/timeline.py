"""Event times of the soundtrack: the published timeline where one exists, the simulation between.

The simulated trajectory is time-warped piecewise linearly so that each of its events that the
mission's published timeline also lists lands on the published time (slope 1 before the first and
after the last common event). Event times then come from the published timeline; the continuous
quantities (dynamic pressure, Mach, thrust, air) from the warped trajectory between them.

Sound events the contract list lacks are placed relative to it, with offsets from the Mars 2020
reconstruction (C. Jeppesen, kwan3217/edl ``m20_edl_recon.py``, read off NAIF's reconstructed EDL
SPICE kernels): line stretch 1.04 s, inflation peaks 1.66 s and 2.24 s after mortar fire; the bridle
cut of a sky crane at touchdown; the rappel 2.65 s after sky-crane start, lasting 5.5 s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace

import numpy as np

from marsound.landing.model import Event, Trajectory

#: (anchor event, offset [s]) of the derived sound events.
DERIVED_OFFSETS_S: dict[str, tuple[str, float]] = {
    "line_stretch": ("parachute_deploy", 1.04),
    "inflation_peak_1": ("parachute_deploy", 1.66),
    "inflation_peak_2": ("parachute_deploy", 2.24),
}
#: Sky-crane rappel of the Mars 2020 reconstruction (when the timeline lacks ``rappel_start``/``_end``):
#: starts 2.65 s after sky-crane start, lasts 5.5 s.
RAPPEL_DELAY_S = 2.65
RAPPEL_DURATION_S = 5.5
#: Descent-stage flyaway after the bridle cut (kwan3217/edl flyaway model): 0.7 s hover, then
#: 4 x 3000 N for 6 s while pitching away.
FLYAWAY_HOVER_S = 0.7
FLYAWAY_THRUST_N = 4 * 3000.0
FLYAWAY_BURN_S = 6.0


@dataclass(frozen=True)
class VehicleAcoustics:
    """What the sound models need to know about a vehicle (SI units).

    Engine numbers come from the mission (``Mission.vehicle.engines``) where available; the
    microphone distances are this model's assumptions.
    """

    engine_count: int
    engine_thrust_max_n: float
    exhaust_velocity_m_s: float
    nozzle_exit_diameter_m: float
    canopy_diameter_m: float
    body_length_m: float
    landed_mass_kg: float
    sky_crane: bool
    engine_distance_m: float
    chute_distance_m: float
    pyro_distance_m: float = 2.0
    bridle_length_m: float = 0.0
    bridle_cutter_distance_m: float = 1.0

    @property
    def canopy_area_m2(self) -> float:
        return float(np.pi * self.canopy_diameter_m**2 / 4.0)


#: Fallback vehicles (inferred values: MR-80B throttling engines, Dawson et al. AIAA 2007-5481; O'Farrell
#: et al. 2022 for the 21.5 m canopy; CNSA/Xinhua for Zhurong's 7.5 kN engine); with a mission model, the
#: engines, canopy, aeroshell, masses and bridle come from ``Mission.vehicle`` and only the nozzle and
#: microphone distances from here.
VEHICLES: dict[str, VehicleAcoustics] = {
    # 8 MLEs (MR-80B class, 3.1 kN each), U_e 2.2 km/s; 21.5 m DGB; 4.5 m aeroshell; rover 1025 kg
    # the rover hangs 7.5 m below the descent stage after the rappel (airspacemag, "25-foot" bridle)
    "perseverance": VehicleAcoustics(8, 3100.0, 2200.0, 0.2, 21.5, 4.5, 1025.0, True, 3.0, 45.0, 2.0, 7.5),
    # one 7.5 kN variable-thrust engine, U_e ~3 km/s; ~16 m chute (200 m^2); 3.4 m aeroshell; ~1.2 t lander
    "zhurong": VehicleAcoustics(1, 7500.0, 3000.0, 0.3, 16.0, 3.4, 1200.0, False, 2.5, 35.0),
    # MSL: same descent stage as Mars 2020, 19.7 m DGB, 899 kg rover
    "curiosity": VehicleAcoustics(8, 3100.0, 2200.0, 0.2, 19.7, 4.5, 899.0, True, 3.0, 45.0, 2.0, 7.5),
}


def vehicle_from_mission(mission: object) -> VehicleAcoustics:
    """The acoustic view of a ``marsound.landing.missions.Mission`` (fallback values for what it lacks)."""
    name = str(getattr(mission, "name", "perseverance")).lower()
    base = VEHICLES.get(name, VEHICLES["perseverance"])
    v = mission.vehicle  # type: ignore[attr-defined]
    eng = v.engines
    sky_crane = getattr(getattr(mission, "triggers", None), "landing_mode", "sky_crane" if base.sky_crane else "") == (
        "sky_crane"
    )
    landed = float(v.rover_mass_kg) if sky_crane else float(getattr(v, "powered_descent_mass_kg", base.landed_mass_kg))
    return replace(
        base,
        engine_count=int(eng.count),
        engine_thrust_max_n=float(eng.thrust_max_n),
        exhaust_velocity_m_s=float(eng.exhaust_velocity_m_s),
        canopy_diameter_m=float(getattr(v, "parachute_diameter_m", base.canopy_diameter_m)),
        body_length_m=float(getattr(v, "aeroshell_diameter_m", base.body_length_m)),
        landed_mass_kg=landed,
        sky_crane=sky_crane,
        bridle_length_m=float(getattr(v, "bridle_length_m", base.bridle_length_m)) if sky_crane else 0.0,
    )


def time_map(simulated: Sequence[Event], published: Sequence[Event]) -> tuple[np.ndarray, np.ndarray]:
    """Anchor times (simulated, published) of the events both lists hold, increasing in both."""
    pub = {e.name: e.time_s for e in published}
    pairs = sorted((e.time_s, pub[e.name]) for e in simulated if e.name in pub)
    sim_t: list[float] = []
    pub_t: list[float] = []
    for s, p in pairs:
        if not sim_t or (s > sim_t[-1] and p > pub_t[-1]):
            sim_t.append(s)
            pub_t.append(p)
    return np.array(sim_t), np.array(pub_t)


def warp(time_s: np.ndarray, sim_anchor: np.ndarray, pub_anchor: np.ndarray) -> np.ndarray:
    """Map simulated times to published ones: piecewise linear through the anchors, slope 1 outside."""
    t = np.asarray(time_s, dtype=np.float64)
    if sim_anchor.size == 0:
        return t.copy()
    out = np.interp(t, sim_anchor, pub_anchor)
    out = np.where(t < sim_anchor[0], t - sim_anchor[0] + pub_anchor[0], out)
    return np.where(t > sim_anchor[-1], t - sim_anchor[-1] + pub_anchor[-1], out)


def align(trajectory: Trajectory, published: Sequence[Event] = ()) -> tuple[Trajectory, dict[str, Event]]:
    """The trajectory warped onto the published timeline, and the soundtrack's events by name.

    Events: every published one, then the simulated ones the timeline lacks (warped), then the
    derived sound events (:data:`DERIVED_OFFSETS_S`, ``bridle_cut`` for a sky crane is added by the
    caller who knows the vehicle).
    """
    sim_a, pub_a = time_map(trajectory.events, published)
    t_new = warp(trajectory.time_s, sim_a, pub_a)
    keep = np.concatenate([[True], np.diff(t_new) > 0])
    n = trajectory.time_s.size
    arrays = {
        f.name: getattr(trajectory, f.name)[keep]
        for f in fields(trajectory)
        if f.name != "time_s"
        and isinstance(getattr(trajectory, f.name), np.ndarray)
        and getattr(trajectory, f.name).shape[:1] == (n,)
    }
    events: dict[str, Event] = {e.name: e for e in published}
    for e in trajectory.events:
        if e.name not in events:
            events[e.name] = replace(e, time_s=float(warp(np.array([e.time_s]), sim_a, pub_a)[0]))
    warped_events = tuple(sorted(events.values(), key=lambda e: e.time_s))
    aligned = replace(trajectory, time_s=t_new[keep], events=warped_events, **arrays)
    for name, (anchor, offset) in DERIVED_OFFSETS_S.items():
        if name not in events and anchor in events:
            a = events[anchor]
            events[name] = Event(
                name, a.time_s + offset, "simulated", source=f"{anchor} + {offset:g} s (Mars 2020 reconstruction)"
            )
    return aligned, events
