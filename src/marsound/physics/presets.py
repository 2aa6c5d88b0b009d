"""Named atmospheres: Mars (mean, Jezero, Utopia Planitia), Earth, Venus, Titan.

Sources:

- Mars composition: Curiosity SAM, Franz et al. (2017), Planet. Space Sci.: CO2 95.1 %,
  N2 2.59 %, Ar 1.94 %, O2 0.161 %, CO 0.058 % (renormalised).
- ``mars``: mean surface, 636 Pa at the mean radius and ~210 K mean temperature
  (NASA Mars Fact Sheet, D. R. Williams).
- ``jezero``: 718 Pa (MEDA, sols 43-44, NASA release), 230 K (mid-morning air,
  within the sols' -83 °C to -22 °C range; the temperature implied by the measured speeds of
  Maurice et al. 2022 is 226-232 K).
- ``utopia-planitia``: Zhurong site, -4099 m; ~820 Pa (about 15 % above Jezero at equal
  season, from the 11 km scale height) and 218 K (CNSA: -60 to -50 °C daytime air).
- ``earth``: sea level, 20 °C, 101.325 kPa, dry air of the US Standard Atmosphere 1976
  (N2 78.084 %, O2 20.946 %, Ar 0.934 %, CO2 0.042 %), 70 % relative humidity by default.
- ``venus``: surface, 737 K, 9.2 MPa, CO2 96.5 % / N2 3.5 % (NASA Venus Fact Sheet);
  ideal gas is outside its validity there, and the models warn.
- ``titan``: surface, 93.7 K, 146.7 kPa, N2 95 % / CH4 5 % (Huygens HASI, Fulchignoni et al. 2005).
"""

from __future__ import annotations

from types import MappingProxyType

from marsound._validate import choose
from marsound.physics.atmosphere import Atmosphere

MARS_COMPOSITION = MappingProxyType({"CO2": 0.951, "N2": 0.0259, "Ar": 0.0194, "O2": 0.00161, "CO": 0.00058})
EARTH_DRY_AIR = MappingProxyType({"N2": 0.78084, "O2": 0.20946, "Ar": 0.00934, "CO2": 0.00042})
EARTH_DEFAULT_RELATIVE_HUMIDITY_PCT = 70.0

_PRESETS: dict[str, tuple[float, float, MappingProxyType[str, float]]] = {
    "mars": (210.0, 636.0, MARS_COMPOSITION),
    "jezero": (230.0, 718.0, MARS_COMPOSITION),
    "utopia-planitia": (218.0, 820.0, MARS_COMPOSITION),
    "earth": (293.15, 101325.0, EARTH_DRY_AIR),
    "venus": (737.0, 9.2e6, MappingProxyType({"CO2": 0.965, "N2": 0.035})),
    "titan": (93.7, 146.7e3, MappingProxyType({"N2": 0.95, "CH4": 0.05})),
}

#: Names accepted by :func:`preset`.
PRESET_NAMES: tuple[str, ...] = tuple(_PRESETS)


DEFAULT_PRESET = "mars"
"""The atmosphere the CLI starts from when none is named."""


def preset(name: str, *, relative_humidity_pct: float | None = None) -> Atmosphere:
    """Return a named atmosphere.

    Parameters
    ----------
    name : str
        One of :data:`PRESET_NAMES` (case-insensitive).
    relative_humidity_pct : float, optional
        Relative humidity [%] to set the water vapour (default: 70 % for ``earth``, dry
        otherwise).

    Raises
    ------
    UnknownNameError
        For an unknown name; the message lists the presets.
    """
    key = choose("preset", name, PRESET_NAMES)
    t, p, comp = _PRESETS[key]
    if relative_humidity_pct is None and key == "earth":
        relative_humidity_pct = EARTH_DEFAULT_RELATIVE_HUMIDITY_PCT
    if relative_humidity_pct is not None:
        return Atmosphere.from_relative_humidity(t, p, comp, relative_humidity_pct, name=key)
    return Atmosphere(t, p, comp, name=key)
