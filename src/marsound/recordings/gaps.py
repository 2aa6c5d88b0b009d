"""NaN-gapped products: shot windows from the finite runs of a sample stream.

Real SuperCam LIBS WAVs (100 kHz) put each ~60 ms shot window (6,000 samples) at its true time
on the 3 Hz laser grid and fill the gaps between windows with NaN; their values are 12-bit
ADC counts, and the first sample of a file can be an isolated outlier (as in the real sol-51
LIBS WAV shipped in ``tests/data``; the microphone and its 12-bit ADC: Mimoun et al. 2023, "The
Mars Microphone onboard SuperCam", Space Sci. Rev. 219, doi:10.1007/s11214-022-00945-9). This
module turns such a stream into packed finite samples plus one ``[start, stop)`` window per finite
run, keeping each window's true start in the file:

* :func:`scan_finite_runs` streams a file's blocks and returns the finite runs (O(runs) memory);
* :func:`gap_windows` validates them (all-NaN, nearly-all-NaN, inf) and gives the packed layout;
* :func:`repair_first_sample` replaces an isolated outlier at the start of a run;
* :func:`infer_unit` calls integer-valued data within 0-4095 ``"count"``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from marsound.errors import FileFormatError

#: A file whose finite samples are fewer than this fraction of all samples is refused.
MIN_FINITE_FRACTION = 0.01
#: Finite runs shorter than this [samples] are dropped (isolated values inside a gap).
MIN_RUN_SAMPLES = 64
#: Largest value of a 12-bit ADC count.
ADC_12BIT_MAX = 4095
#: An outlier first sample is this many robust standard deviations from the rest of its run.
OUTLIER_SIGMAS = 8.0


@dataclass(frozen=True)
class GapLayout:
    """Where the finite samples of a NaN-gapped stream are.

    Attributes
    ----------
    runs : ndarray (k, 2) of int
        ``[start, stop)`` of each kept finite run in the file's frame numbering.
    windows : ndarray (k, 2) of int
        The same runs packed back to back (frame ranges of the packed samples).
    n_frames_file : int
        Frames in the file (finite or not).
    n_dropped_runs : int
        Finite runs shorter than :data:`MIN_RUN_SAMPLES` that were left out.
    """

    runs: NDArray[np.int64]
    windows: NDArray[np.int64]
    n_frames_file: int
    n_dropped_runs: int

    @property
    def n_finite(self) -> int:
        return int((self.runs[:, 1] - self.runs[:, 0]).sum())


def scan_finite_runs(blocks: Iterable[NDArray], *, name: str = "file") -> tuple[NDArray[np.int64], int]:
    """Finite runs of a stream of 1-D blocks: ``(runs (k, 2), total frames)``.

    Raises
    ------
    FileFormatError
        On an infinite sample (a gap is NaN; ``inf`` is corruption).
    """
    starts: list[int] = []
    stops: list[int] = []
    pos = 0
    prev = 0  # was the last sample of the previous block finite
    for blk in blocks:
        x = np.asarray(blk)
        if x.ndim > 1:
            x = x.mean(axis=1) if x.shape[1] > 1 else x[:, 0]
        if x.size == 0:
            continue
        if np.isinf(x).any():
            k = int(np.flatnonzero(np.isinf(x))[0])
            raise FileFormatError(f"{name} has an infinite sample at frame {pos + k}; NaN gaps are read, inf is not")
        fin = (~np.isnan(x)).astype(np.int8)
        d = np.diff(np.r_[np.int8(prev), fin])
        starts.extend((pos + np.flatnonzero(d == 1)).tolist())
        stops.extend((pos + np.flatnonzero(d == -1)).tolist())
        prev = int(fin[-1])
        pos += x.size
    if prev:
        stops.append(pos)
    runs = list(zip(starts, stops))
    return np.asarray(runs, dtype=np.int64).reshape(-1, 2), pos


def gap_windows(runs: NDArray[np.int64], n_frames: int, *, name: str = "file") -> GapLayout:
    """Validate the finite runs of a NaN-gapped stream and pack them.

    Raises
    ------
    FileFormatError
        All NaN, or so few finite samples (< :data:`MIN_FINITE_FRACTION`, or no run of
        :data:`MIN_RUN_SAMPLES`) that no window can be analysed.
    """
    runs = np.asarray(runs, dtype=np.int64).reshape(-1, 2)
    n_fin = int((runs[:, 1] - runs[:, 0]).sum()) if runs.size else 0
    if n_fin == 0:
        raise FileFormatError(f"{name} has no finite sample: all {n_frames} samples are NaN")
    keep = (runs[:, 1] - runs[:, 0]) >= MIN_RUN_SAMPLES
    if not keep.any() or n_fin < MIN_FINITE_FRACTION * n_frames:
        raise FileFormatError(
            f"{name} is nearly all NaN: {n_fin} finite samples of {n_frames} ({100 * n_fin / max(n_frames, 1):.2g} %) "
            f"in {len(runs)} run(s), the longest {int((runs[:, 1] - runs[:, 0]).max())} samples; "
            f"need >= {MIN_FINITE_FRACTION:.0%} finite and a run of >= {MIN_RUN_SAMPLES} samples"
        )
    kept = runs[keep]
    lengths = kept[:, 1] - kept[:, 0]
    ends = np.cumsum(lengths)
    windows = np.stack([ends - lengths, ends], axis=1)
    return GapLayout(kept, windows, int(n_frames), int((~keep).sum()))


def repair_first_sample(run: NDArray[np.floating]) -> bool:
    """Replace an isolated outlier first sample by the second one, in place; True if it did.

    The first sample is an outlier when it jumps to the second by more than
    :data:`OUTLIER_SIGMAS` robust standard deviations (1.4826 MAD) of the sample-to-sample
    differences and lies more than 4 robust deviations from the median of the run's head while
    the second sample lies within 4 (so a shock or a step inside the run is left alone). The
    real sol-51 LIBS file's first sample jumps by 65 and lies 5.9 deviations out.
    """
    if run.size < 8:
        return False
    head = np.asarray(run[: min(run.size, 2048)], dtype=np.float64)
    med = float(np.median(head))
    s_amp = 1.4826 * float(np.median(np.abs(head - med)))
    d = np.diff(head)
    s_diff = 1.4826 * float(np.median(np.abs(d - np.median(d))))
    if s_amp <= 0 or s_diff <= 0:
        return False
    x0, x1 = head[0], head[1]
    if abs(x0 - x1) > OUTLIER_SIGMAS * s_diff and abs(x0 - med) > 4 * s_amp >= abs(x1 - med):
        run[0] = run[1]
        return True
    return False


def infer_unit(samples: NDArray[np.floating]) -> str | None:
    """``"count"`` for integer-valued samples within the 12-bit ADC range 0-4095, else ``None``."""
    x = np.asarray(samples)
    if x.size == 0:
        return None
    lo, hi = float(np.min(x)), float(np.max(x))
    if lo < 0 or hi > ADC_12BIT_MAX or hi - lo < 1:
        return None
    return "count" if bool(np.all(x == np.round(x))) else None


def load_gapped(
    blocks: Iterable[NDArray], layout: GapLayout
) -> tuple[NDArray[np.float32], list[int]]:
    """Copy the finite runs of a (second) pass over the blocks into one packed float32 array.

    Returns the packed samples and the indices of the windows whose outlier first sample was
    repaired (:func:`repair_first_sample`). Memory: the finite samples only.
    """
    out = np.empty(layout.n_finite, dtype=np.float32)
    pos = 0
    for blk in blocks:
        x = np.asarray(blk)
        if x.ndim > 1:
            x = x.mean(axis=1) if x.shape[1] > 1 else x[:, 0]
        a_blk, b_blk = pos, pos + x.size
        # runs overlapping this block
        lo = int(np.searchsorted(layout.runs[:, 1], a_blk, side="right"))
        hi = int(np.searchsorted(layout.runs[:, 0], b_blk, side="left"))
        for k in range(lo, hi):
            ra, rb = layout.runs[k]
            a, b = max(ra, a_blk), min(rb, b_blk)
            if b > a:
                w0 = layout.windows[k, 0] + (a - ra)
                out[w0 : w0 + (b - a)] = x[a - a_blk : b - a_blk]
        pos = b_blk
    if not np.isfinite(out).all():
        raise FileFormatError("the file changed between two reads (NaN where a finite run was)")
    repaired = [k for k, (a, b) in enumerate(layout.windows.tolist()) if repair_first_sample(out[a:b])]
    return out, repaired
