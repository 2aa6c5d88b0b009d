"""Hostile input files for the reliability suite, generated in code (nothing shipped).

``hostile`` is a session-scoped folder of inputs; each case names them with ``{placeholders}``
(see :data:`FILES` in ``test_hostile_inputs.py``). The files are read-only to the tests: the
suite hashes them before and after every case.
"""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

RATE_HZ = 16_000


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def huge_png(width: int = 30_000, height: int = 30_000, rows: int = 64) -> bytes:
    """A valid PNG header claiming ``width`` x ``height`` RGB pixels, with only ``rows`` rows of data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw = zlib.compress(b"\x00" * ((3 * width + 1) * rows), 9)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", raw) + _png_chunk(b"IEND", b"")


def huge_gif(width: int = 65_535, height: int = 65_535) -> bytes:
    """A 43-byte GIF whose screen and only frame are ``width`` x ``height`` (decoders allocate it all)."""
    header = b"GIF89a" + struct.pack("<HH", width, height) + b"\x80\x00\x00"  # global colour table of 2
    palette = b"\x00\x00\x00\xff\xff\xff"
    descriptor = b"\x2c" + struct.pack("<HHHH", 0, 0, width, height) + b"\x00"
    data = b"\x02\x02\x44\x01\x00"  # LZW min code size 2, one sub-block, terminator
    return header + palette + descriptor + data + b"\x3b"


def _fits_with(path: Path, good: Path, **cards: object) -> None:
    from astropy.io import fits

    with fits.open(good) as hdul:
        for key, value in cards.items():
            hdul[0].header[key] = value
        hdul.writeto(path, overwrite=True)


def _int64_fits(path: Path) -> None:
    """A SOUND column of 64-bit integers holding 2**32 + code: an int32 cast wraps them to plausible codes."""
    from astropy.io import fits

    primary = fits.PrimaryHDU()
    primary.header["MIC_SAMP"] = 100_000
    primary.header["MIC_GAIN"] = 1
    codes = (2**32 + 1880 + 500 * np.sin(np.arange(2000) / 5.0)).astype(np.int64)
    sound = fits.BinTableHDU.from_columns([fits.Column(name="SOUND", format="K", array=codes)], name="SOUND")
    fits.HDUList([primary, sound]).writeto(path)


def _sparse_fits(path: Path, rows: int = 2**31) -> None:
    """A FITS file whose SOUND table declares ``rows`` 2-byte rows, the data a sparse hole (4 GiB on paper)."""
    from astropy.io import fits

    primary = fits.PrimaryHDU()
    primary.header["MIC_SAMP"] = 100_000
    primary.header["MIC_GAIN"] = 1
    sound = fits.BinTableHDU.from_columns(
        [fits.Column(name="SOUND", format="I", bzero=32768, array=np.zeros(1, np.uint16))], name="SOUND"
    )
    sound.header["NAXIS2"] = rows
    head = primary.header.tostring().encode() + sound.header.tostring().encode()
    with path.open("wb") as fh:
        fh.write(head)
        size = len(head) + -(-2 * rows // 2880) * 2880
        fh.truncate(size)


def _label(path: Path, wav: Path, *, rate: str | None = None, elements: str | None = None) -> None:
    from marsound.recordings.pds4 import write_label

    write_label(
        path, wav, n_samples=RATE_HZ, sample_rate_hz=RATE_HZ, sol=1, lmst="12:00:00", start_utc="2021-01-01T00:00:00Z",
        stop_utc="2021-01-01T00:00:01Z", sequence_id="scam00001", unit="Pa",
    )  # fmt: skip
    text = path.read_text()
    import re

    if rate is not None:
        text, n = re.subn(r"(<sampling_rate[^>]*>)[^<]*(<)", rf"\g<1>{rate}\2", text)
        assert n, "label template has no <sampling_rate>"
    if elements is not None:
        text, n = re.subn(r"(<elements>)[^<]*(<)", rf"\g<1>{elements}\2", text)
        assert n, "label template has no <elements>"
    path.write_text(text)


@pytest.fixture(scope="session")
def hostile(tmp_path_factory) -> Path:
    """The folder of hostile inputs (built once per session)."""
    d = tmp_path_factory.mktemp("hostile")
    rng = np.random.default_rng(11)
    x = (0.1 * rng.standard_normal(RATE_HZ)).astype(np.float32)
    sf.write(d / "good.wav", x, RATE_HZ, subtype="FLOAT")
    sf.write(d / "pcm.wav", x, RATE_HZ, subtype="PCM_16")
    whole = (d / "pcm.wav").read_bytes()
    (d / "trunc.wav").write_bytes(whole[: len(whole) // 2])  # header declares twice the data present
    (d / "empty.wav").write_bytes(b"")
    (d / "garbage.wav").write_bytes(rng.integers(0, 256, 4096, dtype=np.uint8).tobytes())
    (d / "garbage.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    (d / "garbage.mp4").write_bytes(rng.integers(0, 256, 4096, dtype=np.uint8).tobytes())
    (d / "folder.wav").mkdir()
    os.mkfifo(d / "fifo.wav")
    os.mkfifo(d / "fifo.csv")
    os.mkfifo(d / "fifo.xml")
    os.mkfifo(d / "fifo.png")
    os.mkfifo(d / "fifo.mp4")
    os.mkfifo(d / "fifo.fits")
    (d / "huge.png").write_bytes(huge_png())
    (d / "huge.gif").write_bytes(huge_gif())
    (d / "huge-gif.png").write_bytes(huge_gif())  # a GIF under an image suffix
    png = huge_png(4000, 4000, rows=4000)
    (d / "trunc.png").write_bytes(png[: len(png) // 3])

    # trajectories
    (d / "traj_ok.csv").write_text("time_s,distance_m\n0,10\n1,20\n")
    (d / "traj_1e300.csv").write_text("time_s,distance_m\n-1e300,10\n1e300,20\n")
    (d / "traj_nan.csv").write_text("time_s,distance_m\n0,nan\n1,10\n")
    (d / "traj_inf.csv").write_text("time_s,distance_m\n0,10\n1,inf\n")
    (d / "traj_1e400.csv").write_text("time_s,x_m,y_m,z_m\n0,1e400,0,0\n1,10,0,0\n")
    (d / "traj_far.csv").write_text("time_s,distance_m\n0,1e12\n1,1e12\n")
    (d / "traj_long.csv").write_text("time_s,distance_m\n0,10\n1e9,10\n")
    (d / "traj_supersonic.csv").write_text("time_s,distance_m\n0,10\n0.01,1000\n")
    (d / "traj_binary.csv").write_bytes(b"\xff\xfe\x00garbage\x00" * 50)
    (d / "traj_3col.csv").write_text("0,1,2\n1,2,3\n")
    (d / "traj_header_only.csv").write_text("time_s,distance_m\n")
    with (d / "traj_big.csv").open("w") as fh:  # 8 MB, 600 000 rows
        fh.write("time_s,distance_m\n")
        for i in range(600_000):
            fh.write(f"{i * 1e-3:.3f},{10 + (i % 100) * 1e-3:.4f}\n")

    # FITS
    from marsound.recordings.supercam_fits import write_supercam_fits

    codes = (1880 + 500 * np.sin(np.arange(20_000) / 5.0)).astype(np.int32)
    good_fits = write_supercam_fits(d / "good.fits", codes)
    _fits_with(d / "kw_samp_str.fits", good_fits, MIC_SAMP="fast")
    _fits_with(d / "kw_gain_str.fits", good_fits, MIC_GAIN="high")
    _fits_with(d / "kw_gain_float.fits", good_fits, MIC_GAIN=2.5)
    _fits_with(d / "kw_shots_str.fits", good_fits, LIBS_MIC=True, LASDNS00="many")
    _fits_with(d / "kw_numw_str.fits", good_fits, HSS_NUMW="lots")
    _fits_with(d / "kw_samp_huge.fits", good_fits, MIC_SAMP=1e300)
    _fits_with(d / "kw_down_str.fits", good_fits, MIC_DOWN="maybe")
    _int64_fits(d / "int64.fits")
    _sparse_fits(d / "sparse.fits")
    raw = good_fits.read_bytes()
    (d / "trunc.fits").write_bytes(raw[: len(raw) - 5000])

    # labels for good.wav (copies named so the sibling label is not picked up automatically)
    for name, kw in {
        "label_ok.xml": {},
        "label_rate_nan.xml": {"rate": "nan"},
        "label_rate_inf.xml": {"rate": "inf"},
        "label_rate_1e400.xml": {"rate": "1e400"},
        "label_rate_neg.xml": {"rate": "-16000"},
        "label_elements_1e400.xml": {"elements": "1e400"},
        "label_elements_nan.xml": {"elements": "nan"},
    }.items():
        _label(d / name, d / "good.wav", **kw)
    (d / "label_xxe.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><Product_Observational>&x;'
        "</Product_Observational>"
    )
    (d / "wind_nan.csv").write_text("time_s,speed_m_s\n0,1\n1,nan\n2,3\n")

    # landing: vehicle overrides and atmosphere profiles
    os.mkfifo(d / "fifo.json")
    (d / "vehicle_nan.json").write_text('{"vehicle": {"entry_mass_kg": NaN}}')
    (d / "vehicle_1e400.json").write_text('{"vehicle": {"entry_mass_kg": 1e400}}')
    (d / "vehicle_garbage.json").write_text("garbage{")
    (d / "vehicle_huge.json").write_text('{"vehicle": {}, "pad": "' + "x" * (2 << 20) + '"}')
    (d / "profile_nan.csv").write_text("altitude_m,temperature_k,pressure_pa\n0,nan,600\n200000,150,0.001\n")

    # globs: a folder whose symlinks loop back (twice per level: exponential if followed)
    loop = d / "loop"
    (loop / "a").mkdir(parents=True)
    sf.write(loop / "a" / "x.wav", x[:4000], RATE_HZ, subtype="FLOAT")
    (loop / "a" / "up1").symlink_to("..")
    (loop / "a" / "up2").symlink_to("..")
    (loop / "a" / "self").symlink_to(".")
    # a batch folder with one good and one bad product
    batch = d / "batch"
    batch.mkdir()
    sf.write(batch / "one.wav", x, RATE_HZ, subtype="FLOAT")
    (batch / "two.wav").write_bytes(whole[: len(whole) // 2])
    return d
