"""Doppler radial speed from a tracked tone, narrow-band tone envelopes and amplitude nulls.

Doppler (moving source, still microphone): ``f_obs = f0 c / (c - v_r)``, so
``v_r = c (1 - f0 / f_obs)`` with ``v_r > 0`` when the source approaches. The sound speed is the
physics core's dispersive ``c(f0)`` (at 84 Hz on Mars it is the low-frequency ~240 m/s, Maurice et al. 2022).

Amplitude nulls follow the published flight-5 method (Lorenz et al. 2023): band-pass around the tone,
envelope (here mean square over short windows, Gaussian-smoothed, in dB), then the local minima
deeper than ``min_depth_db`` and further apart than ``min_separation_s`` (Lorenz et al. 2023
"lighthouse" nulls of the coaxial rotors, spaced ~15-20 s).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from marsound._validate import positive_finite
from marsound.errors import InvalidParameterError
from marsound.recordings.recording import SignalSource
from marsound.recordings.sources import as_source
from marsound.recordings.streaming import FilteredSource, bandpass_source, iter_window_mean_square


@dataclass(frozen=True)
class RadialSpeed:
    """Radial speed series of a tone source (positive when approaching) [m/s]."""

    times_s: NDArray[np.float64]
    speed_m_s: NDArray[np.float64]
    source_frequency_hz: float
    sound_speed_m_s: float


def doppler_radial_speed(
    times_s: ArrayLike,
    observed_hz: ArrayLike,
    *,
    source_frequency_hz: float | None = None,
    sound_speed_m_s: float | None = None,
    atmosphere: object = None,
) -> RadialSpeed:
    """Radial speed of a moving tone source from its observed frequency.

    Parameters
    ----------
    times_s, observed_hz : array_like
        A tone track (e.g. ``ToneTrack.times_s`` and ``.frequencies_hz``).
    source_frequency_hz : float, optional
        Emitted frequency f0. Default: ``2 / (1/f_max + 1/f_min)``, exact when the largest
        approach and recession speeds are equal (a fly-by or an out-and-back flight).
    sound_speed_m_s : float, optional
        Default: ``marsound.physics.sound_speed(f0, atmosphere)`` (``preset("jezero")`` when
        no atmosphere is given).

    Returns
    -------
    RadialSpeed
    """
    t = np.asarray(times_s, dtype=float)
    f = np.asarray(observed_hz, dtype=float)
    if t.shape != f.shape or f.ndim != 1 or f.size == 0:
        raise InvalidParameterError(f"times_s and observed_hz must be 1-D of equal length, got {t.shape}, {f.shape}")
    if not (np.isfinite(f).all() and (f > 0).all()):
        raise InvalidParameterError("observed_hz must be finite and > 0")
    if source_frequency_hz is None:
        f0 = 2.0 / (1.0 / f.max() + 1.0 / f.min())
    else:
        f0 = positive_finite(source_frequency_hz, "source_frequency_hz")
    if sound_speed_m_s is None:
        from marsound.physics import Atmosphere, preset, sound_speed

        atm = preset("jezero") if atmosphere is None else atmosphere
        if not isinstance(atm, Atmosphere):
            raise InvalidParameterError(f"atmosphere must be an Atmosphere, got {type(atm).__name__}")
        c = float(sound_speed([f0], atm)[0])
    else:
        c = positive_finite(sound_speed_m_s, "sound_speed_m_s")
    return RadialSpeed(t, c * (1.0 - f0 / f), float(f0), c)


def tone_envelope_db(
    source: object,
    frequency_hz: float,
    *,
    sample_rate_hz: float | None = None,
    bandwidth_hz: float = 5.5,
    output_rate_hz: float = 20.0,
    smooth_s: float = 0.5,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Level of a narrow band around a tone over time, streamed.

    Band-pass (4th-order Butterworth, ``frequency_hz +- bandwidth_hz/2``; the published
    flight-5 analysis used 81.5-87 Hz), mean square over windows of ``1/output_rate_hz``,
    Gaussian smoothing of standard deviation ``smooth_s``.

    Returns
    -------
    times_s, level_db : ndarray
        Window centres [s] and band level [dB re 1 unit^2].
    """
    src: SignalSource = as_source(source, sample_rate_hz)
    f = positive_finite(frequency_hz, "frequency_hz")
    bw = positive_finite(bandwidth_hz, "bandwidth_hz")
    if f + bw / 2 >= src.sample_rate_hz / 2 or f - bw / 2 <= 0:
        raise InvalidParameterError(f"band {f - bw / 2:g}..{f + bw / 2:g} Hz does not fit in (0, Nyquist)")
    win = max(1, round(src.sample_rate_hz / positive_finite(output_rate_hz, "output_rate_hz")))
    bp = bandpass_source(src, f - bw / 2, f + bw / 2)
    ts, ms = [], []
    for t, m in iter_window_mean_square(bp, win):
        ts.append(t)
        ms.append(m)
    if not ts:
        raise InvalidParameterError("recording too short for a tone envelope")
    # remove the band-pass group delay at the tone frequency (causal streaming filter)
    from scipy.signal import sosfreqz

    df = min(0.01, bw / 100)
    sos = bp.sos if isinstance(bp, FilteredSource) else np.array([[1.0, 0, 0, 1.0, 0, 0]])
    _, h = sosfreqz(sos, worN=[f - df, f + df], fs=src.sample_rate_hz)
    delay_s = -np.diff(np.unwrap(np.angle(h)))[0] / (2 * np.pi * 2 * df)
    t = np.concatenate(ts) - delay_s
    m = np.concatenate(ms)
    sigma = smooth_s * src.sample_rate_hz / win
    if sigma > 0:
        from scipy.ndimage import gaussian_filter1d

        m = gaussian_filter1d(m, sigma, mode="nearest")
    return t, 10 * np.log10(np.maximum(m, 1e-30))


def amplitude_null_times(
    times_s: ArrayLike, level_db: ArrayLike, *, min_depth_db: float = 6.0, min_separation_s: float = 5.0
) -> NDArray[np.float64]:
    """Times of the amplitude nulls of a level series [s].

    A null is a local minimum whose prominence (depth below the surrounding maxima) is at least
    ``min_depth_db``; nulls closer than ``min_separation_s`` keep the deepest. Times are refined by
    a parabola through the minimum and its neighbours.
    """
    from scipy.signal import find_peaks

    t = np.asarray(times_s, dtype=float)
    lev = np.asarray(level_db, dtype=float)
    if t.shape != lev.shape or t.ndim != 1:
        raise InvalidParameterError(f"times_s and level_db must be 1-D of equal length, got {t.shape}, {lev.shape}")
    if t.size < 3:
        raise InvalidParameterError(f"level series too short for null detection ({t.size} points)")
    dt = float(np.median(np.diff(t)))
    dist = max(1, int(positive_finite(min_separation_s, "min_separation_s") / dt))
    idx, _ = find_peaks(-lev, prominence=positive_finite(min_depth_db, "min_depth_db"), distance=dist)
    out = []
    for i in idx:
        if 0 < i < t.size - 1:
            a, b, c = lev[i - 1], lev[i], lev[i + 1]
            den = a - 2 * b + c
            d = 0.5 * (a - c) / den if den > 0 else 0.0
            out.append(t[i] + np.clip(d, -0.5, 0.5) * dt)
        else:
            out.append(t[i])
    return np.asarray(out)
