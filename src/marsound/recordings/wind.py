"""Wind speed from microphone sound: band RMS, power-law fit against a reference, inversion.

Stott et al. (2023, JGR Planets) showed that the microphone level follows a power law of the
wind speed measured by MEDA. The recipe:

1. RMS of the recording in a low-frequency band (tens to a few hundred Hz, below the rover's
   tonal lines; default 20-200 Hz) over short windows (default 0.5 s) -- :func:`band_rms`;
2. fit ``rms = a U^b`` against a simultaneous reference wind series (MEDA at 1-2 Hz, a CSV of
   time and speed) by least squares in log-log space -- :func:`fit_wind_power_law`;
3. invert ``U = (rms / a)^(1/b)`` to a wind series at the microphone's rate --
   :func:`wind_from_sound`.

The band, exponent and coefficients of the paper were not retrieved, so the
fit is always made on the data at hand.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray

from marsound._validate import positive_finite
from marsound.errors import FileFormatError, InvalidParameterError
from marsound.recordings.recording import SignalSource
from marsound.recordings.sources import as_source
from marsound.recordings.streaming import FilteredSource, bandpass_source, iter_window_mean_square


@dataclass(frozen=True)
class WindPowerLaw:
    """``rms = a * U**b`` with its fit statistics.

    Attributes
    ----------
    a : float
        Coefficient [unit / (m/s)^b].
    b : float
        Exponent; ``b_uncertainty`` is its 1-sigma standard error.
    r2 : float
        Coefficient of determination of the log-log fit.
    n : int
        Number of reference samples used.
    """

    a: float
    b: float
    b_uncertainty: float
    r2: float
    n: int

    def summary(self) -> dict[str, float]:
        return {"a": self.a, "b": self.b, "b_uncertainty": self.b_uncertainty, "r2": self.r2, "n": self.n}


DEFAULT_BAND_HZ = (20.0, 200.0)
"""Band of the wind-noise RMS [Hz] (the low band where wind noise dominates; Stott et al. 2023)."""
DEFAULT_WINDOW_S = 0.5
"""RMS window [s]."""


def band_rms(
    source: object,
    *,
    sample_rate_hz: float | None = None,
    band_hz: tuple[float, float] = DEFAULT_BAND_HZ,
    window_s: float = DEFAULT_WINDOW_S,
    exclude_hz: Sequence[tuple[float, float]] = (),
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Band-limited RMS over consecutive windows, streamed.

    ``exclude_hz`` lists ``(low, high)`` ranges removed by band-stop filters (2nd-order
    Butterworth each), e.g. the rover's tonal lines or a helicopter tone inside the band.

    Returns
    -------
    times_s, rms : ndarray
        Window centres [s] and RMS [unit] (4th-order Butterworth band-pass).
    """
    src: SignalSource = as_source(source, sample_rate_hz)
    lo, hi = (positive_finite(v, "band_hz") for v in band_hz)
    if hi <= lo:
        raise InvalidParameterError(f"band_hz={band_hz!r} must be (low, high) with low < high")
    if lo >= src.sample_rate_hz / 2:
        raise InvalidParameterError(f"band_hz={band_hz!r} lies above the Nyquist frequency")
    win = max(1, round(positive_finite(window_s, "window_s") * src.sample_rate_hz))
    filt = bandpass_source(src, lo, hi)
    for ex in exclude_hz:
        elo, ehi = (positive_finite(v, "exclude_hz") for v in ex)
        if not elo < ehi < src.sample_rate_hz / 2:
            raise InvalidParameterError(f"exclude_hz range {ex!r} must be (low, high) below Nyquist")
        from scipy.signal import butter

        filt = FilteredSource(filt, butter(2, (elo, ehi), btype="bandstop", fs=src.sample_rate_hz, output="sos"))
    ts, ms = [], []
    for t, m in iter_window_mean_square(filt, win):
        ts.append(t)
        ms.append(m)
    if not ts:
        raise InvalidParameterError(
            f"recording too short for band RMS: {src.n_frames / src.sample_rate_hz:.4g} s < window_s={window_s:g} s"
        )
    return np.concatenate(ts), np.sqrt(np.concatenate(ms))


