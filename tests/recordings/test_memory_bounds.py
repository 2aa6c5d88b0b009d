"""What keeps ``analyze``'s peak memory bounded: filtered sources read in bounded blocks, long
products streamed (with the same results as in memory), the spectrogram drawn on pixel rows."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import ellip, sosfilt

from marsound.audio import write_float_wav
from marsound.recordings import analysis, streaming
from marsound.recordings.plot import log_frequency_rows
from marsound.recordings.recording import Recording
from marsound.recordings.sources import AudioFileSource, open_source
from marsound.recordings.streaming import FilteredSource, lowpass_decimated


class _CountingSource:
    """A source that records the size of every block it is asked for."""

    def __init__(self, rec: Recording) -> None:
        self.rec = rec
        self.sample_rate_hz = rec.sample_rate_hz
        self.n_frames = rec.n_frames
        self.asked: list[int] = []

    def segments(self):
        return self.rec.segments()

    def iter_mono(self, start=0, stop=None, block_frames=1 << 18):
        self.asked.append(block_frames)
        yield from self.rec.iter_mono(start, stop, block_frames)


@pytest.mark.parametrize(("q", "block"), [(10, 1000), (7, 333), (1, 4096)])
def test_filtered_source_reads_bounded_blocks_and_equals_one_filter_pass(monkeypatch, rng, q, block):
    monkeypatch.setattr(streaming, "FILTER_READ_FRAMES", 2048)
    x = rng.standard_normal(50_000).astype(np.float32)
    src = _CountingSource(Recording(x, 25_000.0))
    sos = ellip(8, 0.05, 90, 500.0, btype="low", fs=25_000.0, output="sos")
    blocks = list(FilteredSource(src, sos, q).iter_mono(block_frames=block))
    assert max(src.asked) <= 2048  # never block * q input samples at once
    assert all(b.size == block for b in blocks[:-1]) and 0 < blocks[-1].size <= block
    assert all(b.dtype == np.float32 for b in blocks)
    expected = sosfilt(sos, x.astype(np.float64))[::q].astype(np.float32)
    np.testing.assert_array_equal(np.concatenate(blocks), expected)


def test_decimated_source_respects_segments_and_start(rng):
    x = rng.standard_normal(40_000).astype(np.float32)
    rec = Recording(x, 25_000.0)
    dec = lowpass_decimated(rec, 1000.0)
    whole = np.concatenate(list(dec.iter_mono(block_frames=100)))
    part = np.concatenate(list(dec.iter_mono(start=0, stop=500, block_frames=64)))
    assert dec.q == 10 and whole.size == 4000
    np.testing.assert_array_equal(part, whole[:500])


def test_long_products_stream_with_the_same_results(tmp_path, monkeypatch, rng):
    # a 40 s product with a rotor line, a pump and a burst: analysed in memory, then streamed
    fs = 25_000
    t = np.arange(40 * fs) / fs
    x = 0.05 * np.sin(2 * np.pi * 84.4 * t) + 0.01 * np.sin(2 * np.pi * 195.0 * t) + 0.002 * rng.standard_normal(t.size)
    x[20 * fs : 23 * fs] += 0.05 * rng.standard_normal(3 * fs)
    path = write_float_wav(tmp_path / "p.wav", x.astype(np.float32), fs)
    assert isinstance(analysis.load_source(open_source(path)), Recording)  # 4 MB: held in memory
    in_memory = analysis.analyze_file(path)
    monkeypatch.setattr(analysis, "IN_MEMORY_LIMIT_BYTES", 1 << 20)
    assert isinstance(analysis.load_source(open_source(path)), AudioFileSource)
    streamed = analysis.analyze_file(path)
    assert [round(tn["frequency_hz"], 1) for tn in streamed["tones"][:2]] == [84.4, 195.0]
    assert streamed["events"] and "amplitude_nulls_s" in streamed
    for key in ("tones", "events", "band_levels_db", "amplitude_nulls_s"):
        assert streamed[key] == in_memory[key], key


def test_log_frequency_rows_average_thin_bins_only(rng):
    f = np.arange(1, 1025) * 12.2
    psd = rng.random((f.size, 30)).astype(np.float32)
    merged, edges = log_frequency_rows(psd, f, rows=300)
    assert merged.dtype == np.float32 and merged.shape[1] == 30
    assert merged.shape[0] == edges.size - 1 <= 300 + 1
    assert np.all(np.diff(edges) > 0)
    assert edges[0] == pytest.approx(f[0] - 6.1) and edges[-1] == pytest.approx(f[-1] + 6.1)
    # bins taller than a row on the log axis are kept as they are
    step = np.log(edges[-1] / edges[0]) / 300
    n_kept = int(np.sum(12.2 / f > step * 1.01)) - 1
    np.testing.assert_array_equal(merged[:n_kept], psd[:n_kept])
    # each row is the mean power of its bins: widths times means give back the total
    widths = np.diff(edges) / 12.2
    np.testing.assert_allclose((merged * widths[:, None]).sum(axis=0), psd.sum(axis=0), rtol=1e-5)

