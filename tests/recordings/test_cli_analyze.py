"""``marsound analyze``: JSON contract, outputs, labels, batch with failures."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from marsound.audio import write_float_wav
from marsound.cli.main import main
from marsound.recordings.pds4 import write_label
from marsound.recordings.supercam_fits import write_supercam_fits
from marsound.recordings.synthetic import counts_from_signal, event_bursts, rotor_tone, spark_shots

FS = 8000.0


def _wav(path, seconds=12.0, seed=0):
    x = rotor_tone(seconds, FS, frequency_hz=150.0, harmonics=(), noise_rms=0.002, seed=seed)
    x += event_bursts(seconds, FS, ((seconds / 2, 0.02, "impact"),), background_rms=0.0, burst_rms=0.2,
                      seed=seed)  # fmt: skip
    return write_float_wav(path, x, FS), x


def test_single_file_json_contract_and_outputs(tmp_path, capsys):
    wav, x = _wav(tmp_path / "rec_01p02.wav")
    write_label(tmp_path / "rec_01p02.xml", wav, n_samples=x.size, sample_rate_hz=FS, sol=12, lmst="Sol-00012M10:00:00",
                start_utc="2021-03-02T10:00:00Z", stop_utc="2021-03-02T10:00:12Z", sequence_id="scam00012",
                unit="Pa")  # fmt: skip
    out = tmp_path / "out"
    assert main(["analyze", str(wav), "--label", str(tmp_path / "rec_01p02.xml"), "-o", str(out), "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["sample_rate_hz"] == FS and s["duration_s"] == pytest.approx(12.0)
    assert set(s["tones"][0]) >= {"frequency_hz", "level_db", "start_s", "end_s"}
    assert s["tones"][0]["frequency_hz"] == pytest.approx(150.0, abs=0.05)
    assert any(e["kind"] == "impact" and abs(e["start_s"] - 6.0) < 0.05 for e in s["events"])
    assert all(set(e) >= {"start_s", "end_s", "kind"} for e in s["events"])
    assert s["unit"] == "Pa" and s["metadata"]["sol"] == 12 and s["metadata"]["product_version"] == "p02"
    for f in ("summary.json", "index.html", "spectrogram.png", "psd.png", "tracks.png", "audio.ogg"):
        assert (out / f).stat().st_size > 0
    html = (out / "index.html").read_text()
    assert "<audio controls" in html and 'src="spectrogram.png"' in html
    assert json.loads((out / "summary.json").read_text())["tones"] == s["tones"]


def test_spark_distance_json(tmp_path, capsys):
    rec = spark_shots(12, sound_speed_m_s=245.0, seed=3)
    p = write_supercam_fits(tmp_path / "libs.fits", counts_from_signal(rec.mono(), 2.0), gain_code=2, n_shots=12)
    assert main(["analyze", str(p), "--spark-distance-m", "3", "-o", str(tmp_path / "o"), "--json", "--no-audio"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["sound_speed_m_s"] == pytest.approx(245.0, abs=0.5)
    for k in ("sound_speed_uncertainty_m_s", "temperature_k", "temperature_uncertainty_k"):
        assert s[k] > 0
    assert s["n_windows"] == 12 and s["tones"] == []


def test_cli_errors_exit_2(tmp_path, capsys):
    wav, _ = _wav(tmp_path / "a.wav", seconds=1.0)
    bad = tmp_path / "evil.xml"
    bad.write_text('<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>')
    assert main(["analyze", str(wav), "--label", str(bad), "-o", str(tmp_path / "o")]) == 2
    assert "refused" in capsys.readouterr().err
    assert not (tmp_path / "o" / "summary.json").exists()
    assert main(["analyze", str(wav), "--spark-distance-m", "3", "-o", str(tmp_path / "o2")]) == 2
    assert "per-shot windows" in capsys.readouterr().err


def test_batch_folder_with_a_corrupt_file(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    _wav(data / "one.wav", seconds=6.0, seed=1)
    _wav(data / "two.wav", seconds=6.0, seed=2)
    (data / "broken.wav").write_bytes(b"RIFF\x00\x10\x00\x00WAVEfmt \x10\x00\x00\x00garbage")
    rec = spark_shots(6, seed=4)
    write_supercam_fits(data / "libs.fits", counts_from_signal(rec.mono(), 1.0), gain_code=1, n_shots=6)
    out = tmp_path / "out"
    code = main(["analyze", str(data), "-o", str(out), "--spark-distance-m", "3", "--workers", "2", "--no-audio"])
    assert code == 1  # one product failed, the others completed
    err = capsys.readouterr().err
    assert "broken.wav" in err
    rows = list(csv.DictReader((out / "summary.csv").open()))
    status = {r["path"].rsplit("/", 1)[-1]: r for r in rows}
    assert status["broken.wav"]["status"] == "error" and status["broken.wav"]["error"]
    assert status["one.wav"]["status"] == status["two.wav"]["status"] == status["libs.fits"]["status"] == "ok"
    assert float(status["libs.fits"]["sound_speed_m_s"]) == pytest.approx(250.0, abs=0.5)
    assert (out / "one" / "summary.json").exists() and (out / "libs" / "spectrogram.png").exists()
    import pyarrow.parquet as pq

    table = pq.read_table(out / "summary.parquet")
    assert table.num_rows == 4 and "main_tone_hz" in table.column_names


def test_batch_glob(tmp_path, capsys):
    for i in range(2):
        _wav(tmp_path / f"g{i}.wav", seconds=5.0, seed=i)
    assert main(["analyze", str(tmp_path / "g*.wav"), "-o", str(tmp_path / "o"), "--json", "--no-audio"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["status"] for r in rows] == ["ok", "ok"]
    assert main(["analyze", str(tmp_path / "nothing*.wav"), "-o", str(tmp_path / "o")]) == 2


def test_wind_reference(tmp_path, capsys):
    from marsound.recordings.synthetic import smooth_wind_speed, wind_noise

    wt, wu = smooth_wind_speed(60, seed=1)
    x = wind_noise(60, 2000.0, wt, wu, a=0.01, b=2.0, seed=2)
    p = write_float_wav(tmp_path / "w.wav", x, 2000.0)
    ref = tmp_path / "ref.csv"
    ref.write_text("time_s,speed_m_s\n" + "".join(f"{a},{b}\n" for a, b in zip(wt, wu)))
    assert (
        main(["analyze", str(p), "--wind-reference", str(ref), "-o", str(tmp_path / "o"), "--json", "--no-audio"]) == 0
    )
    s = json.loads(capsys.readouterr().out)
    assert s["wind_power_law"]["b"] == pytest.approx(2.0, rel=0.05)
    assert (tmp_path / "o" / "wind.png").exists()
    ref.write_text("time_s,speed_m_s\n0,1\n1,oops\n")
    assert main(["analyze", str(p), "--wind-reference", str(ref), "-o", str(tmp_path / "o3")]) == 2
    assert np.isfinite(s["wind_from_sound_m_s"]["mean"])
