"""Decode a parachute code from a video by combining frames (reference §4.8).

The up-look camera hangs under the canopy, which turns slowly about its axis while the bridle and
the backshell's struts stay in front of it: a gore hidden in one frame is seen in others (the
way the code was read from NASA's landing video, from three frames). Frames are read with PyAV:

1. **Canopy in each frame** (:func:`marsound.chute.image.read_canopy`). The canopy keeps its
   place in the picture while it turns, so the *mean* of the frames shows its outline, gap and
   band with the turning gore pattern averaged out and the fixed hardware in place; where a
   frame's own detection gives a weak gore pattern (compression, an occluder joined to the
   outline), the frame is also read in the frame found on the mean image, and the reading with
   the stronger gore pattern kept.
2. **Rotation**: each frame's gore log-odds (rings × 80 gores, numbered from its own gore phase)
   form angular profiles; the turn between frames is the circular shift (whole gores, the same
   for all rings) that maximises their circular cross-correlation (by FFT), measured against
   the consensus of the other frames.
3. **Combination**: the aligned per-gore log-likelihood ratios are summed over frames: an
   erased gore (hidden, P = 1/2) adds nothing, so the frames that see it decide it. Frames whose
   aligned reading disagrees with the consensus (a misread frame) are left out, and the sum is
   divided by √n, because frames of one clip are not independent looks (the same lighting,
   the same blur, the same occluder). The grammar decoder reads the combined P(red) once.
4. **Confidence**: the combined posterior is mapped as a single image's is
   (:func:`marsound.chute.calibration.calibrated`: the frames of one clip err together, so the
   model's figure is no probability of being right), then scaled down when too few frames read
   a ring that way on their own (:func:`frame_support`). The model's figure stays in
   ``model_confidence``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from marsound.chute.calibration import calibrated
from marsound.chute.decode_bits import Decoded
from marsound.chute.image import CENTRE_SEARCH_BELOW, NoCanopyError, decode_p_red, decode_reading, read_canopy
from marsound.errors import FileFormatError, InvalidParameterError

VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".ogv", ".gif")
MAX_LOG_ODDS = 12.0
"""Per-frame log-odds are clipped to ± this before they are combined."""
MIN_AGREEMENT = 0.6
"""A frame whose aligned log-odds correlate with the consensus of the others by less than this
(normalised correlation) is a misread frame and left out of the vote."""
ALIGN_ITERATIONS = 3
"""Rounds of aligning every frame to the consensus of the others."""
COMBINE_EXPONENT = 0.5
"""The summed log-odds of n frames are divided by n to this power (0: independent looks, 1: the
mean, as if every frame saw the same thing)."""
SUPPORTING_FRAMES = 2
"""Frames whose own reading of a ring must be compatible with the combined one for the combined
confidence to stand (:func:`frame_support`)."""
MIN_FRAMES_FOR_MEAN = 3
"""Frames needed before the canopy is also searched on the mean frame."""


@dataclass
class VideoDecode:
    """Result of :func:`decode_video`: the decoded message, frames read/used, per-frame agreement."""

    decoded: Decoded
    frames_read: int
    frames_used: int
    frames_agreeing: int
    shifts: list[int]
    frame_texts: list[list[str]] = field(default_factory=list)
    """Each used frame's own decoded texts (before combining)."""

    def to_json(self) -> dict:
        d = self.decoded.to_json()
        d["rings"] = [r for r in d["rings"] if r["kind"] != "blank"]
        d["frames"] = {
            "read": self.frames_read,
            "used": self.frames_used,
            "agreeing": self.frames_agreeing,
            "shifts_gores": self.shifts,
        }
        return d


