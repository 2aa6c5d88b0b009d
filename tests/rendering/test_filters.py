"""Filter design: the physics of H(f) = G (r0/d) exp(-i k(f) (d - r0)) as realised."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import tone_amplitude

from marsound.errors import InvalidParameterError, UnknownNameError
from marsound.physics import absorption, preset, sound_speed_limits, wavenumber
from marsound.rendering import design_propagation_filter, render, source_gain_db, transfer_function

FS = 48_000


@pytest.mark.parametrize(
    ("atm_name", "distance_m", "freqs"),
    [("jezero", 12.0, (100.0, 500.0, 1000.0, 2000.0, 3000.0)), ("earth", 300.0, (500.0, 2000.0, 4000.0, 8000.0))],
)
def test_tones_lose_alpha_times_path_relative_to_each_other(atm_name, distance_m, freqs):
    atm = preset(atm_name)
    t = np.arange(2 * FS) / FS
    x = sum(0.1 * np.sin(2 * np.pi * f * t) for f in freqs).astype(np.float32)
    y = render(x, FS, distance_m, atm, source_model="none")
    arrival = (distance_m - 1.0) / sound_speed_limits(atm)[0]
    steady = y[int((arrival + 0.1) * FS) : int((arrival + 0.9) * FS)]  # after the arrival, before the end
    levels = np.array([20 * np.log10(tone_amplitude(steady, FS, f) / 0.1) for f in freqs])
    alpha = absorption(np.array(freqs), atm)
    predicted = -8.685889638 * alpha * (distance_m - 1.0)
    np.testing.assert_allclose(levels - levels[0], predicted - predicted[0], atol=0.2)
    # and the absolute level includes spreading r0/d
    spread = 20 * np.log10(1.0 / distance_m)
    np.testing.assert_allclose(levels, predicted + spread, atol=0.2)


def test_arrival_delay_is_path_over_sound_speed():
    atm = preset("earth")  # practically non-dispersive: the click stays a click
    x = np.zeros(4800, np.float32)
    x[100] = 1.0
    d = 35.0
    y = render(x, FS, d, atm, source_model="none")
    c0, _ = sound_speed_limits(atm)
    expected = 100 + (d - 1.0) / c0 * FS
    assert abs(int(np.argmax(np.abs(y))) - expected) <= 1.0


def test_tone_burst_arrives_after_group_delay_on_mars():
    atm, d, f0 = preset("jezero"), 30.0, 2000.0
    t = np.arange(int(0.4 * FS)) / FS
    env_sigma = 0.004
    x = (np.exp(-0.5 * ((t - 0.05) / env_sigma) ** 2) * np.sin(2 * np.pi * f0 * t)).astype(np.float32)
    y = render(x, FS, d, atm, source_model="none")
    from scipy.signal import hilbert

    delay = (np.argmax(np.abs(hilbert(y))) - np.argmax(np.abs(hilbert(x)))) / FS
    w = 2 * np.pi * np.array([f0 - 1.0, f0 + 1.0])
    group_delay = (d - 1.0) * np.diff(wavenumber(w / (2 * np.pi), atm).real)[0] / np.diff(w)[0]
    assert abs(delay - group_delay) < 0.15e-3


def test_click_dispersion_group_delay_difference_matches_model():
    atm, d = preset("jezero"), 50.0
    flt = design_propagation_filter(FS, d, atm, source_model="none")
    x = np.zeros(2000, np.float32)
    x[0] = 1.0
    y = render(x, FS, d, atm, source_model="none").astype(float)
    n = 1 << 21
    spec = np.fft.rfft(y, n)
    df = FS / n

    def measured(f):
        i = round(f / df)
        return -np.angle(spec[i + 4] * np.conj(spec[i - 4])) / (2 * np.pi * 8 * df)

    def model(f):
        k = wavenumber([f - 0.5, f + 0.5], atm).real
        return (d - 1.0) * (k[1] - k[0]) / (2 * np.pi)

    diff_measured = measured(100.0) - measured(2000.0)
    diff_model = model(100.0) - model(2000.0)
    assert diff_model > 4e-4  # low frequencies arrive later on Mars (about half a millisecond at 50 m)
    assert diff_measured == pytest.approx(diff_model, rel=0.01)
    # and the absolute group delay includes the bulk travel time
    assert measured(2000.0) == pytest.approx(model(2000.0), abs=2 / FS)
    assert flt.num_taps < 4000  # the FIR spans the dispersion, not the travel time


def test_same_distance_same_atmosphere_is_identity():
    atm = preset("jezero")
    x = np.random.default_rng(1).standard_normal((999, 2)).astype(np.float32)
    y = render(x, FS, 1.0, atm, source_atmosphere=atm)
    np.testing.assert_array_equal(y, x)


def test_realised_response_matches_transfer_function():
    atm = preset("jezero")
    flt = design_propagation_filter(FS, 20.0, atm)
    f = np.array([0.0, 20.0, 84.0, 240.0, 1000.0, 5000.0])
    h = flt.frequency_response(f)
    ht = transfer_function(f, 20.0, atm)
    keep = np.abs(ht) > 1e-4 * np.abs(ht[0])
    np.testing.assert_allclose(np.abs(h[keep]), np.abs(ht[keep]), rtol=1e-3)
    np.testing.assert_allclose(np.angle(h[keep] / ht[keep]), 0.0, atol=1e-3)
    assert ht[0] == pytest.approx(10 ** (flt.gain_db / 20))  # DC: gains only


def test_source_models_earth_to_mars():
    earth, mars = preset("earth"), preset("jezero")
    assert source_gain_db("equal-power", earth, mars) == pytest.approx(-20.2, abs=0.5)
    assert source_gain_db("equal-velocity", earth, mars) == pytest.approx(-37.3, abs=1.0)
    assert source_gain_db("none", earth, mars) == 0.0
    assert source_gain_db("equal-power", mars, mars) == 0.0
    with pytest.raises(UnknownNameError):
        source_gain_db("loud", earth, mars)


@pytest.mark.parametrize("bad", [0.0, -3.0, float("nan"), float("inf")])
def test_bad_distances_are_refused(bad):
    with pytest.raises(InvalidParameterError, match="distance_m"):
        design_propagation_filter(FS, bad, preset("mars"))
    with pytest.raises(InvalidParameterError, match="source_distance_m"):
        design_propagation_filter(FS, 10.0, preset("mars"), source_distance_m=bad)


@pytest.mark.parametrize("fs", [7_999, 200_000, 0])
def test_unsupported_sample_rates_are_refused(fs):
    with pytest.raises(InvalidParameterError, match="sample_rate_hz"):
        design_propagation_filter(fs, 10.0, preset("mars"))


def test_closer_than_recording_distance_is_allowed():
    # d < r0: a recording made at 5 m rendered at 2 m is louder and loses less treble
    atm = preset("jezero")
    flt = design_propagation_filter(FS, 2.0, atm, source_distance_m=5.0, source_model="none")
    h = np.abs(flt.frequency_response(np.array([100.0, 2000.0])))
    assert h[0] == pytest.approx(2.5 * np.exp(absorption([100.0], atm)[0] * 3.0), rel=1e-3)
    assert h[1] > h[0]
