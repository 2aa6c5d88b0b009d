"""Figures of a recording's analysis (matplotlib, Agg backend, imported lazily). Files are written atomically."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from marsound._atomic import atomic_path
from marsound.recordings.events import Event
from marsound.recordings.spectral import Psd, Spectrogram, power_db
from marsound.recordings.tones import ToneTrack

EVENT_COLOURS = {"impact": "tab:red", "gust": "tab:cyan", "mechanism": "tab:orange"}


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: Path) -> Path:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110)
    _plt().close(fig)
    return Path(path)


#: Percentiles of the displayed spectrogram that set the bottom and top of its colour scale.
COLOUR_PERCENTILES = (2.0, 99.7)
#: Rows of the log-frequency axis the spectrogram is drawn with (at least the axes' height in pixels
#: at the figure's 110 dpi): bins narrower than one row are averaged (in power) before drawing.
SPECTROGRAM_ROWS = 600


def _row_edges(centres: np.ndarray) -> np.ndarray:
    """Edges of cells centred on ``centres``: midpoints, the outer ones half a step beyond (one cell: +-0.5)."""
    f = np.asarray(centres, dtype=float)
    if f.size < 2:
        return np.r_[f - 0.5, f + 0.5]
    mid = 0.5 * (f[:-1] + f[1:])
    return np.r_[f[0] - (mid[0] - f[0]), mid, f[-1] + (f[-1] - mid[-1])]


def log_frequency_rows(
    psd: np.ndarray, frequencies_hz: np.ndarray, rows: int = SPECTROGRAM_ROWS
) -> tuple[np.ndarray, np.ndarray]:
    """Merge the bins of a spectrogram that are thinner than ``1/rows`` of its log-frequency axis.

    Consecutive bins whose upper edges fall in the same of ``rows`` equal steps of
    ``log f`` are averaged in power; bins taller than a step stay as they are. On a log axis the
    upper decade holds most of the FFT bins in a few pixels, so this is what the figure shows
    anyway, at a fraction of the quads (an hour at 25 kHz: 1025 x 1500 becomes ~280 x 1500).

    Returns
    -------
    psd_rows : ndarray (merged rows, columns)
        Mean power of each merged row (same dtype as ``psd``).
    edges_hz : ndarray (merged rows + 1,)
        Row edges [Hz].
    """
    edges = _row_edges(frequencies_hz)
    lo = max(edges[0], 1e-12)
    step = np.log(edges[-1] / lo) / max(1, int(rows))
    g = np.floor(np.log(np.maximum(edges[1:], lo) / lo) / step * (1 - 1e-12)).astype(np.int64)
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    counts = np.diff(np.r_[starts, g.size]).astype(psd.dtype)
    merged = np.add.reduceat(psd, starts, axis=0) / counts[:, None]
    return merged, np.r_[edges[starts], edges[-1]]


def _weighted_limits(db: np.ndarray, w_row: np.ndarray, percentiles: tuple[float, float]) -> tuple[float, float]:
    """Weighted percentiles of ``db`` (rows x columns) with one weight per row."""
    vals = np.asarray(db, dtype=np.float32).ravel()
    order = np.argsort(vals, kind="stable")
    order = order[np.isfinite(vals[order])]
    cw = np.asarray(w_row, dtype=float)[order // (db.shape[1] if db.ndim == 2 else 1)]
    keep = cw > 0
    order, cw = order[keep], cw[keep]
    if order.size == 0:
        return -100.0, 0.0
    np.cumsum(cw, out=cw)
    cw /= cw[-1]
    v = vals[order].astype(float)
    lo, hi = (float(np.interp(p / 100.0, cw, v)) for p in percentiles)
    if hi - lo < 1.0:  # a flat (e.g. digitally silent) picture still gets a readable scale
        lo, hi = hi - 60.0, hi + 1.0
    return lo, hi


def colour_limits(
    db: np.ndarray, frequencies_hz: np.ndarray, percentiles: tuple[float, float] = COLOUR_PERCENTILES
) -> tuple[float, float]:
    """Colour-scale limits of a spectrogram drawn on a log-frequency axis, from its data.

    Each row is weighted by the height it takes on the log axis (``log f_{i+1}/f_i``), so the few
    low-frequency rows that fill most of the picture count as much as they are seen - a plain
    percentile over the bins is ruled by the thousands of high-frequency bins, which saturates the
    wind band of a real recording (everything below ~300 Hz one colour).
    """
    f = np.asarray(frequencies_hz, dtype=float)
    edges = np.r_[f[0] ** 1.5 / f[1] ** 0.5 if f[1] > 0 and f[0] > 0 else f[0], np.sqrt(f[:-1] * f[1:]), f[-1]]
    w_row = np.log(np.maximum(edges[1:], 1e-12) / np.maximum(edges[:-1], 1e-12))
    w_row = np.where(np.isfinite(w_row) & (w_row > 0), w_row, 0.0)
    return _weighted_limits(np.asarray(db), w_row, percentiles)


def plot_spectrogram(
    spec: Spectrogram, tones: Sequence[ToneTrack], events: Sequence[Event], path: str | Path, *, title: str = ""
) -> Path:
    """Spectrogram (dB re 1 unit^2/Hz, log frequency) with tone tracks and event spans.

    Bins thinner than a pixel row are averaged first (:func:`log_frequency_rows`); the colour
    scale spans the :data:`COLOUR_PERCENTILES` of the picture as drawn, each row weighted by its
    height on the axis.
    """
    plt = _plt()
    fig, ax = plt.subplots(figsize=(11, 5.5))
    f = spec.frequencies_hz
    keep = f >= max(f[1], 10.0)
    psd_rows, edges = log_frequency_rows(spec.psd[keep], f[keep])
    db = power_db(psd_rows)
    del psd_rows
    vmin, vmax = _weighted_limits(db, np.log(edges[1:] / edges[:-1]), COLOUR_PERCENTILES)
    t = spec.times_s
    mesh = ax.pcolormesh(_row_edges(t), edges, db, shading="flat", cmap="magma", vmin=vmin, vmax=vmax, rasterized=True)
    ax.set_yscale("log")
    ax.set_ylim(f[keep][0], f[-1])
    for i, tr in enumerate(tones):
        ax.plot(tr.times_s, tr.frequencies_hz, color="cyan", lw=1.2, label="tone tracks" if i == 0 else None)
    for e in events:
        ax.axvspan(e.start_s, e.end_s, ymin=0.96, ymax=1.0, color=EVENT_COLOURS.get(e.kind, "white"), alpha=0.9, lw=0)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c, alpha=0.4) for c in EVENT_COLOURS.values()]
    labels = [f"event: {k}" for k in EVENT_COLOURS]
    if tones:
        handles.insert(0, plt.Line2D([], [], color="cyan"))
        labels.insert(0, "tone tracks")
    ax.legend(handles, labels, loc="upper right", fontsize=8, framealpha=0.7)
    ax.set_xlabel("time [s]")
    ax.set_ylabel("frequency [Hz]")
    ax.set_title(title or "spectrogram")
    fig.colorbar(mesh, ax=ax, label=f"PSD [dB re 1 {spec.unit}²/Hz]")
    fig.tight_layout()
    return _save(fig, Path(path))


def plot_psd(psd: Psd, tones: Sequence[ToneTrack], path: str | Path, *, title: str = "") -> Path:
    """Welch PSD on log-log axes with the tone frequencies marked."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(9, 4.5))
    f = psd.frequencies_hz
    ax.semilogx(f[1:], psd.db()[1:], lw=0.8, color="k")
    for tr in tones[:12]:
        ax.axvline(tr.frequency_hz, color="tab:blue", alpha=0.4, lw=0.8)
        ax.annotate(f"{tr.frequency_hz:.2f}", (tr.frequency_hz, ax.get_ylim()[1]), rotation=90, va="top", fontsize=7)
    ax.set_xlabel("frequency [Hz]")
    ax.set_ylabel(f"PSD [dB re 1 {psd.unit}²/Hz]")
    ax.set_title(title or f"Welch PSD ({psd.n_frames} frames)")
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    return _save(fig, Path(path))


