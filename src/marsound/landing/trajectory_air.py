"""The atmosphere of the EDL model: a uniform-altitude table built from the physics core.

T, p, ρ and the low-frequency sound speed c come from :class:`marsound.physics.Atmosphere` at each
level of an :class:`~marsound.physics.AltitudeProfile` (NASA Glenn fit by default, reference:
NASA Glenn Research Center, "Mars Atmosphere Model", 1996), so the trajectory's Mach number and
dynamic pressure use the same air as the sound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from marsound.errors import InvalidParameterError
from marsound.landing.missions import Mission
from marsound.physics.profiles import AltitudeProfile, profile_from_csv

#: Mars gravitational parameter, m³/s², and mean (MOLA reference sphere) radius, m.
MARS_MU_M3_S2 = 4.2828e13
MARS_RADIUS_M = 3_396_190.0


# ------------------------------------------------------------------------------------- atmosphere
#: Above this altitude the default EDL profile holds the temperature constant, m.
MESOSPHERE_BASE_M = 50_000.0
_GAS_CONSTANT = 8.314462618


def landing_profile(top_m: float = 140_000.0, *, step_m: float = 100.0) -> AltitudeProfile:
    """The default EDL atmosphere: NASA Glenn temperature, pressure in hydrostatic balance with it.

    Temperature is the physics core's NASA Glenn fit (:func:`marsound.physics.profiles.mars_glenn_temperature_pressure`)
    from -9 km to 50 km, held at its 50-km value (~150 K) above, where the fit would fall to 0 K by 112 km
    (Viking 1 and 2 measured a roughly isothermal 130-160 K mesosphere: Seiff & Kirk 1977, J. Geophys. Res.
    82, 4364). Pressure starts from the fit's 699 Pa at 0 km and is integrated hydrostatically,
    d ln p / dz = -M g(z) / (R T), with the molar mass of the core's Mars composition and g = μ/(R_M + z)².

    Why not the fit's own pressure: ``p = 699 exp(-0.00009 h)`` keeps an 11.1 km scale height at
    every altitude, out of balance with its falling temperature above ~20 km; at 40 km it is 23 %
    denser than hydrostatic, and an entry through it peaks ~20 % short of Perseverance's measured
    deceleration. Below 10 km the two agree within 9 %.
    """
    from marsound.physics.atmosphere import Atmosphere
    from marsound.physics.presets import MARS_COMPOSITION
    from marsound.physics.profiles import mars_glenn_temperature_pressure

    z = np.arange(-9_000.0, top_m + step_m / 2, step_m)
    t_k, _ = mars_glenn_temperature_pressure(np.minimum(z, MESOSPHERE_BASE_M))
    molar = Atmosphere(200.0, 600.0, MARS_COMPOSITION).molar_mass_kg_mol
    g = MARS_MU_M3_S2 / (MARS_RADIUS_M + z) ** 2
    slope = -molar * g / (_GAS_CONSTANT * t_k)
    ln_p = np.concatenate([[0.0], np.cumsum(0.5 * (slope[1:] + slope[:-1]) * np.diff(z))])
    _, p0 = mars_glenn_temperature_pressure(np.array([0.0]))
    ln_p += math.log(float(p0[0])) - float(np.interp(0.0, z, ln_p))
    comp = {k: np.full(z.size, v) for k, v in MARS_COMPOSITION.items()}
    return AltitudeProfile(z, t_k, np.exp(ln_p), comp, name="mars-glenn-hydrostatic")


@dataclass(frozen=True)
class _AirTable:
    """T, ln p, ln ρ and c on a uniform altitude grid (from the physics core at each level)."""

    z0: float
    dz: float
    temperature_k: NDArray[np.float64]
    log_pressure: NDArray[np.float64]
    log_density: NDArray[np.float64]
    sound_speed_m_s: NDArray[np.float64]
    name: str

    @classmethod
    def from_profile(cls, profile: AltitudeProfile, dz: float = 100.0, max_core_levels: int = 200) -> _AirTable:
        """Tabulate a profile on a uniform grid.

        T and p are the profile's own (linear and log-linear interpolation, as
        :meth:`AltitudeProfile.at`). ρ and the low-frequency c come from the physics core's
        :class:`~marsound.physics.Atmosphere` at up to ``max_core_levels`` of the profile's levels,
        carried between them as the smooth ratios ρT/p (= M/R) and c/√T (= √(γR/M)).
        """
        lo, hi = profile.altitude_range_m
        levels = profile.altitude_m
        step = max(1, math.ceil(levels.size / max_core_levels))
        core = np.unique(np.append(np.arange(0, levels.size, step), levels.size - 1))
        k_rho = np.empty(core.size)
        k_c = np.empty(core.size)
        for j, i in enumerate(core):
            atm = profile.at(float(levels[i]))
            k_rho[j] = atm.density_kg_m3 * atm.temperature_k / atm.pressure_pa
            k_c[j] = atm.sound_speed_low_m_s / math.sqrt(atm.temperature_k)
        grid = np.arange(lo, hi + dz / 2, dz)
        grid[-1] = min(grid[-1], hi)
        t_k = np.interp(grid, levels, profile.temperature_k)
        log_p = np.interp(grid, levels, np.log(profile.pressure_pa))
        z_core = levels[core]
        rho = np.interp(grid, z_core, k_rho) * np.exp(log_p) / t_k
        return cls(
            float(lo),
            float(dz),
            t_k,
            log_p,
            np.log(rho),
            np.interp(grid, z_core, k_c) * np.sqrt(t_k),
            profile.name,
        )

    @property
    def top_m(self) -> float:
        return self.z0 + self.dz * (self.temperature_k.size - 1)

    def density_and_sound_speed(self, z: float) -> tuple[float, float]:
        """ρ [kg/m³] and c [m/s] at one altitude (clamped to the table)."""
        x = (z - self.z0) / self.dz
        n = self.temperature_k.size - 1
        if x <= 0.0:
            return math.exp(self.log_density[0]), float(self.sound_speed_m_s[0])
        if x >= n:
            return math.exp(self.log_density[n]), float(self.sound_speed_m_s[n])
        i = int(x)
        f = x - i
        lr = self.log_density[i] + f * (self.log_density[i + 1] - self.log_density[i])
        cc = self.sound_speed_m_s[i] + f * (self.sound_speed_m_s[i + 1] - self.sound_speed_m_s[i])
        return math.exp(lr), float(cc)

    def sample(self, z: NDArray[np.float64]) -> dict[str, NDArray[np.float64]]:
        grid = self.z0 + self.dz * np.arange(self.temperature_k.size)
        return {
            "temperature_k": np.interp(z, grid, self.temperature_k),
            "pressure_pa": np.exp(np.interp(z, grid, self.log_pressure)),
            "density_kg_m3": np.exp(np.interp(z, grid, self.log_density)),
            "sound_speed_m_s": np.interp(z, grid, self.sound_speed_m_s),
        }


_DEFAULT_TABLE: dict[float, _AirTable] = {}


def _air_table(profile: AltitudeProfile | str | Path | None, mission: Mission) -> _AirTable:
    need_lo = mission.site.elevation_m
    need_hi = mission.entry.altitude_areoid_m
    if profile is None:
        top = max(140_000.0, need_hi + 5_000.0)
        if top not in _DEFAULT_TABLE:
            _DEFAULT_TABLE[top] = _AirTable.from_profile(landing_profile(top))
        table = _DEFAULT_TABLE[top]
        if table.z0 > need_lo:
            raise InvalidParameterError(
                f"the default Mars profile starts at {table.z0:g} m, above the {mission.name} site ({need_lo:g} m)"
            )
        return table
    label = "profile"
    if isinstance(profile, (str, Path)):
        label = f"profile CSV {profile}"
        profile = profile_from_csv(profile)
    if not isinstance(profile, AltitudeProfile):
        raise InvalidParameterError(f"profile must be an AltitudeProfile or a CSV path, got {type(profile).__name__}")
    lo, hi = profile.altitude_range_m
    if hi < need_hi:
        raise InvalidParameterError(
            f"{label} reaches {hi:g} m but the {mission.name} entry interface is at {need_hi:g} m above the "
            f"areoid; give levels up to at least {need_hi:g} m"
        )
    if lo > need_lo:
        raise InvalidParameterError(
            f"{label} starts at {lo:g} m but the {mission.name} landing site is at {need_lo:g} m above the areoid; "
            f"give levels down to at least {need_lo:g} m"
        )
    return _AirTable.from_profile(profile)


