"""SuperCam raw microphone products (``data_raw_audio``): FITS files with a ``SOUND`` table.

Layout (the Mars 2020 SuperCam PDS4 archive, ``data_raw_audio`` collection): primary header with the microphone keywords
(``MIC_SAMP`` rate [Hz], ``MIC_DOWN``, ``MIC_GAIN`` 1/2/3, ``HSS_NUMW`` sample count,
``LIBS_MIC``, ``LASDNS00`` shot count, ``LASDSF00`` laser rate [Hz]); several extensions
(``LABEL``, ``TIMELINE``, ``MU_SOH``, ``BU_SOH``, ``LASERDATA``); last, a ``SOUND`` BINTABLE of
one ``'I'`` column with ``TZERO1 = 32768``, i.e. uint16 codes of a 12-bit ADC centred near 1,880.

Conversion to a :class:`~marsound.recordings.recording.Recording`: the DC offset is
removed (per shot window for LIBS recordings, else over the whole record) and the codes are
divided by the gain factor, so the unit is ``"count"`` (gain-normalised ADC counts). LIBS
recordings pack one window per laser shot back to back (30 shots x 5,800 samples); they are
split into ``Recording.windows`` so no analysis frames across a shot boundary.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from marsound._validate import positive_finite
from marsound.errors import FileFormatError, InvalidParameterError
from marsound.recordings.recording import Recording

ADC_MAX = 4095
ADC_CENTRE = 1880
DEFAULT_GAIN_FACTORS: Mapping[int, float] = {1: 1.0, 2: 2.0, 3: 3.0}
#: Largest SOUND table read [bytes] (2**27 two-byte codes: 22 min at 100 kHz), checked before loading it.
MAX_SOUND_TABLE_BYTES = 2**28
HEADER_KEYWORDS = ("MIC_SAMP", "MIC_DOWN", "MIC_GAIN", "MIC_SAMC", "MIC_DURA", "HSS_NUMW", "LIBS_MIC",
                   "LASDNS00", "LASDSF00", "SCMDTYPE")  # fmt: skip


def _open_checked(path: Path):
    """Open a FITS file, turning astropy's warnings about truncation/corruption into errors."""
    from astropy.io import fits
    from astropy.utils.exceptions import AstropyUserWarning

    from marsound._files import regular_file

    regular_file(path, "FITS file")
    if path.stat().st_size == 0:
        raise FileFormatError(f"FITS file {path} is empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", AstropyUserWarning)
            warnings.simplefilter("error", fits.verify.VerifyWarning)
            hdul = fits.open(path, memmap=False, lazy_load_hdus=False)
    except (OSError, ValueError, TypeError, IndexError, AstropyUserWarning, fits.verify.VerifyWarning) as exc:
        raise FileFormatError(f"{path.name} is not a readable FITS file: {exc}") from None
    return hdul


#: Header keyword -> (type, low, high): what a SuperCam raw product may hold (bool keywords: no range).
_KEYWORD_TYPES: dict[str, tuple[type, float, float]] = {
    "MIC_SAMP": (float, 1.0, 1e7),
    "MIC_GAIN": (int, 0, 255),
    "HSS_NUMW": (int, 0, 2**40),
    "LASDNS00": (int, 0, 100_000),
    "LASDSF00": (float, 0.0, 1e6),
    "MIC_DOWN": (bool, 0, 0),
    "LIBS_MIC": (bool, 0, 0),
}


def _check_keywords(meta: Mapping[str, Any], name: str) -> None:
    """Refuse header keywords of the wrong type or out of range (strings, NaN, 1e300...)."""
    for key, (kind, lo, hi) in _KEYWORD_TYPES.items():
        if key not in meta:
            continue
        v = meta[key]
        if kind is bool:
            ok = isinstance(v, (bool, np.bool_))
            want = "a logical (T/F)"
        elif kind is int:
            ok = bool(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and lo <= v <= hi)
            want = f"an integer in {lo}..{hi}"
        else:
            ok = bool(
                isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
                and np.isfinite(v) and lo <= v <= hi
            )  # fmt: skip
            want = f"a number in {lo:g}..{hi:g}"
        if not ok:
            raise FileFormatError(f"{name}: header keyword {key}={v!r} must be {want}")


