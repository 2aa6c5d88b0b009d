"""The Farrow windowed-sinc interpolator behind the moving-source read-out."""

from __future__ import annotations

import numpy as np

from marsound.rendering.fractional_delay import (
    FARROW_ORDER,
    FIRST_TAP,
    HALF,
    farrow_coefficients,
    read_at,
    windowed_sinc_taps,
)


def test_polynomial_taps_match_the_windowed_sinc():
    f = np.random.default_rng(11).random(500)
    x = 2.0 * f - 1.0
    taps = np.vander(x, FARROW_ORDER + 1, increasing=True) @ farrow_coefficients()
    exact = windowed_sinc_taps(f)
    assert np.max(np.abs(taps - exact)) < 1e-6
    # symmetric kernel: h_k(f) = h_{1-k}(1 - f)
    np.testing.assert_allclose(windowed_sinc_taps(1.0 - f)[:, ::-1], exact, atol=1e-12)


def test_integer_positions_return_the_samples():
    z = np.random.default_rng(12).standard_normal((2, 400)).astype(np.float32)
    p = np.arange(HALF + 3, 400 - HALF - 3, dtype=float)
    y = read_at(z, 0, p)
    np.testing.assert_allclose(y, z[:, HALF + 3 : 400 - HALF - 3].T, atol=2e-6)


def test_band_limited_signal_read_between_samples():
    fs, n = 48_000.0, 6000
    freqs, amps = np.array([97.0, 1234.5, 7000.0, 13_900.0]), np.array([0.5, 0.3, 0.2, 0.1])
    phases = [0.1, 2.0, 4.0, 1.0]

    def signal(t):
        return sum(a * np.sin(2 * np.pi * f * t + ph) for f, a, ph in zip(freqs, amps, phases))

    first = -50
    z = signal((first + np.arange(n)) / fs).astype(np.float32)[None, :]
    # a gliding read-out (a Doppler ramp) at irregular fractional positions
    m = np.arange(4000)
    p = 200.0 + 0.93 * m + 5e-6 * m**2 + 0.3 * np.sin(m / 37.0)
    assert np.all(np.diff(p) > 0)
    y = read_at(z, first, p)[:, 0]
    # measured 2.4e-5 (kernel response up to 0.29 fs); a position off by 0.02 sample gives 7.5e-3
    assert np.max(np.abs(y - signal(p / fs))) < 6e-5 * amps.sum()
    assert np.floor(p[0]) + FIRST_TAP >= first
