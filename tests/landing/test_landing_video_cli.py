"""``marsound landing align`` / ``soundtrack``: the fixed JSON contract and clear errors."""

from __future__ import annotations

import json

import av
import cv2
import numpy as np
import pytest

from marsound.audio import write_audio
from marsound.cli.main import main
from marsound.landing.video.synthetic import Shot, render_descent_video


def test_align_json_contract(continuous_video, cli_timeline, capsys, tmp_path):
    vtt, png = tmp_path / "e.vtt", tmp_path / "t.png"
    rc = main(["landing", "align", str(continuous_video.path), "--mission", "perseverance", "--json",
               "--captions", str(vtt), "--plot", str(png)])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    assert {"offset_s", "rate", "segments", "anchors", "events"} <= set(out)
    assert out["rate"] == pytest.approx(4.0, rel=0.01)
    assert all({"name", "video_time_s", "mission_time_s", "source"} <= set(a) for a in out["anchors"])
    assert {a["source"] for a in out["anchors"]} == {"detected"}
    assert all({"name", "time_s", "video_time_s"} <= set(e) for e in out["events"])
    mortar = next(e for e in out["events"] if e["name"] == "parachute_deploy")
    assert mortar["time_s"] == pytest.approx(240.63)
    assert mortar["video_time_s"] == pytest.approx(continuous_video.video_time(240.63), abs=0.2)
    assert vtt.read_text().startswith("WEBVTT") and png.stat().st_size > 1000


def test_align_given_anchors_and_table(continuous_video, cli_timeline, capsys):
    rc = main(["landing", "align", str(continuous_video.path), "--mission", "perseverance",
               "--anchor", "parachute_deploy=1.2", "--anchor", "touchdown=45.5", "--json"])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    given = [a for a in out["anchors"] if a["source"] == "given"]
    assert [(a["name"], a["video_time_s"]) for a in given] == [("parachute_deploy", 1.2), ("touchdown", 45.5)]
    assert main(["landing", "align", str(continuous_video.path), "--mission", "perseverance"]) == 0
    assert "parachute_deploy" in capsys.readouterr().out


def test_soundtrack_cli(mortar_video, cli_timeline, soundtrack_model, capsys, tmp_path):
    out, vtt = tmp_path / "o.mp4", tmp_path / "o.vtt"
    rc = main(["landing", "soundtrack", str(mortar_video.path), "--mission", "perseverance",
               "--anchor", "parachute_deploy=4.63", "--anchor", "line_stretch=5.67", "-o", str(out),
               "--captions", str(vtt), "--listener", "onboard"])
    assert rc == 0, capsys.readouterr().err
    with av.open(str(out)) as c:
        v = c.streams.video[0]
        assert len(c.streams.video) == 1 and len(c.streams.audio) == 2
        assert float(v.duration * v.time_base) == pytest.approx(mortar_video.duration_s, abs=0.07)
        a = c.streams.audio[0]
        assert float(a.duration * a.time_base) == pytest.approx(mortar_video.duration_s, abs=0.05)
    assert "Parachute deploy" in vtt.read_text()


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory):
    d = tmp_path_factory.mktemp("bad")
    write_audio(d / "sound.wav", np.zeros(4800, np.float32), 48000)
    with av.open(str(d / "sound.m4a"), "w") as c:
        s = c.add_stream("aac", rate=48000)
        f = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp", layout="mono")
        f.sample_rate, f.pts = 48000, 0
        for p in [*s.encode(f), *s.encode()]:
            c.mux(p)
    cv2.imwrite(str(d / "still.png"), np.full((90, 160, 3), 128, np.uint8))
    cv2.imwrite(str(d / "still.jpg"), np.full((90, 160, 3), 128, np.uint8))
    (d / "empty.mp4").write_bytes(b"")
    (d / "junk.mp4").write_bytes(b"\x00\x01garbage" * 100)
    render_descent_video(d / "sky.mp4", shots=(Shot("up", 100.0, 104.0),), fps=10, width=160, height=90, seed=15)
    return d


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sound.wav"], "no video stream"),
        (["sound.m4a"], "no video stream"),
        (["still.png"], "still image"),
        (["still.jpg"], "still image"),
        (["empty.mp4"], "empty"),
        (["junk.mp4"], "not a readable video"),
        (["missing.mp4"], "no such file"),
        (["."], "not a regular file"),
        (["sky.mp4"], "need two or more"),
        (["sky.mp4", "--anchor", "parachute_deploy=1"], "need two or more"),
        (["sky.mp4", "--anchor", "parachute_deploy=1", "--anchor", "touchdown=99"], "outside the video"),
        (["sky.mp4", "--anchor", "parachute_deploy=-1", "--anchor", "touchdown=3"], "outside the video"),
        (["sky.mp4", "--anchor", "chute_open=1", "--anchor", "touchdown=3"], "no event 'chute_open'"),
        (["sky.mp4", "--anchor", "touchdown"], "NAME=VIDEO_SECONDS"),
        (["sky.mp4", "--anchor", "touchdown=nan", "--anchor", "parachute_deploy=1"], "finite"),
        (["sky.mp4", "--anchor", "touchdown=1", "--anchor", "parachute_deploy=3"], "positive rate"),
        (["sky.mp4", "--mission", "apollo"], "mission"),
    ],
)
def test_align_bad_input(bad_files, cli_timeline, capsys, monkeypatch, args, message):
    monkeypatch.chdir(bad_files)
    argv = ["landing", "align", *args]
    if "--mission" not in args:
        argv += ["--mission", "perseverance"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["-o", "out.avi"], "must end in"),
        (["-o", "sky.mp4"], "same as input"),
        (["-o", "o.mp4", "--listener", "moon"], "--listener"),
        (["-o", "o.mp4", "--listener", "ground", "--listener-distance-m", "-5"], "positive"),
    ],
)
def test_soundtrack_bad_input(bad_files, cli_timeline, soundtrack_model, capsys, monkeypatch, extra, message):
    monkeypatch.chdir(bad_files)
    before = (bad_files / "sky.mp4").read_bytes()
    argv = ["landing", "soundtrack", "sky.mp4", "--mission", "perseverance",
            "--anchor", "parachute_deploy=0.5", "--anchor", "touchdown=3", *extra]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err
    assert (bad_files / "sky.mp4").read_bytes() == before
    assert not (bad_files / "o.mp4").exists() and not list(bad_files.glob(".*part*"))