def read_supercam_fits(
    path: str | Path,
    *,
    label: str | Path | None = None,
    gain_factors: Mapping[int, float] = DEFAULT_GAIN_FACTORS,
    n_shots: int | None = None,
    sample_rate_hz: float | None = None,
    remove_dc: bool = True,
) -> Recording:
    """Read a SuperCam raw audio FITS product.

    Parameters
    ----------
    path : str or Path
        The ``.fits`` product.
    label : str or Path, optional
        Its PDS4 label; must describe this file (name, record count). Metadata are merged.
    gain_factors : mapping
        ``MIC_GAIN`` code -> amplitude factor the counts are divided by (default code = factor;
        the instrument's exact gains are not in the public sources).
    n_shots : int, optional
        Number of per-shot windows; default ``LASDNS00`` when ``LIBS_MIC`` is true, else 1.
    sample_rate_hz : float, optional
        Override of the rate. By default ``MIC_SAMP``; when ``MIC_DOWN`` is true and
        ``MIC_SAMP`` is 100 kHz the record is the 25 kHz decimated mode (inferred).
    remove_dc : bool
        Subtract the mean code (per window) before dividing by the gain.

    Returns
    -------
    Recording
        Mono, unit ``"count"``, ``windows`` set for LIBS products, metadata holding the header
        keywords (``MIC_*``...), ``gain``, ``dc_offset_counts`` and the label fields.

    Raises
    ------
    FileFormatError
        Missing/empty/truncated/corrupt file, no ``SOUND`` table, codes outside the 12-bit
        range, a missing ``MIC_SAMP``, or a label that does not match.
    """
    path = Path(path)
    hdul = _open_checked(path)
    try:
        names = [h.name.upper() for h in hdul]
        if "SOUND" not in names:
            raise FileFormatError(f"{path.name} has no SOUND table (extensions: {', '.join(names)})")
        hdu = hdul[len(names) - 1 - names[::-1].index("SOUND")]
        # truncation check: the data block must be entirely inside the file
        expected_end = hdu._data_offset + hdu._data_size  # astropy private but stable since 1.0
        if expected_end > os.path.getsize(path):
            raise FileFormatError(
                f"{path.name} is truncated: the SOUND table needs {expected_end} bytes, the file has "
                f"{os.path.getsize(path)}"
            )
        if hdu._data_size > MAX_SOUND_TABLE_BYTES:
            raise FileFormatError(
                f"{path.name}: the SOUND table declares {hdu._data_size:,} bytes "
                f"({hdu.header.get('NAXIS2')} rows), over the limit of {MAX_SOUND_TABLE_BYTES:,}"
            )
        try:
            if hdu.data is None or len(hdu.columns) < 1:
                raise FileFormatError(f"{path.name}: the SOUND table is empty")
            raw = np.asarray(hdu.data.field(0)).ravel()
        except (ValueError, TypeError, IndexError, OSError) as exc:
            raise FileFormatError(f"{path.name}: the SOUND table cannot be decoded: {exc}") from None
        header = hdul[0].header
        meta: dict[str, Any] = {k: header[k] for k in HEADER_KEYWORDS if k in header}
    finally:
        hdul.close()

    n = raw.size
    if n == 0:
        raise FileFormatError(f"{path.name}: the SOUND table has no samples")
    if raw.dtype.kind not in "iu":
        raise FileFormatError(f"{path.name}: SOUND codes must be integers, the column holds {raw.dtype}")
    lo, hi = int(raw.min()), int(raw.max())  # range checked on the stored type, before any narrowing cast
    if lo < 0 or hi > ADC_MAX:
        raise FileFormatError(
            f"{path.name}: SOUND codes span {lo}..{hi}, outside the 12-bit ADC range 0..{ADC_MAX} (corrupt data?)"
        )
    counts = raw.astype(np.int32)
    _check_keywords(meta, path.name)
    if "HSS_NUMW" in meta and int(meta["HSS_NUMW"]) != n:
        raise FileFormatError(f"{path.name}: header HSS_NUMW={meta['HSS_NUMW']} but the SOUND table has {n} samples")

    if sample_rate_hz is None:
        if "MIC_SAMP" not in meta:
            raise FileFormatError(f"{path.name}: primary header has no MIC_SAMP (sampling rate)")
        rate = float(meta["MIC_SAMP"])
        if bool(meta.get("MIC_DOWN", False)) and rate == 100_000.0:
            rate = 25_000.0
            meta["sample_rate_note"] = "MIC_DOWN=T: 25 kHz decimated mode (inferred)"
    else:
        rate = positive_finite(sample_rate_hz, "sample_rate_hz")
    if not (np.isfinite(rate) and rate > 0):
        raise FileFormatError(f"{path.name}: MIC_SAMP={meta.get('MIC_SAMP')!r} is not a valid sampling rate")

    gain_code = int(meta.get("MIC_GAIN", 1))
    if gain_code not in gain_factors:
        raise FileFormatError(f"{path.name}: MIC_GAIN={gain_code} is not a known gain code ({sorted(gain_factors)})")
    gain = float(gain_factors[gain_code])

    if n_shots is None:
        n_shots = int(meta.get("LASDNS00", 1)) if bool(meta.get("LIBS_MIC", False)) else 1
    n_shots = int(n_shots)
    if n_shots < 1:
        raise InvalidParameterError(f"n_shots={n_shots!r} must be >= 1")
    windows = None
    if n_shots > 1:
        if n % n_shots:
            raise FileFormatError(
                f"{path.name}: {n} samples cannot be split into {n_shots} equal shot windows; pass n_shots="
            )
        w = n // n_shots
        windows = np.stack([np.arange(n_shots) * w, np.arange(1, n_shots + 1) * w], axis=1)

    x = counts.astype(np.float64)
    dc: list[float] = []
    if remove_dc:
        for a, b in windows if windows is not None else [(0, n)]:
            m = float(x[a:b].mean())
            x[a:b] -= m
            dc.append(m)
    x /= gain
    meta.update(
        product="supercam_raw_audio",
        gain_code=gain_code,
        gain=gain,
        dc_offset_counts=dc,
        n_shots=n_shots,
        counts_min=lo,
        counts_max=hi,
    )
    if label is not None:
        from marsound.recordings.pds4 import check_label_matches, parse_label

        lab = parse_label(label)
        check_label_matches(lab, path, n, rate)
        meta.update(lab.as_metadata())
    return Recording(x.astype(np.float32), rate, unit="count", metadata=meta, source_path=path, windows=windows)


