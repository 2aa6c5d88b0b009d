"""Labelled synthetic scenes for event detection: wind, rotor and pump tones, bursts, impacts, clicks.

A scene is a mono recording with the true start/end/kind of every event in it, so a detector
can be scored per class (:func:`score_events`). Ingredients (reference values from Lorenz et
al. 2023, PSS 230:105684, and Murdoch et al. 2022 for the Mars microphone):

* microphone self-noise: white;
* wind: red noise (10 Hz high-pass, 60 Hz 2nd-order low-pass) whose RMS follows ``a U(t)^1.8``
  with a slowly wandering speed ``U`` (15 % standard deviation, 5 s correlation) at a mean of
  2, 5 or 9 m/s (:data:`WIND_SPEEDS_M_S`); **gusts** multiply ``U`` by 2-2.6 under a raised-
  cosine envelope of 1.5-4 s (+11 to +15 dB in the wind band);
* tones: an Ingenuity-like 84.4 Hz rotor line with a harmonic, and a 195 Hz pump with 2 %
  amplitude modulation (present the whole scene: stationary lines are not events);
* **mechanism** bursts (1.5-4 s): 300-6000 Hz noise plus a motor whine (1-3 kHz), amplitude
  modulated at 5-15 Hz and with one 80-150 ms drop-out (the trap that splits a burst);
* **impacts** (5-40 ms exponentially decaying broadband transients) and **clicks** (1-2 ms
  damped 3-8 kHz oscillations), both labelled ``impact``.

Burst and impact amplitudes are set from the background actually present in their band
(``snr_db`` drawn per event), so the scenes stay detectable but not trivial whatever the wind.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from marsound._validate import positive_finite
from marsound.errors import InvalidParameterError

#: Mean wind speed [m/s] of each named wind strength.
WIND_SPEEDS_M_S = {"calm": 2.0, "moderate": 5.0, "strong": 9.0}
#: Matching tolerance on the onset [s] per class used by :func:`score_events` (gusts: overlap).
ONSET_TOLERANCE_S = {"mechanism": 0.25, "impact": 0.1}


@dataclass(frozen=True)
class SceneEvent:
    """One labelled event: ``[start_s, end_s)`` and its class (``mechanism``, ``impact``, ``gust``)."""

    start_s: float
    end_s: float
    kind: str


@dataclass(frozen=True)
class Scene:
    """A labelled scene: samples, rate, the true events in time order and the wind strength."""

    samples: NDArray[np.float32]
    sample_rate_hz: float
    events: tuple[SceneEvent, ...]
    wind: str


def _place(rng: np.random.Generator, durations: list[float], total_s: float, gap_s: float) -> list[float]:
    """Random non-overlapping start times for the given durations, ``gap_s`` apart and from the edges."""
    free = total_s - sum(durations) - gap_s * (len(durations) + 1)
    if free < 0:
        raise InvalidParameterError(f"{len(durations)} events do not fit in a {total_s:g} s scene")
    cuts = np.sort(rng.uniform(0, free, len(durations)))
    order = rng.permutation(len(durations))
    starts = [0.0] * len(durations)
    t = gap_s
    prev_cut = 0.0
    for slot, k in enumerate(order):
        t += cuts[slot] - prev_cut
        prev_cut = cuts[slot]
        starts[k] = t
        t += durations[k] + gap_s
    return starts


def _band_rms(x: NDArray, fs: float, lo: float, hi: float) -> float:
    from scipy.signal import butter, sosfilt

    sos = butter(4, (lo, min(hi, 0.45 * fs)), btype="bandpass", fs=fs, output="sos")
    return float(np.sqrt(np.mean(sosfilt(sos, x) ** 2)))


def event_scene(
    duration_s: float = 60.0,
    sample_rate_hz: float = 25_000.0,
    *,
    wind: str = "moderate",
    n_mechanism: int = 3,
    n_impacts: int = 3,
    n_clicks: int = 2,
    n_gusts: int = 2,
    tones: bool = True,
    snr_db: tuple[float, float] = (8.0, 20.0),
    self_noise_rms: float = 2e-4,
    seed: int | np.random.Generator | None = 0,
) -> Scene:
    """A labelled scene (see the module docstring for its ingredients).

    Parameters
    ----------
    duration_s, sample_rate_hz : float
        Length [s] and rate [Hz].
    wind : {"calm", "moderate", "strong"}
        Mean wind speed (:data:`WIND_SPEEDS_M_S`).
    n_mechanism, n_impacts, n_clicks, n_gusts : int
        Numbers of each event; all zero gives a wind(+tones)-only scene.
    tones : bool
        Add the rotor and pump lines.
    snr_db : (float, float)
        Range of event level over the in-band background [dB].
    seed : int or Generator
        Random seed.
    """
    from scipy.signal import butter, sosfilt

    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    fs = positive_finite(sample_rate_hz, "sample_rate_hz")
    total = positive_finite(duration_s, "duration_s")
    if wind not in WIND_SPEEDS_M_S:
        raise InvalidParameterError(f"unknown wind {wind!r}; known: {', '.join(WIND_SPEEDS_M_S)}")
    n = round(total * fs)
    t = np.arange(n) / fs
    # event timeline: every event separated by >= 1 s from the next
    kinds = ["mechanism"] * n_mechanism + ["impact"] * n_impacts + ["click"] * n_clicks + ["gust"] * n_gusts
    durs = []
    for k in kinds:
        durs.append(
            {"mechanism": lambda: rng.uniform(1.5, 4.0), "impact": lambda: rng.uniform(0.005, 0.04),
             "click": lambda: rng.uniform(0.001, 0.002), "gust": lambda: rng.uniform(1.5, 4.0)}[k]()
        )  # fmt: skip
    starts = _place(rng, durs, total, 1.0) if kinds else []

    # wind speed: slow wandering + gusts
    rate = 20.0
    tw = np.arange(round(total * rate) + 1) / rate
    kernel = np.exp(-0.5 * (np.arange(-15 * rate, 15 * rate + 1) / (5 * rate)) ** 2)
    nk = kernel.size
    wander = np.convolve(rng.standard_normal(tw.size + nk), kernel, mode="same")[nk // 2 : nk // 2 + tw.size]
    wander = (wander - wander.mean()) / max(wander.std(), 1e-12)
    u = WIND_SPEEDS_M_S[wind] * np.maximum(0.3, 1 + 0.15 * wander)
    for kind, a, d in zip(kinds, starts, durs):
        if kind == "gust":
            inside = (tw >= a) & (tw < a + d)
            u[inside] *= 1 + rng.uniform(1.0, 1.6) * 0.5 * (1 - np.cos(2 * np.pi * (tw[inside] - a) / d))
    wind_sos = np.vstack([butter(2, 10.0, btype="highpass", fs=fs, output="sos"),
                          butter(2, 60.0, btype="lowpass", fs=fs, output="sos")])  # fmt: skip
    w = sosfilt(wind_sos, rng.standard_normal(n))
    w *= 0.002 * np.interp(t, tw, u) ** 1.8 / max(w.std(), 1e-12)
    x = w + self_noise_rms * rng.standard_normal(n)
    if tones:
        x += 0.02 * np.sin(2 * np.pi * 84.4 * t) + 0.008 * np.sin(2 * np.pi * 168.8 * t + 0.7)
        x += 0.005 * (1 + 0.02 * np.sin(2 * np.pi * 0.3 * t)) * np.sin(2 * np.pi * 195.0 * t)

    events: list[SceneEvent] = []
    mech_sos = butter(4, (300.0, min(6000.0, 0.45 * fs)), btype="bandpass", fs=fs, output="sos")
    for kind, a, d in zip(kinds, starts, durs):
        i0 = round(a * fs)
        m = min(n - i0, max(1, round(d * fs)))
        tt = np.arange(m) / fs
        snr = rng.uniform(*snr_db)
        if kind == "gust":
            events.append(SceneEvent(a, a + d, "gust"))
            continue
        if kind == "mechanism":
            seg = sosfilt(mech_sos, rng.standard_normal(m + 2000))[2000:]
            seg /= seg.std()
            seg += 0.7 * np.sin(2 * np.pi * rng.uniform(1000, 3000) * tt)
            seg *= 1 + 0.5 * np.sin(2 * np.pi * rng.uniform(5, 15) * tt)
            dip = rng.uniform(0.3, 0.7) * d
            seg[(tt >= dip) & (tt < dip + rng.uniform(0.08, 0.15))] *= 0.2
            ramp = np.minimum(1.0, np.minimum(tt, tt[::-1]) / 0.01)
            seg *= ramp
            ref = _band_rms(x[i0 : i0 + m], fs, 300.0, 6000.0)
            x[i0 : i0 + m] += seg * (ref * 10 ** (snr / 20) / np.sqrt(np.mean(seg**2)))
            events.append(SceneEvent(a, a + d, "mechanism"))
        else:
            if kind == "impact":
                tau = d / 5
                seg = rng.standard_normal(m) * np.exp(-tt / tau)
            else:  # click: a damped oscillation
                tau = d / 4
                seg = np.sin(2 * np.pi * rng.uniform(3000, 8000) * tt) * np.exp(-tt / tau)
            lo = max(0, i0 - round(0.5 * fs))
            ref = _band_rms(x[lo : i0 + round(0.5 * fs)], fs, 300.0, 0.45 * fs)
            # peak amplitude snr dB over the in-band background RMS, +10 dB: transients are short
            x[i0 : i0 + m] += seg * (ref * 10 ** ((snr + 10) / 20) / np.max(np.abs(seg)))
            events.append(SceneEvent(a, a + d, "impact"))
    events.sort(key=lambda e: e.start_s)
    return Scene(x.astype(np.float32), fs, tuple(events), wind)


@dataclass(frozen=True)
class ClassScore:
    """Scores of one class: counts, precision, recall, F1 and onset errors [s] of the matched events."""

    kind: str
    n_true: int
    n_detected: int
    n_matched: int
    onset_errors_s: tuple[float, ...]

    @property
    def precision(self) -> float:
        return self.n_matched / self.n_detected if self.n_detected else 1.0

    @property
    def recall(self) -> float:
        return self.n_matched / self.n_true if self.n_true else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r > 0 else 0.0


def score_events(truth: list[SceneEvent] | tuple[SceneEvent, ...], detected: list, kind: str) -> ClassScore:
    """Match detected events (anything with ``start_s``, ``end_s``, ``kind``) to the truth of one class.

    A mechanism or impact matches when its onset is within :data:`ONSET_TOLERANCE_S`; a gust
    when the intervals overlap. Each true and each detected event is used at most once
    (closest onsets first).
    """
    tr = [e for e in truth if e.kind == kind]
    de = [e for e in detected if e.kind == kind]
    pairs = []
    for i, a in enumerate(tr):
        for j, b in enumerate(de):
            err = abs(b.start_s - a.start_s)
            ok = (b.start_s < a.end_s and b.end_s > a.start_s) if kind == "gust" else err <= ONSET_TOLERANCE_S[kind]
            if ok:
                pairs.append((err, i, j))
    pairs.sort()
    used_t: set[int] = set()
    used_d: set[int] = set()
    errs = []
    for err, i, j in pairs:
        if i in used_t or j in used_d:
            continue
        used_t.add(i)
        used_d.add(j)
        errs.append(err)
    return ClassScore(kind, len(tr), len(de), len(errs), tuple(errs))