def read_wind_reference(path: str | Path) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Read a reference wind CSV: two columns, time [s] and speed [m/s] (a header line is allowed).

    Raises
    ------
    FileFormatError
        Missing file, fewer than 3 numeric rows, non-numeric cells, negative or non-finite speeds,
        or times not strictly increasing.
    """
    path = Path(path)
    from marsound._files import regular_file

    regular_file(path, "wind reference")
    rows: list[tuple[float, float]] = []
    with path.open(newline="", encoding="utf-8") as fh:
        for i, row in enumerate(csv.reader(fh)):
            cells = [c.strip() for c in row if c.strip()]
            if not cells or cells[0].startswith("#"):
                continue
            try:
                t, u = float(cells[0]), float(cells[1])
            except (ValueError, IndexError):
                if i == 0 and not rows:
                    continue  # header
                raise FileFormatError(f"{path.name} line {i + 1}: expected 'time_s,speed_m_s', got {row!r}") from None
            rows.append((t, u))
    if len(rows) < 3:
        raise FileFormatError(f"{path.name}: needs at least 3 rows of time,speed; found {len(rows)}")
    arr = np.asarray(rows)
    if not np.isfinite(arr).all() or (arr[:, 1] < 0).any():
        raise FileFormatError(f"{path.name}: times and speeds must be finite and speeds >= 0")
    if (np.diff(arr[:, 0]) <= 0).any():
        raise FileFormatError(f"{path.name}: times must be strictly increasing")
    return arr[:, 0], arr[:, 1]


def fit_wind_power_law(
    times_s: ArrayLike,
    rms: ArrayLike,
    reference_times_s: ArrayLike,
    reference_speed_m_s: ArrayLike,
    *,
    min_speed_m_s: float = 0.1,
) -> WindPowerLaw:
    """Fit ``rms = a U^b`` between the sound RMS series and a reference wind series.

    The RMS windows falling in each reference sample's interval (between midpoints of
    consecutive reference times) are averaged in mean square; the fit is ordinary least squares
    of ``log rms`` on ``log U`` over the samples with ``U >= min_speed_m_s``.

    Raises
    ------
    InvalidParameterError
        If fewer than 3 reference samples overlap the recording or the speeds do not vary.
    """
    t = np.asarray(times_s, float)
    r = np.asarray(rms, float)
    rt = np.asarray(reference_times_s, float)
    ru = np.asarray(reference_speed_m_s, float)
    if t.shape != r.shape or rt.shape != ru.shape or t.ndim != 1 or rt.ndim != 1:
        raise InvalidParameterError("times_s/rms and reference_times_s/reference_speed_m_s must be 1-D pairs")
    edges = np.r_[-np.inf, (rt[1:] + rt[:-1]) / 2, np.inf]
    if rt.size > 1:
        edges[0] = rt[0] - (rt[1] - rt[0]) / 2
        edges[-1] = rt[-1] + (rt[-1] - rt[-2]) / 2
    idx = np.searchsorted(edges, t, side="right") - 1
    inside = (idx >= 0) & (idx < rt.size)
    ms_sum = np.bincount(idx[inside], weights=r[inside] ** 2, minlength=rt.size)
    cnt = np.bincount(idx[inside], minlength=rt.size)
    ok = (cnt > 0) & (ru >= min_speed_m_s)
    ok &= ms_sum > 0
    n = int(ok.sum())
    if n < 3:
        raise InvalidParameterError(
            f"only {n} reference sample(s) overlap the recording with speed >= {min_speed_m_s} m/s; need >= 3"
        )
    x = np.log(ru[ok])
    y = 0.5 * np.log(ms_sum[ok] / cnt[ok])
    if np.ptp(x) <= 0:
        raise InvalidParameterError("the reference wind speed does not vary; cannot fit a power law")
    (b, loga), cov = np.polyfit(x, y, 1, cov=True) if n > 3 else (np.polyfit(x, y, 1), np.full((2, 2), np.nan))
    resid = y - (b * x + loga)
    r2 = 1.0 - float(np.sum(resid**2) / np.sum((y - y.mean()) ** 2)) if np.ptp(y) > 0 else 0.0
    return WindPowerLaw(float(np.exp(loga)), float(b), float(np.sqrt(cov[0, 0])), r2, n)


def wind_from_sound(rms: ArrayLike, fit: WindPowerLaw) -> NDArray[np.float64]:
    """Invert the power law: ``U = (rms / a)^(1/b)`` [m/s]."""
    r = np.asarray(rms, float)
    if fit.b == 0 or not np.isfinite(fit.b):
        raise InvalidParameterError(f"power-law exponent b={fit.b!r} cannot be inverted")
    return (np.maximum(r, 0) / fit.a) ** (1.0 / fit.b)
