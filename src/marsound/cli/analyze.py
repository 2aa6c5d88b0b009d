"""``marsound analyze``: analyse rover microphone products (one file, a folder or a glob)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from marsound.recordings.sparks import DEFAULT_TRIGGER_OFFSET_S as DEFAULT_SPARK_TRIGGER_OFFSET_S

DEFAULT_OUT = Path("marsound-output")

HELP = """Analyse Mars microphone recordings: SuperCam raw FITS, calibrated WAV + PDS4 label (NaN-gapped
LIBS WAVs: one window per shot), any audio file soundfile reads, or a video's soundtrack
(MP4/MOV/MKV/WebM).

Writes into -o DIR: summary.json, spectrogram.png (tones and events marked), psd.png,
tracks.png (tone frequencies, Doppler radial speed, tone envelope with amplitude nulls),
wind.png (with --wind-reference), audio.ogg (peak-normalised Ogg/Vorbis listening copy,
at most the first 10 minutes) and index.html (figures with an audio player).

--json prints the summary: sample_rate_hz, duration_s, tones (frequency_hz, level_db,
start_s, end_s), events (start_s, end_s, kind) and, with --spark-distance-m,
sound_speed_m_s, sound_speed_uncertainty_m_s, temperature_k and temperature_uncertainty_k
(medians over the laser shots; temperature from the dispersive sound speed of the physics core).

FILE may be a folder or a glob ("data/**/*.wav"): products are analysed in parallel processes,
each into DIR/<name>/, and DIR/summary.csv + summary.parquet list them all; a product that
fails is reported in the table (status=error) and the others still complete (exit code 1 if
any failed). A label beside a product (same name, .xml) is used automatically.

