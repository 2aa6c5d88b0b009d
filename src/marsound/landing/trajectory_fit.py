"""Fitting a mission's free parameters so that its simulated events land on the published ones.

Each free parameter (a field of the mission marked ``"fitted"`` in its source table) is paired with
one published target (an event's time or state) and solved for by Brent's method (Brent 1973,
*Algorithms for Minimization without Derivatives*; :func:`scipy.optimize.brentq`) within bounds
that stay inside the parameter's published or assumed uncertainty. The parameters interact weakly
and in flight order, so solving them one after another, in that order, twice, converges.

The values found are written into :mod:`marsound.landing.missions_data` by hand (with the source
table saying ``"fitted"`` and naming the target), so :func:`marsound.landing.trajectory.simulate`
never fits at run time; ``tests/landing`` checks that the stored values still reproduce the targets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scipy.optimize import brentq

from marsound.errors import InvalidParameterError
from marsound.landing.missions import Mission, get_mission
from marsound.landing.trajectory import simulate
from marsound.landing.trajectory_dynamics import TrajectoryError


@dataclass(frozen=True)
class FitTarget:
    """One free parameter and the published quantity it is fitted to.

    ``parameter`` is a dotted path (``"triggers.bank_angle_deg"``); ``event``/``quantity`` name the
    simulated event and its state key (``"time_s"`` for its time), or with ``at_time_s`` set, a
    trajectory array sampled at that time (``event`` is then a label); ``lo``/``hi`` bound the search.
    """

    parameter: str
    event: str
    quantity: str
    value: float
    lo: float
    hi: float
    at_time_s: float | None = None


#: The fit plan of each mission, in flight order.
FIT_PLANS: Mapping[str, tuple[FitTarget, ...]] = {
    "perseverance": (
        FitTarget("triggers.bank_angle_deg", "peak_deceleration", "deceleration_m_s2", 104.874, 0.0, 90.0),
        FitTarget("triggers.late_bank_angle_deg", "parachute_deploy", "time_s", 240.63, 0.0, 80.0),
        FitTarget("triggers.sufr_speed_m_s", "lcam_first_image", "altitude_m", 11_230.0, 450.0, 1000.0, 254.4),
        FitTarget("vehicle.parachute_drag_coefficient", "backshell_separation", "time_s", 357.30, 0.45, 0.65),
    ),
    "curiosity": (
        FitTarget("triggers.late_bank_angle_deg", "parachute_deploy", "time_s", 254.0, 0.0, 80.0),
        FitTarget("triggers.sufr_speed_m_s", "parachute_deploy", "altitude_m", 11_000.0, 450.0, 1000.0),
        FitTarget("vehicle.parachute_drag_coefficient", "backshell_separation", "time_s", 365.0, 0.45, 0.65),
    ),
    "zhurong": (
        FitTarget("triggers.bank_angle_deg", "parachute_deploy", "time_s", 284.0, 110.0, 140.0),
        FitTarget("entry.flight_path_angle_deg", "parachute_deploy", "altitude_m", 10_000.0, -9.0, -8.6),
        FitTarget("vehicle.parachute_drag_coefficient", "backshell_separation", "time_s", 370.0, 0.3, 0.65),
        FitTarget("triggers.approach_speed_m_s", "hover_start", "time_s", 410.0, 10.0, 40.0),
        FitTarget("triggers.landing_speed_m_s", "touchdown", "time_s", 450.0, 1.0, 10.0),
    ),
}


def _with(mission: Mission, path: str, value: float) -> Mission:
    parts = path.split(".")
    if len(parts) < 2:
        raise InvalidParameterError(f"fit parameter {path!r} must be a dotted path like 'vehicle.entry_mass_kg'")
    change: dict[str, object] = {parts[-1]: value}
    for part in reversed(parts[1:-1]):
        change = {part: change}
    return mission.replace(**{parts[0]: change})


def _get(mission: Mission, path: str) -> float:
    obj: object = mission
    for part in path.split("."):
        obj = getattr(obj, part)
    return float(obj)  # type: ignore[arg-type]


def fit_mission(
    mission: Mission | str,
    *,
    rounds: int = 3,
    xtol: float = 1e-3,
    plan: tuple[FitTarget, ...] | None = None,
) -> tuple[Mission, dict[str, float]]:
    """Fit a mission's free parameters to its published events.

    Returns the fitted mission and ``{parameter path: value}``. A target out of reach within its
    bounds leaves the parameter at the nearer bound (the residual shows in the benchmark table).
    ``plan`` replaces the mission's :data:`FIT_PLANS` entry (e.g. to refit one parameter).
    """
    m = mission if isinstance(mission, Mission) else get_mission(mission)
    plan = FIT_PLANS[m.name] if plan is None else plan
    for _ in range(rounds):
        for ft in plan:

            def resid(x: float, ft: FitTarget = ft, base: Mission = m) -> float:
                try:
                    traj = simulate(_with(base, ft.parameter, x), sample_interval_s=0.5)
                except TrajectoryError:
                    return float("nan")
                if ft.at_time_s is not None:
                    got = float(traj.sample(ft.quantity, ft.at_time_s))
                else:
                    ev = traj.event(ft.event)
                    got = ev.time_s if ft.quantity == "time_s" else ev.state[ft.quantity]
                return got - ft.value

            r_lo, r_hi = resid(ft.lo), resid(ft.hi)
            if r_lo * r_hi < 0:
                x = brentq(resid, ft.lo, ft.hi, xtol=xtol)
            else:
                x = ft.lo if abs(r_lo) < abs(r_hi) else ft.hi
            m = _with(m, ft.parameter, x)
    return m, {ft.parameter: _get(m, ft.parameter) for ft in plan}


__all__ = ["FIT_PLANS", "FitTarget", "fit_mission"]
