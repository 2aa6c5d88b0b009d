"""Spectrogram, Welch power spectral density and band levels, streamed over any length.

All three come from one pass of the framed float32 STFT of
:func:`marsound.recordings.streaming.iter_power`; :func:`spectral_summary` computes them
together (one read of the file), the other functions are thin wrappers. Long recordings are
summarised in at most ``max_columns`` spectrogram columns (consecutive frames averaged), so
memory is bounded (an hour at 25 kHz: 88k frames, never held at once).

Conventions: one-sided PSD in unit^2/Hz (Welch 1967, periodic Hann, 50 % overlap by default);
levels in dB re 1 unit^2 (re 1 unit^2/Hz for densities). Frames never cross shot windows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from marsound._validate import positive_finite
from marsound.errors import InvalidParameterError
from marsound.recordings.recording import SignalSource
from marsound.recordings.sources import as_source
from marsound.recordings.streaming import count_frames, density_scale, iter_power, make_grid

DEFAULT_BANDS_HZ: tuple[tuple[float, float], ...] = ((20.0, 200.0), (200.0, 2000.0), (2000.0, 12500.0))


def power_db(power: NDArray, floor: float = 1e-30) -> NDArray[np.float32]:
    """10 log10 of a power quantity, floored (float32)."""
    return (10.0 * np.log10(np.maximum(power, floor))).astype(np.float32)


@dataclass(frozen=True)
class Spectrogram:
    """A (possibly time-averaged) spectrogram.

    Attributes
    ----------
    times_s : ndarray (columns,)
        Centre time of each column [s].
    frequencies_hz : ndarray (bins,)
    psd : ndarray float32 (bins, columns)
        Power spectral density [unit^2/Hz], averaged over ``frames_per_column`` frames.
    frames_per_column : int
    unit : str
    """

    times_s: NDArray[np.float64]
    frequencies_hz: NDArray[np.float64]
    psd: NDArray[np.float32]
    frames_per_column: int
    unit: str = "FS"

    def db(self) -> NDArray[np.float32]:
        """PSD in dB re 1 unit^2/Hz."""
        return power_db(self.psd)


@dataclass(frozen=True)
class Psd:
    """Welch power spectral density [unit^2/Hz] with the number of averaged frames."""

    frequencies_hz: NDArray[np.float64]
    psd: NDArray[np.float64]
    n_frames: int
    unit: str = "FS"

    def db(self) -> NDArray[np.float32]:
        return power_db(self.psd)


@dataclass(frozen=True)
class BandLevels:
    """Mean-square level in frequency bands per STFT frame.

    ``levels_db[i, j]`` is the level of band ``bands_hz[j]`` in frame ``i`` [dB re 1 unit^2].
    """

    times_s: NDArray[np.float64]
    bands_hz: tuple[tuple[float, float], ...]
    levels_db: NDArray[np.float32]
    unit: str = "FS"


@dataclass(frozen=True)
class SpectralSummary:
    spectrogram: Spectrogram
    psd: Psd
    band_levels: BandLevels


def _check_bands(bands_hz: Sequence[tuple[float, float]], nyquist: float) -> tuple[tuple[float, float], ...]:
    out = []
    for band in bands_hz:
        try:
            lo, hi = (float(v) for v in band)
        except (TypeError, ValueError):
            raise InvalidParameterError(f"band {band!r} must be a (low_hz, high_hz) pair") from None
        if not (np.isfinite(lo) and np.isfinite(hi) and 0 <= lo < hi):
            raise InvalidParameterError(f"band {band!r} must satisfy 0 <= low_hz < high_hz")
        if lo >= nyquist:
            continue
        out.append((lo, min(hi, nyquist)))
    if not out:
        raise InvalidParameterError(f"no band of {list(bands_hz)!r} lies below the Nyquist frequency {nyquist:g} Hz")
    return tuple(out)


def spectral_summary(
    source: object,
    *,
    sample_rate_hz: float | None = None,
    nperseg: int | None = None,
    hop: int | None = None,
    window: str = "hann",
    max_columns: int | None = 2000,
    fmax_hz: float | None = None,
    bands_hz: Sequence[tuple[float, float]] = DEFAULT_BANDS_HZ,
) -> SpectralSummary:
    """Spectrogram, Welch PSD and band levels in one streaming pass.

    Parameters
    ----------
    source : Recording, SignalSource, path or array
        The signal (arrays need ``sample_rate_hz``). Multichannel data are averaged to mono.
    nperseg : int, optional
        Frame length [samples]; default the power of two nearest 80 ms (2048 at 25 kHz), at
        most the longest segment (shot window).
    hop : int, optional
        Frame step [samples]; default ``nperseg // 2`` (Welch's 50 % overlap).
    window : str
        Window name (periodic).
    max_columns : int or None
        Average consecutive frames so the spectrogram has at most this many columns
        (``None``: every frame; memory then grows with the length).
    fmax_hz : float, optional
        Keep only bins up to this frequency.
    bands_hz : sequence of (low, high)
        Bands of :class:`BandLevels` [Hz]; bands above Nyquist are dropped, clipped at it.

    Raises
    ------
    InvalidParameterError
        If the recording is shorter than one frame, or parameters are invalid.
    """
    src: SignalSource = as_source(source, sample_rate_hz)
    fs = src.sample_rate_hz
    if nperseg is None:
        longest = max(b - a for a, b in src.segments())
        nperseg = int(2 ** round(np.log2(0.08 * fs)))
        if longest >= 64:
            nperseg = min(nperseg, int(2 ** np.floor(np.log2(longest))))
    grid = make_grid(fs, nperseg, hop, fmax_hz=fmax_hz)
    total = count_frames(src, grid)
    if total == 0:
        raise InvalidParameterError(
            f"recording too short for a spectrum: {src.n_frames} samples ({src.n_frames / fs:.4g} s), "
            f"longest segment {max(b - a for a, b in src.segments())} < nperseg={grid.nperseg}"
        )
    freqs = grid.frequencies_hz
    scale = density_scale(grid, window)
    bands = _check_bands(bands_hz, fs / 2)
    df = grid.bin_hz
    band_masks = np.stack([(freqs >= lo) & (freqs < hi) for lo, hi in bands], axis=1).astype(np.float32)

    if max_columns is not None and int(max_columns) < 1:
        raise InvalidParameterError(f"max_columns={max_columns!r} must be >= 1 or None")
    per_col = 1 if max_columns is None else max(1, -(-total // int(max_columns)))
    n_cols = -(-total // per_col)
    spec = np.zeros((n_cols, grid.n_bins), dtype=np.float32)
    col_t = np.zeros(n_cols)
    col_n = np.zeros(n_cols)
    psd_sum = np.zeros(grid.n_bins)
    band_t = np.empty(total)
    band_db = np.empty((total, len(bands)), dtype=np.float32)
    k = 0
    for times, power in iter_power(src, grid, window=window):
        dens = power * scale
        psd_sum += dens.sum(axis=0, dtype=np.float64)
        m = dens.shape[0]
        band_t[k : k + m] = times
        band_db[k : k + m] = power_db((dens @ band_masks) * df)
        cols = (k + np.arange(m)) // per_col
        starts = np.flatnonzero(np.r_[True, cols[1:] != cols[:-1]])
        uc = cols[starts]
        spec[uc] += np.add.reduceat(dens, starts, axis=0)
        col_t[uc] += np.add.reduceat(times, starts)
        col_n[uc] += np.diff(np.r_[starts, m])
        k += m
    spec /= col_n[:, None].astype(np.float32)
    unit = getattr(src, "unit", "FS")
    return SpectralSummary(
        spectrogram=Spectrogram(col_t / col_n, freqs, np.ascontiguousarray(spec.T), per_col, unit),
        psd=Psd(freqs, psd_sum / total, total, unit),
        band_levels=BandLevels(band_t, bands, band_db, unit),
    )


def spectrogram(
    source: object,
    *,
    sample_rate_hz: float | None = None,
    nperseg: int | None = None,
    hop: int | None = None,
    window: str = "hann",
    max_columns: int | None = None,
    fmax_hz: float | None = None,
) -> Spectrogram:
    """Streaming spectrogram (PSD per frame, or per column of averaged frames); see :func:`spectral_summary`."""
    return spectral_summary(
        source, sample_rate_hz=sample_rate_hz, nperseg=nperseg, hop=hop, window=window,
        max_columns=max_columns, fmax_hz=fmax_hz,
    ).spectrogram  # fmt: skip


def welch_psd(
    source: object,
    *,
    sample_rate_hz: float | None = None,
    nperseg: int | None = None,
    hop: int | None = None,
    window: str = "hann",
) -> Psd:
    """Welch PSD [unit^2/Hz] streamed over the whole recording (Welch 1967; 50 % overlap default)."""
    return spectral_summary(
        source, sample_rate_hz=sample_rate_hz, nperseg=nperseg, hop=hop, window=window, max_columns=1
    ).psd


def band_levels(
    source: object,
    bands_hz: Sequence[tuple[float, float]] = DEFAULT_BANDS_HZ,
    *,
    sample_rate_hz: float | None = None,
    nperseg: int | None = None,
    hop: int | None = None,
) -> BandLevels:
    """Mean-square level per band and frame [dB re 1 unit^2]; see :func:`spectral_summary`."""
    return spectral_summary(
        source, sample_rate_hz=sample_rate_hz, nperseg=nperseg, hop=hop, max_columns=1, bands_hz=bands_hz
    ).band_levels


def frame_length(sample_rate_hz: float, seconds: float) -> int:
    """Samples in ``seconds`` at ``sample_rate_hz`` (at least 4)."""
    return max(4, round(positive_finite(seconds, "seconds") * positive_finite(sample_rate_hz, "sample_rate_hz")))
