"""Streaming engine and file rendering: equality with the whole-array result, channels, rates, linearity."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf
from scipy.signal import fftconvolve

from marsound.physics import preset
from marsound.rendering import StreamingFilter, design_propagation_filter, render, render_file

FS = 48_000


def _reference(x: np.ndarray, flt) -> np.ndarray:
    """Float64 whole-array convolution with the same FIR and integer delay."""
    full = fftconvolve(x.astype(float), flt.fir[:, None], axes=0)
    if flt.integer_delay >= 0:
        return np.concatenate([np.zeros((flt.integer_delay, x.shape[1])), full])
    return full[-flt.integer_delay :]


@pytest.mark.parametrize("block", [1, 2, 7, 97, 1009, 65_537, 10**6])
def test_stream_equals_whole_array_for_any_block_size(block):
    atm = preset("jezero")
    flt = design_propagation_filter(FS, 9.0, atm)
    x = np.random.default_rng(2).standard_normal((3000, 2)).astype(np.float32)
    eng = StreamingFilter(flt.fir, 2, integer_delay=flt.integer_delay)
    y = np.concatenate([eng.process(x[i : i + block]) for i in range(0, len(x), block)] + [eng.flush()])
    ref = _reference(x, flt)
    assert y.dtype == np.float32
    assert y.shape == ref.shape == (eng.output_length(3000), 2)
    assert np.max(np.abs(y - ref)) < 1e-6 * np.max(np.abs(ref))
    # bit-identical to the one-chunk result: FFT blocks are aligned to samples, not chunks
    np.testing.assert_array_equal(y, render(x, FS, 9.0, atm))


@pytest.mark.parametrize("block", [1, 13, 4099, 1 << 18])
def test_render_file_is_independent_of_block_size(tmp_path, write_wav, block):
    x = np.random.default_rng(3).standard_normal(2500).astype(np.float32) * 0.1
    src = write_wav("in.wav", x)
    render_file(src, tmp_path / "out.wav", 20.0, preset("jezero"), block_frames=block)
    y, fs = sf.read(tmp_path / "out.wav", dtype="float32")
    assert fs == FS
    np.testing.assert_array_equal(y, render(x, FS, 20.0, preset("jezero")))


@pytest.mark.parametrize(("fs", "channels"), [(8_000, 1), (11_025, 3), (22_050, 2), (96_000, 1), (192_000, 2)])
def test_multichannel_and_odd_sample_rates(tmp_path, write_wav, fs, channels):
    rng = np.random.default_rng(fs)
    x = (0.1 * rng.standard_normal((fs // 10, channels))).astype(np.float32)
    src = write_wav("in.wav", x, fs)
    render_file(src, tmp_path / "out.wav", 5.0, preset("mars"))
    info = sf.info(tmp_path / "out.wav")
    assert (info.samplerate, info.channels) == (fs, channels)
    y, _ = sf.read(tmp_path / "out.wav", dtype="float32", always_2d=True)
    for c in range(channels):  # each channel is rendered on its own
        np.testing.assert_allclose(y[:, c], render(x[:, c], fs, 5.0, preset("mars")), atol=1e-7)


def test_linearity():
    rng = np.random.default_rng(4)
    x1, x2 = rng.standard_normal((2, 4000)).astype(np.float32)
    atm = preset("jezero")
    lhs = render(0.3 * x1 - 2.0 * x2, FS, 15.0, atm)
    rhs = 0.3 * render(x1, FS, 15.0, atm) - 2.0 * render(x2, FS, 15.0, atm)
    assert np.max(np.abs(lhs - rhs)) < 1e-5 * np.max(np.abs(rhs))


def test_several_distances_one_pass_with_named_outputs_and_sidecars(tmp_path, write_wav):
    x = np.random.default_rng(5).standard_normal(3000).astype(np.float32) * 0.1
    src = write_wav("in.wav", x)
    reports = render_file(src, tmp_path / "mars.wav", [2.0, 2.5, 50.0], preset("jezero"))
    names = [r.output_path.rsplit("/", 1)[-1] for r in reports]
    assert names == ["mars_2m.wav", "mars_2.5m.wav", "mars_50m.wav"]
    for r, d in zip(reports, (2.0, 2.5, 50.0)):
        y, _ = sf.read(r.output_path, dtype="float32")
        np.testing.assert_array_equal(y, render(x, FS, d, preset("jezero")))
        meta = json.loads(open(r.sidecar_path).read())
        assert meta["distance_m"] == d
        assert meta["applied_gain_db"] == pytest.approx(r.source_gain_db + 20 * np.log10(1.0 / d))
        assert meta["normalization_gain_db"] == 0.0


def test_normalize_records_true_gain(tmp_path, write_wav):
    x = np.random.default_rng(6).standard_normal(3000).astype(np.float32) * 0.1
    src = write_wav("in.wav", x)
    (rep,) = render_file(src, tmp_path / "n.wav", 10.0, preset("jezero"), normalize=True)
    y, _ = sf.read(tmp_path / "n.wav", dtype="float32")
    assert np.max(np.abs(y)) == pytest.approx(10 ** (-1 / 20), rel=1e-5)
    plain = render(x, FS, 10.0, preset("jezero"))
    gain = 10 ** (rep.normalization_gain_db / 20)
    np.testing.assert_allclose(y, plain * gain, rtol=1e-4, atol=1e-6)
    meta = json.loads(open(rep.sidecar_path).read())
    assert meta["applied_gain_db"] == pytest.approx(rep.source_gain_db - 20.0 + rep.normalization_gain_db)


def test_flac_output_is_clipped_not_wrapped(tmp_path, write_wav):
    x = np.full(2000, 0.9, np.float32)
    src = write_wav("in.wav", x)
    # equal power from Earth into Venus' dense CO2 at the recording distance: about 8x louder than full scale
    (rep,) = render_file(src, tmp_path / "loud.flac", 1.0, preset("venus"), source_atmosphere=preset("earth"))
    y, _ = sf.read(tmp_path / "loud.flac", dtype="float32")
    assert rep.clipped_samples > 0
    assert y.max() <= 1.0 and y.min() >= -1.0
    assert np.median(y[500:1500]) > 0.99  # saturated, not wrapped around to negative values
