"""Forces and phase integration of the 3-DOF EDL model (see :mod:`marsound.landing.trajectory`)."""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.integrate import solve_ivp

from marsound.errors import MarsoundError
from marsound.landing.missions import Mission
from marsound.landing.trajectory_air import MARS_MU_M3_S2, MARS_RADIUS_M, _AirTable

#: Sample interval of the returned trajectory, s.
DEFAULT_SAMPLE_INTERVAL_S = 0.1
#: Longest flight (entry interface to touchdown) integrated before giving up, s.
MAX_FLIGHT_S = 1500.0
#: Touchdown faster than this (vertical, m/s) is a crash.
CRASH_SPEED_M_S = 10.0
#: Time constants of the descent guidance (vertical speed, horizontal speed, hover hold), s.
GUIDANCE_TAU_S = 1.0
HORIZONTAL_TAU_S = 4.0
HOVER_HOLD_TAU_S = 2.0
#: Rover rappel on the bridle starts this long after sky-crane start and lasts this long
#: (Mars 2020 reconstruction: 402.38-407.88 s after a sky-crane start at 399.73 s; Jeppesen 2021).
RAPPEL_DELAY_S = 2.65
RAPPEL_DURATION_S = 5.5
#: Maximum integration step, s (keeps the events and the inflation resolved).
MAX_STEP_S = 2.0
#: Right-hand-side evaluations allowed per simulation (a nominal one needs ~3000): a stiff,
#: absurd vehicle fails with a clear error instead of crawling.
MAX_EVALUATIONS = 200_000


class TrajectoryError(MarsoundError):
    """The simulated vehicle cannot complete its descent (skips out, crashes, never lands)."""


# ------------------------------------------------------------------------------------- dynamics
@dataclass
class _Phase:
    """What acts on the vehicle during one integration."""

    name: str
    aeroshell: bool = True
    lift_cos: float = 0.0
    t_mortar: float | None = None
    guidance: Callable[[float, float], tuple[float, float]] | None = None
    sky_crane_t0: float | None = None


@dataclass
class _Segment:
    phase: _Phase
    t0: float
    t1: float
    sol: Callable[[Any], NDArray[np.float64]]


@dataclass
class _Run:
    segments: list[_Segment] = field(default_factory=list)
    events: list[tuple[str, float, NDArray[np.float64], _Phase]] = field(default_factory=list)


