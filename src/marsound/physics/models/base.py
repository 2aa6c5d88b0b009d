"""The interface every propagation model implements, and shared helpers."""

from __future__ import annotations

import warnings
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from marsound.errors import ModelValidityWarning
from marsound.physics.atmosphere import Atmosphere

FloatArray = NDArray[np.float64]
ComplexArray = NDArray[np.complex128]


@runtime_checkable
class PropagationModel(Protocol):
    """A model of sound propagation in a gas at rest.

    All methods take validated float64 frequency arrays [Hz] of any shape and return
    arrays of the same shape. Absorption is the amplitude coefficient alpha [Np/m],
    ``p(x) ~ exp(-alpha x)``. The wavenumber uses the ``exp(i(omega t - k x))``
    convention: ``k = omega / c(f) - i alpha(f)``.
    """

    name: str

    def absorption_parts(self, frequency_hz: FloatArray, atmosphere: Atmosphere) -> dict[str, FloatArray]:
        """Absorption split into named parts [Np/m] (``classical``, ``rotational``, ``vibrational:CO2``...)."""
        ...

    def absorption(self, frequency_hz: FloatArray, atmosphere: Atmosphere) -> FloatArray:
        """Total amplitude absorption coefficient [Np/m]."""
        ...

    def sound_speed(self, frequency_hz: FloatArray, atmosphere: Atmosphere) -> FloatArray:
        """Phase speed c(f) [m/s]."""
        ...

    def sound_speed_limits(self, atmosphere: Atmosphere) -> tuple[float, float]:
        """Low- and high-frequency limits (c0, c_inf) of the phase speed [m/s]."""
        ...

    def wavenumber(self, frequency_hz: FloatArray, atmosphere: Atmosphere) -> ComplexArray:
        """Complex wavenumber k(f) [rad/m], ``Re k = omega/c``, ``-Im k = alpha``."""
        ...

    def relaxation_frequencies(self, atmosphere: Atmosphere) -> dict[str, float]:
        """Relaxation frequencies of the relaxing processes [Hz], by name."""
        ...

    def validity_problems(self, atmosphere: Atmosphere, frequency_hz: FloatArray | None = None) -> list[str]:
        """Reasons why the model is outside its validated range (empty if inside)."""
        ...


def warn_if_invalid(model: PropagationModel, atmosphere: Atmosphere, frequency_hz: FloatArray | None) -> None:
    """Emit one :class:`ModelValidityWarning` listing every validity problem."""
    problems = model.validity_problems(atmosphere, frequency_hz)
    if problems:
        warnings.warn(
            f"model {model.name!r} used outside its validity range: " + "; ".join(problems),
            ModelValidityWarning,
            stacklevel=4,
        )


def classical_diffusivity_pa_s(atmosphere: Atmosphere) -> float:
    """Viscothermal coefficient ``(4/3) mu + (gamma_inf - 1) kappa / c_p`` [Pa s] (reference §1.4).

    Frozen-vibration gamma and c_p (per unit mass). ``omega^2 D / (2 rho c^3)`` is the
    classical absorption; the molecular model puts ``i omega D`` into its complex modulus.
    """
    atm = atmosphere
    cp_mass = atm.cp_frozen_j_mol_k / atm.molar_mass_kg_mol
    return 4.0 / 3.0 * atm.viscosity_pa_s + (atm.gamma_frozen - 1.0) * atm.thermal_conductivity_w_m_k / cp_mass


def classical_absorption(frequency_hz: FloatArray, atmosphere: Atmosphere) -> FloatArray:
    """Classical (viscous + thermal conduction) absorption [Np/m], reference §1.4.

    ``alpha_cl = omega^2 / (2 rho c^3) [ (4/3) mu + (gamma - 1) kappa / c_p ]`` with the
    vibration-frozen gamma, c_p (per unit mass) and sound speed, as in Bass & Chambers
    (2001): in the band where classical losses matter (kHz on Mars) vibration is frozen.
    """
    atm = atmosphere
    omega = 2.0 * np.pi * frequency_hz
    c = atm.sound_speed_high_m_s
    return omega**2 * classical_diffusivity_pa_s(atm) / (2.0 * atm.density_kg_m3 * c**3)


def rotational_absorption(frequency_hz: FloatArray, atmosphere: Atmosphere) -> FloatArray:
    """Rotational-relaxation absorption as a bulk viscosity [Np/m], reference §1.5.

    ``alpha_rot = omega^2 mu_B / (2 rho c^3)``; ``mu_B`` is
    :attr:`Atmosphere.rotational_bulk_viscosity_pa_s`.
    """
    atm = atmosphere
    omega = 2.0 * np.pi * frequency_hz
    c = atm.sound_speed_high_m_s
    return omega**2 * atm.rotational_bulk_viscosity_pa_s / (2.0 * atm.density_kg_m3 * c**3)
