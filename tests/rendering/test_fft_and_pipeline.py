"""The engine's FFT (scipy's pocketfft loaded directly) and the threaded read/filter/write pipeline."""

from __future__ import annotations

import subprocess
import sys
import threading

import numpy as np
import pytest
import soundfile as sf
from helpers import leftovers
from scipy import fft as scipy_fft

from marsound.errors import FileFormatError
from marsound.physics import preset
from marsound.rendering import _fft, render_file
from marsound.rendering.pipeline import BUFFERS, BackgroundWriter, prefetched


def test_direct_pocketfft_is_in_use_and_matches_scipy_fft():
    assert not _fft.USING_SCIPY_FFT_PACKAGE  # the fast start really is taken here
    x = np.random.default_rng(5).standard_normal((2, 3, 1000)).astype(np.float32)
    spec = _fft.rfft(x)
    assert spec.dtype == np.complex64
    np.testing.assert_array_equal(spec, scipy_fft.rfft(x, axis=-1))
    np.testing.assert_array_equal(_fft.irfft(spec, 1000), scipy_fft.irfft(spec, 1000, axis=-1))
    out = np.empty((2, 3, 1000), np.float32)
    assert _fft.irfft(spec, 1000, out=out) is out
    for n in (1, 4097, 13288, 99991):
        assert _fft.next_fast_len(n) == scipy_fft.next_fast_len(n, real=True)


