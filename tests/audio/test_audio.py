"""The sound-file layer: checks before decoding, blocks, non-finite policy, writers, video soundtracks."""

from __future__ import annotations

import os

import numpy as np
import pytest
import soundfile as sf

from marsound.audio import AudioReader, output_format, probe, write_audio, write_float_wav
from marsound.errors import FileFormatError, InvalidParameterError

FS = 48_000


def _wav(path, x, fs=FS, subtype="FLOAT"):
    sf.write(path, x, fs, subtype=subtype)
    return path


def test_probe_reads_the_header(tmp_path):
    p = _wav(tmp_path / "a.wav", np.zeros((1000, 2), np.float32))
    info = probe(p)
    assert (info.sample_rate_hz, info.channels, info.frames, info.format, info.subtype) == (FS, 2, 1000, "WAV", "FLOAT")
    assert info.wav is not None and info.wav["chunks"][-1] == "data"


def test_truncated_wav_is_refused_before_decoding(tmp_path):
    p = _wav(tmp_path / "a.wav", np.zeros(10_000, np.float32))
    p.write_bytes(p.read_bytes()[:20_000])
    with pytest.raises(FileFormatError, match="truncated: the data chunk declares 40000 bytes"):
        probe(p)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_and_folder_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe.wav"
    os.mkfifo(fifo)
    with pytest.raises(FileFormatError, match="not a regular file"):
        AudioReader(fifo)  # would block forever if it were opened
    with pytest.raises(FileFormatError, match="is a folder"):
        AudioReader(tmp_path)
    with pytest.raises(FileFormatError, match="does not exist"):
        AudioReader(tmp_path / "nope.wav")


def test_blocks_reuse_one_buffer_and_mix_down(tmp_path):
    x = np.random.default_rng(1).standard_normal((10_000, 2)).astype(np.float32)
    reader = AudioReader(_wav(tmp_path / "a.wav", x))
    blocks = list(reader.blocks(block_frames=3000))
    assert blocks[0].base is blocks[1].base or np.shares_memory(blocks[0], blocks[1])  # one reused buffer
    kept = [b.copy() for b in reader.blocks(block_frames=3000)]
    np.testing.assert_array_equal(np.concatenate(kept), x)
    mono = np.concatenate(list(reader.blocks(block_frames=4096, mono=True, copy=True)))
    np.testing.assert_allclose(mono, x.mean(axis=1), rtol=0, atol=1e-7)
    np.testing.assert_array_equal(reader.read(123, 4567), x[123:4567])