def plot_tracks(
    tones: Sequence[ToneTrack],
    path: str | Path,
    *,
    radial: tuple[np.ndarray, np.ndarray] | None = None,
    envelope: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    title: str = "",
) -> Path:
    """Tone frequencies over time; optionally radial speed and the tone envelope with its nulls."""
    plt = _plt()
    n = 1 + (radial is not None) + (envelope is not None)
    fig, axes = plt.subplots(n, 1, figsize=(10, 2.8 * n + 0.6), sharex=True, squeeze=False)
    ax = axes[0, 0]
    for tr in tones[:12]:
        ax.plot(tr.times_s, tr.frequencies_hz, ".-", ms=2, lw=0.8, label=f"{tr.frequency_hz:.2f} Hz")
    if not tones:
        ax.text(0.5, 0.5, "no tonal line found", transform=ax.transAxes, ha="center")
    else:
        ax.legend(fontsize=7, ncol=3)
    ax.set_ylabel("frequency [Hz]")
    ax.set_title(title or "tone tracks")
    i = 1
    if radial is not None:
        axes[i, 0].plot(radial[0], radial[1], color="tab:green")
        axes[i, 0].axhline(0, color="k", lw=0.5)
        axes[i, 0].set_ylabel("radial speed [m/s]\n(+ approaching)")
        i += 1
    if envelope is not None:
        t, lev, nulls = envelope
        axes[i, 0].plot(t, lev, color="tab:purple", lw=0.8)
        for tn in nulls:
            axes[i, 0].axvline(tn, color="tab:red", ls="--", lw=0.8)
        axes[i, 0].set_ylabel("tone level [dB]")
    axes[-1, 0].set_xlabel("time [s]")
    fig.tight_layout()
    return _save(fig, Path(path))


def plot_wind(
    times_s: np.ndarray, speed_m_s: np.ndarray, ref_t: np.ndarray, ref_u: np.ndarray, path: str | Path
) -> Path:
    """Wind speed from sound beside the reference series."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(10, 3.5))
    ax.plot(times_s, speed_m_s, lw=0.6, label="from sound")
    ax.plot(ref_t, ref_u, "k.", ms=3, label="reference")
    ax.set_xlabel("time [s]")
    ax.set_ylabel("wind speed [m/s]")
    ax.legend()
    fig.tight_layout()
    return _save(fig, Path(path))