def test_rendering_cli_starts_without_scipy_fft_or_the_whole_recordings_package():
    code = (
        "import sys, marsound.cli.main, marsound.rendering.engine;"
        "heavy = [m for m in ('scipy.fft', 'scipy.signal', 'scipy.special', 'marsound.recordings.analysis',"
        " 'matplotlib', 'astropy', 'av') if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[]"


def test_prefetched_keeps_order_and_raises_where_the_producer_failed():
    def blocks():
        for i in range(5):
            yield np.full(3, i, np.float32)
        raise FileFormatError("truncated at block 5")

    seen = []
    with pytest.raises(FileFormatError, match="block 5"):
        for b in prefetched(blocks, depth=1):
            seen.append(int(b[0]))
    assert seen == [0, 1, 2, 3, 4]


def test_prefetched_stops_its_thread_when_the_consumer_stops():
    before = threading.active_count()
    gen = prefetched(lambda: (np.zeros(2, np.float32) for _ in range(10**9)))
    next(gen)
    gen.close()
    assert threading.active_count() == before


class _FailingWriter:
    def __init__(self):
        self.n = 0

    def write(self, y):
        self.n += 1
        if self.n == 2:
            raise OSError("disk full")


def test_background_writer_raises_the_writer_error_in_the_caller():
    w = _FailingWriter()
    with pytest.raises(OSError, match="disk full"), BackgroundWriter([w], depth=1) as bg:  # type: ignore[list-item]
        for _ in range(100):
            bg.write([np.zeros(4, np.float32)])
    assert w.n == 2  # nothing written after the failure


def test_caller_error_stops_the_writer_before_propagating():
    w = _FailingWriter()
    w.n = -10**9  # never fails
    before = threading.active_count()
    with pytest.raises(KeyboardInterrupt), BackgroundWriter([w]) as bg:  # type: ignore[list-item]
        bg.write([np.zeros(4, np.float32)])
        raise KeyboardInterrupt
    assert threading.active_count() == before


def test_bad_sample_mid_stream_leaves_nothing_and_no_thread(tmp_path):
    x = np.random.default_rng(1).standard_normal(48_000).astype(np.float32) * 0.1
    x[30_000] = np.nan  # found by the reader thread after outputs were started
    src = tmp_path / "in.wav"
    sf.write(src, x, 48_000, subtype="FLOAT")
    before = threading.active_count()
    with pytest.raises(FileFormatError, match="frame 30000"):
        render_file(src, tmp_path / "out.wav", [10.0, 50.0], preset("jezero"), block_frames=1000)
    assert leftovers(tmp_path) == ["in.wav"]
    assert threading.active_count() == before


def test_reader_rotates_its_buffers_so_a_prefetched_block_stays_valid(tmp_path):
    from marsound.audio import AudioReader

    x = np.arange(10_000, dtype=np.float32).reshape(-1, 2) / 10_000
    sf.write(tmp_path / "in.wav", x, 8_000, subtype="FLOAT")
    reader = AudioReader(tmp_path / "in.wav")
    held = list(reader.blocks(block_frames=700, buffers=8))  # 8 blocks: no buffer reused
    np.testing.assert_array_equal(np.concatenate(held), x)
    gen = reader.blocks(block_frames=700, buffers=3)
    a, b, c = next(gen), next(gen), next(gen)
    np.testing.assert_array_equal(a, x[:700])  # still intact: 3 buffers in turn
    next(gen)
    assert np.shares_memory(a, c) is False and np.shares_memory(b, a) is False
    ahead = prefetched(lambda: reader.blocks(block_frames=333, buffers=BUFFERS))
    np.testing.assert_array_equal(np.concatenate([blk.copy() for blk in ahead]), x)


def test_prepared_jobs_run_in_any_order_give_the_stream_output():
    """StreamingFilter.prepare: jobs are independent, so the workers may run them in any order."""
    from marsound.rendering.engine import StreamingFilter

    rng = np.random.default_rng(11)
    x = rng.standard_normal((50_000, 2)).astype(np.float32)
    fir = rng.standard_normal(300)
    whole = StreamingFilter(fir, 2, integer_delay=-40, fft_length=1024)
    expected = np.concatenate([whole.process(x), whole.flush()])
    flt = StreamingFilter(fir, 2, integer_delay=-40, fft_length=1024)
    jobs = [flt.prepare(x[i : i + 3001]) for i in range(0, len(x), 3001)] + [flt.prepare_flush()]
    outputs = [None] * len(jobs)
    for i in reversed(range(len(jobs))):  # last first
        outputs[i] = jobs[i]()
    np.testing.assert_array_equal(np.concatenate(outputs), expected)
    assert flt.frames_out == len(expected) == flt.output_length(len(x))


def test_workers_keep_results_in_submission_order_and_hand_on_errors():
    from marsound.rendering.pipeline import Workers

    def job(i):
        def run():
            if i == 7:
                raise FileFormatError("job 7 failed")
            return np.full(1000, i, np.float32).sum()

        return run

    with Workers(2) as workers:
        pending = [workers.submit(job(i)) for i in range(20)]
        values = []
        for i, p in enumerate(pending):
            if i == 7:
                with pytest.raises(FileFormatError, match="job 7"):
                    p.result()
            else:
                values.append(p.result())
    assert values == [1000.0 * i for i in range(20) if i != 7]


def test_workers_stop_their_threads_on_error():
    from marsound.rendering.pipeline import Workers

    before = threading.active_count()
    with pytest.raises(KeyboardInterrupt), Workers(2) as workers:
        for _ in range(50):
            workers.submit(lambda: np.zeros(10))
        raise KeyboardInterrupt
    assert threading.active_count() == before


def test_one_cpu_runs_the_same_pipeline_without_threads(tmp_path, monkeypatch):
    """On one CPU the pipeline runs inline (no thread started); the output is bit-identical."""
    from marsound.rendering import pipeline

    x = np.random.default_rng(3).standard_normal((30_000, 2)).astype(np.float32) * 0.1
    src = tmp_path / "in.wav"
    sf.write(src, x, 48_000, subtype="FLOAT")
    render_file(src, tmp_path / "threaded.wav", [5.0, 30.0], preset("jezero"), block_frames=4096)
    monkeypatch.setattr(pipeline, "available_cpus", lambda: 1)
    started = []
    monkeypatch.setattr(threading.Thread, "start", lambda self: started.append(self.name))
    render_file(src, tmp_path / "inline.wav", [5.0, 30.0], preset("jezero"), block_frames=4096)
    assert started == []
    for d in ("5", "30"):
        a, _ = sf.read(tmp_path / f"threaded_{d}m.wav", dtype="float32")
        b, _ = sf.read(tmp_path / f"inline_{d}m.wav", dtype="float32")
        np.testing.assert_array_equal(a, b)


def test_filter_buffer_ring_gives_the_same_output_and_reuses_memory():
    """StreamingFilter(buffers=k): chunk outputs live in k reused buffers (grown when a chunk needs more)."""
    from marsound.rendering.engine import StreamingFilter

    rng = np.random.default_rng(12)
    x = rng.standard_normal((60_000, 2)).astype(np.float32)
    fir = rng.standard_normal(300)
    fresh = StreamingFilter(fir, 2, integer_delay=25, fft_length=1024)
    ring = StreamingFilter(fir, 2, integer_delay=25, fft_length=1024, buffers=3)
    sizes = [500, 4000, 700, 9000, 9000, 3, 12_000, 1500] * 3  # growing and shrinking chunks
    a, b, kept = [], [], []
    i = 0
    for n in sizes:
        a.append(fresh.process(x[i : i + n]))
        y = ring.process(x[i : i + n])
        b.append(y.copy())  # consumed before the next chunks reuse its buffer
        kept.append(y)
        i += n
    a.append(fresh.flush())
    b.append(ring.flush())
    np.testing.assert_array_equal(np.concatenate(b), np.concatenate(a))
    assert len(ring._ring) == 3
    with_output = [y for y in kept if y.size]
    assert any(np.shares_memory(p, q) for p, q in zip(with_output, with_output[3:]))
    with pytest.raises(Exception, match="buffers"):
        StreamingFilter(fir, 1, buffers=-1)


def test_pipeline_with_a_slow_writer_keeps_every_reused_buffer_valid(tmp_path, monkeypatch):
    """The ring of BUFFERS filter buffers is safe however far the writer lags: bit-identical output."""
    import time

    from marsound.audio import AudioWriter
    from marsound.rendering import render

    x = np.random.default_rng(4).standard_normal((200_000, 2)).astype(np.float32) * 0.1
    src = tmp_path / "in.wav"
    sf.write(src, x, 48_000, subtype="FLOAT")
    write = AudioWriter.write

    def slow_write(self, block):
        time.sleep(0.002)
        write(self, block)

    monkeypatch.setattr(AudioWriter, "write", slow_write)
    render_file(src, tmp_path / "o.wav", [5.0, 30.0], preset("jezero"), block_frames=8000)
    for d in (5.0, 30.0):
        y, _ = sf.read(tmp_path / f"o_{d:g}m.wav", dtype="float32")
        np.testing.assert_array_equal(y, render(x, 48_000, d, preset("jezero")))


def test_normalize_over_many_blocks_with_the_buffer_ring(tmp_path):
    """Both passes of ``normalize`` (peaks, then output) stream through the reused filter buffers."""
    from marsound.rendering import render

    x = np.random.default_rng(8).standard_normal((150_000, 2)).astype(np.float32) * 0.1
    src = tmp_path / "in.wav"
    sf.write(src, x, 48_000, subtype="FLOAT")
    reps = render_file(src, tmp_path / "n.wav", [5.0, 40.0], preset("jezero"), normalize=True, block_frames=7000)
    for rep, d in zip(reps, (5.0, 40.0)):
        y, _ = sf.read(rep.output_path, dtype="float32")
        plain = render(x, 48_000, d, preset("jezero"))
        assert np.max(np.abs(y)) == pytest.approx(10 ** (-1 / 20), rel=1e-5)
        gain = 10 ** (rep.normalization_gain_db / 20)
        assert gain == pytest.approx(10 ** (-1 / 20) / np.max(np.abs(plain)), rel=1e-6)
