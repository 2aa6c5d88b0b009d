"""The immutable :class:`Atmosphere`: temperature, pressure, composition and what follows.

Thermodynamics: ideal gas, equipartition for translation and rotation, Planck-Einstein
vibrational heat capacity. Transport: per-species Sutherland viscosity, modified Eucken conductivity
``kappa = (mu/M)(C_v + 9R/4)`` (Hirschfelder, Curtiss & Bird 1954, eq. 8.2-33) and Wilke's
(1950, J. Chem. Phys. 18, 517) mixing rule for both (Mason & Saxena 1958 for conductivity).
Water vapour saturation pressure from ISO 9613-1:1993 Annex B.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from marsound._validate import non_negative_finite, positive_finite
from marsound.errors import InvalidParameterError
from marsound.physics.constants import GAS_CONSTANT, STANDARD_PRESSURE_PA
from marsound.physics.species import Species, get_species

#: Composition sums further than this from 1 are refused; closer ones are renormalised.
COMPOSITION_TOLERANCE = 0.01

_ISO_TRIPLE_POINT_K = 273.16


def saturation_vapour_pressure_pa(temperature_k: float) -> float:
    """Saturation vapour pressure of water [Pa], ISO 9613-1:1993 eq. (B.3).

    ``p_sat/p_r = 10^C``, ``C = -6.8346 (T01/T)^1.261 + 4.6151``, T01 = 273.16 K.
    """
    t = positive_finite(temperature_k, "temperature_k")
    c = -6.8346 * (_ISO_TRIPLE_POINT_K / t) ** 1.261 + 4.6151
    return STANDARD_PRESSURE_PA * 10.0**c


def parse_composition(text: str) -> dict[str, float]:
    """Parse ``"CO2=0.953,N2=0.027,Ar=0.016"`` into a mapping (not yet validated).

    Raises
    ------
    InvalidParameterError
        If an item is not ``NAME=NUMBER``.
    """
    out: dict[str, float] = {}
    for item in filter(None, (s.strip() for s in str(text).split(","))):
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InvalidParameterError(f"composition item {item!r} is not NAME=FRACTION")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            raise InvalidParameterError(f"composition item {item!r}: {value!r} is not a number") from None
    if not out:
        raise InvalidParameterError(f"composition {text!r} is empty")
    return out


def _normalise_composition(composition: Mapping[str, float]) -> tuple[tuple[str, float], ...]:
    if not isinstance(composition, Mapping) or not composition:
        raise InvalidParameterError(f"composition must be a non-empty mapping, got {composition!r}")
    merged: dict[str, float] = {}
    for name, value in composition.items():
        sp = get_species(name)
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise InvalidParameterError(f"mole fraction of {name} = {value!r} is not a number") from None
        if not math.isfinite(x) or x < 0.0:
            raise InvalidParameterError(f"mole fraction of {name} = {value!r} must be >= 0")
        merged[sp.name] = merged.get(sp.name, 0.0) + x
    total = sum(merged.values())
    if abs(total - 1.0) > COMPOSITION_TOLERANCE:
        raise InvalidParameterError(
            f"mole fractions sum to {total:.6g}, not 1 (tolerance {COMPOSITION_TOLERANCE:g}): "
            + ", ".join(f"{k}={v:g}" for k, v in merged.items())
        )
    items = [(k, v / total) for k, v in merged.items() if v > 0.0]
    items.sort(key=lambda kv: (-kv[1], kv[0]))
    return tuple(items)


@dataclass(frozen=True)
class Atmosphere:
    """A homogeneous gas at rest: temperature, pressure and composition (ideal gas).

    Parameters
    ----------
    temperature_k : float
        Temperature [K], > 0.
    pressure_pa : float
        Pressure [Pa], > 0.
    composition : mapping of str to float
        Mole fractions by species formula (see :data:`marsound.physics.species.SPECIES`).
        They must sum to 1 within 1 %; they are renormalised to sum exactly to 1.
    name : str
        A label for reports and plots.

    Notes
    -----
    Derived properties (density, heat capacities, gamma, viscosity, conductivity,
    low/high-frequency sound speeds, impedance) are computed on first access and cached.
    Use :meth:`replace` to derive a changed atmosphere.

    Examples
    --------
    >>> atm = Atmosphere(240.0, 600.0, {"CO2": 0.953, "N2": 0.027, "Ar": 0.016, "O2": 0.004})
    >>> round(atm.sound_speed_low_m_s, 1)
    246.6
    """

    temperature_k: float
    pressure_pa: float
    composition: Mapping[str, float]
    name: str = "custom"

    def __post_init__(self) -> None:
        object.__setattr__(self, "temperature_k", positive_finite(self.temperature_k, "temperature_k"))
        object.__setattr__(self, "pressure_pa", positive_finite(self.pressure_pa, "pressure_pa"))
        items = _normalise_composition(self.composition)
        object.__setattr__(self, "composition", dict(items))

    @property
    def _items(self) -> tuple[tuple[str, float], ...]:
        """The normalised composition as ordered ``(species, mole fraction)`` pairs."""
        return tuple(self.composition.items())

    # dataclass(frozen) would hash the dict; hash on the normalised items instead.
    def __hash__(self) -> int:
        return hash((self.temperature_k, self.pressure_pa, self._items, self.name))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Atmosphere):
            return NotImplemented
        return (self.temperature_k, self.pressure_pa, self._items, self.name) == (
            other.temperature_k,
            other.pressure_pa,
            other._items,
            other.name,
        )

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_relative_humidity(
        cls,
        temperature_k: float,
        pressure_pa: float,
        dry_composition: Mapping[str, float],
        relative_humidity_pct: float,
        name: str = "custom",
    ) -> Atmosphere:
        """Build a humid atmosphere from a dry composition and relative humidity [%].

        The water vapour mole fraction is ``h = RH/100 * p_sat(T) / p`` (ISO 9613-1 eq. B.1);
        the dry species share the rest in their given proportions.
        """
        rh = non_negative_finite(relative_humidity_pct, "relative_humidity_pct")
        if rh > 100.0:
            raise InvalidParameterError(f"relative_humidity_pct={relative_humidity_pct!r} must be <= 100")
        t = positive_finite(temperature_k, "temperature_k")
        p = positive_finite(pressure_pa, "pressure_pa")
        h = rh / 100.0 * saturation_vapour_pressure_pa(t) / p
        if h >= 1.0:
            raise InvalidParameterError(
                f"relative_humidity_pct={rh:g} at {t:g} K and {p:g} Pa means water vapour above "
                "the total pressure (boiling)"
            )
        given = dict(_normalise_composition(dry_composition))  # validated, may contain H2O
        given.pop("H2O", None)
        if not given:
            raise InvalidParameterError("dry_composition has no species other than H2O")
        dry_total = sum(given.values())
        dry = {k: v / dry_total for k, v in given.items()}
        comp = {k: v * (1.0 - h) for k, v in dry.items()}
        if h > 0:
            comp["H2O"] = h
        return cls(t, p, comp, name)

    def replace(self, **changes: object) -> Atmosphere:
        """Return a copy with some fields changed (``temperature_k``, ``pressure_pa``, ...)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def with_relative_humidity(self, relative_humidity_pct: float) -> Atmosphere:
        """Return a copy with the water vapour set from a relative humidity [%]."""
        return Atmosphere.from_relative_humidity(
            self.temperature_k, self.pressure_pa, self.composition, relative_humidity_pct, self.name
        )

    # ------------------------------------------------------------------ composition
    @property
    def species(self) -> tuple[Species, ...]:
        """The species present, most abundant first."""
        return tuple(get_species(k) for k, _ in self._items)

    @property
    def mole_fractions(self) -> np.ndarray:
        """Mole fractions in the order of :attr:`species`."""
        return np.array([v for _, v in self._items])

    def mole_fraction(self, name: str) -> float:
        """Mole fraction of one species (0 if absent)."""
        return float(self.composition.get(get_species(name).name, 0.0))

    @property
    def relative_humidity_pct(self) -> float:
        """Relative humidity [%] implied by the H2O mole fraction (ISO 9613-1 Annex B)."""
        return 100.0 * self.mole_fraction("H2O") * self.pressure_pa / saturation_vapour_pressure_pa(self.temperature_k)

    # ------------------------------------------------------------------ thermodynamics
    @cached_property
    def molar_mass_kg_mol(self) -> float:
        """Mean molar mass M = sum X_i M_i [kg/mol]."""
        return float(sum(x * s.molar_mass_kg_mol for s, x in zip(self.species, self.mole_fractions)))

    @cached_property
    def density_kg_m3(self) -> float:
        """Ideal-gas density rho = p M / (R T) [kg/m^3]."""
        return self.pressure_pa * self.molar_mass_kg_mol / (GAS_CONSTANT * self.temperature_k)

    @cached_property
    def number_density_per_m3(self) -> float:
        """Molecules per cubic metre, p / (k_B T)."""
        from marsound.physics.constants import BOLTZMANN

        return self.pressure_pa / (BOLTZMANN * self.temperature_k)

    @cached_property
    def vibrational_cv_by_species(self) -> dict[str, float]:
        """Vibrational molar heat capacity of each species, weighted by its mole fraction [J/(mol K)]."""
        t = self.temperature_k
        return {
            s.name: float(x * s.vibrational_cv_over_r(t) * GAS_CONSTANT)
            for s, x in zip(self.species, self.mole_fractions)
        }

    @cached_property
    def cv_frozen_j_mol_k(self) -> float:
        """Molar C_v with vibration frozen (translation + rotation only) [J/(mol K)]."""
        return float(GAS_CONSTANT * sum(x * s.cv_trans_rot_over_r for s, x in zip(self.species, self.mole_fractions)))

    @cached_property
    def cv_relaxed_j_mol_k(self) -> float:
        """Molar C_v with all vibrational modes in equilibrium [J/(mol K)]."""
        return self.cv_frozen_j_mol_k + sum(self.vibrational_cv_by_species.values())

    @property
    def cp_relaxed_j_mol_k(self) -> float:
        """Molar C_p = C_v + R, vibration relaxed [J/(mol K)]."""
        return self.cv_relaxed_j_mol_k + GAS_CONSTANT

    @property
    def cp_frozen_j_mol_k(self) -> float:
        """Molar C_p = C_v + R, vibration frozen [J/(mol K)]."""
        return self.cv_frozen_j_mol_k + GAS_CONSTANT

    @property
    def gamma_relaxed(self) -> float:
        """Ratio of specific heats at low frequency (vibration relaxed)."""
        return self.cp_relaxed_j_mol_k / self.cv_relaxed_j_mol_k

    @property
    def gamma_frozen(self) -> float:
        """Ratio of specific heats at high frequency (vibration frozen)."""
        return self.cp_frozen_j_mol_k / self.cv_frozen_j_mol_k

    @property
    def sound_speed_low_m_s(self) -> float:
        """Relaxed (low-frequency) ideal-gas speed c0 = sqrt(gamma0 R T / M) [m/s]."""
        return math.sqrt(self.gamma_relaxed * GAS_CONSTANT * self.temperature_k / self.molar_mass_kg_mol)

    @property
    def sound_speed_high_m_s(self) -> float:
        """Frozen (high-frequency) ideal-gas speed c_inf = sqrt(gamma_inf R T / M) [m/s]."""
        return math.sqrt(self.gamma_frozen * GAS_CONSTANT * self.temperature_k / self.molar_mass_kg_mol)

    @property
    def impedance_pa_s_per_m(self) -> float:
        """Characteristic acoustic impedance rho c0 [Pa s/m]."""
        return self.density_kg_m3 * self.sound_speed_low_m_s

    # ------------------------------------------------------------------ transport
    @cached_property
    def _wilke_phi(self) -> np.ndarray:
        mu = np.array([s.viscosity_pa_s(self.temperature_k) for s in self.species])
        m = np.array([s.molar_mass_kg_mol for s in self.species])
        ratio_mu = mu[:, None] / mu[None, :]
        ratio_m = m[None, :] / m[:, None]  # M_j / M_i
        return (1.0 + np.sqrt(ratio_mu) * ratio_m**0.25) ** 2 / np.sqrt(8.0 * (1.0 + 1.0 / ratio_m))

    def _wilke_mix(self, values: np.ndarray) -> float:
        x = self.mole_fractions
        return float(np.sum(x * values / (self._wilke_phi @ x)))

    @cached_property
    def viscosity_pa_s(self) -> float:
        """Shear viscosity of the mixture (Sutherland per species, Wilke mixing) [Pa s]."""
        return self._wilke_mix(np.array([s.viscosity_pa_s(self.temperature_k) for s in self.species]))

    @cached_property
    def thermal_conductivity_w_m_k(self) -> float:
        """Thermal conductivity (modified Eucken per species, Wilke/Mason-Saxena mixing) [W/(m K)]."""
        t = self.temperature_k
        kappa = np.array(
            [
                s.viscosity_pa_s(t)
                / s.molar_mass_kg_mol
                * (GAS_CONSTANT * (s.cv_trans_rot_over_r + s.vibrational_cv_over_r(t)) + 2.25 * GAS_CONSTANT)
                for s in self.species
            ]
        )
        return self._wilke_mix(kappa)

    @cached_property
    def rotational_bulk_viscosity_pa_s(self) -> float:
        """Bulk viscosity from rotational relaxation [Pa s].

        ``mu_B = mu sum_i X_i Z_rot,i gamma_i (gamma_i - 1) R / (1.25 C_p,i)`` with the
        frozen gamma and C_p of each species; for a linear molecule the factor is 0.128 Z_rot,
        exactly the Bass & Chambers (2001) rotational term.
        """
        t = self.temperature_k
        total = 0.0
        for s, x in zip(self.species, self.mole_fractions):
            z = s.rotational_collision_number(t)
            if z <= 0.0:
                continue
            cv = s.cv_trans_rot_over_r
            g = (cv + 1.0) / cv
            total += x * z * g * (g - 1.0) / (1.25 * (cv + 1.0))
        return self.viscosity_pa_s * total

    def describe(self) -> dict[str, object]:
        """A JSON-ready summary (SI units in the key names)."""
        return {
            "name": self.name,
            "temperature_k": self.temperature_k,
            "pressure_pa": self.pressure_pa,
            "composition": dict(self.composition),
            "density_kg_m3": self.density_kg_m3,
            "molar_mass_kg_mol": self.molar_mass_kg_mol,
            "gamma_relaxed": self.gamma_relaxed,
            "gamma_frozen": self.gamma_frozen,
            "viscosity_pa_s": self.viscosity_pa_s,
            "thermal_conductivity_w_m_k": self.thermal_conductivity_w_m_k,
        }
