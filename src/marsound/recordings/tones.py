"""Tonal line detection and tracking with sub-0.1 Hz precision.

Method (an STFT with >= 2 s windows, zero-padded to ~0.1 Hz bins):

1. The source is low-passed and decimated to ~2.5 x ``fmax_hz`` (elliptic IIR, streamed), so
   a 4 s window at 25 kHz costs a 10,000-point frame instead of 100,000.
2. Long Hann windows (``window_s``, default 4 s: 0.25 Hz resolution) zero-padded
   ``zero_pad`` times; a spectral peak is a local maximum at least ``threshold_db`` above the
   local noise floor (median over ~4 Hz blocks).
   The floor is never below the frame's strongest peak - :data:`DYNAMIC_RANGE_DB`, so a pure
   tone in digital silence gives one line, not its window's leakage skirt.
3. Each peak is refined by quadratic interpolation of the log-magnitude over its three
   highest bins (Smith & Serra 1987; for a Hann window zero-padded 4x the bias is below
   0.2 % of a padded bin, i.e. < 0.001 Hz here); its level is the interpolated peak, scaled so
   a sinusoid of amplitude A reads 10 log10(A^2/2) dB re 1 unit^2.
4. Peaks are linked frame to frame into tracks (nearest frequency within
   ``max_slope_hz_per_s`` x elapsed time + one raw bin, gaps up to ``max_gap_s``); tracks
   shorter than ``min_duration_s`` are dropped.

The Ingenuity blade-passing tone (~84.6 Hz, harmonic 169 Hz;
:data:`marsound.vehicles.INGENUITY_BLADE_PASSING_HZ`) and the rover pump (~195 Hz) are the motivating
lines (Lorenz et al. 2023, PSS 230:105684).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from marsound._validate import positive_finite
from marsound.errors import InvalidParameterError
from marsound.recordings.recording import SignalSource
from marsound.recordings.sources import as_source
from marsound.recordings.streaming import count_frames, iter_power, lowpass_decimated, make_grid, spectrum_scale

#: Peaks more than this below the strongest peak of their frame are window leakage, not lines [dB].
DYNAMIC_RANGE_DB = 80.0
_NEIGHBOUR_CLAMP_DB = 20.0


@dataclass(frozen=True)
class ToneTrack:
    """One tonal line followed over time.

    Attributes
    ----------
    times_s, frequencies_hz, levels_db : ndarray
        Frame centre times [s], refined frequencies [Hz] and levels [dB re 1 unit^2, mean square].
    hop_s : float
        Frame step [s].
    start_s, end_s : float
        Extent of the line [s]: half a hop around the first/last frame, or the recording's
        edge when the line is present in its first/last frame.
    """

    times_s: NDArray[np.float64]
    frequencies_hz: NDArray[np.float64]
    levels_db: NDArray[np.float64]
    hop_s: float
    start_s: float
    end_s: float

    @property
    def frequency_hz(self) -> float:
        """Median frequency [Hz]."""
        return float(np.median(self.frequencies_hz))

    @property
    def level_db(self) -> float:
        """Median level [dB re 1 unit^2]."""
        return float(np.median(self.levels_db))

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    def summary(self) -> dict[str, float]:
        """The JSON contract of one tone: ``frequency_hz``, ``level_db``, ``start_s``, ``end_s``."""
        return {
            "frequency_hz": round(self.frequency_hz, 4),
            "level_db": round(self.level_db, 2),
            "start_s": round(self.start_s, 3),
            "end_s": round(self.end_s, 3),
            "frequency_min_hz": round(float(self.frequencies_hz.min()), 4),
            "frequency_max_hz": round(float(self.frequencies_hz.max()), 4),
        }


def refine_peaks(db: NDArray, k: NDArray[np.intp], rows: NDArray[np.intp]) -> tuple[NDArray, NDArray]:
    """Quadratic interpolation of log-magnitude peaks.

    Parameters
    ----------
    db : ndarray (frames, bins)
        Spectrum in dB.
    k, rows : ndarray of int
        Bin index (1..bins-2) and frame index of each peak.

    Returns
    -------
    offset_bins, peak_db : ndarray
        Fractional bin offset in [-0.5, 0.5] and interpolated peak level.
    """
    b = db[rows, k].astype(np.float64)
    # a side lobe next to a window zero (digital silence: -300 dB) would bend the parabola
    # into a huge level; a true peak's neighbours are within a few dB, so clamping changes nothing there
    a = np.maximum(db[rows, k - 1].astype(np.float64), b - _NEIGHBOUR_CLAMP_DB)
    c = np.maximum(db[rows, k + 1].astype(np.float64), b - _NEIGHBOUR_CLAMP_DB)
    den = a - 2 * b + c
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = np.where(den < 0, 0.5 * (a - c) / den, 0.0)
    delta = np.clip(delta, -0.5, 0.5)
    return delta, b - 0.25 * (a - c) * delta


def detect_peaks(
    power_db: NDArray[np.float32], lo_bin: int, hi_bin: int, block_bins: int, threshold_db: float, max_peaks: int
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Local maxima at least ``threshold_db`` over a block-median floor; at most ``max_peaks`` per frame.

    Returns ``(rows, bins)`` of the kept peaks.
    """
    d = power_db[:, lo_bin:hi_bin]
    nf, nb = d.shape
    nblk = -(-nb // block_bins)
    pad = nblk * block_bins - nb
    dp = np.pad(d, ((0, 0), (0, pad)), mode="edge") if pad else d
    floor = np.median(dp.reshape(nf, nblk, block_bins), axis=2)
    floor = np.repeat(floor, block_bins, axis=1)[:, :nb]
    # in digital silence the block median is the -300 dB clip: leakage skirts would pass as lines
    floor = np.maximum(floor, d.max(axis=1, keepdims=True) - DYNAMIC_RANGE_DB)
    mid = d[:, 1:-1]
    is_peak = (mid > d[:, :-2]) & (mid >= d[:, 2:]) & (mid - floor[:, 1:-1] > threshold_db)
    rows, cols = np.nonzero(is_peak)
    if rows.size == 0:
        return rows, cols
    # keep the strongest max_peaks per frame
    strength = mid[rows, cols]
    order = np.lexsort((-strength, rows))
    rows, cols = rows[order], cols[order]
    first = np.r_[0, np.flatnonzero(np.diff(rows)) + 1]
    rank = np.arange(rows.size) - np.repeat(first, np.diff(np.r_[first, rows.size]))
    keep = rank < max_peaks
    return rows[keep], cols[keep] + 1 + lo_bin


def masked_by_neighbour(
    rows: NDArray[np.intp], f: NDArray, lev: NDArray, mask_hz: float, mask_db: float
) -> NDArray[np.bool_]:
    """True for peaks within ``mask_hz`` of a peak of the same frame stronger by more than ``mask_db``.

    Such peaks are window side lobes or frequency-modulation sidebands of a strong line.
    """
    same = rows[:, None] == rows[None, :]
    near = np.abs(f[:, None] - f[None, :]) <= mask_hz
    stronger = lev[None, :] > lev[:, None] + mask_db
    return (same & near & stronger).any(axis=1)


DEFAULT_FMAX_HZ = 1000.0
"""Highest tone frequency tracked by default [Hz]."""


def track_tones(
    source: object,
    *,
    sample_rate_hz: float | None = None,
    fmin_hz: float = 20.0,
    fmax_hz: float = DEFAULT_FMAX_HZ,
    window_s: float = 4.0,
    hop_s: float = 0.5,
    zero_pad: int = 4,
    threshold_db: float = 12.0,
    max_peaks: int = 16,
    max_slope_hz_per_s: float = 1.0,
    max_gap_s: float = 6.0,
    min_duration_s: float = 4.0,
    mask_db: float = 25.0,
) -> list[ToneTrack]:
    """Detect and track tonal lines between ``fmin_hz`` and ``fmax_hz``.

    Parameters
    ----------
    source : Recording, SignalSource, path or array
        The signal (arrays need ``sample_rate_hz``); streamed, any length.
    fmin_hz, fmax_hz : float
        Search band [Hz].
    window_s, hop_s : float
        Analysis window and step [s]. Resolution is ``1/window_s`` before interpolation.
    zero_pad : int
        FFT length factor over the window (>= 1).
    threshold_db : float
        Minimum peak height over the local noise floor [dB].
    max_peaks : int
        Peaks kept per frame (strongest first).
    max_slope_hz_per_s : float
        Largest frequency change between linked frames [Hz/s] (Doppler swings are slower).
    max_gap_s : float
        Longest gap a track may bridge [s].
    min_duration_s : float
        Shortest track kept [s].
    mask_db : float
        A peak within ``max(2 Hz, 8/window_s)`` of a peak stronger by more than this [dB] is
        taken as a side lobe / modulation sideband and dropped.

    Returns
    -------
    list of ToneTrack
        Sorted by decreasing median level.

    Raises
    ------
    InvalidParameterError
        Bad parameters, or a recording (or every shot window) shorter than ``window_s``.
    """
    src: SignalSource = as_source(source, sample_rate_hz)
    fmin_hz = positive_finite(fmin_hz, "fmin_hz")
    fmax_hz = positive_finite(fmax_hz, "fmax_hz")
    window_s = positive_finite(window_s, "window_s")
    hop_s = positive_finite(hop_s, "hop_s")
    if fmax_hz <= fmin_hz:
        raise InvalidParameterError(f"fmax_hz={fmax_hz!r} must exceed fmin_hz={fmin_hz!r}")
    if fmax_hz >= src.sample_rate_hz / 2:
        fmax_hz = 0.45 * src.sample_rate_hz
        if fmax_hz <= fmin_hz:
            raise InvalidParameterError(
                f"fmin_hz={fmin_hz!r} is above the usable band of {src.sample_rate_hz:g} Hz audio"
            )
    if int(zero_pad) < 1:
        raise InvalidParameterError(f"zero_pad={zero_pad!r} must be >= 1")
    dec = lowpass_decimated(src, fmax_hz)
    fs = dec.sample_rate_hz
    nper = max(8, round(window_s * fs))
    hop = max(1, round(hop_s * fs))
    import scipy.fft

    grid = make_grid(
        fs, nper, hop, nfft=scipy.fft.next_fast_len(int(zero_pad) * nper, real=True), fmax_hz=fmax_hz * 1.02
    )
    if count_frames(dec, grid) == 0:
        raise InvalidParameterError(
            f"recording too short for tone tracking: {src.n_frames / src.sample_rate_hz:.4g} s "
            f"(longest segment {max(b - a for a, b in src.segments()) / src.sample_rate_hz:.4g} s) "
            f"< window_s={window_s:g} s"
        )
    bin_hz = grid.bin_hz
    lo = max(1, int(np.floor(fmin_hz / bin_hz)))
    hi = min(grid.n_bins - 1, int(np.ceil(fmax_hz / bin_hz)) + 1)
    block = max(16, round(4.0 / bin_hz))
    scale = spectrum_scale(grid)
    mask_hz = max(2.0, 8.0 / window_s)
    times_all: list[NDArray] = []
    f_all: list[NDArray] = []
    l_all: list[NDArray] = []
    r_all: list[NDArray] = []
    frame0 = 0
    first_t = last_t = 0.0
    # 16 frames per FFT call: each is a 4x zero-padded 4 s window (40,000 points at 2.5 kHz)
    for times, power in iter_power(dec, grid, chunk_frames=16):
        if frame0 == 0:
            first_t = times[0]
        last_t = times[-1]
        db = 10.0 * np.log10(np.maximum(power * np.float32(scale), np.float32(1e-30)))
        rows, bins = detect_peaks(db, lo, hi, block, threshold_db, max_peaks)
        if rows.size:
            delta, lev = refine_peaks(db, bins, rows)
            f = (bins + delta) * bin_hz
            ok = (f >= fmin_hz) & (f <= fmax_hz) & ~masked_by_neighbour(rows, f, lev, mask_hz, mask_db)
            times_all.append(times[rows[ok]])
            f_all.append(f[ok])
            l_all.append(lev[ok])
            r_all.append(rows[ok] + frame0)
        frame0 += power.shape[0]
    if not f_all:
        return []
    edges = (float(first_t), float(last_t), window_s, src.n_frames / src.sample_rate_hz)
    return _link(
        np.concatenate(r_all),
        np.concatenate(times_all),
        np.concatenate(f_all),
        np.concatenate(l_all),
        hop_s=hop / fs,
        tol0_hz=1.0 / window_s,
        max_slope=max_slope_hz_per_s,
        max_gap_s=max_gap_s,
        min_duration_s=min_duration_s,
        edges=edges,
    )


def _edge_time(t: NDArray, lev: NDArray, hop_s: float) -> float:
    """Onset time of a line from its rising levels: where it reaches its median level - 6 dB.

    A window half-covered by a steady tone sees half its amplitude (-6 dB), so the crossing is
    the moment the tone starts (the frame centre then sits on the onset).
    """
    target = float(np.median(lev)) - 6.0
    k = int(np.argmax(lev >= target))
    if k == 0:
        return float(t[0]) - hop_s / 2
    a, b = lev[k - 1], lev[k]
    frac = (target - a) / (b - a) if b > a else 1.0
    return float(t[k - 1] + frac * (t[k] - t[k - 1]))


def _link(
    frame: NDArray, t: NDArray, f: NDArray, lev: NDArray, *, hop_s: float, tol0_hz: float, max_slope: float,
    max_gap_s: float, min_duration_s: float, edges: tuple[float, float, float, float],
) -> list[ToneTrack]:  # fmt: skip
    """Greedy nearest-frequency linking of per-frame peaks into tracks."""
    order = np.lexsort((f, frame))
    frame, t, f, lev = frame[order], t[order], f[order], lev[order]
    bounds = np.r_[0, np.flatnonzero(np.diff(frame)) + 1, frame.size]
    active: list[dict] = []
    done: list[dict] = []
    for i in range(bounds.size - 1):
        a, b = bounds[i], bounds[i + 1]
        tf = t[a]
        # close stale tracks
        still: list[dict] = []
        for tr in active:
            (still if tf - tr["t"][-1] <= max_gap_s + 1e-9 else done).append(tr)
        active = still
        pf, pl = f[a:b], lev[a:b]
        used = np.zeros(b - a, bool)
        if active:
            last_f = np.array([tr["f"][-1] for tr in active])
            tol = np.array([tol0_hz + max_slope * (tf - tr["t"][-1]) for tr in active])
            dist = np.abs(last_f[:, None] - pf[None, :])
            cand = np.argwhere(dist <= tol[:, None])
            if cand.size:
                cand = cand[np.argsort(dist[cand[:, 0], cand[:, 1]], kind="stable")]
                taken = np.zeros(len(active), bool)
                for ti, pi in cand:
                    if taken[ti] or used[pi]:
                        continue
                    taken[ti] = used[pi] = True
                    tr = active[ti]
                    tr["t"].append(tf)
                    tr["f"].append(pf[pi])
                    tr["l"].append(pl[pi])
        for pi in np.flatnonzero(~used):
            active.append({"t": [tf], "f": [pf[pi]], "l": [pl[pi]]})
    done.extend(active)
    tracks = []
    for tr in done:
        if len(tr["t"]) >= 3 and (tr["t"][-1] - tr["t"][0] + hop_s) >= min_duration_s:
            first_t, last_t, _window_s, duration_s = edges
            tt, ll = np.asarray(tr["t"]), np.asarray(tr["l"])
            start = 0.0 if tt[0] <= first_t + 1e-9 else max(0.0, _edge_time(tt, ll, hop_s))
            end = duration_s if tt[-1] >= last_t - 1e-9 else min(duration_s, -_edge_time(-tt[::-1], ll[::-1], hop_s))
            tracks.append(ToneTrack(np.array(tr["t"]), np.array(tr["f"]), np.array(tr["l"]), hop_s, start, end))
    tracks.sort(key=lambda tr: -tr.level_db)
    return tracks
