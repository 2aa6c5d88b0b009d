"""Open and check a sound file before anything decodes it: regular file, size, RIFF chunks, header.

:func:`probe` is the one door every sound file goes through (rendering, recordings, the web page):
it refuses what is not a regular file at once (a FIFO would block, a device never ends), walks the
RIFF chunks of a WAV (Microsoft/IBM *Multimedia Programming Interface and Data Specifications 1.0*,
1991, "Waveform Audio File Format") so that a data chunk running past the end of the file is
reported as truncated instead of being silently shortened by libsndfile, and reads the header
(rate, channels, frames). Video containers (MP4/MOV/MKV/WebM) are probed through PyAV
(:mod:`marsound.audio.video`).
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

from marsound.audio.info import VIDEO_SUFFIXES, AudioInfo, check_regular_file, check_sample_rate
from marsound.audio.video import probe_video
from marsound.errors import FileFormatError

WAV_FORMAT_PCM = 1
WAV_FORMAT_FLOAT = 3
WAV_FORMAT_EXTENSIBLE = 0xFFFE


def wav_chunks(path: str | Path) -> dict[str, Any]:
    """Walk the RIFF chunks of a WAV file and check their sizes.

    Returns
    -------
    dict
        ``format_tag``, ``channels``, ``sample_rate_hz``, ``bits``, ``block_align``, ``data_offset``,
        ``data_bytes``, ``fact_frames`` (or None), ``frames``, ``chunks`` (ids in order).

    Raises
    ------
    FileFormatError
        Not RIFF/WAVE, no ``fmt``/``data`` chunk, a chunk past the end of the file (truncated),
        or a ``fact`` frame count that disagrees with the data size.
    """
    path = Path(path)
    size = path.stat().st_size
    info: dict[str, Any] = {"chunks": [], "fact_frames": None}
    with path.open("rb") as fh:
        head = fh.read(12)
        if len(head) < 12 or head[:4] not in (b"RIFF", b"RF64") or head[8:12] != b"WAVE":
            raise FileFormatError(f"{path.name} is not a RIFF/WAVE file")
        rf64 = head[:4] == b"RF64"
        pos = 12
        while pos + 8 <= size:
            fh.seek(pos)
            cid, clen = struct.unpack("<4sI", fh.read(8))
            name = cid.decode("latin-1")
            info["chunks"].append(name)
            body = pos + 8
            if name == "data":
                info["data_offset"] = body
                if rf64 and clen == 0xFFFFFFFF:  # RF64 (EBU Tech 3306): the size lives in ds64
                    clen = info.get("ds64_data_bytes", size - body)
                info["data_bytes"] = clen
                if body + clen > size:
                    raise FileFormatError(
                        f"{path.name} is truncated: the data chunk declares {clen} bytes, only {size - body} present"
                    )
            elif body + clen > size:
                raise FileFormatError(f"{path.name} is truncated inside its {name!r} chunk")
            elif name == "ds64" and clen >= 16:
                _riff, data64 = struct.unpack("<QQ", fh.read(16))
                info["ds64_data_bytes"] = data64
            elif name == "fmt ":
                if clen < 16:
                    raise FileFormatError(f"{path.name}: fmt chunk too short ({clen} bytes)")
                tag, ch, rate, _brate, align, bits = struct.unpack("<HHIIHH", fh.read(16))
                info.update(format_tag=tag, channels=ch, sample_rate_hz=float(rate), bits=bits, block_align=align)
                info["fmt_bytes"] = clen
            elif name == "fact" and clen >= 4:
                info["fact_frames"] = struct.unpack("<I", fh.read(4))[0]
            pos = body + clen + (clen & 1)
    if "format_tag" not in info:
        raise FileFormatError(f"{path.name} has no fmt chunk")
    if "data_offset" not in info:
        raise FileFormatError(f"{path.name} has no data chunk")
    align = info["block_align"] or 1
    frames = info["data_bytes"] // align
    if info["fact_frames"] is not None and info["format_tag"] != WAV_FORMAT_PCM and info["fact_frames"] != frames:
        raise FileFormatError(
            f"{path.name}: fact chunk says {info['fact_frames']} frames but the data chunk holds {frames}"
        )
    info["frames"] = frames
    return info


def probe(path: str | Path, *, what: str = "input") -> AudioInfo:
    """Check a sound (or video) file and read its header; nothing is decoded.

    Parameters
    ----------
    path : str or Path
        Any file libsndfile reads (WAV, FLAC, AIFF, Ogg, MP3...) or a video container
        (:data:`VIDEO_SUFFIXES`) whose first audio stream is the soundtrack.
    what : str
        How error messages name the file (``"input"``, ``"audio file"``...).

    Raises
    ------
    FileFormatError
        Missing, not a regular file, empty, truncated WAV, unreadable, or no audio frames.
    InvalidParameterError
        Sample rate outside 1-768 kHz.
    """
    p = check_regular_file(path, what=what)
    if p.suffix.lower() in VIDEO_SUFFIXES:
        return probe_video(p, what=what)
    import soundfile as sf

    wav = None
    with p.open("rb") as fh:
        magic = fh.read(4)
    if p.suffix.lower() in (".wav", ".wave") or magic in (b"RIFF", b"RF64"):
        wav = wav_chunks(p)
    try:
        with sf.SoundFile(str(p)) as f:
            rate, channels, frames = float(f.samplerate), int(f.channels), int(f.frames)
            fmt, subtype = str(f.format), str(f.subtype)
    except (sf.LibsndfileError, RuntimeError, TypeError) as exc:
        raise FileFormatError(f"cannot read {what} {p} as audio (unsupported or corrupt file): {exc}") from None
    if frames <= 0:
        raise FileFormatError(f"{what} {p} holds no audio frames")
    check_sample_rate(rate, what=f"{what} {p}")
    return AudioInfo(p, rate, channels, frames, fmt, subtype, wav=wav)
