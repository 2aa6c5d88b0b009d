"""One fast pass over a video: per-frame measures on a downscaled decode (PyAV + OpenCV).

The decoder runs with frame and slice threads and without the in-loop deblocking filter
(``skip_loop_filter``, harmless at the reduced size the measures use); each frame is
scaled by libswscale to :data:`DETECT_WIDTH` pixels wide straight into BGR. Per frame:

* ``red_frac``, ``white_frac``: fractions of pixels of saturated red and of bright, weakly
  saturated white (the two colours of a Mars 2020 disk-gap-band canopy — its whites are
  bluish grey and its reds dark in NASA's up-look frames; a heat shield seen from above is
  white-grey without red);
* ``content``: the mean absolute HSV difference with the previous frame (the content score
  of PySceneDetect's ContentDetector, Castellano 2014–2024, BSD-3-Clause), which spikes at cuts;
* ``shift_px``: the global translation from the previous frame (phase correlation,
  Kuglin & Hines 1975, of a band-passed luma that ignores smooth dust and haze) in detection
  pixels, and its ``response`` (peak strength);
* ``luma_mean``, ``luma_std``: brightness and contrast.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from marsound.errors import FileFormatError

#: Width in pixels of the decoded frames the detectors see.
DETECT_WIDTH = 160

#: Container formats that hold one still picture, not a video (FFmpeg demuxer names).
_STILL_FORMATS = ("image2", "png_pipe", "jpeg_pipe", "bmp_pipe", "tiff_pipe", "webp_pipe", "gif_pipe", "pgm_pipe")


@dataclass(frozen=True)
class VideoInfo:
    """What a video file holds: its first video stream and whether it has sound."""

    path: Path
    duration_s: float
    fps: float
    frames: int
    width: int
    height: int
    codec: str
    has_audio: bool


@dataclass(frozen=True)
class FrameMeasures:
    """Per-frame measures of a whole video (arrays of one length, in display order)."""

    info: VideoInfo
    time_s: NDArray[np.float64]
    red_frac: NDArray[np.float64]
    white_frac: NDArray[np.float64]
    content: NDArray[np.float64]
    shift_px: NDArray[np.float64]
    dx_px: NDArray[np.float64]
    dy_px: NDArray[np.float64]
    response: NDArray[np.float64]
    luma_mean: NDArray[np.float64]
    luma_std: NDArray[np.float64]
    #: True where the previous frame of the video was not measured (a coarse-to-fine scan's gaps);
    #: ``content`` and the shifts are 0 there. None: every frame was measured.
    run_start: NDArray[np.bool_] | None = None

    @property
    def frame_s(self) -> float:
        """Frame period, s."""
        return 1.0 / self.info.fps


def open_video(path: Path):
    """Open ``path`` with PyAV after checking it is a readable video file (else :class:`FileFormatError`)."""
    import av

    if not path.exists():
        raise FileFormatError(f"{path}: no such file")
    if not path.is_file():
        raise FileFormatError(f"{path}: not a regular file")
    if path.stat().st_size == 0:
        raise FileFormatError(f"{path}: empty file")
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError, UnicodeDecodeError) as exc:
        raise FileFormatError(f"{path}: not a readable video ({type(exc).__name__}: {exc})") from None
    if container.format.name in _STILL_FORMATS or container.format.name.endswith("_pipe"):
        container.close()
        raise FileFormatError(f"{path}: a still image, not a video")
    if not container.streams.video:
        container.close()
        raise FileFormatError(f"{path}: no video stream")
    return container


def probe_video(path: str | Path) -> VideoInfo:
    """Open ``path`` and describe its first video stream (no decoding).

    Raises
    ------
    FileFormatError
        Missing, empty, unreadable, a still image or no video stream.
    """
    path = Path(path)
    with open_video(path) as container:
        return video_info(path, container)


def video_info(path: Path, container) -> VideoInfo:
    """Describe the first video stream of an open ``container``."""
    stream = container.streams.video[0]
    rate = stream.average_rate or stream.guessed_rate or stream.base_rate
    fps = float(rate) if rate else 0.0
    duration = 0.0
    if stream.duration is not None and stream.time_base is not None:
        duration = float(stream.duration * stream.time_base)
    elif container.duration is not None:
        duration = container.duration / 1e6
    if not np.isfinite(fps) or fps <= 0 or fps > 1000:
        raise FileFormatError(f"{path}: video stream without a usable frame rate ({fps})")
    codec = stream.codec_context.name
    frames = int(stream.frames or round(duration * fps))
    return VideoInfo(path, duration, fps, frames, stream.width, stream.height, codec, bool(container.streams.audio))


def _masks(small: NDArray[np.uint8]) -> tuple[NDArray[np.uint8], float, float]:
    import cv2

    hsv: NDArray[np.uint8] = np.asarray(cv2.cvtColor(small, cv2.COLOR_BGR2HSV), dtype=np.uint8)
    h, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    red = ((h <= 7) | (h >= 171)) & (s >= 90) & (v >= 50)
    white = (s <= 90) & (v >= 140)
    n = float(h.size)
    return hsv, float(np.count_nonzero(red)) / n, float(np.count_nonzero(white)) / n


def measure_frames(
    path: str | Path,
    *,
    width: int = DETECT_WIDTH,
    progress: Callable[[float, float], None] | None = None,
) -> FrameMeasures:
    """Decode ``path`` at ``width`` pixels wide and measure every frame.

    ``progress(video_time_s, duration_s)`` is called every few frames.

    Raises
    ------
    FileFormatError
        Not a video (see :func:`probe_video`), undecodable, or fewer than two frames.
    """
    import av

    path = Path(path)
    rows: list[tuple[float, ...]] = []
    with open_video(path) as container:
        info = video_info(path, container)
        stream = container.streams.video[0]
        fast_decoder(stream)
        height = detect_height(info, width)
        meter = FrameMeter(width, height)
        try:
            for i, frame in enumerate(container.decode(stream)):
                if frame.time is None:
                    continue
                rows.append(meter.measure(frame))
                if progress is not None and i % 16 == 0:
                    progress(float(frame.time), info.duration_s)
        except av.error.FFmpegError as exc:
            if len(rows) < 2:
                raise FileFormatError(f"{path}: cannot decode the video frames ({exc})") from None
    if len(rows) < 2:
        raise FileFormatError(f"{path}: {len(rows)} decodable frame(s); a still image is not a video")
    meas = measures_from_rows(info, rows, [float(r[0]) for r in rows])
    if progress is not None:
        progress(meas.info.duration_s, meas.info.duration_s)
    return meas


def measures_from_rows(
    info: VideoInfo,
    rows: list[tuple[float, ...]],
    all_times_s: list[float],
    run_start: list[bool] | None = None,
) -> FrameMeasures:
    """:class:`FrameMeasures` from :meth:`FrameMeter.measure` rows, sorted by time.

    ``all_times_s`` are the times of every frame of the video (measured or not): they set the
    frame count and the duration. ``run_start`` flags the rows whose previous frame was not
    measured (default: none but the first).
    """
    arr = np.asarray(rows, dtype=np.float64)
    order = np.argsort(arr[:, 0], kind="stable")
    arr = arr[order]
    starts = np.zeros(len(arr), dtype=bool) if run_start is None else np.asarray(run_start, dtype=bool)[order]
    starts[0] = True
    first, last = min(all_times_s), max(all_times_s)
    duration = max(info.duration_s, last - first + 1.0 / info.fps)
    info = VideoInfo(info.path, duration, info.fps, len(all_times_s), info.width, info.height, info.codec,
                     info.has_audio)
    meas = FrameMeasures(info, *(arr[:, k].copy() for k in range(arr.shape[1])))
    return dataclasses.replace(meas, run_start=starts)


def detect_height(info: VideoInfo, width: int) -> int:
    """Height in pixels of the detection frames ``width`` wide (even, at least 8)."""
    return max(8, round(width * info.height / max(info.width, 1) / 2) * 2)


def fast_decoder(stream) -> None:
    """Frame and slice threads; no in-loop deblocking filter (harmless at the detection size)."""
    stream.thread_type = "AUTO"
    stream.codec_context.options = {"skip_loop_filter": "all", "flags2": "+fast"}


class FrameMeter:
    """The per-frame measures of one run of consecutive frames (keeps the previous frame)."""

    def __init__(self, width: int, height: int) -> None:
        import cv2

        self.width, self.height = width, height
        self.window = cv2.createHanningWindow((width, height), cv2.CV_32F)
        self.prev_hsv: NDArray[np.uint8] | None = None
        self.prev_grey: NDArray[np.float32] | None = None

    def reset(self) -> None:
        """Forget the previous frame (the next one starts a new run)."""
        self.prev_hsv = self.prev_grey = None

    def small(self, frame) -> NDArray[np.uint8]:
        """``frame`` scaled by libswscale to the detection size, BGR."""
        return frame.reformat(width=self.width, height=self.height, format="bgr24", interpolation="AREA").to_ndarray()

    def colours(self, frame) -> tuple[NDArray[np.uint8], float, float]:
        """(HSV image, red fraction, white fraction) of ``frame`` at the detection size."""
        return _masks(self.small(frame))

    def measure(self, frame) -> tuple[float, ...]:
        """(time, red, white, content, shift, dx, dy, response, luma mean, luma std) of ``frame``."""
        import cv2

        hsv, red, white = self.colours(frame)
        v = hsv[..., 2].astype(np.float32)
        luma = _luma(v)
        grey = band_passed(v)
        if self.prev_hsv is None or self.prev_grey is None:
            content, dx, dy, resp = 0.0, 0.0, 0.0, 0.0
        else:
            content = float(cv2.absdiff(hsv, self.prev_hsv).mean())
            # phaseCorrelate may window its inputs in place: give it copies
            (dx, dy), resp = cv2.phaseCorrelate(self.prev_grey.copy(), grey.copy(), self.window)
        self.prev_hsv, self.prev_grey = hsv, grey
        return (float(frame.time), red, white, content, float(np.hypot(dx, dy)), dx, dy, float(resp), *luma)


def band_passed(v: NDArray[np.float32]) -> NDArray[np.float32]:
    """Difference of Gaussians of the value channel: keeps the ground's texture, drops smooth dust and haze."""
    import cv2

    return np.asarray(cv2.GaussianBlur(v, (0, 0), 1.0) - cv2.GaussianBlur(v, (0, 0), 4.0), dtype=np.float32)


def _luma(grey: NDArray[np.float32]) -> tuple[float, float]:
    mean, std = grey.mean(), grey.std()
    return float(mean), float(std)
