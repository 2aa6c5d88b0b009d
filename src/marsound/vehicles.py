"""Numbers about Mars vehicles that several parts use, each named once with its source."""

from __future__ import annotations

INGENUITY_ROTOR_RPM = 2537.0
"""Ingenuity's rotor speed in flight [rpm] (Maurice et al. 2022, *Nature* 605, 653-658)."""
INGENUITY_BLADES = 2
INGENUITY_BLADE_PASSING_HZ = INGENUITY_BLADES * INGENUITY_ROTOR_RPM / 60.0
"""Ingenuity's blade-passing tone [Hz]: 2 blades x 2537 rpm / 60 = 84.6 Hz (the tone heard in the
SuperCam microphone recordings of its flights, Maurice et al. 2022)."""
