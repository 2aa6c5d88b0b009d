"""Spectrogram of a descent soundtrack with its events marked (matplotlib, imported lazily).

:class:`SpectrogramAccumulator` is fed the pressure blocks while the soundtrack streams (a few
Hann-windowed FFTs per column, bounded memory); :func:`plot_descent_spectrogram` draws it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from marsound._atomic import atomic_path
from marsound.landing.sound.render import DescentSound

P_REF_PA = 20e-6


class SpectrogramAccumulator:
    """Power spectral density [Pa^2/Hz] per time column of a streamed signal.

    Parameters
    ----------
    sample_rate_hz
        Sample rate of the blocks.
    total_samples
        Length of the whole signal (sets the column width for about ``columns`` columns).
    columns
        Target number of columns.
    nfft
        FFT length; each column averages up to ``ffts_per_column`` windows spread over it.
    """

    def __init__(
        self,
        sample_rate_hz: float,
        total_samples: int,
        *,
        columns: int = 1200,
        nfft: int = 2048,
        ffts_per_column: int = 4,
    ) -> None:
        self.fs = float(sample_rate_hz)
        self.nfft = int(nfft)
        self.width = max(self.nfft, int(np.ceil(total_samples / columns)))
        self.per_col = int(ffts_per_column)
        self.window = np.hanning(self.nfft).astype(np.float32)
        self._norm = 1.0 / (self.fs * float(np.sum(self.window**2)))
        self._pending = np.zeros(0, np.float32)
        self.columns: list[NDArray[np.float32]] = []

    def add(self, block: NDArray[np.float32]) -> None:
        """Feed the next samples."""
        buf = np.concatenate([self._pending, np.asarray(block, np.float32).ravel()])
        n_full = buf.size // self.width
        if n_full:
            cols = buf[: n_full * self.width].reshape(n_full, self.width)
            starts = np.linspace(0, self.width - self.nfft, self.per_col).astype(int)
            segs = np.stack([cols[:, s : s + self.nfft] for s in starts], axis=1) * self.window
            psd = np.mean(np.abs(np.fft.rfft(segs, axis=-1)) ** 2, axis=1) * self._norm
            psd[:, 1:-1] *= 2.0
            self.columns.extend(psd.astype(np.float32))
        self._pending = buf[n_full * self.width :]

    def result(self) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float32]]:
        """``(time_s, frequency_hz, psd)`` with ``psd`` of shape ``(n_freq, n_time)``; time from the file start."""
        psd = (
            np.array(self.columns, dtype=np.float32).T
            if self.columns
            else np.zeros((self.nfft // 2 + 1, 0), np.float32)
        )
        t = (np.arange(psd.shape[1]) + 0.5) * self.width / self.fs
        f = np.asarray(np.fft.rfftfreq(self.nfft, 1.0 / self.fs), dtype=np.float64)
        return t, f, np.asarray(psd, dtype=np.float32)


def plot_descent_spectrogram(
    accumulator: SpectrogramAccumulator, sound: DescentSound, path: str | Path, *, skip_events: Sequence[str] = ()
) -> Path:
    """Draw the spectrogram (dB re 20 µPa²/Hz, log frequency) with every event of ``sound`` marked; atomic PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t, f, psd = accumulator.result()
    fig, ax = plt.subplots(figsize=(14, 6), dpi=100)
    if psd.shape[1]:
        db = 10 * np.log10(np.maximum(psd[1:], 1e-30) / P_REF_PA**2)
        top = float(np.percentile(db, 99.9))
        mesh = ax.pcolormesh(
            t + sound.start_s, f[1:], db, shading="auto", cmap="magma", vmin=top - 90.0, vmax=top, rasterized=True
        )
        fig.colorbar(mesh, ax=ax, label="PSD [dB re 20 µPa²/Hz]")
    ax.set_yscale("log")
    ax.set_ylim(max(f[1], 10.0), accumulator.fs / 2)
    ax.set_xlabel("mission time at the listener [s after entry interface]")
    ax.set_ylabel("frequency [Hz]")
    where = (
        "on board" if sound.listener == "onboard" else f"on the ground {sound.listener_distance_m:g} m from touchdown"
    )
    ax.set_title(f"{sound.mission}: descent heard {where} ({sound.air} air) — a model, not a recording")
    for i, ev in enumerate(e for e in sound.events if e.name not in skip_events):
        x = sound.start_s + ev.audio_time_s
        ax.axvline(x, color="cyan", lw=0.8, alpha=0.8)
        ax.text(
            x,
            accumulator.fs / 2 * (0.55 if i % 2 else 0.3),
            ev.name,
            rotation=90,
            color="cyan",
            fontsize=7,
            va="top",
            ha="right",
        )
    fig.tight_layout()
    target = Path(path)
    with atomic_path(target) as tmp:
        fig.savefig(tmp, format=target.suffix.lstrip(".").lower() or "png")
    plt.close(fig)
    return target
