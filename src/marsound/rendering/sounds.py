"""Built-in test sounds, synthesised in code (no third-party recordings).

Each is a plausible stand-in for a sound people want to hear "on Mars", normalised to a peak of
0.5 and meant as a recording at 1 m on Earth:

``bell``        a struck bell: inharmonic partials (hum, prime, tierce, quint, nominal...) with
                decays that shorten with frequency, struck every 1.5 s.
``vowel``       a voice-like "ah": glottal pulse train at 120 Hz with vibrato through three formant
                resonators (730, 1090, 2440 Hz; Peterson & Barney 1952, male /a/).
``rover-motor`` an electric drive: a 320 Hz whine with harmonics, gear-mesh sidebands and rumble,
                speed slowly modulated.
``helicopter``  a rotor like Ingenuity's: two blades at 2537 rpm give an 84.6 Hz blade-passing
                tone and its harmonics (Maurice et al. 2022), plus blade-rate-modulated noise.
``laser-spark`` laser-induced spark clicks like SuperCam's: ~50 µs pressure pulses at 10 Hz in
                bursts.
``wind``        gusty wind: brown-ish noise, low-pass, with slow gust envelopes.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from marsound._validate import choose, positive_finite
from marsound.rendering.filters import check_sample_rate
from marsound.vehicles import INGENUITY_BLADE_PASSING_HZ

SOUND_NAMES = ("bell", "vowel", "rover-motor", "helicopter", "laser-spark", "wind")
BLADE_PASSING_HZ = INGENUITY_BLADE_PASSING_HZ  # Ingenuity: 2 blades x 2537 rpm = 84.6 Hz
PEAK = 0.5


def builtin_sound(
    name: str, sample_rate_hz: float = 48_000, duration_s: float = 3.0, *, seed: int = 0
) -> NDArray[np.float32]:
    """Synthesise a built-in sound (mono float32, peak 0.5).

    Parameters
    ----------
    name : str
        One of :data:`SOUND_NAMES`.
    sample_rate_hz : float
        8-192 kHz.
    duration_s : float
        Length [s], > 0.
    seed : int
        Seed of the noise parts (the output is deterministic).

    Examples
    --------
    >>> x = builtin_sound("helicopter", 16_000, 1.0)
    >>> x.shape, x.dtype, float(abs(x).max())
    ((16000,), dtype('float32'), 0.5)
    """
    kind = choose("sound", name, SOUND_NAMES)
    fs = check_sample_rate(sample_rate_hz)
    dur = positive_finite(duration_s, "duration_s")
    n = max(1, round(dur * fs))
    t = np.arange(n) / fs
    rng = np.random.default_rng(seed)
    x = _GENERATORS[kind](t, fs, rng)
    peak = float(np.max(np.abs(x)))
    if peak > 0:
        x = x * (PEAK / peak)
    return x.astype(np.float32)


def _bell(t: NDArray, fs: float, rng: np.random.Generator) -> NDArray:
    f0 = 220.0
    ratios = (0.5, 1.0, 1.183, 1.506, 2.0, 2.514, 2.662, 3.011, 4.166, 5.433)
    amps = (0.6, 0.8, 0.5, 0.35, 1.0, 0.4, 0.3, 0.25, 0.15, 0.1)
    y = np.zeros_like(t)
    for start in np.arange(0.0, t[-1] + 1e-9, 1.5):
        tt = t - start
        on = tt >= 0
        for r, a in zip(ratios, amps):
            f = f0 * r
            if f >= 0.45 * fs:
                continue
            tau = 2.5 / (1.0 + f / 400.0)
            y[on] += a * np.exp(-tt[on] / tau) * np.sin(2 * np.pi * f * tt[on])
    return y


def _vowel(t: NDArray, fs: float, rng: np.random.Generator) -> NDArray:
    from scipy.signal import lfilter

    f0 = 120.0 * (1.0 + 0.02 * np.sin(2 * np.pi * 5.0 * t))
    phase = np.cumsum(f0) / fs
    pulses = np.diff(np.floor(phase), prepend=0.0)  # one impulse per glottal period
    src = lfilter([1.0], [1.0, -0.97], pulses)  # spectral tilt
    y = np.zeros_like(t)
    for fc, bw, g in ((730.0, 90.0, 1.0), (1090.0, 110.0, 0.5), (2440.0, 170.0, 0.25)):
        if fc >= 0.45 * fs:
            continue
        r = np.exp(-np.pi * bw / fs)
        a = [1.0, -2 * r * np.cos(2 * np.pi * fc / fs), r * r]
        y += g * lfilter([1.0 - r], a, src)
    env = np.minimum(1.0, t / 0.05) * np.minimum(1.0, (t[-1] - t) / 0.1 + 1e-3)
    return y * env


def _rover_motor(t: NDArray, fs: float, rng: np.random.Generator) -> NDArray:
    from scipy.signal import lfilter

    speed = 1.0 + 0.08 * np.sin(2 * np.pi * 0.4 * t)
    phase = 2 * np.pi * 320.0 * np.cumsum(speed) / fs
    y = np.zeros_like(t)
    for h, a in ((1, 1.0), (2, 0.5), (3, 0.35), (4, 0.2), (6, 0.12), (8, 0.08)):
        if 320.0 * h * 1.1 < 0.45 * fs:
            y += a * np.sin(h * phase)
    gear = np.sin(phase * 4.25) * (0.3 + 0.2 * np.sin(phase / 16))
    rumble = lfilter([0.02], [1.0, -0.98], rng.standard_normal(t.size))
    return y + 0.4 * gear + rumble


def _helicopter(t: NDArray, fs: float, rng: np.random.Generator) -> NDArray:
    from scipy.signal import lfilter

    fb = BLADE_PASSING_HZ
    y = np.zeros_like(t)
    for h in range(1, 30):
        if h * fb >= 0.45 * fs:
            break
        y += (1.0 / h**1.2) * np.sin(2 * np.pi * h * fb * t + 0.7 * h)
    noise = lfilter([0.1], [1.0, -0.9], rng.standard_normal(t.size))
    mod = 0.5 * (1.0 + np.cos(2 * np.pi * fb * t)) ** 2
    return y + 0.6 * noise * mod


def _laser_spark(t: NDArray, fs: float, rng: np.random.Generator) -> NDArray:
    y = np.zeros_like(t)
    width = max(50e-6, 2.0 / fs)
    for k, start in enumerate(np.arange(0.1, t[-1], 0.1)):
        if k % 10 >= 6:  # bursts of 6 shots
            continue
        tt = t - start
        near = np.abs(tt) < 20 * width
        # a short N-wave-like pulse (derivative of a Gaussian)
        y[near] += -tt[near] / width * np.exp(-0.5 * (tt[near] / width) ** 2) * (0.8 + 0.4 * rng.random())
    return y


def _wind(t: NDArray, fs: float, rng: np.random.Generator) -> NDArray:
    from scipy.signal import butter, sosfilt

    noise = rng.standard_normal(t.size)
    sos = butter(2, min(800.0, 0.4 * fs), fs=fs, output="sos")
    base = sosfilt(sos, np.cumsum(noise) * 0.02 - np.convolve(np.cumsum(noise) * 0.02, np.ones(256) / 256, "same"))
    gust = 0.6 + 0.4 * np.sin(2 * np.pi * 0.23 * t) * np.sin(2 * np.pi * 0.61 * t + 1.0)
    return base * gust


_GENERATORS = {
    "bell": _bell,
    "vowel": _vowel,
    "rover-motor": _rover_motor,
    "helicopter": _helicopter,
    "laser-spark": _laser_spark,
    "wind": _wind,
}
