"""ISO 9613-1:1993 atmospheric absorption of sound in humid air (Earth).

Source
------
ISO 9613-1:1993, *Acoustics - Attenuation of sound during propagation outdoors - Part 1:
Calculation of the absorption of sound by the atmosphere*, eqs. (3)-(5) and Annex B:

``alpha[dB/m] = 8.686 f^2 { 1.84e-11 (p_a/p_r)^-1 (T/T0)^1/2
+ (T/T0)^-5/2 [0.01275 e^(-2239.1/T) / (f_rO + f^2/f_rO) + 0.1068 e^(-3352/T) / (f_rN + f^2/f_rN)] }``

``f_rO = (p_a/p_r)(24 + 4.04e4 h (0.02 + h)/(0.391 + h))``,
``f_rN = (p_a/p_r)(T/T0)^-1/2 (9 + 280 h exp{-4.170[(T/T0)^-1/3 - 1]})``,
h = molar concentration of water vapour [%] = 100 X_H2O (taken from the atmosphere's
composition), T0 = 293.15 K, p_r = 101.325 kPa. The sound speed is the standard's
``c = 343.2 sqrt(T/T0)`` (non-dispersive in this model).

Validity
--------
Air (N2/O2 with up to a few % Ar, CO2, H2O), -20 to +50 °C, up to 200 kPa, h from 0.05 % to 5 %
for the ±10 % accuracy of ISO 9613-1 §7, 50 Hz - 10 kHz. Outside, it warns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from marsound.physics.atmosphere import Atmosphere
from marsound.physics.constants import NEPER_TO_DB
from marsound.physics.models.base import ComplexArray, FloatArray

REFERENCE_TEMPERATURE_K = 293.15
REFERENCE_PRESSURE_PA = 101325.0
REFERENCE_SOUND_SPEED_M_S = 343.2


def relaxation_frequency_oxygen(pressure_pa: float, h_pct: float) -> float:
    """ISO 9613-1 eq. (3): oxygen relaxation frequency f_rO [Hz]; h in % (molar)."""
    return pressure_pa / REFERENCE_PRESSURE_PA * (24.0 + 4.04e4 * h_pct * (0.02 + h_pct) / (0.391 + h_pct))


def relaxation_frequency_nitrogen(temperature_k: float, pressure_pa: float, h_pct: float) -> float:
    """ISO 9613-1 eq. (4): nitrogen relaxation frequency f_rN [Hz]; h in % (molar)."""
    tr = temperature_k / REFERENCE_TEMPERATURE_K
    return (
        (pressure_pa / REFERENCE_PRESSURE_PA)
        * tr**-0.5
        * (9.0 + 280.0 * h_pct * np.exp(-4.170 * (tr ** (-1.0 / 3.0) - 1.0)))
    )


def attenuation_db_per_m(
    frequency_hz: FloatArray, temperature_k: float, pressure_pa: float, h_pct: float
) -> dict[str, FloatArray]:
    """ISO 9613-1 eq. (5) split into its three terms [dB/m].

    Keys: ``classical`` (classical + rotational, the standard's first term),
    ``vibrational:O2``, ``vibrational:N2``.
    """
    f2 = frequency_hz * frequency_hz
    tr = temperature_k / REFERENCE_TEMPERATURE_K
    pr = pressure_pa / REFERENCE_PRESSURE_PA
    fro = relaxation_frequency_oxygen(pressure_pa, h_pct)
    frn = relaxation_frequency_nitrogen(temperature_k, pressure_pa, h_pct)
    k = NEPER_TO_DB  # the standard's 8.686
    a_o = 0.01275 * np.exp(-2239.1 / temperature_k) * tr**-2.5
    a_n = 0.1068 * np.exp(-3352.0 / temperature_k) * tr**-2.5
    return {
        "classical": k * f2 * (1.84e-11 / pr * tr**0.5),
        "vibrational:O2": k * f2 * a_o / (fro + f2 / fro),
        "vibrational:N2": k * f2 * a_n / (frn + f2 / frn),
    }


@dataclass(frozen=True)
class Iso9613Model:
    """ISO 9613-1:1993 humid-air absorption; see the module docstring."""

    name: str = "iso9613"

    @staticmethod
    def _h(atm: Atmosphere) -> float:
        return 100.0 * atm.mole_fraction("H2O")

    def absorption_parts(self, frequency_hz: FloatArray, atmosphere: Atmosphere) -> dict[str, FloatArray]:
        parts = attenuation_db_per_m(
            frequency_hz, atmosphere.temperature_k, atmosphere.pressure_pa, self._h(atmosphere)
        )
        return {k: v / NEPER_TO_DB for k, v in parts.items()}

    def absorption(self, frequency_hz: FloatArray, atmosphere: Atmosphere) -> FloatArray:
        # eq. (5) rearranged as f^2 [a + b f_rO/(f_rO^2 + f^2) + c f_rN/(f_rN^2 + f^2)] in Np/m:
        # one pass over the array per term, no dB round trip (the parts dict is for reporting)
        t, p = atmosphere.temperature_k, atmosphere.pressure_pa
        h = self._h(atmosphere)
        tr = t / REFERENCE_TEMPERATURE_K
        fro = relaxation_frequency_oxygen(p, h)
        frn = relaxation_frequency_nitrogen(t, p, h)
        a = 1.84e-11 * REFERENCE_PRESSURE_PA / p * tr**0.5
        b = 0.01275 * np.exp(-2239.1 / t) * tr**-2.5 * fro
        c = 0.1068 * np.exp(-3352.0 / t) * tr**-2.5 * frn
        f2 = np.square(frequency_hz)
        out = b / (f2 + fro * fro)
        out += c / (f2 + frn * frn)
        out += a
        out *= f2
        return out

    def sound_speed_limits(self, atmosphere: Atmosphere) -> tuple[float, float]:
        c = REFERENCE_SOUND_SPEED_M_S * float(np.sqrt(atmosphere.temperature_k / REFERENCE_TEMPERATURE_K))
        return c, c

    def sound_speed(self, frequency_hz: FloatArray, atmosphere: Atmosphere) -> FloatArray:
        return np.full(np.shape(frequency_hz), self.sound_speed_limits(atmosphere)[0])

    def wavenumber(self, frequency_hz: FloatArray, atmosphere: Atmosphere) -> ComplexArray:
        c = self.sound_speed_limits(atmosphere)[0]
        return 2.0 * np.pi * frequency_hz / c - 1j * self.absorption(frequency_hz, atmosphere)

    def relaxation_frequencies(self, atmosphere: Atmosphere) -> dict[str, float]:
        h = self._h(atmosphere)
        return {
            "O2": float(relaxation_frequency_oxygen(atmosphere.pressure_pa, h)),
            "N2": float(relaxation_frequency_nitrogen(atmosphere.temperature_k, atmosphere.pressure_pa, h)),
        }

    def validity_problems(self, atmosphere: Atmosphere, frequency_hz: FloatArray | None = None) -> list[str]:
        out = []
        x_air = sum(atmosphere.mole_fraction(s) for s in ("N2", "O2", "Ar", "CO2", "H2O"))
        if x_air < 0.99 or not 0.70 <= atmosphere.mole_fraction("N2") / max(x_air, 1e-12) <= 0.85:
            out.append("composition is not air (the standard is for N2/O2 air)")
        t_c = atmosphere.temperature_k - 273.15
        if not -20.0 <= t_c <= 50.0:
            out.append(f"temperature {t_c:.1f} °C outside -20..50 °C")
        if atmosphere.pressure_pa > 2.0e5:
            out.append(f"pressure_pa={atmosphere.pressure_pa:g} above 200 kPa")
        h = self._h(atmosphere)
        if not 0.05 <= h <= 5.0:
            out.append(f"water vapour h={h:.3g} % outside 0.05-5 % (accuracy worse than ±10 %)")
        if frequency_hz is not None:
            fmin, fmax = float(np.min(frequency_hz)), float(np.max(frequency_hz))
            if fmin < 50.0 or fmax > 1.0e4:
                out.append(f"frequencies {fmin:g}-{fmax:g} Hz outside 50 Hz-10 kHz")
        return out
