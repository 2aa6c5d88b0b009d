"""Benchmark of the parachute-code image decoder on independently rendered canopies.

Renders a seeded set of ~1-megapixel photographs of random messages (three word rings and a
coordinates band) with its OWN renderer and encoder below (they share nothing with
``marsound.chute`` but the spec constants: 80 gores, 10-gore slots, 3 separators, 7 bits),
perturbs them (rotation, mirror, perspective tilt up to 40°, a dome-like radial warp, ring
proportions of other public renderers, blur, noise, JPEG, colour casts incl. the maroon /
bluish-grey up-look look, vignetting, suspension lines, occluding blobs) and decodes them.

Prints, per difficulty, the exact-message success rate of marsound's decoder (soft grammar
decoding) and of a baseline measured in the same run: the same measurements thresholded to
hard bits and decoded as bit strings (hard-decision decoding, as the public brute-force
decoders do on transcriptions). Also counts "confidently wrong" results (wrong message with
confidence > 0.5) and the median decode time per image next to the time just to read the
JPEG file (baseline for the cost). The renderer also draws its lines and occluders into a
ground-truth cover mask, so the benchmark counts the images in which a data gore is hidden
(over 90 % covered) — unreadable exactly by any decoder — and the success rate on the rest.

Run: ``python benchmarks/bench_chute.py [--n-per-level 30] [--seed 1]``
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from marsound.chute import spec  # constants only
from marsound.chute.decode_bits import decode_bit_strings
from marsound.chute.image import NoCanopyError, decode_reading, load_image, read_canopy

LEVELS = ("clean", "easy", "medium", "hard")
TUNED_SEEDS = (1, 2)
"""Seeds the decoder was tuned on (sessions 1-4). Seed 3 was held out by session 4 and has been
looked at since; seeds 7 and 11 were never used for tuning (report on them)."""
REAL_FRAME = Path(__file__).parents[1] / "tests" / "data" / "perseverance_parachute_EBF_0001_0667022756.jpg"
REAL_TEXTS = ["DARE", "MIGHTY", "THINGS", "34 11 58 N 118 10 31 W"]
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


# --------------------------------------------------------------------------- independent encoder


def ring_bits(values: list[int]) -> list[int]:
    """Word-aligned ring: per symbol 000 + 7 bits MSB first; then 000 and red to the end."""
    out: list[int] = []
    for v in values:
        out += [0, 0, 0] + [int(c) for c in format(v, "07b")]
    if len(out) < spec.N_GORES:
        out += [0, 0, 0]
    out += [1] * (spec.N_GORES - len(out))
    return out


def ring_starts(n_symbols: list[int]) -> list[int]:
    """Spiral rule: each ring starts where the previous ring's symbols end."""
    starts, start = [], 0
    for n in n_symbols:
        starts.append(start)
        start = (start + spec.SLOT_GORES * n) % spec.N_GORES
    return starts


def message_layout(words: list[str], coords: list[int]) -> list[list[int]]:
    rings = [[ord(c) - 64 for c in w] for w in words] + [coords]
    layouts = []
    for vals, start in zip(rings, ring_starts([len(v) for v in rings]), strict=True):
        layout = [0] * spec.N_GORES
        for i, bit in enumerate(ring_bits(vals)):
            layout[(start + i) % spec.N_GORES] = bit
        layouts.append(layout)
    return layouts


def random_message(rng: np.random.Generator) -> tuple[list[str], list[int], list[str]]:
    words = ["".join(rng.choice(list(ALPHABET), int(rng.integers(1, 9)))) for _ in range(3)]
    lat = [int(rng.integers(0, 90)), int(rng.integers(0, 60)), int(rng.integers(0, 60))]
    lon = [int(rng.integers(0, 128)), int(rng.integers(0, 60)), int(rng.integers(0, 60))]
    ns, ew = ("N", 14) if rng.random() < 0.5 else ("S", 19), ("E", 5) if rng.random() < 0.5 else ("W", 23)
    coords = [*lat, ns[1], *lon, ew[1]]
    text = f"{lat[0]} {lat[1]} {lat[2]} {ns[0]} {lon[0]} {lon[1]} {lon[2]} {ew[0]}"
    return words, coords, [*words, text]


# --------------------------------------------------------------------------- independent renderer


