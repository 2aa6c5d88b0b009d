"""The sound-file layer: every sound file marsound reads or writes goes through here.

* :func:`probe` checks a file before anything decodes it (regular file, size, RIFF chunks,
  truncation, rate/channels/frames) and returns its :class:`AudioInfo`.
* :class:`AudioReader` reads it whole, as a slice, or block by block with one reused buffer (all
  channels or mixed down), with a non-finite policy (``"error"`` names the first bad frame).
* :class:`AudioWriter` / :func:`write_audio` write WAV/FLAC/AIFF/Ogg atomically, float or PCM with
  the clipped samples counted; :func:`write_float_wav` writes the SuperCam float-WAV layout.
* Video containers (MP4/MOV/MKV/WebM) are read through the same interface: their first audio
  stream is the soundtrack (PyAV).

No module outside this package imports :mod:`soundfile`.
"""

from __future__ import annotations

from marsound.audio.info import DEFAULT_BLOCK_FRAMES, VIDEO_SUFFIXES, AudioInfo, check_regular_file
from marsound.audio.probe import probe, wav_chunks
from marsound.audio.reader import NONFINITE_POLICIES, AudioReader, NonFinitePolicy, read_audio_array
from marsound.audio.writer import AudioWriter, WriteReport, output_format, write_audio, write_float_wav

__all__ = [
    "DEFAULT_BLOCK_FRAMES",
    "NONFINITE_POLICIES",
    "VIDEO_SUFFIXES",
    "AudioInfo",
    "AudioReader",
    "AudioWriter",
    "NonFinitePolicy",
    "WriteReport",
    "check_regular_file",
    "output_format",
    "probe",
    "read_audio_array",
    "wav_chunks",
    "write_audio",
    "write_float_wav",
]
