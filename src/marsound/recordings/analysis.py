"""The whole analysis of one product (what ``marsound analyze`` runs) and the batch runner.

:func:`analyze_file` opens a product, runs the spectral summary, tone tracking (with Doppler and
amplitude nulls of the strongest line), event detection, and on request the laser-spark
sound speed and the wind power law, and returns the JSON summary. With ``out_dir`` it also
writes ``summary.json``, the figures, a playable ``audio.wav`` and ``index.html``.

:func:`analyze_many` runs :func:`analyze_file` over many products in worker processes; a
failure is recorded in its row and never stops the others.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from marsound._atomic import atomic_path, write_text_atomic
from marsound.errors import InvalidParameterError, MarsoundError

SUMMARY_COLUMNS = (
    "path", "status", "error", "sample_rate_hz", "duration_s", "n_windows", "unit", "n_tones",
    "main_tone_hz", "main_tone_level_db", "n_events", "sound_speed_m_s", "sound_speed_uncertainty_m_s",
    "temperature_k", "temperature_uncertainty_k", "wind_exponent", "sol", "lmst", "start_utc",
    "sequence_id", "product_version", "out_dir",
)  # fmt: skip


def _jsonable(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, (np.floating, float)):
        f = float(v)
        return f if math.isfinite(f) else None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.bool_,)):
        return bool(v)
    if isinstance(v, Path):
        return str(v)
    return v


def write_playable_wav(source: Any, path: Path) -> Path:
    """16-bit PCM copy of a source, peak-normalised to 0.9, streamed (for the HTML audio player)."""
    import soundfile as sf

    peak = 0.0
    for blk in source.iter_mono():
        if blk.size:
            peak = max(peak, float(np.abs(blk).max()))
    gain = 0.9 / peak if peak > 0 else 1.0
    rate = round(source.sample_rate_hz)
    with atomic_path(path) as tmp:
        with sf.SoundFile(str(tmp), "w", samplerate=rate, channels=1, subtype="PCM_16", format="WAV") as fh:
            for blk in source.iter_mono():
                fh.write(np.clip(blk * gain, -1, 1))
    return path


def _html(summary: dict[str, Any], figures: dict[str, str], audio: str | None) -> str:
    def row(k: str, v: Any) -> str:
        return f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"

    head = ["sample_rate_hz", "duration_s", "unit", "n_windows"]
    for k in ("sound_speed_m_s", "sound_speed_uncertainty_m_s", "temperature_k", "temperature_uncertainty_k"):
        if k in summary:
            head.append(k)
    rows = "".join(row(k, summary.get(k)) for k in head)
    meta = "".join(row(k, v) for k, v in summary.get("metadata", {}).items())
    tones = "".join(
        f"<tr><td>{t['frequency_hz']}</td><td>{t['level_db']}</td><td>{t['start_s']}</td><td>{t['end_s']}</td></tr>"
        for t in summary["tones"]
    )
    events = "".join(
        f"<tr><td>{e['start_s']}</td><td>{e['end_s']}</td><td>{html.escape(e['kind'])}</td><td>{e['level_db']}</td></tr>"
        for e in summary["events"]
    )
    imgs = "".join(
        f'<figure><img src="{html.escape(f)}" alt="{html.escape(k)}"><figcaption>{html.escape(k)}</figcaption></figure>'
        for k, f in figures.items()
    )
    player = f'<audio controls preload="none" src="{html.escape(audio)}"></audio>' if audio else ""
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in summary.get("notes", []))
    title = html.escape(Path(summary["source_path"]).name)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>marsound: {title}</title>
<style>body{{font-family:sans-serif;max-width:1150px;margin:1em auto}}img{{max-width:100%}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:2px 6px;text-align:left}}</style></head>
<body><h1>{title}</h1>
<p>Playback (peak-normalised 16-bit copy): {player}</p>
<table>{rows}</table>
<h2>Tones</h2><table><tr><th>frequency [Hz]</th><th>level [dB]</th><th>start [s]</th><th>end [s]</th></tr>
{tones}</table>
<h2>Events</h2><table><tr><th>start [s]</th><th>end [s]</th><th>kind</th><th>level [dB]</th></tr>{events}</table>
{imgs}
<h2>Metadata</h2><table>{meta}</table>
<ul>{notes}</ul>
<p><a href="summary.json">summary.json</a></p>
</body></html>
"""


