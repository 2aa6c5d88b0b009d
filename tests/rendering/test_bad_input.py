"""Bad input gets a clear error and leaves no partial output."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from helpers import leftovers

from marsound.errors import FileFormatError, InvalidParameterError
from marsound.physics import preset
from marsound.rendering import render, render_file
from marsound.rendering.moving import Trajectory


def _fails(tmp_path, exc, match, *args, **kwargs):
    before = leftovers(tmp_path)
    with pytest.raises(exc, match=match):
        render_file(*args, **kwargs)
    assert leftovers(tmp_path) == before


def test_unreadable_file(tmp_path):
    bad = tmp_path / "noise.wav"
    bad.write_bytes(b"RIFF\x00\x00garbage" * 10)
    _fails(tmp_path, FileFormatError, "not a RIFF/WAVE file", bad, tmp_path / "o.wav", 5.0, preset("mars"))


def test_missing_file(tmp_path):
    _fails(tmp_path, FileFormatError, "does not exist", tmp_path / "nope.wav", tmp_path / "o.wav", 5.0, preset("mars"))


@pytest.mark.parametrize("content", [b"", None])
def test_empty_file(tmp_path, content):
    p = tmp_path / "empty.wav"
    if content is None:
        sf.write(p, np.zeros((0, 1), np.float32), 48_000)
        match = "holds no audio frames"
    else:
        p.write_bytes(content)
        match = "is empty"
    _fails(tmp_path, FileFormatError, match, p, tmp_path / "o.wav", 5.0, preset("mars"))


def test_unsupported_formats(tmp_path, write_wav):
    txt = tmp_path / "notes.txt"
    txt.write_text("time,distance\n0,1\n")
    _fails(tmp_path, FileFormatError, "cannot read", txt, tmp_path / "o.wav", 5.0, preset("mars"))
    src = write_wav("in.wav", np.zeros(100, np.float32))
    _fails(tmp_path, FileFormatError, "unsupported output format", src, tmp_path / "o.xyz", 5.0, preset("mars"))


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_samples_leave_no_output(tmp_path, write_wav, value):
    x = np.random.default_rng(0).standard_normal(20_000).astype(np.float32) * 0.1
    x[15_000] = value  # late in the file: earlier blocks were already written to the temporary file
    src = write_wav("in.wav", x)
    _fails(
        tmp_path,
        FileFormatError,
        "NaN or infinite samples .*frame 15000",
        src,
        tmp_path / "o.wav",
        [2.0, 10.0],
        preset("mars"),
        block_frames=1000,
    )
    with pytest.raises(InvalidParameterError, match="NaN or infinite"):
        render(x, 48_000, 5.0, preset("mars"))


@pytest.mark.parametrize("distance", [0.0, -1.0, float("nan")])
def test_zero_or_negative_distance(tmp_path, write_wav, distance):
    src = write_wav("in.wav", np.zeros(100, np.float32))
    _fails(tmp_path, InvalidParameterError, "distance_m", src, tmp_path / "o.wav", [5.0, distance], preset("mars"))


def test_output_equal_to_input_is_refused_and_input_untouched(tmp_path, write_wav):
    x = np.random.default_rng(1).standard_normal(500).astype(np.float32)
    src = write_wav("in.wav", x)
    before = src.read_bytes()
    _fails(tmp_path, InvalidParameterError, "same as the input", src, src, 5.0, preset("mars"))
    assert src.read_bytes() == before


def test_unsupported_sample_rate(tmp_path, write_wav):
    src = write_wav("in.wav", np.zeros(100, np.float32), fs=6000)
    _fails(tmp_path, InvalidParameterError, "6000 Hz", src, tmp_path / "o.wav", 5.0, preset("mars"))


def test_non_increasing_trajectory_time(tmp_path, write_wav):
    from marsound.rendering.moving import read_trajectory_csv

    csv = tmp_path / "t.csv"
    csv.write_text("time_s,distance_m\n0,10\n1,12\n1,14\n")
    with pytest.raises(InvalidParameterError, match="increase strictly"):
        read_trajectory_csv(csv)
    csv.write_text("0,10\n2,12\n1.5,14\n")
    with pytest.raises(InvalidParameterError, match="row 3"):
        read_trajectory_csv(csv)


def test_bad_trajectories(tmp_path, write_wav):
    from marsound.rendering.moving import read_trajectory_csv, trajectory_from_points

    csv = tmp_path / "t.csv"
    for text, exc, match in [
        ("0,10,3\n", FileFormatError, "2 columns"),
        ("0,ten\n", FileFormatError, "row 1"),
        ("time,distance\n", FileFormatError, "no data"),
        ("0,10\n1,-2\n", InvalidParameterError, "> 0"),
        ("0,-5,0,0\n1,5,0,0\n", InvalidParameterError, "through the listener"),
    ]:
        csv.write_text(text)
        with pytest.raises(exc, match=match):
            read_trajectory_csv(csv)
    src = write_wav("in.wav", np.zeros(1000, np.float32))
    fast = trajectory_from_points([0.0, 0.1], [100.0, 130.0])  # 300 m/s: supersonic on Mars
    _fails(
        tmp_path, InvalidParameterError, "supersonic", src, tmp_path / "o.wav", None, preset("mars"), trajectory=fast
    )
    assert isinstance(fast, Trajectory)
