"""Read a parachute code from a photo: the decoding API and the reading of the rings.

Pipeline (the ring code of NASA/JPL's Mars 2020 parachute: 80 gores, 10-gore slots, as
transcribed gore by gore in github.com/cbuckowitz/mars2020-parachute-message); steps 1-2 live in
:mod:`marsound.chute.canopy`, polar sampling in :mod:`marsound.chute.polar`, the centre
refinement of step 5 in :mod:`marsound.chute.centre`, step 6 in :mod:`marsound.chute.gores` (what
hides a gore: :mod:`marsound.chute.occluders`):

1. **Canopy mask**: pixels far (CIELAB) from the colours of the image border (the sky), the
   largest blob with holes filled; its outline gives the rim ellipse (robust fit rejecting
   occluders and lines).
2. **Perspective**: the see-through gap gives a second, concentric ellipse; the pencil of the
   two conics gives the projected centre and the vanishing line, hence a homography from the
   canopy plane to the image (:mod:`marsound.chute.geometry`). Without a usable gap the rim
   alone gives an affine frame.
3. **Unwrap** the canopy in polar coordinates by sampling (``cv2.remap``) exactly where needed.
4. **Ring radii**: the disk between vent and gap is split into its three rings by a
   least-squares segmentation of the angular colour profiles of successive radii (rows inside a
   ring look alike, the saw-tooth seams separate them); the band lies between gap and rim.
5. **Gore phase and centre**: phase of the 80th angular harmonic of the colour-edge energy
   (of profiles from which the suspension lines, converging on the confluence rather than the
   vent, are removed by a running median: :func:`marsound.chute.polar.without_lines`); its
   drift across sectors and rings locates the image of the centre (seams are radial), which
   with the rim fixes the homography (:func:`marsound.chute.geometry.centred_frame`). When the
   gore pattern stays weak, the centre is searched on a grid.
6. **Colour**: ~50 samples per gore and ring over 70 % of the gore's width (the band: half), in
   intensity-free chromaticity; two-class clustering with a linear discriminant of the gore
   medians, then asymmetric evidence per gore (what covers a gore is grey or dark, never red)
   gives a soft probability of red (:func:`marsound.chute.gores.classify_gores`). Gores with almost no sample that
   fits either class (occluders) become erasures (P = 0.5). A gore partly out of the picture or
   under a bright strip (the bridle, a strut: :mod:`marsound.chute.strips`, found where it
   crosses the sky and followed inward) is sampled over nine tenths of its width, and only its samples
   on the strip are set aside: it is read from what is left of it.
7. **Decode** with :func:`decode_p_red` (:func:`marsound.chute.decode_bits.decode_soft`, which
   tries both directions and every rotation, with the band favouring coordinates:
   :func:`marsound.chute.decode_bits.canopy_kind_priors`); ``clockwise`` means the image is a
   view from below.
"""

from __future__ import annotations

import dataclasses
import itertools
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from marsound.chute import spec
from marsound.chute.alignment import refine_ring_alignment
from marsound.chute.calibration import calibrated
from marsound.chute.canopy import (
    Detection,
    NoCanopyError,
    gap_ellipse,
    locate_canopy,
    resize_max,
)
from marsound.chute.centre import centre_error, moved_centre, ring_offsets, search_centre
from marsound.chute.decode_bits import CLOCKWISE, Decoded, canopy_kind_priors, decode_soft
from marsound.chute.geometry import CanopyFrame
from marsound.chute.gores import classify_gores
from marsound.chute.occluders import gap_occluders, occluder_suspects
from marsound.chute.polar import (
    N_ANGLES,
    chroma,
    chroma_axis,
    edge_energy,
    gore_strength,
    polar_chroma,
    project,
    segment_rows,
    without_lines,
)
from marsound.chute.protrusions import erase_protrusions
from marsound.chute.radial import radial_frame
from marsound.chute.resolution import deblur_gores, gore_widths_px, temper_by_resolution
from marsound.chute.samples import SAMPLES_PER_SIDE, ring_samples
from marsound.chute.strips import Strip, crossed_columns, find_strips
from marsound.errors import FileFormatError

__all__ = [
    "IMAGE_SUFFIXES",
    "CanopyReading",
    "ImageDecode",
    "NoCanopyError",
    "as_bgr8",
    "decode_array",
    "decode_image",
    "decode_p_red",
    "decode_reading",
    "load_image",
    "read_canopy",
]

