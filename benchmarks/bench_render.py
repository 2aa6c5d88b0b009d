"""Benchmark: streaming render of a 10-minute 48 kHz mono file to a file at 50 m (Mars, Jezero).

Baseline, measured in the same run: ``scipy.signal.oaconvolve`` applying the same FIR to the whole
array in memory (float32). Every case runs in its own subprocess pinned to one CPU core, so its
peak RSS (``ru_maxrss``) is its own; times are the best of ``--repeats`` runs inside that process.
A 60-minute file checks that peak memory does not grow with the length of the file.

Targets (issue 3): >= 1000x real time on one core; >= 0.8x oaconvolve's in-memory speed while
streaming disk to disk; peak memory < 300 MB at any length.

Usage: ``python benchmarks/bench_render.py [--repeats 3] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FS = 48_000
DISTANCE_M = 50.0

CHILD = r"""
import json, os, resource, sys, time
os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
case, path, out, repeats = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
import numpy as np, soundfile as sf
from marsound.physics import preset
from marsound.rendering import design_propagation_filter, render_file
atm = preset("jezero")
flt = design_propagation_filter(48000, 50.0, atm)
times = []
if case == "oaconvolve":
    from scipy.signal import oaconvolve
    x, fs = sf.read(path, dtype="float32")
    h = flt.fir.astype(np.float32)
    oaconvolve(x[:48000], h)  # warm-up (plans, imports)
    for _ in range(repeats):
        t = time.perf_counter(); y = oaconvolve(x, h); times.append(time.perf_counter() - t)
        assert y.dtype == np.float32
        del y
else:
    for _ in range(repeats):
        t = time.perf_counter(); render_file(path, out, 50.0, atm); times.append(time.perf_counter() - t)
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"times": times, "peak_rss_mb": rss_mb, "taps": flt.num_taps}))
"""


def make_input(path: Path, minutes: float) -> float:
    """AR(1)-coloured noise plus a 440 Hz tone, float32 WAV, written in blocks; returns seconds."""
    import numpy as np
    import soundfile as sf

    n = int(minutes * 60 * FS)
    if path.is_file() and sf.info(path).frames == n:  # reuse (with --keep)
        return n / FS
    rng = np.random.default_rng(0)
    block = 10 * FS
    with sf.SoundFile(path, "w", FS, 1, "FLOAT", format="RF64" if n * 4 > 4e9 else "WAV") as f:
        for start in range(0, n, block):
            m = min(block, n - start)
            t = (start + np.arange(m)) / FS
            noise = rng.standard_normal(m)
            noise = np.cumsum(noise) * 0.01 - np.convolve(np.cumsum(noise) * 0.01, np.ones(64) / 64, "same")
            f.write((0.2 * noise + 0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32).clip(-0.99, 0.99))
    return n / FS


def run_case(case: str, path: Path, out: Path, repeats: int) -> dict:
    res = subprocess.run(
        [sys.executable, "-c", CHILD, case, str(path), str(out), str(repeats)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--keep", type=Path, default=None, help="folder for the test files (default: a temp folder)")
    args = ap.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="bench_render_"))
    folder.mkdir(parents=True, exist_ok=True)
    ten, sixty = folder / "in_10min.wav", folder / "in_60min.wav"
    t = time.perf_counter()
    dur10 = make_input(ten, 10)
    dur60 = make_input(sixty, 60)
    print(f"inputs written in {time.perf_counter() - t:.1f} s to {folder}")
    base = run_case("oaconvolve", ten, folder / "unused.wav", args.repeats)
    rend = run_case("render", ten, folder / "out_10min.wav", args.repeats)
    long = run_case("render", sixty, folder / "out_60min.wav", 1)
    b, r, lg = min(base["times"]), min(rend["times"]), min(long["times"])
    print(f"\nFIR: {rend['taps']} taps (Mars, Jezero, {DISTANCE_M:g} m, 48 kHz); one CPU core per case")
    print(f"{'case':58s} {'best [s]':>9s} {'x real time':>12s} {'peak RSS [MB]':>14s}")
    rows = [
        ("scipy.signal.oaconvolve, whole array in memory (baseline)", b, dur10, base["peak_rss_mb"]),
        ("marsound render_file, 10 min, WAV -> WAV streaming", r, dur10, rend["peak_rss_mb"]),
        ("marsound render_file, 60 min, WAV -> WAV streaming", lg, dur60, long["peak_rss_mb"]),
    ]
    for name, tm, dur, rss in rows:
        print(f"{name:58s} {tm:9.3f} {dur / tm:12.0f} {rss:14.0f}")
    print(f"\nstreaming disk-to-disk speed / oaconvolve in-memory speed: {b / r:.2f}x (target >= 0.8x)")
    print(f"times real time (10 min): {dur10 / r:.0f}x (target >= 1000x)")
    print(f"peak memory, 60-min file: {long['peak_rss_mb']:.0f} MB (target < 300 MB)")
    print("all times (s):", {"oaconvolve": base["times"], "render_10min": rend["times"], "render_60min": long["times"]})
    if args.keep is None:
        for p in folder.iterdir():
            os.remove(p)
        folder.rmdir()


if __name__ == "__main__":
    main()
