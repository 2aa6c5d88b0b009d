"""Report outputs sized for archives: a bounded, compressed listening copy (not a copy of the input)."""

from __future__ import annotations

import numpy as np
import pytest

from marsound.audio import AudioReader, write_float_wav
from marsound.recordings.recording import Recording
from marsound.recordings.report import write_listening_copy
from marsound.recordings.sources import open_source

FS = 25_000


def test_listening_copy_is_ogg_bounded_and_small(tmp_path, rng):
    t = np.arange(30 * FS) / FS
    x = (0.05 * np.sin(2 * np.pi * 84.4 * t) + 0.01 * rng.standard_normal(t.size)).astype(np.float32)
    src = open_source(write_float_wav(tmp_path / "in.wav", x, FS))
    p, dur = write_listening_copy(src, tmp_path / "audio.ogg", max_s=10.0)
    assert dur == pytest.approx(10.0)
    info = AudioReader(p).info
    assert info.format == "OGG" and info.subtype == "VORBIS" and info.frames == 10 * FS
    assert p.stat().st_size < 0.1 * (tmp_path / "in.wav").stat().st_size / 3  # < 10 % of the same 10 s in float
    y = AudioReader(p).read(mono=True)
    assert 0.8 < np.abs(y).max() < 1.0  # peak-normalised to 0.9


def test_listening_copy_of_counts_is_centred_per_window(tmp_path, rng):
    # ADC counts sit at ~1,880: without removing each window's DC the copy would be a constant
    w = 1880 + np.round(20 * rng.standard_normal((3, 6000)))
    w[:, 1000:1040] += 300
    rec = Recording(w.ravel(), 100_000.0, unit="count", windows=[[0, 6000], [6000, 12000], [12000, 18000]])
    p, dur = write_listening_copy(rec, tmp_path / "a.ogg")
    y = AudioReader(p).read(mono=True)
    assert dur == pytest.approx(0.18) and abs(float(np.median(y))) < 0.05 and np.abs(y).max() > 0.5
