"""The whole analysis of one product: what ``marsound analyze`` runs.

:func:`analyze_file` opens a product once, runs the spectral summary, tone tracking (with Doppler
and amplitude nulls of the strongest line), event detection, and on request the laser-spark
sound speed and the wind power law, and returns the JSON summary. With ``out_dir`` it also
writes the report (:mod:`~marsound.recordings.report`). Many products:
:func:`~marsound.recordings.batch.analyze_many`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from marsound.errors import InvalidParameterError
from marsound.recordings.doppler import amplitude_null_times, doppler_radial_speed, tone_envelope_db
from marsound.recordings.events import detect_events
from marsound.recordings.recording import Recording, SignalSource
from marsound.recordings.report import write_outputs
from marsound.recordings.sources import AudioFileSource, describe, open_source
from marsound.recordings.sparks import DEFAULT_TRIGGER_OFFSET_S as DEFAULT_SPARK_TRIGGER_OFFSET_S
from marsound.recordings.sparks import shot_picks, spark_sound_speed
from marsound.recordings.spectral import spectral_summary
from marsound.recordings.tones import DEFAULT_FMAX_HZ as DEFAULT_FMAX_TONE_HZ
from marsound.recordings.tones import track_tones
from marsound.recordings.wind import (
    DEFAULT_BAND_HZ as DEFAULT_WIND_BAND_HZ,
)
from marsound.recordings.wind import (
    DEFAULT_WINDOW_S as DEFAULT_WIND_WINDOW_S,
)
from marsound.recordings.wind import (
    band_rms,
    fit_wind_power_law,
    read_wind_reference,
    wind_from_sound,
)

SPECTROGRAM_COLUMNS = 1500
"""Spectrogram columns kept in the summary figure (consecutive frames averaged)."""
DOPPLER_MIN_SPAN_HZ = 0.05
"""The strongest tone is Doppler-analysed when its frequency moves by more than this [Hz]."""
ENVELOPE_MIN_DURATION_S = 20.0
"""Amplitude nulls are searched in tones lasting at least this long [s]."""
ENVELOPE_MIN_FREQUENCY_HZ = 4.0
ENVELOPE_BANDWIDTH_HZ = 5.5
"""Band around the tone for its envelope [Hz] (at most half the tone frequency)."""
IN_MEMORY_LIMIT_BYTES = 32 * 2**20
"""Products up to this size (float32, all channels) are decoded once and analysed in memory.

Larger ones are streamed by every analysis (a few passes over the file; for a WAV in the page
cache they cost about what the in-memory analysis does). The limit is what bounds the peak
memory of ``analyze`` over all lengths: at the former 256 MiB a 40-minute 25 kHz product was held
whole (240 MB of samples on top of the analysis), while a streamed product's peak hardly depends
on its length (``benchmarks/bench_report.py``).
"""


def load_source(src: Recording | AudioFileSource) -> SignalSource:
    """The source every analysis gets: decoded once into memory when small enough, else streamed."""
    if isinstance(src, AudioFileSource) and src.n_frames * src.n_channels * 4 <= IN_MEMORY_LIMIT_BYTES:
        return src.read()
    return src


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


def _unit_source(src: Any) -> str:
    """Where the unit came from: the product's label, an inference from the values, or the format."""
    meta = getattr(src, "metadata", {})
    if meta.get("unit_inferred"):
        return f"inferred: {meta['unit_inferred']}"
    if meta.get("label_path") or meta.get("product") == "supercam_raw_audio":
        return "label"
    return "format default (no label)"


def _in_file_time(row: dict[str, Any], src: Any, starts: list[float] | None) -> dict[str, Any]:
    """An event summary with its times moved from the packed windows to the file's own time."""
    if starts is None or not isinstance(src, Recording) or src.windows is None:
        return row
    fs = src.sample_rate_hz
    w = src.windows
    k = int(np.clip(np.searchsorted(w[:, 0], round(row["start_s"] * fs), side="right") - 1, 0, len(w) - 1))
    shift = starts[k] - w[k, 0] / fs
    return dict(row, start_s=round(row["start_s"] + shift, 6), end_s=round(row["end_s"] + shift, 6), window=k)


