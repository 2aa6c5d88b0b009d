"""The numbers of each mission, with their sources (see :mod:`marsound.landing.missions`).

Sources
-------
- Perseverance event times: C. Jeppesen, ``kwan3217/edl`` ``m20_edl_recon.py`` (2021), times read
  off the NAIF reconstructed EDL kernels ``m2020_edl_v01.bsp/.bc``.
- Perseverance parachute: O'Farrell C. et al. (2022), "Reconstructed Performance of the Mars 2020
  Parachute Decelerator System", IEEE Aerospace Conference (21.53 m DGB, Mach 1.81, q = 520 Pa).
- Perseverance LCAM: Mars 2020 LCAM FDR product labels, PDS ``mars2020_edlcam_ops_raw``
  (first frame at E+254.4 s, 11.23 km above the ground).
- NASA statements quoted in press, 2021-02 (backshell separation at 2.1 km, ~89 m/s; the EDL
  microphone "did not collect usable data during the descent", NASA release 2021-02-22).
- Curiosity: Way D. W., Davis J. L., Shidner J. D. (2013), "Assessment of the Mars Science
  Laboratory entry, descent, and landing simulation", AAS 13-420; NASA "MSL landing milestones"
  (mars.nasa.gov, 2012); Nature news "Curiosity's 7 minutes of terror" (2012); Dawson et al.
  (2007) AIAA 2007-5481 (MLE throttle range 7-810 lbf).
- Zhurong: CNSA timeline as reported by Xinhua (2021-05-15) and orbita.zenite.nu; CNSA/go-taikonauts
  (touchdown 2021-05-14 23:18 UTC, 109.9°E 25.1°N); the Mars Climate Station microphone recorded the
  rover's drive-off (2021-05-22), no descent audio.

Values marked ``inferred`` were not read in a primary source: they are recalled, secondary or
derived (with the derivation in the citation) and carry an assumed uncertainty. Values marked
``fitted`` were adjusted within that uncertainty by
:func:`marsound.landing.trajectory_fit.fit_mission` so that the simulated events land on the
published ones (the citation names the targets).
"""

from __future__ import annotations

from marsound.landing.mission_types import (
    Engines,
    EntryState,
    Microphone,
    Mission,
    Site,
    Source,
    Status,
    Triggers,
    Vehicle,
)
from marsound.landing.model import Event

_KWAN = "Jeppesen, kwan3217/edl m20_edl_recon.py (2021), from the NAIF m2020_edl_v01 reconstructed kernels"
_OFARRELL = "O'Farrell et al. 2022, IEEE Aerospace, Reconstructed Performance of the Mars 2020 Parachute Decelerator"
_NASA_PRESS_M2020 = "NASA EDL description quoted in press, Feb 2021 ('6,900 ft', '200 mph')"
_LCAM = "Mars 2020 LCAM FDR labels, PDS mars2020_edlcam_ops_raw (first frame, MCMF position)"
_MSL_MILESTONES = "NASA/JPL 'MSL landing milestones', mars.nasa.gov news 1287 (2012)"
_NATURE_MSL = "Nature news 'Curiosity's 7 minutes of terror' (2012), pre-landing Gale timeline"
_WAY = "Way, Davis & Shidner 2013, AAS 13-420, Assessment of the MSL EDL simulation"
_CNSA = "CNSA timeline via Xinhua (2021-05-15) and orbita.zenite.nu (E+ times, rounded)"
_HEAVY_CD = "70 deg sphere-cone C_D(M) shape, inferred from Viking/MSL-class capsules (not read in a primary source)"


def _s(status: Status, citation: str, uncertainty: float | None = None) -> Source:
    return Source(status, citation, uncertainty)


def _ev(name: str, time_s: float, source: str, **state: float) -> Event:
    return Event(name, time_s, "published", source, dict(state))


_CAPSULE_CD = ((0.3, 1.05), (0.8, 1.15), (1.2, 1.4), (2.0, 1.5), (3.0, 1.58), (5.0, 1.65), (10.0, 1.68))

