"""Benchmark of the parachute-code image decoder on realistic rendered frames and NASA's real one.

Frames come from :mod:`chute_scenes` (beside this file; independent of the decoder: it uses the
spec constants and the bit encoder only): an inflated canopy under perspective with saw-tooth
seams, the dark gap and vent, suspension lines, bundles, bridle and struts, colours measured on
NASA's frame, JPEG, and a ``video`` tier downscaled to 400-600 px and passed through H.264.

Each frame is decoded by two decoders measured in the same run, image by image, interleaved so
that both see the same machine load:

* **this tree**: ``marsound`` as installed (the decoder under test);
* **baseline**: the decoder of a git ref (``--baseline-ref``, default ``main``), its
  ``src/marsound`` exported with ``git archive`` into a temporary folder.

Both run in worker processes through the public API (``decode_image(...).to_json()``, the ``marsound
chute decode`` contract). Seeds 1-6 were used for tuning; seeds 7, 11, 13 and 17 never were (their
failures are counted, never printed; 13 and 17 were first run on 2026-11-30). Reports per tier and
seed group: exact-message rate (texts and reading direction), the same on frames where no data gore
is hidden (under 10 % visible: no decoder can read those exactly), wrong messages with confidence
over 0.5 and the highest confidence of a wrong message, and the median wall and CPU time per
megapixel.

Run: ``python benchmarks/bench_chute.py [--n-per-tier 20] [--seeds 1,2,7,11] [--baseline-ref main]``
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
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import chute_scenes

TUNED_SEEDS = (1, 2, 3, 4, 5, 6)
"""Seeds the decoder was tuned on (3-6 also fitted the confidence calibration); any seed not in
:data:`UNTUNED_SEEDS` counts as tuned (documentation: the grouping uses UNTUNED_SEEDS)."""
UNTUNED_SEEDS = (7, 11, 13, 17)
"""Seeds never used for tuning (their failures are counted, never printed): report on them."""
DEFAULT_SEEDS = (1, 2, 7, 11)
REPO = Path(__file__).resolve().parents[1]
REAL_FRAME = REPO / "tests" / "data" / "perseverance_parachute_EBF_0001_0667022756.jpg"
REAL_TEXTS = ["DARE", "MIGHTY", "THINGS", "34 11 58 N 118 10 31 W"]
WRONG_CONFIDENCE = 0.5


# ----------------------------------------------------------------------------- worker


def worker() -> None:
    """Decode image paths read from stdin (one per line); one JSON result per line on stdout."""
    from marsound.chute.image import decode_image

    for line in sys.stdin:
        path = line.strip()
        if not path:
            continue
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            j = decode_image(path).to_json()
            res = {
                "texts": [r["text"] for r in j["rings"]],
                "direction": j["direction"],
                "confidence": float(j["confidence"]),
            }
        except Exception as exc:  # no canopy found, or a crash: both count as "no message"
            res = {"texts": [], "direction": None, "confidence": 0.0, "error": f"{type(exc).__name__}: {exc}"}
        res["wall_s"] = time.perf_counter() - t0
        res["cpu_s"] = time.process_time() - c0
        print(json.dumps(res), flush=True)


class Decoder:
    """A worker process decoding with the ``marsound`` found on ``pythonpath`` (None: installed)."""

    def __init__(self, name: str, pythonpath: str | None, script: str = __file__) -> None:
        self.name = name
        env = dict(os.environ)
        if pythonpath is not None:
            env["PYTHONPATH"] = pythonpath
        self.proc = subprocess.Popen(
            [sys.executable, script, "--worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )

    def request(self, line: str) -> dict:
        """Send one request line to the worker (``script --worker``); its one-line JSON answer."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def decode(self, path: str) -> dict:
        return self.request(path)

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=60)


def export_ref(ref: str, dest: Path) -> str:
    """``src/marsound`` of git ``ref`` into ``dest``; returns the folder to put on PYTHONPATH."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref, "src/marsound"], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return str(dest / "src")


def start_decoders(make: Callable[[str, str | None], Decoder], baseline_ref: str, tmp: Path) -> list[Decoder]:
    """This tree's decoder and, unless ``baseline_ref`` is ``'none'``, that git ref's (exported
    into ``tmp/baseline``), each made by ``make(name, pythonpath)``."""
    decoders = [make("this tree", None)]
    if baseline_ref != "none":
        (tmp / "baseline").mkdir()
        decoders.append(make(baseline_ref, export_ref(baseline_ref, tmp / "baseline")))
    return decoders


def stop_decoders(decoders: list[Decoder], tmp: Path) -> None:
    """Close the worker processes and remove the baseline's export."""
    for d in decoders:
        d.close()
    shutil.rmtree(tmp / "baseline", ignore_errors=True)


# ----------------------------------------------------------------------------- benchmark