def write_supercam_fits(
    path: str | Path,
    counts: ArrayLike,
    *,
    sample_rate_hz: float = 100_000.0,
    gain_code: int = 2,
    n_shots: int = 1,
    laser_rate_hz: float = 3.0,
    downsampled: bool = False,
) -> Path:
    """Write codes as a SuperCam-layout raw FITS product (for fixtures and round trips).

    Parameters
    ----------
    counts : array_like of int
        ADC codes 0..4095 (1-D).
    sample_rate_hz : float
        Written as ``MIC_SAMP``.
    gain_code : int
        ``MIC_GAIN`` (1, 2 or 3).
    n_shots : int
        Shots packed in the record; > 1 sets ``LIBS_MIC=T`` and ``LASDNS00``.
    laser_rate_hz : float
        ``LASDSF00``.
    downsampled : bool
        ``MIC_DOWN``.
    """
    from astropy.io import fits

    from marsound._atomic import atomic_path

    c = np.asarray(counts)
    if c.ndim != 1 or c.size == 0 or c.dtype.kind not in "iu":
        raise InvalidParameterError(f"counts must be a non-empty 1-D integer array, got {c.dtype} {c.shape}")
    if int(c.min()) < 0 or int(c.max()) > ADC_MAX:
        raise InvalidParameterError(f"counts must lie in 0..{ADC_MAX}, got {int(c.min())}..{int(c.max())}")
    primary = fits.PrimaryHDU()
    h = primary.header
    h["INSTRUME"] = ("SUPERCAM", "instrument")
    h["MIC_SAMP"] = (int(sample_rate_hz), "microphone sampling rate [Hz]")
    h["MIC_DOWN"] = (bool(downsampled), "downsampled record")
    h["MIC_GAIN"] = (int(gain_code), "microphone gain code")
    h["MIC_SAMC"] = (21, "")
    h["MIC_DURA"] = (1, "")
    h["HSS_NUMW"] = (int(c.size), "number of samples")
    h["LIBS_MIC"] = (n_shots > 1, "LIBS (laser) recording")
    h["LASDNS00"] = (int(n_shots), "number of laser shots")
    h["LASDSF00"] = (float(laser_rate_hz), "laser rate [Hz]")
    h["SCMDTYPE"] = (9, "")
    hdus = [primary]
    for name in ("LABEL", "TIMELINE", "MU_SOH", "BU_SOH", "LASERDATA"):
        col = fits.Column(name="VALUE", format="J", array=np.zeros(1, dtype=np.int32))
        hdus.append(fits.BinTableHDU.from_columns([col], name=name))
    sound = fits.Column(name="SOUND", format="I", bzero=32768, array=c.astype(np.uint16))
    hdus.append(fits.BinTableHDU.from_columns([sound], name="SOUND"))
    path = Path(path)
    with atomic_path(path) as tmp:
        fits.HDUList(hdus).writeto(tmp, overwrite=True)
    return path
