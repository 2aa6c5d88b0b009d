"""Realistic up-look frames of a coded parachute, for ``bench_chute.py`` (independent of the decoder).

The scenes imitate the Mars 2020 parachute up-look camera frames (NASA raw image
``EBF_0001_0667022756``, shipped as ``tests/data/perseverance_parachute_EBF_0001_0667022756.jpg``):

* **geometry**: the canopy is an inflated dome (a paraboloid ``z = h (1 - u²)`` over the apparent
  radius ``u``, vent highest) seen by a pinhole camera below it, tilted up to 40° and off-centre,
  so gores and seams come out as curves and the rings' centres drift from the rim's; gores are
  twisted slightly; rim, band and gap edges are scalloped (each gore bulges between its seams);
* **pattern**: three disk rings meeting in saw-tooth seams of period 2 gores (§1.1 of the
  parachute reference), the dark gap that shows the sky, the band, a dark vent with a lighter rim;
  gores are pleated (one half lit, the other shaded), their radial seams dark, the lighting uneven
  around the canopy with sun glare on whites;
* **clutter**: 80 suspension lines from the skirt to the confluence (projected from 3-D), dark line
  bundles about the vent, the bridle from the confluence out of the frame on any side (incl. the
  bottom) and the backshell's struts entering from an image edge;
* **camera**: colour statistics measured on the real frame (constants below), white balance and
  exposure, defocus, sensor noise, JPEG, or for the ``video`` tier downscaling to 400-600 px wide
  and an H.264 intra frame (libx264 via PyAV, 4:2:0 chroma), as in NASA's EDL videos;
  the canopy may be partly out of frame.

What a scene hides is known: :attr:`Scene.visible` is the visible share of every gore of every
ring (occluders, lines, image edge), so a benchmark can tell unreadable images from misread ones.

This module imports from marsound only the spec constants and the encoder of bits.
"""

from __future__ import annotations

import fractions
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from marsound.chute import spec
from marsound.chute.encode import EncodedRing, encode_message

TIERS = ("clean", "easy", "medium", "hard", "video")
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
FRAME_SIZE = (1200, 900)
"""(width, height) of the photo tiers: 1.08 megapixels."""
VIDEO_WIDTHS = (400, 600)
"""Range of the video tier's frame width (pixels)."""

# --- colour statistics of NASA's frame EBF_0001_0667022756 (1200x960 browse JPEG), sRGB 0-255.
# Measured once (numpy on the decoded JPEG) in the canopy frame found by marsound's decoder
# (centre (655, 528) px, rim radius 300 px), leaving out the bridle's side (55-140° clockwise from
# 12 o'clock): "red" = pixels with R - (G+B)/2 > 40, "white" = R - (G+B)/2 < 5 with R+G+B > 200,
# at apparent radii 0.12-0.82 (disk) and 0.925-0.985 (band); gap 0.865-0.895; vent < 0.06;
# sky: the top (y < 100) and bottom-left (y > 850, x < 150) of the frame; bridle: x 740-900,
# y 500-525. Median, then 10th and 90th percentiles.
WHITE_RGB = (103, 113, 162)
WHITE_P10_P90 = ((77, 83, 121), (180, 201, 252))
RED_RGB = (85, 23, 32)
RED_P10_P90 = ((60, 10, 16), (162, 69, 91))
BAND_RED_RGB = (70, 12, 21)
GAP_RGB = (33, 35, 50)
VENT_RGB = (32, 35, 52)
SKY_DARK_RGB = (12, 12, 22)
SKY_LIGHT_RGB = (44, 48, 70)
BRIDLE_RGB = (140, 147, 199)
LIGHTING_RANGE = (0.62, 1.65)
"""Median white brightness of 30° sectors of the disk over the disk's median (lit unevenly)."""
# proportions measured on the same frame (apparent radius / rim): vent 0.09, ring seams 0.36 and
# 0.64, gap 0.85-0.91, band 0.91-1.00 (Noleli's renderer: 0.09, 0.37, 0.63, 0.80-0.90)


@dataclass(frozen=True)
class TierParams:
    tilt_deg: float
    off_centre: float
    out_of_frame: float
    lighting: float
    line_alpha: tuple[float, float]
    bundles: float
    bridle: float
    struts: float
    glare: float
    blur: tuple[float, float]
    noise: float
    quality: tuple[int, int]
    mirror: float
    twist_gores: float


