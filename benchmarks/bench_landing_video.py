"""Benchmark of landing-video alignment speed on rendered 720p and 1080p clips.

For each size a clip is rendered (``marsound.landing.video.synthetic``: an up-look shot with the
parachute's appearance, a cut, a down-look shot with the heat shield falling away; H.264, 30 fps,
seed 21 — not a seed the detectors or the coarse pass were tuned on) with a keyframe every
``--gop-s`` seconds (2 s: the keyframe spacing of streaming encodes, e.g. Apple's HLS authoring
specification), and the same clip re-encoded with libx264's default GOP (250 frames, 8.3 s) as
a second row. Then, in the same run:

* **baseline**: plain PyAV decoding of the same clip, every frame converted to a full-size BGR
  array (``for f in container.decode(video=0): f.to_ndarray(format="bgr24")``) — what a
  detector reading whole frames starts from;
* **decode only**: the same decoding without the conversion (the floor of any reader of every frame);
* **full align**: :func:`~marsound.landing.video.align.align_video` on every frame's measures
  (:func:`~marsound.landing.video.frames.measure_frames`: threaded decode without the deblocking
  filter, frames scaled to 160 px wide) — the alignment before the coarse-to-fine reader;
* **align**: :func:`~marsound.landing.video.align.align_video` as ``marsound landing align``
  runs it (coarse-to-fine: :func:`~marsound.landing.video.scan.scan_frames`), decode, detectors,
  cuts, the fit.

Prints frames per second (clip frames / wall seconds), each against the baseline as a ratio, and
each alignment's speed as a multiple of real time, from wall (CPU, all threads) seconds (target
≥ 5×), plus each map's error at the true event times, in frames, and the share of frames decoded.

Run: ``python benchmarks/bench_landing_video.py [--seconds 30] [--seed 21] [--repeat 2] [--gop-s 2]``
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import av

from marsound.landing.model import Event
from marsound.landing.video.align import align_video
from marsound.landing.video.frames import measure_frames
from marsound.landing.video.scan import scan_frames
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


def _reencode(src: Path, dst: Path, keyint: int | None) -> None:
    """``src`` re-encoded by libx264 (ultrafast, CRF 23) with ``keyint`` frames per GOP (None: its default)."""
    with av.open(str(src)) as i, av.open(str(dst), "w") as o:
        si = i.streams.video[0]
        so = o.add_stream("libx264", rate=si.average_rate)
        so.width, so.height, so.pix_fmt = si.width, si.height, "yuv420p"
        so.options = {"crf": "23", "preset": "ultrafast", **({"g": str(keyint)} if keyint else {})}
        for f in i.decode(si):
            f.pict_type = av.video.frame.PictureType.NONE
            for p in so.encode(f):
                o.mux(p)
        for p in so.encode():
            o.mux(p)


def _map_error_frames(a, truth) -> float:
    return max(
        abs(a.time_map.mission_time(v) - t) * truth.fps
        for t in (240.63, 263.26)
        if (v := truth.video_time(t)) is not None
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=30.0, help="clip length, s (half up-look, half down-look)")
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--repeat", type=int, default=2, help="timings are the best of this many runs")
    ap.add_argument("--gop-s", type=float, default=2.0, help="keyframe spacing of the rendered clips, s")
    ap.add_argument("--no-long-gop", action="store_true", help="skip the libx264-default-GOP rows")
    args = ap.parse_args()
    half = args.seconds / 2
    if half < 13.5:
        ap.error("--seconds must be at least 27 (the heat shield falls at E+263.26 s)")
    fps = 30
    shots = (Shot("up", 237.0, 237.0 + half), Shot("down", 237.0 + half, 237.0 + 2 * half))
    events = [Event(n, t, "published") for n, t in PERSEVERANCE_EVENTS_S.items()]
    events.append(Event("line_stretch", 241.67, "published"))
    print(f"landing-video alignment benchmark: {args.seconds:g} s clips at {fps} fps, seed {args.seed}, "
          f"best of {args.repeat}")
    print("fps = clip frames per wall-clock second; ratio = against the baseline (plain PyAV decode + BGR);")
    print("× real time from wall (CPU) seconds; err = map error at the true event times, frames; "
          "dec = share of frames decoded")
    print(f"{'clip':13s} {'frames':>6s} {'baseline':>8s} {'dec-only':>8s} | {'full align':>10s} {'ratio':>6s} "
          f"{'× real time':>12s} {'err':>5s} | {'align':>6s} {'ratio':>6s} {'× real time':>12s} {'err':>5s} "
          f"{'dec':>4s}")
    with tempfile.TemporaryDirectory() as tmp:
        for label, (w, h) in SIZES.items():
            path = Path(tmp) / f"{label}.mp4"
            keyint = max(1, round(args.gop_s * fps))
            truth = render_descent_video(path, shots=shots, fps=fps, width=w, height=h, crf=23, keyint=keyint,
                                         seed=args.seed)
            clips = [(f"{label} {args.gop_s:g}s", path)]
            if not args.no_long_gop:
                long_path = Path(tmp) / f"{label}_long.mp4"
                _reencode(path, long_path, None)
                clips.append((f"{label} 250f", long_path))
            for name, clip in clips:
                n = _plain_decode(clip, False)
                t_base = _best(lambda p=clip: _plain_decode(p, True), args.repeat)
                t_dec = _best(lambda p=clip: _plain_decode(p, False), args.repeat)
                result: dict = {}

                def full(p=clip, out=result):
                    out["full"] = align_video(p, mission="perseverance", events=events, measures=measure_frames(p))

                def align(p=clip, out=result):
                    out["a"] = align_video(p, mission="perseverance", events=events)

                t_full = _best(full, args.repeat)
                t_al = _best(align, args.repeat)
                decoded = len(scan_frames(clip).time_s) / n
                fps_ = [n / t[0] for t in (t_base, t_dec, t_full, t_al)]

                def rt(t: tuple[float, float], d: float = truth.duration_s) -> str:
                    return f"{d / t[0]:.1f}× ({d / t[1]:.1f}×)"

                print(f"{name:13s} {n:6d} {fps_[0]:8.0f} {fps_[1]:8.0f} | {fps_[2]:10.0f} {fps_[2] / fps_[0]:5.1f}× "
                      f"{rt(t_full):>12s} {_map_error_frames(result['full'], truth):5.2f} | "
                      f"{fps_[3]:6.0f} {fps_[3] / fps_[0]:5.1f}× {rt(t_al):>12s} "
                      f"{_map_error_frames(result['a'], truth):5.2f} {decoded:4.0%}", flush=True)


if __name__ == "__main__":
    main()