def _hex(h: str) -> np.ndarray:
    return np.array([int(h[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)


REDS = ["#DF6A33", "#D24A4C", "#FF4700", "#C8102E"]
WHITES = ["#FFFFFF", "#F4F1EA", "#E8ECF2"]
SKIES = [("#0E0C10", "#2A2630"), ("#C9A27A", "#E2C39C"), ("#3A3F52", "#6A7088"), ("#000000", "#101010")]


def render(layouts: list[list[int]], rng: np.random.Generator, level: str) -> tuple[bytes, bool, np.ndarray]:
    """Render a ~1 MP JPEG photo of a canopy carrying ``layouts``.

    Returns the JPEG bytes, whether the view is mirrored, and the visible fraction (4, 80) of
    every gore of every ring position after suspension lines and occluders (ground truth).
    """
    li = LEVELS.index(level)
    w, h = 1200, 900
    size = min(w, h)
    radius = size * rng.uniform(0.34, 0.43)  # the whole canopy stays in the frame
    cx = w / 2 + rng.uniform(-0.05, 0.05) * size
    cy = h / 2 + rng.uniform(-0.04, 0.04) * size
    tilt = np.radians([0, 15, 30, 40][li] * (rng.uniform(0.3, 1.0) if li else rng.uniform(0, 1)))
    if li == 0:
        tilt = 0.0
    axis = rng.uniform(0, np.pi)
    mirror = li >= 1 and rng.random() < 0.4
    rot = rng.uniform(0, 2 * np.pi)
    gamma = 1.0 if li < 2 else rng.uniform(0.9, 1.1)  # dome-like radial warp
    # ring proportions between Noleli's and sjwarner's renderers
    t = rng.uniform(0, 1) if li else 0.0
    vent = 0.09 + 0.04 * t
    e1, e2 = 0.37 + 0.02 * t, 0.63 + 0.04 * t
    gap0, gap1 = 0.80 + 0.06 * t, 0.90 + 0.03 * t
    tooth = 0.04 - 0.01 * t

    # pixel grid -> camera ray -> canopy plane (pinhole camera, plane tilted about `axis`)
    f = 1.6 * size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    u = np.array([np.cos(axis), np.sin(axis), 0.0])
    k = np.array([[0, -u[2], u[1]], [u[2], 0, -u[0]], [-u[1], u[0], 0]])
    r3 = np.eye(3) + np.sin(tilt) * k + (1 - np.cos(tilt)) * k @ k
    dist = f  # plane centre at distance f: no scale change at the centre
    # ray d = ((x-cx)/f, (y-cy)/f, 1); plane through (0,0,dist) with normal n = r3 e_z
    n = r3[:, 2]
    dx, dy = (xx - cx) / f, (yy - cy) / f
    denom = n[0] * dx + n[1] * dy + n[2]
    s = (n[2] * dist) / denom
    px, py, pz = s * dx, s * dy, s - dist
    # plane coordinates (in units of the canopy radius)
    a = (r3[0, 0] * px + r3[1, 0] * py + r3[2, 0] * pz) / radius
    b = (r3[0, 1] * px + r3[1, 1] * py + r3[2, 1] * pz) / radius
    if mirror:
        a = -a
    rho = np.hypot(a, b) ** gamma
    theta = (np.arctan2(a, -b) - rot) % (2 * np.pi)  # clockwise from 12 o'clock (y down)
    gpos = theta / (2 * np.pi) * spec.N_GORES
    gore = np.floor(gpos).astype(int) % spec.N_GORES
    frac = gpos - np.floor(gpos)
    tri = np.where(gore % 2 == 0, 1 - 2 * frac, -1 + 2 * frac)  # saw-tooth, period 2 gores
    b1, b2 = e1 + tooth * tri, e2 + tooth * tri
    ring = np.full(rho.shape, -1)
    ring[(rho >= vent) & (rho < b1)] = 0
    ring[(rho >= b1) & (rho < b2)] = 1
    ring[(rho >= b2) & (rho < gap0)] = 2
    ring[(rho >= gap1) & (rho <= 1.0) & (denom > 0)] = 3
    ring[denom <= 0] = -1
    bits = np.asarray(layouts, dtype=np.uint8)
    on = np.zeros(rho.shape, dtype=bool)
    inside = ring >= 0
    on[inside] = bits[ring[inside], gore[inside]] == 1

    sky0, sky1 = SKIES[int(rng.integers(len(SKIES)))]
    grad = (yy / h)[..., None]
    img = _hex(sky0)[None, None] * (1 - grad) + _hex(sky1)[None, None] * grad
    red, white = _hex(REDS[int(rng.integers(len(REDS)))]), _hex(WHITES[int(rng.integers(len(WHITES)))])
    if li >= 2 and rng.random() < 0.5:  # the up-look look: maroon and bluish grey
        red, white = (
            np.array([108.0, 31, 39]) * rng.uniform(0.9, 1.3),
            np.array([120.0, 128, 167]) * rng.uniform(0.9, 1.3),
        )
    col = np.where(on[..., None], red[None, None], white[None, None])
    shade = 1.0
    if li >= 1:  # billowing gores and radial fall-off
        shade = 1 - 0.12 * li / 3 * np.abs(np.sin(np.pi * frac)) - 0.15 * li / 3 * np.clip(rho, 0, 1) ** 2
    img = np.where(inside[..., None], col * np.atleast_3d(shade), img)
    img = img[..., ::-1].copy()  # RGB -> BGR

    # suspension lines: from the camera's confluence point to the skirt; what they and the
    # occluders cover is drawn into `cover` too (ground truth for "readable in principle")
    cover = np.zeros((h, w), np.uint8)
    if li >= 2:
        n_lines = int(rng.integers(8, 25))
        c0 = np.array([cx, cy]) + rng.normal(0, 0.03 * size, 2)
        ph = rng.uniform(0, 2 * np.pi)
        col_l = (40, 40, 40) if rng.random() < 0.5 else (200, 200, 200)
        for i in range(n_lines):
            ang = ph + 2 * np.pi * i / n_lines
            p_end = np.array([cx, cy]) + radius * np.array([np.cos(ang), np.sin(ang)]) * rng.uniform(0.95, 1.05)
            p0, p1, lw = tuple(int(v) for v in c0), tuple(int(v) for v in p_end), int(rng.integers(1, 4))
            cv2.line(img, p0, p1, col_l, lw, cv2.LINE_AA)
            cv2.line(cover, p0, p1, 255, lw, cv2.LINE_AA)
    if li >= 3:  # occluding objects (parts of the backshell, a strap)
        for _ in range(int(rng.integers(1, 3))):
            ang = rng.uniform(0, 2 * np.pi)
            rr = radius * rng.uniform(0.2, 0.9)
            centre = (int(cx + rr * np.cos(ang)), int(cy + rr * np.sin(ang)))
            axes = (int(radius * rng.uniform(0.06, 0.16)), int(radius * rng.uniform(0.04, 0.1)))
            ang_e = float(rng.uniform(0, 180))
            cv2.ellipse(img, centre, axes, ang_e, 0, 360, (55, 50, 48), -1, cv2.LINE_AA)
            cv2.ellipse(cover, centre, axes, ang_e, 0, 360, 255, -1, cv2.LINE_AA)

    img = cv2.GaussianBlur(img, (0, 0), 0.6)
    if li >= 1:
        blur = [0, 0.5, 1.2, 2.0][li] * rng.uniform(0, 1)
        if blur > 0.2:
            img = cv2.GaussianBlur(img, (0, 0), blur)
        cast = 1 + rng.uniform(-0.12, 0.12, 3) * li / 3 * 1.5
        vign = 1 - 0.25 * li / 3 * (((xx - w / 2) ** 2 + (yy - h / 2) ** 2) / (w * w / 4))
        img = img * cast[None, None] * vign[..., None]
        img = img + rng.normal(0, [0, 3, 6, 10][li], img.shape)
    img8 = np.clip(img, 0, 255).astype(np.uint8)
    q = [95, 90, int(rng.integers(60, 90)), int(rng.integers(40, 80))][li]
    ok, buf = cv2.imencode(".jpg", img8, [cv2.IMWRITE_JPEG_QUALITY, q])
    assert ok
    visible = np.ones((4, spec.N_GORES))
    hidden_px = cover > 127
    for k in range(4):
        sel = ring == k
        total = np.bincount(gore[sel], minlength=spec.N_GORES)
        hid = np.bincount(gore[sel & hidden_px], minlength=spec.N_GORES)
        visible[k] = 1 - hid / np.maximum(total, 1)
    return buf.tobytes(), mirror, visible


def lost_data_gores(words: list[str], visible: np.ndarray, min_visible: float = 0.1) -> int:
    """Data gores (not separators, not fill) of which less than ``min_visible`` is visible."""
    data = np.zeros((4, spec.N_GORES), dtype=bool)
    n_symbols = [len(w) for w in words] + [8]  # the coordinates band: 8 numbers
    for k, (n, start) in enumerate(zip(n_symbols, ring_starts(n_symbols), strict=True)):
        for j in range(n):
            for b in range(spec.SEP_GORES, spec.SLOT_GORES):
                data[k, (start + spec.SLOT_GORES * j + b) % spec.N_GORES] = True
    return int((data & (visible < min_visible)).sum())


# --------------------------------------------------------------------------- benchmark


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n-per-level", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--save", type=Path, default=None, help="Folder to keep the rendered JPEGs.")
    ap.add_argument("--skip-real", action="store_true", help="Do not decode NASA's real frame.")
    args = ap.parse_args()
    if not args.skip_real and REAL_FRAME.is_file():
        t0 = time.perf_counter()
        try:
            reading = read_canopy(load_image(REAL_FRAME))
            dec = decode_reading(reading)
            got, conf, unknown = dec.texts, dec.confidence, int(np.sum(np.abs(reading.p_red - 0.5) <= 0.2))
        except NoCanopyError as exc:
            got, conf, unknown = [str(exc)], 0.0, 320
        dt = time.perf_counter() - t0
        print(
            f"real frame (NASA EBF_0001_0667022756, 1200x960): got {got} confidence {conf:.3f} "
            f"({'exact' if got == REAL_TEXTS else 'not exact'}; {unknown} of 320 gores unknown; {1000 * dt:.0f} ms)"
        )
    rng = np.random.default_rng(args.seed)
    tmpdir = Path(tempfile.mkdtemp(prefix="bench_chute_")) if args.save is None else args.save
    tmpdir.mkdir(parents=True, exist_ok=True)
    rows = {lv: {"ok": 0, "base_ok": 0, "conf_wrong": 0, "n": 0, "lost": 0, "ok_lost": 0} for lv in LEVELS}
    times, read_times = [], []
    wrong_conf: list[float] = []
    for level in LEVELS:
        for i in range(args.n_per_level):
            words, coords, texts = random_message(rng)
            jpeg, mirror, visible = render(message_layout(words, coords), rng, level)
            lost = lost_data_gores(words, visible) > 0
            path = tmpdir / f"{level}_{i:03d}.jpg"
            path.write_bytes(jpeg)
            t0 = time.perf_counter()
            img = load_image(path)
            t1 = time.perf_counter()
            try:
                reading = read_canopy(img)
                dec = decode_reading(reading)
                got = [r.text for r in dec.rings if r.kind != "blank"]
                conf = dec.confidence
                direction = dec.direction
            except NoCanopyError:
                reading, got, conf, direction = None, [], 0.0, None
            t2 = time.perf_counter()
            times.append(t2 - t0)
            read_times.append(t1 - t0)
            want_dir = "counterclockwise" if mirror else "clockwise"
            ok = got == texts and direction == want_dir
            r = rows[level]
            r["n"] += 1
            r["ok"] += ok
            r["conf_wrong"] += (not ok) and conf > 0.5
            if not ok:
                wrong_conf.append(conf)
            r["lost"] += lost
            r["ok_lost"] += ok and lost
            if reading is not None:
                hard = ["".join("1" if v > 0.5 else "0" for v in row) for row in reading.p_red]
                try:
                    bd = decode_bit_strings(hard, first_start=None)
                    r["base_ok"] += [x.text for x in bd.rings if x.text] == texts and bd.direction == want_dir
                except Exception:
                    pass
            if not ok:
                print(f"  miss {path.name}: want {texts} got {got} conf {conf:.2f}")
    print(
        f"\nparachute decoder benchmark: {sum(r['n'] for r in rows.values())} images of 1200x900 px, seed {args.seed} "
        + ("(used for tuning)" if args.seed in TUNED_SEEDS else "(never used for tuning)")
    )
    print(
        f"{'level':8s} {'n':>4s} {'marsound':>9s} {'hard-bits baseline':>19s} {'confidently wrong':>18s} "
        f"{'data gore hidden':>17s} {'marsound, rest':>15s}"
    )

    def line(name: str, r: dict) -> str:
        ok, base = 100 * r["ok"] / r["n"], 100 * r["base_ok"] / r["n"]
        n_rest = r["n"] - r["lost"]
        rest = 100 * (r["ok"] - r["ok_lost"]) / n_rest if n_rest else float("nan")
        return f"{name:8s} {r['n']:4d} {ok:8.1f}% {base:18.1f}% {r['conf_wrong']:18d} {r['lost']:17d} {rest:14.1f}%"

    tot = {"ok": 0, "base_ok": 0, "conf_wrong": 0, "n": 0, "lost": 0, "ok_lost": 0}
    for lv, r in rows.items():
        for k in tot:
            tot[k] += r[k]
        print(line(lv, r))
    print(line("overall", tot))
    med, med_read = statistics.median(times), statistics.median(read_times)
    print(
        f"median time per image: {1000 * med:.1f} ms (of which reading the JPEG {1000 * med_read:.1f} ms; "
        f"decode/read ratio {med / med_read:.1f}x); 90th percentile {1000 * np.percentile(times, 90):.1f} ms"
    )
    print(
        "'data gore hidden': images in which lines or occluders cover over 90 % of a data gore (no decoder "
        "can read those exactly; they must come out unknown, not wrong); 'marsound, rest': success on the others"
    )
    print(f"highest confidence of a wrong result: {max(wrong_conf, default=0.0):.2f}")
    print(f"images in {tmpdir}")


if __name__ == "__main__":
    main()