PARAMS = {
    "clean": TierParams(0.5, 0.03, 0.0, 0.05, (0, 0), 0, 0, 0, 0, (0.4, 0.5), 1, (95, 95), 0, 0.0),
    "easy": TierParams(1.5, 0.08, 0.0, 0.15, (0.1, 0.35), 0, 0, 0, 0.2, (0.4, 0.7), 2, (90, 90), 0.3, 0.1),
    "medium": TierParams(3, 0.15, 0.0, 0.25, (0.2, 0.6), 1, 0.6, 0, 0.4, (0.5, 1.2), 3, (65, 90), 0.3, 0.2),
    "hard": TierParams(5, 0.25, 0.04, 0.35, (0.3, 0.8), 1, 1.0, 0.6, 0.5, (0.6, 1.6), 5, (45, 80), 0.3, 0.3),
    "video": TierParams(4, 0.2, 0.04, 0.3, (0.2, 0.7), 1, 0.8, 0.4, 0.4, (0.5, 1.0), 3, (24, 34), 0.3, 0.2),
}
"""Per tier: attitude (max angle between the canopy's axis and the line from the camera,
degrees: the up-look camera hangs on the riser below the lines' confluence, and an attitude ``t``
moves the confluence's image off the vent by about 1.5 d sin t rim radii at a distance of d rim
radii; NASA's frame shows them together, so ``t`` stays within a few degrees; the perspective
comes from pointing: an off-centre canopy is seen obliquely), off-centre (max, fraction of the
frame), rim beyond the frame edge (max, rim radii), lighting amplitude (log brightness; NASA's
frame: 0.35), suspension-line opacity range, probabilities of line bundles, bridle, struts and
glare, defocus sigma range (px), noise sigma, JPEG quality range (video: H.264 CRF), mirror
probability, gore twist (max, gores from vent to rim)."""


@dataclass
class Scene:
    """A rendered frame and its ground truth."""

    data: bytes
    """The encoded image file (JPEG; for the video tier a PNG of the H.264-decoded frame)."""
    suffix: str
    texts: list[str]
    """What a decoder must read: the three words and the coordinates band."""
    mirrored: bool
    """Seen mirrored (as from above): the code reads counter-clockwise."""
    visible: NDArray[np.float64]
    """(4, 80) visible share of every gore of every ring position (gore 0 = the encoder's)."""
    lost_data_gores: int
    """Data gores (not separators, not fill) of which under 10 % is visible."""
    size: tuple[int, int]


def random_message(rng: np.random.Generator) -> tuple[list[str], str]:
    """Three random words of 1-8 letters and random coordinates (longitude up to 127°)."""
    words = ["".join(rng.choice(list(ALPHABET), int(rng.integers(1, 9)))) for _ in range(3)]
    lat = [int(rng.integers(0, 90)), int(rng.integers(0, 60)), int(rng.integers(0, 60))]
    lon = [int(rng.integers(0, 128)), int(rng.integers(0, 60)), int(rng.integers(0, 60))]
    ns = "N" if rng.random() < 0.5 else "S"
    ew = "E" if rng.random() < 0.5 else "W"
    return words, f"{lat[0]} {lat[1]} {lat[2]} {ns} {lon[0]} {lon[1]} {lon[2]} {ew}"


def data_gores(rings: list[EncodedRing]) -> NDArray[np.bool_]:
    """(4, 80) mask of the gores that carry data bits (not separators, not fill)."""
    out = np.zeros((len(rings), spec.N_GORES), dtype=bool)
    for k, r in enumerate(rings):
        for j in range(len(r.ring.values)):
            for b in range(spec.SEP_GORES, spec.SLOT_GORES):
                out[k, (r.start + spec.SLOT_GORES * j + b) % spec.N_GORES] = True
    return out


