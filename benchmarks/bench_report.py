"""Benchmark: peak memory and report size of ``analyze`` (with its report) versus the product's length.

Cases (each in its own subprocess, so the peak RSS ``ru_maxrss`` is that case's alone), on 25 kHz
float32 WAVs of noise, a Doppler-modulated 84.4 Hz tone and a 195 Hz pump (``bench_analyze.make_file``):

* ``imports only``: the modules ``analyze`` loads (numpy, scipy.signal, soundfile, matplotlib,
  marsound), nothing run: the floor under every other figure;
* ``marsound``: :func:`marsound.recordings.analysis.analyze_file` with ``out_dir`` (spectrum, tones,
  events, figures, ``summary.json``, ``index.html`` and the Ogg/Vorbis listening copy, at most 10 min),
  on a short and on the long product (the peak must not grow with the length);
* ``previous code`` (with ``--previous REF``, e.g. ``main``): the same case run on ``git archive REF``'s
  ``src/`` (put first on ``PYTHONPATH``), so the old and new peaks come from the same run, and the
  tones found on the short product are compared (frequency, level, start, end as in ``summary.json``);
* ``baseline``: the same analysis with the report's first listening copy, a peak-normalised 16-bit
  PCM WAV of the whole input (the writer of marsound main@8dcd4f7, kept verbatim below).

Peaks are printed in MB, above the import floor, and as a fraction of the input file's size.
Targets (issue 20): peak < 300 MB on the 60-min product (main@edf7cc2: 337-375 MB in two runs) and flat in the
length; the report folder far smaller than the input.

Usage: ``python benchmarks/bench_report.py [--minutes 60] [--short-minutes 10] [--keep DIR] [--previous REF]``
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

sys.path.insert(0, str(Path(__file__).parent))
from bench_analyze import make_file


def previous_write_playable_wav(source, path: Path) -> Path:
    """16-bit PCM copy of a source, peak-normalised to 0.9, streamed (the previous report's audio.wav)."""
    import numpy as np

    from marsound.audio import AudioWriter

    peak = 0.0
    for blk in source.iter_mono():
        if blk.size:
            peak = max(peak, float(np.abs(blk).max()))
    gain = 0.9 / peak if peak > 0 else 1.0
    with AudioWriter(path, source.sample_rate_hz, 1, gain=gain, subtype="PCM_16") as out:
        for blk in source.iter_mono():
            out.write(blk)
    return path


def case(name: str, path: str, out: str) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot

    from marsound.recordings.analysis import analyze_file
    from marsound.recordings.sources import open_source

    if name == "imports":  # what the analysis imports lazily, too
        import scipy.fft
        import scipy.ndimage
        import scipy.signal  # noqa: F401
        import soundfile  # noqa: F401

        return {"total_s": 0.0, "report_bytes": 0, "tones": []}
    t = time.perf_counter()
    if name == "marsound":
        summary = analyze_file(path, out_dir=out)
    else:
        summary = analyze_file(path, out_dir=out, write_audio=False)
        previous_write_playable_wav(open_source(path), Path(out) / "audio.wav")
    size = sum(p.stat().st_size for p in Path(out).iterdir())
    tones = [{k: t[k] for k in ("frequency_hz", "level_db", "start_s", "end_s")} for t in summary["tones"]]
    return {"total_s": time.perf_counter() - t, "report_bytes": size, "tones": tones}


def run_case(name: str, path: Path, out: Path, src_dir: Path | None = None) -> dict:
    code = (
        "import json, resource, sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "import bench_report as b\n"
        f"r = b.case({name!r}, {str(path)!r}, {str(out)!r})\n"
        "r['peak_rss_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "import marsound\n"
        "r['marsound'] = marsound.__file__\n"
        "print(json.dumps(r))\n"
    )
    env = dict(os.environ)
    if src_dir is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(src_dir), *filter(None, [env.get("PYTHONPATH")])])
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    if res.returncode:
        raise SystemExit(res.stderr)
    r = json.loads(res.stdout.strip().splitlines()[-1])
    if src_dir is not None and not r["marsound"].startswith(str(src_dir)):
        raise SystemExit(f"previous code not imported: marsound came from {r['marsound']}")
    return r


