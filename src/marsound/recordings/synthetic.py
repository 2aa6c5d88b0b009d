"""Synthetic Mars microphone signals with known truth.

Used by the tests, the benchmark and the README examples: no real Mars audio ships offline.

* :func:`rotor_tone`: Ingenuity-like blade-passing tone with harmonics, Doppler shift from a
  radial-speed history and "lighthouse" amplitude nulls at known times;
* :func:`spark_shots`: LIBS-style record of per-shot windows, each with an N-wave arriving
  after ``distance_m / sound_speed_m_s``;
* :func:`wind_noise`: band-limited noise whose band RMS follows ``a U(t)^b``;
* :func:`event_bursts`: a quiet background with impacts, gusts and mechanism bursts;
* :func:`write_demo_products`: a calibrated WAV + label and a raw FITS LIBS product.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray

from marsound._atomic import output_dir
from marsound._validate import positive_finite
from marsound.errors import InvalidParameterError
from marsound.recordings.recording import Recording
from marsound.vehicles import INGENUITY_BLADE_PASSING_HZ


def _rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def rotor_tone(
    duration_s: float,
    sample_rate_hz: float = 25_000.0,
    *,
    frequency_hz: float = INGENUITY_BLADE_PASSING_HZ,
    amplitude: float = 0.05,
    harmonics: Sequence[float] = (0.4,),
    radial_speed_m_s: ArrayLike | float = 0.0,
    sound_speed_m_s: float = 240.0,
    null_period_s: float | None = None,
    noise_rms: float = 0.01,
    seed: int | np.random.Generator | None = 0,
) -> NDArray[np.float32]:
    """A rotor tone ``f0 c/(c - v_r(t))`` with harmonics, optional nulls and white noise.

    ``radial_speed_m_s`` is a constant or one value per sample (positive approaching).
    With ``null_period_s`` the amplitude is ``|cos(pi t / null_period_s)|`` (two rotors whose
    frequencies differ by ``1/null_period_s`` beat), so nulls fall at ``(k + 1/2) null_period_s``.
    """
    fs = positive_finite(sample_rate_hz, "sample_rate_hz")
    n = round(positive_finite(duration_s, "duration_s") * fs)
    t = np.arange(n) / fs
    v = np.broadcast_to(np.asarray(radial_speed_m_s, dtype=float), (n,))
    f_inst = frequency_hz * sound_speed_m_s / (sound_speed_m_s - v)
    phase = 2 * np.pi * np.cumsum(f_inst) / fs
    x = amplitude * np.sin(phase)
    for k, rel in enumerate(harmonics, start=2):
        x += rel * amplitude * np.sin(k * phase + 0.7 * k)
    if null_period_s is not None:
        x *= np.abs(np.cos(np.pi * t / null_period_s))
    x += noise_rms * _rng(seed).standard_normal(n)
    return x.astype(np.float32)


def n_wave(n: int, sample_rate_hz: float, arrival_s: float, *, amplitude: float = 1.0,
           duration_s: float = 4e-4, rise_s: float = 1.5e-5, oversample: int = 16) -> NDArray[np.float64]:  # fmt: skip
    """An N-wave starting at ``arrival_s`` (fractional samples), with a Gaussian-smoothed front.

    The front's steepest point is at ``arrival_s`` (a symmetric smoothing keeps it there).
    """
    fs_hi = sample_rate_hz * oversample
    m = n * oversample
    t = np.arange(m) / fs_hi
    tau = t - arrival_s
    y = np.where((tau >= 0) & (tau <= duration_s), amplitude * (1 - 2 * tau / duration_s), 0.0)
    sig = rise_s * fs_hi
    half = int(6 * sig) + 1
    k = np.exp(-0.5 * (np.arange(-half, half + 1) / sig) ** 2)
    y = np.convolve(y, k / k.sum(), mode="same")
    return y[::oversample]


def spark_shots(
    n_shots: int = 30,
    *,
    sample_rate_hz: float = 100_000.0,
    window_samples: int = 5800,
    distance_m: float = 3.0,
    sound_speed_m_s: float = 250.0,
    speed_jitter_m_s: float = 0.0,
    amplitude: float = 40.0,
    noise_rms: float = 3.0,
    wind_rms: float = 10.0,
    trigger_offset_s: float = 0.0,
    seed: int | np.random.Generator | None = 0,
) -> Recording:
    """A LIBS-style recording: ``n_shots`` windows, each with an N-wave after ``D/c``.

    Noise: white (``noise_rms``) plus low-frequency wind (``wind_rms``, below ~200 Hz). Units are
    gain-normalised counts (gain-2 records show 25-140 counts std).
    ``speed_jitter_m_s`` draws a per-shot speed (turbulent temperature fluctuations).
    """
    from scipy.signal import butter, sosfilt

    rng = _rng(seed)
    fs = positive_finite(sample_rate_hz, "sample_rate_hz")
    n = int(window_samples)
    if n_shots < 1 or n < 64:
        raise InvalidParameterError(f"n_shots={n_shots!r} must be >= 1 and window_samples={n!r} >= 64")
    sos = butter(2, 200.0, fs=fs, output="sos")
    out = np.empty(n_shots * n)
    speeds = sound_speed_m_s + speed_jitter_m_s * rng.standard_normal(n_shots)
    for i in range(n_shots):
        arr = trigger_offset_s + distance_m / speeds[i]
        if arr * fs >= n - 0.01 * fs:
            raise InvalidParameterError(f"arrival {arr:.4g} s does not fit in a {n / fs:.4g} s window")
        w = n_wave(n, fs, arr, amplitude=amplitude * (0.8 + 0.4 * rng.random()))
        wind = sosfilt(sos, rng.standard_normal(n + 4000))[4000:]
        wind *= wind_rms / max(wind.std(), 1e-12)
        out[i * n : (i + 1) * n] = w + wind + noise_rms * rng.standard_normal(n)
    windows = np.stack([np.arange(n_shots) * n, np.arange(1, n_shots + 1) * n], axis=1)
    return Recording(out, fs, unit="count", windows=windows, metadata={"true_speeds_m_s": speeds.tolist()})


def smooth_wind_speed(
    duration_s: float,
    rate_hz: float = 2.0,
    *,
    mean_m_s: float = 5.0,
    std_m_s: float = 2.5,
    correlation_s: float = 5.0,
    seed: int | np.random.Generator | None = 0,
) -> tuple[NDArray, NDArray]:
    """A smooth positive random wind-speed series ``(times_s, speed_m_s)`` (>= 0.5 m/s)."""
    rng = _rng(seed)
    n = max(3, round(duration_s * rate_hz))
    t = np.arange(n) / rate_hz
    x = rng.standard_normal(n)
    k = np.exp(-0.5 * (np.arange(-3 * correlation_s * rate_hz, 3 * correlation_s * rate_hz + 1)
                       / (correlation_s * rate_hz)) ** 2)  # fmt: skip
    x = np.convolve(x, k, mode="same")
    x = (x - x.mean()) / max(x.std(), 1e-12)
    return t, np.maximum(0.5, mean_m_s + std_m_s * x)


def wind_noise(
    duration_s: float,
    sample_rate_hz: float,
    wind_times_s: ArrayLike,
    wind_speed_m_s: ArrayLike,
    *,
    a: float = 0.01,
    b: float = 1.8,
    band_hz: tuple[float, float] = (20.0, 200.0),
    seed: int | np.random.Generator | None = 0,
) -> NDArray[np.float32]:
    """Noise in ``band_hz`` whose RMS follows ``a U(t)^b`` (U interpolated linearly)."""
    from scipy.signal import butter, sosfiltfilt

    fs = positive_finite(sample_rate_hz, "sample_rate_hz")
    n = round(positive_finite(duration_s, "duration_s") * fs)
    sos = butter(4, band_hz, btype="bandpass", fs=fs, output="sos")
    x = sosfiltfilt(sos, _rng(seed).standard_normal(n))
    x /= x.std()
    u = np.interp(np.arange(n) / fs, np.asarray(wind_times_s, float), np.asarray(wind_speed_m_s, float))
    return (a * u**b * x).astype(np.float32)


def event_bursts(
    duration_s: float,
    sample_rate_hz: float = 25_000.0,
    events: Sequence[tuple[float, float, str]] = ((2.0, 0.02, "impact"), (5.0, 2.0, "mechanism"), (10.0, 3.0, "gust")),
    *,
    background_rms: float = 0.001,
    burst_rms: float = 0.05,
    seed: int | np.random.Generator | None = 0,
) -> NDArray[np.float32]:
    """Quiet white background with bursts ``(onset_s, duration_s, kind)``.

    ``impact``: exponentially decaying broadband click; ``mechanism``: 500-5000 Hz noise with
    abrupt on/off; ``gust``: 20-150 Hz noise with 20 ms raised-cosine edges (wind does not
    stop within a sample: a cut-off step would be a broadband click of its own).
    """
    from scipy.signal import butter, sosfilt

    rng = _rng(seed)
    fs = positive_finite(sample_rate_hz, "sample_rate_hz")
    n = round(duration_s * fs)
    x = background_rms * rng.standard_normal(n)
    for onset, dur, kind in events:
        a = round(onset * fs)
        m = min(n - a, round(dur * fs))
        if m <= 0:
            raise InvalidParameterError(f"event at {onset} s lies outside the {duration_s} s signal")
        noise = rng.standard_normal(m + 2000)
        if kind == "impact":
            env = np.exp(-np.arange(m) / (0.004 * fs))
            seg = 4 * burst_rms * noise[:m] * env
        elif kind == "mechanism":
            seg = sosfilt(butter(4, (500, 5000), btype="bandpass", fs=fs, output="sos"), noise)[2000:]
            seg *= burst_rms / seg.std()
        elif kind == "gust":
            seg = sosfilt(butter(4, (20, 150), btype="bandpass", fs=fs, output="sos"), noise)[2000:]
            seg *= burst_rms / seg.std()
            edge = np.minimum(1.0, np.minimum(np.arange(m), np.arange(m)[::-1]) / (0.02 * fs))
            seg *= 0.5 - 0.5 * np.cos(np.pi * edge)
        else:
            raise InvalidParameterError(f"unknown event kind {kind!r}; known: impact, mechanism, gust")
        x[a : a + m] += seg
    return x.astype(np.float32)


def counts_from_signal(x: ArrayLike, gain: float, *, centre: int = 1880) -> NDArray[np.int64]:
    """ADC codes of a gain-normalised signal: ``round(centre + gain x)``, clipped to 0..4095."""
    return np.clip(np.round(centre + gain * np.asarray(x, float)), 0, 4095).astype(np.int64)


def write_demo_products(folder: str | Path, *, duration_s: float = 60.0, seed: int = 0) -> dict[str, Path]:
    """Write a synthetic calibrated WAV product with its label, and a raw LIBS FITS product.

    The WAV holds an Ingenuity-like 84.6 Hz tone (Doppler fly-by, nulls every 16 s), wind and a
    few bursts; the FITS holds 30 spark shots at 3.0 m with c = 250 m/s. Returns the paths.
    """
    from marsound.audio import write_float_wav
    from marsound.recordings.pds4 import write_label
    from marsound.recordings.supercam_fits import write_supercam_fits

    folder = Path(folder)
    output_dir(folder)
    fs = 25_000.0
    n = round(duration_s * fs)
    t = np.arange(n) / fs
    v = 3.0 * np.tanh((duration_s / 2 - t) / 4.0)  # approaching, then receding at 3 m/s
    x = rotor_tone(duration_s, fs, radial_speed_m_s=v, null_period_s=16.0, noise_rms=0.002, seed=seed)
    wt, wu = smooth_wind_speed(duration_s, seed=seed + 1)
    x += wind_noise(duration_s, fs, wt, wu, a=0.002, seed=seed + 2)
    x += event_bursts(duration_s, fs, ((12.0, 0.02, "impact"), (30.0, 2.0, "mechanism")), background_rms=0.0,
                      burst_rms=0.05, seed=seed + 3)  # fmt: skip
    stem = "ascam_sol0076_0673687636_279_ca2_scam01076_heli_________________01p02"
    wav = write_float_wav(folder / f"{stem}.wav", x, fs)
    lab = write_label(
        folder / f"{stem}.xml", wav, n_samples=n, sample_rate_hz=fs, sol=76, lmst="Sol-00076M12:35:10.000",
        start_utc="2021-05-07T19:26:40.000Z", stop_utc="2021-05-07T19:27:40.000Z", sequence_id="scam01076",
        unit="Pa",
    )  # fmt: skip
    wind_csv = folder / "meda_wind.csv"
    from marsound._atomic import write_text_atomic

    write_text_atomic(wind_csv, "time_s,speed_m_s\n" + "".join(f"{a:.3f},{b:.4f}\n" for a, b in zip(wt, wu)))
    rec = spark_shots(30, seed=seed + 4)
    fits_path = write_supercam_fits(
        folder / "LS__0100_0675819581_368EA2__0040218SCAM02100_001_LUJ04.fits",
        counts_from_signal(rec.mono(), 2.0), sample_rate_hz=100_000, gain_code=2, n_shots=30,
    )  # fmt: skip
    return {"wav": wav, "label": lab, "wind_csv": wind_csv, "fits": fits_path}
