"""Benchmark: batch analysis throughput (products per second), local process pool vs Dask clusters.

One synthetic archive (``--products`` small calibrated WAVs, seeded, ``--seconds`` long at 4 kHz)
is analysed by :func:`marsound.recordings.batch.analyze_many` (figures, summary, playable copy: the
full per-product outputs) with:

* ``local pool`` (baseline): the default local process pool, one process per CPU;
* ``dask 1 worker`` and ``dask 2 workers``: a :class:`distributed.LocalCluster` of that many
  single-threaded worker *processes*, products read by path;
* with ``--scheduler tcp://host:port``: also that running cluster (e.g. several machines, see the
  README), products read by path (the archive must be on a filesystem the workers share: use
  ``--archive DIR`` on it), and with ``--upload`` sent by this machine.

Cluster start-up is not timed; workers are warmed (marsound and matplotlib imported) first, as the
pool's processes are forked from a parent that has imported them. Printed per case: products/s,
its ratio to the local pool measured in the same run, and for the Dask clusters the scaling
efficiency ``(rate_k / rate_1) / k`` against the 1-worker cluster. Every case must give the same
table (checked).

Usage: ``python benchmarks/bench_batch.py [--products 200] [--seconds 2] [--scheduler ADDR] [--archive DIR]``
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

FS = 4000.0


def make_archive(folder: Path, n: int, seconds: float) -> list[Path]:
    from marsound.audio import write_float_wav
    from marsound.recordings.synthetic import event_bursts, rotor_tone

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        x = rotor_tone(seconds, FS, frequency_hz=100.0 + (i % 50) * 7.0, harmonics=(), noise_rms=0.002, seed=i)
        x += event_bursts(seconds, FS, ((seconds / 2, 0.02, "impact"),), background_rms=0.0, burst_rms=0.1, seed=i)
        paths.append(write_float_wav(folder / f"product_{i:04d}.wav", x, FS))
    return paths


def _warm() -> None:
    import matplotlib.pyplot  # noqa: F401

    import marsound.recordings.analysis
    import marsound.recordings.plot  # noqa: F401


def _table(rows: list[dict]) -> list[tuple]:
    return sorted((r["path"], r["status"], r["main_tone_hz"], r["n_events"]) for r in rows)


def run_case(paths: list[Path], out: Path, **kw) -> tuple[float, list[tuple]]:
    from marsound.recordings.batch import analyze_many

    t0 = time.perf_counter()
    rows = analyze_many(paths, out, **kw)
    dt = time.perf_counter() - t0
    assert all(r["status"] == "ok" for r in rows), [r["error"] for r in rows if r["status"] != "ok"]
    return dt, _table(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--products", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=2.0, help="length of each product [s]")
    ap.add_argument("--scheduler", help="also run on this running Dask scheduler (tcp://host:port)")
    ap.add_argument("--upload", action="store_true", help="with --scheduler: send the products to the workers")
    ap.add_argument("--archive", type=Path, help="folder for the archive (default: a temporary folder)")
    args = ap.parse_args()

    from distributed import Client, LocalCluster

    from marsound.cluster import check_workers

    _warm()
    tmp = Path(tempfile.mkdtemp(prefix="bench_batch_"))
    try:
        archive = args.archive or tmp / "archive"
        paths = make_archive(archive, args.products, args.seconds)
        print(f"archive: {len(paths)} products of {args.seconds:g} s at {FS:g} Hz in {archive}")
        results: dict[str, float] = {}
        tables = {}

        dt, tables["local pool"] = run_case(paths, tmp / "out_local")
        results["local pool"] = len(paths) / dt
        for k in (1, 2):
            name = f"dask {k} worker{'s' if k > 1 else ''}"
            with LocalCluster(n_workers=k, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
                with Client(cluster) as client:
                    check_workers(client, timeout_s=120)
                    client.run(_warm)
                    dt, tables[name] = run_case(paths, tmp / f"out_dask{k}", client=client)
            results[name] = len(paths) / dt
        if args.scheduler:
            with Client(args.scheduler, timeout=10) as client:
                n = check_workers(client, timeout_s=10)
                name = f"dask {args.scheduler} ({n} workers{', upload' if args.upload else ''})"
                client.run(_warm)
                dt, tables[name] = run_case(paths, tmp / "out_remote", client=client, upload=args.upload)
            results[name] = len(paths) / dt

        ref = tables["local pool"]
        assert all(t == ref for t in tables.values()), "a case gave another table"
        base = results["local pool"]
        one = results["dask 1 worker"]
        print(f"{'case':<34} {'products/s':>10} {'vs local pool':>14} {'scaling eff.':>13}")
        for name, rate in results.items():
            eff = ""
            if name == "dask 2 workers":
                eff = f"{rate / one / 2:.2f}"
            print(f"{name:<34} {rate:>10.2f} {rate / base:>13.2f}x {eff:>13}")
        print("baseline: the local process pool (one process per CPU) measured in this run; all tables agree")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