def _ok(res: dict, texts: list[str], mirrored: bool) -> bool:
    return res["texts"] == texts and res["direction"] == ("counterclockwise" if mirrored else "clockwise")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n-per-tier", type=int, default=20)
    ap.add_argument("--seeds", default=",".join(str(s) for s in DEFAULT_SEEDS))
    ap.add_argument("--tiers", default=",".join(chute_scenes.TIERS))
    ap.add_argument("--baseline-ref", default="main", help="git ref whose decoder is the baseline ('none': skip)")
    ap.add_argument("--save", type=Path, default=None, help="Folder to keep the rendered frames in.")
    ap.add_argument("--json-out", type=Path, default=None, help="Write every frame's results here (JSON).")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker()
        return
    seeds = [int(s) for s in args.seeds.split(",")]
    tiers = args.tiers.split(",")
    tmp = Path(tempfile.mkdtemp(prefix="bench_chute_"))
    folder = args.save or tmp
    folder.mkdir(parents=True, exist_ok=True)
    decoders = start_decoders(Decoder, args.baseline_ref, tmp)
    names = [d.name for d in decoders]

    rows: list[dict] = []
    try:
        if REAL_FRAME.is_file():
            for d in decoders:
                res = d.decode(str(REAL_FRAME))
                print(
                    f"real frame (NASA EBF_0001_0667022756, 1200x960), {d.name}: {res['texts']} "
                    f"confidence {res['confidence']:.3f} ({'exact' if res['texts'] == REAL_TEXTS else 'NOT exact'}; "
                    f"{1000 * res['wall_s']:.0f} ms wall, {1000 * res['cpu_s']:.0f} ms CPU)"
                )
        for seed in seeds:
            rng = np.random.default_rng(seed)
            tuned = seed not in UNTUNED_SEEDS
            for tier in tiers:
                for i in range(args.n_per_tier):
                    scene = chute_scenes.render_scene(rng, tier)
                    path = chute_scenes.save_scene(scene, str(folder / f"s{seed}_{tier}_{i:03d}"))
                    mp = scene.size[0] * scene.size[1] / 1e6
                    row = {
                        "seed": seed,
                        "tuned": tuned,
                        "tier": tier,
                        "frame": Path(path).name,
                        "lost": scene.lost_data_gores > 0,
                        "mp": mp,
                    }
                    for d in decoders:
                        res = d.decode(path)
                        ok = _ok(res, scene.texts, scene.mirrored)
                        row[d.name] = {**res, "ok": ok}
                        if tuned and not ok and d is decoders[0]:  # failures of untuned seeds stay unseen
                            print(
                                f"  miss {Path(path).name}: want {scene.texts} got {res['texts']} "
                                f"conf {res['confidence']:.2f}{' (data gore hidden)' if row['lost'] else ''}"
                            )
                    rows.append(row)
    finally:
        stop_decoders(decoders, tmp)
    report(rows, names, tiers, seeds)
    if args.json_out is not None:
        args.json_out.write_text(json.dumps(rows, indent=1))
    print(f"frames in {folder}")


def _stats(rows: list[dict], name: str) -> str:
    n = len(rows)
    if not n:
        return f"{'-':>20s}"
    ok = sum(r[name]["ok"] for r in rows)
    readable = [r for r in rows if not r["lost"]]
    ok_r = sum(r[name]["ok"] for r in readable)
    cw = sum((not r[name]["ok"]) and r[name]["confidence"] > WRONG_CONFIDENCE for r in rows)
    rate_r = f"{100 * ok_r / len(readable):5.1f}%" if readable else "   - "
    return f"{100 * ok / n:5.1f}% {rate_r} {cw:3d}"


def report(rows: list[dict], names: list[str], tiers: list[str], seeds: list[int]) -> None:
    tuned_s = ",".join(str(s) for s in seeds if s not in UNTUNED_SEEDS) or "-"
    untuned_s = ",".join(str(s) for s in seeds if s in UNTUNED_SEEDS) or "-"
    print(f"\nexact messages per tier: seeds {tuned_s} (used for tuning) | seeds {untuned_s} (never used for tuning)")
    print("per decoder: all frames, frames with no data gore hidden, wrong messages with confidence > 0.5")
    head = " | ".join(f"{nm[:20]:>20s}" for nm in names)
    print(f"{'tier':8s} {'n':>4s} {'hidden':>6s} | {head} || {'n':>4s} {'hidden':>6s} | {head}")
    for tier in [*tiers, "overall"]:
        parts = []
        for tuned in (True, False):
            sel = [r for r in rows if r["tuned"] == tuned and (tier == "overall" or r["tier"] == tier)]
            hidden = sum(r["lost"] for r in sel)
            parts.append(f"{len(sel):4d} {hidden:6d} | " + " | ".join(f"{_stats(sel, nm):>20s}" for nm in names))
        print(f"{tier:8s} " + " || ".join(parts))
    for nm in names:
        wrong = [r[nm]["confidence"] for r in rows if not r[nm]["ok"]]
        wrong_u = [r[nm]["confidence"] for r in rows if not r[nm]["ok"] and not r["tuned"]]
        print(
            f"highest confidence of a wrong message, {nm}: {max(wrong, default=0.0):.3f} "
            f"(untuned seeds {max(wrong_u, default=0.0):.3f})"
        )
    photo = [r for r in rows if r["tier"] != "video"]
    video = [r for r in rows if r["tier"] == "video"]
    base = names[-1]
    for label, sel in (("1.08-MP frames", photo), ("video frames (0.1-0.2 MP)", video)):
        if not sel:
            continue
        parts = []
        for nm in names:
            wall = statistics.median(r[nm]["wall_s"] / r["mp"] for r in sel) * 1000
            cpu = statistics.median(r[nm]["cpu_s"] / r["mp"] for r in sel) * 1000
            parts.append(f"{nm}: {wall:.0f} ms wall, {cpu:.0f} ms CPU")
        line = f"median time per megapixel, {label}: " + "; ".join(parts)
        if len(names) > 1:
            r_wall = statistics.median(r[names[0]]["wall_s"] for r in sel) / statistics.median(
                r[base]["wall_s"] for r in sel
            )
            line += f" (this tree / {base}: {r_wall:.2f}x wall)"
        print(line)


if __name__ == "__main__":
    main()
