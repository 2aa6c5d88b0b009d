"""Aerodynamic (turbulent boundary layer) noise at an on-board microphone.

Level law
    The rms wall-pressure fluctuation under an attached turbulent boundary layer scales with the
    dynamic pressure, ``p_rms = r q / (1 + 0.14 M^2)`` with ``r ~ 0.006`` (Lowson, M. V., 1968,
    "Prediction of boundary layer pressure fluctuations", AFFDL-TR-67-167; compressibility factor
    as reviewed by Lilley, AGARD Report 454). Separated and wake flow (the rover behind the
    backshell after the heat shield has gone) is several times higher (``aero_separated_factor``).
Spectrum shape
    Goody (2004), "Empirical spectral model of surface pressure fluctuations", AIAA J. 42(9),
    1788-1794::

        Phi(w) U_e / (tau_w^2 delta) = 3 w~^2 / [(w~^0.75 + 0.5)^3.7 + (1.1 R_T^-0.57 w~)^7]

    with ``w~ = w delta / U_e``, ``R_T = (delta / U_e) / (nu / u_tau^2)``, ``u_tau = sqrt(tau_w / rho)``,
    ``tau_w = C_f q``. Only the shape is used; the level is the q law above.
Enclosure
    Until heat-shield separation the microphone is inside the aeroshell: a transmission loss
    ``enclosure_loss_db`` at 1 kHz, rising 6 dB per octave (the mass law of a limp panel; Beranek &
    Ver, "Noise and Vibration Control Engineering", 1992, ch. 9), never below 0 dB.

This is pseudo-sound (hydrodynamic pressure at the microphone), not radiated sound: it is heard on
board only.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from marsound.landing.sound.params import Parameter

F32 = np.float32

PARAMETERS: dict[str, Parameter] = {
    "aero_prms_ratio": Parameter(
        0.006, 0.002, 0.02, "", "p_rms/q of an attached turbulent boundary layer at low Mach (Lowson 1968)"
    ),
    "aero_separated_factor": Parameter(
        3.0, 1.0, 10.0, "", "p_rms factor for separated/wake flow after heat-shield separation (3-10x, AGARD 454)"
    ),
    "enclosure_loss_db": Parameter(
        30.0, 10.0, 50.0, "dB", "aeroshell transmission loss at 1 kHz until heat-shield separation (mass law above)"
    ),
    "boundary_layer_thickness_m": Parameter(
        0.1, 0.02, 0.3, "m", "boundary-layer thickness delta at the microphone (0.05-0.2 m for a 4.5 m body)"
    ),
    "skin_friction_coefficient": Parameter(0.003, 0.001, 0.006, "", "C_f giving the wall shear tau_w = C_f q"),
}

_SHAPE_GRID = np.logspace(-3.0, 3.0, 241)  # w~ grid for the analytic normalisation


def goody_shape(omega_tilde: NDArray[np.floating], reynolds_ratio: NDArray[np.floating]) -> NDArray[np.floating]:
    """Goody (2004) non-dimensional spectrum ``Phi U_e / (tau_w^2 delta)`` at ``w~`` (broadcasting)."""
    w = omega_tilde
    with np.errstate(over="ignore"):  # the (.)^7 term overflows far above the peak, where the shape is 0
        return 3.0 * w**2 / ((w**0.75 + 0.5) ** 3.7 + (1.1 * reynolds_ratio**-0.57 * w) ** 7)


def prms_pa(
    dynamic_pressure_pa: NDArray[np.float64],
    mach: NDArray[np.float64],
    *,
    separated: NDArray[np.bool_],
    aero_prms_ratio: float,
    aero_separated_factor: float,
) -> NDArray[np.float64]:
    """Rms wall pressure [Pa]: ``r q / (1 + 0.14 M^2)``, times the separated-flow factor where separated."""
    p = aero_prms_ratio * dynamic_pressure_pa / (1.0 + 0.14 * mach**2)
    return np.where(separated, aero_separated_factor * p, p)


def enclosure_loss_db(frequency_hz: NDArray[np.floating], loss_at_1khz_db: float) -> NDArray[np.floating]:
    """Mass-law transmission loss [dB]: ``L + 20 log10(f / 1 kHz)``, floored at 0."""
    f = np.maximum(frequency_hz, 1e-3)
    return np.maximum(0.0, loss_at_1khz_db + 20.0 * np.log10(f / 1000.0))


def psd(
    frequency_hz: NDArray[np.floating],
    *,
    speed_m_s: NDArray[np.float64],
    mach: NDArray[np.float64],
    dynamic_pressure_pa: NDArray[np.float64],
    density_kg_m3: NDArray[np.float64],
    viscosity_pa_s: NDArray[np.float64],
    enclosed: NDArray[np.bool_],
    separated: NDArray[np.bool_],
    params: dict[str, float],
) -> NDArray[np.float32]:
    """One-sided pressure spectral density at the microphone [Pa^2/Hz], shape ``(n, n_freq)``.

    ``frequency_hz`` is ``(n_freq,)`` or ``(n, n_freq)``; the state arrays are ``(n,)``.
    """
    from scipy.integrate import trapezoid  # imported on use: the CLI's start-up stays light

    n = speed_m_s.shape[0]
    f = np.broadcast_to(np.asarray(frequency_hz, dtype=F32), (n, np.shape(frequency_hz)[-1]))
    u = np.maximum(speed_m_s, 1e-3)
    delta = params["boundary_layer_thickness_m"]
    q = np.maximum(dynamic_pressure_pa, 0.0)
    tau_w = params["skin_friction_coefficient"] * q
    rho = np.maximum(density_kg_m3, 1e-9)
    nu = viscosity_pa_s / rho
    r_t = np.maximum((delta / u) / (nu / np.maximum(tau_w / rho, 1e-30)), 1e-6)
    # normalisation of the shape over w~ (analytic grid), then per Hz: df = U/(2 pi delta) dw~
    g = goody_shape(_SHAPE_GRID[None, :], r_t[:, None])
    area = trapezoid(g, _SHAPE_GRID, axis=1) * u / (2.0 * np.pi * delta)
    p2 = (
        prms_pa(
            q,
            mach,
            separated=separated,
            aero_prms_ratio=params["aero_prms_ratio"],
            aero_separated_factor=params["aero_separated_factor"],
        )
        ** 2
    )
    scale = (p2 / np.maximum(area, 1e-30)).astype(F32)[:, None]
    w_t = (2.0 * np.pi * delta / u).astype(F32)[:, None] * f
    out = goody_shape(w_t, r_t.astype(F32)[:, None]) * scale
    if np.any(enclosed):
        f_row = np.asarray(frequency_hz, dtype=np.float64).reshape(-1, f.shape[1])[0]
        loss = (10.0 ** (-enclosure_loss_db(f_row, params["enclosure_loss_db"]) / 10.0)).astype(F32)
        out[enclosed] *= loss
    return out.astype(F32, copy=False)
