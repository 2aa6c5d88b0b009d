"""Altitude profiles: Mars (NASA Glenn fit), Earth (US Standard Atmosphere 1976), CSV tables.

Sources
-------
- Mars: NASA Glenn Research Center, "Mars Atmosphere Model - Metric Units" (curve fit to
  Mars Global Surveyor data, 1996), reference §4: ``T[°C] = -31 - 0.000998 h`` below 7 km,
  ``-23.4 - 0.00222 h`` above; ``p[kPa] = 0.699 exp(-0.00009 h)``. Valid here from -9 km
  (Hellas floor) to 80 km; the fit reaches 0 K near 112 km.
- Earth: U.S. Standard Atmosphere 1976 (NOAA/NASA/USAF), layers to 86 km geometric
  altitude, hydrostatic with constant lapse rates in geopotential altitude.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from marsound._validate import non_negative_finite
from marsound.errors import FileFormatError, InvalidParameterError
from marsound.physics.atmosphere import Atmosphere
from marsound.physics.presets import EARTH_DRY_AIR, MARS_COMPOSITION
from marsound.physics.species import SPECIES, get_species


@dataclass(frozen=True)
class AltitudeProfile:
    """Temperature, pressure and composition as functions of altitude (tabulated).

    Temperature and composition are interpolated linearly, pressure log-linearly.
    Build one with :func:`mars_profile`, :func:`earth_profile` or :func:`profile_from_csv`.

    Attributes
    ----------
    altitude_m, temperature_k, pressure_pa : ndarray
        Strictly increasing altitudes [m] and the values there.
    composition : mapping of str to ndarray
        Mole fraction of each species at each altitude.
    name : str
        Label used for the atmospheres it returns.
    """

    altitude_m: np.ndarray
    temperature_k: np.ndarray
    pressure_pa: np.ndarray
    composition: Mapping[str, np.ndarray]
    name: str = "profile"
    relative_humidity_pct: float | None = field(default=None)

    def __post_init__(self) -> None:
        z = np.asarray(self.altitude_m, dtype=float)
        t = np.asarray(self.temperature_k, dtype=float)
        p = np.asarray(self.pressure_pa, dtype=float)
        if z.ndim != 1 or z.size < 2 or t.shape != z.shape or p.shape != z.shape:
            raise InvalidParameterError("a profile needs at least two levels with altitude, temperature and pressure")
        for label, arr in (("altitude_m", z), ("temperature_k", t), ("pressure_pa", p)):
            if not np.all(np.isfinite(arr)):
                raise InvalidParameterError(f"profile {label} has non-finite values")
        if np.any(np.diff(z) <= 0):
            i = int(np.argmin(np.diff(z)))
            raise InvalidParameterError(
                f"profile altitude_m must increase strictly; it does not at {z[i]:g} -> {z[i + 1]:g} m"
            )
        if np.any(t <= 0) or np.any(p <= 0):
            raise InvalidParameterError("profile temperature_k and pressure_pa must be > 0 at every level")
        object.__setattr__(self, "altitude_m", z)
        object.__setattr__(self, "temperature_k", t)
        object.__setattr__(self, "pressure_pa", p)
        object.__setattr__(self, "composition", {k: np.asarray(v, dtype=float) for k, v in self.composition.items()})

    @property
    def altitude_range_m(self) -> tuple[float, float]:
        """Lowest and highest altitude covered [m]."""
        return float(self.altitude_m[0]), float(self.altitude_m[-1])

    def at(self, altitude_m: float) -> Atmosphere:
        """The atmosphere at one altitude [m].

        Raises
        ------
        InvalidParameterError
            If the altitude is not finite or outside the profile's range.
        """
        try:
            z = float(altitude_m)
        except (TypeError, ValueError):
            raise InvalidParameterError(f"altitude_m={altitude_m!r} is not a number") from None
        lo, hi = self.altitude_range_m
        if not math.isfinite(z) or not lo <= z <= hi:
            raise InvalidParameterError(f"altitude_m={altitude_m!r} outside the profile range {lo:g}..{hi:g} m")
        t = float(np.interp(z, self.altitude_m, self.temperature_k))
        p = float(np.exp(np.interp(z, self.altitude_m, np.log(self.pressure_pa))))
        comp = {k: float(np.interp(z, self.altitude_m, v)) for k, v in self.composition.items()}
        total = sum(comp.values())
        comp = {k: v / total for k, v in comp.items()}
        label = f"{self.name} @ {z:g} m"
        if self.relative_humidity_pct is not None:
            return Atmosphere.from_relative_humidity(t, p, comp, self.relative_humidity_pct, name=label)
        return Atmosphere(t, p, comp, name=label)


def _uniform(composition: Mapping[str, float], n: int) -> dict[str, np.ndarray]:
    return {k: np.full(n, v) for k, v in composition.items()}


def mars_glenn_temperature_pressure(altitude_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """NASA Glenn Mars fit: temperature [K] and pressure [Pa] at altitudes [m]."""
    h = np.asarray(altitude_m, dtype=float)
    t_c = np.where(h < 7000.0, -31.0 - 0.000998 * h, -23.4 - 0.00222 * h)
    p_pa = 699.0 * np.exp(-0.00009 * h)
    return t_c + 273.15, p_pa


def mars_profile(top_m: float = 80_000.0, bottom_m: float = -9_000.0, step_m: float = 100.0) -> AltitudeProfile:
    """Mars altitude profile from the NASA Glenn fit (reference §4), SAM composition."""
    if not -9_000.0 <= bottom_m < top_m <= 80_000.0:
        raise InvalidParameterError(
            f"Mars profile range {bottom_m:g}..{top_m:g} m must lie within -9000..80000 m (the fit's validity)"
        )
    z = np.arange(bottom_m, top_m + step_m / 2, step_m)
    t, p = mars_glenn_temperature_pressure(z)
    return AltitudeProfile(z, t, p, _uniform(MARS_COMPOSITION, z.size), name="mars-glenn")


# US Standard Atmosphere 1976: geopotential base heights [m], lapse rates [K/m].
_USSA_BASE_H = (0.0, 11_000.0, 20_000.0, 32_000.0, 47_000.0, 51_000.0, 71_000.0, 84_852.0)
_USSA_LAPSE = (-0.0065, 0.0, 0.001, 0.0028, 0.0, -0.0028, -0.002)
_EARTH_RADIUS_M = 6_356_766.0
_G0 = 9.80665
_M_AIR = 0.0289644
_R_STAR = 8.31432  # the 1976 standard's own gas constant


def us_standard_atmosphere_1976(altitude_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """US Standard Atmosphere 1976: temperature [K] and pressure [Pa] at geometric altitudes [m] (0-86 km)."""
    z = np.asarray(altitude_m, dtype=float)
    if np.any(z < -5_000.0) or np.any(z > 86_000.0):
        raise InvalidParameterError("US Standard Atmosphere 1976 is implemented for -5 km..86 km")
    h = _EARTH_RADIUS_M * z / (_EARTH_RADIUS_M + z)
    t_b, p_b = [288.15], [101_325.0]
    for i, lapse in enumerate(_USSA_LAPSE[:-1]):
        dh = _USSA_BASE_H[i + 1] - _USSA_BASE_H[i]
        t1 = t_b[-1] + lapse * dh
        if lapse == 0.0:
            p1 = p_b[-1] * math.exp(-_G0 * _M_AIR * dh / (_R_STAR * t_b[-1]))
        else:
            p1 = p_b[-1] * (t_b[-1] / t1) ** (_G0 * _M_AIR / (_R_STAR * lapse))
        t_b.append(t1)
        p_b.append(p1)
    idx = np.clip(np.searchsorted(_USSA_BASE_H, h, side="right") - 1, 0, len(_USSA_LAPSE) - 1)
    lapses = np.asarray(_USSA_LAPSE)[idx]
    tb, pb, hb = np.asarray(t_b)[idx], np.asarray(p_b)[idx], np.asarray(_USSA_BASE_H)[idx]
    t = tb + lapses * (h - hb)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_grad = pb * (tb / t) ** (_G0 * _M_AIR / (_R_STAR * np.where(lapses == 0, 1.0, lapses)))
        p_iso = pb * np.exp(-_G0 * _M_AIR * (h - hb) / (_R_STAR * tb))
    return t, np.where(lapses == 0.0, p_iso, p_grad)


def earth_profile(
    top_m: float = 86_000.0, step_m: float = 100.0, relative_humidity_pct: float | None = None
) -> AltitudeProfile:
    """Earth altitude profile: US Standard Atmosphere 1976, dry air unless a humidity is given."""
    if not 0.0 < top_m <= 86_000.0:
        raise InvalidParameterError(f"top_m={top_m!r} must be in (0, 86000] m")
    z = np.arange(0.0, top_m + step_m / 2, step_m)
    t, p = us_standard_atmosphere_1976(z)
    if relative_humidity_pct is not None:
        non_negative_finite(relative_humidity_pct, "relative_humidity_pct")
    return AltitudeProfile(z, t, p, _uniform(EARTH_DRY_AIR, z.size), "earth-ussa1976", relative_humidity_pct)


_REQUIRED = ("altitude_m", "temperature_k", "pressure_pa")


def profile_from_csv(
    path: str | Path, default_composition: Mapping[str, float] | None = None, name: str | None = None
) -> AltitudeProfile:
    """Read a profile from CSV: columns ``altitude_m, temperature_k, pressure_pa`` and optional
    species columns (``CO2``, ``N2``... mole fractions).

    Parameters
    ----------
    path : path
        The CSV file (header row required; rows in any order of altitude).
    default_composition : mapping, optional
        Composition used when the file has no species columns (default: Mars SAM).
    name : str, optional
        Label (default: the file name).

    Raises
    ------
    FileFormatError
        If the file is missing, empty, lacks a required column or has a non-numeric cell.
    """
    from marsound._files import regular_file

    p = regular_file(path, "profile CSV", max_bytes=64 << 20)  # a FIFO would block the read forever
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise FileFormatError(f"cannot read profile CSV {p}: {exc}") from exc
    rows = list(csv.reader(line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")))
    if len(rows) < 3:
        raise FileFormatError(f"profile CSV {p} needs a header and at least two rows")
    header = [h.strip() for h in rows[0]]
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        raise FileFormatError(f"profile CSV {p} lacks column(s) {', '.join(missing)}; header is {header}")
    species_cols = [h for h in header if h not in _REQUIRED]
    known = {s.lower() for s in SPECIES}
    unknown = [h for h in species_cols if h.lower() not in known]
    if unknown:
        raise FileFormatError(
            f"profile CSV {p}: unknown column(s) {unknown}; species columns must be formulas like CO2"
        )
    try:
        data = np.array([[float(c) for c in r] for r in rows[1:]], dtype=float)
    except ValueError as exc:
        raise FileFormatError(f"profile CSV {p}: non-numeric cell ({exc})") from exc
    if data.shape[1] != len(header):
        raise FileFormatError(f"profile CSV {p}: rows do not all have {len(header)} cells")
    order = np.argsort(data[:, header.index("altitude_m")])
    data = data[order]
    col = {h: data[:, i] for i, h in enumerate(header)}
    if species_cols:
        comp = {get_species(h).name: col[h] for h in species_cols}
    else:
        comp = _uniform(default_composition or MARS_COMPOSITION, data.shape[0])
    try:
        return AltitudeProfile(col["altitude_m"], col["temperature_k"], col["pressure_pa"], comp, name or p.stem)
    except InvalidParameterError as exc:
        raise FileFormatError(f"profile CSV {p}: {exc}") from exc


__all__: Sequence[str] = [
    "AltitudeProfile",
    "earth_profile",
    "mars_glenn_temperature_pressure",
    "mars_profile",
    "profile_from_csv",
    "us_standard_atmosphere_1976",
]
