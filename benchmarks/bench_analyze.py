"""Benchmark: spectrogram + tone tracking of one hour of 25 kHz audio read from disk.

Cases (each in its own subprocess, so the peak RSS ``ru_maxrss`` is that case's alone):

* ``marsound (streaming)``: :func:`marsound.recordings.spectral_summary` (2048-point Hann frames,
  hop 1024, spectrogram averaged to 2000 columns + Welch PSD + band levels) and
  :func:`marsound.recordings.track_tones` (4 s windows, 0.5 s hop, 4x zero padding, 20-1000 Hz),
  both streamed from the WAV file block by block.
* ``baseline scipy (in memory)``: ``soundfile.read`` of the whole file, then
  ``scipy.signal.ShortTimeFFT`` spectrogram with the same frames (full resolution, as scipy
  returns it), and for the tones ``scipy.signal.decimate`` by 10 plus a ``ShortTimeFFT`` with the
  same 4 s / 0.5 s / 4x framing and a per-frame peak pick.

Targets (issue 4): marsound time within 1.5x of the baseline's, marsound peak memory < 300 MB.

Usage: ``python benchmarks/bench_analyze.py [--minutes 60] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FS = 25_000


def make_file(path: Path, minutes: float) -> None:
    """An hour of 25 kHz float32 WAV: noise, an 84.4 Hz Doppler-modulated tone, 195 Hz pump, written in blocks."""
    import numpy as np
    import soundfile as sf

    rng = np.random.default_rng(0)
    n = int(minutes * 60 * FS)
    block = 10 * FS
    phase = 0.0
    with sf.SoundFile(str(path), "w", samplerate=FS, channels=1, subtype="FLOAT", format="WAV") as fh:
        for a in range(0, n, block):
            m = min(block, n - a)
            t = (a + np.arange(m)) / FS
            f = 84.4 * (1 + 0.005 * np.sin(2 * np.pi * t / 120))
            ph = phase + 2 * np.pi * np.cumsum(f) / FS
            phase = float(ph[-1])
            x = 0.05 * np.sin(ph) + 0.01 * np.sin(2 * np.pi * 195.0 * t) + 0.02 * rng.standard_normal(m)
            fh.write(x.astype(np.float32))


def case_marsound(path: str) -> dict:
    from marsound.recordings import spectral_summary, track_tones

    t0 = time.perf_counter()
    s = spectral_summary(path, nperseg=2048, hop=1024, max_columns=2000)
    t1 = time.perf_counter()
    tracks = track_tones(path, fmin_hz=20, fmax_hz=1000, window_s=4.0, hop_s=0.5, zero_pad=4)
    t2 = time.perf_counter()
    return {
        "spectrogram_s": t1 - t0,
        "tones_s": t2 - t1,
        "frames": int(s.psd.n_frames),
        "main_tones_hz": sorted(round(t.frequency_hz, 3) for t in tracks[:2]),
    }


def case_baseline(path: str) -> dict:
    import numpy as np
    import soundfile as sf
    from scipy.signal import ShortTimeFFT, decimate
    from scipy.signal.windows import hann

    t0 = time.perf_counter()
    x, fs = sf.read(path, dtype="float32")
    stft = ShortTimeFFT(hann(2048, sym=False), hop=1024, fs=fs, scale_to="psd")
    sx = stft.spectrogram(x, p0=0, p1=(x.size - 2048) // 1024 + 1, k_offset=1024)
    t1 = time.perf_counter()
    q = 10
    y = decimate(x, q, ftype="iir", zero_phase=False)
    fs2 = fs / q
    nper = int(4.0 * fs2)
    hop = int(0.5 * fs2)
    st2 = ShortTimeFFT(hann(nper, sym=False), hop=hop, fs=fs2, mfft=4 * nper, scale_to="magnitude")
    s2 = np.abs(st2.stft(y, p0=0, p1=(y.size - nper) // hop + 1, k_offset=nper // 2))
    f2 = st2.f
    band = (f2 >= 20) & (f2 <= 1000)
    peak = f2[band][np.argmax(s2[band], axis=0)]
    t2 = time.perf_counter()
    return {
        "spectrogram_s": t1 - t0,
        "tones_s": t2 - t1,
        "frames": int(sx.shape[1]),
        "main_tones_hz": [round(float(np.median(peak)), 3)],
    }


def run_case(name: str, path: str) -> dict:
    code = (
        "import json, resource, sys, time\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "import bench_analyze as b\n"
        "t = time.perf_counter()\n"
        f"r = b.case_{name}({path!r})\n"
        "r['total_s'] = time.perf_counter() - t\n"
        "r['peak_rss_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(json.dumps(r))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--keep", type=Path, default=None, help="Folder for the audio file (default: a temp dir).")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"bench_{args.minutes:g}min_25k.wav"
        if not path.exists():
            t = time.perf_counter()
            make_file(path, args.minutes)
            print(f"wrote {path} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f} s")
        run_case("marsound", str(path))  # warm the page cache and imports once (untimed)
        res = {name: run_case(name, str(path)) for name in ("marsound", "baseline")}
    m, b = res["marsound"], res["baseline"]
    print(f"\n{args.minutes:g} min of 25 kHz float32 audio from disk; spectrogram (2048/1024 Hann) + tone tracking")
    print(f"{'case':30s} {'spectrogram s':>14s} {'tones s':>8s} {'total s':>8s} {'peak RSS MB':>12s}  tones [Hz]")
    for name, r in (("marsound (streaming)", m), ("baseline scipy (in memory)", b)):
        print(f"{name:30s} {r['spectrogram_s']:14.2f} {r['tones_s']:8.2f} {r['total_s']:8.2f} "
              f"{r['peak_rss_mb']:12.0f}  {r['main_tones_hz']}")  # fmt: skip
    ratio = m["total_s"] / b["total_s"]
    print(f"\ntime ratio marsound/baseline: {ratio:.2f} (target <= 1.5) -> {'OK' if ratio <= 1.5 else 'MISSED'}")
    print(f"marsound peak memory: {m['peak_rss_mb']:.0f} MB (target < 300) -> "
          f"{'OK' if m['peak_rss_mb'] < 300 else 'MISSED'}; baseline {b['peak_rss_mb']:.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
