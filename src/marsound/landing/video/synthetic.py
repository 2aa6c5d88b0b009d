"""Rendered landing videos with known truth, for the tests and the benchmark.

The renderer knows nothing of the detectors: it draws what the EDL cameras of a Mars 2020
class lander show (Maki et al. 2020, "The Mars 2020 Engineering Cameras and Microphone on the
Perseverance Rover", Space Sci. Rev. 216:137 — up-looking backshell/rover cameras and a
down-looking rover camera) at known mission times, with the published lags of the events:

* **up-look**: a dark sky and the backshell rim; the red/white disk-gap-band canopy appears
  at line stretch (mortar + 1.04 s, the reconstruction of Mars 2020 by kwan3217/edl from the
  NAIF EDL kernels), inflates over 0.66 s, swings and breathes; at backshell separation it
  falls away at constant relative acceleration (apparent radius ∝ 1/(1 + (t/τ)²));
* **down-look**: textured ochre ground seen from altitude, drifting and zooming; the heat
  shield (a grey-white disk) falls away the same way at separation; dust rises before
  touchdown and settles after it, when the ground stops moving.

Shots may be cut together with jumps in mission time (as NASA's edit is); the video is
encoded with libx264 (compression) after Gaussian pixel noise. An optional distractor (a
red/white panel sliding into a down-look shot) makes a detector see a canopy that is not one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from marsound.errors import InvalidParameterError

#: Line stretch after mortar fire, s (kwan3217/edl reconstruction: E+240.63 → E+241.67).
LINE_STRETCH_LAG_S = 1.04
#: Canopy inflation from line stretch to full, s (full inflation ≈ mortar + 1.7 s).
INFLATION_S = 0.66

#: Perseverance's published times (kwan3217/edl, from the NAIF EDL kernels) used by default.
PERSEVERANCE_EVENTS_S: dict[str, float] = {
    "parachute_deploy": 240.63,
    "heat_shield_separation": 263.26,
    "backshell_separation": 357.30,
    "touchdown": 418.07,
}

# BGR, after NASA's up-look frame EBF_0001_0667022756: bluish-grey whites, dark reds, blue-grey sky
_RED = np.array([52.0, 50.0, 168.0])
_WHITE = np.array([224.0, 212.0, 200.0])
_SHIELD = np.array([196.0, 202.0, 208.0])


@dataclass(frozen=True)
class Shot:
    """One camera shot: ``view`` shows mission times [``mission_start_s``, ``mission_end_s``)."""

    view: Literal["up", "down"]
    mission_start_s: float
    mission_end_s: float


@dataclass(frozen=True)
class SyntheticVideo:
    """Truth of a rendered video: its shots, their video start times, the map and the events."""

    path: Path
    fps: float
    rate: float
    shots: tuple[Shot, ...]
    shot_starts_s: tuple[float, ...]
    duration_s: float
    events_s: dict[str, float] = field(default_factory=dict)

    @property
    def cuts_s(self) -> tuple[float, ...]:
        """Video times of the cuts between shots."""
        return self.shot_starts_s[1:]

    def mission_time(self, video_time_s: float) -> float:
        """Mission time shown at ``video_time_s``."""
        k = int(np.searchsorted(self.shot_starts_s, video_time_s, side="right")) - 1
        k = max(k, 0)
        return self.shots[k].mission_start_s + self.rate * (video_time_s - self.shot_starts_s[k])

    def video_time(self, mission_time_s: float) -> float | None:
        """Video time at which ``mission_time_s`` is shown (the first shot holding it), else None."""
        for shot, start in zip(self.shots, self.shot_starts_s):
            if shot.mission_start_s <= mission_time_s < shot.mission_end_s:
                return start + (mission_time_s - shot.mission_start_s) / self.rate
        return None


def _vignette_sky(width: int, height: int) -> NDArray[np.float32]:
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    r = np.hypot((x - width / 2) / width, (y - height / 2) / width)
    centre = np.array([84.0, 72.0, 68.0], np.float32)
    edge = np.array([46.0, 38.0, 36.0], np.float32)
    w = np.clip(r / 0.6, 0, 1)[..., None]
    img = centre * (1 - w) + edge * w
    import cv2

    # backshell rim: a dark ring cutting the corners
    cv2.circle(img, (width // 2, height // 2), int(0.62 * width), (12.0, 12.0, 14.0), int(0.12 * width))
    return img


def _ground_texture(size: int, rng: np.random.Generator) -> NDArray[np.float32]:
    import cv2

    acc = np.zeros((size, size), np.float32)
    for scale, weight in ((size / 8, 1.0), (size / 32, 0.6), (size / 128, 0.4), (2.0, 0.25)):
        noise = rng.standard_normal((size, size)).astype(np.float32)
        k = max(3, int(scale) | 1)
        blurred = cv2.GaussianBlur(noise, (0, 0), sigmaX=scale / 2 + 0.5) if k > 3 else noise
        acc += weight * blurred / (blurred.std() + 1e-6)
    acc = (acc - acc.mean()) / acc.std()
    base = np.array([70.0, 105.0, 150.0], np.float32)
    tex = base * (1.0 + 0.22 * acc[..., None])
    for _ in range(size // 12):  # craters: dark rims and bright floors
        c = (int(rng.integers(size)), int(rng.integers(size)))
        r = int(rng.integers(3, max(4, size // 20)))
        cv2.circle(tex, c, r, (45.0, 70.0, 100.0), max(1, r // 4))
        cv2.circle(tex, c, max(1, r - r // 3), (95.0, 135.0, 180.0), -1)
    return np.clip(tex, 0, 255)


def _gore_runs(code: NDArray[np.bool_]) -> list[tuple[int, int, bool]]:
    runs: list[tuple[int, int, bool]] = []
    start = 0
    for i in range(1, len(code) + 1):
        if i == len(code) or code[i] != code[start]:
            runs.append((start, i, bool(code[start])))
            start = i
    return runs


def _draw_canopy(
    img: NDArray[np.float32], centre: tuple[float, float], radius: float, spin_deg: float, runs, sky
) -> None:
    import cv2

    if radius < 0.7:
        return
    c = (round(centre[0] * 16), round(centre[1] * 16))
    for part_r in (1.0, 0.62):  # band, then the disk drawn over the gap
        ax = round(radius * part_r * 16)
        for a, b, red in runs:
            colour = tuple(float(v) for v in (_RED if red else _WHITE))
            cv2.ellipse(img, c, (ax, ax), spin_deg, a * 4.5, b * 4.5, colour, -1, cv2.LINE_AA, 4)
        if part_r == 1.0:  # the gap between disk and band shows the sky
            cv2.circle(img, c, round(radius * 0.70 * 16), sky, -1, cv2.LINE_AA, 4)
    cv2.circle(img, c, max(1, round(radius * 0.06 * 16)), sky, -1, cv2.LINE_AA, 4)


def _fall_away(t_s: float, tau_s: float) -> float:
    """Apparent size of a body released with no relative speed at constant relative acceleration."""
    return 1.0 if t_s <= 0 else 1.0 / (1.0 + (t_s / tau_s) ** 2)


class _Renderer:
    def __init__(self, width: int, height: int, events: Mapping[str, float], rng: np.random.Generator) -> None:
        self.w, self.h = width, height
        self.ev = dict(events)
        self.rng = rng
        self.sky = _vignette_sky(width, height)
        self.sky_colour = tuple(float(v) for v in self.sky[height // 2, width // 2])
        self.tex_size = min(2048, int(2 ** np.ceil(np.log2(max(width, height) * 1.5))))
        self.tex = _ground_texture(self.tex_size, rng)
        self.runs = _gore_runs(rng.random(80) < 0.35)
        import cv2

        self.dust = cv2.GaussianBlur(_ground_texture(64, rng)[..., 0], (0, 0), 6.0)  # smooth plumes

    def up(self, m: float) -> NDArray[np.float32]:
        img = self.sky.copy()
        t_ls = self.ev.get("parachute_deploy", np.inf) + LINE_STRETCH_LAG_S
        if m < t_ls:
            return img
        full = 0.32 * self.h
        x = (m - t_ls) / INFLATION_S
        r = full * (0.2 + 0.8 * (1 - (1 - x) ** 2)) if x < 1 else full * (1 + 0.03 * np.sin(2 * np.pi * 1.3 * m))
        cx = self.w / 2 + 0.06 * self.w * np.sin(2 * np.pi * m / 3.1)
        cy = self.h / 2 + 0.05 * self.h * np.sin(2 * np.pi * m / 2.3 + 1)
        s = _fall_away(m - self.ev.get("backshell_separation", np.inf), 1.1)
        r *= s
        cx += 0.12 * self.w * (1 - s)
        cy -= 0.06 * self.h * (1 - s)
        _draw_canopy(img, (cx, cy), r, 20.0 * m, self.runs, self.sky_colour)
        return img

    def down(self, m: float) -> NDArray[np.float32]:
        import cv2

        t_td = self.ev.get("touchdown", np.inf)
        mm = min(m, t_td)
        scale = max(0.35, 1.6 * np.exp(-(mm - 250.0) / 120.0))  # texture px per frame px
        sway = 0.02 * self.w * np.sin(2 * np.pi * mm / 2.7)
        tx = 0.06 * self.w * (mm - 250.0) + sway
        ty = 0.03 * self.w * (mm - 250.0)
        rot = np.deg2rad(3.0 * np.sin(mm / 5.0))
        a, b = scale * np.cos(rot), scale * np.sin(rot)
        cxs, cys = self.tex_size / 2 + tx * scale, self.tex_size / 2 + ty * scale
        mat = np.array(
            [[a, -b, cxs - a * self.w / 2 + b * self.h / 2], [b, a, cys - b * self.w / 2 - a * self.h / 2]], np.float32
        )
        img = cv2.warpAffine(
            self.tex, mat, (self.w, self.h), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_WRAP
        )
        t_hs = self.ev.get("heat_shield_separation", np.inf)
        s = _fall_away(m - t_hs, 0.9)
        if s > 0.01:
            r = 0.42 * self.h * s
            c = (self.w / 2 + 0.15 * self.w * (1 - s), self.h * 0.55 + 0.1 * self.h * (1 - s))
            ci = (round(c[0] * 16), round(c[1] * 16))
            cv2.circle(img, ci, round(r * 16), tuple(float(v) for v in _SHIELD), -1, cv2.LINE_AA, 4)
            for k in range(8):  # structural ribs
                ang = k * np.pi / 4 + 0.3
                p = (round((c[0] + 0.9 * r * np.cos(ang)) * 16), round((c[1] + 0.9 * r * np.sin(ang)) * 16))
                cv2.line(img, ci, p, (150.0, 155.0, 160.0), max(1, int(r / 40)), cv2.LINE_AA, 4)
        dust = 0.35 * np.exp(-(((m - t_td) / 2.5) ** 2)) if m < t_td else 0.35 * np.exp(-(m - t_td) / 2.0)
        if dust > 0.01:
            pattern = cv2.resize(np.roll(self.dust, int(8 * m) % 64, axis=1), (self.w, self.h))
            alpha = (dust * (0.6 + 0.4 * pattern / 255.0))[..., None]
            img = img * (1 - alpha) + np.array([150.0, 170.0, 195.0], np.float32) * alpha
        return np.asarray(img, dtype=np.float32)

    def distractor(self, img: NDArray[np.float32], t_s: float) -> None:
        """A red/white panel sliding in from the right edge ``t_s`` after it starts, for 4 s."""
        import cv2

        if t_s < 0 or t_s > 4.0:
            return
        x0 = int(self.w * (1.0 - min(0.3, 0.5 * t_s)))
        h0, h1 = int(0.25 * self.h), int(0.75 * self.h)
        cv2.rectangle(img, (x0, h0), (self.w, h1), tuple(float(v) for v in _WHITE), -1)
        cv2.rectangle(img, (x0, (h0 + h1) // 2), (self.w, h1), tuple(float(v) for v in _RED), -1)


def render_descent_video(
    path: str | Path,
    *,
    shots: Sequence[Shot],
    events: Mapping[str, float] | None = None,
    rate: float = 1.0,
    fps: float = 15.0,
    width: int = 320,
    height: int = 180,
    noise: float = 3.0,
    crf: int = 28,
    distractor_mission_s: float | None = None,
    audio: bool = False,
    keyint: int | None = None,
    seed: int = 0,
) -> SyntheticVideo:
    """Render a landing video of ``shots`` (mission time runs ``rate`` × video time) to ``path``.

    Parameters
    ----------
    path
        Output file (MP4, H.264 yuv420p).
    shots
        Camera shots in video order; cuts fall between them.
    events
        Mission times of ``parachute_deploy``, ``heat_shield_separation``,
        ``backshell_separation`` and ``touchdown``; default :data:`PERSEVERANCE_EVENTS_S`.
    rate
        Mission seconds per video second (1 = real time; > 1 a time-lapse).
    fps, width, height
        Frame rate and size.
    noise
        Standard deviation of the Gaussian pixel noise, grey levels.
    crf
        libx264 constant-rate factor (compression).
    distractor_mission_s
        If given, a red/white panel slides into the down-look view at this mission time, for 4 s.
    audio
        Add an "original" audio track (a 440 Hz tone, AAC) as the public videos' narration.
    keyint
        Frames from one keyframe to the next (the GOP; 1: all-intra); default libx264's (250).
    seed
        Seed of the textures, canopy pattern and noise.
    """
    import av

    if not shots:
        raise InvalidParameterError("shots must not be empty")
    if keyint is not None and keyint < 1:
        raise InvalidParameterError(f"keyint must be at least 1, got {keyint}")
    if not (rate > 0 and fps > 0 and width >= 16 and height >= 16):
        raise InvalidParameterError(f"bad rate/fps/size: rate={rate}, fps={fps}, {width}x{height}")
    ev = dict(PERSEVERANCE_EVENTS_S if events is None else events)
    rng = np.random.default_rng(seed)
    ren = _Renderer(width, height, ev, rng)
    starts: list[float] = []
    t = 0.0
    for shot in shots:
        starts.append(t)
        t += (shot.mission_end_s - shot.mission_start_s) / rate
    n_frames = round(t * fps)
    truth = SyntheticVideo(Path(path), fps, rate, tuple(shots), tuple(starts), n_frames / fps, ev)
    from fractions import Fraction

    fps_q = Fraction(fps).limit_denominator(1001)
    noise_bank = rng.normal(0.0, noise, (3, height + 64, width, 3)).astype(np.float32)
    with av.open(str(path), "w") as out:
        vs = out.add_stream("libx264", rate=fps_q)
        vs.width, vs.height, vs.pix_fmt = width, height, "yuv420p"
        vs.options = {"crf": str(crf), "preset": "ultrafast"}
        if keyint is not None:
            vs.options = {**vs.options, "g": str(keyint), "keyint_min": str(keyint)}
        astream = out.add_stream("aac", rate=48000) if audio else None
        for i in range(n_frames):
            v = i / fps
            k = max(0, int(np.searchsorted(starts, v, side="right")) - 1)
            shot = shots[k]
            m = shot.mission_start_s + rate * (v - starts[k])
            img = ren.up(m) if shot.view == "up" else ren.down(m)
            if distractor_mission_s is not None and shot.view == "down":
                ren.distractor(img, m - distractor_mission_s)
            r0 = int(rng.integers(0, 64))
            img += noise_bank[int(rng.integers(len(noise_bank))), r0 : r0 + height]
            frame = av.VideoFrame.from_ndarray(np.clip(img, 0, 255, out=img).astype(np.uint8), format="bgr24")
            frame.pts = i
            for packet in vs.encode(frame):
                out.mux(packet)
        for packet in vs.encode():
            out.mux(packet)
        if astream is not None:
            n = int(truth.duration_s * 48000)
            tone = (0.1 * np.sin(2 * np.pi * 440.0 * np.arange(n) / 48000)).astype(np.float32)
            for j in range(0, n, 1024):
                chunk = tone[j : j + 1024][None, :]
                af = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="mono")
                af.sample_rate = 48000
                af.pts = j
                for packet in astream.encode(af):
                    out.mux(packet)
            for packet in astream.encode():
                out.mux(packet)
    return truth


#: A four-shot edit from mortar to touchdown, mission time continuous across the cuts.
CONTINUOUS_SHOTS: tuple[Shot, ...] = (
    Shot("up", 236.0, 252.0),
    Shot("down", 252.0, 300.0),
    Shot("up", 300.0, 366.0),
    Shot("down", 366.0, 424.0),
)