SAMPLE_MAX_SIDE = 1400
"""Longest side (pixels) at which gores are sampled; larger images are reduced first."""
SAMPLE_BLUR_SIGMA = 0.6
"""Gaussian blur (pixels) before sampling: takes the edge off JPEG blocks and demosaicing."""
VENT_MARGIN = 1.15
"""The disk profile starts this factor outside the nominal vent (the vent's edge and the
lines converging on it are not fabric colour)."""
GAP_MARGIN = 0.985
"""The disk profile ends this factor inside the gap's inner edge."""
DISK_PROFILE_ROWS = 72
"""Radii of the disk's polar profile for the ring segmentation (24 per ring)."""
BAND_PROFILE_ROWS = 6
"""Radii of the band's polar profile."""
RING_CUT_TOLERANCE = 0.06
"""A ring cut farther than this (canonical radius) from the spec's ring edge is replaced by it
(two rings of the same colour at that angle leave no seam to find). The spec's edges are not
scaled with the gap: a canopy's gap and seams vary independently (NASA's frame: seams 0.36 and
0.64 of the rim, gap from 0.85; scaled by the gap, the nominal seams moved 0.03-0.04 outward and
rejected cuts found right)."""
RING_WINDOW_INNER = (0.3, 0.85)
"""Radial window sampled in ring 1 (fractions of its width): its wider outer part, away from the
vent and the lines converging on it."""
RING_WINDOW = (0.25, 0.75)
"""Radial window sampled in rings 2 and 3: their central half, away from the saw-tooth seams."""
BAND_WINDOW_OUTER = 0.975
"""Outer edge of the band's window (the rim itself is scalloped and shaded)."""
BAND_WINDOW_MAX_INNER = 0.95
"""Largest inner edge of the band's window."""
BAND_WINDOW_START = 0.55
"""The band's window starts this share of the way from the gap's inner edge to the rim (past the
gap, which spans about half of it, and its dark edge)."""
WHITE_RED_PERCENTILES = (10, 90)
"""Percentiles of the disk's red-white profile taken as its white and its red when the rings'
alignment is checked (:func:`marsound.chute.alignment.refine_ring_alignment`)."""
CENTRE_SECTORS = 16
"""Sectors in which the gore phase is measured for the centre fit."""
MAX_CENTRE_STEP = 0.05
"""A fitted centre error larger than this (rim radii) is not trusted (the grid search handles it)."""
CENTRE_CONVERGED = 0.002
"""The centre refinement stops below this step (rim radii)."""
STRIP_RED_PERCENTILES = (5, 95)
"""Red fabric, for following a strip inward: the canopy's chroma past the midpoint of these
percentiles of its projection on the red-white axis."""
LOG_BRIGHTNESS_OFFSET = 3.0
"""Added to the sum of B, G, R before the log brightness (dark samples)."""
DECODE_EPS = 1e-3
"""Floor on every gore's P(red) and P(white) for the grammar decoder: no gore reading is certain."""
BLANK_THRESHOLD = 0.1
"""Grammar-decoder threshold under which a ring position counts as blank (no ring there)."""
MIN_GORE_STRENGTH_COARSE = 1.5
"""Before the centre is refined: below this the object shows no 80-gore pattern at all."""
MIN_GORE_STRENGTH = 4.0
"""After refinement: the 80th harmonic of the gore edges against its neighbours."""
CENTRE_SEARCH_BELOW = 7.0
"""Gore strength under which :func:`read_canopy` also searches the centre on a grid (clean
and easy benchmark images measure 8.6 or more; a misplaced centre smears the gore phase)."""
GLARE_LEVEL = 235
"""A sample whose smallest channel reaches this is white fabric in the sun's glare (NASA's frame:
sunlit whites at 245-250 in every channel)."""
MAX_IMAGE_BYTES = 512 * 2**20
"""Largest image file read (bytes)."""
MAX_IMAGE_PIXELS = 120_000_000
"""Largest image decoded (pixels: 360 MB as BGR); a parachute frame needs a few megapixels."""
PROBE_BYTES = 1 << 16
"""Bytes of the file searched for the declared dimensions (JPEG metadata may precede them)."""
RADIAL_BELOW = 0.9
"""Decode confidence under which :func:`read_canopy` also reads the canopy in the frame of
:func:`marsound.chute.radial.radial_frame` and keeps the more confident reading, when the gore
pattern is also weak (below :data:`CENTRE_SEARCH_BELOW`; NASA's frame measures 4.4 in the
outline's frame). Ungated, the search ran on a third of the benchmark's images and cost 9 times
the median CPU time."""
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".jpe", ".bmp", ".tif", ".tiff", ".webp", ".ppm", ".pgm", ".pnm", ".jp2")


