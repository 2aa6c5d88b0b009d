"""Sonic boom at a ground listener: Carlson's simplified method and an N-wave.

While the vehicle is supersonic, the sound emitted at the moment its approach speed towards the
listener equals the speed of sound arrives all at once: the reception time ``t(tau) = tau + T(tau)``
(``T`` the travel time) is stationary there (``dt/dtau = 0``), and that is where the boom comes from
(the listener is on the Mach cone). :func:`boom_emission` finds it on the trajectory.

Amplitude and duration: Carlson, H. W., 1978, "Simplified sonic-boom prediction", NASA TP-1122::

    dp   = K_p K_R sqrt(p_v p_g) (M^2 - 1)^(1/8) h_e^(-3/4) l^(3/4) K_S
    dt_0 = K_t (3.42 / a_v) M / (M^2 - 1)^(3/8) h_e^(1/4) l^(3/4) K_S

(``p_v, a_v`` pressure and sound speed at the vehicle, ``p_g`` at the ground, ``h_e`` the altitude,
``l`` the body length, ``K_R`` = 2 ground reflection, ``K_p = K_t = 1``). The shape factor ``K_S`` of a
blunt entry capsule is not published for Mars: it is an option. The N-wave is then filtered by the
path's absorption (which rounds its shocks) like every other source.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from marsound.landing.sound.params import Parameter

PARAMETERS: dict[str, Parameter] = {
    "boom_shape_factor": Parameter(0.1, 0.02, 0.5, "", "Carlson shape factor K_S of the entry capsule"),
}

REFLECTION_FACTOR = 2.0


def carlson_overpressure_pa(
    *,
    mach: float,
    vehicle_pressure_pa: float,
    ground_pressure_pa: float,
    altitude_m: float,
    length_m: float,
    shape_factor: float,
) -> float:
    """Peak overpressure [Pa] of the N-wave at the ground (Carlson 1978, K_p = 1, K_R = 2)."""
    m2 = max(mach * mach - 1.0, 1e-6)
    return (
        REFLECTION_FACTOR
        * math.sqrt(vehicle_pressure_pa * ground_pressure_pa)
        * m2**0.125
        * max(altitude_m, 1.0) ** -0.75
        * length_m**0.75
        * shape_factor
    )


def carlson_duration_s(
    *, mach: float, vehicle_sound_speed_m_s: float, altitude_m: float, length_m: float, shape_factor: float
) -> float:
    """Duration [s] of the N-wave at the ground (Carlson 1978, K_t = 1)."""
    m2 = max(mach * mach - 1.0, 1e-6)
    return (
        3.42 / vehicle_sound_speed_m_s * mach / m2**0.375 * max(altitude_m, 1.0) ** 0.25 * length_m**0.75 * shape_factor
    )


def n_wave(overpressure_pa: float, duration_s: float, sample_rate_hz: float) -> NDArray[np.float64]:
    """An ideal N-wave: jump to ``+dp``, linear fall to ``-dp`` over ``duration_s``, jump back to 0."""
    n = max(2, round(duration_s * sample_rate_hz))
    return overpressure_pa * np.linspace(1.0, -1.0, n)


def boom_emission(reception_time_s: NDArray[np.float64], mach: NDArray[np.float64]) -> int | None:
    """Index of the boom's emission on a trajectory grid, or None if no boom reaches the listener.

    The boom is emitted where the reception time ``t(tau)`` has its first local minimum with the
    vehicle supersonic (the listener on the Mach cone); if ``t`` increases from the start there is none.
    """
    dt = np.diff(reception_time_s)
    neg = dt < 0
    if not neg.any():
        return None
    i = int(np.argmax(neg))  # first decreasing step
    after = np.nonzero(~neg[i:])[0]
    if after.size == 0:
        return None
    j = i + int(after[0])  # local minimum of t
    return j if mach[j] > 1.0 else None
