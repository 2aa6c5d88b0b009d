"""Bass & Chambers (2001) closed-form absorption model for the Martian atmosphere.

Source
------
H. E. Bass and J. P. Chambers, "Absorption of sound in the Martian atmosphere",
J. Acoust. Soc. Am. 109(6), 3069-3071 (2001), as coded in the public implementation
``ZongboXu/HFGI`` ``MarsAtmosphereAttenuation_BC.m`` (with the ``g = 2`` degeneracy update):

- viscosity ``mu = 1.49e-6 sqrt(T) / (1 + 217/T)`` (CO2 Sutherland form);
- heat capacities ``C_v = 3/2 R + 0.98 R + C'``, ``C_p = C_v + R``, with the bending-mode
  capacity ``C' = X_CO2 2 R (theta/T)^2 e^(-theta/T) / (1 - e^(-theta/T))^2``, theta = 960 K;
- conductivity ``kappa = (15/4)(R/M) mu (4 C_v / (15 R) + 3/5)`` (modified Eucken);
- classical ``alpha_cl = (2 pi^2 f^2 / (gamma p c)) [(4/3) mu + (gamma - 1) kappa / c_p]``;
- rotation ``alpha_rot = (2 pi^2 f^2/(gamma0 p c)) mu gamma0 (gamma0 - 1) R/(1.25 C_p0) Z_rot``,
  ``gamma0 = 7/5``, ``C_p0 = 7R/2``, ``Z_rot = 61.1 exp(-16.8 T^-1/3)``;
- vibration: rates ``k_CO2 = 0.219 (p/mu) exp(-60.75 T^-1/3)``,
  ``k_N2 = 1.44 (p/mu) exp(-78.29 T^-1/3)`` (Ar as N2; O2, CO and other partners are
  taken as N2 here, an assumption: B&C list only CO2, N2, Ar, H2O), ``k_H2O = 0.06 p/mu``;
  ``tau_vT = 1/(k (1 - e^(-theta/T)))``, ``f_r = C_p / (2 pi C_p_inf tau_vT)``,
  ``s = C' R / (C_p_inf (C_v_inf + C'))``,
  ``alpha_vib = (pi s / c) (f^2 / f_r) / (1 + (f/f_r)^2)`` [Np/m].

The paper gives absorption only. For the phase speed this module uses the single-relaxation
dispersion that is the Kramers-Kronig partner of the same relaxation,
``c(f) = c0 + (c_inf - c0) (f/f_r)^2 / (1 + (f/f_r)^2)``, with c0, c_inf from the model's
own heat capacities (bending mode only).

Validity
--------
CO2-dominated gas (X_CO2 >= 0.9), 150-350 K, 10 Pa - 10 kPa, frequencies up to ~100 kHz
(continuum). Outside that range it warns (:class:`~marsound.errors.ModelValidityWarning`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from marsound.physics.atmosphere import Atmosphere
from marsound.physics.constants import GAS_CONSTANT as R
from marsound.physics.models.base import ComplexArray, FloatArray

THETA_BEND_K = 960.0
SUTHERLAND_BETA = 1.49e-6
SUTHERLAND_S_K = 217.0
#: B&C rate constants: partner -> (A, B) in k = A (p/mu) exp(-B T^-1/3).
RATE_CONSTANTS: dict[str, tuple[float, float]] = {
    "CO2": (0.219, 60.75),
    "N2": (1.44, 78.29),
    "Ar": (1.44, 78.29),
    "H2O": (0.06, 0.0),
}
_DEFAULT_PARTNER = "N2"


def co2_viscosity_pa_s(temperature_k: float) -> float:
    """B&C's CO2 Sutherland viscosity ``1.49e-6 sqrt(T) / (1 + 217/T)`` [Pa s]."""
    t = temperature_k
    return float(SUTHERLAND_BETA * np.sqrt(t) / (1.0 + SUTHERLAND_S_K / t))


def co2_vibrational_rate_per_s(atmosphere: Atmosphere) -> float:
    """B&C collision rate ``k = sum_j X_j A_j (p/mu) exp(-B_j T^-1/3)`` of the CO2 bending mode [1/s].

    Partners without a B&C constant are taken as N2 (see the module docstring).
    """
    t, p = atmosphere.temperature_k, atmosphere.pressure_pa
    p_over_mu = p / co2_viscosity_pa_s(t)
    k = 0.0
    for name, x in atmosphere.composition.items():
        a, b = RATE_CONSTANTS.get(name, RATE_CONSTANTS[_DEFAULT_PARTNER])
        k += x * a * p_over_mu * np.exp(-b * t ** (-1.0 / 3.0))
    return float(k)


@dataclass(frozen=True)
class _State:
    mu: float
    cv: float
    cp: float
    gamma: float
    c: float
    c_inf: float
    c_prime: float
    f_r: float
    s: float