# ---------------------------------------------------------------------------------------- Perseverance
_PERSEVERANCE = Mission(
    name="perseverance",
    title="Mars 2020 Perseverance, Jezero crater",
    landing_date_utc="2021-02-18T20:43:48Z",
    vehicle=Vehicle(
        entry_mass_kg=3300.0,
        aeroshell_diameter_m=4.5,
        drag_coefficient_mach=_CAPSULE_CD,
        lift_to_drag=0.24,
        ballast_mass_kg=150.0,
        parachute_diameter_m=21.53,
        parachute_drag_coefficient=0.599,
        parachute_supersonic_factor=0.8,
        line_stretch_s=1.04,
        parachute_inflation_s=0.6,
        heat_shield_mass_kg=390.0,
        backshell_mass_kg=520.0,
        propellant_mass_kg=387.5,
        descent_drag_area_m2=4.0,
        engines=Engines(count=8, thrust_max_n=3600.0, thrust_min_n=31.0, exhaust_velocity_m_s=2200.0),
        rover_mass_kg=1025.0,
        bridle_length_m=6.4,
    ),
    entry=EntryState(altitude_areoid_m=127_700.0, speed_m_s=5410.0, flight_path_angle_deg=-15.5),
    site=Site(name="Jezero crater (Octavia E. Butler Landing)", lat_deg=18.4447, lon_deg=77.4508, elevation_m=-2570.0),
    triggers=Triggers(
        bank_angle_deg=80.83,
        bank_switch_speed_m_s=4500.0,
        late_bank_angle_deg=32.84,
        sufr_speed_m_s=767.8,
        parachute_trigger="mach",
        parachute_trigger_value=1.81,
        heat_shield_delay_s=22.63,
        backshell_altitude_m=2100.0,
        powered_descent_delay_s=1.04,
        approach_altitude_m=253.0,
        approach_speed_m_s=32.0,
        constant_velocity_s=4.24,
        landing_altitude_m=20.0,
        landing_speed_m_s=0.75,
        hover_altitude_m=0.0,
        hover_s=0.0,
        landing_mode="sky_crane",
    ),
    published_events=(
        _ev("entry_interface", 0.0, _KWAN + "; speed: NASA '12,100 mph' in press", speed_m_s=5410.0),
        _ev("peak_heating", 79.65, _KWAN),
        _ev("peak_deceleration", 87.04, _KWAN, deceleration_m_s2=104.874),
        _ev("sufr_start", 223.79, _KWAN),
        _ev("parachute_deploy", 240.63, _KWAN + "; Mach and q: " + _OFARRELL, mach=1.81, dynamic_pressure_pa=520.0),
        _ev("line_stretch", 241.67, _KWAN),
        _ev("lcam_first_image", 254.4, _LCAM, altitude_m=11_230.0),
        _ev("heat_shield_separation", 263.26, _KWAN),
        _ev("backshell_separation", 357.30, _KWAN + "; state: " + _NASA_PRESS_M2020, altitude_m=2100.0, speed_m_s=89.0),
        _ev("powered_descent_start", 358.34, _KWAN),
        _ev("constant_velocity_start", 389.57, _KWAN, vertical_speed_m_s=-32.0),
        _ev("constant_velocity_end", 393.81, _KWAN, vertical_speed_m_s=-32.0),
        _ev("sky_crane_start", 399.73, _KWAN + "; altitude: NASA '66 ft' in press", altitude_m=20.0,
            vertical_speed_m_s=-0.75),
        _ev("rappel_start", 402.38, _KWAN),
        _ev("rappel_end", 407.88, _KWAN),
        _ev("touchdown", 418.07, _KWAN + " (rover contact)", altitude_m=0.0),
        _ev("bridle_cut", 419.57, _KWAN + " (touchdown declared)"),
    ),
    microphones=(
        Microphone(
            "SuperCam microphone", "perseverance", False,
            "on the mast; first Mars sounds on sol 1 (2021-02-19), not powered during EDL",
            "Maurice et al. 2021, Space Sci. Rev. 217:47; Maurice et al. 2022, Nature 605, 653",
        ),
        Microphone(
            "EDL microphone (EDLCAM)", "perseverance", False,
            "did not collect usable data during the descent; recorded on the surface afterwards",
            "NASA release 2021-02-22; Maki et al. 2020, Space Sci. Rev. 216:137 (EDL cameras and microphone)",
        ),
    ),
    sources={
        "vehicle.entry_mass_kg": _s("inferred", "3.1-3.4 t (kwan3217 sums 3165 kg with MSL's 899 kg rover; "
                                    "Perseverance's rover is ~1025 kg)", 150.0),
        "vehicle.aeroshell_diameter_m": _s("inferred", "4.5 m MSL-heritage 70 deg sphere-cone", 0.0),
        "vehicle.drag_coefficient_mach": _s("inferred", _HEAVY_CD),
        "vehicle.lift_to_drag": _s("inferred", "L/D 0.24 at ~16 deg trim, as used in open MSL-class sims", 0.03),
        "vehicle.ballast_mass_kg": _s("published", _KWAN + " (6 entry balance masses x 25 kg)"),
        "vehicle.parachute_diameter_m": _s("published", _OFARRELL),
        "vehicle.parachute_drag_coefficient": _s("fitted", "backshell_separation E+357.30 s (DGB subsonic C_D 0.5-0.6)",
                                                 0.05),
        "vehicle.parachute_supersonic_factor": _s("inferred", "DGB C_D lower supersonic (~0.8x at Mach 2)", 0.1),
        "vehicle.line_stretch_s": _s("published", _KWAN + " (line stretch 1.04 s after mortar fire)"),
        "vehicle.parachute_inflation_s": _s("inferred", _KWAN + " (inflation peaks 0.6 s apart); ASPIRE < 0.4 s", 0.2),
        "vehicle.heat_shield_mass_kg": _s("inferred", "MSL-class heat shield ~390 kg", 40.0),
        "vehicle.backshell_mass_kg": _s("inferred", "backshell + parachute ~520 kg (MSL-class)", 60.0),
        "vehicle.propellant_mass_kg": _s("published", _KWAN + " (387.49 kg at backshell separation)"),
        "vehicle.descent_drag_area_m2": _s("inferred", "descent stage + rover C_D A of a few m2", 2.0),
        "vehicle.engines.count": _s("published", "8 Mars Lander Engines (NASA)"),
        "vehicle.engines.thrust_max_n": _s("published", "Dawson et al. 2007, AIAA 2007-5481: 810 lbf"),
        "vehicle.engines.thrust_min_n": _s("published", "Dawson et al. 2007, AIAA 2007-5481: 7 lbf"),
        "vehicle.engines.exhaust_velocity_m_s": _s("inferred", "hydrazine monopropellant, Isp ~224 s", 200.0),
        "vehicle.rover_mass_kg": _s("inferred", "Perseverance rover ~1025 kg", 25.0),
        "vehicle.bridle_length_m": _s("published", "NASA: rover lowered on 21 ft (6.4 m) bridles, in press"),
        "entry.altitude_areoid_m": _s("inferred", "EI radius 3522.2 km (" + _KWAN + ") minus the local areoid "
                                      "radius ~3394.5 km (ground radius 3391.94 km in " + _LCAM + ", MOLA "
                                      "elevation -2.57 km)", 300.0),
        "entry.speed_m_s": _s("published", "NASA '12,100 mph' at entry, in press", 50.0),
        "entry.flight_path_angle_deg": _s("inferred", "M2020 target entry flight-path angle -15.5 deg", 0.2),
        "site.elevation_m": _s("inferred", "Jezero landing site ~ -2.57 km (MOLA areoid)", 50.0),
        "site.lat_deg": _s("published", "NASA: 18.4447 N, 77.4508 E"),
        "site.lon_deg": _s("published", "NASA: 18.4447 N, 77.4508 E"),
        "triggers.bank_angle_deg": _s("fitted", "peak_deceleration 104.874 m/s2 (" + _KWAN + ")", 45.0),
        "triggers.bank_switch_speed_m_s": _s("inferred", "bank schedule: second leg after peak deceleration (chosen)"),
        "triggers.late_bank_angle_deg": _s("fitted", "parachute_deploy E+240.63 s", 45.0),
        "triggers.sufr_speed_m_s": _s("fitted", "LCAM 11.23 km above ground at E+254.4 s (" + _LCAM + "); the "
                                      "SUFR time itself is not fitted", 300.0),
        "triggers.parachute_trigger_value": _s("published", _OFARRELL + " (mortar fire at Mach 1.81)"),
        "triggers.heat_shield_delay_s": _s("published", _KWAN + " (263.26 - 240.63 s)"),
        "triggers.backshell_altitude_m": _s("published", _NASA_PRESS_M2020 + "; LCAM 2.08 km", 500.0),
        "triggers.powered_descent_delay_s": _s("published", _KWAN + " (358.34 - 357.30 s)"),
        "triggers.approach_altitude_m": _s("inferred", "top of the 32 m/s phase: 20 m + 97 m (32 -> 0.75 m/s in "
                                           "5.92 s) + 4.24 s x 32 m/s, from " + _KWAN, 50.0),
        "triggers.approach_speed_m_s": _s("published", _KWAN + " ('hdot=-32 m/s')"),
        "triggers.constant_velocity_s": _s("published", _KWAN + " (389.57 - 393.81 s)"),
        "triggers.landing_altitude_m": _s("published", "NASA: sky crane at ~66 ft (20 m), in press", 2.0),
        "triggers.landing_speed_m_s": _s("published", _KWAN + " ('hdot=-0.75 m/s')"),
        "events.parachute_deploy.time_s": _s("published", _KWAN, 10.0),
        "events.parachute_deploy.mach": _s("published", _OFARRELL, 0.2),
        "events.parachute_deploy.dynamic_pressure_pa": _s("published", _OFARRELL + " (±30 % for a climatology)", 156.0),
        "events.peak_deceleration.time_s": _s("published", _KWAN, 5.0),
        "events.peak_deceleration.deceleration_m_s2": _s("published", _KWAN, 15.7),
        "events.lcam_first_image.altitude_m": _s("published", _LCAM, 1000.0),
        "events.heat_shield_separation.time_s": _s("published", _KWAN, 10.0),
        "events.backshell_separation.time_s": _s("published", _KWAN, 15.0),
        "events.backshell_separation.altitude_m": _s("published", _NASA_PRESS_M2020, 500.0),
        "events.backshell_separation.speed_m_s": _s("published", _NASA_PRESS_M2020, 15.0),
        "events.powered_descent_start.time_s": _s("published", _KWAN, 15.0),
        "events.sky_crane_start.time_s": _s("published", _KWAN, 5.0),
        "events.touchdown.time_s": _s("published", _KWAN, 15.0),
    },
)

