"""Mars time: UTC ↔ Mars Sol Date ↔ mission sol and local mean solar time (LMST).

Method: Allison, M. & McEwen, M. (2000), "A post-Pathfinder evaluation of areocentric solar
coordinates with improved timing recipes for Mars seasonal/diurnal climate studies",
Planet. Space Sci. 48, 215-235, as implemented in NASA GISS Mars24 (algorithm page, steps
A-1 to C-2):

* UTC → Terrestrial Time: ``TT = UTC + (TAI − UTC) + 32.184 s``; the leap-second count
  ``TAI − UTC`` comes from the IAU SOFA/ERFA table (:func:`erfa.dat`), so dates before and after
  a leap second are both right;
* ``Δt_J2000 = JD_TT − 2451545.0`` and the Mars Sol Date
  ``MSD = (Δt_J2000 − 4.5) / 1.0274912517 + 44796.0 − 0.0009626``;
* Mean solar time at the prime meridian (Airy-0) is the fractional MSD; the LMST at an east
  longitude ``λ`` is that of ``MSD + λ / 360``;
* the mission sol is ``floor(MSD + λ/360) − 52304`` for Mars 2020 (sol 0 = landing day,
  2021-02-18).

The Mars 2020 labels' LMST is not referenced to the landing-site longitude 77.4508°E: that
value makes the LMST 5.45-5.53 s late against two real labels (a Navcam label of sol 629 and
the LCAM EDL label of sol 0). Both labels are reproduced to 0.06 s with the reference longitude
:data:`M2020_LMST_LONGITUDE_E_DEG` = 77.428°E (the two labels agree on it to 0.0004°).

The spacecraft clock (SCLK) is **not** converted here: its offset to UTC drifts (90.44 s during
EDL, 530.4 s by sol 629), so a fixed offset is wrong by minutes; use the label's UTC (or the
NAIF SCLK kernel).
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from marsound.errors import InvalidParameterError

#: Seconds in a Mars mean solar day (sol), Allison & McEwen (2000).
SOL_S = 88_775.244
#: Ratio of a sol to an Earth day used by the MSD formula (Mars24 step C-2).
SOL_PER_DAY = 1.0274912517
#: East longitude [deg] to which Mars 2020 labels reference their LMST (fitted on two real labels, see module doc).
M2020_LMST_LONGITUDE_E_DEG = 77.428
#: ``floor(local MSD)`` of Mars 2020 sol 0 (landing day).
M2020_SOL0_MSD = 52_304

_J2000_JD = 2_451_545.0
_UNIX_EPOCH_JD = 2_440_587.5
_TT_MINUS_TAI_S = 32.184
_LMST_RE = re.compile(r"^\s*(?:Sol-?(\d+)M)?\s*(\d{1,2}):(\d{2}):(\d{2}(?:\.\d*)?)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class MarsTime:
    """A mission time on Mars.

    Attributes
    ----------
    msd : float
        Mars Sol Date at the prime meridian.
    sol : int
        Mission sol at the reference longitude.
    lmst_s : float
        Local mean solar time [Mars seconds, 0 ≤ lmst_s < 86400; a Mars "second" is 1/86400 sol].
    """

    msd: float
    sol: int
    lmst_s: float

    @property
    def lmst(self) -> str:
        """The label form, e.g. ``"Sol-00629M13:21:49.137"``."""
        return format_lmst(self.sol, self.lmst_s)


def parse_utc(utc: str | datetime) -> datetime:
    """An aware UTC datetime from an ISO 8601 string (``Z`` suffix or none: UTC) or a datetime.

    Raises
    ------
    InvalidParameterError
        If the text is not an ISO 8601 date-time.
    """
    if isinstance(utc, datetime):
        d = utc
    else:
        text = str(utc).strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        # Python < 3.11 accepts only 3 or 6 fractional digits: normalise to 6
        m = re.match(r"^(.*T\d{2}:\d{2}:\d{2})(\.\d+)?(.*)$", text)
        if m and m.group(2):
            text = m.group(1) + (m.group(2) + "000000")[:7] + m.group(3)
        try:
            d = datetime.fromisoformat(text)
        except ValueError:
            raise InvalidParameterError(f"not an ISO 8601 UTC date-time: {utc!r}") from None
    if d.tzinfo is None:
        d = d.replace(tzinfo=timezone.utc)
    return d.astimezone(timezone.utc)


def tai_minus_utc_s(utc: datetime) -> float:
    """Leap-second count TAI − UTC [s] on that UTC date (IAU SOFA table via :func:`erfa.dat`)."""
    import erfa  # type: ignore[import-untyped]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "dubious year" past the table's horizon: the last count holds
        return float(erfa.dat(utc.year, utc.month, utc.day, 0.0))


def mars_sol_date(utc: str | datetime) -> float:
    """Mars Sol Date (MSD) of a UTC instant (Allison & McEwen 2000; Mars24 steps A-1 to C-2)."""
    d = parse_utc(utc)
    jd_ut = _UNIX_EPOCH_JD + d.timestamp() / 86_400.0
    jd_tt = jd_ut + (tai_minus_utc_s(d) + _TT_MINUS_TAI_S) / 86_400.0
    return (jd_tt - _J2000_JD - 4.5) / SOL_PER_DAY + 44_796.0 - 0.0009626


def mars_time(
    utc: str | datetime,
    *,
    longitude_e_deg: float = M2020_LMST_LONGITUDE_E_DEG,
    sol0_msd: int = M2020_SOL0_MSD,
) -> MarsTime:
    """Mission sol and LMST of a UTC instant at an east longitude.

    Parameters
    ----------
    utc : str or datetime
        ISO 8601 UTC (``"2022-11-27T01:08:36.002Z"``); naive datetimes are taken as UTC.
    longitude_e_deg : float
        East longitude of the local time [deg]; default the Mars 2020 LMST reference.
    sol0_msd : int
        ``floor`` of the local MSD on the mission's sol 0 (Mars 2020: 52304).

    Examples
    --------
    >>> mars_time("2022-11-27T01:08:36.002Z").lmst[:18]
    'Sol-00629M13:21:49'
    """
    if not math.isfinite(longitude_e_deg):
        raise InvalidParameterError(f"longitude_e_deg must be finite, got {longitude_e_deg!r}")
    msd = mars_sol_date(utc)
    local = msd + longitude_e_deg / 360.0
    day = math.floor(local)
    return MarsTime(msd=msd, sol=int(day) - int(sol0_msd), lmst_s=(local - day) * 86_400.0)


def utc_from_mars(
    sol: int,
    lmst_s: float,
    *,
    longitude_e_deg: float = M2020_LMST_LONGITUDE_E_DEG,
    sol0_msd: int = M2020_SOL0_MSD,
) -> datetime:
    """The UTC instant of a mission sol and LMST (inverse of :func:`mars_time`)."""
    if not (math.isfinite(lmst_s) and 0.0 <= lmst_s < 86_400.0 + 1e-6):
        raise InvalidParameterError(f"lmst_s must be in [0, 86400) Mars seconds, got {lmst_s!r}")
    msd = int(sol) + int(sol0_msd) + lmst_s / 86_400.0 - longitude_e_deg / 360.0
    jd_tt = (msd - 44_796.0 + 0.0009626) * SOL_PER_DAY + 4.5 + _J2000_JD
    guess = datetime(2000, 1, 1, 12, tzinfo=timezone.utc) + timedelta(days=jd_tt - _J2000_JD)
    utc = guess
    for _ in range(3):  # the leap-second count depends on the UTC date: iterate to a fixed point
        utc = guess - timedelta(seconds=tai_minus_utc_s(utc) + _TT_MINUS_TAI_S)
    return utc


def format_lmst(sol: int, lmst_s: float, *, decimals: int = 3) -> str:
    """The Mars 2020 label form of an LMST: ``Sol-NNNNNMhh:mm:ss.sss``."""
    q = 10**decimals
    total = min(round(lmst_s * q), 86_400 * q - 1)  # rounding never writes 24:00:00
    hh, rem = divmod(total, 3600 * q)
    mm, rem = divmod(rem, 60 * q)
    ss = f"{rem / q:0{3 + decimals if decimals else 2}.{decimals}f}"
    return f"Sol-{int(sol):05d}M{int(hh):02d}:{int(mm):02d}:{ss}"


def parse_lmst(text: str) -> tuple[int | None, float]:
    """``(sol or None, seconds)`` from ``"Sol-00629M13:21:49.137"`` or ``"13:21:49.137"``.

    Raises
    ------
    InvalidParameterError
        If the text is not an LMST.
    """
    m = _LMST_RE.match(str(text))
    if not m:
        raise InvalidParameterError(f"not an LMST (Sol-NNNNNMhh:mm:ss or hh:mm:ss): {text!r}")
    hh, mm, ss = int(m.group(2)), int(m.group(3)), float(m.group(4))
    if hh > 24 or mm > 59 or ss >= 61:
        raise InvalidParameterError(f"not an LMST (hours/minutes/seconds out of range): {text!r}")
    return (int(m.group(1)) if m.group(1) is not None else None), hh * 3600.0 + mm * 60.0 + ss
