"""Benchmark: rendering a 48 kHz mono file at 50 m (Mars, Jezero) against SoX and scipy, 10 and 60 minutes.

Baselines, measured in the same run:

* **SoX** (``sox in.wav out.wav fir taps.txt``: the same FIR taps, no physics) timed as a whole
  process against the whole ``marsound render`` command (start-up, imports, filter design, reading,
  filtering, writing, sidecar), in pairs (marsound, SoX, marsound, SoX, ...), median of the pairs;
  wall time and CPU time (user + system) and peak RSS of each process, from ``os.wait4``. SoX is
  installed with ``apt-get install -y sox`` where it is missing (as root); if it cannot be, that
  part is skipped with a printed note.
* ``scipy.signal.oaconvolve`` applying the same FIR to the whole array in memory (float32), against
  the streaming engine (``StreamingFilter``) on the same array in ``render_file``'s block size, and
  against ``render_file`` streaming disk to disk, each in the same kind of process (pinned to one
  core; best of ``--repeats``; wall and CPU time).
* The moving-source path (``render_file`` with a trajectory: a 2-minute pass-by) as times real time
  (wall and CPU), against the static render of the same file in the same process (alternating,
  best of ``--repeats``).

Targets (issue 18): marsound CLI <= 1.0x SoX's wall time on both lengths; streaming >= 0.8x
oaconvolve's speed; peak memory < 100 MB on the 60-minute file; moving source >= 100x real time.
The machine's load is printed (at the start and the end): on a shared machine, quote the CPU
ratios beside the wall ones. marsound is byte-compiled first (as an installed copy is).

Usage: ``python benchmarks/bench_render.py [--repeats 3] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
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
times, cpus, extra = [], [], {}
if case == "taps":
    np.savetxt(out, flt.fir, fmt="%.9e")
elif case == "oaconvolve":
    from scipy.signal import oaconvolve
    x, fs = sf.read(path, dtype="float32")
    h = flt.fir.astype(np.float32)
    oaconvolve(x[:48000], h)  # warm-up (plans, imports)
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time(); y = oaconvolve(x, h)
        times.append(time.perf_counter() - t); cpus.append(time.process_time() - c)
        assert y.dtype == np.float32
        del y
elif case == "engine":
    # the streaming engine alone on the same in-memory array, in render_file's block size and buffers
    from marsound.audio import DEFAULT_BLOCK_FRAMES
    from marsound.rendering import StreamingFilter
    from marsound.rendering.pipeline import BUFFERS
    x, fs = sf.read(path, dtype="float32", always_2d=True)
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        eng = StreamingFilter(flt.fir, 1, integer_delay=flt.integer_delay, buffers=BUFFERS)  # as render_file
        for i in range(0, len(x), DEFAULT_BLOCK_FRAMES):
            eng.process(x[i : i + DEFAULT_BLOCK_FRAMES])
        eng.flush()
        times.append(time.perf_counter() - t); cpus.append(time.process_time() - c)
elif case == "moving":
    # the pass-by, alternating with its baseline: the static render of the same file (50 m), in the
    # same process; wall and CPU (process_time: all threads) of each
    from marsound.rendering.moving import trajectory_from_points
    dur = sf.info(path).duration
    traj = trajectory_from_points([0.0, dur / 2, dur], [200.0, 10.0, 200.0])  # a pass-by
    render_file(path, out, 50.0, atm)  # warm-up (imports, FFT plans)
    static, static_cpus = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time(); render_file(path, out, None, atm, trajectory=traj)
        times.append(time.perf_counter() - t); cpus.append(time.process_time() - c)
        t, c = time.perf_counter(), time.process_time(); render_file(path, out, 50.0, atm)
        static.append(time.perf_counter() - t); static_cpus.append(time.process_time() - c)
    extra = {"static": static, "static_cpus": static_cpus}
else:
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time(); render_file(path, out, 50.0, atm)
        times.append(time.perf_counter() - t); cpus.append(time.process_time() - c)
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"times": times, "cpus": cpus, "peak_rss_mb": rss_mb, "taps": flt.num_taps, **extra}))
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


def compile_package() -> None:
    """Byte-compile marsound first, as ``pip install`` does: timed runs must not compile its modules.

    (An editable checkout run with ``PYTHONDONTWRITEBYTECODE=1`` would compile every module it
    imports on every run: a quarter of a second that no installed copy pays.)
    """
    import compileall

    import marsound

    compileall.compile_dir(str(Path(marsound.__file__).parent), quiet=1)


def find_sox() -> str | None:
    """Path of ``sox``, installing the Debian package where it is missing (as root); None if unavailable."""
    sox = shutil.which("sox")
    if sox is None and shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        print("sox not found: apt-get install -y sox ...")
        subprocess.run(["apt-get", "install", "-y", "-q", "sox"], check=False, capture_output=True)
        sox = shutil.which("sox")
    return sox


def marsound_command() -> list[str]:
    """The installed ``marsound`` command (the console script beside this Python), else ``python -m``."""
    script = Path(sys.executable).with_name("marsound")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "marsound.cli.main"]


def timed_process(cmd: list[str]) -> tuple[float, float, float]:
    """Run ``cmd`` as a whole process: (wall s, cpu s = user + system, peak RSS MB)."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err.strip()}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def paired(cmd_a: list[str], cmd_b: list[str], pairs: int) -> dict[str, float]:
    """A, B, A, B, ... after one warm-up each; medians of each figure and of the per-pair ratios."""
    timed_process(cmd_a)
    timed_process(cmd_b)
    rows = []
    for _ in range(pairs):
        a, b = timed_process(cmd_a), timed_process(cmd_b)
        rows.append((*a, *b, a[0] / b[0], a[1] / b[1]))
    med = [statistics.median(col) for col in zip(*rows)]
    keys = ("a_wall", "a_cpu", "a_rss", "b_wall", "b_cpu", "b_rss", "wall_ratio", "cpu_ratio")
    return dict(zip(keys, med))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3, help="pairs of whole-process runs; in-process repeats")
    ap.add_argument("--keep", type=Path, default=None, help="folder for the test files (default: a temp folder)")
    ap.add_argument("--make-inputs", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="bench_render_"))
    folder.mkdir(parents=True, exist_ok=True)
    ten, sixty, two = folder / "in_10min.wav", folder / "in_60min.wav", folder / "in_2min.wav"
    minutes = {ten: 10, sixty: 60, two: 2}
    if args.make_inputs:
        for path, m in minutes.items():
            make_input(path, m)
        return
    compile_package()
    t = time.perf_counter()
    # the inputs are made in a child, so this process stays small: a child's peak RSS counts the
    # parent's pages until it execs
    subprocess.run([sys.executable, __file__, "--make-inputs", "--keep", str(folder)], check=True)
    dur = {path: 60.0 * m for path, m in minutes.items()}
    print(f"inputs written in {time.perf_counter() - t:.1f} s to {folder}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {os.cpu_count()} CPUs, load average {load:.1f} (wall times are noisy when it exceeds the CPUs)")
    taps = folder / "taps.txt"
    info = run_case("taps", ten, taps, 1)
    print(f"FIR: {info['taps']} taps (Mars, Jezero, {DISTANCE_M:g} m, 48 kHz)")

    # 1. whole processes: marsound render vs SoX fir, same taps, same files
    sox = find_sox()
    cli_rows = []
    if sox is None:
        print("\nnote: SoX is not installed and could not be installed: the SoX comparison is skipped")
    else:
        print(f"\nwhole processes, {args.repeats} pairs (marsound, SoX, ...), medians; not pinned")
        print(f"{'file':8s} {'marsound wall/cpu [s]':>22s} {'SoX wall/cpu [s]':>17s} {'wall ratio':>11s} "
              f"{'cpu ratio':>10s} {'peak MB (m/SoX)':>16s}")
        for name, path in (("10 min", ten), ("60 min", sixty)):
            out_m, out_s = folder / f"out_{path.stem}.wav", folder / f"sox_{path.stem}.wav"
            cmd_m = [*marsound_command(), "render", str(path), str(out_m), "-d", f"{DISTANCE_M:g}"]
            cmd_m += ["--preset", "jezero"]
            cmd_s = [sox, str(path), str(out_s), "fir", str(taps)]
            r = paired(cmd_m, cmd_s, args.repeats)
            cli_rows.append((name, r))
            print(f"{name:8s} {r['a_wall']:10.2f} / {r['a_cpu']:9.2f} {r['b_wall']:8.2f} / {r['b_cpu']:6.2f} "
                  f"{r['wall_ratio']:10.2f}x {r['cpu_ratio']:9.2f}x {r['a_rss']:7.0f} / {r['b_rss']:5.0f}")
            out_s.unlink(missing_ok=True)

    # 2. in-process: streaming render_file vs oaconvolve in memory; moving source
    base = run_case("oaconvolve", ten, folder / "unused.wav", args.repeats)
    engine = run_case("engine", ten, folder / "unused.wav", args.repeats)
    rend = run_case("render", ten, folder / "out_10min.wav", args.repeats)
    long = run_case("render", sixty, folder / "out_60min.wav", 1)
    moving = run_case("moving", two, folder / "out_moving.wav", args.repeats)
    b, r, lg, mv = min(base["times"]), min(rend["times"]), min(long["times"]), min(moving["times"])
    bc, rc = min(base["cpus"]), min(rend["cpus"])
    print(f"\nin one process pinned to one core, best of {args.repeats}")
    print(f"{'case':58s} {'best [s]':>9s} {'cpu [s]':>8s} {'x real time':>12s} {'peak RSS [MB]':>14s}")
    rows = [
        ("scipy.signal.oaconvolve, whole array in memory (baseline)", b, bc, dur[ten], base["peak_rss_mb"]),
        ("marsound StreamingFilter, same array in memory, 10 min", min(engine["times"]), min(engine["cpus"]),
         dur[ten], engine["peak_rss_mb"]),
        ("marsound render_file, 10 min, WAV -> WAV streaming", r, rc, dur[ten], rend["peak_rss_mb"]),
        ("marsound render_file, 60 min, WAV -> WAV streaming", lg, min(long["cpus"]), dur[sixty], long["peak_rss_mb"]),
        ("marsound render_file, moving source, 2 min", mv, min(moving["cpus"]), dur[two], moving["peak_rss_mb"]),
    ]
    for name, tm, cpu, d, rss in rows:
        print(f"{name:58s} {tm:9.3f} {cpu:8.3f} {d / tm:12.0f} {rss:14.0f}")

    print("\nratios")
    for name, cr in cli_rows:
        print(f"marsound render / SoX fir, {name}: wall {cr['wall_ratio']:.2f}x, cpu {cr['cpu_ratio']:.2f}x "
              "(target wall <= 1.0x)")
    print(f"streaming engine in memory / oaconvolve in memory: {b / min(engine['times']):.2f}x wall, "
          f"{bc / min(engine['cpus']):.2f}x cpu (target >= 0.8x)")
    print(f"streaming disk-to-disk speed / oaconvolve in-memory speed: {b / r:.2f}x wall, {bc / rc:.2f}x cpu "
          "(reading and writing 2 x 115 MB included)")
    peak60 = max([long["peak_rss_mb"]] + [cr["a_rss"] for n, cr in cli_rows if n == "60 min"])
    print(f"peak memory, 60-min file (in-process and CLI): {peak60:.0f} MB (target < 100 MB)")
    best = min(range(len(moving["times"])), key=lambda i: moving["times"][i])
    mv_cpu, st, st_cpu = moving["cpus"][best], min(moving["static"]), min(moving["static_cpus"])
    print(f"moving source (2-min pass-by 200-10-200 m): {dur[two] / mv:.0f}x real time wall, "
          f"{dur[two] / mv_cpu:.0f}x by CPU time (target >= 100x)")
    print(f"  baseline, static render of the same file at 50 m, same process: {dur[two] / st:.0f}x wall, "
          f"{dur[two] / st_cpu:.0f}x CPU; moving / static time: wall {mv / st:.2f}x, CPU {mv_cpu / st_cpu:.2f}x")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average at the end: {load:.1f}")
    if args.keep is None:
        for p in folder.iterdir():
            os.remove(p)
        folder.rmdir()


if __name__ == "__main__":
    main()
