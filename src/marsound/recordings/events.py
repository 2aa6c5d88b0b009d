"""Event detection: segments of acoustic activity with start, end, level and a coarse class.

Method: band powers per short frame (default 10 ms, non-overlapping Hann frames of the
streaming STFT): total (>= 20 Hz), low (20-200 Hz) and high (>= 1 kHz). The background is the
20th percentile of the total level over 30 s blocks (robust to the events themselves). A
segment starts where the level exceeds background + ``on_db`` and is extended (hysteresis)
while it stays above background + ``off_db``; segments closer than ``min_gap_s`` merge.

Coarse classes (reference ``mars-audio-data.md`` §6.5-6.6):
* ``gust``: most energy (``gust_low_fraction``) below 200 Hz (wind);
* ``impact``: otherwise, if shorter than ``impact_max_s`` (grain impacts, clicks, sparks);
* ``mechanism``: otherwise (longer and broadband: driving, arm/mast motors, pumps).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from marsound._validate import positive_finite
from marsound.errors import InvalidParameterError
from marsound.recordings.recording import SignalSource
from marsound.recordings.sources import as_source
from marsound.recordings.streaming import count_frames, density_scale, iter_power, make_grid

EVENT_KINDS = ("impact", "gust", "mechanism")


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


def frame_band_levels(
    src: SignalSource, frame_s: float
) -> tuple[NDArray[np.float64], float, NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Per-frame mean-square power: (frame start times, frame length [s], total, low, high)."""
    fs = src.sample_rate_hz
    nper = max(16, round(frame_s * fs))
    grid = make_grid(fs, nper, nper)
    if count_frames(src, grid) < 3:
        raise InvalidParameterError(
            f"recording too short for event detection: {src.n_frames / fs:.4g} s (needs >= 3 frames of {frame_s} s)"
        )
    f = grid.frequencies_hz
    scale = density_scale(grid) * np.float32(grid.bin_hz)
    masks = np.stack([f >= 20.0, (f >= 20.0) & (f < 200.0), f >= 1000.0], axis=1).astype(np.float32)
    ts, pw = [], []
    for t, p in iter_power(src, grid, chunk_frames=1024):
        ts.append(t - nper / 2 / fs)
        pw.append((p * scale) @ masks)
    t0 = np.concatenate(ts)
    bands: NDArray[np.float64] = np.concatenate(pw).astype(np.float64)
    return t0, nper / fs, bands[:, 0], bands[:, 1], bands[:, 2]


def detect_events(
    source: object,
    *,
    sample_rate_hz: float | None = None,
    frame_s: float = 0.01,
    on_db: float = 10.0,
    off_db: float = 4.0,
    min_gap_s: float = 0.1,
    min_duration_s: float = 0.01,
    background_block_s: float = 30.0,
    impact_max_s: float = 0.25,
    gust_low_fraction: float = 0.6,
) -> list[Event]:
    """Find segments of activity above the background.

    Parameters
    ----------
    source : Recording, SignalSource, path or array
        Streamed; shot windows are analysed separately.
    frame_s : float
        Frame length [s] (onset resolution).
    on_db, off_db : float
        Start and continuation thresholds above the background [dB], ``on_db >= off_db``.
    min_gap_s : float
        Segments separated by less merge [s].
    min_duration_s : float
        Shorter segments are dropped [s].
    background_block_s : float
        Block length of the background percentile [s].
    impact_max_s, gust_low_fraction : float
        Classification thresholds (see module docstring).

    Returns
    -------
    list of Event
        In time order.
    """
    src: SignalSource = as_source(source, sample_rate_hz)
    frame_s = positive_finite(frame_s, "frame_s")
    if off_db > on_db:
        raise InvalidParameterError(f"off_db={off_db!r} must not exceed on_db={on_db!r}")
    t0, dt, tot, low, _high = frame_band_levels(src, frame_s)
    lev = 10 * np.log10(np.maximum(tot, 1e-30))
    nb = max(1, round(positive_finite(background_block_s, "background_block_s") / dt))
    bg = np.empty_like(lev)
    for a in range(0, lev.size, nb):
        blk = lev[a : a + nb]
        if blk.size < nb // 2 and a > 0:
            bg[a:] = bg[a - 1]
            break
        bg[a : a + nb] = np.percentile(blk, 20)
    above_on = lev > bg + on_db
    above_off = lev > bg + off_db
    events: list[Event] = []
    i, n = 0, lev.size
    segs: list[list[int]] = []
    while i < n:
        if above_on[i]:
            a = i
            while a > 0 and above_off[a - 1] and t0[a] - t0[a - 1] < 1.5 * dt:
                a -= 1
            b = i
            while b + 1 < n and above_off[b + 1] and t0[b + 1] - t0[b] < 1.5 * dt:
                b += 1
            if segs and t0[a] - (t0[segs[-1][1]] + dt) < min_gap_s:
                segs[-1][1] = b
            else:
                segs.append([a, b])
            i = b + 1
        else:
            i += 1
    for a, b in segs:
        start, end = float(t0[a]), float(t0[b] + dt)
        if end - start < min_duration_s - 1e-9:
            continue
        sl = slice(a, b + 1)
        e_tot = float(tot[sl].sum())
        low_frac = float(low[sl].sum() / e_tot) if e_tot > 0 else 0.0
        if low_frac >= gust_low_fraction:
            kind = "gust"
        elif end - start <= impact_max_s:
            kind = "impact"
        else:
            kind = "mechanism"
        peak = float(lev[sl].max())
        events.append(Event(start, end, peak, peak - float(np.median(bg[sl])), low_frac, kind))
    return events