@dataclass
class CanopyReading:
    """What the image decoder measured, before the grammar decoding.

    ``p_red`` has shape (4, 80): disk rings 1-3 and the band, gores numbered clockwise in the
    image starting at the gore boundary ``phase_deg`` (angle from 12 o'clock, clockwise).
    """

    p_red: NDArray[np.float64]
    frame: CanopyFrame
    ring_radii: list[tuple[float, float]]
    phase_deg: float
    gore_strength: float
    erased: int
    scale: float = 1.0
    notes: list[str] = field(default_factory=list)
    strips: list[Strip] = field(default_factory=list)
    """Bright strips across the canopy whose samples were set aside (:mod:`marsound.chute.strips`)."""
    red_axis: tuple[NDArray[np.float64], NDArray[np.float64], float] | None = None
    """(mean chroma, red-white axis, threshold): chroma projecting above the threshold is red."""
    _decoded: tuple[bytes, Decoded] | None = field(default=None, repr=False, compare=False)


@dataclass
class ImageDecode:
    """Result of :func:`decode_image`: the message and the measurements behind it."""

    decoded: Decoded
    reading: CanopyReading

    def to_json(self) -> dict:
        d = self.decoded.to_json()
        d["rings"] = [r for r in d["rings"] if r["kind"] != "blank"]
        d["view"] = "below" if self.decoded.direction == CLOCKWISE else "above (or mirrored)"
        fr = self.reading.frame
        d["canopy"] = {
            "centre_px": [round(v / self.reading.scale, 2) for v in fr.centre_px],
            "rim_axes_px": [round(v / self.reading.scale, 2) for v in fr.rim.axes],
            "rim_angle_deg": round(fr.rim.angle_deg, 2),
            "perspective": fr.projective,
            "gore_phase_deg": round(self.reading.phase_deg, 3),
            "gore_strength": round(self.reading.gore_strength, 3),
            "erased_gores": self.reading.erased,
            "notes": self.reading.notes,
        }
        return d


# ----------------------------------------------------------------------------- loading


def load_image(path: str | Path) -> NDArray[np.uint8]:
    """Read an image file as BGR uint8 (alpha composited on black; 16-bit scaled down).

    The file must be a regular file of at most :data:`MAX_IMAGE_BYTES`; for PNG, JPEG and BMP
    the dimensions are read from the header before anything is decoded, and more than
    :data:`MAX_IMAGE_PIXELS` pixels are refused (a small file can declare a huge image).

    Raises
    ------
    FileFormatError
        Missing, not a regular file, empty, too large or undecodable.
    """
    import cv2

    from marsound._files import check_image_file

    # regular file of at most MAX_IMAGE_BYTES, header's pixel count within budget: before decoding
    path = check_image_file(path, max_bytes=MAX_IMAGE_BYTES)
    try:
        data = np.fromfile(path, dtype=np.uint8)
    except OSError as exc:
        raise FileFormatError(f"{path}: cannot read ({exc.strerror})") from None
    if data.size == 0:
        raise FileFormatError(f"{path}: empty file")
    dims = probe_dimensions(data[:PROBE_BYTES].tobytes())
    if dims is not None and dims[0] * dims[1] > MAX_IMAGE_PIXELS:
        raise FileFormatError(
            f"{path}: declares {dims[0]}x{dims[1]} pixels, more than {MAX_IMAGE_PIXELS} (refused before decoding)"
        )
    try:
        img = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
    except cv2.error:
        img = None
    if img is None:
        raise FileFormatError(f"{path}: not an image OpenCV can decode")
    return as_bgr8(img)