@dataclass(frozen=True)
class BassChambersModel:
    """Bass & Chambers (2001) Mars absorption; see the module docstring for equations.

    Parameters
    ----------
    rate_scale : float
        Factor applied to the CO2 vibrational relaxation rate (1 = published rates).
        The measured Jezero transition (~240 Hz, Maurice et al. 2022) is about twice
        the B&C relaxation frequency at 230 K / 720 Pa; ``rate_scale`` lets users test that.
    """

    rate_scale: float = 1.0
    name: str = "bass-chambers"

    def _state(self, atm: Atmosphere) -> _State:
        t = atm.temperature_k
        x_co2 = atm.mole_fraction("CO2")
        mu = co2_viscosity_pa_s(t)
        e = np.exp(-THETA_BEND_K / t)
        c_prime = 2.0 * R * x_co2 * (THETA_BEND_K / t) ** 2 * e / (1.0 - e) ** 2
        cv = 1.5 * R + 0.98 * R + c_prime
        cp = cv + R
        gamma = cp / cv
        m = atm.molar_mass_kg_mol
        c = float(np.sqrt(gamma * R * t / m))
        cv_inf, cp_inf = 2.5 * R, 3.5 * R
        c_inf = float(np.sqrt(cp_inf / cv_inf * R * t / m))
        k = co2_vibrational_rate_per_s(atm) * self.rate_scale
        tau_vt = 1.0 / (k * (1.0 - e))
        tau_vs = cp_inf / cp * tau_vt
        f_r = 1.0 / (2.0 * np.pi * tau_vs)
        s = c_prime * R / (cp_inf * (cv_inf + c_prime))
        return _State(float(mu), cv, cp, gamma, c, c_inf, c_prime, float(f_r), s)

    def absorption_parts(self, frequency_hz: FloatArray, atmosphere: Atmosphere) -> dict[str, FloatArray]:
        st = self._state(atmosphere)
        f = frequency_hz
        t, p = atmosphere.temperature_k, atmosphere.pressure_pa
        m = atmosphere.molar_mass_kg_mol
        kappa = 3.75 * (R / m) * st.mu * (4.0 * st.cv / (15.0 * R) + 0.6)
        cp_mass = st.cp / m
        pref = 2.0 * np.pi**2 * f**2
        classical = pref / (st.gamma * p * st.c) * (4.0 / 3.0 * st.mu + (st.gamma - 1.0) * kappa / cp_mass)
        g0, cp0 = 1.4, 3.5 * R
        zrot = 61.1 * np.exp(-16.8 * t ** (-1.0 / 3.0))
        rotational = pref / (g0 * p * st.c) * st.mu * g0 * (g0 - 1.0) * R / (1.25 * cp0) * zrot
        vib = np.pi * st.s / st.c * (f**2 / st.f_r) / (1.0 + (f / st.f_r) ** 2)
        return {"classical": classical, "rotational": rotational, "vibrational:CO2": vib}

    def absorption(self, frequency_hz: FloatArray, atmosphere: Atmosphere) -> FloatArray:
        parts = self.absorption_parts(frequency_hz, atmosphere)
        return parts["classical"] + parts["rotational"] + parts["vibrational:CO2"]

    def sound_speed_limits(self, atmosphere: Atmosphere) -> tuple[float, float]:
        st = self._state(atmosphere)
        return st.c, st.c_inf

    def sound_speed(self, frequency_hz: FloatArray, atmosphere: Atmosphere) -> FloatArray:
        st = self._state(atmosphere)
        r2 = (frequency_hz / st.f_r) ** 2
        return st.c + (st.c_inf - st.c) * r2 / (1.0 + r2)

    def wavenumber(self, frequency_hz: FloatArray, atmosphere: Atmosphere) -> ComplexArray:
        omega = 2.0 * np.pi * frequency_hz
        return omega / self.sound_speed(frequency_hz, atmosphere) - 1j * self.absorption(frequency_hz, atmosphere)

    def relaxation_frequencies(self, atmosphere: Atmosphere) -> dict[str, float]:
        return {"CO2": self._state(atmosphere).f_r}

    def relaxation_strength(self, atmosphere: Atmosphere) -> float:
        """Relaxation strength s of the CO2 bending mode (dimensionless)."""
        return self._state(atmosphere).s

    def validity_problems(self, atmosphere: Atmosphere, frequency_hz: FloatArray | None = None) -> list[str]:
        out = []
        if atmosphere.mole_fraction("CO2") < 0.9:
            out.append(f"X_CO2={atmosphere.mole_fraction('CO2'):.3g} < 0.9 (model is for CO2-dominated gas)")
        if not 150.0 <= atmosphere.temperature_k <= 350.0:
            out.append(f"temperature_k={atmosphere.temperature_k:g} outside 150-350 K")
        if not 10.0 <= atmosphere.pressure_pa <= 1.0e4:
            out.append(f"pressure_pa={atmosphere.pressure_pa:g} outside 10 Pa - 10 kPa")
        if frequency_hz is not None and float(np.max(frequency_hz)) > 1.0e5:
            out.append(f"frequency {float(np.max(frequency_hz)):g} Hz above 100 kHz")
        return out
