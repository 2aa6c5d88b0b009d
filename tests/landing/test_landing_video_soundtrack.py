"""The soundtrack video: the picture kept, the mortar heard at its video time, captions at the events."""

from __future__ import annotations

import re

import av
import numpy as np
import pytest

from marsound.landing.video.align import align_video
from marsound.landing.video.outputs import plot_timeline, write_captions
from marsound.landing.video.soundtrack import mux_soundtrack, soundtrack_video


def _packets(path):
    with av.open(str(path)) as c:
        return [bytes(p) for p in c.demux(c.streams.video[0]) if p.size]


def _audio(path, index):
    with av.open(str(path)) as c:
        s = c.streams.audio[index]
        frames = [f.to_ndarray() for f in c.decode(s)]
        return np.concatenate(frames, axis=1).mean(axis=0), s.codec_context.sample_rate, s.metadata


def _frame_times(path):
    with av.open(str(path)) as c:
        return [float(f.time) for f in c.decode(video=0)]


def test_mortar_heard_at_its_video_time(mortar_video, timeline, soundtrack_model, tmp_path):
    a = align_video(mortar_video.path, mission="perseverance", events=timeline,
                    anchors=[("parachute_deploy", 4.63), ("line_stretch", 5.67)], detect=False)
    out = tmp_path / "out.mp4"
    soundtrack_video(mortar_video.path, out, alignment=a)
    # the picture: same packets (stream copy), same frames and times
    assert _packets(out) == _packets(mortar_video.path)
    assert _frame_times(out) == _frame_times(mortar_video.path)
    sound, fs, meta = _audio(out, 0)
    assert "marsound" in " ".join(meta.values())
    assert len(sound) / fs == pytest.approx(mortar_video.duration_s, abs=0.05)
    # the mortar's transient: the strongest onset of the high-passed envelope
    hp = np.abs(np.diff(sound))
    env = np.convolve(hp, np.ones(48) / 48, mode="same")
    onset = int(np.flatnonzero(env > 0.5 * env.max())[0]) / fs
    mortar_v = mortar_video.video_time(240.63)
    assert onset == pytest.approx(mortar_v, abs=0.1)
    # the original audio is the second track: its 440 Hz tone
    orig, fs2, meta2 = _audio(out, 1)
    spec = np.abs(np.fft.rfft(orig[: fs2 * 4]))
    assert np.fft.rfftfreq(fs2 * 4, 1 / fs2)[np.argmax(spec)] == pytest.approx(440.0, abs=1.0)
    assert "original" in " ".join(meta2.values())


def test_captions_at_the_events(mortar_video, timeline, tmp_path):
    a = align_video(mortar_video.path, mission="perseverance", events=timeline,
                    anchors=[("parachute_deploy", 4.63), ("line_stretch", 5.67)], detect=False)
    vtt = write_captions(tmp_path / "c.vtt", a).read_text()
    assert vtt.startswith("WEBVTT")
    cues = re.findall(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) --> .*\n(.+) — E\+([\d.]+) s", vtt)
    starts = {text: int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000 for h, m, s, ms, text, _ in cues}
    assert starts["Parachute deploy"] == pytest.approx(mortar_video.video_time(240.63), abs=0.001)
    assert starts["Line stretch"] == pytest.approx(mortar_video.video_time(241.67), abs=0.001)
    png = plot_timeline(tmp_path / "t.png", a)
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_reencodes_a_codec_mp4_cannot_hold(tmp_path):
    src = tmp_path / "in.mkv"
    with av.open(str(src), "w") as c:
        s = c.add_stream("ffv1", rate=10)
        s.width, s.height, s.pix_fmt = 64, 48, "yuv420p"
        for i in range(20):
            f = av.VideoFrame.from_ndarray(np.full((48, 64, 3), i * 10, np.uint8), format="bgr24")
            f.pts = i
            for p in s.encode(f):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    out = mux_soundtrack(src, tmp_path / "out.mp4", np.zeros(48000 * 2, np.float32))
    with av.open(str(out)) as c:
        assert c.streams.video[0].codec_context.name == "h264"
        assert len(list(c.decode(video=0))) == 20
    assert not list(tmp_path.glob(".*part*"))


def test_output_equal_to_input_refused(mortar_video):
    from marsound.errors import InvalidParameterError

    before = mortar_video.path.read_bytes()
    with pytest.raises(InvalidParameterError, match="same as input"):
        mux_soundtrack(mortar_video.path, mortar_video.path, np.zeros(100, np.float32))
    assert mortar_video.path.read_bytes() == before


def test_video_running_past_the_descent_gets_the_sound_then_silence(tmp_path):
    """A clip that goes on after touchdown (as NASA's edits do) still gets its soundtrack."""
    from marsound.landing.video.soundtrack import _soundtrack_for

    samples, origin = _soundtrack_for(
        tmp_path, mission="perseverance", listener="onboard", listener_distance_m=None,
        start_s=410.0, end_s=440.0, sample_rate_hz=8000,
    )
    assert origin == 410.0
    assert 8000 * 5 < samples.size < 8000 * 30  # the descent's last seconds, not the whole window
    assert float(abs(samples).max()) > 0.0
