"""Where recordings are opened: :func:`read`, :func:`open_source`, :func:`as_source` and the readers.

* ``.fits``/``.fit``/``.fts``: SuperCam raw audio (:mod:`~marsound.recordings.supercam_fits`).
* anything else: a sound file (or a video's soundtrack) read through :mod:`marsound.audio` and
  streamed by :class:`AudioFileSource`. When a PDS4 label is given (or sits beside the file with
  the same name and ``.xml``), it must describe the file; its sol, LMST, UTC start, sequence id,
  product version and unit go into the metadata, and a SuperCam calibrated product must be a
  float WAV.

The data model (:mod:`~marsound.recordings.recording`) imports nothing from here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from marsound._validate import non_negative_finite, positive_finite
from marsound.audio import DEFAULT_BLOCK_FRAMES, VIDEO_SUFFIXES, AudioReader, NonFinitePolicy, check_regular_file
from marsound.errors import FileFormatError, InvalidParameterError
from marsound.recordings.recording import Recording, SignalSource, default_channels


class AudioFileSource:
    """A sound file opened for streaming analysis (implements :class:`SignalSource`).

    The file is checked once, on opening (:func:`marsound.audio.probe`: regular file, RIFF
    chunks, truncation, header); every pass over it then streams blocks through the same
    :class:`~marsound.audio.AudioReader`.

    Parameters
    ----------
    path : str or Path
        Any file libsndfile reads (WAV, FLAC, OGG, MP3, AIFF...) or a video container whose
        soundtrack is read (MP4, MOV, MKV, WebM).
    unit : str
        Physical unit of the samples (``"FS"`` full scale by default; ``"Pa"`` for
        calibrated products, taken from their label by :func:`open_source`).
    metadata : mapping, optional
        Product metadata (label fields...).
    nonfinite : {"error", "allow"}
        What NaN/inf samples do when read.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        unit: str = "FS",
        metadata: Mapping[str, Any] | None = None,
        nonfinite: NonFinitePolicy = "error",
    ) -> None:
        self.reader = AudioReader(path, nonfinite=nonfinite, what="audio file")
        info = self.reader.info
        self.path = info.path
        self.wav_info: dict[str, Any] | None = info.wav
        self._rate = info.sample_rate_hz
        self._frames = info.frames
        self.n_channels = info.channels
        self.channels = default_channels(self.n_channels)
        self.unit = unit
        self.format = f"{info.format}/{info.subtype}"
        self.metadata: dict[str, Any] = {"format": self.format, **dict(metadata or {})}
        if info.is_video:
            from marsound.audio.video import container_metadata

            self.metadata.update({k: v for k, v in container_metadata(info.path).items() if v is not None})

    @property
    def sample_rate_hz(self) -> float:
        return self._rate

    @property
    def n_frames(self) -> int:
        return self._frames

    @property
    def duration_s(self) -> float:
        return self._frames / self._rate

    @property
    def source_path(self) -> Path:
        return self.path

    def segments(self) -> list[tuple[int, int]]:
        return [(0, self._frames)]

    def iter_mono(
        self, start: int = 0, stop: int | None = None, block_frames: int = DEFAULT_BLOCK_FRAMES
    ) -> Iterator[NDArray[np.float32]]:
        """Float32 mono blocks (channel mean) of ``[start, stop)``; each block is the caller's to keep."""
        yield from self.reader.blocks(start, stop, block_frames=max(1, int(block_frames)), mono=True, copy=True)

    def read(self, start_s: float = 0.0, stop_s: float | None = None) -> Recording:
        """Load ``[start_s, stop_s)`` (all channels) into a :class:`Recording`."""
        a = round(non_negative_finite(start_s, "start_s") * self._rate)
        b = self._frames if stop_s is None else min(self._frames, round(positive_finite(stop_s, "stop_s") * self._rate))
        if a >= b:
            raise InvalidParameterError(
                f"time slice [{start_s}, {stop_s}] s is empty for {self.path.name} ({self.duration_s:.6g} s)"
            )
        data = self.reader.read(a, b)
        meta = dict(self.metadata)
        if a:
            meta["start_offset_s"] = a / self._rate
        return Recording(data, self._rate, channels=self.channels, unit=self.unit, metadata=meta, source_path=self.path)

    def __repr__(self) -> str:
        return f"AudioFileSource({str(self.path)!r}, {self._rate:g} Hz, {self._frames} frames, {self.n_channels} ch)"


def read_audio(path: str | Path, start_s: float = 0.0, stop_s: float | None = None) -> Recording:
    """Read any sound file (or a slice of it, or a video's soundtrack) into a :class:`Recording`."""
    return AudioFileSource(path).read(start_s, stop_s)


def as_source(obj: Any, sample_rate_hz: float | None = None) -> SignalSource:
    """Turn a :class:`Recording`, a streaming source, a path or an array into a :class:`SignalSource`.

    Paths are opened with :func:`open_source` (streamed when the format allows it); arrays need
    ``sample_rate_hz``.
    """
    if isinstance(obj, SignalSource) and not isinstance(obj, np.ndarray):
        return obj
    if isinstance(obj, (str, Path)):
        return open_source(obj)
    if sample_rate_hz is None:
        raise InvalidParameterError("sample_rate_hz is required when the signal is a plain array")
    return Recording(obj, sample_rate_hz)


FITS_SUFFIXES = (".fits", ".fit", ".fts")
AUDIO_SUFFIXES = (".wav", ".wave", ".flac", ".ogg", ".oga", ".mp3", ".aif", ".aiff", ".au", ".caf", ".w64")
PRODUCT_SUFFIXES = FITS_SUFFIXES + AUDIO_SUFFIXES + VIDEO_SUFFIXES


