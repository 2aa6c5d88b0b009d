"""Benchmark: peak memory and report size of ``analyze`` (with its report) versus the product's length.

Cases (each in its own subprocess, so the peak RSS ``ru_maxrss`` is that case's alone), on 25 kHz
float32 WAVs of noise, a Doppler-modulated 84.4 Hz tone and a 195 Hz pump (``bench_analyze.make_file``):

* ``marsound``: :func:`marsound.recordings.analysis.analyze_file` with ``out_dir`` (spectrum, tones,
  events, figures, ``summary.json``, ``index.html`` and the Ogg/Vorbis listening copy, at most 10 min),
  on a short and on the long product (the peak must not grow with the length);
* ``baseline``: the same analysis with the previous report's listening copy, a peak-normalised 16-bit
  PCM WAV of the whole input (the writer of marsound main@8dcd4f7, kept verbatim below).

Targets (issue 20): peak < 300 MB on the 60-min product (the previous code: 335 MB) and flat in the
length; the report folder far smaller than the input.

Usage: ``python benchmarks/bench_report.py [--minutes 60] [--short-minutes 10] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import json
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
    from marsound.recordings.analysis import analyze_file
    from marsound.recordings.sources import open_source

    t = time.perf_counter()
    if name == "marsound":
        analyze_file(path, out_dir=out)
    else:
        analyze_file(path, out_dir=out, write_audio=False)
        previous_write_playable_wav(open_source(path), Path(out) / "audio.wav")
    size = sum(p.stat().st_size for p in Path(out).iterdir())
    return {"total_s": time.perf_counter() - t, "report_bytes": size}


def run_case(name: str, path: Path, out: Path) -> dict:
    code = (
        "import json, resource, sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "import bench_report as b\n"
        f"r = b.case({name!r}, {str(path)!r}, {str(out)!r})\n"
        "r['peak_rss_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(json.dumps(r))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if res.returncode:
        raise SystemExit(res.stderr)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--short-minutes", type=float, default=10.0)
    ap.add_argument("--keep", type=Path, default=None, help="folder for the audio files (default: a temp dir)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        files = {}
        for minutes in (args.short_minutes, args.minutes):
            p = folder / f"bench_{minutes:g}min_25k.wav"
            if not p.exists():
                make_file(p, minutes)
            files[minutes] = p
        rows = [
            ("marsound", args.short_minutes, run_case("marsound", files[args.short_minutes], Path(tmp) / "a")),
            ("marsound", args.minutes, run_case("marsound", files[args.minutes], Path(tmp) / "b")),
            ("baseline (16-bit WAV copy)", args.minutes, run_case("baseline", files[args.minutes], Path(tmp) / "c")),
        ]
    print(f"\nanalyze + report of 25 kHz float32 products; input {files[args.minutes].stat().st_size / 1e6:.0f} MB "
          f"for {args.minutes:g} min")  # fmt: skip
    print(f"{'case':28s} {'minutes':>7s} {'time s':>8s} {'peak RSS MB':>12s} {'report MB':>10s}")
    for name, minutes, r in rows:
        print(f"{name:28s} {minutes:7g} {r['total_s']:8.1f} {r['peak_rss_mb']:12.0f} {r['report_bytes'] / 1e6:10.1f}")
    short, long_, base = (r for _, _, r in rows)
    ratio = long_["peak_rss_mb"] / base["peak_rss_mb"]
    print(f"\npeak memory ratio marsound/baseline at {args.minutes:g} min: {ratio:.2f}")
    print(f"peak memory growth {args.short_minutes:g} -> {args.minutes:g} min: "
          f"{long_['peak_rss_mb'] / short['peak_rss_mb']:.2f}x (flat = 1.0)")  # fmt: skip
    print(f"report size ratio marsound/baseline: {long_['report_bytes'] / base['report_bytes']:.3f}")
    ok = long_["peak_rss_mb"] < 300
    print(f"target peak < 300 MB on {args.minutes:g} min (previous code 335 MB): {'MET' if ok else 'NOT MET'}")


if __name__ == "__main__":
    main()
