"""Realistic clips of a slowly turning coded parachute, for ``bench_chute.py`` and the video tests.

A clip is one scene of :mod:`chute_scenes` (its ``video`` tier by default: camera pose, dome,
lighting, suspension lines, bridle and struts) in which the canopy turns about its axis from frame
to frame while the camera, the sun and the hardware in front of the canopy (the bridle, the
backshell's struts) stay where they are, as in NASA's up-look EDL videos, where the canopy spins
above the backshell. So the gores hidden behind the bridle or a strut change from frame to frame.
Every frame gets its own sensor noise; the frames are downscaled to 400-600 px wide and encoded
together as one H.264 stream (libx264 via PyAV, 4:2:0 chroma, inter frames) in an MP4 file.

What every frame hides is known: :attr:`Clip.visible` holds the visible share of every gore of
every ring position per frame.

This module imports from marsound only the spec constants and the encoder of bits.
"""

from __future__ import annotations

import fractions
import io
from dataclasses import dataclass

import cv2
import numpy as np
from chute_scenes import PARAMS, VIDEO_WIDTHS, data_gores, random_message, render_layouts
from numpy.typing import NDArray

from marsound.chute.encode import encode_message

LOST = 0.1
"""A gore of which less than this share is visible is hidden (as in :mod:`chute_scenes`)."""
SPIN_DEG_PER_FRAME = (6.0, 14.0)
"""Range of the canopy's turn between frames (degrees): slow, 1.3-3 gores a frame."""


@dataclass
class Clip:
    """A rendered turning-canopy clip and its ground truth."""

    data: bytes
    """The MP4 file (H.264)."""
    suffix: str
    texts: list[str]
    """What a decoder must read: the three words and the coordinates band."""
    mirrored: bool
    visible: NDArray[np.float64]
    """(frames, 4, 80) visible share of every gore of every ring position (gore 0 = the encoder's)."""
    data_mask: NDArray[np.bool_]
    """(4, 80) gores that carry data bits (not separators, not fill)."""
    size: tuple[int, int]
    spin_deg: float
    """Turn of the canopy between frames (degrees, clockwise seen from below)."""

    @property
    def hidden(self) -> NDArray[np.bool_]:
        """(frames, 4, 80) data gores hidden in each frame."""
        return self.data_mask[None] & (self.visible < LOST)

    @property
    def lost_data_gores(self) -> list[int]:
        """Data gores hidden in each frame."""
        return [int(h.sum()) for h in self.hidden]

    @property
    def lost_in_every_frame(self) -> int:
        """Data gores hidden in all frames (no decoder can read those exactly)."""
        return int(self.hidden.all(axis=0).sum())


def render_clip(
    rng: np.random.Generator,
    *,
    n_frames: int = 8,
    tier: str = "video",
    spin_deg: float | None = None,
    width_px: int | None = None,
    crf: int | None = None,
    texts: tuple[list[str], str] | None = None,
) -> Clip:
    """A random message on a canopy turning by ``spin_deg`` a frame (default: drawn from
    :data:`SPIN_DEG_PER_FRAME`, either way) under fixed hardware, as an H.264 MP4 of
    ``n_frames`` frames ``width_px`` wide (default: drawn from 400-600 px)."""
    words, coords = texts if texts is not None else random_message(rng)
    rings = encode_message(words, coords)
    layouts = np.stack([r.bits for r in rings])
    scene_seed = int(rng.integers(2**32))
    if spin_deg is None:
        spin_deg = float(rng.uniform(*SPIN_DEG_PER_FRAME) * rng.choice([-1.0, 1.0]))
    if width_px is None:
        width_px = int(rng.integers(VIDEO_WIDTHS[0], VIDEO_WIDTHS[1] + 1))
    if crf is None:
        crf = int(rng.integers(PARAMS["video"].quality[0], PARAMS["video"].quality[1] + 1))
    frames = []
    visible = []
    mirrored = False
    for i in range(n_frames):
        # the same scene (same draws) every frame, the canopy turned, fresh sensor noise
        bgr, mirrored, vis = render_layouts(
            layouts, np.random.default_rng(scene_seed), tier, spin_rad=float(np.radians(spin_deg * i)), noise_rng=rng
        )
        frames.append(bgr)
        visible.append(vis)
    data, size = encode_clip(frames, width_px=width_px, crf=crf)
    return Clip(data, ".mp4", [*words, coords], mirrored, np.stack(visible), data_gores(rings), size, spin_deg)


def encode_clip(
    frames: list[NDArray[np.uint8]], *, width_px: int, crf: int, fps: int = 10
) -> tuple[bytes, tuple[int, int]]:
    """Downscale BGR frames to ``width_px`` wide (even sizes) and encode them as one H.264
    stream in an MP4 (libx264, yuv420p); returns the file's bytes and the (width, height)."""
    import av

    h, w = frames[0].shape[:2]
    new_w = width_px // 2 * 2
    new_h = round(h * new_w / w) // 2 * 2
    buf = io.BytesIO()
    with av.open(buf, "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = new_w, new_h, "yuv420p"
        stream.time_base = fractions.Fraction(1, fps)
        stream.options = {"crf": str(crf), "preset": "veryfast", "threads": "1"}
        for f in frames:
            small = cv2.resize(f, (new_w, new_h), interpolation=cv2.INTER_AREA)
            for pkt in stream.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(small), format="bgr24")):
                out.mux(pkt)
        for pkt in stream.encode():
            out.mux(pkt)
    return buf.getvalue(), (new_w, new_h)


__all__ = ["LOST", "SPIN_DEG_PER_FRAME", "Clip", "encode_clip", "render_clip"]
