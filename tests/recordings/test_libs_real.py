"""Real SuperCam LIBS WAV (sol 51): NaN-gapped shot windows, counts, arrival picks, sound speed.

The whole file is shipped xz-compressed (``tests/data``, 86 kB for 3.9 MB, provenance in its README);
the ``libs_wav`` fixture unpacks it once per session and checks its sha256, and ``libs_excerpt_wav``
cuts its first three shot windows (the excerpt once shipped, byte for byte). Both always run.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from marsound.audio import write_float_wav
from marsound.cli.main import main
from marsound.errors import FileFormatError
from marsound.recordings.analysis import analyze_file
from marsound.recordings.sources import open_source
from marsound.recordings.sparks import spark_sound_speed


def test_excerpt_windows_true_starts_and_counts(libs_excerpt_wav):
    rec = open_source(libs_excerpt_wav)
    assert rec.n_windows == 3 and rec.windows.tolist() == [[0, 6000], [6000, 12000], [12000, 18000]]
    assert rec.metadata["window_start_s"] == pytest.approx([0.0, 0.333, 0.666])  # 33,300 samples apart: 3 Hz
    assert rec.unit == "count" and "12-bit" in rec.metadata["unit_inferred"]
    assert rec.metadata["repaired_first_sample_windows"] == [0]  # the file's first sample (1,774) is an outlier
    x = rec.mono()
    dc = np.asarray(rec.metadata["dc_offset_counts"])  # each window's ADC offset removed and kept
    assert np.all(np.abs(dc - 1888) < 5) and abs(x[0] + dc[0] - 1871) < 1
    assert np.isfinite(x).all() and -450 < x.min() and x.max() < 400


def test_excerpt_analyze_json(libs_excerpt_wav, tmp_path, capsys):
    assert main(["analyze", str(libs_excerpt_wav), "--json", "-o", str(tmp_path / "o")]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["n_windows"] == 3 and s["unit"] == "count" and s["unit_source"].startswith("inferred")
    assert s["duration_s"] == pytest.approx(0.726) and s["analysed_duration_s"] == pytest.approx(0.18)
    assert [r["start_s"] for r in s["shots"]] == pytest.approx([0.0, 0.333, 0.666])
    assert all(abs(r["arrival_ms"] - 10.2) < 0.2 for r in s["shots"])
    # one impact (the laser shock) per shot, at its time in the file
    impacts = [e for e in s["events"] if e["kind"] == "impact"]
    assert [e["window"] for e in impacts] == [0, 1, 2]
    assert all(0 <= e["start_s"] - r["start_s"] < 0.02 for e, r in zip(impacts, s["shots"]))


def test_whole_file_29_windows_stable_picks_and_speed(libs_wav):
    rec = open_source(libs_wav)
    assert rec.n_windows == 29
    starts = np.asarray(rec.metadata["window_start_s"])
    np.testing.assert_allclose(np.diff(starts), 0.333, atol=1e-9)
    s = analyze_file(libs_wav, spark_distance_m=2.5)
    picks = np.array([r["arrival_ms"] for r in s["shots"]])
    assert picks.size == 29 and np.isfinite(picks).all()
    assert np.std(picks) < 0.1 and np.subtract(*np.percentile(picks, [75, 25])) < 0.1  # ms
    assert 10.0 < np.median(picks) < 10.4
    # with a LIBS-like distance the speed is physical (the trigger offset is not known for this file)
    assert 200.0 < s["sound_speed_m_s"] < 300.0 and s["spark_shots_used"] >= 27
    sp = spark_sound_speed(rec, 2.5)
    assert sp.sound_speed_uncertainty_m_s < 5.0


def _nan_file(tmp_path, name, finite):
    x = np.full(100_000, np.nan, np.float32)
    for a, b in finite:
        x[a:b] = 1880.0 + np.arange(b - a) % 7
    return write_float_wav(tmp_path / name, x, 100_000, allow_nonfinite=True)


def test_all_nan_and_nearly_all_nan_are_clear_errors(tmp_path, capsys):
    p = _nan_file(tmp_path, "all.wav", [])
    with pytest.raises(FileFormatError, match="no finite sample"):
        open_source(p)
    q = _nan_file(tmp_path, "nearly.wav", [(10, 300)])
    assert main(["analyze", str(q), "--json"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "nearly all NaN" in err and "Traceback" not in err