# ---------------------------------------------------------------------------------------- Curiosity
_CURIOSITY = Mission(
    name="curiosity",
    title="Mars Science Laboratory Curiosity, Gale crater",
    landing_date_utc="2012-08-06T05:17:57Z",
    vehicle=Vehicle(
        entry_mass_kg=3257.0,
        aeroshell_diameter_m=4.5,
        drag_coefficient_mach=_CAPSULE_CD,
        lift_to_drag=0.24,
        ballast_mass_kg=150.0,
        parachute_diameter_m=19.7,
        parachute_drag_coefficient=0.648,
        parachute_supersonic_factor=0.8,
        line_stretch_s=1.0,
        parachute_inflation_s=0.6,
        heat_shield_mass_kg=385.0,
        backshell_mass_kg=520.0,
        propellant_mass_kg=390.0,
        descent_drag_area_m2=4.0,
        engines=Engines(count=8, thrust_max_n=3600.0, thrust_min_n=31.0, exhaust_velocity_m_s=2200.0),
        rover_mass_kg=899.0,
        bridle_length_m=7.5,
    ),
    entry=EntryState(altitude_areoid_m=125_000.0, speed_m_s=5845.0, flight_path_angle_deg=-15.5),
    site=Site(name="Gale crater (Bradbury Landing)", lat_deg=-4.5895, lon_deg=137.4417, elevation_m=-4500.0),
    triggers=Triggers(
        bank_angle_deg=78.83,
        bank_switch_speed_m_s=4500.0,
        late_bank_angle_deg=25.19,
        sufr_speed_m_s=1000.0,
        parachute_trigger="speed",
        parachute_trigger_value=405.0,
        heat_shield_delay_s=24.0,
        backshell_altitude_m=1800.0,
        powered_descent_delay_s=1.0,
        approach_altitude_m=253.0,
        approach_speed_m_s=32.0,
        constant_velocity_s=4.0,
        landing_altitude_m=20.0,
        landing_speed_m_s=0.75,
        hover_altitude_m=0.0,
        hover_s=0.0,
        landing_mode="sky_crane",
    ),
    published_events=(
        _ev("entry_interface", 0.0, _WAY + " (125 km, 5.845 km/s)", altitude_areoid_m=125_000.0, speed_m_s=5845.0),
        _ev("peak_deceleration", 85.0, _NATURE_MSL + " (T-5 min 18 s vs entry at T-6 min 43 s)"),
        _ev("parachute_deploy", 254.0, _MSL_MILESTONES + "; speed: " + _NATURE_MSL, altitude_m=11_000.0,
            speed_m_s=405.0),
        _ev("heat_shield_separation", 278.0, "NASA/JPL 'Final minutes of Curiosity's arrival' (~24-28 s after "
            "the parachute; inferred E+ time)"),
        _ev("backshell_separation", 365.0, "airspacemag 'Dropping in on Mars' (5,900 ft); E+ time inferred",
            altitude_m=1800.0),
        _ev("rappel_start", 419.0, "AP (2012): cables lower the rover 12 s before landing; E+ time inferred"),
        _ev("touchdown", 431.0, "touchdown 05:17:57 UTC SCET, entry ~05:10:46 UTC (secondary; NASA's example "
            "timeline gives 392-480 s)", altitude_m=0.0),
    ),
    microphones=(),
    sources={
        "vehicle.entry_mass_kg": _s("inferred", "MSL entry mass ~3.26 t (recalled from " + _WAY + ")", 100.0),
        "vehicle.aeroshell_diameter_m": _s("inferred", "4.5 m 70 deg sphere-cone", 0.0),
        "vehicle.drag_coefficient_mach": _s("inferred", _HEAVY_CD),
        "vehicle.lift_to_drag": _s("inferred", "L/D 0.24, as used in open MSL sims (Sammy1G/reentry.py)", 0.03),
        "vehicle.ballast_mass_kg": _s("inferred", "6 entry balance masses x 25 kg (as on Mars 2020)"),
        "vehicle.parachute_diameter_m": _s("inferred", "19.7 m nominal DGB; NASA says '51 feet (nearly 16 m)' "
                                           "(constructed size)", 1.0),
        "vehicle.parachute_drag_coefficient": _s("fitted", "backshell_separation ~1.8 km (DGB subsonic C_D "
                                                 "0.5-0.6)", 0.05),
        "vehicle.parachute_supersonic_factor": _s("inferred", "DGB C_D lower supersonic (~0.8x at Mach 2)", 0.1),
        "vehicle.line_stretch_s": _s("inferred", "as Mars 2020 (1.04 s)", 0.3),
        "vehicle.parachute_inflation_s": _s("inferred", "as Mars 2020", 0.2),
        "vehicle.heat_shield_mass_kg": _s("inferred", "MSL heat shield ~385 kg (recalled)", 40.0),
        "vehicle.backshell_mass_kg": _s("inferred", "backshell + parachute ~520 kg (recalled)", 60.0),
        "vehicle.propellant_mass_kg": _s("inferred", "~390 kg hydrazine at backshell separation (as Mars 2020)", 30.0),
        "vehicle.descent_drag_area_m2": _s("inferred", "descent stage + rover C_D A of a few m2", 2.0),
        "vehicle.engines.count": _s("published", "Aerojet: eight 700 lbf throttling engines (getcurious.com)"),
        "vehicle.engines.thrust_max_n": _s("published", "Dawson et al. 2007, AIAA 2007-5481: 810 lbf"),
        "vehicle.engines.thrust_min_n": _s("published", "Dawson et al. 2007, AIAA 2007-5481: 7 lbf"),
        "vehicle.engines.exhaust_velocity_m_s": _s("inferred", "hydrazine monopropellant, Isp ~224 s", 200.0),
        "vehicle.rover_mass_kg": _s("published", "Curiosity rover 899 kg (NASA)"),
        "vehicle.bridle_length_m": _s("published", "airspacemag: 25-foot bridle"),
        "entry.altitude_areoid_m": _s("published", _WAY),
        "entry.speed_m_s": _s("published", _WAY),
        "entry.flight_path_angle_deg": _s("inferred", "MSL entry flight-path angle -15.5 deg (open sims)", 0.2),
        "site.elevation_m": _s("inferred", "Bradbury Landing ~ -4.5 km (MOLA areoid)", 100.0),
        "site.lat_deg": _s("published", "Way et al. 2013: target 4.5965 S 137.4019 E, landed 2.385 km away"),
        "site.lon_deg": _s("published", "Way et al. 2013: target 4.5965 S 137.4019 E, landed 2.385 km away"),
        "triggers.bank_angle_deg": _s("inferred", "as fitted for Mars 2020 (same vehicle class and guidance)", 45.0),
        "triggers.bank_switch_speed_m_s": _s("inferred", "as Mars 2020"),
        "triggers.late_bank_angle_deg": _s("fitted", "parachute_deploy E+254 s", 45.0),
        "triggers.sufr_speed_m_s": _s("fitted", "parachute_deploy at ~11 km (" + _MSL_MILESTONES + ")", 300.0),
        "triggers.parachute_trigger_value": _s("published", _NATURE_MSL + " (405 m/s)"),
        "triggers.heat_shield_delay_s": _s("inferred", "NASA: heat shield ~24-28 s after the parachute", 4.0),
        "triggers.backshell_altitude_m": _s("published", "airspacemag 'Dropping in on Mars' (5,900 ft)", 300.0),
        "triggers.powered_descent_delay_s": _s("inferred", "as Mars 2020", 0.5),
        "triggers.approach_altitude_m": _s("inferred", "as Mars 2020 (same descent stage and guidance)", 50.0),
        "triggers.approach_speed_m_s": _s("inferred", "as Mars 2020", 5.0),
        "triggers.constant_velocity_s": _s("inferred", "as Mars 2020", 2.0),
        "triggers.landing_altitude_m": _s("published", "NASA: sky crane at ~20 m (Scientific American slideshow)"),
        "triggers.landing_speed_m_s": _s("published", "airspacemag: 'a little over two feet per second' (0.75 m/s)"),
        "events.peak_deceleration.time_s": _s("published", _NATURE_MSL, 10.0),
        "events.parachute_deploy.time_s": _s("published", _MSL_MILESTONES + " ('could vary by 10 to 15 s')", 15.0),
        "events.parachute_deploy.altitude_m": _s("published", _MSL_MILESTONES, 2000.0),
        "events.parachute_deploy.speed_m_s": _s("published", _NATURE_MSL, 40.0),
        "events.heat_shield_separation.time_s": _s("inferred", "NASA graphic: ~24-28 s after the parachute", 10.0),
        "events.backshell_separation.time_s": _s("inferred", "not read in a primary source", 20.0),
        "events.backshell_separation.altitude_m": _s("published", "airspacemag (5,900 ft)", 500.0),
        "events.touchdown.time_s": _s("inferred", "SCET times recalled; NASA example range 392-480 s", 30.0),
    },
)

