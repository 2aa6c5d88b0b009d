"""Event detection: segments of acoustic activity with start, end, level and a coarse class.

Method - band-wise whitened activity, two detectors (one per kind of sound):

1. Band levels per frame: 20 ms Hann frames every 10 ms (``frame_s``; 50 % overlap, so a 1 ms
   click is never lost between frames), power in octave bands from 20 Hz up to Nyquist.
2. A background per band: the ``background_percentile`` (median) of the band level (dB) over
   blocks of ``background_block_s``, then the minimum of each block and its two neighbours (so
   blocks filled by bursts do not lift it), interpolated to every frame. Stationary tones
   (rotor, pump) and the wind's slow level end up in the background of their own bands only.
3. **Bursts** (mechanisms, impacts): the activity is the mean of the upper half of the
   band excesses (level − background, dB) over the bands above ``high_band_hz``, so a sound
   that lifts several high bands counts and the wind (below ~200 Hz) does not. A segment is
   seeded where the activity exceeds ``on_db``; it extends while the activity, or its
   ``hold_s`` moving mean, stays above ``off_db`` (a motor's modulation or a short drop-out
   does not split a burst); the onset walks back at most ``max_walk_back_s`` - never through
   earlier gusts, which do not lift these bands. Segments closer than ``min_gap_s`` merge.
   ``impact`` when shorter than ``impact_max_s``, else ``mechanism`` - unless the wind bands
   rose as much as the high ones (within ``wind_margin_db``): that is wind leaking upward, and
   it is left to the gust detector.
4. **Gusts** (:func:`wind_activity`): 0.2 s frames of the signal decimated to ~500 Hz, the
   excess of each 5 Hz bin from 20 to 200 Hz over its own background (``gust_percentile`` over
   ``gust_block_s``), smoothed over ``gust_smooth_s``, median over bins (the rotor and pump lines
   are a few bins: they neither mask a gust nor make one). A gust peaks above ``gust_on_db``,
   lasts at least ``gust_min_s`` and absorbs gusts less than ``gust_merge_s`` apart - one event
   per gust, not one per fluctuation; its edges are then moved to where the 10 ms wind-band
   level steps (when it does). A gust segment that is mostly a burst is dropped.

Tuned on :func:`marsound.recordings.scenes.event_scene` seeds 0-4 (all three wind strengths);
``benchmarks/bench_events.py`` scores it on other seeds against the previous detector.
Coarse classes: grain impacts, clicks and laser sparks are short; driving, arm/mast motors and
pumps make long broadband bursts; wind is low-frequency.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from marsound._validate import positive_finite
from marsound.errors import InvalidParameterError
from marsound.recordings.recording import SignalSource
from marsound.recordings.sources import as_source
from marsound.recordings.streaming import count_frames, density_scale, iter_power, make_grid

EVENT_KINDS = ("impact", "gust", "mechanism")
#: Upper edge of the wind bands [Hz].
WIND_BAND_HZ = 200.0
_WIND_BLOCK_FRAMES = 4096


@dataclass(frozen=True)
class Event:
    """One segment of activity."""

    start_s: float
    end_s: float
    level_db: float
    snr_db: float
    low_fraction: float
    kind: str

    def summary(self) -> dict[str, float | str]:
        """JSON contract of an event: ``start_s``, ``end_s``, ``kind`` (plus level and SNR)."""
        return {
            "start_s": round(self.start_s, 3),
            "end_s": round(self.end_s, 3),
            "kind": self.kind,
            "level_db": round(self.level_db, 2),
            "snr_db": round(self.snr_db, 2),
        }


def octave_band_edges(sample_rate_hz: float, lowest_hz: float = 20.0) -> NDArray[np.float64]:
    """Band edges [Hz]: 20, 50, 100, 200, then octaves up to Nyquist (the last band closes there)."""
    nyq = sample_rate_hz / 2
    edges = [e for e in (lowest_hz, 50.0, 100.0, 200.0) if e < nyq]
    while edges[-1] * 2 < nyq:
        edges.append(edges[-1] * 2)
    edges.append(nyq)
    return np.asarray(edges)


def frame_band_levels(
    src: SignalSource, frame_s: float
) -> tuple[NDArray[np.float64], float, NDArray[np.float32], NDArray[np.float64]]:
    """Per-frame band powers of a source.

    Returns
    -------
    times_s : ndarray
        Frame centre times [s].
    hop_s : float
        Frame step [s] (the window is twice as long).
    power : ndarray (frames, bands), float32
        Mean-square power per band [unit^2] (float32: an hour at 10 ms is 360,000 frames).
    edges_hz : ndarray (bands + 1,)
        Band edges.
    """
    fs = src.sample_rate_hz
    hop = max(8, round(frame_s * fs))
    grid = make_grid(fs, 2 * hop, hop)
    if count_frames(src, grid) < 3:
        raise InvalidParameterError(
            f"recording too short for event detection: {src.n_frames / fs:.4g} s (needs >= 3 frames of {frame_s} s)"
        )
    f = grid.frequencies_hz
    edges = octave_band_edges(fs)
    masks = np.stack([(f >= lo) & (f < hi) for lo, hi in itertools.pairwise(edges)], axis=1).astype(np.float32)
    masks[-1, -1] = 1.0  # the Nyquist bin belongs to the last band
    keep = masks.any(axis=0)  # a band narrower than the bin spacing holds no bin: dropped
    masks = masks[:, keep]
    edges = np.r_[edges[:-1][keep], edges[-1]]
    scale = density_scale(grid) * np.float32(grid.bin_hz)
    n = count_frames(src, grid)
    times = np.empty(n)
    power = np.empty((n, masks.shape[1]), dtype=np.float32)
    k = 0
    for t, p in iter_power(src, grid, chunk_frames=1024):
        times[k : k + t.size] = t
        power[k : k + t.size] = (p * scale) @ masks
        k += t.size
    return times, hop / fs, power, edges


def band_background_db(
    level_db: NDArray[np.floating], times_s: NDArray[np.float64], block_s: float, percentile: float
) -> NDArray[np.float32]:
    """Slowly varying background of each column: block percentiles, median of 3 blocks, interpolated."""
    if times_s.size == 0:
        return np.asarray(level_db, dtype=np.float32).copy()
    t0 = times_s[0]
    idx = np.floor((times_s - t0) / block_s).astype(np.int64)
    nblk = int(idx[-1]) + 1
    centres = np.empty(nblk)
    vals = np.full((nblk, level_db.shape[1]), np.nan)
    bounds = np.searchsorted(idx, np.arange(nblk + 1))
    for k in range(nblk):
        a, b = bounds[k], bounds[k + 1]
        centres[k] = t0 + (k + 0.5) * block_s
        if b > a:
            vals[k] = np.percentile(level_db[a:b], percentile, axis=0)
    keep = ~np.isnan(vals[:, 0])
    centres, vals = centres[keep], vals[keep]
    if vals.shape[0] >= 3:
        padded = np.vstack([vals[1:2], vals, vals[-2:-1]])  # reflected: an edge block filled by a burst is outvoted
        vals = np.min(np.stack([padded[:-2], padded[1:-1], padded[2:]]), axis=0)
    out = np.empty(level_db.shape, dtype=np.float32)
    for j in range(vals.shape[1]):
        out[:, j] = np.interp(times_s, centres, vals[:, j])
    return out


def _runs(mask: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """``[a, b)`` index ranges where ``mask`` is true."""
    d = np.diff(np.r_[0, mask.astype(np.int8), 0])
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist()))


def _moving_mean(x: NDArray[np.floating], n: int) -> NDArray[np.float64]:
    """Centred moving mean over ``n`` samples (edges: nearest value), as float64."""
    y = np.asarray(x, dtype=np.float64)
    if n <= 1:
        return y
    from scipy.ndimage import uniform_filter1d

    return np.asarray(uniform_filter1d(y, n, mode="nearest"), dtype=np.float64)


def _refine_edges(
    t: NDArray[np.float64], act: NDArray[np.float64], start_s: float, end_s: float, reach_s: float,
    off_db: float, on_db: float,
) -> tuple[float, float]:  # fmt: skip
    """Move coarse edges to where a finer activity steps through ``off_db`` (within ``reach_s``).

    An edge moves only when the fine activity, within ``reach_s`` of it, clearly rises above
    ``on_db`` (so a slow gust keeps its coarse edges).
    """
    win = (t >= start_s - reach_s) & (t <= start_s + reach_s)
    idx = np.flatnonzero(win)
    if idx.size and (act[idx] > on_db).any():
        first_on = idx[int(np.argmax(act[idx] > on_db))]
        below = idx[(idx < first_on) & (act[idx] <= off_db)]
        if below.size:
            start_s = float(t[below[-1] + 1])
    win = (t >= end_s - reach_s) & (t <= end_s + reach_s)
    idx = np.flatnonzero(win)
    if idx.size and (act[idx] > on_db).any():
        last_on = idx[np.flatnonzero(act[idx] > on_db)[-1]]
        below = idx[(idx > last_on) & (act[idx] <= off_db)]
        if below.size:
            end_s = float(t[below[0] - 1])
    return start_s, max(end_s, start_s)


def wind_activity(
    src: SignalSource, smooth_s: float, block_s: float, percentile: float, *, frame_s: float = 0.2
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Wind-band excess over its background [dB] on a coarse grid: ``(times_s, excess_db)``.

    The source is low-passed and decimated to ~500 Hz; 0.2 s Hann frames (5 Hz bins, 50 %
    overlap) give the power of each bin from 20 to 200 Hz, smoothed over ``smooth_s``; each bin
    gets its own background (:func:`band_background_db`) and the activity is the median over
    bins of the excess - so the rotor and pump lines, a few stationary bins, do not mask a gust
    and a gust (which lifts all wind bins) is not a tone. Empty when the recording (or every
    shot window) is shorter than a frame.
    """
    from marsound.recordings.streaming import lowpass_decimated

    dec = lowpass_decimated(src, WIND_BAND_HZ)
    fs = dec.sample_rate_hz
    nper = max(8, round(frame_s * fs))
    grid = make_grid(fs, nper, nper // 2, fmax_hz=WIND_BAND_HZ)
    if count_frames(dec, grid) == 0:
        return np.zeros(0), np.zeros(0)
    f = grid.frequencies_hz
    sel = (f >= 20.0) & (f <= WIND_BAND_HZ)
    # preallocated and worked in place: an hour is 36,000 frames x 37 bins of float64 (11 MB a copy)
    n = count_frames(dec, grid)
    t = np.empty(n)
    lev = np.empty((n, int(sel.sum())))
    k = 0
    for tt, p in iter_power(dec, grid, chunk_frames=1024, block_frames=_WIND_BLOCK_FRAMES):
        t[k : k + tt.size] = tt
        lev[k : k + tt.size] = p[:, sel]
        k += tt.size
    n_smooth = max(1, round(smooth_s / (grid.hop / fs)))
    breaks = np.flatnonzero(np.diff(t) > 1.5 * grid.hop / fs) + 1
    for a, b in zip(np.r_[0, breaks].tolist(), np.r_[breaks, t.size].tolist()):
        for j in range(lev.shape[1]):
            lev[a:b, j] = _moving_mean(lev[a:b, j], n_smooth)
    np.maximum(lev, 1e-30, out=lev)
    np.log10(lev, out=lev)
    lev *= 10
    lev -= band_background_db(lev, t, block_s, percentile)
    out = np.empty(n)
    for a in range(0, n, 4096):  # median's partition copy, a slice at a time
        out[a : a + 4096] = np.median(lev[a : a + 4096], axis=1)
    return t, out


def detect_events(
    source: object,
    *,
    sample_rate_hz: float | None = None,
    frame_s: float = 0.01,
    on_db: float = 9.0,
    off_db: float = 4.0,
    hold_s: float = 0.15,
    max_walk_back_s: float = 0.05,
    min_gap_s: float = 0.3,
    min_duration_s: float = 0.01,
    background_block_s: float = 5.0,
    background_percentile: float = 50.0,
    high_band_hz: float = 400.0,
    impact_max_s: float = 0.25,
    gust_on_db: float = 9.0,
    gust_off_db: float = 4.0,
    gust_smooth_s: float = 0.5,
    gust_block_s: float = 20.0,
    gust_percentile: float = 20.0,
    gust_min_s: float = 1.0,
    gust_merge_s: float = 2.0,
    wind_margin_db: float = 6.0,
) -> list[Event]:
    """Find bursts, impacts and gusts above the background (method in the module docstring).

    Parameters
    ----------
    source : Recording, SignalSource, path or array
        Streamed; frames never cross shot windows, and an event never spans two.
    frame_s : float
        Frame step [s] (onset resolution); frames are twice as long.
    on_db, off_db : float
        Burst seed and continuation thresholds on the high-band activity [dB], ``on_db >= off_db``.
    hold_s : float
        Moving-mean length that keeps a modulated burst together [s].
    max_walk_back_s : float
        Largest step back from the seed frame to the onset [s].
    min_gap_s, min_duration_s : float
        Bursts closer than ``min_gap_s`` merge; shorter than ``min_duration_s`` are dropped [s].
    background_block_s, background_percentile : float
        Block [s] and percentile of the band backgrounds.
    high_band_hz : float
        Lowest band edge counted in the burst activity [Hz].
    impact_max_s : float
        Longest ``impact`` [s].
    gust_on_db, gust_off_db, gust_smooth_s, gust_block_s, gust_percentile, gust_min_s, gust_merge_s : float
        Gust thresholds [dB], smoothing [s], background block [s] and percentile, shortest gust [s],
        merge gap [s].
    wind_margin_db : float
        A long burst whose wind-band excess is within this of its strongest high-band excess is
        wind leaking upward, not a mechanism: it is left to the gust detector [dB].

    Returns
    -------
    list of Event
        In time order.
    """
    src: SignalSource = as_source(source, sample_rate_hz)
    frame_s = positive_finite(frame_s, "frame_s")
    for name, v in (("hold_s", hold_s), ("min_gap_s", min_gap_s), ("max_walk_back_s", max_walk_back_s),
                    ("gust_smooth_s", gust_smooth_s), ("gust_min_s", gust_min_s), ("gust_merge_s", gust_merge_s)):
        if not (np.isfinite(v) and v >= 0):
            raise InvalidParameterError(f"{name}={v!r} must be finite and >= 0")  # fmt: skip
    if off_db > on_db or gust_off_db > gust_on_db:
        raise InvalidParameterError(
            f"off thresholds must not exceed on thresholds (off_db={off_db!r}, on_db={on_db!r}, "
            f"gust_off_db={gust_off_db!r}, gust_on_db={gust_on_db!r})"
        )
    for name, v in (("background_percentile", background_percentile), ("gust_percentile", gust_percentile)):
        if not 0 < v < 100:
            raise InvalidParameterError(f"{name}={v!r} must be in (0, 100)")
    t, dt, power, edges = frame_band_levels(src, frame_s)
    block_s = positive_finite(background_block_s, "background_block_s")
    gust_block = positive_finite(gust_block_s, "gust_block_s")
    lev = 10 * np.log10(np.maximum(power, 1e-30))
    total_db = 10 * np.log10(np.maximum(power.sum(axis=1), 1e-30))
    low = edges[:-1] < WIND_BAND_HZ
    high = edges[:-1] >= high_band_hz
    if not high.any():
        high = ~low if (~low).any() else np.ones_like(low)
    # contiguous runs of frames (shot windows break them)
    breaks = np.flatnonzero(np.diff(t) > 1.5 * dt) + 1
    runs = list(zip(np.r_[0, breaks].tolist(), np.r_[breaks, t.size].tolist()))

    excess = lev[:, high]
    excess -= band_background_db(excess, t, block_s, background_percentile)
    k = max(1, -(-int(high.sum()) // 2))
    activity = np.empty(t.size, dtype=excess.dtype)
    for a in range(0, t.size, 65536):  # the sort's copy, a slice at a time
        activity[a : a + 65536] = np.sort(excess[a : a + 65536], axis=1)[:, -k:].mean(axis=1)
    hold = max(1, round(hold_s / dt))
    walk = round(max_walk_back_s / dt)
    events: list[Event] = []
    bursts: list[tuple[int, int]] = []
    for ra, rb in runs:
        act = activity[ra:rb]
        cont = (act > off_db) | (_moving_mean(act, hold) > off_db)
        for a, b in _runs(cont):
            seed = a + int(np.argmax(act[a:b] > on_db)) if (act[a:b] > on_db).any() else -1
            if seed < 0:
                continue
            start = seed
            while start > max(a, seed - walk) and act[start - 1] > off_db:
                start -= 1
            end = b
            while end > seed + 1 and act[end - 1] <= off_db:  # the hold's tail is not the burst
                end -= 1
            seg = (ra + start, ra + end)
            if bursts and t[seg[0]] - t[bursts[-1][1] - 1] - dt < min_gap_s and bursts[-1][0] >= ra:
                bursts[-1] = (bursts[-1][0], seg[1])
            else:
                bursts.append(seg)
    burst_frames = np.zeros(t.size, bool)
    tg, wexc = wind_activity(src, gust_smooth_s, gust_block, gust_percentile)
    for a, b in bursts:
        start_s, end_s = float(t[a] - dt / 2), float(t[b - 1] + dt / 2)
        if end_s - start_s < min_duration_s - 1e-9:
            continue
        if tg.size and end_s - start_s > impact_max_s:
            # wind lifts its own bands as much as the high ones; a mechanism lifts the high ones far more
            if np.interp(t[a:b], tg, wexc).mean() >= excess[a:b].mean(axis=0).max() - wind_margin_db:
                continue
        burst_frames[a:b] = True
        e_tot = float(power[a:b].sum())
        low_frac = float(power[a:b, low].sum() / e_tot) if e_tot > 0 else 0.0
        kind = "impact" if end_s - start_s <= impact_max_s else "mechanism"
        events.append(Event(start_s, end_s, float(total_db[a:b].max()), float(activity[a:b].max()), low_frac, kind))

    burst_spans = [(e.start_s, e.end_s) for e in events]
    if tg.size:
        dtg = float(np.median(np.diff(tg))) if tg.size > 1 else gust_smooth_s
        breaks_g = np.flatnonzero(np.diff(tg) > 1.5 * dtg) + 1
        gusts: list[tuple[int, int]] = []
        for ra, rb in zip(np.r_[0, breaks_g].tolist(), np.r_[breaks_g, tg.size].tolist()):
            w = wexc[ra:rb]
            for a, b in _runs(w > gust_off_db):
                if w[a:b].max() <= gust_on_db:
                    continue
                seg = (ra + a, ra + b)
                if gusts and tg[seg[0]] - tg[gusts[-1][1] - 1] < gust_merge_s and gusts[-1][0] >= ra:
                    gusts[-1] = (gusts[-1][0], seg[1])
                else:
                    gusts.append(seg)
        fine = None
        if low.any():  # 10 ms wind-band excess, to put the gust's edges where the level actually steps
            lw = (lev[:, low] - band_background_db(lev[:, low], t, gust_block, gust_percentile)).mean(axis=1)
            fine = _moving_mean(lw, max(1, round(0.05 / dt)))
        for a, b in gusts:
            start_s, end_s = float(tg[a] - dtg / 2), float(tg[b - 1] + dtg / 2)
            if fine is not None:
                start_s, end_s = _refine_edges(t, fine, start_s, end_s, gust_smooth_s, gust_off_db, gust_on_db)
            covered = sum(max(0.0, min(end_s, e1) - max(start_s, e0)) for e0, e1 in burst_spans)
            if end_s - start_s < gust_min_s or covered > 0.5 * (end_s - start_s):
                continue
            fm = (t >= start_s) & (t < end_s)
            e_tot = float(power[fm].sum())
            low_frac = float(power[fm][:, low].sum() / e_tot) if e_tot > 0 else 0.0
            level = float(total_db[fm].max()) if fm.any() else float("nan")
            events.append(Event(start_s, end_s, level, float(wexc[a:b].max()), low_frac, "gust"))
    events.sort(key=lambda e: e.start_s)
    return events
