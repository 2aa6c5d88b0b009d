"""Spectrogram colour scale from the data as drawn (log-frequency weighting)."""

from __future__ import annotations

import numpy as np

from marsound.recordings.plot import colour_limits


def test_wind_band_not_saturated_on_log_axis(rng):
    # 12.5 kHz spectrogram, 6 Hz bins: loud red wind (20-300 Hz, 40 dB above) over a flat floor
    f = np.arange(1, 2049) * 6.1
    t = 400
    floor = -100 + rng.normal(0, 3, (f.size, t))
    wind = np.where(f[:, None] < 300, 40 - 20 * np.log10(f[:, None] / 20) + rng.normal(0, 6, (f.size, t)), -np.inf)
    db = np.maximum(floor, -100 + wind)
    vmin, vmax = colour_limits(db, f)
    low = db[f < 300]
    # the old scale (99.5th percentile over bins) clipped most of the wind band to one colour
    assert np.mean(low >= np.percentile(db, 99.5)) > 0.15
    assert np.mean(low >= vmax) < 0.05  # the new one resolves it
    assert vmin < np.median(db[f > 1000]) < vmax


def test_flat_picture_gets_a_usable_scale():
    db = np.full((100, 10), -300.0)
    lo, hi = colour_limits(db, np.arange(1, 101) * 10.0)
    assert hi - lo >= 60
