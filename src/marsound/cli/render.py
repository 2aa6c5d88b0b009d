"""``marsound render``: hear a recording at a distance on Mars (or in any atmosphere)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from marsound.cli import options as o
from marsound.rendering.filters import DEFAULT_SOURCE_DISTANCE_M, DEFAULT_SOURCE_PRESET
from marsound.rendering.source_models import DEFAULT_SOURCE_MODEL

HELP = f"""Render a recording (made at --source-distance-m on Earth) as heard at --distance-m.

Applies H(f) = G (r0/d) exp(-i k(f) (d - r0)): the source-model gain G, spherical spreading,
absorption and dispersion of the chosen atmosphere (one causal filter: high frequencies arrive
slightly earlier on Mars), and the travel time (d - r0)/c. Streams block by block (bounded memory),
keeps the sample rate (8-192 kHz) and channels, writes atomically.

Several --distance-m values give one output per distance, named OUT-stem_<D>m.suffix
(out.wav with 2 and 50 gives out_2m.wav, out_50m.wav). Each output gets a JSON sidecar
<output>.json with the applied gain, delay and atmosphere. OUT's suffix picks the format:
.wav/.aiff 32-bit float, .flac 24-bit PCM (clipped at full scale).

Source models: equal-power (same acoustic power: 10 log10(Z_target/Z_source), about -20 dB Earth
to Mars), equal-velocity (same volume velocity: 20 log10(rho_target/rho_source), about -38 dB),
none (0 dB). --normalize scales each output to a -1 dBFS peak (two passes; off by default).

--trajectory FILE.csv renders a moving source instead of fixed distances: rows time_s,distance_m
or time_s,x_m,y_m,z_m (listener at the origin; time 0 = start of the recording), with Doppler
shift and a distance-dependent filter.

{o.ATMOSPHERE_HELP} --source-preset names the recording's atmosphere (default earth).
"""


def register(app: typer.Typer) -> None:
    @app.command("render", help=HELP)
    def render(
        input_path: Path = typer.Argument(..., help="Input sound file (WAV, FLAC, AIFF, Ogg, ...)."),
        output_path: Path = typer.Argument(..., help="Output sound file (suffix picks the format)."),
        distance_m: list[float] = typer.Option(
            None, "--distance-m", "-d", help="Listener distance [m]; repeat for several outputs."
        ),
        preset: str = o.PresetOpt,
        temperature_k: float | None = o.TemperatureOpt,
        pressure_pa: float | None = o.PressureOpt,
        composition: str | None = o.CompositionOpt,
        humidity_pct: float | None = o.HumidityOpt,
        model: str = o.ModelOpt,
        source_distance_m: float = typer.Option(
            DEFAULT_SOURCE_DISTANCE_M, "--source-distance-m", help="Recording distance r0 [m]."
        ),
        source_model: str = typer.Option(
            DEFAULT_SOURCE_MODEL, "--source-model", help="equal-power, equal-velocity or none."
        ),
        source_preset: str = typer.Option(
            DEFAULT_SOURCE_PRESET, "--source-preset", help="Atmosphere of the recording."
        ),
        trajectory: Path | None = typer.Option(
            None, "--trajectory", help="CSV of time_s,distance_m or time_s,x_m,y_m,z_m (moving source)."
        ),
        normalize: bool = typer.Option(False, "--normalize", help="Scale outputs to a -1 dBFS peak."),
        as_json: bool = typer.Option(False, "--json", help="Print the reports as JSON."),
    ) -> None:
        from marsound._validate import choose
        from marsound.audio import probe
        from marsound.errors import InvalidParameterError
        from marsound.physics import preset as get_preset
        from marsound.rendering import render_file
        from marsound.rendering.source_models import SOURCE_MODELS

        choose("source model", source_model, SOURCE_MODELS)
        atm = o.AtmosphereArgs(preset, temperature_k, pressure_pa, composition, humidity_pct).resolve()
        src = get_preset(source_preset)
        traj = None
        if trajectory is not None:
            if distance_m:
                raise InvalidParameterError("give either --distance-m or --trajectory, not both")
            from marsound.rendering.moving import read_trajectory_csv

            traj = read_trajectory_csv(trajectory)
        elif not distance_m:
            raise InvalidParameterError("--distance-m is required (or --trajectory)")
        kwargs: dict[str, Any] = dict(
            trajectory=traj,
            source_distance_m=source_distance_m,
            source_atmosphere=src,
            source_model=source_model,
            model=model,
            normalize=normalize,
        )
        dist = None if traj is not None else (distance_m[0] if len(distance_m) == 1 else list(distance_m))
        if sys.stdout.isatty() and not as_json:
            from rich.progress import BarColumn, Progress, TimeRemainingColumn

            total = probe(input_path).frames * (2 if normalize else 1)  # a header read, for the bar only
            with Progress("[progress.description]{task.description}", BarColumn(), TimeRemainingColumn()) as bar:
                task = bar.add_task(f"rendering {input_path.name}", total=total)
                reports = render_file(
                    input_path, output_path, dist, atm, progress=lambda n: bar.advance(task, n), **kwargs
                )
        else:
            reports = render_file(input_path, output_path, dist, atm, **kwargs)
        if as_json:
            typer.echo(json.dumps([r.to_dict() for r in reports], indent=2))
            return
        for r in reports:
            where = f"{r.distance_m:g} m" if r.distance_m is not None else "moving source"
            parts = f"source {r.source_gain_db:+.1f} dB"
            if r.spreading_gain_db is not None:
                parts += f", spreading {r.spreading_gain_db:+.1f} dB"
            if normalize:
                parts += f", normalisation {r.normalization_gain_db:+.1f} dB"
            delay = f", delay {r.delay_s * 1000:.1f} ms" if r.delay_s is not None else ""
            clip = f", {r.clipped_samples} samples clipped" if r.clipped_samples else ""
            typer.echo(
                f"{r.output_path}: {where} in {atm.name}, applied gain {r.applied_gain_db:+.2f} dB ({parts}){delay}"
                f"{clip}; sidecar {r.sidecar_path}"
            )
