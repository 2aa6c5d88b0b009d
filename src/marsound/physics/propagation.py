"""Function-first API over the propagation models: c(f), alpha(f), k(f), impedance.

Every function validates its inputs (frequencies finite and > 0), selects the model by
name (``"molecular"`` default, ``"bass-chambers"``, ``"iso9613"``) or takes a model
instance, warns with :class:`~marsound.errors.ModelValidityWarning` outside the model's
validated range, and works on numpy arrays of any shape.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from marsound import _validate
from marsound.errors import InvalidParameterError
from marsound.physics.atmosphere import Atmosphere
from marsound.physics.constants import NEPER_TO_DB
from marsound.physics.models import DEFAULT_MODEL, PropagationModel, get_model
from marsound.physics.models.base import ComplexArray, FloatArray, warn_if_invalid

ModelLike = str | PropagationModel


def _prepare(frequency_hz: ArrayLike, atmosphere: Atmosphere, model: ModelLike) -> tuple[FloatArray, PropagationModel]:
    if not isinstance(atmosphere, Atmosphere):
        raise InvalidParameterError(f"atmosphere must be an Atmosphere, got {type(atmosphere).__name__}")
    f = _validate.frequencies(frequency_hz)
    m = get_model(model)
    warn_if_invalid(m, atmosphere, f)
    return f, m


def sound_speed(frequency_hz: ArrayLike, atmosphere: Atmosphere, model: ModelLike = DEFAULT_MODEL) -> FloatArray:
    """Phase speed of sound c(f) [m/s].

    Parameters
    ----------
    frequency_hz : array_like
        Frequencies [Hz], finite and > 0, any shape.
    atmosphere : Atmosphere
        The gas.
    model : str or PropagationModel
        ``"molecular"`` (default), ``"bass-chambers"`` or ``"iso9613"``.

    Returns
    -------
    ndarray
        Phase speed [m/s], same shape as ``frequency_hz``.

    Examples
    --------
    >>> from marsound.physics import preset, sound_speed
    >>> c = sound_speed([84.0, 2000.0], preset("mars"))
    """
    f, m = _prepare(frequency_hz, atmosphere, model)
    return m.sound_speed(f, atmosphere)


def absorption(frequency_hz: ArrayLike, atmosphere: Atmosphere, model: ModelLike = DEFAULT_MODEL) -> FloatArray:
    """Amplitude absorption coefficient alpha(f) [Np/m]; ``p(x) ~ exp(-alpha x)``.

    Multiply by :data:`~marsound.physics.constants.NEPER_TO_DB` (8.686) for dB/m, or use
    :func:`absorption_db_per_m`.
    """
    f, m = _prepare(frequency_hz, atmosphere, model)
    return m.absorption(f, atmosphere)


def absorption_db_per_m(
    frequency_hz: ArrayLike, atmosphere: Atmosphere, model: ModelLike = DEFAULT_MODEL
) -> FloatArray:
    """Absorption in dB/m (8.686 x :func:`absorption`)."""
    return NEPER_TO_DB * absorption(frequency_hz, atmosphere, model)


def absorption_parts(
    frequency_hz: ArrayLike, atmosphere: Atmosphere, model: ModelLike = DEFAULT_MODEL
) -> dict[str, FloatArray]:
    """Absorption split into ``classical``, ``rotational`` and ``vibrational:<species>`` [Np/m]."""
    f, m = _prepare(frequency_hz, atmosphere, model)
    return m.absorption_parts(f, atmosphere)


def wavenumber(frequency_hz: ArrayLike, atmosphere: Atmosphere, model: ModelLike = DEFAULT_MODEL) -> ComplexArray:
    """Complex wavenumber k(f) [rad/m] in the ``exp(i(omega t - k x))`` convention.

    ``Re k = 2 pi f / c(f)`` and ``-Im k = alpha(f)``. A plane wave travelling a distance
    ``d`` is multiplied by ``exp(-i k d)``: this one factor applies both absorption and
    dispersion, and for the ``molecular`` model it is causal (Kramers-Kronig consistent).
    """
    f, m = _prepare(frequency_hz, atmosphere, model)
    return m.wavenumber(f, atmosphere)


@dataclass(frozen=True)
class Propagation:
    """Absorption and phase speed evaluated together (one wavenumber evaluation)."""

    frequency_hz: FloatArray
    wavenumber: ComplexArray

    @property
    def absorption_np_per_m(self) -> FloatArray:
        """alpha [Np/m]."""
        return -self.wavenumber.imag

    @property
    def absorption_db_per_m(self) -> FloatArray:
        """alpha [dB/m]."""
        return NEPER_TO_DB * -self.wavenumber.imag

    @property
    def sound_speed_m_s(self) -> FloatArray:
        """Phase speed [m/s]."""
        return 2.0 * np.pi * self.frequency_hz / self.wavenumber.real


def propagation(frequency_hz: ArrayLike, atmosphere: Atmosphere, model: ModelLike = DEFAULT_MODEL) -> Propagation:
    """Evaluate the wavenumber once and expose alpha(f) and c(f) from it (fastest path)."""
    f, m = _prepare(frequency_hz, atmosphere, model)
    return Propagation(f, m.wavenumber(f, atmosphere))


def sound_speed_limits(atmosphere: Atmosphere, model: ModelLike = DEFAULT_MODEL) -> tuple[float, float]:
    """Low- and high-frequency limits (c0, c_inf) of the phase speed [m/s]."""
    m = get_model(model)
    warn_if_invalid(m, atmosphere, None)
    return m.sound_speed_limits(atmosphere)


def relaxation_frequencies(atmosphere: Atmosphere, model: ModelLike = DEFAULT_MODEL) -> dict[str, float]:
    """Vibrational relaxation frequencies [Hz] by species."""
    m = get_model(model)
    warn_if_invalid(m, atmosphere, None)
    return m.relaxation_frequencies(atmosphere)


def impedance(atmosphere: Atmosphere) -> float:
    """Characteristic acoustic impedance rho c0 [Pa s/m]."""
    return atmosphere.impedance_pa_s_per_m
