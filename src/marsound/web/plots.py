"""Server-side figures of the pages (matplotlib, Agg backend, written atomically as PNG)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from marsound._atomic import atomic_path

#: Longest stretch of a sound drawn in a spectrogram [s] (the rest is not drawn).
SPECTROGRAM_MAX_S = 60.0
#: Axes box of the timeline plot in figure fractions (left, bottom, width, height); the Landing
#: page puts its playback cursor with the same numbers.
TIMELINE_AXES = (0.06, 0.30, 0.92, 0.62)


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def spectrogram_pair(items: Sequence[tuple[str, Path]], path: Path) -> Path:
    """Spectrograms of sound files side by side, on one colour scale (dB re full scale).

    The first channel is drawn, up to :data:`SPECTROGRAM_MAX_S` seconds.
    """
    from scipy.signal import spectrogram

    from marsound.audio import AudioReader

    plt = _pyplot()
    specs = []
    for title, p in items:
        reader = AudioReader(p)
        fs = reader.info.sample_rate_hz
        x = reader.read(0, min(reader.info.frames, int(SPECTROGRAM_MAX_S * fs)))[:, 0]
        nper = 1024 if fs >= 32_000 else 512
        fr, t, s = spectrogram(x, fs=fs, nperseg=min(nper, max(16, len(x))), noverlap=None, scaling="spectrum")
        specs.append((title, fr, t, 10 * np.log10(s + 1e-20)))
    top = max(float(s.max()) for *_, s in specs)
    fig, axes = plt.subplots(1, len(specs), figsize=(5.2 * len(specs), 3.6), sharey=True, squeeze=False)
    im = None
    for ax, (title, fr, t, s) in zip(axes[0], specs):
        im = ax.pcolormesh(t, fr / 1000, s, shading="auto", vmin=top - 100, vmax=top, cmap="magma")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("time [s]")
    axes[0, 0].set_ylabel("frequency [kHz]")
    if im is not None:
        fig.colorbar(im, ax=axes[0].tolist(), label="level [dB re full scale]")
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=90, format="png")
    plt.close(fig)
    return path


def timeline_plot(events: Sequence[dict], path: Path, *, title: str, duration_s: float | None = None) -> dict:
    """Events (``name``, ``time_s``) on a time axis; returns the axis range and box for the cursor."""
    plt = _pyplot()
    times = [float(e["time_s"]) for e in events]
    t0 = 0.0
    t1 = max([*times, duration_s or 0.0, 1.0]) * 1.04
    fig = plt.figure(figsize=(10, 2.6))
    ax = fig.add_axes(TIMELINE_AXES)
    for i, e in enumerate(events):
        t = float(e["time_s"])
        ax.axvline(t, color="C3", lw=1)
        ax.annotate(
            str(e["name"]).replace("_", " "), (t, 0.92 - 0.16 * (i % 5)), xycoords=("data", "axes fraction"),
            fontsize=7, rotation=0, ha="left", va="top", xytext=(2, 0), textcoords="offset points",
        )  # fmt: skip
    ax.set_xlim(t0, t1)
    ax.set_yticks([])
    ax.set_xlabel("time after entry interface [s]")
    ax.set_title(title, fontsize=10)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=90, format="png")
    plt.close(fig)
    return {"time_range_s": [t0, t1], "axes_box": list(TIMELINE_AXES)}