def export_src(ref: str, dest: Path) -> tuple[Path, str]:
    """``src/`` of git revision ``ref`` extracted into ``dest``; returns it and the commit's short hash."""
    repo = Path(__file__).resolve().parents[1]
    commit = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", ref], capture_output=True, text=True,
                            check=True).stdout.strip()  # fmt: skip
    archive = subprocess.run(["git", "-C", str(repo), "archive", commit, "src"], capture_output=True, check=True)
    dest.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return dest / "src", commit


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--short-minutes", type=float, default=10.0)
    ap.add_argument("--keep", type=Path, default=None, help="folder for the audio files (default: a temp dir)")
    ap.add_argument("--previous", default=None, help="git revision whose src/ is also measured (e.g. main)")
    ap.add_argument("--no-wav-baseline", action="store_true", help="skip the 16-bit WAV copy case (one 60-min run)")
    args = ap.parse_args()
    short_m, long_m = args.short_minutes, args.minutes
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        files = {}
        for minutes in (short_m, long_m):
            p = folder / f"bench_{minutes:g}min_25k.wav"
            if not p.exists():
                make_file(p, minutes)
            files[minutes] = p
        rows = [("imports only", 0.0, run_case("imports", files[short_m], Path(tmp) / "i"))]
        for m in (short_m, long_m):
            rows.append(("marsound", m, run_case("marsound", files[m], Path(tmp) / f"m{m:g}")))
        previous = None
        if args.previous:
            src, commit = export_src(args.previous, Path(tmp) / "previous")
            previous = f"previous code ({args.previous}@{commit})"
            for m in (short_m, long_m):
                rows.append((previous, m, run_case("marsound", files[m], Path(tmp) / f"p{m:g}", src)))
        if not args.no_wav_baseline:
            rows.append(("baseline (16-bit WAV copy)", long_m, run_case("baseline", files[long_m], Path(tmp) / "c")))
    floor = rows[0][2]["peak_rss_mb"]
    size_mb = {m: p.stat().st_size / 1e6 for m, p in files.items()}
    print(f"\nanalyze + report of 25 kHz float32 products; inputs {size_mb[short_m]:.0f} MB ({short_m:g} min), "
          f"{size_mb[long_m]:.0f} MB ({long_m:g} min)")  # fmt: skip
    print(f"{'case':34s} {'minutes':>7s} {'time s':>7s} {'peak RSS MB':>11s} {'above imports':>13s} "
          f"{'peak/input':>10s} {'report MB':>9s}")  # fmt: skip
    for name, minutes, r in rows:
        rel = f"{r['peak_rss_mb'] / size_mb[minutes]:10.2f}" if minutes else f"{'':10s}"
        print(f"{name:34s} {minutes:7g} {r['total_s']:7.1f} {r['peak_rss_mb']:11.0f} {r['peak_rss_mb'] - floor:13.0f} "
              f"{rel} {r['report_bytes'] / 1e6:9.1f}")  # fmt: skip
    by = {(n, m): r for n, m, r in rows}
    short, long_ = by["marsound", short_m], by["marsound", long_m]
    print(f"\nimport floor: {floor:.0f} MB = {floor / long_['peak_rss_mb']:.0%} of the {long_m:g}-min peak")
    growth = long_["peak_rss_mb"] / short["peak_rss_mb"]
    print(f"peak memory growth {short_m:g} -> {long_m:g} min: {growth:.2f}x (flat = 1.0; input {long_m / short_m:g}x)")
    if previous:
        old_s, old_l = by[previous, short_m], by[previous, long_m]
        print(f"peak memory ratio marsound/{previous}: {short['peak_rss_mb'] / old_s['peak_rss_mb']:.2f} at "
              f"{short_m:g} min, {long_['peak_rss_mb'] / old_l['peak_rss_mb']:.2f} at {long_m:g} min")  # fmt: skip
        same = short["tones"] == old_s["tones"]
        print(f"tones on the {short_m:g}-min product: {len(short['tones'])} now, {len(old_s['tones'])} before, "
              f"{'identical' if same else 'DIFFERENT'} (frequency, level, start, end as in summary.json)")  # fmt: skip
    if not args.no_wav_baseline:
        base = by["baseline (16-bit WAV copy)", long_m]
        print(f"report size ratio marsound/16-bit WAV copy: {long_['report_bytes'] / base['report_bytes']:.3f}")
    ok = long_["peak_rss_mb"] < 300 and short["peak_rss_mb"] < 300
    print(f"target peak < 300 MB at {short_m:g} and {long_m:g} min: {'MET' if ok else 'NOT MET'}")


if __name__ == "__main__":
    main()
