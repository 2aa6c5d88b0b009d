"""Round trips through the real product formats, and bad input."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from marsound.audio import wav_chunks, write_float_wav
from marsound.errors import FileFormatError, InvalidParameterError
from marsound.recordings import Recording, open_source, parse_label, read, read_supercam_fits, write_supercam_fits
from marsound.recordings.pds4 import write_label
from marsound.recordings.synthetic import counts_from_signal


@pytest.mark.parametrize("gain", [1, 2, 3])
def test_fits_counts_round_trip_each_gain(tmp_path, rng, gain):
    x = 20.0 * rng.standard_normal(3 * 400)
    counts = counts_from_signal(x, gain)
    p = write_supercam_fits(tmp_path / f"g{gain}.fits", counts, sample_rate_hz=100_000, gain_code=gain, n_shots=3)
    rec = read_supercam_fits(p)
    assert rec.sample_rate_hz == 100_000 and rec.unit == "count" and rec.samples.dtype == np.float32
    assert rec.metadata["MIC_GAIN"] == gain and rec.metadata["gain"] == float(gain)
    assert rec.windows.tolist() == [[0, 400], [400, 800], [800, 1200]]
    # DC removed per window, codes divided by the gain: exact inverse of the counts
    for k, (a, b) in enumerate(rec.segments()):
        expect = (counts[a:b] - counts[a:b].mean()) / gain
        np.testing.assert_allclose(rec.mono()[a:b], expect, atol=1e-4)
        assert rec.metadata["dc_offset_counts"][k] == pytest.approx(counts[a:b].mean())
    # amplitudes comparable across gains (quantisation of 1 count / gain)
    np.testing.assert_allclose(rec.mono(), x - np.repeat([x[a:b].mean() for a, b in rec.segments()], 400), atol=0.6)


def test_fits_downsampled_rate_and_label(tmp_path):
    counts = np.full(1000, 1880)
    p = write_supercam_fits(tmp_path / "d.fits", counts, sample_rate_hz=100_000, downsampled=True, n_shots=1)
    lab = write_label(
        tmp_path / "d.xml", p, n_samples=1000, sample_rate_hz=25_000, sol=100, lmst="Sol-00100M10:00:00",
        start_utc="2021-06-01T00:00:00Z", stop_utc="2021-06-01T00:00:01Z", sequence_id="scam02100", unit="count",
        kind="raw",
    )  # fmt: skip
    rec = read(p)  # sibling label picked up
    assert rec.sample_rate_hz == 25_000 and rec.windows is None
    assert rec.metadata["sol"] == 100 and rec.metadata["sequence_id"] == "scam02100"
    assert parse_label(lab).n_samples == 1000


def test_calibrated_wav_layout_and_label_fields(calibrated_product):
    wav, lab, x = calibrated_product
    raw = wav.read_bytes()
    assert raw.index(b"data") + 8 == 58 and len(raw) == 58 + 4 * x.size  # the archive's 58-byte header
    info = wav_chunks(wav)
    assert info["chunks"] == ["fmt ", "fact", "data"] and info["fact_frames"] == x.size and info["format_tag"] == 3
    rec = read(wav, label=lab)
    np.testing.assert_array_equal(rec.mono(), x)
    m = rec.metadata
    assert (m["sol"], m["lmst"], m["start_utc"], m["sequence_id"], m["product_version"]) == (
        69, "Sol-00069M12:35:00.000", "2021-04-30T14:51:38.000Z", "scam07069", "p02",
    )  # fmt: skip
    assert rec.unit == "Pa" and rec.sample_rate_hz == 25_000


def test_any_soundfile_format_and_block_reading(tmp_path, rng):
    import soundfile as sf

    x = rng.uniform(-0.5, 0.5, (3000, 2)).astype(np.float32)
    p = tmp_path / "s.flac"
    sf.write(p, x, 8000, subtype="PCM_24")
    src = open_source(p)
    assert (src.sample_rate_hz, src.n_frames, src.n_channels) == (8000, 3000, 2)
    blocks = list(src.iter_mono(100, 2900, block_frames=700))
    assert [b.size for b in blocks] == [700, 700, 700, 700] and all(b.dtype == np.float32 for b in blocks)
    np.testing.assert_allclose(np.concatenate(blocks), x[100:2900].mean(axis=1), atol=1e-6)
    rec = src.read(0.1, 0.2)
    assert rec.n_frames == 800 and rec.channels == ("left", "right")


def test_recording_keeps_metadata_consistent():
    rec = Recording(np.zeros((100, 2)), 1000.0)
    assert rec.duration_s == 0.1 and rec.channels == ("left", "right")
    with pytest.raises(InvalidParameterError, match="channel"):
        rec.samples = np.zeros(50)
    with pytest.raises(InvalidParameterError, match="sample_rate_hz"):
        rec.sample_rate_hz = -1
    with pytest.raises(InvalidParameterError, match="windows"):
        rec.windows = [[0, 60], [50, 100]]
    with pytest.raises(InvalidParameterError, match="non-finite"):
        Recording([0.0, np.nan], 10.0)
    rec.samples = np.ones((10, 2))
    assert rec.duration_s == pytest.approx(0.01)


def test_truncated_and_corrupt_fits(tmp_path):
    p = write_supercam_fits(tmp_path / "a.fits", np.full(5000, 1880), n_shots=1)
    data = p.read_bytes()
    (tmp_path / "t.fits").write_bytes(data[:-4000])
    with pytest.raises(FileFormatError, match="truncated"):
        read(tmp_path / "t.fits")
    (tmp_path / "c.fits").write_bytes(b"NOT A FITS FILE" * 300)
    with pytest.raises(FileFormatError, match="not a readable FITS"):
        read(tmp_path / "c.fits")
    (tmp_path / "e.fits").write_bytes(b"")
    with pytest.raises(FileFormatError, match="empty"):
        read(tmp_path / "e.fits")
    bad = write_supercam_fits(tmp_path / "b.fits", np.full(5000, 1880), n_shots=1)
    raw = bytearray(bad.read_bytes())
    i = len(raw) - 2880 + 100  # inside the SOUND data of the last block
    raw[i : i + 2] = struct.pack(">h", 32767)  # code 65535 > 4095
    (tmp_path / "b2.fits").write_bytes(bytes(raw))
    with pytest.raises(FileFormatError, match="12-bit"):
        read(tmp_path / "b2.fits")


def test_truncated_and_corrupt_wav(tmp_path, calibrated_product):
    wav, _, _ = calibrated_product
    data = wav.read_bytes()
    (tmp_path / "t.wav").write_bytes(data[:-1000])
    with pytest.raises(FileFormatError, match="truncated"):
        read(tmp_path / "t.wav", auto_label=False)
    (tmp_path / "c.wav").write_bytes(b"RIFF\x10\x00\x00\x00WAVEjunkjunkjunk")
    with pytest.raises(FileFormatError):
        read(tmp_path / "c.wav")
    (tmp_path / "n.wav").write_bytes(b"\x00" * 200)
    with pytest.raises(FileFormatError, match="RIFF"):
        read(tmp_path / "n.wav")
    fact = bytearray(data)
    j = fact.index(b"fact") + 8
    fact[j : j + 4] = struct.pack("<I", 12)
    (tmp_path / "f.wav").write_bytes(bytes(fact))
    with pytest.raises(FileFormatError, match="fact"):
        read(tmp_path / "f.wav")


def test_label_not_matching_its_data(tmp_path, calibrated_product):
    wav, lab, x = calibrated_product
    other = write_float_wav(tmp_path / "other_01p02.wav", x, 25_000)
    with pytest.raises(FileFormatError, match="describes file"):
        read(other, label=lab)
    short = write_float_wav(wav, x[:-10], 25_000)  # same name, fewer samples
    with pytest.raises(FileFormatError, match="declares 5000 samples"):
        read(short, label=lab)


XXE = """<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Product_Observational xmlns="http://pds.nasa.gov/pds4/pds/v1"><title>&xxe;</title></Product_Observational>"""

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<Product_Observational xmlns="http://pds.nasa.gov/pds4/pds/v1"><title>&lol4;</title></Product_Observational>"""


@pytest.mark.parametrize("payload", [XXE, LAUGHS], ids=["external-entity", "billion-laughs"])
def test_hostile_labels_are_refused(tmp_path, calibrated_product, payload):
    wav, _, _ = calibrated_product
    bad = tmp_path / "bad.xml"
    bad.write_text(payload)
    with pytest.raises(FileFormatError, match="refused"):
        parse_label(bad)
    with pytest.raises(FileFormatError, match="refused"):
        read(wav, label=bad)


def test_label_not_xml_or_not_pds4(tmp_path):
    (tmp_path / "a.xml").write_text("<not closed")
    with pytest.raises(FileFormatError, match="well-formed"):
        parse_label(tmp_path / "a.xml")
    (tmp_path / "b.xml").write_text("<html/>")
    with pytest.raises(FileFormatError, match="not a PDS4"):
        parse_label(tmp_path / "b.xml")
