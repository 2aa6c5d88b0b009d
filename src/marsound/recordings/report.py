"""What ``marsound analyze`` writes for one product: figures, a playable copy, ``summary.json``, ``index.html``."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from marsound._atomic import atomic_paths, output_dir
from marsound.audio import AudioWriter

LISTENING_MAX_S = 600.0
"""Longest listening copy in a report [s]: longer products get their first 10 minutes."""
LISTENING_NAME = "audio.ogg"
"""The report's listening copy: Ogg/Vorbis (any sample rate; ~10x smaller than 16-bit PCM)."""


def _mono_blocks(source: Any, stop: int) -> Any:
    """Mono blocks of the source's segments up to frame ``stop``, DC removed per segment (counts sit at ~1,880)."""
    for a, b in source.segments():
        if a >= stop:
            break
        blocks = list(source.iter_mono(a, min(b, stop))) if b - a <= (1 << 20) else None
        if blocks is None:  # a long continuous record: stream it, no DC removal needed for listening
            yield from source.iter_mono(a, min(b, stop))
            continue
        seg = np.concatenate(blocks) if blocks else np.zeros(0, np.float32)
        yield (seg - np.float32(seg.mean())) if seg.size else seg


def write_listening_copy(source: Any, path: Path, *, max_s: float = LISTENING_MAX_S) -> tuple[Path, float]:
    """A compressed, peak-normalised (0.9) mono copy for the page's player, at most ``max_s`` long.

    Streamed twice (peak, then encode), so its memory does not grow with the product; the format
    follows the suffix (``.ogg``: Vorbis). Returns the path and the duration written [s].
    """
    fs = source.sample_rate_hz
    stop = min(source.n_frames, round(max_s * fs))
    peak = 0.0
    for blk in _mono_blocks(source, stop):
        if blk.size:
            peak = max(peak, float(np.abs(blk).max()))
    gain = 0.9 / peak if peak > 0 else 1.0
    with AudioWriter(path, fs, 1, gain=gain) as out:
        for blk in _mono_blocks(source, stop):
            out.write(blk)
    return path, out.frames / fs


def _html(summary: dict[str, Any], figures: dict[str, str], audio: str | None, audio_s: float = 0.0) -> str:
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
<p>Playback ({html.escape(_listening_note(summary, audio_s))}): {player}</p>
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


def _listening_note(summary: dict[str, Any], audio_s: float) -> str:
    whole = float(summary.get("analysed_duration_s", summary.get("duration_s", 0.0)))
    what = "peak-normalised Ogg/Vorbis copy"
    if audio_s and audio_s < whole - 1e-3:
        what += f", first {audio_s:g} s of {whole:g} s"
    if summary.get("n_windows", 1) > 1:
        what += ", shot windows back to back"
    return what


def write_outputs(
    src: Any, summary: dict[str, Any], spec: Any, tones: Sequence[Any], events: Sequence[Any], out: Path, *,
    radial: Any = None, envelope: Any = None, wind: Any = None, write_audio: bool = True,
) -> dict[str, str]:  # fmt: skip
    """Write figures, the playable audio, ``summary.json`` and ``index.html`` into ``out``.

    All of them or none: every file is written to a temporary beside its target and the set is
    committed together (:func:`~marsound._atomic.atomic_paths`), so an error or a Ctrl-C never
    leaves figures without ``summary.json``.
    """
    from marsound.recordings import plot

    output_dir(out)
    name = Path(summary["source_path"]).name
    figures = {"spectrogram": "spectrogram.png", "psd": "psd.png", "tracks": "tracks.png"}
    if wind is not None:
        figures["wind"] = "wind.png"
    audio = LISTENING_NAME if write_audio else None
    audio_s = 0.0
    files = {**figures, "summary": "summary.json", "html": "index.html"}
    if audio:
        files["audio"] = audio
    with atomic_paths([out / f for f in files.values()]) as tmps:
        tmp = dict(zip(files, tmps))
        plot.plot_spectrogram(spec.spectrogram, tones, events, tmp["spectrogram"], title=name)
        plot.plot_psd(spec.psd, tones, tmp["psd"], title=f"Welch PSD: {name}")
        plot.plot_tracks(tones, tmp["tracks"], radial=radial, envelope=envelope, title=name)
        if wind is not None:
            wind_t, wind_u, ref_t, ref_u = wind
            plot.plot_wind(wind_t, wind_u, ref_t, ref_u, tmp["wind"])
        if audio:
            _, audio_s = write_listening_copy(src, tmp["audio"])
        summary = dict(summary, outputs=files)
        tmp["summary"].write_text(json.dumps(summary, indent=2), encoding="utf-8")
        tmp["html"].write_text(_html(summary, figures, audio, audio_s), encoding="utf-8")
    return files