def iter_frames(path: str | Path, *, max_frames: int = 48) -> Iterator[NDArray[np.uint8]]:
    """Yield up to ``max_frames`` BGR frames spread evenly over the video.

    Raises
    ------
    FileFormatError
        The file cannot be opened as a video or holds no video stream.
    """
    import av

    path = Path(path)
    if max_frames < 1:
        raise InvalidParameterError(f"max_frames={max_frames!r} must be >= 1")
    from marsound._files import check_image_file, check_pixels

    check_image_file(path, str(path))  # a regular file (a FIFO would block av.open); a GIF's declared size
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError) as exc:
        raise FileFormatError(f"{path}: not a readable video ({exc})") from None
    with container:
        if not container.streams.video:
            raise FileFormatError(f"{path}: no video stream")
        stream = container.streams.video[0]
        check_pixels(stream.codec_context.width or 1, stream.codec_context.height or 1, str(path))
        total = stream.frames or 0
        stride = max(1, -(-total // max_frames)) if total else 1
        yielded = 0
        try:
            for i, frame in enumerate(container.decode(stream)):
                if i % stride:
                    continue
                yield np.asarray(frame.to_ndarray(format="bgr24"), dtype=np.uint8)
                yielded += 1
                if yielded >= max_frames:
                    break
        except av.error.FFmpegError as exc:
            if yielded == 0:
                raise FileFormatError(f"{path}: cannot decode video frames ({exc})") from None


def log_odds(p_red: NDArray[np.float64]) -> NDArray[np.float64]:
    """Log-likelihood ratio red : white of P(red), clipped to ±:data:`MAX_LOG_ODDS`."""
    p = np.clip(np.asarray(p_red, dtype=np.float64), 1e-12, 1 - 1e-12)
    return np.asarray(np.clip(np.log(p / (1 - p)), -MAX_LOG_ODDS, MAX_LOG_ODDS), dtype=np.float64)


def best_shift(ref: NDArray[np.float64], lo: NDArray[np.float64]) -> tuple[int, float]:
    """The circular gore shift ``s`` maximising ``sum(ref * roll(lo, s))`` over all rings (circular
    cross-correlation of the angular profiles by FFT), and the normalised correlation there."""
    corr = np.real(np.fft.ifft(np.fft.fft(ref, axis=1) * np.conj(np.fft.fft(lo, axis=1)), axis=1)).sum(0)
    s = int(np.argmax(corr))
    norm = float(np.linalg.norm(ref) * np.linalg.norm(lo))
    return s, float(corr[s]) / norm if norm > 0 else 0.0


def vote(
    log_odds_frames: list[NDArray[np.float64]], *, min_agreement: float = MIN_AGREEMENT
) -> tuple[NDArray[np.float64], list[int]]:
    """Align per-frame log-odds (rings, 80) by circular gore shifts and combine them.

    Every frame is aligned to the most confident one, then (:data:`ALIGN_ITERATIONS` rounds) to
    the sum of the others; frames that correlate with that consensus by less than
    ``min_agreement`` are left out (their shift is reported as -1), and so are single rings of
    the other frames that correlate with the same ring of the others by less.

    Returns
    -------
    p_red : ndarray (rings, 80)
        Combined P(red), in the gore numbering of the most confident frame.
    shifts : list of int
        Each frame's shift (gores) into that numbering; -1 for a frame left out.
    """
    if not log_odds_frames:
        raise InvalidParameterError("no frames to vote on")
    los = [np.asarray(lo, dtype=np.float64) for lo in log_odds_frames]
    ref_i = int(np.argmax([np.abs(lo).sum() for lo in los]))
    shifts = [best_shift(los[ref_i], lo)[0] for lo in los]
    use = np.ones(len(los), dtype=bool)
    for _ in range(ALIGN_ITERATIONS):
        aligned = np.stack([np.roll(lo, s, axis=1) for lo, s in zip(los, shifts, strict=True)])
        total = (aligned * use[:, None, None]).sum(0)
        new_shifts, new_use = [], np.zeros_like(use)
        for i, lo in enumerate(los):
            others = total - aligned[i] * use[i]
            if len(los) == 1 or not np.any(others):
                new_shifts.append(shifts[i])
                new_use[i] = True
                continue
            s, agree = best_shift(others, lo)
            new_shifts.append(s)
            new_use[i] = agree >= min_agreement
        if not new_use.any():
            new_use[ref_i] = True
        # keep the numbering of the reference frame
        base = new_shifts[ref_i]
        new_shifts = [(s - base) % lo.shape[1] for s in new_shifts]
        if new_shifts == shifts and np.array_equal(new_use, use):
            break
        shifts, use = new_shifts, new_use
    aligned = np.stack([np.roll(lo, s, axis=1) for lo, s in zip(los, shifts, strict=True)])
    # a ring of a used frame that disagrees with the others' (a ring read in the wrong ring
    # position: a frame whose framing took the disk's edge for the rim) is left out too
    keep = np.repeat(use[:, None], aligned.shape[1], axis=1)
    if use.sum() >= 3:
        total = (aligned * use[:, None, None]).sum(0)
        for j in (int(v) for v in np.nonzero(use)[0]):
            rest = total - aligned[j]
            norms = np.linalg.norm(rest, axis=1) * np.linalg.norm(aligned[j], axis=1)
            ring_agree = np.where(norms > 0, (rest * aligned[j]).sum(1) / np.maximum(norms, 1e-12), 1.0)
            keep[j] &= ring_agree >= min_agreement
    n_k = np.maximum(keep.sum(0), 1).astype(np.float64)  # frames per ring
    comb = np.clip((aligned * keep[:, :, None]).sum(0) / (n_k**COMBINE_EXPONENT)[:, None], -30, 30)
    return 1.0 / (1.0 + np.exp(-comb)), [s if u else -1 for s, u in zip(shifts, use, strict=True)]


def compatible(a: str, b: str) -> bool:
    """Whether two ring texts can be the same reading: equal, with ``?`` (unread) matching any
    letter of a word or any field of the coordinates or numbers."""
    if " " in a or " " in b:
        ta, tb = a.split(), b.split()
    else:
        ta, tb = list(a), list(b)
    return len(ta) == len(tb) and all(x == y or "?" in (x, y) for x, y in zip(ta, tb, strict=True))


def frame_support(combined: list[str], frames: list[list[str]]) -> float:
    """Support of the combined reading by the frames' own readings: for the ring with the fewest
    frames whose own reading is :func:`compatible` with it, their number over
    :data:`SUPPORTING_FRAMES` (at most the frames there are), capped at 1 (1 without frames).

    A single frame may misread a gore under an occluder (its own confidence says so); a ring
    that no frame reads that way was assembled from frames that disagree on what lies where."""
    if not frames:
        return 1.0
    need = min(SUPPORTING_FRAMES, len(frames))
    counts = [sum(1 for t in frames if k < len(t) and compatible(text, t[k])) for k, text in enumerate(combined)]
    return min(1.0, min(counts, default=need) / need)


def decode_video(
    path: str | Path, *, max_frames: int = 48, progress: Callable[[int], None] | None = None
) -> VideoDecode:
    """Decode a canopy video by combining its frames (see the module's description).

    Parameters
    ----------
    path : str or Path
        A video file PyAV can read (MP4, MOV, MKV, WebM, GIF …).
    max_frames : int
        Frames read, spread evenly over the video.
    progress : callable, optional
        Called with the number of frames read so far.

    Raises
    ------
    FileFormatError
        Not a video.
    NoCanopyError
        No frame shows a readable canopy.
    """
    from marsound.chute.canopy import locate_canopy

    readings = []
    weak: list[int] = []
    mean = None
    n_read = n_mean = 0
    for bgr in iter_frames(path, max_frames=max_frames):
        n_read += 1
        if progress is not None:
            progress(n_read)
        if mean is None:
            mean, n_mean = bgr.astype(np.float32), 1
        elif bgr.shape == mean.shape:  # a stream may change size midway: the mean keeps the first size
            mean += bgr
            n_mean += 1
        try:
            reading = read_canopy(bgr)
        except NoCanopyError:
            reading = None
        readings.append(reading)
        if reading is None or reading.gore_strength < CENTRE_SEARCH_BELOW:
            weak.append(n_read - 1)
    if n_read == 0 or mean is None:
        raise FileFormatError(f"{path}: the video holds no frames")
    if weak and n_read >= MIN_FRAMES_FOR_MEAN:
        # the canopy keeps its place while it turns: find it on the mean frame, read the weak frames there
        try:
            det = locate_canopy(np.clip(mean / n_mean + 0.5, 0, 255).astype(np.uint8))
        except NoCanopyError:
            det = None
        if det is not None:
            for i, bgr in enumerate(iter_frames(path, max_frames=max_frames)):
                if i not in weak or bgr.shape != mean.shape:
                    continue
                try:
                    second = read_canopy(bgr, detection=det)
                except NoCanopyError:
                    continue
                first = readings[i]
                if first is None or second.gore_strength > first.gore_strength:
                    second.notes.append("canopy found on the mean frame of the video")
                    readings[i] = second
    used = [r for r in readings if r is not None]
    if not used:
        raise NoCanopyError(f"no canopy found in any of the {n_read} frames read")
    texts = [decode_reading(r).texts for r in used]
    p, shifts = vote([log_odds(r.p_red) for r in used])
    decoded = calibrated(decode_p_red(p))
    used_texts = [t for t, sh in zip(texts, shifts, strict=True) if sh >= 0]
    support = frame_support(decoded.texts, used_texts)
    if support < 1.0:
        # a ring that no frame read that way on its own was built from pieces of misframed frames
        decoded = dataclasses.replace(decoded, confidence=decoded.confidence * support)
        decoded.ambiguities.append("a ring of the combined reading is read that way by too few frames alone")
    agreeing = sum(1 for t in texts if t == decoded.texts)
    n_used = sum(1 for s in shifts if s >= 0)
    return VideoDecode(decoded, n_read, n_used, agreeing, shifts, texts)


__all__ = [
    "VIDEO_SUFFIXES",
    "VideoDecode",
    "best_shift",
    "compatible",
    "decode_video",
    "frame_support",
    "iter_frames",
    "log_odds",
    "vote",
]
