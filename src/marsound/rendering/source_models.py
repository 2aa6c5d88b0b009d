"""Source models: how the level of a source changes when it is moved to another atmosphere.

A recording made in one atmosphere (usually Earth) is re-rendered in another. What stays
the same about the *source* decides the level change:

``equal-power``
    The source radiates the same acoustic power W. At distance r, ``p_rms^2 = W rho c / (4 pi r^2)``,
    so the pressure changes by ``10 log10(Z_target / Z_source)`` dB with ``Z = rho c0``
    (about -20 dB Earth to Mars; Maurice et al. 2022, Nature 605, 653).
``equal-velocity``
    The source moves the same volume velocity Q (a piston, a loudspeaker cone):
    ``p = omega rho Q / (4 pi r)``, a change of ``20 log10(rho_target / rho_source)`` dB
    (about -38 dB Earth to Mars).
``none``
    No change (0 dB): only spreading, absorption and dispersion are applied.
"""

from __future__ import annotations

import math

from marsound._validate import choose
from marsound.physics import Atmosphere

SOURCE_MODELS = ("equal-power", "equal-velocity", "none")
DEFAULT_SOURCE_MODEL = "equal-power"


def source_gain_db(source_model: str, source_atmosphere: Atmosphere, target_atmosphere: Atmosphere) -> float:
    """Level change [dB] of the same source moved from ``source_atmosphere`` to ``target_atmosphere``.

    Parameters
    ----------
    source_model : {"equal-power", "equal-velocity", "none"}
        What the source keeps constant (see the module docstring).
    source_atmosphere, target_atmosphere : Atmosphere
        Where the recording was made, and where it is rendered.

    Returns
    -------
    float
        Gain in dB (negative: quieter in the target atmosphere).

    Examples
    --------
    >>> from marsound.physics import preset
    >>> round(source_gain_db("equal-power", preset("earth"), preset("jezero")), 1)
    -20.2
    """
    kind = choose("source model", source_model, SOURCE_MODELS)
    if kind == "equal-power":
        return 10.0 * math.log10(target_atmosphere.impedance_pa_s_per_m / source_atmosphere.impedance_pa_s_per_m)
    if kind == "equal-velocity":
        return 20.0 * math.log10(target_atmosphere.density_kg_m3 / source_atmosphere.density_kg_m3)
    return 0.0