def probe_dimensions(head: bytes) -> tuple[int, int] | None:
    """(width, height) declared in the header of a PNG, JPEG or BMP file, or None (other
    formats, or a header not found in ``head``)."""
    if head[:8] == b"\x89PNG\r\n\x1a\n" and len(head) >= 24:
        w, h = struct.unpack(">II", head[16:24])
        return int(w), int(h)
    if head[:2] == b"BM" and len(head) >= 26:
        w, h = struct.unpack("<ii", head[18:26])
        return abs(int(w)), abs(int(h))
    if head[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(head):
            if head[i] != 0xFF:
                i += 1
                continue
            marker = head[i + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
                i += 1 if marker == 0xFF else 2
                continue
            seg = struct.unpack(">H", head[i + 2 : i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # start of frame
                h, w = struct.unpack(">HH", head[i + 5 : i + 9])
                return int(w), int(h)
            i += 2 + seg
    return None


def as_bgr8(img: NDArray) -> NDArray[np.uint8]:
    """Normalise a decoded array (gray, BGR, BGRA; 8 or 16 bit) to BGR uint8."""
    import cv2

    if img.dtype == np.uint16:
        img = (img / 257.0).round().astype(np.uint8)
    elif img.dtype != np.uint8:
        img = np.clip(img, 0, 255).astype(np.uint8)
    if img.ndim == 2:
        return np.asarray(cv2.cvtColor(img, cv2.COLOR_GRAY2BGR), dtype=np.uint8)
    if img.shape[2] == 4:
        a = img[:, :, 3:4].astype(np.float32) / 255.0
        return (img[:, :, :3].astype(np.float32) * a).round().astype(np.uint8)
    return np.ascontiguousarray(img[:, :, :3])


# ----------------------------------------------------------------------------- reading


def read_canopy(bgr: NDArray[np.uint8], *, detection: Detection | None = None) -> CanopyReading:
    """Measure P(red) for every gore of the four ring positions of a canopy image.

    The canopy frame from :func:`find_canopy` is refined on the gores themselves (their seams
    are radial, so they meet in the image of the centre). When the gore pattern is weak in
    that frame (strength below ``CENTRE_SEARCH_BELOW``: typically a steep view whose gap
    ellipse misplaces the centre by a tenth of the radius), the rim is refitted without a bridle or
    strut joined to the outline, the centre searched on a grid, and the strongest reading kept.

    ``detection``: where the canopy was found in another image of the same size and view (a
    video's mean frame: :mod:`marsound.chute.video`) instead of in ``bgr`` itself.

    Raises
    ------
    NoCanopyError
        No canopy, or no 80-gore structure on the object found.
    """
    import cv2

    det = locate_canopy(bgr) if detection is None else detection
    s_det = det.scale
    img, s_smp = resize_max(bgr, SAMPLE_MAX_SIDE)
    rel = s_smp / s_det  # detection px -> sampling px
    img = np.asarray(cv2.GaussianBlur(img, (0, 0), SAMPLE_BLUR_SIGMA), dtype=np.uint8)
    reading: CanopyReading | None = None
    error: NoCanopyError | None = None
    try:
        reading = _read_in_frame(img, det.frame, rel, s_det)
    except NoCanopyError as exc:
        error = exc
    starts = [det]
    if reading is None or reading.gore_strength < CENTRE_SEARCH_BELOW:  # a strut may have pulled the rim
        try:
            det2: Detection | None = locate_canopy(bgr, drop_protrusions=True, masks_of=det)
        except NoCanopyError:
            det2 = None
        second = None if det2 is None else _try_read(img, det2.frame, rel, s_det)
        if det2 and second and (reading is None or second.gore_strength > reading.gore_strength):
            reading, starts = _erase_protrusions(second, det2, img, rel), [det2]
            reading.notes.append("rim fitted without the bridle and struts")
        elif reading is None and det2 is not None:  # no reading in either: search about both
            starts.append(det2)
    for d in starts:
        found = _search_frames(img, d, rel, s_det, reading)
        reading = found if found is None or found is reading else _erase_protrusions(found, d, img, rel)
    if reading is None:
        assert error is not None
        raise error
    return reading


def _search_frames(
    img: NDArray[np.uint8], det: Detection, rel: float, s_det: float, reading: CanopyReading | None
) -> CanopyReading | None:
    """:func:`read_canopy`'s searches about the frame of ``det`` when ``reading`` is weak: the
    centre on a grid, then the frame from the seams' centre; the best reading."""
    if reading is None or reading.gore_strength < CENTRE_SEARCH_BELOW:
        searched = search_centre(img, det.frame, rel)
        if searched is not None:
            # the gap's inner edge, refitted about the new centre, sets the ring proportions
            searched = dataclasses.replace(searched, inner=gap_ellipse(det.fg, searched))
            second = _try_read(img, searched, rel, s_det)
            if second is not None and (reading is None or second.gore_strength > reading.gore_strength):
                reading = second
                reading.notes.append("centre found by grid search on the gore pattern")
    if reading is None or (
        reading.gore_strength < CENTRE_SEARCH_BELOW and decode_reading(reading).confidence < RADIAL_BELOW
    ):
        radial = radial_frame(img, det.sky_dist, det.frame, rel)
        third = None if radial is None else _try_read(img, radial, rel, s_det)
        if third is not None:
            if reading is None or decode_reading(third).confidence > decode_reading(reading).confidence:
                reading = third
                reading.notes.append("frame from the seams' centre and the rim along rays")
    return reading


def _erase_protrusions(reading: CanopyReading, det: Detection, img: NDArray[np.uint8], rel: float) -> CanopyReading:
    """:func:`marsound.chute.protrusions.erase_protrusions` for a reading (in place)."""
    if det.protrusions is not None:
        reading.p_red = erase_protrusions(
            reading.p_red,
            reading.frame,
            np.radians(reading.phase_deg),
            reading.ring_radii,
            reading.frame.to_canonical(det.protrusions),
            reading.strips,
            (img, rel, reading.red_axis),
        )
    return reading


def _try_read(img: NDArray[np.uint8], frame_d: CanopyFrame, rel: float, s_det: float) -> CanopyReading | None:
    try:
        return _read_in_frame(img, frame_d, rel, s_det)
    except NoCanopyError:
        return None


def _read_in_frame(img: NDArray[np.uint8], frame_d: CanopyFrame, rel: float, s_det: float) -> CanopyReading:
    """:func:`read_canopy` in a given frame (detection pixels; ``rel`` maps them to ``img``)."""
    notes = [] if frame_d.projective else ["perspective not resolved (no gap ellipse): affine frame"]
    gap_in = None
    if frame_d.inner is not None:
        # radius of the inner circle in canonical units: measure along the 4 axes
        ang_in = np.linspace(0, 2 * np.pi, 64, endpoint=False)
        pts = frame_d.to_canonical(
            np.asarray(frame_d.inner.centre)
            + np.column_stack([np.cos(ang_in), np.sin(ang_in)])
            @ np.diag(np.asarray(frame_d.inner.axes) / 2)
            @ np.array(
                [
                    [np.cos(np.radians(frame_d.inner.angle_deg)), np.sin(np.radians(frame_d.inner.angle_deg))],
                    [-np.sin(np.radians(frame_d.inner.angle_deg)), np.cos(np.radians(frame_d.inner.angle_deg))],
                ]
            )
        )
        gap_in = float(np.median(np.hypot(pts[:, 0], pts[:, 1])))
    if gap_in is None:
        gap_in = spec.GAP_EDGES[0]
    k = gap_in / spec.GAP_EDGES[0]
    band = (spec.BAND_EDGES[0] + 0.25 * (spec.BAND_EDGES[1] - spec.BAND_EDGES[0]), BAND_WINDOW_OUTER)
    if gap_in > 0:
        band = (min(BAND_WINDOW_MAX_INNER, gap_in + BAND_WINDOW_START * (1 - gap_in)), BAND_WINDOW_OUTER)

    # --- polar unwrap of the disk for ring segmentation and gore phase
    ang = (np.arange(N_ANGLES) + 0.5) * (2 * np.pi / N_ANGLES)
    r_lo = spec.VENT_RADIUS * k * VENT_MARGIN
    radii = np.linspace(r_lo, gap_in * GAP_MARGIN, DISK_PROFILE_ROWS)
    feat = polar_chroma(img, frame_d, radii, ang, rel)
    band_r = np.linspace(band[0], band[1], BAND_PROFILE_ROWS)
    feat_b = polar_chroma(img, frame_d, band_r, ang, rel)

    # principal chroma axis of the canopy (red vs white)
    mu, axis = chroma_axis(np.concatenate([feat.reshape(-1, 2), feat_b.reshape(-1, 2)]))
    f1 = project(feat, mu, axis)  # (rows, angles)
    f1b = project(feat_b, mu, axis)

    rows = f1 - f1.mean(axis=1, keepdims=True)
    cuts = segment_rows(rows, spec.N_DISK_RINGS, max(3, len(radii) // 12))
    for i_cut, edge_r in enumerate(spec.DISK_RING_EDGES[1:-1], start=1):
        nominal = int(np.argmin(np.abs(radii - edge_r)))
        if abs(radii[min(cuts[i_cut], len(radii) - 1)] - edge_r) > RING_CUT_TOLERANCE:
            cuts[i_cut] = nominal
    ring_radii = []
    for i_ring, (a, b) in enumerate(itertools.pairwise(cuts)):
        ln = b - a
        f_lo, f_hi = RING_WINDOW_INNER if i_ring == 0 else RING_WINDOW
        lo, hi = a + round(f_lo * ln), a + max(round(f_hi * ln), round(f_lo * ln) + 1)
        ring_radii.append((float(radii[lo]), float(radii[min(hi, len(radii) - 1)])))
    ring_radii.append(band)

    # --- gore phase from the 80th harmonic of angular edge energy
    theta_edge = ang + np.pi / N_ANGLES
    carrier = np.exp(-1j * spec.N_GORES * theta_edge)
    ring_rows = [(a + (b - a) // 4, b - (b - a) // 4 + 1) for a, b in itertools.pairwise(cuts)]

    def edges(f_disk: NDArray) -> NDArray:
        profs = [np.median(f_disk[a:b], axis=0) for a, b in ring_rows] + [np.median(f1b[1:-1], axis=0)]
        return edge_energy(without_lines(np.stack(profs)))

    edge_k = edges(f1)
    z = np.sum(np.sum(edge_k, axis=0) * carrier)
    strength = gore_strength(np.sum(edge_k, axis=0))
    if strength < MIN_GORE_STRENGTH_COARSE:
        raise NoCanopyError(
            f"no canopy found: no 80-gore pattern on the object (gore strength {strength:.1f} "
            f"< {MIN_GORE_STRENGTH_COARSE})"
        )

    # --- centre refinement: gore seams are radial, so a centre error e shifts the local gore
    # phase at angle θ and radius r by (e · t(θ)) / r, t = (cos θ, sin θ): fit e per sector,
    # move the image of the centre there and rebuild the frame from the rim (the band moves too)
    n_sec = CENTRE_SECTORS
    sec_theta = (np.arange(n_sec) + 0.5) * 2 * np.pi / n_sec
    ring_r = [float(np.mean(radii[a:b])) for a, b in ring_rows] + [float(np.mean(band_r))]
    for _ in range(2):
        e = centre_error(edge_k, ring_r, carrier, z, sec_theta)
        if e is None or np.hypot(*e) > MAX_CENTRE_STEP:
            break
        moved = moved_centre(frame_d, e)
        if moved is None:
            break
        frame_d = moved
        f1 = project(polar_chroma(img, frame_d, radii, ang, rel), mu, axis)
        f1b = project(polar_chroma(img, frame_d, band_r, ang, rel), mu, axis)
        edge_k = edges(f1)
        z = np.sum(np.sum(edge_k, axis=0) * carrier)
        if np.hypot(*e) < CENTRE_CONVERGED:
            break
    phase = (-np.angle(z) / spec.N_GORES) % (2 * np.pi / spec.N_GORES)
    strength = gore_strength(np.sum(edge_k, axis=0))
    if strength < MIN_GORE_STRENGTH:
        raise NoCanopyError(
            f"no canopy found: no 80-gore pattern on the object (gore strength {strength:.1f} < {MIN_GORE_STRENGTH})"
        )

    # --- gore centres and each ring's alignment; the samples are taken by samples.ring_samples
    gd = 2 * np.pi / spec.N_GORES
    gore_c = phase + (np.arange(spec.N_GORES) + 0.5) * gd
    # each ring's own centre and phase (the dome's parallax, the gores' twist)
    offsets = ring_offsets(edge_k, ring_r, carrier, z, sec_theta)
    # ... checked on the inner rings' own colours: a misaligned ring's gores show both colours
    lo_w, hi_r = np.percentile(f1, WHITE_RED_PERCENTILES)
    offsets, realigned = refine_ring_alignment(
        img, frame_d, rel, gore_c, ring_radii, offsets, mu, axis, (float(lo_w), float(hi_r))
    )
    if realigned:
        notes.append("ring alignment from the gores' colours: ring " + ", ".join(str(k + 1) for k in realigned))
    # bright straight strips (bridle, struts) crossing the rim: the ring samples they cover
    f_all = np.concatenate([f1.ravel(), f1b.ravel()])
    lo_f, hi_f = np.percentile(f_all, STRIP_RED_PERCENTILES)
    red_axis = (mu, axis, 0.5 * (lo_f + hi_f))
    strips = find_strips(img, frame_d, rel, red_axis, gap_in, log_offset=LOG_BRIGHTNESS_OFFSET)[0]
    smp, off_pic, on_strips = ring_samples(img, frame_d, rel, gore_c, offsets, ring_radii, band, gap_in, strips)
    X = chroma(smp)  # (4, 80, 49, 2) chroma of every sample
    logL = np.log(smp.sum(-1) + LOG_BRIGHTNESS_OFFSET)  # (4, 80, 49) log brightness of every sample
    clipped = smp.min(-1) >= GLARE_LEVEL

    occluder = gap_occluders(
        img, frame_d, rel, gore_c, gap_in, samples_per_side=SAMPLES_PER_SIDE, log_offset=LOG_BRIGHTNESS_OFFSET
    )
    if occluder is not None and strips:
        # gap columns a strip found crosses: only the samples on the strip are suspect
        on_strip = crossed_columns(strips, gore_c, gap_in)
        occluder = (occluder[0] & ~(on_strip & occluder[1]), *occluder[1:])
    suspect = None if occluder is None else occluder_suspects(X, logL, occluder)
    if on_strips.any():
        suspect = on_strips if suspect is None else suspect | on_strips
        notes.append(f"{len(strips)} strips (bridle, struts) across the canopy")
    if occluder is not None and occluder[0].any():
        notes.append(f"{int(occluder[0].sum())} gore columns crossed by something in front of the gap")
    if off_pic.any():
        n_out = int((off_pic.mean(axis=2) > 0.5).sum())
        if n_out:
            notes.append(f"{n_out} gores (of {off_pic.shape[0] * off_pic.shape[1]}) mostly outside the picture")
    # gores a few pixels wide (a video frame's inner ring) bleed into each other and say less
    widths = gore_widths_px(frame_d, ring_radii, phase, s_det)
    X = deblur_gores(X, widths)
    p_red, erased = classify_gores(X, logL, columns=SAMPLES_PER_SIDE, suspect=suspect, glare=clipped, outside=off_pic)
    p_red = temper_by_resolution(p_red, widths)
    return CanopyReading(
        p_red, frame_d, ring_radii, float(np.degrees(phase)), strength, erased, s_det, notes, strips, red_axis
    )


def decode_p_red(p_red: NDArray[np.float64]) -> Decoded:
    """Grammar decoding of a canopy's P(red) (rows: the ring positions, innermost first): the
    decoder's options for a photographed canopy (gore error floor, blank rings skipped, the band
    favouring coordinates: :func:`marsound.chute.decode_bits.canopy_kind_priors`)."""
    return decode_soft(
        p_red, eps=DECODE_EPS, blank_threshold=BLANK_THRESHOLD, kind_priors=canopy_kind_priors(len(p_red))
    )


def decode_reading(reading: CanopyReading) -> Decoded:
    """Grammar decoding of a :class:`CanopyReading` (blank ring positions are skipped).

    The result is kept with the reading (for as long as its ``p_red`` is unchanged):
    :func:`read_canopy` compares candidate readings by their decoded confidence.
    """
    key = np.asarray(reading.p_red, dtype=np.float64).tobytes()
    if reading._decoded is not None and reading._decoded[0] == key:
        return reading._decoded[1]
    decoded = decode_p_red(reading.p_red)
    reading._decoded = (key, decoded)
    return decoded


def decode_array(bgr: NDArray[np.uint8]) -> ImageDecode:
    """Decode a BGR uint8 image array."""
    reading = read_canopy(bgr)
    return ImageDecode(calibrated(decode_reading(reading)), reading)


def decode_image(path: str | Path) -> ImageDecode:
    """Decode the parachute code in an image file (PNG, JPEG, TIFF, BMP, WebP …).

    Raises
    ------
    FileFormatError
        The file is not an image.
    NoCanopyError
        No canopy found in the image.

    Examples
    --------
    >>> res = decode_image("canopy.png")  # doctest: +SKIP
    >>> res.decoded.texts  # doctest: +SKIP
    ['DARE', 'MIGHTY', 'THINGS', '34 11 58 N 118 10 31 W']
    """
    return decode_array(load_image(path))
