"""``marsound landing sound``: what a microphone on the lander, or on the ground, would hear."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from marsound.landing.sound.render import (
    DEFAULT_GROUND_DISTANCE_M,
    DEFAULT_LISTENER,
    DEFAULT_SAMPLE_RATE_HZ,
    MODEL_NOTICE,
)

HELP = f"""Render a mission's descent soundtrack as a microphone would hear it (a model, not a recording).

Sources along the trajectory, each a published law with uncertain parameters: turbulent boundary
layer (p_rms ∝ q, Goody spectrum, aeroshell loss until heat-shield separation), parachute (mortar,
line stretch, inflation, canopy wake with breathing/flutter), pyros (heat shield, backshell, bridle
cut), throttled rockets (NASA SP-8072: W = eta F U_e / 2), touchdown, and on the ground a sonic boom
(Carlson) while supersonic. Event times follow the mission's published timeline.

--listener onboard (default): the lander's microphone in the local air. --listener ground: a
microphone on the surface --listener-distance-m from the touchdown point (default
{DEFAULT_GROUND_DISTANCE_M:g} m): travel time, absorption, spreading and Doppler through the altitude
profile. --start-s/--end-s: mission times at the listener [s after entry interface] (default: the
whole descent); OUT lasts exactly end - start. A sidecar OUT.json (also printed by --json) holds
mission, listener, sample_rate_hz, start_s, events (name, time_s, audio_time_s), the sources and
their parameters and the calibration (full_scale_pa: the pressure of sample value 1.0).
--set NAME=VALUE changes a source parameter (see --list-parameters). --plot FILE.png draws the
spectrogram of the soundtrack with the events marked.

{MODEL_NOTICE}
"""


def _parse_sets(values: list[str] | None) -> dict[str, object]:
    from marsound.errors import InvalidParameterError

    out: dict[str, object] = {}
    for item in values or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InvalidParameterError(f"--set expects NAME=VALUE, got {item!r}")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            raise InvalidParameterError(f"--set {name.strip()}: {value!r} is not a number") from None
    return out


def _list_parameters(value: bool) -> None:
    if value:
        from marsound.landing.sound import PARAMETERS

        for name, p in PARAMETERS.items():
            unit = f" {p.unit}" if p.unit else ""
            typer.echo(f"{name} = {p.default:g}{unit}  (range {p.low:g}..{p.high:g}): {p.doc}")
        raise typer.Exit()


def register(landing_app: typer.Typer) -> None:
    @landing_app.command("sound", help=HELP)
    def sound(
        mission: str = typer.Option(..., "--mission", help="Mission name (perseverance, zhurong)."),
        output: Path = typer.Option(..., "--output", "-o", help="Output sound file (.wav, 32-bit float)."),
        listener: str = typer.Option(DEFAULT_LISTENER, "--listener", help="onboard or ground."),
        listener_distance_m: float | None = typer.Option(
            None, "--listener-distance-m", help="Ground listener: horizontal distance from touchdown [m]."
        ),
        start_s: float | None = typer.Option(None, "--start-s", help="Start, mission time [s after entry]."),
        end_s: float | None = typer.Option(None, "--end-s", help="End, mission time [s after entry]."),
        sample_rate_hz: int = typer.Option(DEFAULT_SAMPLE_RATE_HZ, "--sample-rate-hz", help="8000-192000 Hz."),
        air: str = typer.Option("mars", "--air", help="mars, or earth for the same descent in Earth's air."),
        sources: str | None = typer.Option(
            None, "--sources", help="Comma list of sources (aero,parachute,pyro,rocket,touchdown,boom); default all."
        ),
        set_: list[str] = typer.Option(None, "--set", help="Source parameter NAME=VALUE (repeatable)."),
        seed: int = typer.Option(0, "--seed", help="Seed of the noise generator."),
        as_json: bool = typer.Option(False, "--json", help="Print the sidecar JSON."),
        plot: Path | None = typer.Option(None, "--plot", help="Spectrogram with events (PNG)."),
        list_parameters: bool = typer.Option(
            False, "--list-parameters", callback=_list_parameters, is_eager=True, help="List the source parameters."
        ),
    ) -> None:
        from marsound.landing.sound import SOURCE_NAMES, plan_descent_sound
        from marsound.landing.sound.render import check_output_path, write_descent_sound

        check_output_path(output)
        options = _parse_sets(set_)
        srcs = tuple(s.strip() for s in sources.split(",") if s.strip()) if sources else SOURCE_NAMES
        plan = plan_descent_sound(
            mission=mission,
            listener=listener,
            listener_distance_m=listener_distance_m,
            start_s=start_s,
            end_s=end_s,
            sample_rate_hz=sample_rate_hz,
            air=air,
            sources=srcs,
            seed=seed,
            parameters=options,
        )
        spec = None
        if plot is not None:
            from marsound.landing.sound.plot import SpectrogramAccumulator

            spec = SpectrogramAccumulator(plan.sample_rate_hz, plan.total_samples)
        if sys.stderr.isatty() and not as_json:
            from rich.progress import BarColumn, Progress, TimeRemainingColumn, TransferSpeedColumn

            with Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                "{task.percentage:>3.0f}%",
                TimeRemainingColumn(),
                TransferSpeedColumn(),
                transient=True,
            ) as bar:
                task = bar.add_task(f"{plan.trajectory.mission} descent, {plan.listener}", total=plan.total_samples)
                result = write_descent_sound(output, plan, progress=lambda n: bar.advance(task, n), spectrogram=spec)
        else:
            result = write_descent_sound(output, plan, spectrogram=spec)
        if plot is not None and spec is not None:
            from marsound.landing.sound.plot import plot_descent_spectrogram

            plot_descent_spectrogram(spec, result, plot)
        if as_json:
            typer.echo(result.to_json())
            return
        dur = result.frames / result.sample_rate_hz
        typer.echo(
            f"{output}: {dur:.1f} s at {result.sample_rate_hz} Hz, {result.mission} heard {result.listener}"
            f" ({result.air} air), mission time {result.start_s:g}..{result.end_s:g} s;"
            f" 1.0 = {result.full_scale_pa:.3g} Pa; {len(result.events)} events; sidecar {output}.json"
            + (f"; plot {plot}" if plot is not None else "")
        )
        typer.echo("A model, not a recording: " + ", ".join(f"{e.name} {e.audio_time_s:.2f} s" for e in result.events))