--scheduler ADDRESS runs the batch (a single FILE too) on a Dask cluster, one task per product:
ADDRESS is a running scheduler (tcp://host:port) or 'local' (--workers processes on this machine). The
workers read the products by path (a shared filesystem), or with --upload this machine sends
them; the outputs come back into DIR here. Needs the dask extra: pip install 'marsound[dask]'.
"""


def register(app: typer.Typer) -> None:
    @app.command("analyze", help=HELP)
    def analyze(
        file: str = typer.Argument(..., help="A product file, a folder, or a glob pattern."),
        label: Path | None = typer.Option(None, "--label", help="PDS4 XML label of FILE (single file only)."),
        spark_distance_m: float | None = typer.Option(
            None, "--spark-distance-m", help="Microphone-target distance [m]: laser-spark sound speed and temperature."
        ),
        spark_trigger_offset_s: float = typer.Option(
            DEFAULT_SPARK_TRIGGER_OFFSET_S,
            "--spark-trigger-offset-s",
            help="Laser firing time from the start of each shot window [s].",
        ),
        wind_reference: Path | None = typer.Option(
            None, "--wind-reference", help="CSV of time_s,speed_m_s: fit and invert the sound-wind power law."
        ),
        out: Path = typer.Option(DEFAULT_OUT, "--out", "-o", help="Output folder."),
        as_json: bool = typer.Option(False, "--json", help="Print the JSON summary (batch: the table rows)."),
        workers: int | None = typer.Option(
            None, "--workers", min=1, help="Worker processes in batch mode (default: CPUs)."
        ),
        no_audio: bool = typer.Option(False, "--no-audio", help="Do not write the playable audio copy."),
        scheduler: str | None = typer.Option(
            None, "--scheduler", help="Dask scheduler address (tcp://host:port) or 'local': run the batch on it."
        ),
        upload: bool = typer.Option(
            False, "--upload", help="With --scheduler: send the products to workers that cannot read them."
        ),
    ) -> None:
        from marsound.errors import InvalidParameterError
        from marsound.recordings.sources import find_products, is_glob

        p = Path(file)
        if upload and scheduler is None:
            raise InvalidParameterError("--upload sends products to Dask workers: it needs --scheduler")
        batch = p.is_dir() or (not p.exists() and is_glob(file)) or scheduler is not None
        if not batch:
            if not p.exists():
                raise InvalidParameterError(f"FILE={file!r} does not exist")
            from marsound.recordings.analysis import analyze_file

            summary = analyze_file(
                p, label=label, spark_distance_m=spark_distance_m, spark_trigger_offset_s=spark_trigger_offset_s,
                wind_reference=wind_reference, out_dir=out, write_audio=not no_audio,
            )  # fmt: skip
            if as_json:
                typer.echo(json.dumps(summary, indent=2))
            else:
                _print_summary(summary, out)
            return
        if label is not None:
            raise InvalidParameterError("--label applies to a single FILE; in batch mode sibling labels are used")
        paths = find_products(file)
        kwargs = dict(
            spark_distance_m=spark_distance_m, spark_trigger_offset_s=spark_trigger_offset_s,
            wind_reference=wind_reference, write_audio=not no_audio,
        )  # fmt: skip
        if scheduler is None:
            rows = _run_batch(paths, out, workers=workers, **kwargs)
        else:
            from marsound.cluster import LOCAL, connect

            with connect(scheduler, n_workers=workers if scheduler.strip() == LOCAL else None) as client:
                rows = _run_batch(paths, out, client=client, upload=upload, **kwargs)
        from marsound.recordings.batch import write_table

        tables = write_table(rows, out)
        failed = [r for r in rows if r["status"] != "ok"]
        if as_json:
            typer.echo(json.dumps(rows, indent=2))
        else:
            from rich.console import Console

            con = Console(stderr=False)
            con.print(
                f"{len(rows) - len(failed)}/{len(rows)} products analysed; table: {tables['csv']}, {tables['parquet']}"
            )
        for r in failed:
            typer.echo(f"failed: {r['path']}: {r['error']}", err=True)
        if failed:
            raise typer.Exit(1)


def _run_batch(paths, out, **kwargs):
    """``analyze_many`` with a rich progress bar advanced as each product completes."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from marsound.recordings.batch import analyze_many

    with Progress(
        TextColumn("analyze"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("{task.description}"),
        disable=not sys.stdout.isatty(), transient=False,
    ) as prog:  # fmt: skip
        task = prog.add_task("", total=len(paths))

        def step(path: Path, err: str | None) -> None:
            prog.update(task, advance=1, description=f"{'FAILED ' if err else ''}{path.name}")

        return analyze_many(paths, out, progress=step, **kwargs)


def _print_summary(summary: dict, out: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    con = Console()
    con.print(
        f"[bold]{Path(summary['source_path']).name}[/]: {summary['sample_rate_hz']:g} Hz, "
        f"{summary['duration_s']:.3f} s, unit {summary['unit']}, {summary['n_windows']} window(s)"
    )
    if summary["tones"]:
        t = Table("tone [Hz]", "level [dB]", "start [s]", "end [s]", title="tones")
        for x in summary["tones"][:15]:
            t.add_row(f"{x['frequency_hz']:.3f}", f"{x['level_db']:.1f}", f"{x['start_s']:.2f}", f"{x['end_s']:.2f}")
        con.print(t)
    con.print(f"{len(summary['events'])} event(s): " + ", ".join(
        f"{e['kind']} {e['start_s']:.2f}-{e['end_s']:.2f} s" for e in summary["events"][:10]))  # fmt: skip
    if "doppler" in summary:
        d = summary["doppler"]
        con.print(
            f"Doppler on {d['frequency_hz']:.2f} Hz: approach up to {d['max_approach_speed_m_s']:.2f} m/s, "
            f"recession up to {d['max_recession_speed_m_s']:.2f} m/s"
        )
    if "amplitude_nulls_s" in summary:
        con.print("amplitude nulls [s]: " + ", ".join(f"{v:.1f}" for v in summary["amplitude_nulls_s"]))
    if "sound_speed_m_s" in summary:
        con.print(
            f"laser sparks: c = {summary['sound_speed_m_s']:.2f} ± {summary['sound_speed_uncertainty_m_s']:.2f} m/s, "
            f"T = {summary['temperature_k']:.1f} ± {summary['temperature_uncertainty_k']:.1f} K "
            f"({summary['spark_shots_used']}/{summary['spark_shots']} shots)"
        )
    if "wind_power_law" in summary:
        w = summary["wind_power_law"]
        con.print(f"wind power law: rms = {w['a']:.4g} U^{w['b']:.3f} (±{w['b_uncertainty']:.3f}, r² {w['r2']:.3f})")
    for n in summary.get("notes", []):
        con.print(f"note: {n}")
    con.print(f"outputs in {out}/ (open {out / 'index.html'})")
