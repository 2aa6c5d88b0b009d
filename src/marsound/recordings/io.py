"""One entry point for every supported product: :func:`read` and :func:`open_source`.

* ``.fits``/``.fit``/``.fts``: SuperCam raw audio (:mod:`~marsound.recordings.supercam_fits`).
* anything else: a sound file read by soundfile. When a PDS4 label is given (or sits beside
  the file with the same name and ``.xml``), it must describe the file; its sol, LMST, UTC
  start, sequence id, product version and unit go into the metadata, and a SuperCam
  calibrated product must be a float WAV.
"""

from __future__ import annotations

import glob as _glob
from pathlib import Path
from typing import Any

from marsound.errors import FileFormatError, InvalidParameterError
from marsound.recordings.audio_file import AudioFileSource
from marsound.recordings.recording import Recording

FITS_SUFFIXES = (".fits", ".fit", ".fts")
AUDIO_SUFFIXES = (".wav", ".wave", ".flac", ".ogg", ".oga", ".mp3", ".aif", ".aiff", ".au", ".caf", ".w64")
PRODUCT_SUFFIXES = FITS_SUFFIXES + AUDIO_SUFFIXES


def _label_for(path: Path, label: str | Path | None, auto_label: bool) -> Path | None:
    if label is not None:
        return Path(label)
    if auto_label:
        from marsound.recordings.pds4 import find_label

        return find_label(path)
    return None


def open_source(
    path: str | Path, *, label: str | Path | None = None, auto_label: bool = True
) -> Recording | AudioFileSource:
    """Open a product for analysis: FITS products are loaded (they are small), audio files streamed.

    Parameters
    ----------
    path : str or Path
        The data file.
    label : str or Path, optional
        Its PDS4 label; by default the sibling ``.xml`` is used when it exists.
    auto_label : bool
        Look for the sibling label when ``label`` is not given.

    Raises
    ------
    FileFormatError
        Unreadable/corrupt file, unsafe or mismatching label.
    """
    path = Path(path)
    if not path.exists():
        raise FileFormatError(f"{path} does not exist")
    if path.is_dir():
        raise FileFormatError(f"{path} is a folder, not a recording")
    lab_path = _label_for(path, label, auto_label)
    if path.suffix.lower() in FITS_SUFFIXES:
        from marsound.recordings.supercam_fits import read_supercam_fits

        return read_supercam_fits(path, label=lab_path)
    if lab_path is None:
        return AudioFileSource(path)
    return open_supercam_wav(path, label=lab_path)


def open_supercam_wav(path: str | Path, *, label: str | Path) -> AudioFileSource:
    """Open a SuperCam calibrated WAV product with its PDS4 label (streaming source).

    The label must describe this file (name, sample count, rate); the WAV must be IEEE float.
    The unit comes from the label (``"unknown"`` if it has none; never assumed, reference §1.4).
    """
    from marsound.recordings.pds4 import check_label_matches, parse_label

    path = Path(path)
    lab = parse_label(label)  # parse first: a hostile label is refused before the data is touched
    src = AudioFileSource(path)
    check_label_matches(lab, path, src.n_frames, src.sample_rate_hz)
    if src.wav_info is not None and src.wav_info["format_tag"] not in (3, 0xFFFE):
        raise FileFormatError(
            f"{path.name}: a calibrated SuperCam product must be IEEE-float WAV, "
            f"got format tag {src.wav_info['format_tag']}"
        )
    src.unit = lab.unit or "unknown"
    src.metadata.update(lab.as_metadata(), product="supercam_calibrated_audio")
    return src


def read(path: str | Path, *, label: str | Path | None = None, auto_label: bool = True) -> Recording:
    """Read any supported product into memory as a :class:`Recording`.

    Examples
    --------
    >>> from marsound.recordings import read           # doctest: +SKIP
    >>> rec = read("ascam_sol0076_..._01p02.wav")       # label found beside it
    >>> rec.metadata["sol"], rec.unit
    """
    src = open_source(path, label=label, auto_label=auto_label)
    if isinstance(src, Recording):
        return src
    rec = src.read()
    return rec


def read_supercam_wav(path: str | Path, *, label: str | Path) -> Recording:
    """Read a SuperCam calibrated WAV product with its label into memory."""
    return open_supercam_wav(path, label=label).read()


def find_products(spec: str | Path) -> list[Path]:
    """The data files named by a folder, a glob pattern or a single file (labels excluded).

    Raises
    ------
    InvalidParameterError
        If nothing matches.
    """
    p = Path(spec)
    if p.is_dir():
        files = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in PRODUCT_SUFFIXES)
    elif p.is_file():
        files = [p]
    else:
        files = sorted(
            Path(f)
            for f in _glob.glob(str(spec), recursive=True)
            if Path(f).is_file() and Path(f).suffix.lower() in PRODUCT_SUFFIXES
        )
    if not files:
        raise InvalidParameterError(
            f"no recording matches {str(spec)!r} (known suffixes: {', '.join(PRODUCT_SUFFIXES)})"
        )
    return files


def describe(source: Any) -> dict[str, Any]:
    """A JSON-friendly description of a source: path, rate, frames, duration, unit, metadata."""
    meta = {k: v for k, v in getattr(source, "metadata", {}).items() if isinstance(v, (str, int, float, bool))}
    return {
        "source_path": str(getattr(source, "source_path", "") or ""),
        "sample_rate_hz": float(source.sample_rate_hz),
        "n_frames": int(source.n_frames),
        "duration_s": float(source.n_frames / source.sample_rate_hz),
        "unit": getattr(source, "unit", "FS"),
        "n_windows": len(source.segments()),
        "metadata": meta,
    }


def is_glob(spec: str) -> bool:
    """True when ``spec`` contains glob wildcards."""
    if any(ch in str(spec) for ch in "*?["):
        return True
    return False


__all__ = [
    "AUDIO_SUFFIXES",
    "FITS_SUFFIXES",
    "PRODUCT_SUFFIXES",
    "describe",
    "find_products",
    "is_glob",
    "open_source",
    "open_supercam_wav",
    "read",
    "read_supercam_wav",
]
