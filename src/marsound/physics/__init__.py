"""Physics core: gases, atmospheres, profiles and sound propagation models.

Quick start
-----------
>>> from marsound.physics import preset, sound_speed, absorption_db_per_m
>>> mars = preset("jezero")
>>> c = sound_speed([84.0, 2000.0], mars)          # m/s, dispersive
>>> a = absorption_db_per_m([100.0, 1000.0], mars)  # dB/m
"""

from __future__ import annotations

from marsound.physics.atmosphere import Atmosphere, parse_composition, saturation_vapour_pressure_pa
from marsound.physics.constants import NEPER_TO_DB
from marsound.physics.models import (
    DEFAULT_MODEL,
    MODEL_NAMES,
    BassChambersModel,
    Iso9613Model,
    MolecularModel,
    PropagationModel,
    get_model,
)
from marsound.physics.presets import DEFAULT_PRESET, PRESET_NAMES, preset
from marsound.physics.profiles import AltitudeProfile, earth_profile, mars_profile, profile_from_csv
from marsound.physics.propagation import (
    Propagation,
    absorption,
    absorption_db_per_m,
    absorption_parts,
    impedance,
    propagation,
    relaxation_frequencies,
    sound_speed,
    sound_speed_limits,
    wavenumber,
)
from marsound.physics.species import SPECIES, Species, get_species

__all__ = [
    "DEFAULT_MODEL",
    "DEFAULT_PRESET",
    "MODEL_NAMES",
    "NEPER_TO_DB",
    "PRESET_NAMES",
    "SPECIES",
    "AltitudeProfile",
    "Atmosphere",
    "BassChambersModel",
    "Iso9613Model",
    "MolecularModel",
    "Propagation",
    "PropagationModel",
    "Species",
    "absorption",
    "absorption_db_per_m",
    "absorption_parts",
    "earth_profile",
    "get_model",
    "get_species",
    "impedance",
    "mars_profile",
    "parse_composition",
    "preset",
    "profile_from_csv",
    "propagation",
    "relaxation_frequencies",
    "saturation_vapour_pressure_pa",
    "sound_speed",
    "sound_speed_limits",
    "wavenumber",
]
