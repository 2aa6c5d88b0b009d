"""Analyses against synthetic truth (tolerances from issue 4)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import welch

from marsound.errors import InvalidParameterError, MarsoundError
from marsound.physics import preset, sound_speed
from marsound.recordings import (
    Recording,
    amplitude_null_times,
    band_rms,
    detect_events,
    doppler_radial_speed,
    fit_wind_power_law,
    spark_sound_speed,
    spectral_summary,
    tone_envelope_db,
    track_tones,
    wind_from_sound,
)
from marsound.recordings.synthetic import event_bursts, rotor_tone, smooth_wind_speed, spark_shots, wind_noise
from marsound.vehicles import INGENUITY_BLADE_PASSING_HZ

FS = 25_000.0


def test_streaming_psd_equals_scipy_welch_and_is_float32(rng):
    x = rng.standard_normal(int(3 * FS)).astype(np.float32)
    s = spectral_summary(x, sample_rate_hz=FS, max_columns=7)
    _, p = welch(x, FS, nperseg=2048, detrend=False)
    np.testing.assert_allclose(s.psd.psd, p, rtol=1e-4)
    assert s.spectrogram.psd.dtype == np.float32 and s.spectrogram.psd.shape[1] <= 7
    # band level of white noise = variance * bandwidth / (fs/2)
    lev = 10 * np.log10(np.mean(10 ** (s.band_levels.levels_db[:, 0] / 10)))
    assert lev == pytest.approx(10 * np.log10(180 / 12500), abs=0.3)


def test_spectra_respect_shot_windows(rng):
    x = np.zeros(4 * 1000, np.float32)
    x[999] = 1000.0  # a spike at a window edge must not leak into frames of the neighbour window
    rec = Recording(x, 10_000.0, windows=[[0, 1000], [1000, 2000], [2000, 3000], [3000, 4000]])
    s = spectral_summary(rec, nperseg=256, hop=128, max_columns=None)
    t = s.spectrogram.times_s
    assert np.all(s.spectrogram.psd[:, t > 0.1].max(axis=0) == 0)  # nothing after the first window


def test_tone_frequency_within_005_hz(rng):
    x = rotor_tone(40, FS, frequency_hz=84.4, harmonics=(0.4,), noise_rms=0.05, seed=rng)
    x += (0.01 * np.sin(2 * np.pi * 195.137 * np.arange(x.size) / FS)).astype(np.float32)
    tracks = track_tones(x, sample_rate_hz=FS)
    freqs = sorted(t.frequency_hz for t in tracks)
    assert len(freqs) == 3
    for got, want in zip(freqs, [84.4, 168.8, 195.137]):
        assert got == pytest.approx(want, abs=0.05)
    main = tracks[0]
    assert main.level_db == pytest.approx(10 * np.log10(0.05**2 / 2), abs=0.5)
    assert main.start_s == 0 and main.end_s == pytest.approx(40)


def test_tone_start_and_end_inside_the_record(rng):
    x = 0.02 * rng.standard_normal(int(40 * FS))
    t = np.arange(x.size) / FS
    on = (t >= 10) & (t < 30)
    x[on] += 0.05 * np.sin(2 * np.pi * 120.0 * t[on])
    (tr,) = track_tones(x.astype(np.float32), sample_rate_hz=FS)
    assert tr.start_s == pytest.approx(10, abs=1.0) and tr.end_s == pytest.approx(30, abs=1.0)


def test_doppler_speed_within_02_m_s(rng):
    t = np.arange(int(60 * FS)) / FS
    v = 3.5 * np.tanh((30 - t) / 5)
    c = float(sound_speed([INGENUITY_BLADE_PASSING_HZ], preset("jezero"))[0])
    x = rotor_tone(60, FS, radial_speed_m_s=v, sound_speed_m_s=c, noise_rms=0.03, seed=rng)
    main = track_tones(x, sample_rate_hz=FS)[0]
    rs = doppler_radial_speed(main.times_s, main.frequencies_hz, source_frequency_hz=INGENUITY_BLADE_PASSING_HZ)
    assert rs.sound_speed_m_s == pytest.approx(c)
    truth = 3.5 * np.tanh((30 - main.times_s) / 5)
    assert np.max(np.abs(rs.speed_m_s - truth)) < 0.2
    blind = doppler_radial_speed(main.times_s, main.frequencies_hz)  # f0 from the symmetric fly-by
    assert blind.source_frequency_hz == pytest.approx(INGENUITY_BLADE_PASSING_HZ, abs=0.02)


def test_amplitude_nulls(rng):
    x = rotor_tone(100, FS, null_period_s=16, noise_rms=0.005, harmonics=(), seed=rng)
    t, lev = tone_envelope_db(x, INGENUITY_BLADE_PASSING_HZ, sample_rate_hz=FS)
    nulls = amplitude_null_times(t, lev)
    np.testing.assert_allclose(nulls, (np.arange(6) + 0.5) * 16, atol=0.25)


def test_spark_sound_speed_within_05_m_s():
    truth = 248.7
    rec = spark_shots(30, distance_m=4.0, sound_speed_m_s=truth, speed_jitter_m_s=0.3, noise_rms=4.0,
                      wind_rms=25.0, amplitude=40.0, seed=7)  # fmt: skip
    res = spark_sound_speed(rec, 4.0)
    assert res.sound_speed_m_s == pytest.approx(np.median(rec.metadata["true_speeds_m_s"]), abs=0.5)
    assert res.sound_speed_m_s == pytest.approx(truth, abs=0.5)
    assert res.n_used >= 27
    # temperature: the physics core's c at the spark frequency gives back the measured speed
    c_back = sound_speed([res.frequency_hz], preset("jezero").replace(temperature_k=res.temperature_k))[0]
    assert c_back == pytest.approx(res.sound_speed_m_s, abs=0.01)
    assert 2000 < res.frequency_hz < 10000
    assert res.sound_speed_uncertainty_m_s == pytest.approx(
        np.hypot(res.details["statistical_m_s"], 0.005 * truth), rel=0.01
    )
    assert 1.0 < res.temperature_uncertainty_k < 4.0  # 0.5 % distance -> ~1 % in T


def test_spark_with_trigger_offset_and_no_shock():
    rec = spark_shots(10, trigger_offset_s=0.005, seed=1)
    res = spark_sound_speed(rec, 3.0, trigger_offset_s=0.005)
    assert res.sound_speed_m_s == pytest.approx(250.0, abs=0.5)
    quiet = spark_shots(5, amplitude=0.0, seed=2)
    with pytest.raises(MarsoundError, match="no laser-spark shock"):
        spark_sound_speed(quiet, 3.0)


def test_wind_power_law_exponent_within_5_percent():
    wt, wu = smooth_wind_speed(240, seed=5)
    x = wind_noise(240, 5000.0, wt, wu, a=0.01, b=1.6, seed=6)
    x += rotor_tone(240, 5000.0, frequency_hz=120.0, amplitude=0.02, harmonics=(), noise_rms=0.0)
    t, rms = band_rms(x, sample_rate_hz=5000.0, exclude_hz=[(118, 122)])
    fit = fit_wind_power_law(t, rms, wt, wu)
    assert fit.b == pytest.approx(1.6, rel=0.05) and fit.r2 > 0.9
    u = wind_from_sound(rms, fit)
    np.testing.assert_allclose(np.median(u), np.median(np.interp(t, wt, wu)), rtol=0.1)


def test_events_onsets_within_50_ms(rng):
    truth = [(1.234, 0.02, "impact"), (4.567, 1.5, "mechanism"), (8.901, 2.5, "gust")]
    x = event_bursts(14, FS, truth, seed=rng)
    ev = detect_events(x, sample_rate_hz=FS)
    assert [e.kind for e in ev] == ["impact", "mechanism", "gust"]
    for e, (on, dur, _) in zip(ev, truth):
        assert abs(e.start_s - on) < 0.05
        assert abs(e.end_s - (on + dur)) < 0.05


@pytest.mark.parametrize(
    "call",
    [
        lambda x: track_tones(x, sample_rate_hz=FS),
        lambda x: spectral_summary(x[:100], sample_rate_hz=FS, nperseg=2048),
        lambda x: detect_events(x[:200], sample_rate_hz=FS),
        lambda x: band_rms(x[:100], sample_rate_hz=FS, window_s=0.5),
    ],
    ids=["tones", "spectrum", "events", "wind"],
)
def test_recording_too_short(call):
    x = np.zeros(int(2 * FS), np.float32)
    with pytest.raises(InvalidParameterError, match="too short"):
        call(x)


def test_spark_needs_long_enough_windows():
    rec = Recording(np.zeros(100), 100_000.0, windows=[[0, 50], [50, 100]])
    with pytest.raises(InvalidParameterError, match="too short"):
        spark_sound_speed(rec, 3.0)