def analyze_file(
    path: str | Path,
    *,
    label: str | Path | None = None,
    spark_distance_m: float | None = None,
    spark_trigger_offset_s: float = 0.0,
    wind_reference: str | Path | None = None,
    out_dir: str | Path | None = None,
    fmax_tone_hz: float = 1000.0,
    require_spark: bool = True,
    write_audio: bool = True,
) -> dict[str, Any]:
    """Analyse one product; returns the summary dict (see module docstring for outputs).

    Summary contract: ``sample_rate_hz``, ``duration_s``, ``tones`` (``frequency_hz``,
    ``level_db``, ``start_s``, ``end_s``), ``events`` (``start_s``, ``end_s``, ``kind``) and, with
    ``spark_distance_m``, ``sound_speed_m_s``/``temperature_k`` (medians over shots) with
    ``sound_speed_uncertainty_m_s``/``temperature_uncertainty_k``.

    Raises
    ------
    MarsoundError
        Unreadable product, unsafe/mismatching label, or a requested analysis that cannot run
        (e.g. spark timing on a recording without shot windows, too short for a spectrum).
    """
    from marsound.recordings.doppler import amplitude_null_times, doppler_radial_speed, tone_envelope_db
    from marsound.recordings.events import detect_events
    from marsound.recordings.io import describe, open_source
    from marsound.recordings.recording import Recording
    from marsound.recordings.spectral import spectral_summary
    from marsound.recordings.tones import track_tones

    path = Path(path)
    src = open_source(path, label=label)
    fs = src.sample_rate_hz
    info = describe(src)
    notes: list[str] = []
    spec = spectral_summary(src, max_columns=1500)
    tones = []
    try:
        tones = track_tones(src, fmax_hz=min(fmax_tone_hz, 0.45 * fs))
    except InvalidParameterError as exc:
        notes.append(f"tone tracking skipped: {exc}")
    try:
        events = detect_events(src)
    except InvalidParameterError as exc:
        events = []
        notes.append(f"event detection skipped: {exc}")
    summary: dict[str, Any] = {
        "source_path": str(path),
        "sample_rate_hz": fs,
        "duration_s": info["duration_s"],
        "n_frames": info["n_frames"],
        "n_windows": info["n_windows"],
        "unit": info["unit"],
        "level_reference": f"dB re 1 {info['unit']}^2 (mean square)",
        "tones": [t.summary() for t in tones],
        "events": [e.summary() for e in events],
        "band_levels_db": {
            f"{lo:g}-{hi:g} Hz": round(float(10 * np.log10(np.mean(10 ** (spec.band_levels.levels_db[:, j] / 10)))), 2)
            for j, (lo, hi) in enumerate(spec.band_levels.bands_hz)
        },
        "metadata": _jsonable({k: v for k, v in info["metadata"].items()}),
    }
    radial = envelope = None
    if tones:
        main = tones[0]
        if main.frequencies_hz.max() - main.frequencies_hz.min() > 0.05:
            rs = doppler_radial_speed(main.times_s, main.frequencies_hz)
            summary["doppler"] = {
                "frequency_hz": round(main.frequency_hz, 4),
                "source_frequency_hz": round(rs.source_frequency_hz, 4),
                "sound_speed_m_s": round(rs.sound_speed_m_s, 2),
                "max_approach_speed_m_s": round(float(rs.speed_m_s.max()), 3),
                "max_recession_speed_m_s": round(float(-rs.speed_m_s.min()), 3),
                "assumption": "source frequency = 2/(1/f_max + 1/f_min); jezero atmosphere",
            }
            radial = (rs.times_s, rs.speed_m_s)
        if main.duration_s >= 20.0 and main.frequency_hz > 4.0:
            te, le = tone_envelope_db(src, main.frequency_hz, bandwidth_hz=min(5.5, main.frequency_hz / 2))
            nulls = amplitude_null_times(te, le)
            summary["amplitude_nulls_s"] = [round(float(v), 2) for v in nulls if main.start_s <= v <= main.end_s]
            envelope = (te, le, np.asarray(summary["amplitude_nulls_s"]))
    if spark_distance_m is not None:
        if len(src.segments()) > 1 and isinstance(src, Recording):
            from marsound.recordings.sparks import spark_sound_speed

            sp = spark_sound_speed(src, spark_distance_m, trigger_offset_s=spark_trigger_offset_s)
            summary.update(sp.summary())
            summary["spark_speeds_m_s"] = [None if not np.isfinite(v) else round(float(v), 3) for v in sp.speeds_m_s]
        elif require_spark:
            raise InvalidParameterError(
                f"--spark-distance-m needs a LIBS recording with per-shot windows; {path.name} is one continuous record"
            )
        else:
            notes.append("spark analysis skipped: no per-shot windows")
    wind_series = None
    if wind_reference is not None:
        from marsound.recordings.wind import band_rms, fit_wind_power_law, read_wind_reference, wind_from_sound

        rt, ru = read_wind_reference(wind_reference)
        band = (20.0, 200.0)
        exclude = [
            (float(t.frequencies_hz.min()) - 1.0, float(t.frequencies_hz.max()) + 1.0)
            for t in tones if band[0] < t.frequency_hz < band[1]
        ]  # fmt: skip
        tt, rms = band_rms(src, band_hz=band, exclude_hz=exclude)
        summary["wind_band_hz"] = list(band)
        summary["wind_excluded_tones_hz"] = exclude
        fit = fit_wind_power_law(tt, rms, rt, ru)
        u = wind_from_sound(rms, fit)
        summary["wind_power_law"] = _jsonable(fit.summary())
        summary["wind_from_sound_m_s"] = {
            "mean": round(float(u.mean()), 3), "max": round(float(u.max()), 3), "std": round(float(u.std()), 3),
            "window_s": 0.5,
        }  # fmt: skip
        wind_series = (tt, u, rt, ru)
    summary["notes"] = notes
    summary = _jsonable(summary)
    if out_dir is not None:
        summary["outputs"] = write_outputs(src, summary, spec, tones, events, Path(out_dir), radial=radial,
                                           envelope=envelope, wind=wind_series, write_audio=write_audio)  # fmt: skip
    return summary