class _Model:
    """Forces and integration of one mission in one atmosphere."""

    def __init__(self, mission: Mission, air: _AirTable) -> None:
        self.m = mission
        self.air = air
        v = mission.vehicle
        self.ref_area = v.reference_area_m2
        self.chute_area = v.parachute_area_m2
        self.site_r = MARS_RADIUS_M + mission.site.elevation_m
        self.t_max = v.engines.total_thrust_max_n
        self.t_min = v.engines.total_thrust_min_n
        self.ve = v.engines.exhaust_velocity_m_s
        self.dry_mass = v.powered_descent_mass_kg - v.propellant_mass_kg
        self.evaluations = 0
        table = sorted(v.drag_coefficient_mach)
        self._cd_mach = [float(a) for a, _ in table]
        self._cd_value = [float(b) for _, b in table]

    def capsule_cd(self, mach: float) -> float:
        """Aeroshell C_D at a Mach number (the vehicle's table, held constant beyond its ends)."""
        xs, ys = self._cd_mach, self._cd_value
        if mach <= xs[0]:
            return ys[0]
        if mach >= xs[-1]:
            return ys[-1]
        i = bisect.bisect_right(xs, mach) - 1
        return ys[i] + (ys[i + 1] - ys[i]) * (mach - xs[i]) / (xs[i + 1] - xs[i])

    # --- kinematics
    def local(self, s: NDArray[np.float64]) -> tuple[float, float, float, float, float]:
        """Altitude above the site, local up/east velocity, radius and speed."""
        x, y, vx, vy = float(s[0]), float(s[1]), float(s[2]), float(s[3])
        r = math.hypot(x, y)
        up_v = (x * vx + y * vy) / r
        east_v = (y * vx - x * vy) / r
        return r - self.site_r, up_v, east_v, r, math.hypot(vx, vy)

    def bridle_m(self, t: float, ph: _Phase) -> float:
        if ph.sky_crane_t0 is None:
            return 0.0
        frac = min(max((t - ph.sky_crane_t0 - RAPPEL_DELAY_S) / RAPPEL_DURATION_S, 0.0), 1.0)
        return frac * self.m.vehicle.bridle_length_m

    def inflation(self, t: float, ph: _Phase) -> float:
        if ph.t_mortar is None:
            return 0.0
        v = self.m.vehicle
        tau = t - ph.t_mortar - v.line_stretch_s
        if tau <= 0.0:
            return 0.0
        return 1.0 if tau >= v.parachute_inflation_s else (tau / v.parachute_inflation_s) ** 2

    def forces(self, t: float, s: NDArray[np.float64], ph: _Phase) -> tuple[float, float, float]:
        """Non-gravitational acceleration (x, y), m/s², and the thrust, N."""
        x, y, vx, vy, mass = (float(u) for u in s)
        r = math.hypot(x, y)
        speed = math.hypot(vx, vy)
        rho, c = self.air.density_and_sound_speed(r - MARS_RADIUS_M)
        mach = speed / c
        q = 0.5 * rho * speed * speed
        v = self.m.vehicle
        cd_capsule = self.capsule_cd(mach)
        cd_a = cd_capsule * self.ref_area if ph.aeroshell else v.descent_drag_area_m2
        f_inf = self.inflation(t, ph)
        if f_inf > 0.0:
            cd_a += f_inf * v.parachute_drag_coefficient_at(mach) * self.chute_area
        ax = ay = 0.0
        if speed > 1e-9:
            drag = q * cd_a / mass
            ax, ay = -drag * vx / speed, -drag * vy / speed
            if ph.lift_cos != 0.0 and ph.aeroshell:
                lift = q * cd_capsule * self.ref_area * ph.lift_cos / mass
                # unit normal to the velocity in the plane, on the "up" side
                nx, ny = -vy / speed, vx / speed
                if nx * x + ny * y < 0.0:
                    nx, ny = -nx, -ny
                ax += lift * nx
                ay += lift * ny
        thrust = 0.0
        if ph.guidance is not None and mass > self.dry_mass:
            ux, uy = x / r, y / r
            ex, ey = uy, -ux
            h = r - self.site_r
            up_v = vx * ux + vy * uy
            east_v = vx * ex + vy * ey
            v_ref, a_ff = ph.guidance(h, up_v)
            g = MARS_MU_M3_S2 / (r * r)
            a_up = a_ff + (v_ref - up_v) / GUIDANCE_TAU_S + g - (ax * ux + ay * uy)
            a_east = -east_v / HORIZONTAL_TAU_S - (ax * ex + ay * ey)
            a_up = max(a_up, 0.0)
            f = mass * math.hypot(a_up, a_east)
            thrust = min(max(f, self.t_min), self.t_max)
            if f < self.t_min:
                # below the lowest throttle the demanded direction is ill-defined (it would swing
                # with every sign change of a small horizontal demand): point it as for a hover
                a_up += g
            norm = math.hypot(a_up, a_east)
            ax += (a_up * ux + a_east * ex) * thrust / (mass * norm)
            ay += (a_up * uy + a_east * ey) * thrust / (mass * norm)
        return ax, ay, thrust

    def rhs(self, t: float, s: NDArray[np.float64], ph: _Phase) -> list[float]:
        self.evaluations += 1
        if self.evaluations > MAX_EVALUATIONS:
            raise TrajectoryError(
                f"{self.m.name}: the integration needs more than {MAX_EVALUATIONS} steps during {ph.name} "
                f"(E+{t:.1f} s): the equations are too stiff for this vehicle; check its numbers"
            )
        x, y, vx, vy = float(s[0]), float(s[1]), float(s[2]), float(s[3])
        r = math.hypot(x, y)
        gk = -MARS_MU_M3_S2 / (r * r * r)
        ax, ay, thrust = self.forces(t, s, ph)
        return [vx, vy, ax + gk * x, ay + gk * y, -thrust / self.ve]

    # --- integration
    def run(
        self,
        ph: _Phase,
        t0: float,
        s0: NDArray[np.float64],
        duration_s: float,
        targets: Mapping[str, Callable[[float, NDArray[np.float64]], float]],
        *,
        stop: str | None,
        crash_ok: bool = False,
        max_step: float = MAX_STEP_S,
        markers: Mapping[str, Callable[[float, NDArray[np.float64]], float]] | None = None,
        run: _Run,
    ) -> tuple[float, NDArray[np.float64], str]:
        """Integrate one phase; returns the end time, state and the name of the event that ended it.

        ``targets`` are terminal events (crossing zero downward); ``stop=None`` means the phase ends
        at ``t0 + duration_s`` by design, otherwise reaching that time is an error.
        """
        markers = markers or {}
        funcs: list[Callable[[float, NDArray[np.float64]], float]] = []
        names: list[str] = []
        terminal: list[bool] = []

        def ground(t: float, s: NDArray[np.float64]) -> float:
            return self.local(s)[0] - self.bridle_m(t, ph)

        def escape(t: float, s: NDArray[np.float64]) -> float:
            return self.m.entry.altitude_areoid_m + 1000.0 - (self.local(s)[3] - MARS_RADIUS_M)

        all_targets = {**targets, "ground": ground, "escape": escape}
        for name, fn in all_targets.items():
            names.append(name)
            funcs.append(fn)
            terminal.append(True)
        for name, fn in markers.items():
            names.append(name)
            funcs.append(fn)
            terminal.append(False)
        events = []
        for fn, term in zip(funcs, terminal):
            def ev(t: float, s: NDArray[np.float64], _fn: Callable[..., float] = fn) -> float:
                return _fn(t, s)

            ev.terminal = term  # type: ignore[attr-defined]
            ev.direction = -1.0  # type: ignore[attr-defined]
            events.append(ev)
        sol = solve_ivp(
            lambda t, y: self.rhs(t, y, ph), (t0, t0 + duration_s), s0, method="RK45", events=events,
            dense_output=True, max_step=max_step, rtol=1e-7, atol=[1e-2, 1e-2, 1e-4, 1e-4, 1e-3],
        )
        if sol.status == -1:
            raise TrajectoryError(f"{self.m.name}: the integration failed during {ph.name}: {sol.message}")
        hit = None
        for i, name in enumerate(names):
            if terminal[i] and len(sol.t_events[i]):
                if hit is None or sol.t_events[i][0] < sol.t_events[names.index(hit)][0]:
                    hit = name
        t_end = float(sol.t[-1])
        s_end = sol.y[:, -1].copy()
        run.segments.append(_Segment(ph, t0, t_end, sol.sol))
        for i, name in enumerate(names):
            if not terminal[i]:
                for tm in sol.t_events[i]:
                    run.events.append((name, float(tm), sol.sol(tm), ph))
        if hit is None:
            if stop is None:
                return t_end, s_end, "time"
            raise TrajectoryError(
                f"{self.m.name}: never reached {stop} during {ph.name} within {duration_s:g} s "
                f"(E+{t_end:.1f} s, altitude {self.local(s_end)[0]:.0f} m above the site)"
            )
        _h, up_v, _, _, speed = self.local(s_end)
        if hit == "escape":
            raise TrajectoryError(
                f"{self.m.name}: the vehicle skipped out of the atmosphere during {ph.name} at E+{t_end:.1f} s "
                f"({speed:.0f} m/s); it never lands"
            )
        if hit == "ground" and crash_ok and -up_v > CRASH_SPEED_M_S:
            raise TrajectoryError(
                f"{self.m.name}: crashed: touched down at {-up_v:.0f} m/s (safe limit {CRASH_SPEED_M_S:g} m/s) "
                f"during {ph.name} at E+{t_end:.1f} s; the vehicle never lands safely"
            )
        if hit == "ground" and not crash_ok:
            raise TrajectoryError(
                f"{self.m.name}: hit the ground at {speed:.0f} m/s during {ph.name} at E+{t_end:.1f} s, "
                f"before {stop or 'the end of the phase'}; the vehicle never lands safely"
            )
        return t_end, s_end, hit
