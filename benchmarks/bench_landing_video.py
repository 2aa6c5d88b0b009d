"""Benchmark of landing-video alignment speed on rendered 720p and 1080p clips.

For each size a clip is rendered (``marsound.landing.video.synthetic``: an up-look shot with the
parachute's appearance, a cut, a down-look shot with the heat shield falling away; H.264, 30 fps,
seed 21 — not a seed the detectors were tuned on). Then, in the same run:

* **baseline**: plain PyAV decoding of the same clip, every frame converted to a full-size BGR
  array (``for f in container.decode(video=0): f.to_ndarray(format="bgr24")``) — what a
  detector reading whole frames starts from;
* **decode only**: the same decoding without the conversion (the floor of any frame reader);
* **detection**: :func:`marsound.landing.video.frames.measure_frames` (threaded decode without
  the deblocking filter, frames scaled to 160 px wide) + :func:`~.detect.detect_events`;
* **alignment**: :func:`marsound.landing.video.align.align_video`, the whole ``marsound landing
  align`` work (decode, detectors, cuts, the fit).

Prints frames per second, each against the baseline as a ratio, and the alignment's speed as a
multiple of real time (target ≥ 5×), plus the map's error at the true event times, in frames.

Run: ``python benchmarks/bench_landing_video.py [--seconds 30] [--seed 21] [--repeat 2]``
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import av

from marsound.landing.model import Event
from marsound.landing.video.align import align_video
from marsound.landing.video.detect import detect_events
from marsound.landing.video.frames import measure_frames
from marsound.landing.video.synthetic import PERSEVERANCE_EVENTS_S, Shot, render_descent_video

SIZES = {"720p": (1280, 720), "1080p": (1920, 1080)}


def _best(fn, repeat: int) -> tuple[float, float]:
    """Best wall time and best CPU time (all threads) of ``repeat`` runs, s."""
    wall, cpu = float("inf"), float("inf")
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall, cpu = min(wall, time.perf_counter() - t0), min(cpu, time.process_time() - c0)
    return wall, cpu


def _plain_decode(path: Path, convert: bool) -> int:
    n = 0
    with av.open(str(path)) as c:
        for f in c.decode(video=0):
            if convert:
                f.to_ndarray(format="bgr24")
            n += 1
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=30.0, help="clip length, s (half up-look, half down-look)")
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--repeat", type=int, default=2, help="timings are the best of this many runs")
    args = ap.parse_args()
    half = args.seconds / 2
    if half < 13.5:
        ap.error("--seconds must be at least 27 (the heat shield falls at E+263.26 s)")
    shots = (Shot("up", 237.0, 237.0 + half), Shot("down", 237.0 + half, 237.0 + 2 * half))
    events = [Event(n, t, "published") for n, t in PERSEVERANCE_EVENTS_S.items()]
    events.append(Event("line_stretch", 241.67, "published"))
    print(f"landing-video alignment benchmark: {args.seconds:g} s clips at 30 fps, seed {args.seed}, "
          f"best of {args.repeat}")
    print("fps = frames per wall-clock second; ratio = against the baseline; real time from wall (CPU) seconds")
    print(f"{'clip':6s} {'frames':>6s} {'baseline fps':>12s} {'decode-only':>12s} {'detection fps':>14s} "
          f"{'ratio':>6s} {'align fps':>10s} {'ratio':>6s} {'× real time':>16s} {'map err [frames]':>17s}")
    with tempfile.TemporaryDirectory() as tmp:
        for label, (w, h) in SIZES.items():
            path = Path(tmp) / f"{label}.mp4"
            truth = render_descent_video(path, shots=shots, fps=30, width=w, height=h, crf=23, seed=args.seed)
            n = _plain_decode(path, False)
            t_base = _best(lambda p=path: _plain_decode(p, True), args.repeat)
            t_dec = _best(lambda p=path: _plain_decode(p, False), args.repeat)
            t_det = _best(lambda p=path: detect_events(measure_frames(p)), args.repeat)
            result: dict = {}

            def align(p=path, out=result):
                out["a"] = align_video(p, mission="perseverance", events=events)

            t_al = _best(align, args.repeat)
            a = result["a"]
            err = max(
                abs(a.time_map.mission_time(v) - t) * truth.fps
                for t in (240.63, 263.26)
                if (v := truth.video_time(t)) is not None
            )
            fps = [n / t[0] for t in (t_base, t_dec, t_det, t_al)]
            rt = f"{truth.duration_s / t_al[0]:.1f}× ({truth.duration_s / t_al[1]:.1f}×)"
            print(f"{label:6s} {n:6d} {fps[0]:12.0f} {fps[1]:12.0f} {fps[2]:14.0f} {fps[2] / fps[0]:5.1f}× "
                  f"{fps[3]:10.0f} {fps[3] / fps[0]:5.1f}× {rt:>16s} {err:17.2f}")


if __name__ == "__main__":
    main()
