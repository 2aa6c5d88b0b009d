"""Real rover recordings: read Mars microphone archive products and reproduce published analyses.

Readers (one :class:`Recording` type): :func:`read` / :func:`open_source` for SuperCam raw FITS
(:func:`read_supercam_fits`), calibrated WAV + PDS4 label (:func:`read_supercam_wav`) and any
soundfile-readable audio (:func:`read_audio`; :class:`AudioFileSource` streams long files).

Analyses (pure functions, streaming over long files): :func:`spectral_summary`,
:func:`spectrogram`, :func:`welch_psd`, :func:`band_levels`; :func:`track_tones`;
:func:`doppler_radial_speed`, :func:`tone_envelope_db`, :func:`amplitude_null_times`;
:func:`spark_sound_speed`; :func:`band_rms`, :func:`fit_wind_power_law`, :func:`wind_from_sound`;
:func:`detect_events`. :func:`analyze_file` runs them all (``marsound analyze``).

The names are imported on first use (PEP 562), so importing one submodule (or the CLI) does not
load them all.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from marsound.recordings.wind import (
        WindPowerLaw,
        band_rms,
        fit_wind_power_law,
        read_wind_reference,
        wind_from_sound,
    )

_WHERE = {
    "AudioFileSource": "marsound.recordings.sources",
    "BandLevels": "marsound.recordings.spectral",
    "Event": "marsound.recordings.events",
    "Pds4Label": "marsound.recordings.pds4",
    "Psd": "marsound.recordings.spectral",
    "RadialSpeed": "marsound.recordings.doppler",
    "Recording": "marsound.recordings.recording",
    "SignalSource": "marsound.recordings.recording",
    "SparkSoundSpeed": "marsound.recordings.sparks",
    "Spectrogram": "marsound.recordings.spectral",
    "ToneTrack": "marsound.recordings.tones",
    "WindPowerLaw": "marsound.recordings.wind",
    "amplitude_null_times": "marsound.recordings.doppler",
    "analyze_file": "marsound.recordings.analysis",
    "analyze_many": "marsound.recordings.batch",
    "as_source": "marsound.recordings.sources",
    "band_levels": "marsound.recordings.spectral",
    "band_rms": "marsound.recordings.wind",
    "detect_events": "marsound.recordings.events",
    "doppler_radial_speed": "marsound.recordings.doppler",
    "find_products": "marsound.recordings.sources",
    "fit_wind_power_law": "marsound.recordings.wind",
    "open_source": "marsound.recordings.sources",
    "parse_label": "marsound.recordings.pds4",
    "read": "marsound.recordings.sources",
    "read_audio": "marsound.recordings.sources",
    "read_supercam_fits": "marsound.recordings.supercam_fits",
    "read_supercam_wav": "marsound.recordings.sources",
    "read_wind_reference": "marsound.recordings.wind",
    "spark_sound_speed": "marsound.recordings.sparks",
    "spectral_summary": "marsound.recordings.spectral",
    "spectrogram": "marsound.recordings.spectral",
    "temperature_from_sound_speed": "marsound.recordings.sparks",
    "tone_envelope_db": "marsound.recordings.doppler",
    "track_tones": "marsound.recordings.tones",
    "welch_psd": "marsound.recordings.spectral",
    "wind_from_sound": "marsound.recordings.wind",
    "write_float_wav": "marsound.audio",
    "write_label": "marsound.recordings.pds4",
    "write_supercam_fits": "marsound.recordings.supercam_fits",
}


def __getattr__(name: str) -> Any:
    try:
        module = _WHERE[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


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
