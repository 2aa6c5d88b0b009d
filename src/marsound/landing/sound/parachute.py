"""The parachute: wake noise of the canopy, modulated by canopy breathing and fabric flutter.

Level law
    Lighthill's eighth-power law for the turbulent wake (Lighthill 1952, Proc. R. Soc. A 211, 564;
    1954, A 222, 1): ``W = K rho U^3 A M^5`` with the canopy area ``A`` and ``K ~ 1e-5-1e-4``.
    Above Mach 1 the ``U^8`` growth saturates (Ffowcs Williams 1963, Phil. Trans. R. Soc. A 255, 469),
    modelled here by holding ``M^5`` at 1. Only the radiated power is modelled; its pressure at a
    microphone follows from the listener's propagation (spreading, impedance, absorption).
Spectrum
    A broadband hump peaking at the Strouhal frequency ``f_p = St U / L`` of the canopy's
    turbulent scale ``L`` (a tenth of the canopy diameter, the band height of a disk-gap-band
    canopy), rising as ``f^2`` below and falling as ``f^-2`` above: ``S(f) ∝ x^2 / (1 + x^2)^2``,
    ``x = f / f_p``. The shape is a modelling choice, not a measured Mars spectrum.
Breathing and flutter
    Supersonic disk-gap-band canopies "breathe" (area oscillation driven by the wake/bow-shock
    interaction; Placco et al., LES of the ExoMars DGB at M = 2): frequency ``St_b U / D`` with
    ``St_b ~ 0.1-0.2`` (2-4 Hz at deployment), depth reduced to a third once subsonic. Fabric flutter
    adds a faster modulation (frequency and depth are options: no Mars measurement exists).
    Both are amplitude modulations of the wake noise, normalised to keep the mean power.
Events
    Mortar fire, line stretch and the inflation peaks are transients (:mod:`.pyro`); the wake noise
    grows from line stretch to the last inflation peak and stops at backshell separation.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from marsound.landing.sound.params import Parameter

F32 = np.float32

PARAMETERS: dict[str, Parameter] = {
    "chute_lighthill_constant": Parameter(3e-5, 1e-6, 1e-3, "", "Lighthill constant K of the canopy wake"),
    "chute_wake_strouhal": Parameter(0.2, 0.05, 0.5, "", "Strouhal number of the wake-noise peak, on D/10"),
    "breathing_strouhal": Parameter(
        0.15, 0.1, 0.2, "", "canopy breathing frequency St_b U / D (estimate, 2-4 Hz at deployment)"
    ),
    "breathing_depth": Parameter(0.5, 0.0, 0.9, "", "breathing modulation depth while supersonic (a third subsonic)"),
    "flutter_frequency_hz": Parameter(12.0, 2.0, 20.0, "Hz", "fabric flutter modulation frequency"),
    "flutter_depth": Parameter(0.2, 0.0, 0.9, "", "fabric flutter modulation depth"),
}


def sound_power_w(
    density_kg_m3: NDArray[np.float64],
    speed_m_s: NDArray[np.float64],
    mach: NDArray[np.float64],
    canopy_area_m2: float,
    lighthill_constant: float,
) -> NDArray[np.float64]:
    """Radiated power [W]: ``K rho U^3 A min(M, 1)^5``."""
    return lighthill_constant * density_kg_m3 * speed_m_s**3 * canopy_area_m2 * np.minimum(mach, 1.0) ** 5


def modulation(
    time_s: NDArray[np.float64],
    breathing_phase_rad: NDArray[np.float64],
    mach: NDArray[np.float64],
    params: dict[str, float],
) -> NDArray[np.float64]:
    """Power factor of breathing x flutter at ``time_s`` (mean 1 over a cycle)."""
    mb = np.where(mach > 1.0, params["breathing_depth"], params["breathing_depth"] / 3.0)
    mf = params["flutter_depth"]
    b = (1.0 + mb * np.sin(breathing_phase_rad)) ** 2 / (1.0 + mb**2 / 2.0)
    fl = (1.0 + mf * np.sin(2.0 * np.pi * params["flutter_frequency_hz"] * time_s)) ** 2 / (1.0 + mf**2 / 2.0)
    return b * fl


def psd(
    frequency_hz: NDArray[np.floating],
    *,
    power_w: NDArray[np.float64],
    speed_m_s: NDArray[np.float64],
    canopy_diameter_m: float,
    params: dict[str, float],
) -> NDArray[np.float32]:
    """Sound-power spectral density [W/Hz], ``(n, n_freq)``: ``W (4/pi) x^2/(1+x^2)^2 / f_p``."""
    fp = np.maximum(params["chute_wake_strouhal"] * speed_m_s / (0.1 * canopy_diameter_m), 1e-3).astype(F32)
    x = np.asarray(frequency_hz, dtype=F32) / fp[:, None]
    x2 = x * x
    scale = (4.0 / np.pi * power_w / fp).astype(F32)[:, None]
    return (scale * x2 / (1.0 + x2) ** 2).astype(F32, copy=False)
