"""Species database: molar mass, heat capacity, vibrational modes, viscosity.

Sources
-------
- Molar masses: IUPAC 2013 standard atomic weights.
- Vibrational wavenumbers: NIST Chemistry WebBook (Shimanouchi, "Tables of Molecular
  Vibrational Frequencies Consolidated Volume I", NSRDS-NBS 39, 1972); the characteristic
  temperature is theta = h c nu / k_B. CO2 values as tabulated in Gillier et al. (2024),
  ``Mglr31/AcousticFirstPrincipleModel`` ``Data/vibration_mode_parametersSI.csv``
  (bending mode 959.7 K, g = 2).
- Translational + rotational heat capacity: equipartition (linear 5/2 R, nonlinear 3 R,
  monatomic 3/2 R), valid because rotation is fully excited above ~10 K for all species here.
- Viscosity: Sutherland's law ``mu = beta T^1.5 / (T + S)``. Constants from F. M. White,
  *Viscous Fluid Flow* (3rd ed., 2006), Table 1-2 (N2, O2, Ar, CO, H2O), the CO2 pair of
  Bass & Chambers (2001) (beta = 1.49e-6 kg m^-1 s^-1 K^-1/2, S = 217 K), and for CH4 the
  Crane (1988) Technical Paper 410 constant (mu = 1.20e-5 Pa s at 293.15 K, C = 197.8 K).
- Rotational collision numbers: CO2 from Bass & Chambers (2001), ``61.1 exp(-16.8 T^-1/3)``;
  N2 and O2 from the Parker-type fits used by Sutherland & Bass (2004, JASA 115, 1012),
  ``63.3 exp(-16.7 T^-1/3)`` and ``54.1 exp(-17.3 T^-1/3)``; CO taken equal to N2;
  nonlinear molecules (H2O, CH4) use a temperature-independent Z_rot (H2O ~ 4, CH4 ~ 15),
  order-of-magnitude values from shock-tube and ultrasonic data. The rotational term is
  a small correction to absorption (below 1 % of the total on Mars in the audio band).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from marsound._validate import choose
from marsound.physics.constants import SECOND_RADIATION_CONSTANT_K_CM


@dataclass(frozen=True)
class VibrationalMode:
    """One harmonic vibrational mode.

    Attributes
    ----------
    wavenumber_per_cm : float
        Fundamental wavenumber [cm^-1].
    degeneracy : int
        Number of degenerate modes g.
    """

    wavenumber_per_cm: float
    degeneracy: int = 1

    @property
    def theta_k(self) -> float:
        """Characteristic temperature theta = h c nu / k_B [K]."""
        return SECOND_RADIATION_CONSTANT_K_CM * self.wavenumber_per_cm


@dataclass(frozen=True)
class Species:
    """A gas species with the constants the acoustic models need.

    Attributes
    ----------
    name : str
        Chemical formula used as the key (``"CO2"``).
    molar_mass_kg_mol : float
        Molar mass [kg/mol].
    cv_trans_rot_over_r : float
        Translational + rotational molar heat capacity at constant volume, in units of R.
    modes : tuple of VibrationalMode
        Vibrational modes.
    sutherland_beta : float
        Sutherland coefficient beta [kg m^-1 s^-1 K^-1/2] in ``mu = beta T^1.5/(T+S)``.
    sutherland_s_k : float
        Sutherland temperature S [K].
    zrot_a, zrot_b : float
        Rotational collision number ``Z_rot = a exp(-b T^-1/3)``; ``b = 0`` for a constant.
        ``a = 0`` for a monatomic gas (no rotation).
    """

    name: str
    molar_mass_kg_mol: float
    cv_trans_rot_over_r: float
    modes: tuple[VibrationalMode, ...]
    sutherland_beta: float
    sutherland_s_k: float
    zrot_a: float = 0.0
    zrot_b: float = 0.0

    def viscosity_pa_s(self, temperature_k: float | np.ndarray) -> float | np.ndarray:
        """Dynamic viscosity from Sutherland's law [Pa s]."""
        t = temperature_k
        return self.sutherland_beta * t**1.5 / (t + self.sutherland_s_k)

    def vibrational_cv_over_r(self, temperature_k: float) -> float:
        """Planck-Einstein vibrational heat capacity of all modes, in units of R.

        ``C_vib/R = sum g x^2 e^x / (e^x - 1)^2`` with ``x = theta/T``.
        """
        return float(sum(mode_cv_over_r(m, temperature_k) for m in self.modes))

    def rotational_collision_number(self, temperature_k: float) -> float:
        """Rotational collision number Z_rot (0 for a monatomic gas)."""
        return float(self.zrot_a * np.exp(-self.zrot_b * temperature_k ** (-1.0 / 3.0)))


