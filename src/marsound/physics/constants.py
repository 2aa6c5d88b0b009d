"""Physical constants (CODATA 2018 exact values where defined) in SI units."""

from __future__ import annotations

#: Molar gas constant R [J mol^-1 K^-1] (CODATA 2018, exact).
GAS_CONSTANT = 8.314462618
#: Boltzmann constant k_B [J K^-1] (exact).
BOLTZMANN = 1.380649e-23
#: Avogadro constant N_A [mol^-1] (exact).
AVOGADRO = 6.02214076e23
#: Second radiation constant h c / k_B [K cm]: theta = C2 * wavenumber[cm^-1].
SECOND_RADIATION_CONSTANT_K_CM = 1.438776877
#: Nepers to decibels: 20 log10(e).
NEPER_TO_DB = 8.685889638065035
#: Standard atmosphere [Pa].
STANDARD_PRESSURE_PA = 101325.0