def _label_for(path: Path, label: str | Path | None, auto_label: bool) -> Path | None:
    if label is not None:
        return Path(label)
    if auto_label:
        from marsound.recordings.pds4 import find_label

        return find_label(path)
    return None


def open_source(
    path: str | Path,
    *,
    label: str | Path | None = None,
    auto_label: bool = True,
    nonfinite: NonFinitePolicy = "error",
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
    nonfinite : {"error", "allow"}
        What NaN/inf samples of a sound file do (see :class:`~marsound.audio.AudioReader`).

    Raises
    ------
    FileFormatError
        Unreadable/corrupt file, unsafe or mismatching label.
    """
    path = check_regular_file(path, what="recording")
    lab_path = _label_for(path, label, auto_label)
    if path.suffix.lower() in FITS_SUFFIXES:
        from marsound.recordings.supercam_fits import read_supercam_fits

        return read_supercam_fits(path, label=lab_path)
    lab = None
    if lab_path is not None:
        from marsound.recordings.pds4 import parse_label

        lab = parse_label(lab_path)  # parse first: a hostile label is refused before the data is touched
    if nonfinite == "error":
        gapped = open_gapped(path, label=lab)
        if gapped is not None:
            return gapped
    if lab_path is None:
        return AudioFileSource(path, nonfinite=nonfinite)
    return open_supercam_wav(path, label=lab_path, nonfinite=nonfinite)


def open_gapped(path: str | Path, *, label: Any = None) -> Recording | None:
    """A NaN-gapped float product as a :class:`Recording` with one window per finite run, else ``None``.

    Real SuperCam LIBS WAVs put each shot window at its true time and fill the gaps with NaN
    (:mod:`~marsound.recordings.gaps`). A float sound file is scanned once, block by block; if it
    holds NaN, its finite runs are packed into a Recording whose ``windows`` are the runs and
    whose ``metadata["window_start_s"]`` keeps each window's true start in the file. The unit is
    the label's; without a label, integer-valued data in the 12-bit range is called ``"count"``
    (``metadata["unit_inferred"]`` says so), else ``"FS"``; counts get each window's ADC offset
    removed (kept in ``metadata["dc_offset_counts"]``, as for raw FITS products). A repaired outlier first sample is
    listed in ``metadata["repaired_first_sample_windows"]``. Returns ``None`` for a file without NaN
    (streamed as usual), an integer-PCM file or a video soundtrack.

    Raises
    ------
    FileFormatError
        All or nearly all NaN, or an infinite sample.
    """
    from marsound.recordings.gaps import gap_windows, infer_unit, load_gapped, scan_finite_runs

    reader = AudioReader(path, nonfinite="allow", what="recording")
    info = reader.info
    if info.is_video or info.subtype.upper() not in ("FLOAT", "DOUBLE"):
        return None
    name = info.path.name
    runs, n = scan_finite_runs(reader.blocks(mono=True), name=name)
    if len(runs) == 1 and runs[0, 0] == 0 and runs[0, 1] == n:
        return None
    layout = gap_windows(runs, n, name=name)
    samples, repaired = load_gapped(reader.blocks(mono=True), layout)
    fs = info.sample_rate_hz
    meta: dict[str, Any] = {"format": f"{info.format}/{info.subtype}", "product": "nan_gapped_windows"}
    unit = None
    if label is not None:
        from marsound.recordings.pds4 import check_label_matches

        check_label_matches(label, info.path, n, fs)
        meta.update(label.as_metadata())
        unit = label.unit
    if unit is None:
        unit = infer_unit(samples)
        if unit is not None:
            meta["unit_inferred"] = "integer-valued samples within 0-4095: 12-bit ADC counts (no label unit)"
    if unit == "count":  # as the FITS reader does: each window's ADC offset (~1,880) removed and kept
        dc = [float(samples[a:b].mean(dtype=np.float64)) for a, b in layout.windows]
        for (a, b), d in zip(layout.windows, dc):
            samples[a:b] -= np.float32(d)
        meta["dc_offset_counts"] = dc
    meta.update(
        window_start_s=[float(a) / fs for a in layout.runs[:, 0]],
        n_frames_file=int(n),
        duration_file_s=n / fs,
        nan_fraction=round(1.0 - layout.n_finite / n, 6),
        repaired_first_sample_windows=repaired,
        dropped_short_runs=layout.n_dropped_runs,
    )
    return Recording(samples, fs, unit=unit or "FS", metadata=meta, source_path=info.path, windows=layout.windows)


def open_supercam_wav(
    path: str | Path, *, label: str | Path, nonfinite: NonFinitePolicy = "error"
) -> AudioFileSource:
    """Open a SuperCam calibrated WAV product with its PDS4 label (streaming source).

    The label must describe this file (name, sample count, rate); the WAV must be IEEE float.
    The unit comes from the label (``"unknown"`` if it has none; never assumed).
    """
    from marsound.recordings.pds4 import check_label_matches, parse_label

    path = Path(path)
    lab = parse_label(label)  # parse first: a hostile label is refused before the data is touched
    src = AudioFileSource(path, nonfinite=nonfinite)
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
    >>> rec = read("ascam_sol0076_..._01p02.wav")       # doctest: +SKIP
    >>> rec.metadata["sol"], rec.unit                   # doctest: +SKIP
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
    from marsound._files import find_files

    files = find_files(spec, PRODUCT_SUFFIXES)  # symbolic links to folders are not followed (no loops)
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
    "AudioFileSource",
    "as_source",
    "describe",
    "find_products",
    "is_glob",
    "open_source",
    "open_supercam_wav",
    "read",
    "read_audio",
    "read_supercam_wav",
]
