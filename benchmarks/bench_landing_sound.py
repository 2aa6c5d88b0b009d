"""Benchmark: the whole Perseverance descent soundtrack at 48 kHz, on board and on the ground.

Figures: seconds of audio per second of compute (x real time) and peak memory (``ru_maxrss``) of
``render_descent_sound`` for each listener, against two baselines measured in the same run on the
same length of audio:

* ``numpy-noise``: plain ``numpy`` white Gaussian noise generated block by block and written to
  a float WAV (the floor any noise synthesis pays);
* ``marsound-render``: ``marsound render`` (``render_file``) of that noise file to 1 km on Mars (the
  project's own streaming renderer, one fixed FIR).

Every case runs in its own subprocess pinned to one CPU core (its peak RSS is its own). "Compute"
is the process's CPU time (``time.process_time``, best of ``--repeats``): the machine is shared, and
wall-clock time counts the other processes' turns on the core; wall time is printed beside it.
Targets (issue 14): >= 50x real time on one core, < 300 MB.

The trajectory is ``marsound.landing.trajectory.simulate(get_mission("perseverance"))``, aligned on
the published timeline.

Usage: ``python benchmarks/bench_landing_sound.py [--repeats 2]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, os, resource, sys, time
os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
case, workdir, repeats, root = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
import numpy as np
from marsound.landing.sound import render_descent_sound, plan_descent_sound
kw = {}
source = "marsound.landing.trajectory.simulate(get_mission('perseverance'))"
plan = plan_descent_sound(mission="perseverance", sample_rate_hz=48000, **kw)
seconds = plan.total_samples / 48000
times = []
walls = []
wav = os.path.join(workdir, case + ".wav")
if case == "numpy-noise":
    from marsound.audio import AudioWriter
    for _ in range(repeats):
        t = time.process_time(); t_wall = time.perf_counter()
        rng = np.random.default_rng(0)
        with AudioWriter(wav, 48000, 1) as w:
            left = plan.total_samples
            while left > 0:
                n = min(left, 1 << 18)
                w.write(0.1 * rng.standard_normal(n, dtype=np.float32))
                left -= n
        times.append(time.process_time() - t); walls.append(time.perf_counter() - t_wall)
elif case == "marsound-render":
    from marsound.physics import preset
    from marsound.rendering import render_file
    src = os.path.join(workdir, "numpy-noise.wav")
    for _ in range(repeats):
        t = time.process_time(); t_wall = time.perf_counter()
        render_file(src, wav, 1000.0, preset("jezero"))
        times.append(time.process_time() - t); walls.append(time.perf_counter() - t_wall)
else:
    listener = case.split("-", 1)[1]
    for _ in range(repeats):
        t = time.process_time(); t_wall = time.perf_counter()
        render_descent_sound(wav, mission="perseverance", listener=listener, sample_rate_hz=48000, **kw)
        times.append(time.process_time() - t); walls.append(time.perf_counter() - t_wall)
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"times": times, "walls": walls, "seconds": seconds, "peak_rss_mb": rss_mb, "trajectory": source}))
"""


def run(case: str, workdir: str, repeats: int) -> dict:
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    out = subprocess.run(
        [sys.executable, "-c", CHILD, case, workdir, str(repeats), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()
    cases = ["numpy-noise", "marsound-render", "descent-onboard", "descent-ground"]
    with tempfile.TemporaryDirectory() as tmp:
        res = {c: run(c, tmp, args.repeats) for c in cases}
    seconds = res["descent-onboard"]["seconds"]
    print(f"Perseverance descent, {seconds:.1f} s of audio at 48 kHz, one core")
    print(f"trajectory: {res['descent-onboard']['trajectory']}")
    head = ("case", "CPU [s]", "wall [s]", "x real time", "peak RSS [MB]", "vs numpy-noise", "vs marsound-render")
    print(f"{head[0]:<17}{head[1]:>9}{head[2]:>10}{head[3]:>13}{head[4]:>15}{head[5]:>16}{head[6]:>20}")
    base_noise = min(res["numpy-noise"]["times"])
    base_render = min(res["marsound-render"]["times"])
    for c in cases:
        best = min(res[c]["times"])
        print(
            f"{c:<17}{best:>9.2f}{min(res[c]['walls']):>10.2f}{seconds / best:>13.1f}{res[c]['peak_rss_mb']:>15.0f}"
            f"{base_noise / best:>15.3f}x{base_render / best:>19.3f}x"
        )
    worst = max(min(res[c]["times"]) for c in ("descent-onboard", "descent-ground"))
    mem = max(res[c]["peak_rss_mb"] for c in ("descent-onboard", "descent-ground"))
    speed = "met" if seconds / worst >= 50 else "NOT met"
    print(
        f"targets: >= 50x real time -> {seconds / worst:.1f}x ({speed}); < 300 MB -> {mem:.0f} MB "
        f"({'met' if mem < 300 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
