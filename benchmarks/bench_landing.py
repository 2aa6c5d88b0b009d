"""Benchmark of the EDL model: wall time per mission and simulated vs published events.

Speed: a full simulation (entry interface to touchdown, 0.1 s samples) per mission, median of
``--repeat`` runs after one warm-up, as a ratio to the 1 s target; the first (cold) run, which
also builds the atmosphere table from the physics core, is shown too.

Accuracy: the baseline is each mission's published timeline (Perseverance: the reconstruction
from NAIF's EDL kernels; Curiosity: NASA's milestones; Zhurong: CNSA's timeline). For every event
both simulated and published: the error in seconds and its ratio to the published uncertainty
(|error| / tolerance <= 1 is inside it). Rows marked ``fit`` are targets of the fitted parameters
(one of the row's numbers, its time or a state value, agrees by construction); the others are
predictions of the model.

Usage: ``python benchmarks/bench_landing.py [--repeat 5]``
"""

from __future__ import annotations

import argparse
import statistics
import time

from marsound.landing.missions import MISSION_NAMES, get_mission
from marsound.landing.trajectory import simulate
from marsound.landing.trajectory_fit import FIT_PLANS
from marsound.landing.trajectory_io import compare_events

TARGET_S = 1.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    print(f"{'mission':14s} {'cold s':>8s} {'median s':>9s} {'/ target 1 s':>13s} {'samples':>8s}")
    trajectories = {}
    for name in MISSION_NAMES:
        t0 = time.perf_counter()
        trajectories[name] = simulate(name)
        cold = time.perf_counter() - t0
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            simulate(name)
            times.append(time.perf_counter() - t0)
        med = statistics.median(times)
        print(f"{name:14s} {cold:8.3f} {med:9.3f} {med / TARGET_S:13.2f} {trajectories[name].time_s.size:8d}")

    print()
    print("simulated vs published (baseline: the published timeline)")
    print(f"{'mission':13s} {'event':24s} {'sim E+s':>8s} {'pub E+s':>8s} {'err s':>7s} {'tol s':>6s} "
          f"{'|err|/tol':>9s}  state (sim / pub)")
    for name, tr in trajectories.items():
        m = get_mission(name)
        fitted = {ft.event for ft in FIT_PLANS[name]}
        for row in compare_events(tr, m):
            tol = row["tolerance_s"]
            ratio = f"{abs(row['error_s']) / tol:9.2f}" if tol else f"{'-':>9s}"  # type: ignore[operator]
            states = []
            for key in ("altitude_m", "altitude_areoid_m", "speed_m_s", "mach", "dynamic_pressure_pa",
                        "deceleration_m_s2", "vertical_speed_m_s"):
                if f"published_{key}" in row:
                    states.append(f"{key} {row[f'simulated_{key}']:.4g} / {row[f'published_{key}']:.4g}")
            tag = " fit" if row["name"] in fitted else ""
            print(f"{name:13s} {row['name']:24s} {row['simulated_s']:8.1f} {row['published_s']:8.1f} "
                  f"{row['error_s']:+7.1f} {tol if tol else '-':>6} {ratio}{tag:4s} {'; '.join(states)}")
        if name == "perseverance":
            alt = float(tr.sample("altitude_m", 254.4))
            print(f"{name:13s} {'LCAM altitude @E+254.4':24s} {alt:8.0f} {11230.0:8.0f} m, error {alt - 11230:+.0f} m "
                  f"(tolerance 1000 m){' fit' if 'lcam_first_image' in {ft.event for ft in FIT_PLANS[name]} else ''}")


if __name__ == "__main__":
    main()