def render_scene(rng: np.random.Generator, tier: str) -> Scene:
    """A random message rendered as a frame of ``tier`` (one of :data:`TIERS`)."""
    words, coords = random_message(rng)
    rings = encode_message(words, coords)
    layouts = np.stack([r.bits for r in rings])
    bgr, mirrored, visible = render_layouts(layouts, rng, tier)
    lost = int((data_gores(rings) & (visible < 0.1)).sum())
    if tier == "video":
        data, suffix = _encode_video_frame(bgr, rng)
    else:
        q = int(rng.integers(PARAMS[tier].quality[0], PARAMS[tier].quality[1] + 1))
        ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, q])
        assert ok
        data, suffix = buf.tobytes(), ".jpg"
    h, w = bgr.shape[:2] if tier != "video" else cv2.imdecode(np.frombuffer(data, np.uint8), 1).shape[:2]
    return Scene(data, suffix, [*words, coords], mirrored, visible, lost, (w, h))


# ----------------------------------------------------------------------------- geometry


def _rotation(axis: NDArray[np.float64], angle: float) -> NDArray[np.float64]:
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + np.sin(angle) * k + (1 - np.cos(angle)) * k @ k


@dataclass
class _Camera:
    pos: NDArray[np.float64]
    rot: NDArray[np.float64]  # columns: right, down, forward
    focal: float
    cx: float
    cy: float

    def project(self, pts: NDArray[np.float64]) -> NDArray[np.float64]:
        q = (pts - self.pos) @ self.rot
        return np.column_stack([self.cx + self.focal * q[:, 0] / q[:, 2], self.cy + self.focal * q[:, 1] / q[:, 2]])


def _smooth_field(rng: np.random.Generator, shape: tuple[int, int], cells: int = 12) -> NDArray[np.float32]:
    h, w = shape
    small = rng.normal(0, 1, (cells, max(2, round(cells * w / h)))).astype(np.float32)
    return np.asarray(cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC), dtype=np.float32)


