"""Tone tracking on clean signals: a pure tone in digital silence is one line, not none and not a skirt."""

from __future__ import annotations

import numpy as np
import pytest

from marsound.recordings.tones import track_tones

FS = 25_000.0


@pytest.mark.parametrize(("freq_hz", "on_s", "off_s"), [(440.0, 5.0, 15.0), (100.0, 0.0, 20.0), (84.4, 4.0, 16.0)])
def test_pure_tone_in_digital_silence_is_one_line(freq_hz, on_s, off_s):
    t = np.arange(int(20 * FS)) / FS
    x = np.where((t >= on_s) & (t < off_s), 0.5 * np.sin(2 * np.pi * freq_hz * t), 0.0).astype(np.float32)
    (tr,) = track_tones(x, sample_rate_hz=FS)
    assert tr.frequency_hz == pytest.approx(freq_hz, abs=0.01)
    assert tr.level_db == pytest.approx(10 * np.log10(0.5**2 / 2), abs=0.25)
    assert abs(tr.start_s - on_s) < 0.1 and abs(tr.end_s - off_s) < 0.1


def test_two_tones_60_db_apart_both_found():
    t = np.arange(int(10 * FS)) / FS
    x = (0.5 * np.sin(2 * np.pi * 200 * t) + 5e-4 * np.sin(2 * np.pi * 600 * t)).astype(np.float32)
    freqs = sorted(round(tr.frequency_hz) for tr in track_tones(x, sample_rate_hz=FS))
    assert freqs == [200, 600]