def analyze_file(
    path: str | Path,
    *,
    label: str | Path | None = None,
    spark_distance_m: float | None = None,
    spark_trigger_offset_s: float = DEFAULT_SPARK_TRIGGER_OFFSET_S,
    wind_reference: str | Path | None = None,
    out_dir: str | Path | None = None,
    fmax_tone_hz: float = DEFAULT_FMAX_TONE_HZ,
    require_spark: bool = True,
    write_audio: bool = True,
) -> dict[str, Any]:
    """Analyse one product; returns the summary dict (see module docstring for outputs).

    Summary contract: ``sample_rate_hz``, ``duration_s``, ``tones`` (``frequency_hz``,
    ``level_db``, ``start_s``, ``end_s``), ``events`` (``start_s``, ``end_s``, ``kind``) and, with
    ``spark_distance_m``, ``sound_speed_m_s``/``temperature_k`` (medians over shots) with
    ``sound_speed_uncertainty_m_s``/``temperature_uncertainty_k``.

    The product is opened and checked once; unless it is larger than
    :data:`IN_MEMORY_LIMIT_BYTES` (then every analysis streams it) it is decoded once and the same
    in-memory recording is handed to every analysis.

    Raises
    ------
    MarsoundError
        Unreadable product, unsafe/mismatching label, or a requested analysis that cannot run
        (e.g. spark timing on a recording without shot windows, too short for a spectrum).
    """
    from marsound._atomic import output_dir
    from marsound._validate import non_negative_finite, positive_finite

    if spark_distance_m is not None:
        positive_finite(spark_distance_m, "spark_distance_m")
    non_negative_finite(spark_trigger_offset_s, "spark_trigger_offset_s")
    path = Path(path)
    src = load_source(open_source(path, label=label))
    if out_dir is not None:
        output_dir(out_dir)  # refuse an unwritable output before the work
    fs = src.sample_rate_hz
    info = describe(src)
    notes: list[str] = []
    spec = spectral_summary(src, max_columns=SPECTROGRAM_COLUMNS)
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
    meta = getattr(src, "metadata", {})
    starts = meta.get("window_start_s")
    summary: dict[str, Any] = {
        "source_path": str(path),
        "sample_rate_hz": fs,
        "duration_s": float(meta.get("duration_file_s", info["duration_s"])),
        "n_frames": info["n_frames"],
        "n_windows": info["n_windows"],
        "unit": info["unit"],
        "unit_source": _unit_source(src),
        "level_reference": f"dB re 1 {info['unit']}^2 (mean square)",
        "tones": [t.summary() for t in tones],
        "events": [_in_file_time(e.summary(), src, starts) for e in events],
        "band_levels_db": {
            f"{lo:g}-{hi:g} Hz": round(float(10 * np.log10(np.mean(10 ** (spec.band_levels.levels_db[:, j] / 10)))), 2)
            for j, (lo, hi) in enumerate(spec.band_levels.bands_hz)
        },
        "metadata": _jsonable({k: v for k, v in info["metadata"].items()}),
    }
    if starts is not None:
        summary["analysed_duration_s"] = info["duration_s"]
        summary["time_axis"] = "event times in the file; figures show the shot windows back to back"
    if isinstance(src, Recording) and src.windows is not None:
        try:
            summary["shots"] = shot_picks(src, window_starts_s=starts, trigger_offset_s=spark_trigger_offset_s)
        except InvalidParameterError as exc:
            notes.append(f"shot picks skipped: {exc}")
    radial = envelope = None
    if tones:
        main = tones[0]
        if main.frequencies_hz.max() - main.frequencies_hz.min() > DOPPLER_MIN_SPAN_HZ:
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
        if main.duration_s >= ENVELOPE_MIN_DURATION_S and main.frequency_hz > ENVELOPE_MIN_FREQUENCY_HZ:
            te, le = tone_envelope_db(
                src, main.frequency_hz, bandwidth_hz=min(ENVELOPE_BANDWIDTH_HZ, main.frequency_hz / 2)
            )
            nulls = amplitude_null_times(te, le)
            summary["amplitude_nulls_s"] = [round(float(v), 2) for v in nulls if main.start_s <= v <= main.end_s]
            envelope = (te, le, np.asarray(summary["amplitude_nulls_s"]))
    if spark_distance_m is not None:
        if len(src.segments()) > 1 and isinstance(src, Recording):
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
        rt, ru = read_wind_reference(wind_reference)
        band = DEFAULT_WIND_BAND_HZ
        exclude = [
            (float(t.frequencies_hz.min()) - 1.0, float(t.frequencies_hz.max()) + 1.0)
            for t in tones if band[0] < t.frequency_hz < band[1]
        ]  # fmt: skip
        tt, rms = band_rms(src, band_hz=band, window_s=DEFAULT_WIND_WINDOW_S, exclude_hz=exclude)
        summary["wind_band_hz"] = list(band)
        summary["wind_excluded_tones_hz"] = exclude
        fit = fit_wind_power_law(tt, rms, rt, ru)
        u = wind_from_sound(rms, fit)
        summary["wind_power_law"] = _jsonable(fit.summary())
        summary["wind_from_sound_m_s"] = {
            "mean": round(float(u.mean()), 3), "max": round(float(u.max()), 3), "std": round(float(u.std()), 3),
            "window_s": DEFAULT_WIND_WINDOW_S,
        }  # fmt: skip
        wind_series = (tt, u, rt, ru)
    summary["notes"] = notes
    summary = _jsonable(summary)
    if out_dir is not None:
        summary["outputs"] = write_outputs(src, summary, spec, tones, events, Path(out_dir), radial=radial,
                                           envelope=envelope, wind=wind_series, write_audio=write_audio)  # fmt: skip
    return summary