def render_layouts(
    layouts: NDArray[np.uint8],
    rng: np.random.Generator,
    tier: str,
    labels: dict | None = None,
    *,
    spin_rad: float = 0.0,
    noise_rng: np.random.Generator | None = None,
) -> tuple[NDArray[np.uint8], bool, NDArray[np.float64]]:
    """Render the (4, 80) absolute gore layouts (gore 0 of the encoder, clockwise from below).

    Returns the frame (BGR uint8, before JPEG or video coding), whether it is mirrored, and the
    (4, 80) visible share of every gore. If ``labels`` is a dict, it receives per pixel of the
    frame the ring position (``"ring"``: 0-3, -1 off the fabric) and the gore (``"gore"``), and
    what lies in front (alpha 0-255): bundles, bridle and struts (``"cover"``), and when drawn
    the suspension lines (``"lines"``) and the bundles alone (``"bundles"``); diagnosis only.
    ``spin_rad`` turns the canopy (and its suspension lines) about its axis, clockwise seen
    from below, under the same camera, lighting and hardware; ``noise_rng`` (default ``rng``)
    draws the sensor noise, so that frames of one scene differ in their noise.
    """
    p = PARAMS[tier]
    w, h = FRAME_SIZE
    gd = 2 * np.pi / spec.N_GORES
    # --- canopy proportions (apparent radius; between Noleli's renderer and NASA's frame)
    vent = rng.uniform(0.07, 0.11)
    e1, e2 = rng.uniform(0.35, 0.40), rng.uniform(0.62, 0.67)
    g0 = rng.uniform(0.80, 0.87)
    g1 = g0 + rng.uniform(0.04, 0.07)
    tooth = rng.uniform(0.025, 0.045)
    scallop = rng.uniform(0.0, 0.025) if tier != "clean" else 0.0
    dome = rng.uniform(0.1, 0.4)
    twist = rng.uniform(-1, 1) * p.twist_gores * gd
    rot = rng.uniform(0, 2 * np.pi) + spin_rad

    # --- camera below the canopy looking up (canopy units: rim radius 1, vent up = +z). It hangs
    # on the riser below the lines' confluence, nearly on the canopy's axis (attitude ``tilt``);
    # the canopy's place in the frame comes from where the camera points, which foreshortens it
    # more the farther it lies off the optical axis (wide lens: a short distance in rim radii)
    tilt = np.radians(p.tilt_deg * rng.uniform(0.3 if tier != "clean" else 0.0, 1.0))
    az = rng.uniform(0, 2 * np.pi)
    r_att = _rotation(np.array([np.cos(az), np.sin(az), 0.0]), tilt)
    dist = rng.uniform(2.5, 6.0)
    radius_px = min(w, h) / 2 * rng.uniform(0.55, 0.85)
    out = p.out_of_frame * rng.uniform(0, 1)
    span_x = max(0.0, w / 2 - radius_px * (1 - out))
    span_y = max(0.0, h / 2 - radius_px * (1 - out))
    lim = p.off_centre * min(w, h)
    cx = w / 2 + np.clip(rng.uniform(-1, 1) * max(lim, out * span_x), -span_x, span_x)
    cy = h / 2 + np.clip(rng.uniform(-1, 1) * max(lim, out * span_y), -span_y, span_y)
    if out > 0:  # push the canopy towards one side until its rim is ``out`` beyond the edge
        side = int(rng.integers(4))
        if side == 0:
            cx = radius_px * (1 - out)
        elif side == 1:
            cx = w - radius_px * (1 - out)
        elif side == 2:
            cy = radius_px * (1 - out)
        else:
            cy = h - radius_px * (1 - out)
    focal = radius_px * dist
    m_hat = np.array([(cx - w / 2) / focal, (cy - h / 2) / focal, 1.0])
    m_hat /= np.linalg.norm(m_hat)
    ax_q = np.cross(m_hat, [0.0, 0.0, 1.0])
    q = _rotation(ax_q / max(np.linalg.norm(ax_q), 1e-12), float(np.arccos(np.clip(m_hat[2], -1, 1))))
    rmat = r_att @ q  # columns: the camera's right, down and forward axes in canopy coordinates
    cam = _Camera(-dist * r_att[:, 2], rmat, focal, w / 2, h / 2)
    cx, cy = w / 2, h / 2  # the principal point, from here on

    # --- per pixel: ray -> paraboloid z = dome (1 - x² - y²) (one crossing: the camera is inside)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    d = rmat[:, 0:1, None] * ((xx - cx) / cam.focal)[None] + rmat[:, 1:2, None] * ((yy - cy) / cam.focal)[None]
    d = d + rmat[:, 2:3, None]
    c0 = cam.pos
    qa = dome * (d[0] ** 2 + d[1] ** 2)
    qb = d[2] + 2 * dome * (c0[0] * d[0] + c0[1] * d[1])
    qc = c0[2] - dome * (1 - c0[0] ** 2 - c0[1] ** 2)
    s = 2 * qc / (-qb - np.sqrt(np.maximum(qb * qb - 4 * qa * qc, 0)))
    x = c0[0] + s * d[0]
    y = c0[1] + s * d[1]
    del d, qa, qb
    u = np.hypot(x, y)
    theta = np.arctan2(x, -y)  # clockwise from 12 o'clock, seen from below
    gpos = ((theta - rot - twist * u) / gd) % spec.N_GORES
    gore = np.floor(gpos).astype(np.int64) % spec.N_GORES
    frac = (gpos - np.floor(gpos)).astype(np.float32)
    bulge = np.sin(np.pi * frac)
    tri = np.where(gore % 2 == 0, 1 - 2 * frac, -1 + 2 * frac)
    b1, b2 = e1 + tooth * tri, e2 + tooth * tri
    rim = 1 - scallop * (1 - bulge)
    disk_out = g0 + 0.5 * scallop * bulge
    ring = np.full(u.shape, -1, dtype=np.int8)
    ring[(u >= vent) & (u < b1)] = 0
    ring[(u >= b1) & (u < b2)] = 1
    ring[(u >= b2) & (u < disk_out)] = 2
    ring[(u >= g1) & (u < rim)] = 3
    fabric = ring >= 0
    is_red = np.zeros(u.shape, dtype=bool)
    is_red[fabric] = layouts[ring[fabric], gore[fabric]] == 1

    # --- colours (RGB floats), lighting
    wb = np.exp(rng.normal(0, 0.06, 3))  # camera white balance
    exposure = np.exp(rng.normal(0, 0.15))
    white = np.array(WHITE_RGB) * np.exp(rng.normal(0, 0.05, 3))
    red = np.array(RED_RGB) * np.exp(rng.normal(0, 0.08, 3))
    band_red = red * np.array(BAND_RED_RGB) / np.array(RED_RGB)
    col = np.where(is_red[..., None], red, white).astype(np.float32)
    band_r = (ring == 3) & is_red
    col[band_r] = band_red
    sun = rng.uniform(0, 2 * np.pi)
    amp = p.lighting * rng.uniform(0.5, 1.0)
    # lighting around the canopy: at most LIGHTING_RANGE (amplitude 0.35 in log brightness)
    light = np.exp(amp * np.cos(theta - sun) + 0.4 * amp * np.cos(2 * (theta - rng.uniform(0, np.pi))))
    pleat = np.tanh((frac - 0.5) * 6) * np.sin(theta - sun) * (0.1 + 0.5 * amp)
    seam = 1 - 0.35 * np.exp(-((np.minimum(frac, 1 - frac) / 0.07) ** 2))
    panel = 1 - 0.3 * ((np.abs(u - b1) < 0.004) | (np.abs(u - b2) < 0.004))
    radial = 1 - 0.15 * (u - 0.5) ** 2
    band_light = np.where(ring == 3, rng.uniform(0.75, 1.1), 1.0)
    wrinkles = 1 + 0.04 * _smooth_field(rng, (h, w), 24) if tier != "clean" else 1.0
    shade = (light * (1 + pleat) * seam * panel * radial * band_light * wrinkles).astype(np.float32)
    if rng.random() < p.glare:
        gx, gy = rng.uniform(-0.7, 0.7, 2)
        glare = 1.2 * np.exp(-((x - gx) ** 2 + (y - gy) ** 2) / (2 * rng.uniform(0.1, 0.3) ** 2))
        shade = shade * (1 + np.where(is_red, 0.3, 1.0) * glare)
    col *= shade[..., None]

    # sky (seen around the canopy and through the gap), vent
    ang = rng.uniform(0, 2 * np.pi)
    grad = ((xx - w / 2) * np.cos(ang) + (yy - h / 2) * np.sin(ang)) / (0.5 * np.hypot(w, h))
    grad = np.clip(0.5 + 0.5 * grad, 0, 1) ** rng.uniform(1.0, 2.5)
    sky = (
        np.array(SKY_DARK_RGB)[None, None] * (1 - grad[..., None])
        + np.array(SKY_LIGHT_RGB)[None, None] * grad[..., None]
    )
    img = np.where(fabric[..., None], col, sky.astype(np.float32))
    gap = (u >= disk_out) & (u < g1)
    img[gap] = np.array(GAP_RGB) * rng.uniform(0.8, 1.1)
    vmask = u < vent
    img[vmask] = np.array(VENT_RGB)
    vring = (u > vent * 0.85) & (u < vent)
    img[vring] = np.array(WHITE_RGB) * 0.8
    img = img * (wb * exposure)[None, None].astype(np.float32)
    del x, y, theta, frac, gpos, shade, col, sky, grad, yy, xx

    # --- what lies in front: lines, bundles, bridle, struts (drawn into a cover mask too)
    cover = np.zeros((h, w), np.uint8)
    confl = np.array([0.0, 0.0, -rng.uniform(0.45, 0.75) * dist])  # suspension lines' confluence
    c_img = cam.project(confl[None])[0]
    if p.line_alpha[1] > 0:
        seams = rot + np.arange(spec.N_GORES) * gd + twist
        skirt = np.column_stack([np.sin(seams), -np.cos(seams), np.zeros(spec.N_GORES)])
        ends = cam.project(skirt)
        alpha_lines = np.zeros((h, w), np.uint8)
        for e_pt in ends:
            a = int(255 * rng.uniform(*p.line_alpha))
            cv2.line(alpha_lines, _pt(c_img), _pt(e_pt), a, 1, cv2.LINE_AA)
        line_col = np.array(WHITE_RGB) * rng.uniform(0.9, 1.4)
        img = _blend(img, alpha_lines, line_col)
        if labels is not None:
            labels["lines"] = alpha_lines
    if rng.random() < p.bundles:
        # dark bundles of lines about the vent (as on NASA's frame)
        alpha_b = np.zeros((h, w), np.uint8)
        v_img = cam.project(np.array([[0.0, 0.0, dome]]))[0]
        for _ in range(int(rng.integers(4, 11))):
            ang_b = rng.uniform(0, 2 * np.pi)
            length = radius_px * rng.uniform(0.12, 0.3)
            tip = v_img + length * np.array([np.cos(ang_b), np.sin(ang_b)])
            cv2.line(alpha_b, _pt(v_img), _pt(tip), 255, int(rng.integers(2, 6)), cv2.LINE_AA)
        img = _blend(img, alpha_b, np.array(SKY_DARK_RGB) * 1.5)
        if labels is not None:
            labels["bundles"] = alpha_b
        cover = np.maximum(cover, alpha_b)
    if rng.random() < p.bridle:
        ang_b = rng.uniform(0, 2 * np.pi)
        far = c_img + 2.0 * max(w, h) * np.array([np.cos(ang_b), np.sin(ang_b)])
        w0, w1 = radius_px * rng.uniform(0.025, 0.045), radius_px * rng.uniform(0.08, 0.16)
        normal = np.array([-np.sin(ang_b), np.cos(ang_b)])
        poly = np.array(
            [c_img + w0 / 2 * normal, far + w1 / 2 * normal, far - w1 / 2 * normal, c_img - w0 / 2 * normal]
        )
        alpha_s = np.zeros((h, w), np.uint8)
        cv2.fillPoly(alpha_s, [np.round(poly).astype(np.int32)], 255, cv2.LINE_AA)
        tex = np.array(BRIDLE_RGB) * rng.uniform(0.7, 1.3) * (1 + 0.15 * _smooth_field(rng, (h, w), 30)[..., None])
        img = _blend(img, alpha_s, tex)
        cover = np.maximum(cover, alpha_s)
    if rng.random() < p.struts:
        alpha_t = np.zeros((h, w), np.uint8)
        side = int(rng.integers(4))
        for _ in range(int(rng.integers(1, 3))):
            t0 = rng.uniform(0.1, 0.9)
            start = [np.array([t0 * w, 0]), np.array([w, t0 * h]), np.array([t0 * w, h]), np.array([0, t0 * h])][side]
            target = cam.project(np.zeros((1, 3)))[0] + radius_px * rng.uniform(0.75, 1.3) * _unit(
                rng.uniform(0, 2 * np.pi)
            )
            width = radius_px * rng.uniform(0.1, 0.25)
            dirv = _unit_vec(target - start)
            nrm = np.array([-dirv[1], dirv[0]])
            poly = np.array(
                [start + nrm * width / 2, target + nrm * width / 2, target - nrm * width / 2, start - nrm * width / 2]
            )
            cv2.fillPoly(alpha_t, [np.round(poly).astype(np.int32)], 255, cv2.LINE_AA)
        tex = np.array(BRIDLE_RGB) * np.clip(0.6 + 0.5 * _smooth_field(rng, (h, w), 5), 0.15, 1.6)[..., None]
        img = _blend(img, alpha_t, tex)
        cover = np.maximum(cover, alpha_t)

    # --- visibility of every gore (forward projection of points inside each gore)
    visible = _visibility(cam, rot, twist, dome, (vent, e1, e2, g0, g1), tooth, cover, (w, h))

    # --- camera: defocus, noise, 8 bits; mirror (a view from above)
    sig = rng.uniform(*p.blur)
    img = cv2.GaussianBlur(img, (0, 0), sig)
    img = img + (rng if noise_rng is None else noise_rng).normal(0, p.noise, img.shape).astype(np.float32)
    bgr = np.clip(img[..., ::-1], 0, 255).astype(np.uint8)
    mirrored = bool(rng.random() < p.mirror)
    if mirrored:
        bgr = np.ascontiguousarray(bgr[:, ::-1])
    if labels is not None:
        labels["ring"] = ring[:, ::-1] if mirrored else ring
        labels["gore"] = gore[:, ::-1] if mirrored else gore
        labels["cover"] = cover[:, ::-1] if mirrored else cover
        for key in ("lines", "bundles"):  # what lies in front, if drawn (alpha 0-255)
            if key in labels:
                labels[key] = labels[key][:, ::-1] if mirrored else labels[key]
    return bgr, mirrored, visible


