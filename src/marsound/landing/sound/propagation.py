"""From the vehicle to a microphone: the air column, the on-board and the ground listener.

The air column
    Temperature and pressure versus altitude above the landing site, taken from the trajectory's
    own samples (the physics-core profile the trajectory was computed with) or, for comparison,
    Earth's US Standard Atmosphere 1976 (dry air) at the same heights. At each level the complex wavenumber
    ``k(f) = 2 pi f / c(f) - i alpha(f)`` comes from :func:`marsound.physics.wavenumber`; the column
    keeps ``alpha`` per level and the running integrals ``int_0^z (k - 2 pi f / c_0) dz`` and
    ``int_0^z dz / c_0``. Above a few tens of km the molecular model leaves its validity range at
    kHz frequencies (mean free path); absorption there is so large that nothing is heard anyway, and
    the validity warnings are recorded once in the result instead of being raised.
On board
    Each radiating source sits at a fixed distance ``r`` from the microphone in the local air at
    the lander's altitude: ``p^2 = W Z / (4 pi r^2) exp(-2 alpha r)`` (``Z = rho c_0``).
On the ground
    A microphone on the surface at a horizontal distance from the touchdown point, across the
    approach track. The ray is straight (no refraction, flat planet): slant range ``R``, travel
    time ``T = R <1/c_0>``, absorption ``R <alpha>`` with ``<.>`` the mean over the altitudes the ray
    crosses, spherical spreading ``1/R^2``, and the ray-tube energy balance that gives the listener's
    own impedance: ``p^2 = W Z_ground / (4 pi R^2) exp(-2 R <alpha>)``, i.e. the pressure at 1 m in the
    source's air times ``sqrt(Z_ground / Z_source)`` (Pierce, "Acoustics", 1989, §8.6). The Doppler
    shift of the moving source follows from ``t = tau + T(tau)`` as in
    :mod:`marsound.rendering.moving`: a received frequency ``f`` was emitted at ``f |dt/dtau|``.
    That renderer itself is not used here: it propagates through one uniform atmosphere and refuses
    radial speeds above 95 % of the speed of sound, while this path crosses 0-125 km of changing
    air and the vehicle approaches supersonically until after parachute deployment (the fold of
    ``t(tau)`` is the sonic boom). The noise sources are synthesised directly at the listener,
    frame by frame, with the same time map.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from marsound.errors import ModelValidityWarning
from marsound.landing.model import Trajectory
from marsound.physics import Atmosphere, earth_profile, wavenumber
from marsound.physics.presets import MARS_COMPOSITION

F32 = np.float32
AIRS: tuple[str, ...] = ("mars", "earth")
_EARTH_TOP_M = 86_000.0


def _levels(top_m: float) -> NDArray[np.float64]:
    z = np.concatenate(
        [np.arange(0.0, 2000.0, 100.0), np.arange(2000.0, 20000.0, 250.0), np.arange(20000.0, 200e3, 1000.0)]
    )
    z = z[z < top_m]
    return np.append(z, top_m)


@dataclass(frozen=True)
class AirColumn:
    """The air above the landing site on a grid of altitudes (AGL) and frequencies.

    Attributes
    ----------
    altitude_m : (nz,)
    temperature_k, pressure_pa, density_kg_m3, sound_speed_m_s, impedance_pa_s_m, viscosity_pa_s : (nz,)
    frequency_hz : (nf,)
    alpha_np_m : (nz, nf) float32 absorption per level.
    cum_residual_k : (nz, nf) complex64, ``int_0^z (k - w/c_0) dz``.
    cum_slowness_s : (nz,), ``int_0^z dz / c_0``.
    name : ``"mars"`` or ``"earth"``.
    validity_notes : the physics core's validity warnings met while building it.
    """

    altitude_m: NDArray[np.float64]
    temperature_k: NDArray[np.float64]
    pressure_pa: NDArray[np.float64]
    density_kg_m3: NDArray[np.float64]
    sound_speed_m_s: NDArray[np.float64]
    impedance_pa_s_m: NDArray[np.float64]
    viscosity_pa_s: NDArray[np.float64]
    frequency_hz: NDArray[np.float64]
    alpha_np_m: NDArray[np.float32]
    cum_residual_k: NDArray[np.complex64]
    cum_slowness_s: NDArray[np.float64]
    cum_alpha_np: NDArray[np.float32]
    name: str
    validity_notes: tuple[str, ...] = ()

    def interp(self, quantity: str, altitude_m: NDArray[np.float64] | float) -> NDArray[np.float64]:
        """A per-level quantity linearly interpolated at ``altitude_m`` (held beyond the ends)."""
        return np.interp(np.asarray(altitude_m, dtype=np.float64), self.altitude_m, getattr(self, quantity))

    def _rows(self, table: NDArray, altitude_m: NDArray[np.float64]) -> NDArray:
        z = np.clip(altitude_m, self.altitude_m[0], self.altitude_m[-1])
        i = np.clip(np.searchsorted(self.altitude_m, z, side="right") - 1, 0, self.altitude_m.size - 2)
        w = ((z - self.altitude_m[i]) / (self.altitude_m[i + 1] - self.altitude_m[i])).astype(F32)[:, None]
        return table[i] * (1 - w) + table[i + 1] * w

    def alpha_at(self, altitude_m: NDArray[np.float64]) -> NDArray[np.float32]:
        """Absorption [Np/m] ``(n, nf)`` at altitudes ``(n,)``."""
        return self._rows(self.alpha_np_m, altitude_m)

    def path_mean_residual_k(self, altitude_m: NDArray[np.float64]) -> NDArray[np.complex64]:
        """Mean of ``k - w/c_0`` [1/m] over 0..h, ``(n, nf)`` (the ground value for h < 1 m)."""
        h = np.asarray(altitude_m, dtype=np.float64)
        cum = self._rows(self.cum_residual_k, h)
        ground = (self.cum_residual_k[1] / self.altitude_m[1]).astype(np.complex64)
        hh = np.maximum(h, 1.0).astype(F32)[:, None]
        return np.where((h < 1.0)[:, None], ground[None, :], cum / hh).astype(np.complex64)

    def path_mean_alpha(self, altitude_m: NDArray[np.float64]) -> NDArray[np.float32]:
        """Mean absorption [Np/m] over 0..h, ``(n, nf)`` float32 (the ground value for h < 1 m)."""
        h = np.maximum(np.asarray(altitude_m, dtype=np.float64), 1.0)
        cum = self._rows(self.cum_alpha_np, h)
        cum *= (1.0 / h).astype(F32)[:, None]
        return cum

    def path_mean_slowness(self, altitude_m: NDArray[np.float64]) -> NDArray[np.float64]:
        """Mean of ``1/c_0`` [s/m] over 0..h."""
        h = np.asarray(altitude_m, dtype=np.float64)
        cum = np.interp(h, self.altitude_m, self.cum_slowness_s)
        return np.where(h < 1.0, 1.0 / self.sound_speed_m_s[0], cum / np.maximum(h, 1.0))


def build_air_column(
    trajectory: Trajectory, frequency_hz: NDArray[np.float64], *, air: str = "mars", model: str = "molecular"
) -> AirColumn:
    """The air column over the trajectory's landing site (``air="mars"``) or Earth's at the same heights."""
    from scipy.integrate import cumulative_trapezoid  # imported on use: the CLI's start-up stays light

    top = float(max(np.max(trajectory.altitude_m), 200.0))
    z = _levels(top)
    f = np.asarray(frequency_hz, dtype=np.float64)
    fpos = np.maximum(f, f[f > 0].min() if np.any(f > 0) else 1.0)
    atms: list[Atmosphere] = []
    if air == "mars":
        order = np.argsort(trajectory.altitude_m, kind="stable")
        za, first = np.unique(trajectory.altitude_m[order], return_index=True)
        t_k = np.interp(z, za, trajectory.temperature_k[order][first])
        p_pa = np.exp(np.interp(z, za, np.log(trajectory.pressure_pa[order][first])))
        atms = [
            Atmosphere(float(t), float(p), MARS_COMPOSITION, name=f"mars @ {h:g} m AGL")
            for h, t, p in zip(z, t_k, p_pa)
        ]
    else:
        prof = earth_profile()  # dry US Standard Atmosphere (a fixed humidity would exceed saturation aloft)
        atms = [prof.at(min(float(h), _EARTH_TOP_M)) for h in z]
    notes: list[str] = []
    ks = np.empty((z.size, f.size), dtype=np.complex128)
    for i, a in enumerate(atms):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ModelValidityWarning)
            ks[i] = wavenumber(fpos, a, model)
        for w in caught:
            if issubclass(w.category, ModelValidityWarning) and len(notes) < 3:
                notes.append(f"{a.name}: {w.message}")
    ks[:, f <= 0] = 0.0
    c0 = np.array([a.sound_speed_low_m_s for a in atms])
    residual = ks - (2.0 * np.pi * f)[None, :] / c0[:, None]
    residual[:, f <= 0] = 0.0
    return AirColumn(
        altitude_m=z,
        temperature_k=np.array([a.temperature_k for a in atms]),
        pressure_pa=np.array([a.pressure_pa for a in atms]),
        density_kg_m3=np.array([a.density_kg_m3 for a in atms]),
        sound_speed_m_s=c0,
        impedance_pa_s_m=np.array([a.impedance_pa_s_per_m for a in atms]),
        viscosity_pa_s=np.array([a.viscosity_pa_s for a in atms]),
        frequency_hz=f,
        alpha_np_m=np.maximum(-ks.imag, 0.0).astype(F32),
        cum_residual_k=cumulative_trapezoid(residual, z, axis=0, initial=0.0).astype(np.complex64),
        cum_slowness_s=cumulative_trapezoid(1.0 / c0, z, initial=0.0),
        cum_alpha_np=np.maximum(-cumulative_trapezoid(residual.imag, z, axis=0, initial=0.0), 0.0).astype(F32),
        name=air,
        validity_notes=tuple(notes),
    )


def distance_to_go_m(trajectory: Trajectory) -> NDArray[np.float64]:
    """Horizontal distance [m] from the vehicle to the touchdown point along the track (0 at the end).

    From the trajectory's ``downrange_m`` when it has one, else the integral of the horizontal speed.
    """
    from scipy.integrate import cumulative_trapezoid  # imported on use: the CLI's start-up stays light

    downrange = getattr(trajectory, "downrange_m", None)
    if downrange is not None:
        d = np.asarray(downrange, dtype=np.float64)
        return d[-1] - d
    vh = np.sqrt(np.maximum(trajectory.speed_m_s**2 - trajectory.vertical_speed_m_s**2, 0.0))
    run = cumulative_trapezoid(vh, trajectory.time_s, initial=0.0)
    return run[-1] - run


@dataclass(frozen=True)
class GroundPath:
    """Straight rays from emission points to a ground listener (arrays over emission samples)."""

    slant_range_m: NDArray[np.float64]
    travel_time_s: NDArray[np.float64]
    mean_residual_k: NDArray[np.complex64]  # (n, nf)


def ground_path(
    column: AirColumn, altitude_m: NDArray[np.float64], horizontal_m: NDArray[np.float64], *, with_spectra: bool = True
) -> GroundPath:
    """Slant range, travel time and (optionally) the path-mean residual wavenumber per emission point."""
    h = np.maximum(np.asarray(altitude_m, dtype=np.float64), 0.0)
    r = np.sqrt(h**2 + np.asarray(horizontal_m, dtype=np.float64) ** 2)
    r = np.maximum(r, 1.0)
    t = r * column.path_mean_slowness(h)
    k = column.path_mean_residual_k(h) if with_spectra else np.zeros((h.size, 0), np.complex64)
    return GroundPath(r, t, k)
