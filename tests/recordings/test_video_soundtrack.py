"""``marsound analyze`` / ``render`` on videos: the soundtrack via the audio layer, container metadata."""

from __future__ import annotations

import json

import numpy as np
import pytest

from marsound.cli.main import main

FS = 24_000
TONES_HZ = (150.0, 440.0)


def _mp4(path, seconds=12.0, *, audio=True, creation_time="2021-05-07T19:26:40.000000Z"):
    """An H.264 + AAC MP4 whose soundtrack holds two steady tones (and a grey-ramp picture)."""
    import av

    out = av.open(str(path), "w")
    out.metadata["creation_time"] = creation_time
    v = out.add_stream("libx264", rate=10)
    v.width, v.height, v.pix_fmt = 64, 48, "yuv420p"
    if audio:
        a = out.add_stream("aac", rate=FS)
        a.layout = "mono"
        n = int(seconds * FS)
        t = np.arange(n) / FS
        x = sum(0.2 * np.sin(2 * np.pi * f * t) for f in TONES_HZ).astype(np.float32)
        for i in range(0, n, 1024):
            fr = av.AudioFrame.from_ndarray(x[None, i : i + 1024], format="fltp", layout="mono")
            fr.sample_rate, fr.pts = FS, i
            for pkt in a.encode(fr):
                out.mux(pkt)
        for pkt in a.encode():
            out.mux(pkt)
    for k in range(int(seconds * 10)):
        img = av.VideoFrame.from_ndarray(np.full((48, 64, 3), k % 256, np.uint8), format="rgb24")
        for pkt in v.encode(img):
            out.mux(pkt)
    for pkt in v.encode():
        out.mux(pkt)
    out.close()
    return path


def test_analyze_mp4_finds_its_tones_and_reports_the_container(tmp_path, capsys):
    p = _mp4(tmp_path / "clip.mp4")
    assert main(["analyze", str(p), "--json", "-o", str(tmp_path / "o"), "--no-audio"]) == 0
    s = json.loads(capsys.readouterr().out)
    tones = sorted(s["tones"], key=lambda t: -t["level_db"])  # AAC leaves faint (-68 dB) sidebands: ignored
    found = sorted(t["frequency_hz"] for t in tones[:2])
    assert all(abs(f - g) < 0.05 for f, g in zip(found, TONES_HZ))
    assert all(t["level_db"] < tones[1]["level_db"] - 40 for t in tones[2:])
    m = s["metadata"]
    assert m["container"] == "MP4"
    assert m["audio_codec"] == "aac" and m["video_codec"] == "h264" and m["video_size"] == "64x48"
    assert m["creation_time"].startswith("2021-05-07T19:26:40")
    assert m["container_duration_s"] == pytest.approx(12.0, abs=0.2)
    assert s["sample_rate_hz"] == FS and s["duration_s"] == pytest.approx(12.0, abs=0.1)


def test_video_without_audio_is_a_clear_error(tmp_path, capsys):
    p = _mp4(tmp_path / "silent.mp4", seconds=1.0, audio=False)
    assert main(["analyze", str(p), "--json"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "no audio stream" in err


def test_folder_of_products_includes_videos(tmp_path):
    from marsound.recordings.sources import find_products

    _mp4(tmp_path / "a.mp4", seconds=1.0)
    (tmp_path / "notes.txt").write_text("x")
    assert [p.name for p in find_products(tmp_path)] == ["a.mp4"]


def test_render_mp4_soundtrack(tmp_path):
    p = _mp4(tmp_path / "clip.mp4", seconds=2.0)
    out = tmp_path / "mars.wav"
    assert main(["render", str(p), str(out), "--distance-m", "10"]) == 0
    import soundfile as sf

    y, fs = sf.read(out)
    assert fs == FS and abs(y.shape[0] / fs - 2.0) < 0.1 and np.isfinite(y).all() and np.abs(y).max() > 0
