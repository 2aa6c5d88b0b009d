"""Impulsive events: pyrotechnic separations, the mortar, parachute jolts and touchdown.

No acoustic measurement of these events exists for a Mars landing (Perseverance's EDL microphone
recorded nothing usable, NASA release 2021-02-22). Each is modelled as a radiated acoustic
*energy* ``E`` [J] with a waveform of unit energy, so the pressure at a listener follows from
``integral p^2 dt = E Z / (4 pi r^2)`` (spherical spreading, impedance ``Z = rho c`` of the
listener's air) like every radiated source, and Mars and Earth differ by the impedance ratio.

Waveforms
    * pyros (mortar, heat-shield separation nuts, backshell separation, bridle cutter): a
      Friedlander pulse ``(1 - t/T) exp(-t/T)`` of positive-phase duration ``T`` (a few ms, the
      shape of a small blast wave; Friedlander 1946, Proc. R. Soc. A 186, 322);
    * jolts (line stretch, inflation peaks) and touchdown: a damped low-frequency thump
      ``(t/T) exp(1 - t/T) sin(2 pi f0 t)`` (structural ring-down, f0 25-60 Hz), touchdown
      plus a short crunch.

Energies are options with wide ranges; touchdown takes a fraction of the lander's kinetic
energy ``m v^2 / 2`` at contact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from marsound.landing.sound.params import Parameter

PARAMETERS: dict[str, Parameter] = {
    "mortar_energy_j": Parameter(100.0, 10.0, 1000.0, "J", "acoustic energy of the parachute mortar firing"),
    "pyro_energy_j": Parameter(
        50.0, 1.0, 500.0, "J", "acoustic energy of one separation pyro event (~1 % of a few kJ of charge)"
    ),
    "pyro_duration_s": Parameter(0.002, 0.0005, 0.005, "s", "positive-phase duration of a pyro pulse"),
    "jolt_energy_j": Parameter(20.0, 1.0, 200.0, "J", "acoustic energy of line stretch / an inflation peak"),
    "touchdown_efficiency": Parameter(
        0.01, 0.001, 0.1, "", "fraction of the kinetic energy at contact radiated as sound"
    ),
}

#: kind of each impulsive event: "pyro" (Friedlander pulse) or "jolt" (low thump); touchdown apart.
EVENT_KINDS: dict[str, str] = {
    "parachute_deploy": "mortar",
    "line_stretch": "jolt",
    "inflation_peak_1": "jolt",
    "inflation_peak_2": "jolt",
    "heat_shield_separation": "pyro",
    "backshell_separation": "pyro",
    "bridle_cut": "pyro",
    "touchdown": "touchdown",
}

_JOLT_HZ = {"line_stretch": 40.0, "inflation_peak_1": 25.0, "inflation_peak_2": 25.0}


@dataclass(frozen=True)
class Impulse:
    """One impulsive source: emission time, radiated energy and unit-energy waveform."""

    name: str
    time_s: float
    energy_j: float
    kind: str

    def waveform(self, sample_rate_hz: float, params: dict[str, float], seed: int = 0) -> NDArray[np.float64]:
        """Waveform with ``sum(w^2) / fs = 1`` (unit energy, Pa^2 s per J Z/(4 pi r^2))."""
        fs = sample_rate_hz
        if self.kind in ("pyro", "mortar"):
            dur = params["pyro_duration_s"] * (3.0 if self.kind == "mortar" else 1.0)
            w = _friedlander(dur, fs)
        elif self.kind == "jolt":
            w = _thump(_JOLT_HZ.get(self.name, 30.0), 0.02, fs)
        else:  # touchdown: thump + crunch
            rng = np.random.default_rng(seed)
            t = _thump(30.0, 0.03, fs)
            crunch = rng.standard_normal(int(0.03 * fs)) * np.exp(-np.arange(int(0.03 * fs)) / (0.006 * fs))
            w = t.copy()
            w[: crunch.size] += 0.3 * crunch * np.max(np.abs(t)) / max(np.max(np.abs(crunch)), 1e-12)
        return w / math.sqrt(np.sum(w * w) / fs)


def _friedlander(duration_s: float, fs: float) -> NDArray[np.float64]:
    t = np.arange(max(4, round(8 * duration_s * fs))) / fs
    return (1.0 - t / duration_s) * np.exp(-t / duration_s)


def _thump(f0_hz: float, time_constant_s: float, fs: float) -> NDArray[np.float64]:
    t = np.arange(int(8 * time_constant_s * fs)) / fs
    return (t / time_constant_s) * np.exp(1.0 - t / time_constant_s) * np.sin(2 * np.pi * f0_hz * t)


def impulse_energy_j(name: str, params: dict[str, float], *, touchdown_kinetic_j: float = 0.0) -> float:
    """Radiated energy [J] of the impulsive event ``name`` (see :data:`EVENT_KINDS`)."""
    kind = EVENT_KINDS[name]
    if kind == "mortar":
        return params["mortar_energy_j"]
    if kind == "pyro":
        return params["pyro_energy_j"]
    if kind == "jolt":
        return params["jolt_energy_j"]
    return params["touchdown_efficiency"] * touchdown_kinetic_j