def write_outputs(
    src: Any, summary: dict[str, Any], spec: Any, tones: Sequence[Any], events: Sequence[Any], out: Path, *,
    radial: Any = None, envelope: Any = None, wind: Any = None, write_audio: bool = True,
) -> dict[str, str]:  # fmt: skip
    """Write figures, the playable audio, ``summary.json`` and ``index.html`` into ``out``."""
    from marsound.recordings import plot

    out.mkdir(parents=True, exist_ok=True)
    name = Path(summary["source_path"]).name
    figures = {
        "spectrogram": plot.plot_spectrogram(spec.spectrogram, tones, events, out / "spectrogram.png", title=name).name,
        "psd": plot.plot_psd(spec.psd, tones, out / "psd.png", title=f"Welch PSD: {name}").name,
        "tracks": plot.plot_tracks(tones, out / "tracks.png", radial=radial, envelope=envelope, title=name).name,
    }
    if wind is not None:
        figures["wind"] = plot.plot_wind(*wind, out / "wind.png").name
    audio = None
    if write_audio:
        audio = write_playable_wav(src, out / "audio.wav").name
    files = {**figures, "summary": "summary.json", "html": "index.html"}
    if audio:
        files["audio"] = audio
    summary = dict(summary, outputs=files)
    write_text_atomic(out / "summary.json", json.dumps(summary, indent=2))
    write_text_atomic(out / "index.html", _html(summary, figures, audio))
    return files


