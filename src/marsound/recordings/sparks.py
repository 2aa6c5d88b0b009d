"""Speed of sound and air temperature from laser-spark shock waves (SuperCam LIBS recordings).

Method (Maurice et al. 2022, Chide et al. 2022):

1. Each shot window is high-passed (zero-phase Butterworth, so no delay is added) to remove
   wind noise.
2. The arrival of the N-wave is the instant of steepest rise of its leading compression (the
   shock front): the window's largest compression peak, the rising run that leads to it, and
   the maximum of the first difference on that run, refined to a fraction of a sample by a
   parabola.
   This point is where a zero-phase-smoothed shock crosses its mid-height, i.e. the arrival of
   the front whatever its rise time.
3. Per shot ``c_i = D / (t_i - t_fire)``; the result is the median over shots, with uncertainty
   combining the scatter (standard error of the median, 1.2533 s/sqrt(n)) and the distance
   uncertainty (default 0.5 %, SuperCam autofocus).
4. The temperature is found by inverting the physics core's dispersive ``c(f, T)`` at the
   spark's dominant frequency (spectral centroid of the shock, kHz range, so the "high"
   ~250 m/s branch, not the 84 Hz one), at the atmosphere's pressure and composition.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from marsound._validate import non_negative_finite, positive_finite
from marsound.errors import InvalidParameterError, MarsoundError
from marsound.recordings.recording import Recording


@dataclass(frozen=True)
class SparkSoundSpeed:
    """Per-shot arrivals and the derived sound speed and temperature.

    Attributes
    ----------
    distance_m : float
        Microphone-to-target distance [m].
    arrival_times_s : ndarray
        Per shot, time from the laser firing to the shock arrival [s] (NaN: no shock found).
    speeds_m_s, temperatures_k : ndarray
        Per shot (NaN where no shock).
    sound_speed_m_s, sound_speed_uncertainty_m_s : float
        Median over shots and its 1-sigma uncertainty.
    temperature_k, temperature_uncertainty_k : float
        Air temperature from the median speed and its 1-sigma uncertainty.
    frequency_hz : float
        Frequency at which ``c(f, T)`` was inverted (spark spectral centroid).
    n_shots, n_used : int
    """

    distance_m: float
    arrival_times_s: NDArray[np.float64]
    speeds_m_s: NDArray[np.float64]
    temperatures_k: NDArray[np.float64]
    sound_speed_m_s: float
    sound_speed_uncertainty_m_s: float
    temperature_k: float
    temperature_uncertainty_k: float
    frequency_hz: float
    n_shots: int
    n_used: int
    details: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """JSON-friendly fields (the CLI contract: ``sound_speed_m_s``, ``temperature_k`` and uncertainties)."""
        return {
            "sound_speed_m_s": round(self.sound_speed_m_s, 3),
            "sound_speed_uncertainty_m_s": round(self.sound_speed_uncertainty_m_s, 3),
            "temperature_k": round(self.temperature_k, 2),
            "temperature_uncertainty_k": round(self.temperature_uncertainty_k, 2),
            "spark_frequency_hz": round(self.frequency_hz, 1),
            "spark_distance_m": self.distance_m,
            "spark_shots": self.n_shots,
            "spark_shots_used": self.n_used,
        }


DEFAULT_TRIGGER_OFFSET_S = 0.0
"""Laser firing time from the start of each shot window [s] (0: the window starts at the shot)."""


def shock_arrival_index(y: NDArray[np.float64], min_snr: float) -> float:
    """Fractional sample index of the steepest rise leading to the largest compression, or NaN.

    ``y`` must already be high-passed. The noise scale is the median absolute value / 0.6745.
    """
    sigma = float(np.median(np.abs(y))) / 0.6745
    peak = float(y.max())
    if not np.isfinite(peak) or peak <= 0 or (sigma > 0 and peak < min_snr * sigma):
        return float("nan")
    p = int(np.argmax(y))
    # the first sample of the rising run that ends at the peak (at most 1 ms back)
    first = p
    while first > 0 and p - first < 1000 and y[first - 1] < y[first]:
        first -= 1
    lo = max(1, first - 2)
    d = np.diff(y[lo - 1 : p + 1])  # d[j] = y[lo+j] - y[lo+j-1], slope at lo+j-0.5
    j = int(np.argmax(d))
    delta = 0.0
    if 0 < j < d.size - 1:
        a, b, c = d[j - 1], d[j], d[j + 1]
        den = a - 2 * b + c
        if den < 0:
            delta = float(np.clip(0.5 * (a - c) / den, -0.5, 0.5))
    return lo + j - 0.5 + delta


def spark_arrival_times(
    recording: Recording,
    *,
    trigger_offset_s: float = DEFAULT_TRIGGER_OFFSET_S,
    shot_times_s: ArrayLike | None = None,
    window_s: float = 0.05,
    highpass_hz: float = 1000.0,
    min_snr: float = 5.0,
) -> NDArray[np.float64]:
    """Shock arrival time after each laser shot [s] (NaN where none is found).

    Parameters
    ----------
    recording : Recording
        With ``windows`` (one per shot, as read from a LIBS product), or continuous with
        ``shot_times_s``.
    trigger_offset_s : float
        Time of the laser firing from the start of each window [s] (not documented in the
        public sources; 0 = the window starts at the shot).
    shot_times_s : array_like, optional
        Laser firing times [s] in a continuous recording; each shot is analysed over
        ``window_s`` after it.
    highpass_hz : float
        Zero-phase high-pass corner [Hz] applied per window.
    min_snr : float
        The shock peak must exceed this multiple of the noise scale.
    """
    from scipy.signal import butter, sosfiltfilt

    if not isinstance(recording, Recording):
        raise InvalidParameterError(f"recording must be a Recording, got {type(recording).__name__}")
    fs = recording.sample_rate_hz
    off = non_negative_finite(trigger_offset_s, "trigger_offset_s")
    x = recording.mono().astype(np.float64)
    if shot_times_s is not None:
        st = np.atleast_1d(np.asarray(shot_times_s, dtype=float))
        wn = round(positive_finite(window_s, "window_s") * fs)
        segs = [(round(t * fs), min(recording.n_frames, round(t * fs) + wn)) for t in st]
        off = 0.0
    else:
        segs = recording.segments()
    hp = positive_finite(highpass_hz, "highpass_hz")
    if hp >= fs / 2:
        raise InvalidParameterError(f"highpass_hz={highpass_hz!r} must be below Nyquist ({fs / 2:g} Hz)")
    sos = butter(4, hp, btype="highpass", fs=fs, output="sos")
    out = np.full(len(segs), np.nan)
    for i, (a, b) in enumerate(segs):
        a0 = a + round(off * fs)
        if b - a0 < 64:
            raise InvalidParameterError(
                f"shot window {i} is too short for spark timing: {max(0, b - a0)} samples after the trigger"
            )
        y = sosfiltfilt(sos, x[a0:b])
        idx = shock_arrival_index(y, min_snr)
        if np.isfinite(idx):
            out[i] = (a0 + idx) / fs - (a / fs + off if shot_times_s is None else st[i])
    return out


def spark_frequency_hz(recording: Recording, arrivals_s: NDArray, *, trigger_offset_s: float = DEFAULT_TRIGGER_OFFSET_S,
                       highpass_hz: float = 1000.0, duration_s: float = 0.002) -> float:  # fmt: skip
    """Spectral centroid [Hz] of the shock (``duration_s`` from each arrival), high-passed band."""
    fs = recording.sample_rate_hz
    x = recording.mono().astype(np.float64)
    n = max(16, round(duration_s * fs))
    nfft = 4 * n
    acc = np.zeros(nfft // 2 + 1)
    for (a, _b), t in zip(recording.segments(), arrivals_s):
        if not np.isfinite(t):
            continue
        s = a + round((trigger_offset_s + t) * fs) - n // 8
        seg = x[max(0, s) : max(0, s) + n]
        if seg.size < n:
            continue
        acc += np.abs(np.fft.rfft((seg - seg.mean()) * np.hanning(n), nfft)) ** 2
    f = np.fft.rfftfreq(nfft, 1 / fs)
    band = (f >= highpass_hz) & (f <= min(20000.0, fs / 2))
    if acc[band].sum() <= 0:
        return max(highpass_hz, 2000.0)
    return float(np.sum(f[band] * acc[band]) / np.sum(acc[band]))


def temperature_from_sound_speed(
    sound_speed_m_s: float,
    frequency_hz: float,
    atmosphere: object = None,
    *,
    bounds_k: tuple[float, float] = (100, 500),
) -> float:
    """Temperature [K] at which the physics core's ``c(frequency_hz)`` equals ``sound_speed_m_s``.

    Pressure and composition come from ``atmosphere`` (default ``preset("jezero")``); the
    dispersive molecular model is used, so the result is right for the frequency of the sound.
    """
    from scipy.optimize import brentq

    from marsound.physics import Atmosphere, preset, sound_speed

    atm = preset("jezero") if atmosphere is None else atmosphere
    if not isinstance(atm, Atmosphere):
        raise InvalidParameterError(f"atmosphere must be an Atmosphere, got {type(atm).__name__}")
    c = positive_finite(sound_speed_m_s, "sound_speed_m_s")
    f = positive_finite(frequency_hz, "frequency_hz")

    def g(t: float) -> float:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return float(sound_speed([f], atm.replace(temperature_k=t))[0]) - c

    lo, hi = bounds_k
    glo, ghi = g(lo), g(hi)
    if glo > 0 or ghi < 0:
        raise InvalidParameterError(
            f"sound_speed_m_s={c:.4g} is outside the range {c + -glo:.4g}..{c + ghi:.4g} m/s of this atmosphere "
            f"between {lo} and {hi} K"
        )
    return float(brentq(g, lo, hi, xtol=1e-4))


def spark_sound_speed(
    recording: Recording,
    distance_m: float,
    *,
    distance_uncertainty_m: float | None = None,
    trigger_offset_s: float = DEFAULT_TRIGGER_OFFSET_S,
    shot_times_s: ArrayLike | None = None,
    highpass_hz: float = 1000.0,
    min_snr: float = 5.0,
    frequency_hz: float | None = None,
    atmosphere: object = None,
) -> SparkSoundSpeed:
    """Sound speed and air temperature from the laser-spark shock arrivals of a LIBS recording.

    Parameters
    ----------
    recording : Recording
        Shot windows (``recording.windows``) or a continuous record with ``shot_times_s``.
    distance_m : float
        Microphone-to-target distance [m] (2-8 m on Mars).
    distance_uncertainty_m : float, optional
        1-sigma distance uncertainty [m]; default 0.5 % of ``distance_m``.
    trigger_offset_s, shot_times_s, highpass_hz, min_snr
        See :func:`spark_arrival_times`.
    frequency_hz : float, optional
        Frequency at which c(f, T) is inverted; default the shock's spectral centroid.
    atmosphere : Atmosphere, optional
        Pressure and composition (temperature is solved for); default ``preset("jezero")``.

    Raises
    ------
    MarsoundError
        If no shot shows a shock above ``min_snr``.
    """
    d = positive_finite(distance_m, "distance_m")
    sd = (
        0.005 * d
        if distance_uncertainty_m is None
        else non_negative_finite(distance_uncertainty_m, "distance_uncertainty_m")
    )
    arr = spark_arrival_times(
        recording, trigger_offset_s=trigger_offset_s, shot_times_s=shot_times_s, highpass_hz=highpass_hz,
        min_snr=min_snr,
    )  # fmt: skip
    ok = np.isfinite(arr) & (arr > 0)
    if not ok.any():
        raise MarsoundError(
            f"no laser-spark shock found in {arr.size} shot window(s) (peak below {min_snr:g} x noise, "
            "or arrival before the trigger; check trigger_offset_s)"
        )
    speeds = np.where(ok, d / np.where(ok, arr, 1.0), np.nan)
    # reject gross outliers (echo picked instead of direct wave): > 5 MAD from the median
    med = float(np.nanmedian(speeds))
    mad = float(np.nanmedian(np.abs(speeds - med))) * 1.4826
    if mad > 0:
        bad = np.abs(speeds - med) > 5 * mad
        speeds[bad] = np.nan
    used = np.isfinite(speeds)
    n = int(used.sum())
    c = float(np.nanmedian(speeds))
    fs = recording.sample_rate_hz
    stat = (
        1.2533 * float(np.nanstd(speeds, ddof=1)) / np.sqrt(n) if n > 1 else c * (0.5 / fs) / float(np.nanmedian(arr))
    )
    dist = c * sd / d
    sc = float(np.hypot(stat, dist))
    if frequency_hz is not None:
        f_ref = positive_finite(frequency_hz, "frequency_hz")
    elif shot_times_s is None:
        f_ref = spark_frequency_hz(
            recording, np.where(used, arr, np.nan), trigger_offset_s=trigger_offset_s, highpass_hz=highpass_hz
        )
    else:
        f_ref = 5000.0  # typical spark band centre (2-10 kHz)
    t_med = temperature_from_sound_speed(c, f_ref, atmosphere)
    t_hi = temperature_from_sound_speed(c + sc, f_ref, atmosphere)
    t_lo = temperature_from_sound_speed(max(c - sc, 1.0), f_ref, atmosphere)
    # per-shot temperatures through a local linearisation (c ~ sqrt(T))
    temps = np.where(used, t_med * (speeds / c) ** 2, np.nan)
    return SparkSoundSpeed(
        distance_m=d,
        arrival_times_s=arr,
        speeds_m_s=speeds,
        temperatures_k=temps,
        sound_speed_m_s=c,
        sound_speed_uncertainty_m_s=sc,
        temperature_k=t_med,
        temperature_uncertainty_k=float((t_hi - t_lo) / 2),
        frequency_hz=float(f_ref),
        n_shots=int(arr.size),
        n_used=n,
        details={"statistical_m_s": stat, "distance_m_s": dist, "distance_uncertainty_m": sd},
    )


def shot_picks(
    recording: Recording,
    *,
    window_starts_s: ArrayLike | None = None,
    trigger_offset_s: float = 0.0,
    highpass_hz: float = 1000.0,
    min_snr: float = 5.0,
) -> list[dict[str, Any]]:
    """One row per shot window: its true start, the shock pick and the window's level.

    Needs no distance: the pick (steepest rise of the shock, :func:`shock_arrival_index`) is
    reported from the window start (``arrival_ms``; ``None`` when no shock stands out).

    Parameters
    ----------
    recording : Recording
        With shot windows.
    window_starts_s : array_like, optional
        True start time of each window in the product [s] (NaN-gapped products keep them);
        default the packed start (window start frame / rate).
    trigger_offset_s, highpass_hz, min_snr
        See :func:`spark_arrival_times`.
    """
    segs = recording.segments()
    fs = recording.sample_rate_hz
    starts = (
        np.array([a / fs for a, _ in segs]) if window_starts_s is None else np.asarray(window_starts_s, dtype=float)
    )
    if starts.size != len(segs):
        raise InvalidParameterError(f"{starts.size} window start times for {len(segs)} windows")
    arr = spark_arrival_times(recording, trigger_offset_s=trigger_offset_s, highpass_hz=highpass_hz, min_snr=min_snr)
    x = recording.mono()
    dc = recording.metadata.get("dc_offset_counts")
    rows = []
    for i, ((a, b), t0, t) in enumerate(zip(segs, starts, arr)):
        w = x[a:b].astype(np.float64)
        rows.append({
            "index": i,
            "start_s": round(float(t0), 6),
            "duration_s": round((b - a) / fs, 6),
            "arrival_ms": None if not np.isfinite(t) else round(float(t + trigger_offset_s) * 1e3, 4),
            "mean": round(float(w.mean() + (dc[i] if dc is not None and len(dc) == len(segs) else 0.0)), 3),
            "rms": round(float(w.std()), 3),
            "peak_to_peak": round(float(w.max() - w.min()), 3),
        })  # fmt: skip
    return rows
