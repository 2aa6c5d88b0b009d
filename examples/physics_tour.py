"""A tour of the physics core: speeds, absorption and how far a sound carries on four worlds.

Run: ``python examples/physics_tour.py`` (writes physics_tour.png in the current folder).
"""

from __future__ import annotations

import warnings

import numpy as np

from marsound.errors import ModelValidityWarning
from marsound.physics import absorption_db_per_m, mars_profile, preset, sound_speed
from marsound.physics.plot import plot_propagation

warnings.simplefilter("ignore", ModelValidityWarning)  # Venus: ideal gas at 9.2 MPa (warned about)

f = np.array([100.0, 1000.0, 5000.0])
print(f"{'world':16s} {'c(100 Hz)':>10s} {'c(5 kHz)':>9s}   distance for 20 dB loss at 100 Hz / 1 kHz / 5 kHz")
for name in ("mars", "jezero", "utopia-planitia", "earth", "venus", "titan"):
    atm = preset(name)
    c = sound_speed(f, atm)
    d20 = 20.0 / absorption_db_per_m(f, atm)
    print(f"{name:16s} {c[0]:10.1f} {c[2]:9.1f}   " + " / ".join(f"{d:9.3g} m" for d in d20))

prof = mars_profile()
for z in (0.0, 10_000.0, 30_000.0):
    atm = prof.at(z)
    print(f"Mars at {z / 1000:4.0f} km: {atm.temperature_k:.1f} K, {atm.pressure_pa:.0f} Pa, "
          f"1 kHz absorption {absorption_db_per_m([1000.0], atm)[0]:.2f} dB/m")

out = plot_propagation([preset("jezero"), preset("earth"), preset("titan")], "physics_tour.png")
print(f"wrote {out}")