# ---------------------------------------------------------------------------------------- Zhurong
_ZHURONG = Mission(
    name="zhurong",
    title="Tianwen-1 Zhurong, Utopia Planitia",
    landing_date_utc="2021-05-14T23:18:00Z",
    vehicle=Vehicle(
        entry_mass_kg=1300.0,
        aeroshell_diameter_m=3.4,
        drag_coefficient_mach=_CAPSULE_CD,
        lift_to_drag=0.2,
        ballast_mass_kg=0.0,
        parachute_diameter_m=15.96,
        parachute_drag_coefficient=0.497,
        parachute_supersonic_factor=0.8,
        line_stretch_s=1.0,
        parachute_inflation_s=0.5,
        heat_shield_mass_kg=120.0,
        backshell_mass_kg=160.0,
        propellant_mass_kg=200.0,
        descent_drag_area_m2=3.0,
        engines=Engines(count=1, thrust_max_n=7500.0, thrust_min_n=1500.0, exhaust_velocity_m_s=3000.0),
        rover_mass_kg=240.0,
        bridle_length_m=0.0,
    ),
    entry=EntryState(altitude_areoid_m=125_000.0, speed_m_s=4800.0, flight_path_angle_deg=-8.6),
    site=Site(name="Utopia Planitia", lat_deg=25.066, lon_deg=109.925, elevation_m=-4100.0),
    triggers=Triggers(
        bank_angle_deg=136.96,
        bank_switch_speed_m_s=0.0,
        late_bank_angle_deg=0.0,
        sufr_speed_m_s=0.0,
        parachute_trigger="speed",
        parachute_trigger_value=460.0,
        heat_shield_delay_s=26.0,
        backshell_altitude_m=1300.0,
        powered_descent_delay_s=0.0,
        approach_altitude_m=400.0,
        approach_speed_m_s=27.44,
        constant_velocity_s=0.0,
        landing_altitude_m=0.0,
        landing_speed_m_s=4.19,
        hover_altitude_m=100.0,
        hover_s=15.0,
        landing_mode="hover",
    ),
    published_events=(
        _ev("entry_interface", 0.0, _CNSA + " (~125 km, 4.8 km/s)", altitude_areoid_m=125_000.0, speed_m_s=4800.0),
        _ev("peak_heating", 100.0, _CNSA + " (E+1 min 40 s, ~40 km)", altitude_m=40_000.0),
        _ev("parachute_deploy", 284.0, _CNSA + " (E+4 min 44 s, ~10 km, ~460 m/s)", altitude_m=10_000.0,
            speed_m_s=460.0),
        _ev("heat_shield_separation", 310.0, _CNSA + " (E+5 min 10 s, ~250 m/s)", speed_m_s=250.0),
        _ev("backshell_separation", 370.0, _CNSA + " (E+6 min 10 s, ~1 km, < 100 m/s)", altitude_m=1000.0,
            speed_m_s=95.0),
        _ev("powered_descent_start", 370.0, _CNSA + " (engine start with backshell separation)"),
        _ev("hover_start", 410.0, _CNSA + " (E+6 min 50 s, ~100 m, velocity almost nil)", altitude_m=100.0,
            speed_m_s=0.0),
        _ev("touchdown", 450.0, _CNSA + " (E+7 min 30 s; landed 2021-05-14 23:18 UTC)", altitude_m=0.0),
    ),
    microphones=(
        Microphone(
            "Mars Climate Station microphone", "zhurong", False,
            "recorded the rover's drive-off from the lander (2021-05-22); no descent audio published",
            "CNSA, 2021-06-27 release (via worldspaceclub, go-taikonauts)",
        ),
    ),
    sources={
        "vehicle.entry_mass_kg": _s("inferred", "entry capsule ~1.3 t (recalled)", 150.0),
        "vehicle.aeroshell_diameter_m": _s("inferred", "~3.4 m aeroshell (recalled)", 0.2),
        "vehicle.drag_coefficient_mach": _s("inferred", _HEAVY_CD),
        "vehicle.lift_to_drag": _s("inferred", "trim-tab lifting entry, L/D ~0.2", 0.05),
        "vehicle.parachute_diameter_m": _s("inferred", "Xinhua: canopy area ~200 m2 -> D = 16.0 m if nominal"),
        "vehicle.parachute_drag_coefficient": _s("fitted", "backshell_separation E+370 s (DGB C_D 0.5-0.65)", 0.07),
        "vehicle.heat_shield_mass_kg": _s("inferred", "scaled from MSL by area", 40.0),
        "vehicle.backshell_mass_kg": _s("inferred", "scaled from MSL by area", 50.0),
        "vehicle.parachute_supersonic_factor": _s("inferred", "DGB C_D lower supersonic (~0.8x at Mach 2)", 0.1),
        "vehicle.line_stretch_s": _s("inferred", "as Mars 2020 (1.04 s)", 0.3),
        "vehicle.parachute_inflation_s": _s("inferred", "smaller canopy than Mars 2020's, inflating faster", 0.2),
        "vehicle.propellant_mass_kg": _s("inferred", "not published; enough for ~80 s of powered flight", 50.0),
        "vehicle.descent_drag_area_m2": _s("inferred", "lander C_D A of a few m2", 1.5),
        "vehicle.engines.count": _s("published", "CCTV/Xinhua: one 7500 N variable-thrust main engine"),
        "vehicle.engines.thrust_max_n": _s("published", "CCTV/Xinhua: 7500 N variable-thrust engine"),
        "vehicle.engines.thrust_min_n": _s("inferred", "1:5 throttle range assumed", 500.0),
        "vehicle.engines.exhaust_velocity_m_s": _s("inferred", "MMH/NTO bipropellant, Isp ~306 s", 200.0),
        "vehicle.rover_mass_kg": _s("published", "Zhurong rover ~240 kg (CNSA)"),
        "entry.altitude_areoid_m": _s("published", _CNSA),
        "entry.speed_m_s": _s("published", _CNSA),
        "entry.flight_path_angle_deg": _s("fitted", "parachute_deploy at ~10 km", 1.5),
        "site.elevation_m": _s("inferred", "Utopia Planitia landing site ~ -4.1 km (MOLA areoid)", 100.0),
        "site.lat_deg": _s("published", "CNSA via go-taikonauts: 109.9 E, 25.1 N"),
        "site.lon_deg": _s("published", "CNSA via go-taikonauts: 109.9 E, 25.1 N"),
        "triggers.bank_angle_deg": _s("fitted", "parachute_deploy E+284 s (bank > 90 deg: lift down)", 45.0),
        "triggers.parachute_trigger_value": _s("published", "Xinhua: parachute at ~460 m/s"),
        "triggers.heat_shield_delay_s": _s("published", _CNSA + " (310 - 284 s)", 10.0),
        "triggers.backshell_altitude_m": _s("inferred", _CNSA + " (~1,000 m); Huang et al. 2022 (1.0-1.5 km)", 300.0),
        "triggers.powered_descent_delay_s": _s("published", _CNSA + " (engine start at backshell separation)"),
        "triggers.approach_altitude_m": _s("inferred", "end of the main deceleration (not published)", 200.0),
        "triggers.approach_speed_m_s": _s("fitted", "hover_start E+410 s", 10.0),
        "triggers.hover_altitude_m": _s("published", "Xinhua: 'At about 100 meters ... hovered'"),
        "triggers.hover_s": _s("inferred", "hazard-avoidance hover, not published", 10.0),
        "triggers.landing_speed_m_s": _s("fitted", "touchdown E+450 s", 2.0),
        "events.parachute_deploy.time_s": _s("published", _CNSA, 15.0),
        "events.parachute_deploy.altitude_m": _s("published", _CNSA, 1500.0),
        "events.parachute_deploy.speed_m_s": _s("published", _CNSA, 40.0),
        "events.heat_shield_separation.time_s": _s("published", _CNSA, 15.0),
        "events.backshell_separation.time_s": _s("published", _CNSA, 15.0),
        "events.backshell_separation.altitude_m": _s("published", _CNSA, 300.0),
        "events.backshell_separation.speed_m_s": _s("published", "Xinhua: < 100 m/s", 15.0),
        "events.powered_descent_start.time_s": _s("published", _CNSA, 15.0),
        "events.hover_start.time_s": _s("published", _CNSA, 10.0),
        "events.touchdown.time_s": _s("published", _CNSA, 20.0),
    },
)

#: The microphones of missions that never recorded (or never flew), for what was and was not heard.
HISTORICAL_MICROPHONES: tuple[Microphone, ...] = (
    Microphone(
        "Mars Microphone (Planetary Society / UC Berkeley)", "mars-polar-lander", False,
        "lost with Mars Polar Lander on 1999-12-03; never recorded",
        "Planetary Society; Delory et al. (Mars Microphone on MPL)",
    ),
    Microphone(
        "MARDI microphone", "phoenix", False,
        "flew on Phoenix (2008) but was never switched on",
        "Planetary Society; NASA Phoenix mission (MARDI not operated)",
    ),
    Microphone(
        "NetLander microphone", "netlander", False,
        "mission cancelled in 2003; never flew",
        "CNES NetLander mission (cancelled 2003)",
    ),
)

MISSIONS: tuple[Mission, ...] = (_PERSEVERANCE, _CURIOSITY, _ZHURONG)