def _pt(v: NDArray[np.float64]) -> tuple[int, int]:
    return round(float(np.clip(v[0], -1e5, 1e5))), round(float(np.clip(v[1], -1e5, 1e5)))


def _unit(a: float) -> NDArray[np.float64]:
    return np.array([np.cos(a), np.sin(a)])


def _unit_vec(v: NDArray[np.float64]) -> NDArray[np.float64]:
    return v / max(float(np.hypot(*v)), 1e-9)


def _blend(img: NDArray[np.float32], alpha8: NDArray[np.uint8], colour: NDArray) -> NDArray[np.float32]:
    a = (alpha8.astype(np.float32) / 255.0)[..., None]
    return (img * (1 - a) + np.asarray(colour, dtype=np.float32) * a).astype(np.float32)


def _visibility(
    cam: _Camera,
    rot: float,
    twist: float,
    dome: float,
    radii: tuple[float, float, float, float, float],
    tooth: float,
    cover: NDArray[np.uint8],
    size: tuple[int, int],
) -> NDArray[np.float64]:
    """(4, 80) share of 6 x 6 points inside every gore of every ring that is in the frame and
    not covered."""
    vent, e1, e2, g0, g1 = radii
    bands = [(vent, e1 - tooth), (e1 + tooth, e2 - tooth), (e2 + tooth, g0), (g1, 1.0)]
    gd = 2 * np.pi / spec.N_GORES
    f = (np.arange(6) + 0.5) / 6
    w, h = size
    out = np.zeros((4, spec.N_GORES))
    for k, (lo, hi) in enumerate(bands):
        uu = lo + (hi - lo) * f
        g = np.arange(spec.N_GORES)[:, None, None] + f[None, None, :]
        th = rot + g * gd + twist * uu[None, :, None]
        uu3 = np.broadcast_to(uu[None, :, None], th.shape)
        pts = np.stack([uu3 * np.sin(th), -uu3 * np.cos(th), dome * (1 - uu3**2)], axis=-1).reshape(-1, 3)
        px = cam.project(pts)
        inside = (px[:, 0] >= 0) & (px[:, 0] < w - 0.5) & (px[:, 1] >= 0) & (px[:, 1] < h - 0.5)
        ok = np.zeros(len(px), dtype=bool)
        ix = np.clip(np.round(px[:, 0]).astype(int), 0, w - 1)
        iy = np.clip(np.round(px[:, 1]).astype(int), 0, h - 1)
        ok[inside] = cover[iy[inside], ix[inside]] < 128
        out[k] = ok.reshape(spec.N_GORES, -1).mean(axis=1)
    return out


