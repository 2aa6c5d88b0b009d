"""``marsound landing simulate`` and ``marsound landing timeline``: the EDL model and the published events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from marsound.landing.missions import MISSION_NAMES

if TYPE_CHECKING:
    from marsound.landing.missions import Mission

SIMULATE_HELP = f"""Simulate a mission's entry, descent and landing (3-DOF point mass, planar, spherical Mars).

Missions: {", ".join(MISSION_NAMES)}. The air along the path (T, p, density, sound speed) comes
from marsound's physics core: the default Mars profile, or --profile FILE.csv (columns
altitude_m [above the areoid], temperature_k, pressure_pa; it must reach the entry interface).
--vehicle FILE.json overrides mission numbers, e.g. {{"vehicle": {{"entry_mass_kg": 3400}},
"triggers": {{"bank_angle_deg": 60}}}}.

--json prints {{"mission", "kind": "simulated", "events": [...]}}: each event has name, time_s
(s after entry interface), altitude_m (above the landing site), speed_m_s, mach,
dynamic_pressure_pa (peak_deceleration also deceleration_m_s2); plus other_events, comparison
(simulated vs published, error_s) and fitted_parameters. -o TRAJ.csv writes the time series
(time_s, altitude_m, speed_m_s, vertical_speed_m_s [positive up], mach, dynamic_pressure_pa,
phase, ...) from entry to touchdown. --plot FILE.png draws altitude, speed, Mach and q against
time with simulated (solid) and published (dashed) events.
"""

TIMELINE_HELP = """Print a mission's published event timeline, each event with its source.

--json prints {"mission", "kind": "published", "events": [{"name", "time_s", "source", ...}],
"microphones": [...]} (time_s after entry interface; time_uncertainty_s where known; the
microphones the mission carried and whether they recorded the descent).
"""


def _mission(name: str, vehicle: Path | None) -> Mission:
    from marsound.landing.missions import get_mission, mission_with_overrides

    m = get_mission(name)
    return mission_with_overrides(m, vehicle) if vehicle is not None else m


def register(landing_app: typer.Typer) -> None:
    """Add ``simulate`` and ``timeline`` to the ``landing`` group."""

    @landing_app.command("simulate", help=SIMULATE_HELP)
    def simulate_cmd(
        mission: str = typer.Option(..., "--mission", "-m", help=f"Mission: {', '.join(MISSION_NAMES)}."),
        as_json: bool = typer.Option(False, "--json", help="Print the JSON report."),
        output: Path | None = typer.Option(None, "--output", "-o", help="Write the time series to TRAJ.csv."),
        plot: Path | None = typer.Option(None, "--plot", help="Draw FILE.png (or .svg/.pdf)."),
        profile: Path | None = typer.Option(None, "--profile", help="Atmosphere profile CSV (default: Mars)."),
        vehicle: Path | None = typer.Option(None, "--vehicle", help="JSON file of mission overrides."),
    ) -> None:
        from marsound.landing.missions import published_timeline
        from marsound.landing.trajectory import simulate
        from marsound.landing.trajectory_io import compare_events, simulation_report, write_trajectory_csv

        m = _mission(mission, vehicle)
        if plot is not None:
            from marsound.landing.trajectory_plot import PLOT_SUFFIXES

            if plot.suffix.lower() not in PLOT_SUFFIXES:
                from marsound.errors import InvalidParameterError

                raise InvalidParameterError(f"--plot {plot} must end in {', '.join(PLOT_SUFFIXES)}")
        inputs = tuple(p for p in (profile, vehicle) if p is not None)
        traj = simulate(m, profile=profile)
        if output is not None:
            write_trajectory_csv(traj, output, inputs=inputs)
        if plot is not None:
            from marsound.landing.trajectory_plot import plot_trajectory

            plot_trajectory(traj, plot, published=published_timeline(m.name), inputs=inputs)
        if as_json:
            typer.echo(json.dumps(simulation_report(traj, m), indent=2))
            return
        pub = {row["name"]: row for row in compare_events(traj, m)}
        typer.echo(f"{m.title}: simulated EDL ({traj.time_s[-1]:.1f} s, {traj.time_s.size} samples)")
        typer.echo(f"{'event':26s} {'E+ s':>8s} {'alt m':>9s} {'v m/s':>8s} {'Mach':>6s} {'q Pa':>7s}  published")
        for ev in traj.events:
            st = ev.state
            row = pub.get(ev.name)
            ref = f"E+{row['published_s']:.1f} ({row['error_s']:+.1f} s)" if row else ""
            typer.echo(
                f"{ev.name:26s} {ev.time_s:8.1f} {st['altitude_m']:9.0f} {st['speed_m_s']:8.1f} "
                f"{st['mach']:6.2f} {st['dynamic_pressure_pa']:7.0f}  {ref}"
            )

    @landing_app.command("timeline", help=TIMELINE_HELP)
    def timeline_cmd(
        mission: str = typer.Option(..., "--mission", "-m", help=f"Mission: {', '.join(MISSION_NAMES)}."),
        as_json: bool = typer.Option(False, "--json", help="Print the JSON report."),
    ) -> None:
        from marsound.landing.trajectory_io import timeline_report

        report = timeline_report(mission)
        if as_json:
            typer.echo(json.dumps(report, indent=2))
            return
        typer.echo(f"{report['mission']}: published events (s after entry interface)")
        for row in report["events"]:  # type: ignore[attr-defined]
            typer.echo(f"  E+{row['time_s']:7.2f}  {row['name']:26s} {row['source']}")
        for mic in report["microphones"]:  # type: ignore[attr-defined]
            heard = "recorded the descent" if mic["recorded_descent"] else "no descent audio"
            typer.echo(f"  microphone: {mic['name']} - {heard}: {mic['status']}")