def mode_cv_over_r(mode: VibrationalMode, temperature_k: float) -> float:
    """Harmonic-oscillator heat capacity of one (possibly degenerate) mode, in units of R."""
    x = mode.theta_k / temperature_k
    if x > 700.0:  # exp overflow; the capacity is zero to double precision
        return 0.0
    ex = np.exp(-x)
    return float(mode.degeneracy * x * x * ex / (1.0 - ex) ** 2)


def _beta_from_reference(mu_ref: float, t_ref: float, s: float) -> float:
    """Sutherland beta from a reference viscosity mu_ref at t_ref: beta = mu_ref (t_ref+S)/t_ref^1.5."""
    return mu_ref * (t_ref + s) / t_ref**1.5


_V = VibrationalMode

SPECIES: MappingProxyType[str, Species] = MappingProxyType(
    {
        s.name: s
        for s in (
            Species(
                "CO2",
                44.0095e-3,
                2.5,
                (_V(667.0, 2), _V(1341.0, 1), _V(2349.0, 1)),
                1.49e-6,
                217.0,
                61.1,
                16.8,
            ),
            Species(
                "N2", 28.0134e-3, 2.5, (_V(2331.0, 1),), _beta_from_reference(1.663e-5, 273.0, 107.0), 107.0, 63.3, 16.7
            ),
            Species(
                "O2", 31.9988e-3, 2.5, (_V(1556.0, 1),), _beta_from_reference(1.919e-5, 273.0, 139.0), 139.0, 54.1, 17.3
            ),
            Species("Ar", 39.948e-3, 1.5, (), _beta_from_reference(2.125e-5, 273.0, 114.0), 114.0),
            Species(
                "CO", 28.0101e-3, 2.5, (_V(2143.0, 1),), _beta_from_reference(1.657e-5, 273.0, 136.0), 136.0, 63.3, 16.7
            ),
            Species(
                "H2O",
                18.01528e-3,
                3.0,
                (_V(1595.0, 1), _V(3657.0, 1), _V(3756.0, 1)),
                _beta_from_reference(1.12e-5, 350.0, 1064.0),
                1064.0,
                4.0,
                0.0,
            ),
            Species(
                "CH4",
                16.0425e-3,
                3.0,
                (_V(2917.0, 1), _V(1534.0, 2), _V(3019.0, 3), _V(1306.0, 3)),
                _beta_from_reference(1.20e-5, 293.15, 197.8),
                197.8,
                15.0,
                0.0,
            ),
            Species("He", 4.002602e-3, 1.5, (), _beta_from_reference(1.87e-5, 273.0, 79.4), 79.4),
            Species(
                "H2", 2.01588e-3, 2.5, (_V(4161.0, 1),), _beta_from_reference(8.411e-6, 273.0, 97.0), 97.0, 300.0, 0.0
            ),
        )
    }
)


def get_species(name: str) -> Species:
    """Look up a species by formula (case-insensitive), e.g. ``get_species("co2")``.

    Raises
    ------
    UnknownNameError
        If the species is not in the database; the message lists the known ones.
    """
    return SPECIES[choose("species", name, SPECIES)]
