"""Draw a parachute canopy (SVG or PNG) from encoded rings.

Geometry after public renderers of the Mars 2020 canopy (Noleli/EncodeMightyThings
proportions): vent 0-0.09 R, disk rings 0.09-0.37-0.63-0.80 R with saw-tooth seams between them
(depth ±0.04 R, period 2 gores), gap 0.80-0.90 R (see-through, drawn in the background colour),
band 0.90-1.00 R. Gore 0 starts one gore clockwise of 12 o'clock (as in the public renderers).
"Below" is the up-look camera view, where the message reads clockwise; "above" is its mirror.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from marsound._atomic import atomic_path
from marsound._validate import choose
from marsound.chute import spec
from marsound.chute.encode import KIND_COORDINATES, EncodedRing
from marsound.errors import InvalidParameterError, UnknownNameError

VIEWS = ("below", "above")
_HEX = re.compile(r"^#?([0-9a-fA-F]{6})$")


def parse_colour(text: str | Sequence[int], name: str = "colour") -> tuple[int, int, int]:
    """``"#D24A4C"`` or ``(210, 74, 76)`` → RGB tuple."""
    if isinstance(text, str):
        m = _HEX.match(text.strip())
        if m is None:
            raise InvalidParameterError(f"{name}={text!r} is not a colour like '#D24A4C'")
        h = m.group(1)
        return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))
    rgb = tuple(int(c) for c in text)
    if len(rgb) != 3 or not all(0 <= c <= 255 for c in rgb):
        raise InvalidParameterError(f"{name}={text!r} is not an RGB triple 0-255")
    return rgb


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def ring_positions(rings: Sequence[EncodedRing]) -> list[int]:
    """Position (0-2 disk rings, 3 band) of each ring: a coordinates ring always goes in the band."""
    if len(rings) > spec.N_RING_POSITIONS:
        raise InvalidParameterError(f"{len(rings)} rings do not fit on a canopy of {spec.N_RING_POSITIONS}")
    pos = list(range(len(rings)))
    if rings and rings[-1].ring.kind == KIND_COORDINATES:
        pos[-1] = spec.N_RING_POSITIONS - 1
    return pos


def _ring_radii(position: int) -> tuple[float, float, bool, bool]:
    """(inner R, outer R, inner edge saw-tooth?, outer edge saw-tooth?) of a ring position."""
    if position == spec.N_RING_POSITIONS - 1:
        return spec.BAND_EDGES[0], spec.BAND_EDGES[1], False, False
    e = spec.DISK_RING_EDGES
    return e[position], e[position + 1], position > 0, position < spec.N_DISK_RINGS - 1


def gore_polygons(
    rings: Sequence[EncodedRing], *, radius: float = 1.0, centre: tuple[float, float] = (0.0, 0.0), view: str = "below"
) -> Iterator[tuple[int, int, NDArray[np.float64]]]:
    """Yield ``(position, bit, polygon (k, 2) in x-right/y-down coordinates)`` for every gore.

    Unused ring positions are yielded with bit 0 (white).
    """
    view = choose("view", view, VIEWS)
    sign = 1.0 if view == "below" else -1.0
    bits_at: dict[int, NDArray] = {p: r.bits for p, r in zip(ring_positions(rings), rings)}
    t = np.linspace(0.0, 1.0, 5)
    cx, cy = centre
    for position in range(spec.N_RING_POSITIONS):
        r_in, r_out, zz_in, zz_out = _ring_radii(position)
        bits = bits_at.get(position, np.zeros(spec.N_GORES, dtype=np.uint8))
        for g in range(spec.N_GORES):
            s0 = 1.0 if g % 2 == 0 else -1.0
            zig = spec.STITCH_DEPTH * (s0 * (1 - t) - s0 * t)
            ang = np.radians((g + 1 + t) * spec.GORE_DEG)
            ro = r_out + (zig if zz_out else 0.0 * t)
            ri = r_in + (zig if zz_in else 0.0 * t)
            rr = np.concatenate([ro, ri[::-1]]) * radius
            aa = np.concatenate([ang, ang[::-1]])
            pts = np.column_stack([cx + sign * rr * np.sin(aa), cy - rr * np.cos(aa)])
            yield position, int(bits[g]), pts


def svg_text(
    rings: Sequence[EncodedRing],
    *,
    size_px: int = 800,
    view: str = "below",
    red: str = "#D24A4C",
    white: str = "#FFFFFF",
    background: str | None = "#1E1A1C",
) -> str:
    """SVG document of the canopy (``background=None`` leaves it transparent)."""
    size_px = _check_size(size_px)
    cols = {1: _hex(parse_colour(red, "red")), 0: _hex(parse_colour(white, "white"))}
    c = size_px / 2.0
    radius = 0.48 * size_px
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size_px}" height="{size_px}" '
        f'viewBox="0 0 {size_px} {size_px}">',
        "<title>parachute code (marsound), view from " + view + "</title>",
    ]
    if background is not None:
        bg = _hex(parse_colour(background, "background"))
        out.append(f'<rect width="{size_px}" height="{size_px}" fill="{bg}"/>')
    last = -1
    for position, bit, pts in gore_polygons(rings, radius=radius, centre=(c, c), view=view):
        if position != last:
            if last >= 0:
                out.append("</g>")
            out.append(f'<g id="ring{position + 1}" stroke-width="0.6" stroke-linejoin="round">')
            last = position
        pts_s = " ".join(f"{x:.2f},{y:.2f}" for x, y in pts)
        out.append(f'<polygon points="{pts_s}" fill="{cols[bit]}" stroke="{cols[bit]}"/>')
    out.append("</g></svg>")
    return "\n".join(out) + "\n"


def render_array(
    rings: Sequence[EncodedRing],
    *,
    size_px: int = 800,
    view: str = "below",
    red: str | Sequence[int] = "#D24A4C",
    white: str | Sequence[int] = "#FFFFFF",
    background: str | Sequence[int] = "#1E1A1C",
) -> NDArray[np.uint8]:
    """Raster (BGR uint8, ``size_px`` square) of the canopy, anti-aliased."""
    import cv2

    size_px = _check_size(size_px)
    bgr = {1: parse_colour(red, "red")[::-1], 0: parse_colour(white, "white")[::-1]}
    img = np.empty((size_px, size_px, 3), dtype=np.uint8)
    img[:] = parse_colour(background, "background")[::-1]
    c = size_px / 2.0 - 0.5
    shift = 4
    for _, bit, pts in gore_polygons(rings, radius=0.48 * size_px, centre=(c, c), view=view):
        poly = np.round(pts * (1 << shift)).astype(np.int32)
        cv2.fillPoly(img, [poly], bgr[bit], lineType=cv2.LINE_AA, shift=shift)
    return img


def _check_size(size_px: int) -> int:
    if not isinstance(size_px, (int, np.integer)) or not 64 <= size_px <= 16384:
        raise InvalidParameterError(f"size_px={size_px!r} must be an integer 64..16384")
    return int(size_px)


def write_drawing(path: str | Path, rings: Sequence[EncodedRing], **kwargs) -> Path:
    """Write ``.svg`` or ``.png`` (``.jpg`` too) atomically, by the file's extension."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext == ".svg":
        text = svg_text(rings, **kwargs)
        with atomic_path(path) as tmp:
            tmp.write_text(text, encoding="utf-8")
        return path
    if ext not in (".png", ".jpg", ".jpeg"):
        raise UnknownNameError(f"output={str(path)!r}: unknown drawing format {ext!r}; known: .svg, .png, .jpg")
    import cv2

    if kwargs.get("background", "") is None:
        kwargs.pop("background")
    img = render_array(rings, **kwargs)
    ok, buf = cv2.imencode(ext, img)
    if not ok:  # pragma: no cover - cv2 failure
        raise InvalidParameterError(f"could not encode {path}")
    with atomic_path(path) as tmp:
        tmp.write_bytes(buf.tobytes())
    return path