def summary_row(path: Path, summary: dict[str, Any] | None, error: str | None, out_dir: Path | None) -> dict[str, Any]:
    """One row of the batch table (columns :data:`SUMMARY_COLUMNS`)."""
    row: dict[str, Any] = dict.fromkeys(SUMMARY_COLUMNS)
    row.update(path=str(path), status="ok" if error is None else "error", error=error)
    if summary is not None:
        meta = summary.get("metadata", {})
        tones = summary.get("tones", [])
        row.update(
            sample_rate_hz=summary["sample_rate_hz"],
            duration_s=summary["duration_s"],
            n_windows=summary.get("n_windows"),
            unit=summary.get("unit"),
            n_tones=len(tones),
            main_tone_hz=tones[0]["frequency_hz"] if tones else None,
            main_tone_level_db=tones[0]["level_db"] if tones else None,
            n_events=len(summary.get("events", [])),
            wind_exponent=summary.get("wind_power_law", {}).get("b"),
            out_dir=str(out_dir) if out_dir else None,
            **{
                k: summary.get(k)
                for k in (
                    "sound_speed_m_s",
                    "sound_speed_uncertainty_m_s",
                    "temperature_k",
                    "temperature_uncertainty_k",
                )
            },
            **{k: meta.get(k) for k in ("sol", "lmst", "start_utc", "sequence_id", "product_version")},
        )
    return row


def _worker(args: tuple[str, dict[str, Any], str | None]) -> tuple[dict[str, Any] | None, str | None]:
    path, kwargs, out = args
    try:
        return analyze_file(path, out_dir=out, **kwargs), None
    except MarsoundError as exc:
        return None, str(exc)
    except Exception as exc:  # a bug or an unexpected library error must not stop the batch
        return None, f"{type(exc).__name__}: {exc}"


def output_dir_for(path: Path, root: Path, used: set[str]) -> Path:
    """A unique sub-folder of ``root`` named after the product's stem."""
    stem = path.stem
    name, k = stem, 1
    while name in used:
        k += 1
        name = f"{stem}_{k}"
    used.add(name)
    return root / name


def analyze_many(
    paths: Sequence[Path],
    out_dir: Path | None,
    *,
    max_workers: int | None = None,
    progress: Callable[[Path, str | None], None] | None = None,
    **kwargs: Any,
) -> list[dict[str, Any]]:
    """Analyse products in worker processes; returns one row per product (input order).

    ``kwargs`` go to :func:`analyze_file` (``spark_distance_m``, ``wind_reference``...);
    spark analysis is skipped, not failed, for products without shot windows.
    """
    import os
    from concurrent.futures import ProcessPoolExecutor, as_completed

    kwargs = dict(kwargs, require_spark=False)
    used: set[str] = set()
    outs = [output_dir_for(p, out_dir, used) if out_dir is not None else None for p in paths]
    rows: list[dict[str, Any] | None] = [None] * len(paths)
    workers = max(1, min(len(paths), max_workers or os.cpu_count() or 1))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futs = {
            pool.submit(_worker, (str(p), kwargs, str(o) if o else None)): i
            for i, (p, o) in enumerate(zip(paths, outs))
        }
        for fut in as_completed(futs):
            i = futs[fut]
            try:
                summary, err = fut.result()
            except Exception as exc:  # worker crashed (e.g. killed)
                summary, err = None, f"worker failed: {type(exc).__name__}: {exc}"
            rows[i] = summary_row(paths[i], summary, err, outs[i] if summary else None)
            if progress is not None:
                progress(paths[i], err)
    return [r for r in rows if r is not None]


def write_table(rows: Sequence[dict[str, Any]], out_dir: Path) -> dict[str, Path]:
    """Write the batch table as ``summary.csv`` and ``summary.parquet`` (atomically)."""
    import csv
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    out_dir.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(SUMMARY_COLUMNS))
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in SUMMARY_COLUMNS})
    csv_path = write_text_atomic(out_dir / "summary.csv", buf.getvalue())
    cols: dict[str, list[Any]] = {k: [r.get(k) for r in rows] for k in SUMMARY_COLUMNS}
    for k, vals in cols.items():  # pyarrow needs one type per column
        if any(isinstance(v, str) for v in vals):
            cols[k] = [None if v is None else str(v) for v in vals]
    table = pa.table(cols)
    pq_path = out_dir / "summary.parquet"
    with atomic_path(pq_path) as tmp:
        pq.write_table(table, tmp)
    return {"csv": csv_path, "parquet": pq_path}