def _encode_video_frame(bgr: NDArray[np.uint8], rng: np.random.Generator) -> tuple[bytes, str]:
    """Downscale to 400-600 px wide and pass through H.264 (an intra frame, 4:2:0); PNG bytes."""
    import av

    h, w = bgr.shape[:2]
    new_w = int(rng.integers(VIDEO_WIDTHS[0], VIDEO_WIDTHS[1] + 1)) // 2 * 2
    new_h = round(h * new_w / w) // 2 * 2
    small = cv2.resize(bgr, (new_w, new_h), interpolation=cv2.INTER_AREA)
    crf = int(rng.integers(PARAMS["video"].quality[0], PARAMS["video"].quality[1] + 1))
    enc = av.CodecContext.create("libx264", "w")
    enc.width, enc.height, enc.pix_fmt = new_w, new_h, "yuv420p"
    enc.time_base = fractions.Fraction(1, 30)
    enc.options = {"crf": str(crf), "preset": "veryfast", "tune": "zerolatency", "threads": "1"}
    frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(small[..., ::-1]), format="rgb24").reformat(
        format="yuv420p"
    )
    packets = list(enc.encode(frame)) + list(enc.encode(None))
    dec = av.CodecContext.create("h264", "r")
    frames = []
    for pkt in packets:
        frames += dec.decode(pkt)
    frames += dec.decode(None)
    rgb = frames[0].to_ndarray(format="rgb24")
    ok, buf = cv2.imencode(".png", np.ascontiguousarray(rgb[..., ::-1]))
    assert ok
    return buf.tobytes(), ".png"


def save_scene(scene: Scene, path_stem: str) -> str:
    """Write a scene's image next to ``path_stem`` with its suffix; returns the path."""
    path = path_stem + scene.suffix
    with open(path, "wb") as fh:
        fh.write(scene.data)
    return path


__all__ = ["PARAMS", "TIERS", "Scene", "data_gores", "random_message", "render_layouts", "render_scene", "save_scene"]
