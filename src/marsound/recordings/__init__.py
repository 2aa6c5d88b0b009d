"""Real rover recordings: read Mars microphone archive products and reproduce published analyses.

Readers (one :class:`Recording` type): :func:`read` / :func:`open_source` for SuperCam raw FITS
(:func:`read_supercam_fits`), calibrated WAV + PDS4 label (:func:`read_supercam_wav`) and any
soundfile-readable audio (:func:`read_audio`; :class:`AudioFileSource` streams long files).

Analyses (pure functions, streaming over long files): :func:`spectral_summary`,
:func:`spectrogram`, :func:`welch_psd`, :func:`band_levels`; :func:`track_tones`;
:func:`doppler_radial_speed`, :func:`tone_envelope_db`, :func:`amplitude_null_times`;
:func:`spark_sound_speed`; :func:`band_rms`, :func:`fit_wind_power_law`, :func:`wind_from_sound`;
:func:`detect_events`. :func:`analyze_file` runs them all (``marsound analyze``).
"""

from __future__ import annotations

from marsound.audio import write_float_wav
from marsound.recordings.analysis import analyze_file
from marsound.recordings.batch import analyze_many
from marsound.recordings.doppler import RadialSpeed, amplitude_null_times, doppler_radial_speed, tone_envelope_db
from marsound.recordings.events import Event, detect_events
from marsound.recordings.pds4 import Pds4Label, parse_label, write_label
from marsound.recordings.recording import Recording, SignalSource
from marsound.recordings.sources import (
    AudioFileSource,
    as_source,
    find_products,
    open_source,
    read,
    read_audio,
    read_supercam_wav,
)
from marsound.recordings.sparks import SparkSoundSpeed, spark_sound_speed, temperature_from_sound_speed
from marsound.recordings.spectral import (
    BandLevels,
    Psd,
    Spectrogram,
    band_levels,
    spectral_summary,
    spectrogram,
    welch_psd,
)
from marsound.recordings.supercam_fits import read_supercam_fits, write_supercam_fits
from marsound.recordings.tones import ToneTrack, track_tones
from marsound.recordings.wind import WindPowerLaw, band_rms, fit_wind_power_law, read_wind_reference, wind_from_sound

__all__ = [
    "AudioFileSource",
    "BandLevels",
    "Event",
    "Pds4Label",
    "Psd",
    "RadialSpeed",
    "Recording",
    "SignalSource",
    "SparkSoundSpeed",
    "Spectrogram",
    "ToneTrack",
    "WindPowerLaw",
    "amplitude_null_times",
    "analyze_file",
    "analyze_many",
    "as_source",
    "band_levels",
    "band_rms",
    "detect_events",
    "doppler_radial_speed",
    "find_products",
    "fit_wind_power_law",
    "open_source",
    "parse_label",
    "read",
    "read_audio",
    "read_supercam_fits",
    "read_supercam_wav",
    "read_wind_reference",
    "spark_sound_speed",
    "spectral_summary",
    "spectrogram",
    "temperature_from_sound_speed",
    "tone_envelope_db",
    "track_tones",
    "welch_psd",
    "wind_from_sound",
    "write_float_wav",
    "write_label",
    "write_supercam_fits",
]
