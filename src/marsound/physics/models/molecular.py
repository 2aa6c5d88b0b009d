"""Molecular relaxation model: complex wavenumber for any gas mixture (default model).

Sources
-------
- Complex-wavenumber relaxation form (after Dain & Lueptow 2001, JASA 109, 1955;
  Petculescu & Lueptow 2007, Icarus 186, 413):
  ``C_v(omega) = C_v_inf + sum_g C_g / (1 + i omega tau_g)``, ``gamma(omega) = 1 + R/C_v(omega)``,
  ``k(omega) = omega sqrt(rho / M(omega))`` with the complex modulus
  ``M(omega) = gamma(omega) p + i omega D``, ``D = (4/3) mu + mu_B + (gamma_inf - 1) kappa/c_p``
  (a Kelvin-Voigt term that gives the classical and rotational losses (Bass & Chambers 2001) to first
  order, ``omega^2 D / (2 rho c^3)``). Absorption and dispersion thus come from one causal
  quantity: ``alpha = -Im k``, ``c = omega / Re k``.
- Each relaxing species g carries all its vibrational modes, which relax together through
  fast intramolecular V-V exchange; its heat capacity is ``C_g = X_g C_vib,g(T)``.
- Relaxation times (isothermal V-T times):

  * CO2: Bass & Chambers (2001) rates, ``k = sum_j X_j k_j``, ``k_CO2 = 0.219 (p/mu) e^(-60.75 T^-1/3)``,
    ``k_N2 = k_Ar = 1.44 (p/mu) e^(-78.29 T^-1/3)``, ``k_H2O = 0.06 p/mu`` (other partners
    as N2), ``tau = 1/(k (1 - e^(-960/T)))`` with mu the CO2 viscosity of B&C;
  * O2 and N2: the empirical humid-air relaxation frequencies of ISO 9613-1:1993 eqs. (3)-(4)
    (from Bass, Sutherland, Zuckerwar et al.), converted to isothermal times with
    ``tau = C_p0,g / (2 pi f_r C_p_inf,g)``;
  * H2O: relaxes very fast (polar molecule, efficient V-T/V-V exchange; Millikan-White does not
    apply): an assumed order-of-magnitude ``p tau = 1e-8 atm s`` for every partner (not a
    published fit; adjust with ``rate_scale``), which puts its relaxation in the MHz range at
    1 atm so that its audio-band effect is negligible, as ISO 9613-1 (which has no H2O
    vibrational term) implies;
  * every other vibrating species (CO, CH4, H2): the Millikan & White (1963,
    J. Chem. Phys. 39, 3209) correlation ``p tau [atm s] = exp(A (T^-1/3 - 0.015 m_r^1/4) - 18.42)``,
    ``A = 1.16e-3 m_r^1/2 theta^4/3`` (m_r reduced mass in g/mol, theta of its lowest mode),
    averaged over collision partners as rates.

  Every rate can be scaled per species with ``rate_scale`` (the parameter through which the
  CO2 relaxation frequency is tuned against measurements; see reference §2, "Known model
  disagreement").

Validity
--------
Ideal gas (warns above 1 MPa, e.g. the Venus surface, where real-gas corrections of a few %
apply), 50-1000 K, continuum acoustics (warns when f exceeds 1 % of the molecular collision
rate ~ p/mu). Reproduces the reference's derived values (§1.7) and the thermodynamic limits
c0, c_inf exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from marsound.physics.atmosphere import Atmosphere
from marsound.physics.constants import GAS_CONSTANT as R
from marsound.physics.constants import STANDARD_PRESSURE_PA
from marsound.physics.models import bass_chambers as bc
from marsound.physics.models import iso9613
from marsound.physics.models.base import ComplexArray, FloatArray, classical_diffusivity_pa_s
from marsound.physics.species import get_species

#: Order-of-magnitude V-T relaxation p*tau of H2O with any partner [atm s] (see module docstring).
H2O_P_TAU_ATM_S = 1e-8
#: Species whose vibrational heat capacity below this fraction of R is ignored (frozen).
_NEGLIGIBLE_CV = 1e-9


def millikan_white_p_tau_atm_s(theta_k: float, reduced_mass_g_mol: float, temperature_k: float) -> float:
    """Millikan & White (1963) V-T relaxation p*tau [atm s]."""
    a = 1.16e-3 * np.sqrt(reduced_mass_g_mol) * theta_k ** (4.0 / 3.0)
    return float(np.exp(a * (temperature_k ** (-1.0 / 3.0) - 0.015 * reduced_mass_g_mol**0.25) - 18.42))


@dataclass(frozen=True)
class MolecularModel:
    """Complex-wavenumber multi-relaxation model for any mixture (see module docstring).

    Parameters
    ----------
    rate_scale : mapping of str to float
        Multiplies the vibrational relaxation rate (and so the relaxation frequency) of the
        named species, e.g. ``{"CO2": 2.2}``. Species not named keep scale 1.
    include_rotational : bool
        Include the rotational bulk viscosity (default True).
    """

    rate_scale: Mapping[str, float] = field(default_factory=dict)
    include_rotational: bool = True
    name: str = "molecular"

    def __post_init__(self) -> None:
        from marsound._validate import positive_finite

        scale = {get_species(k).name: positive_finite(v, f"rate_scale[{k}]") for k, v in dict(self.rate_scale).items()}
        object.__setattr__(self, "rate_scale", MappingProxyType(scale))

    def __hash__(self) -> int:
        return hash((tuple(sorted(self.rate_scale.items())), self.include_rotational, self.name))

    # ------------------------------------------------------------------ relaxation
    def relaxation_times(self, atmosphere: Atmosphere) -> dict[str, float]:
        """Isothermal vibrational relaxation time tau_g [s] of each relaxing species."""
        atm = atmosphere
        t, p = atm.temperature_k, atm.pressure_pa
        out: dict[str, float] = {}
        for name, cv in atm.vibrational_cv_by_species.items():
            if cv < _NEGLIGIBLE_CV * R:
                continue
            if name == "CO2":
                k = bc.co2_vibrational_rate_per_s(atm)
                tau = 1.0 / (k * (1.0 - np.exp(-bc.THETA_BEND_K / t)))
            elif name in ("O2", "N2"):
                h = 100.0 * atm.mole_fraction("H2O")
                if name == "O2":
                    f_r = iso9613.relaxation_frequency_oxygen(p, h)
                else:
                    f_r = iso9613.relaxation_frequency_nitrogen(t, p, h)
                cp_inf = atm.cp_relaxed_j_mol_k - cv
                tau = atm.cp_relaxed_j_mol_k / (2.0 * np.pi * f_r * cp_inf)
            elif name == "H2O":
                tau = H2O_P_TAU_ATM_S * STANDARD_PRESSURE_PA / p
            else:
                sp = get_species(name)
                theta = min(m.theta_k for m in sp.modes)
                rate = 0.0
                for partner, x in atm.composition.items():
                    mp = get_species(partner).molar_mass_kg_mol * 1e3
                    ms = sp.molar_mass_kg_mol * 1e3
                    mr = ms * mp / (ms + mp)
                    p_tau = millikan_white_p_tau_atm_s(theta, mr, t)
                    rate += x * (p / STANDARD_PRESSURE_PA) / p_tau
                tau = 1.0 / rate
            out[name] = float(tau) / self.rate_scale.get(name, 1.0)
        return out

    def relaxation_frequencies(self, atmosphere: Atmosphere) -> dict[str, float]:
        """Adiabatic relaxation frequency ``f_r = C_p0 / (2 pi tau C_p_inf)`` of each species [Hz].

        This is where the absorption per wavelength of that process peaks (to first order in
        the relaxation strength).
        """
        cp0 = atmosphere.cp_relaxed_j_mol_k
        cvs = atmosphere.vibrational_cv_by_species
        return {
            name: float(cp0 / (2.0 * np.pi * tau * (cp0 - cvs[name])))
            for name, tau in self.relaxation_times(atmosphere).items()
        }

    # ------------------------------------------------------------------ wavenumber
    def _viscothermal_d(self, atm: Atmosphere) -> float:
        d = classical_diffusivity_pa_s(atm)
        if self.include_rotational:
            d += atm.rotational_bulk_viscosity_pa_s
        return d

    def _k(self, frequency_hz: FloatArray, atm: Atmosphere, relaxing: list[str] | None, d: float) -> ComplexArray:
        """k for a C_v(omega) in which only ``relaxing`` species relax (None: all of them).

        Species that do not relax here are kept in equilibrium (relaxed).
        """
        omega = 2.0 * np.pi * frequency_hz
        taus = self.relaxation_times(atm)
        cvs = atm.vibrational_cv_by_species
        names = list(taus) if relaxing is None else relaxing
        static = atm.cv_relaxed_j_mol_k - sum(cvs[n] for n in names)
        cv: np.ndarray = np.full(np.shape(omega), static, dtype=np.complex128)
        for n in names:
            cv += cvs[n] / (1.0 + 1j * omega * taus[n])
        modulus = np.asarray((1.0 + R / cv) * atm.pressure_pa, dtype=np.complex128)
        if d:
            modulus += 1j * omega * d
        return np.asarray(omega * np.sqrt(atm.density_kg_m3 / modulus), dtype=np.complex128)

    def wavenumber(self, frequency_hz: FloatArray, atmosphere: Atmosphere) -> ComplexArray:
        return self._k(frequency_hz, atmosphere, None, self._viscothermal_d(atmosphere))

    def absorption(self, frequency_hz: FloatArray, atmosphere: Atmosphere) -> FloatArray:
        return -self.wavenumber(frequency_hz, atmosphere).imag

    def sound_speed(self, frequency_hz: FloatArray, atmosphere: Atmosphere) -> FloatArray:
        omega = 2.0 * np.pi * frequency_hz
        return omega / self.wavenumber(frequency_hz, atmosphere).real

    def sound_speed_limits(self, atmosphere: Atmosphere) -> tuple[float, float]:
        return atmosphere.sound_speed_low_m_s, atmosphere.sound_speed_high_m_s

    def absorption_parts(self, frequency_hz: FloatArray, atmosphere: Atmosphere) -> dict[str, FloatArray]:
        """Parts of the absorption [Np/m], each computed in isolation.

        ``classical`` (viscosity + conduction), ``rotational`` (bulk viscosity) and
        ``vibrational:<species>`` (that species relaxing, all others in equilibrium).
        Their sum equals :meth:`absorption` to first order in the relaxation strengths
        (within ~1 % on Mars).
        """
        from marsound.physics.models.base import classical_absorption, rotational_absorption

        parts = {"classical": classical_absorption(frequency_hz, atmosphere)}
        if self.include_rotational:
            parts["rotational"] = rotational_absorption(frequency_hz, atmosphere)
        for name in self.relaxation_times(atmosphere):
            parts[f"vibrational:{name}"] = -self._k(frequency_hz, atmosphere, [name], 0.0).imag
        return parts

    def validity_problems(self, atmosphere: Atmosphere, frequency_hz: FloatArray | None = None) -> list[str]:
        out = []
        if atmosphere.pressure_pa > 1.0e6:
            out.append(
                f"pressure_pa={atmosphere.pressure_pa:g} above 1 MPa: the ideal-gas equation of state "
                "is used, real-gas errors of several % in c and rho are expected"
            )
        if not 50.0 <= atmosphere.temperature_k <= 1000.0:
            out.append(f"temperature_k={atmosphere.temperature_k:g} outside 50-1000 K")
        if frequency_hz is not None:
            collision_rate = atmosphere.pressure_pa / atmosphere.viscosity_pa_s
            fmax = float(np.max(frequency_hz))
            if fmax > 0.01 * collision_rate:
                out.append(
                    f"frequency {fmax:g} Hz above 1 % of the collision rate ({collision_rate:.3g} /s): "
                    "continuum acoustics breaks down"
                )
        return out