def test_nonfinite_policy(tmp_path):
    x = np.zeros((5000, 1), np.float32)
    x[3210, 0] = np.nan
    p = _wav(tmp_path / "nan.wav", x)
    with pytest.raises(FileFormatError, match=r"NaN or infinite samples .*frame 3210"):
        AudioReader(p).read()
    got = AudioReader(p, nonfinite="allow").read()
    assert np.isnan(got[3210, 0]) and np.isfinite(np.delete(got, 3210)).all()
    with pytest.raises(InvalidParameterError, match="nonfinite"):
        AudioReader(p, nonfinite="zero")  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "fmt", "subtype"), [
    ("o.wav", "WAV", "FLOAT"), ("o.flac", "FLAC", "PCM_24"), ("o.aiff", "AIFF", "FLOAT"), ("o.ogg", "OGG", "VORBIS"),
])  # fmt: skip
def test_writers_round_trip(tmp_path, name, fmt, subtype):
    assert output_format(tmp_path / name) == (fmt, subtype)
    x = 0.5 * np.sin(2 * np.pi * 440 * np.arange(FS // 10) / FS).astype(np.float32)
    rep = write_audio(tmp_path / name, x, FS)
    assert rep.frames == x.size and rep.clipped_samples == 0
    y = AudioReader(tmp_path / name).read(mono=True)
    tol = 1e-2 if fmt == "OGG" else 1e-6
    assert y.size >= x.size and np.max(np.abs(y[: x.size] - x)) < (0.2 if fmt == "OGG" else tol)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no temporary file left


def test_pcm_clipping_is_counted_and_float_is_not_clipped(tmp_path):
    x = np.array([0.0, 1.5, -2.0, 0.5, 1.0], np.float32)
    rep = write_audio(tmp_path / "o.wav", x, FS, subtype="PCM_16")
    assert rep.clipped_samples == 2 and rep.peak == 2.0
    assert np.abs(AudioReader(tmp_path / "o.wav").read()).max() <= 1.0
    rep = write_audio(tmp_path / "f.wav", x, FS)
    assert rep.clipped_samples == 0
    np.testing.assert_array_equal(AudioReader(tmp_path / "f.wav").read()[:, 0], x)


def test_failed_write_leaves_nothing(tmp_path):
    with pytest.raises(InvalidParameterError, match="first at frame 2"):
        write_audio(tmp_path / "o.wav", [0.0, 0.1, np.inf], FS)
    with pytest.raises(FileFormatError, match="unsupported output format"):
        write_audio(tmp_path / "o.xyz", [0.0, 0.1], FS)
    assert list(tmp_path.iterdir()) == []


def test_float_wav_layout(tmp_path):
    p = write_float_wav(tmp_path / "s.wav", np.arange(10, dtype=np.float32), 25_000)
    info = probe(p)
    assert info.wav is not None and info.wav["chunks"] == ["fmt ", "fact", "data"] and info.wav["data_offset"] == 58
    np.testing.assert_array_equal(AudioReader(p).read(mono=True), np.arange(10))


def _mp4(path, *, audio: bool, seconds: float = 0.5, rate: int = 44_100):
    av = pytest.importorskip("av")
    with av.open(str(path), "w") as out:
        v = out.add_stream("libx264", rate=25)
        v.width, v.height, v.pix_fmt = 64, 48, "yuv420p"
        a = out.add_stream("aac", rate=rate) if audio else None
        if a is not None:
            a.layout = "stereo"
        n_video = int(seconds * 25)
        for i in range(n_video):
            img = np.full((48, 64, 3), (i * 10) % 255, np.uint8)
            for pkt in v.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(pkt)
        for pkt in v.encode():
            out.mux(pkt)
        if a is not None:
            t = np.arange(int(seconds * rate)) / rate
            tone = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
            step = 1024
            for k in range(0, tone.size, step):
                chunk = np.stack([tone[k : k + step], tone[k : k + step]])
                frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(chunk), format="fltp", layout="stereo")
                frame.sample_rate = rate
                frame.pts = k
                for pkt in a.encode(frame):
                    out.mux(pkt)
            for pkt in a.encode():
                out.mux(pkt)
    return path


def test_mp4_soundtrack_read_through_the_same_interface(tmp_path):
    p = _mp4(tmp_path / "clip.mp4", audio=True)
    assert p.stat().st_size < 100_000
    reader = AudioReader(p)
    info = reader.info
    assert info.is_video and info.sample_rate_hz == 44_100 and info.channels == 2 and info.subtype == "AAC"
    assert 0.45 < info.duration_s < 0.6  # AAC adds priming/padding frames
    mono = np.concatenate(list(reader.blocks(block_frames=4096, mono=True, copy=True)))
    assert mono.size == info.frames
    spec = np.abs(np.fft.rfft(mono * np.hanning(mono.size)))
    assert np.fft.rfftfreq(mono.size, 1 / 44_100)[np.argmax(spec)] == pytest.approx(440, abs=5)
    from marsound.recordings import read

    rec = read(p)
    assert rec.n_frames == info.frames and rec.n_channels == 2


def test_video_without_soundtrack_is_a_clear_error(tmp_path):
    p = _mp4(tmp_path / "silent.mp4", audio=False)
    with pytest.raises(FileFormatError, match="has no audio stream"):
        AudioReader(p)


def test_atomic_outputs_are_tracked_until_committed(tmp_path):
    from marsound._atomic import atomic_path, pending_temporaries

    with atomic_path(tmp_path / "a.txt") as tmp:
        assert tmp in pending_temporaries() and tmp.parent == tmp_path
        tmp.write_text("x")
    assert pending_temporaries() == frozenset() and (tmp_path / "a.txt").read_text() == "x"
    with pytest.raises(RuntimeError), atomic_path(tmp_path / "b.txt") as tmp:
        tmp.write_text("partial")
        raise RuntimeError("boom")
    assert pending_temporaries() == frozenset() and sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_real_supercam_libs_wav_nan_between_shots(libs_wav):
    """Real LIBS products are NaN between shot windows: refused by default, readable as windows on request."""
    info = probe(libs_wav)
    assert (info.sample_rate_hz, info.channels, info.frames) == (100_000, 1, 965_700)
    assert info.wav is not None and info.wav["format_tag"] == 3 and info.wav["data_offset"] == 58
    with pytest.raises(FileFormatError, match="first at frame 6000"):
        AudioReader(libs_wav).read()
    x = AudioReader(libs_wav, nonfinite="allow").read(0, 40_000, mono=True)
    finite = np.isfinite(x)
    assert finite[:6000].all() and not finite[6000:33_300].any()
    assert finite[33_300:39_300].all() and not finite[39_300:].any()
    assert 1_400 < x[finite].min() and x[finite].max() < 2_300  # 12-bit ADC counts, not Pa
    # the whole file: 29 windows of 6,000 samples every 33,300 (3 Hz), NaN after the last one
    runs = np.flatnonzero(np.diff(np.r_[0, np.isfinite(AudioReader(libs_wav, nonfinite="allow").read(mono=True)), 0]))
    assert runs.size == 58 and np.all(runs[1::2] - runs[::2] == 6000) and np.all(np.diff(runs[::2]) == 33_300)


def test_outputs_get_the_usual_file_mode(tmp_path):
    """Temporary files are private (0600); a committed output gets the mode of any new file (0666 & ~umask)."""
    mask = os.umask(0)
    os.umask(mask)
    p = write_float_wav(tmp_path / "m.wav", np.zeros(4, np.float32), 8000)
    assert p.stat().st_mode & 0o777 == 0o666 & ~mask


def test_float_outputs_without_peak_chunk_and_complete(tmp_path):
    """libsndfile's PEAK chunk is off (its per-sample scan cost 5 % of a render); data and peak intact."""
    from marsound.audio import AudioWriter
    from marsound.audio.probe import wav_chunks

    x = (0.1 * np.random.default_rng(3).standard_normal((5000, 2))).astype(np.float32)
    with AudioWriter(tmp_path / "o.wav", 48_000, 2) as w:
        w.write(x[:1234])
        w.write(x[1234:])
    chunks = wav_chunks(tmp_path / "o.wav")
    assert "PEAK" not in chunks["chunks"] and chunks["frames"] == 5000
    back, fs = sf.read(tmp_path / "o.wav", dtype="float32")
    assert fs == 48_000 and np.array_equal(back, x)
    assert w.report().peak == float(np.abs(x).max())
    with AudioWriter(tmp_path / "o.flac", 48_000, 2) as w:  # PCM: nothing to switch off, same data
        w.write(x)
    assert np.allclose(sf.read(tmp_path / "o.flac", dtype="float32")[0], x, atol=1e-6)


def test_outputs_are_closed_without_fsync(tmp_path, monkeypatch):
    """soundfile's close() would fsync (sf_write_sync, 0.25 s for 115 MB); the writer skips it, data complete."""
    from marsound.audio import AudioWriter

    synced = []
    monkeypatch.setattr(sf.SoundFile, "flush", lambda self: synced.append(self.name))
    x = (0.1 * np.random.default_rng(5).standard_normal(3000)).astype(np.float32)
    with AudioWriter(tmp_path / "o.wav", 48_000, 1) as w:
        w.write(x)
    assert synced == []
    np.testing.assert_array_equal(sf.read(tmp_path / "o.wav", dtype="float32")[0], x)
