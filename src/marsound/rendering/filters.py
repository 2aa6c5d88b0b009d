"""Propagation filter design: spreading, absorption and dispersion as one short causal FIR plus a delay.

The transfer function from a recording made at ``r0`` to a listener at ``d`` is
(a spherical wave with the complex wavenumber of the relaxation model,
:mod:`marsound.physics.models.molecular`)::

    H(f) = G * (r0 / d) * exp(-i k(f) (d - r0))

with ``k(f)`` from :func:`marsound.physics.wavenumber` (``Re k = 2 pi f / c(f)``, ``-Im k = alpha(f)``)
and ``G`` the source-model gain (:mod:`marsound.rendering.source_models`). ``k(f)`` is evaluated on
an FFT grid; at DC, where the wavenumber is not defined, ``k(0) = 0`` (no absorption, no phase).

Split of the delay
------------------
``exp(-i k L)`` (``L = d - r0``) contains the whole travel time, tens of thousands of samples at a
few hundred metres. It is split as::

    exp(-i k L) = exp(-i 2 pi f L / c_inf) * exp(-i (k - 2 pi f / c_inf) L)

The first factor, the bulk delay ``L / c_inf`` (``c_inf`` = high-frequency limit of the phase speed
= front speed of the causal relaxing medium), is an integer number of samples plus a fraction. The
integer part is applied by the streaming engine as a shift; the fraction and the second factor
(absorption plus dispersion: low frequencies arrive later, by ``L (1/c0 - 1/c_inf)``) are designed
by frequency sampling into a FIR that only spans the dispersive spread, not the travel time.

Design
------
The residual response is sampled on an FFT grid, inverted with ``irfft`` and trimmed to the
shortest span that keeps all but ``tolerance`` (default 1e-10, -100 dB) of its energy; the FFT is
lengthened until the circular wrap-around region holds less than that. A fractional delay cannot be
represented at the Nyquist frequency, so the response is rolled off with a raised cosine above
``0.9 * fs / 2`` (e.g. above 21.6 kHz at 48 kHz) whenever ``d != r0``. For ``d == r0`` the filter
is exactly the broadband gain ``G``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from marsound._validate import positive_finite
from marsound.errors import InvalidParameterError
from marsound.physics import DEFAULT_MODEL, Atmosphere, get_model, preset
from marsound.physics.models.base import warn_if_invalid
from marsound.rendering.source_models import DEFAULT_SOURCE_MODEL, source_gain_db

MIN_SAMPLE_RATE_HZ = 8_000.0
MAX_SAMPLE_RATE_HZ = 192_000.0
BAND_EDGE_FRACTION = 0.9
DEFAULT_TOLERANCE = 1e-10
MAX_FFT_LENGTH = 1 << 24
#: Farthest listener distance rendered [m]. Beyond about ten scale heights of the Martian atmosphere
#: (H ~ 11 km) a homogeneous straight path means nothing, and the travel time alone would fill
#: gigabytes with silence (1e6 m is over an hour of delay).
MAX_DISTANCE_M = 100_000.0


def check_sample_rate(sample_rate_hz: float) -> float:
    """Validate a sample rate: finite and within 8-192 kHz."""
    fs = positive_finite(sample_rate_hz, "sample_rate_hz")
    if not MIN_SAMPLE_RATE_HZ <= fs <= MAX_SAMPLE_RATE_HZ:
        raise InvalidParameterError(f"sample_rate_hz={sample_rate_hz!r} is outside the supported 8000-192000 Hz range")
    return fs


@dataclass(frozen=True)
class PropagationFilter:
    """A designed propagation filter: ``y[n] = sum_m fir[m] x[n - m - integer_delay]``.

    Attributes
    ----------
    fir : ndarray of float64
        Impulse response (includes the gains, the fractional delay, absorption and dispersion).
    integer_delay : int
        Extra whole-sample delay [samples] applied before the FIR (negative: samples dropped).
    sample_rate_hz : float
        Sample rate the filter was designed for.
    distance_m, source_distance_m : float
        Listener distance ``d`` and recording distance ``r0``.
    delay_s : float
        Bulk delay ``(d - r0) / c_inf`` [s] represented by ``integer_delay`` plus the FIR's lead.
    lead_samples : float
        Position in the FIR [samples] that corresponds to zero residual delay (the front arrival).
    source_gain_db, spreading_gain_db : float
        Source-model level change and ``20 log10(r0 / d)``.
    reference_speed_m_s : float
        ``c_inf`` used for the bulk delay.
    """

    fir: NDArray[np.float64]
    integer_delay: int
    sample_rate_hz: float
    distance_m: float
    source_distance_m: float
    delay_s: float
    lead_samples: float
    source_gain_db: float
    spreading_gain_db: float
    reference_speed_m_s: float
    info: dict = field(default_factory=dict, compare=False)

    @property
    def gain_db(self) -> float:
        """Broadband gain (source model + spreading) [dB], before absorption."""
        return self.source_gain_db + self.spreading_gain_db

    @property
    def num_taps(self) -> int:
        """Length of the FIR."""
        return int(self.fir.size)

    def frequency_response(self, frequency_hz: NDArray[np.float64]) -> NDArray[np.complex128]:
        """The realised response (FIR and integer delay) at ``frequency_hz`` [Hz]."""
        f = np.asarray(frequency_hz, dtype=float)
        n = np.arange(self.fir.size) + self.integer_delay
        return np.exp(-2j * np.pi * np.multiply.outer(f, n) / self.sample_rate_hz) @ self.fir


def transfer_function(
    frequency_hz: NDArray[np.float64],
    distance_m: float,
    atmosphere: Atmosphere,
    *,
    source_distance_m: float = 1.0,
    source_atmosphere: Atmosphere | None = None,
    source_model: str = DEFAULT_SOURCE_MODEL,
    model: str = DEFAULT_MODEL,
) -> NDArray[np.complex128]:
    """The exact propagation transfer function ``H(f) = G (r0/d) exp(-i k(f) (d - r0))``.

    Parameters
    ----------
    frequency_hz : array_like
        Frequencies [Hz], >= 0 (``H(0) = G r0 / d``).
    distance_m : float
        Listener distance d [m], > 0.
    atmosphere : Atmosphere
        Atmosphere the sound travels through.
    source_distance_m : float, optional
        Distance r0 [m] at which the input was recorded (default 1 m).
    source_atmosphere : Atmosphere, optional
        Atmosphere of the recording (default: ``preset("earth")``); only enters through ``G``.
    source_model : {"equal-power", "equal-velocity", "none"}
        See :func:`~marsound.rendering.source_models.source_gain_db`.
    model : str
        Propagation model name (see :func:`marsound.physics.get_model`).
    """
    d = positive_finite(distance_m, "distance_m")
    r0 = positive_finite(source_distance_m, "source_distance_m")
    src = preset(DEFAULT_SOURCE_PRESET) if source_atmosphere is None else source_atmosphere
    f = np.asarray(frequency_hz, dtype=float)
    if not np.all(np.isfinite(f)) or np.any(f < 0):
        raise InvalidParameterError("frequency_hz must be finite and >= 0")
    g = 10.0 ** (source_gain_db(source_model, src, atmosphere) / 20.0) * r0 / d
    k = np.zeros(f.shape, dtype=complex)
    pos = f > 0
    if pos.any():
        k[pos] = _wavenumber(f[pos], atmosphere, model)
    return g * np.exp(-1j * k * (d - r0))


def _wavenumber(f: NDArray[np.floating[Any]], atmosphere: Atmosphere, model: str) -> NDArray[np.complex128]:
    m = get_model(model)
    warn_if_invalid(m, atmosphere, None)
    from marsound.errors import ModelValidityWarning

    with warnings.catch_warnings():
        # frequency-range warnings over the whole FFT grid would be noise; the atmosphere was checked above
        warnings.simplefilter("ignore", ModelValidityWarning)
        return m.wavenumber(np.asarray(f, dtype=np.float64), atmosphere)


def _band_edge(f: NDArray[np.floating[Any]], fs: float) -> NDArray[np.float64]:
    """Raised-cosine roll-off from BAND_EDGE_FRACTION * fs/2 (1) to fs/2 (0)."""
    nyq = fs / 2.0
    start = BAND_EDGE_FRACTION * nyq
    x = np.clip((f - start) / (nyq - start), 0.0, 1.0)
    return 0.5 * (1.0 + np.cos(np.pi * x))


DEFAULT_SOURCE_DISTANCE_M = 1.0
"""Distance r0 [m] at which a recording is assumed to have been made."""
DEFAULT_SOURCE_PRESET = "earth"
"""Atmosphere a recording is assumed to have been made in (a preset name)."""


def design_propagation_filter(
    sample_rate_hz: float,
    distance_m: float,
    atmosphere: Atmosphere,
    *,
    source_distance_m: float = DEFAULT_SOURCE_DISTANCE_M,
    source_atmosphere: Atmosphere | None = None,
    source_model: str = DEFAULT_SOURCE_MODEL,
    model: str = DEFAULT_MODEL,
    tolerance: float = DEFAULT_TOLERANCE,
    extra_gain: float = 1.0,
) -> PropagationFilter:
    """Design the propagation filter from ``r0`` to ``d`` in ``atmosphere`` at ``sample_rate_hz``.

    Arguments come in the order of :func:`~marsound.rendering.render`: sample rate, distance,
    atmosphere; every option is keyword-only.

    Parameters
    ----------
    sample_rate_hz : float
        Sample rate [Hz], 8-192 kHz.
    distance_m : float
        Listener distance d [m], > 0.
    atmosphere : Atmosphere
        Target atmosphere (e.g. ``preset("jezero")`` or ``mars_profile().at(altitude_m)``).
    source_distance_m : float, optional
        Recording distance r0 [m] (default 1).
    source_atmosphere : Atmosphere, optional
        Atmosphere of the recording (default Earth, ``preset("earth")``).
    source_model : {"equal-power", "equal-velocity", "none"}
        Level change between atmospheres (default ``equal-power``).
    model : str
        Propagation model (default ``molecular``, the causal one).
    tolerance : float
        Relative energy of the impulse response that may be discarded by trimming (default 1e-10).
    extra_gain : float
        An additional broadband factor folded into the FIR (used for normalisation; default 1).

    Returns
    -------
    PropagationFilter

    Examples
    --------
    >>> from marsound.physics import preset
    >>> flt = design_propagation_filter(48_000, 50.0, preset("jezero"))
    >>> flt.num_taps < 2000, round(flt.gain_db, 1)
    (True, -54.2)
    """
    d = positive_finite(distance_m, "distance_m")
    if d > MAX_DISTANCE_M:
        raise InvalidParameterError(f"distance_m={d:g} is beyond the {MAX_DISTANCE_M:g} m that can be rendered")
    r0 = positive_finite(source_distance_m, "source_distance_m")
    fs = check_sample_rate(sample_rate_hz)
    tol = positive_finite(tolerance, "tolerance")
    src = preset(DEFAULT_SOURCE_PRESET) if source_atmosphere is None else source_atmosphere
    g_src_db = source_gain_db(source_model, src, atmosphere)
    g_spread_db = 20.0 * math.log10(r0 / d)
    g = 10.0 ** ((g_src_db + g_spread_db) / 20.0) * float(extra_gain)
    m = get_model(model)
    c0, c_inf = m.sound_speed_limits(atmosphere)
    common: dict[str, Any] = dict(
        sample_rate_hz=fs,
        distance_m=d,
        source_distance_m=r0,
        source_gain_db=g_src_db,
        spreading_gain_db=g_spread_db,
        reference_speed_m_s=c_inf,
    )
    length = d - r0
    if length == 0.0:
        return PropagationFilter(fir=np.array([g]), integer_delay=0, delay_s=0.0, lead_samples=0.0, **common)

    bulk = length / c_inf * fs  # samples, may be negative for d < r0
    spread = abs(length) * (1.0 / c0 - 1.0 / c_inf) * fs
    base = math.floor(bulk)
    frac = bulk - base
    n = int(2 ** math.ceil(math.log2(max(1024, 4 * spread))))
    while True:
        lead = n // 4  # room for pre-arrival ringing; trimmed away below
        f = np.fft.rfftfreq(n, 1.0 / fs)
        k = np.zeros(f.size, dtype=complex)
        k[1:] = _wavenumber(f[1:], atmosphere, m.name)
        residual = k - 2.0 * np.pi * f / c_inf
        spectrum = np.exp(-1j * residual * length - 2j * np.pi * f * (lead + frac) / fs) * _band_edge(f, fs)
        h = np.fft.irfft(spectrum, n)
        energy = np.cumsum(h * h)
        total = energy[-1]
        # far pre-arrival and far tail (where wrapped-around energy would show)
        wrap = energy[n // 8] + total - energy[(7 * n) // 8]
        if wrap <= tol * total * 1e-2 or n >= MAX_FFT_LENGTH:
            break
        n *= 2
    if not total > 0:
        raise InvalidParameterError(
            f"distance_m={d!r} absorbs everything at this sample rate (the filter is zero); use a shorter distance"
        )
    first = int(np.searchsorted(energy, 0.5 * tol * total))
    last = int(np.searchsorted(energy, total * (1.0 - 0.5 * tol))) + 1
    last = min(max(last, first + 1), n)
    fir = g * h[first:last]
    integer_delay = base - lead + first
    return PropagationFilter(
        fir=fir,
        integer_delay=int(integer_delay),
        delay_s=length / c_inf,
        lead_samples=float(lead - first + frac),
        info={"fft_length": n, "dispersion_spread_samples": spread, "sound_speed_low_m_s": c0},
        **common,
    )
