"""Moving sources: a time-varying distance rendered with Doppler and a gliding propagation filter.

The source follows a trajectory ``d(tau)`` (distance at emission time ``tau``; time zero is the
start of the recording). The listener hears, at time ``t``, what was emitted at ``tau(t)`` with::

    t = tau + (d(tau) - r0) / c_inf

Two stages, both streaming with bounded memory, both on fixed grids of absolute sample indices
(so the output is bit-identical for any input block size):

1. **Propagation filter, in emission time.** The filter ``exp(-i (k - 2 pi f / c_inf) L)``
   (absorption and dispersion without the bulk delay; ``L = d - r0``) is designed on a grid of
   path lengths ``L_i`` (:func:`distance_grid`: steps such that crossfading neighbours is accurate to
   ``GRID_TOLERANCE`` of the filter's peak at every frequency; short near the source, where high
   frequencies are still loud, longer as they are absorbed). The input is filtered in chunks
   (overlap-save FFTs at least 4x the filter length) by the designs whose cells the chunk's
   distances visit, and at every sample the two neighbouring outputs are crossfaded linearly in
   ``L``; the spreading gain ``G r0 / d(tau)`` is applied per sample. The response glides
   continuously (no zipper noise, no steps in level), at the cost of about two inverse FFTs per chunk
   for a slow source, instead of a new design every 10 ms.
2. **Time-varying delay.** The filtered signal is read at the fractional positions ``tau(t) fs``
   with a windowed-sinc interpolator (24 taps, Kaiser window) in Farrow form
   (:mod:`marsound.rendering.fractional_delay`): vectorised over chunks of output samples. The
   changing delay produces the Doppler shift: a source receding at radial speed ``v`` is heard at
   ``c / (c + v)`` times its frequency.

Trajectory files (CSV, ``#`` comments allowed, optional header): ``time_s,distance_m`` or
``time_s,x_m,y_m,z_m`` (listener at the origin). Time must increase strictly; before the first and
after the last row the source holds its position. Between rows the distance (or position) is
interpolated linearly. The radial speed must stay below the speed of sound.
"""

from __future__ import annotations

import csv
import math
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray

from marsound._validate import audio_samples, positive_finite
from marsound.errors import FileFormatError, InvalidParameterError
from marsound.physics import DEFAULT_MODEL, Atmosphere, get_model, preset
from marsound.rendering import _fft
from marsound.rendering.filters import (
    DEFAULT_SOURCE_PRESET,
    MAX_DISTANCE_M,
    _band_edge,
    _wavenumber,
    check_sample_rate,
    design_propagation_filter,
)
from marsound.rendering.fractional_delay import FIRST_TAP, HALF, read_at
from marsound.rendering.source_models import DEFAULT_SOURCE_MODEL, source_gain_db

F32 = np.float32
#: Crossfade accuracy of the distance grid of filters, relative to the filter's peak (-80 dB).
GRID_TOLERANCE = 1e-4
#: Shortest FFT of the stage-1 overlap-save.
MIN_FFT_LENGTH = 8192
#: FFT length above which the stage-1 FFTs are only 2x the filter (not 4x).
LONG_FFT_LENGTH = 1 << 18
#: Memory for filter designs kept between chunks [bytes] (a pass-by's whole grid, at 48 kHz).
SPECTRA_CACHE_BYTES = 32 << 20
#: Output samples read out per call of the interpolator (a fixed grid).
OUTPUT_CHUNK = 16384
MIN_DISTANCE_M = 1e-3
#: Trajectory times must lie within +/- this [s] (about 11.6 days) of the recording's start.
MAX_TRAJECTORY_TIME_S = 1e6
#: Most rows a trajectory file may hold (a row every 5 ms for over 16 minutes); counted before parsing.
MAX_TRAJECTORY_ROWS = 200_000
_FAR_S = 1e7


@dataclass(frozen=True)
class Trajectory:
    """A distance history: ``distance_m`` at ``time_s``, linear in between, held outside.

    Build with :func:`trajectory_from_points` or :func:`read_trajectory_csv`.
    """

    time_s: NDArray[np.float64]
    distance_m: NDArray[np.float64]

    def distance_at(self, time_s: ArrayLike) -> NDArray[np.float64]:
        """Distance [m] at emission time(s) ``time_s`` [s]."""
        return np.interp(np.asarray(time_s, dtype=float), self.time_s, self.distance_m)

    def max_radial_speed_m_s(self) -> float:
        """Largest |d distance / d time| [m/s] of the trajectory."""
        if self.time_s.size < 2:
            return 0.0
        return float(np.max(np.abs(np.diff(self.distance_m) / np.diff(self.time_s))))


def trajectory_from_points(
    time_s: ArrayLike, distance_m: ArrayLike | None = None, *, xyz_m: ArrayLike | None = None
) -> Trajectory:
    """Validate a trajectory given as distances or as positions (listener at the origin).

    Parameters
    ----------
    time_s : array_like
        Strictly increasing, finite times [s] (emission time; 0 = start of the recording).
    distance_m : array_like, optional
        Distances [m], > 0.
    xyz_m : array_like, optional
        Positions ``(n, 3)`` [m]; segments are subdivided (every 5 ms, at most 1000 pieces) so the
        piecewise-linear distance follows the true one.
    """
    t = np.asarray(time_s, dtype=float).ravel()
    if t.size == 0:
        raise InvalidParameterError("trajectory is empty")
    if not np.all(np.isfinite(t)):
        raise InvalidParameterError("trajectory time_s contains NaN or infinite values")
    if np.any(np.abs(t) > MAX_TRAJECTORY_TIME_S):
        bad = t[np.abs(t) > MAX_TRAJECTORY_TIME_S][0]
        raise InvalidParameterError(
            f"trajectory time_s={bad!r} is outside +/-{MAX_TRAJECTORY_TIME_S:g} s of the recording's start"
        )
    steps = np.diff(t)
    if np.any(steps <= 0):
        i = int(np.argmax(steps <= 0)) + 1
        raise InvalidParameterError(
            f"trajectory time_s must increase strictly; row {i + 1} has time {t[i]!r} after {t[i - 1]!r}"
        )
    if (distance_m is None) == (xyz_m is None):
        raise InvalidParameterError("give either distance_m or xyz_m")
    if xyz_m is not None:
        p = np.asarray(xyz_m, dtype=float)
        if p.shape != (t.size, 3) or not np.all(np.isfinite(p)):
            raise InvalidParameterError(f"xyz_m must be a finite ({t.size}, 3) array, got shape {p.shape}")
        times, dists = [t[:1]], [np.linalg.norm(p[:1], axis=1)]
        for i in range(t.size - 1):
            n = int(min(1000, max(1, math.ceil((t[i + 1] - t[i]) / 0.005))))
            a = np.arange(1, n + 1) / n
            seg = p[i] + a[:, None] * (p[i + 1] - p[i])
            times.append(t[i] + a * (t[i + 1] - t[i]))
            dists.append(np.linalg.norm(seg, axis=1))
            # closest approach inside the segment
            dp = p[i + 1] - p[i]
            s = float(np.clip(-(p[i] @ dp) / (dp @ dp), 0.0, 1.0)) if dp @ dp > 0 else 0.0
            if np.linalg.norm(p[i] + s * dp) < MIN_DISTANCE_M:
                raise InvalidParameterError(
                    f"trajectory passes through the listener (origin) between rows {i + 1} and {i + 2}"
                )
        t, d = np.concatenate(times), np.concatenate(dists)
    else:
        d = np.asarray(distance_m, dtype=float).ravel()
        if d.shape != t.shape:
            raise InvalidParameterError(f"distance_m has {d.size} values for {t.size} times")
    if not np.all(np.isfinite(d)) or np.any(d < MIN_DISTANCE_M):
        bad = d[~np.isfinite(d) | (d < MIN_DISTANCE_M)][0]
        raise InvalidParameterError(f"trajectory distance_m must be finite and > 0, got {bad!r}")
    if np.any(d > MAX_DISTANCE_M):
        raise InvalidParameterError(
            f"trajectory distance_m={float(d.max())!r} is beyond the {MAX_DISTANCE_M:g} m that can be rendered"
        )
    return Trajectory(t, d)


def read_trajectory_csv(path: str | Path) -> Trajectory:
    """Read ``time_s,distance_m`` or ``time_s,x_m,y_m,z_m`` rows (header and ``#`` comments optional).

    Raises
    ------
    FileFormatError
        Missing file, unparsable numbers, wrong column count.
    InvalidParameterError
        Non-increasing time, non-positive distance, a path through the listener.
    """
    from marsound._files import regular_file

    p = regular_file(path, "trajectory")  # a FIFO would block the read forever
    if p.stat().st_size > 64 * MAX_TRAJECTORY_ROWS:
        size = p.stat().st_size
        raise FileFormatError(f"trajectory {p} is {size:,} bytes, too large: at most {MAX_TRAJECTORY_ROWS:,} rows")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FileFormatError(f"cannot read trajectory {p}: {exc}") from None
    if text.count("\n") > MAX_TRAJECTORY_ROWS + 100:
        raise FileFormatError(f"trajectory {p} has more than {MAX_TRAJECTORY_ROWS:,} rows")
    rows = [
        r for r in csv.reader(line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))
    ]
    if rows and not _is_number(rows[0][0]):
        header = [h.strip().lower() for h in rows[0]]
        rows = rows[1:]
    else:
        header = None
    if not rows:
        raise FileFormatError(f"trajectory {p} has no data rows")
    ncol = len(rows[0])
    if ncol not in (2, 4):
        raise FileFormatError(f"trajectory {p} needs 2 columns (time, distance) or 4 (time, x, y, z); found {ncol}")
    try:
        data = np.array([[float(v) for v in r] for r in rows], dtype=float)
    except ValueError:
        bad = next(i for i, r in enumerate(rows) if len(r) != ncol or not all(_is_number(v) for v in r))
        raise FileFormatError(f"trajectory {p}: row {bad + 1} is not {ncol} numbers: {rows[bad]!r}") from None
    if header is not None and ncol == 4 and [h.split("_")[0] for h in header[1:]] != ["x", "y", "z"]:
        raise FileFormatError(f"trajectory {p}: 4-column header must be time, x, y, z; got {header!r}")
    try:
        if ncol == 2:
            return trajectory_from_points(data[:, 0], data[:, 1])
        return trajectory_from_points(data[:, 0], xyz_m=data[:, 1:])
    except InvalidParameterError as exc:
        raise InvalidParameterError(f"trajectory {p}: {exc}") from None


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def distance_grid(
    kappa: NDArray[np.complex128],
    level: NDArray[np.float64],
    length_min_m: float,
    length_max_m: float,
    *,
    tolerance: float = GRID_TOLERANCE,
) -> NDArray[np.float64]:
    """Path lengths ``L_i`` at which filters are designed, so that crossfading neighbours is accurate.

    Between two designs ``L_i < L < L_i+1`` the filter is the linear crossfade of the two in ``L``.
    At frequency ``f`` the exact response ``exp(-i kappa L)`` and the crossfade differ, relative to
    the response at ``L_i``, by at most ``(|kappa| dL)^2 / 8`` (at mid-cell, for small ``|kappa| dL``).
    With ``a(f) = level(f) exp(-alpha(f) L_i)`` (``alpha = -Im kappa``) relative to the strongest
    frequency, each step ``dL = sqrt(8 tolerance / max_f(a |kappa|^2))`` keeps that error below
    ``tolerance`` of the filter's peak at every frequency. Steps are short where high frequencies
    are still loud (near the source) and grow as they are absorbed.

    Parameters
    ----------
    kappa : ndarray of complex
        Residual wavenumber ``k(f) - 2 pi f / c_ref`` [rad/m, Np/m] on a frequency grid.
    level : ndarray of float
        Broadband weighting on the same grid (the band-edge roll-off), 0-1.
    length_min_m, length_max_m : float
        Range of ``L = d - r0`` [m] to cover.
    tolerance : float
        Largest crossfade error relative to the filter's peak gain.
    """
    mag = np.abs(kappa)
    alpha = -kappa.imag
    with np.errstate(divide="ignore"):
        log_level = np.log(np.asarray(level, dtype=float))  # -inf where the band edge is 0
    step0 = math.sqrt(8.0 * tolerance)
    grid = [float(length_min_m)]
    while grid[-1] < length_max_m:
        log_a = log_level - alpha * grid[-1]  # in logs: no overflow for L < 0 (listener nearer than r0)
        a = np.exp(log_a - log_a.max())  # level relative to the strongest frequency
        weighted = math.sqrt(float((mag * mag * a).max()))  # error ~ a |kappa|^2 dL^2 / 8
        step = step0 / weighted if weighted > 0 else math.inf
        grid.append(min(grid[-1] + step, float(length_max_m)))
    return np.asarray(grid)


class MovingSourceFilter:
    """Streaming renderer of a moving source (see the module docstring): ``process`` / ``flush``.

    Parameters
    ----------
    trajectory : Trajectory
        Distance history (emission time).
    sample_rate_hz : float
        8-192 kHz.
    channels : int
        Channels of the input (all rendered along the same trajectory).
    atmosphere, source_distance_m, source_atmosphere, source_model, model
        As in :func:`marsound.rendering.render`.
    extra_gain : float
        Broadband factor (for normalisation).
    grid_tolerance : float
        Accuracy of the crossfade between filters designed on a grid of distances
        (:func:`distance_grid`), relative to the filter's peak gain.
    """

    def __init__(
        self,
        trajectory: Trajectory,
        sample_rate_hz: float,
        channels: int,
        atmosphere: Atmosphere,
        *,
        source_distance_m: float = 1.0,
        source_atmosphere: Atmosphere | None = None,
        source_model: str = DEFAULT_SOURCE_MODEL,
        model: str = DEFAULT_MODEL,
        extra_gain: float = 1.0,
        grid_tolerance: float = GRID_TOLERANCE,
    ):
        self.fs = fs = check_sample_rate(sample_rate_hz)
        self.channels = int(channels)
        self.r0 = r0 = positive_finite(source_distance_m, "source_distance_m")
        tol = positive_finite(grid_tolerance, "grid_tolerance")
        self.trajectory = trajectory
        self.atmosphere = atmosphere
        src = preset(DEFAULT_SOURCE_PRESET) if source_atmosphere is None else source_atmosphere
        self.source_gain_db = source_gain_db(source_model, src, atmosphere)
        self._g = 10.0 ** (self.source_gain_db / 20.0) * float(extra_gain)
        m = get_model(model)
        c0, self.c_ref = m.sound_speed_limits(atmosphere)
        vmax = trajectory.max_radial_speed_m_s()
        if vmax >= 0.95 * c0:
            raise InvalidParameterError(
                f"trajectory radial speed reaches {vmax:.4g} m/s; it must stay below 95 % of the speed of sound "
                f"({c0:.4g} m/s): supersonic sources are not supported"
            )
        # filter span and lead from static designs at the extreme lengths
        lengths = [float(trajectory.distance_m.min()) - r0, float(trajectory.distance_m.max()) - r0]
        spans = []
        for length in lengths:
            d = r0 + length
            flt = design_propagation_filter(
                fs,
                d if d > 0 else r0,
                atmosphere,
                source_distance_m=r0,
                model=m.name,
                source_model="none",
                source_atmosphere=atmosphere,
            )
            front = flt.lead_samples
            spans.append((front, flt.num_taps - front))
        pre = max(s[0] for s in spans)
        post = max(s[1] for s in spans)
        self.lead = math.ceil(pre) + 1
        self.taps = self.lead + math.ceil(post) + 1
        # stage 1 works on chunks of `block` samples, overlap-save with FFTs of `nfft`: 4x the filter
        # (longer chunks visit more grid cells: more transforms), 2x for very long filters (memory)
        want = min(4 * self.taps, max(2 * self.taps, LONG_FFT_LENGTH))
        self.nfft = int(2 ** math.ceil(math.log2(max(want, MIN_FFT_LENGTH))))
        self.block = self.nfft - self.taps + 1
        self._design_n = int(2 ** math.ceil(math.log2(max(2 * self.taps, 1024))))
        f = np.fft.rfftfreq(self._design_n, 1.0 / fs)
        k = np.zeros(f.size, dtype=complex)
        k[1:] = _wavenumber(f[1:], atmosphere, m.name)
        self._kappa = k - 2.0 * np.pi * f / self.c_ref
        edge = _band_edge(f, fs)
        self._shift = np.exp(-2j * np.pi * f * self.lead / fs) * edge
        self.grid_m = distance_grid(self._kappa, edge, lengths[0], lengths[1], tolerance=tol)
        self._grid_index = np.arange(self.grid_m.size, dtype=float)
        self._spectra: OrderedDict[int, NDArray[np.complex64]] = OrderedDict()
        self._spectra_kept = max(2, SPECTRA_CACHE_BYTES // (8 * (self.nfft // 2 + 1)))
        self._spec_buf = np.empty((self.channels, self.nfft // 2 + 1), np.complex64)
        self._prod_buf = np.empty_like(self._spec_buf)
        self._y_buf = np.empty((self.channels, self.nfft), F32)
        # breakpoints of listener time t(tau) for the inverse map (ends extended with slope 1)
        tt, dd = trajectory.time_s, trajectory.distance_m
        tau = np.concatenate([[tt[0] - _FAR_S], tt, [tt[-1] + _FAR_S]])
        dist = np.concatenate([[dd[0]], dd, [dd[-1]]])
        self._tau_nodes = tau
        self._t_nodes = tau + (dist - r0) / self.c_ref
        # state
        self._xbuf = np.zeros((self.channels, self.taps - 1), F32)  # history + pending input
        self._zbuf = np.zeros((self.channels, 0), F32)
        self._zstart = 0  # absolute z index of _zbuf[:, 0]
        self._zdone = 0  # z samples produced (absolute)
        self._zfinal: int | None = None
        self._out_next = 0
        self._frames_in = 0
        self._flushed = False

    # ----------------------------------------------------------------- stage 1: filters
    def _spectrum(self, i: int) -> NDArray[np.complex64]:
        """Transfer function (FFT of the truncated FIR, no gains) of grid length ``grid_m[i]``."""
        spec = self._spectra.get(i)
        if spec is None:
            h = np.fft.irfft(np.exp(-1j * self._kappa * self.grid_m[i]) * self._shift, self._design_n)
            padded = np.zeros(self.nfft, F32)
            padded[: self.taps] = h[: self.taps]
            spec = _fft.rfft(padded)
            if len(self._spectra) >= self._spectra_kept:
                self._spectra.popitem(last=False)
            self._spectra[i] = spec
        else:
            self._spectra.move_to_end(i)
        return spec

    def _filter_chunk(self, seg: NDArray[np.float32]) -> NDArray[np.float32]:
        """``block`` samples of z from ``taps - 1 + block`` input samples (history first)."""
        b, m1, grid = self.block, self.taps - 1, self.grid_m
        tau = (self._zdone + np.arange(b) - self.lead) / self.fs
        dist = self.trajectory.distance_at(tau)
        spec = _fft.rfft(seg, out=self._spec_buf)
        prod, y = self._prod_buf, self._y_buf
        if grid.size == 1:
            np.multiply(spec, self._spectrum(0), out=prod)
            z = _fft.irfft(prod, self.nfft, out=y)[:, m1:].copy()
        else:
            # fractional grid index of every sample: the crossfade weight of grid point i is the hat
            # max(0, 1 - |pos - i|) (linear in L between neighbours)
            pos64 = np.interp(dist - self.r0, grid, self._grid_index)
            first = int(pos64.min())
            pos = (pos64 - first).astype(F32)  # small numbers: full float32 resolution
            z = np.zeros((self.channels, b), F32)
            for i in range(first, min(int(pos64.max()) + 1, grid.size - 1) + 1):
                a = np.abs(pos - F32(i - first))
                np.subtract(F32(1.0), a, out=a)
                np.maximum(a, F32(0.0), out=a)
                np.multiply(spec, self._spectrum(i), out=prod)
                _fft.irfft(prod, self.nfft, out=y)
                z += a * y[:, m1:]
        z *= (self._g * self.r0 / dist).astype(F32)  # spreading, exact at every sample
        return z

    def _filter_blocks(self, final: bool) -> None:
        b, m1 = self.block, self.taps - 1
        parts = []
        while self._xbuf.shape[1] - m1 >= b or (final and self._xbuf.shape[1] > m1):
            seg = self._xbuf[:, : m1 + b]
            if seg.shape[1] < m1 + b:
                seg = np.concatenate([seg, np.zeros((self.channels, m1 + b - seg.shape[1]), F32)], axis=1)
            parts.append(self._filter_chunk(seg))
            self._zdone += b
            self._xbuf = self._xbuf[:, b:]
        if parts:
            self._zbuf = np.concatenate([self._zbuf, *parts], axis=1)

    # ----------------------------------------------------------------- stage 2: delay
    def _positions(self, m: NDArray[np.int64]) -> NDArray[np.float64]:
        tau = np.interp(m / self.fs, self._t_nodes, self._tau_nodes)
        return tau * self.fs + self.lead

    def _output_end(self) -> int:
        """Number of output frames once the input length is known."""
        assert self._zfinal is not None
        tau_last = (self._zfinal - 1 - self.lead) / self.fs
        t_last = float(np.interp(tau_last, self._tau_nodes, self._t_nodes))
        return max(0, math.floor(t_last * self.fs) + 1)

    def _z_range(self, first: int, stop: int) -> NDArray[np.float32]:
        """z samples ``first .. stop - 1`` (absolute), zeros before the start and after the end."""
        assert first >= self._zstart or self._zstart == 0, "z dropped too early"
        lo, hi = first - self._zstart, stop - self._zstart
        have = self._zbuf.shape[1]
        if lo >= 0 and hi <= have:
            return self._zbuf[:, lo:hi]
        out = np.zeros((self.channels, stop - first), F32)
        a, b = max(lo, 0), min(hi, have)
        if b > a:
            out[:, a - lo : b - lo] = self._zbuf[:, a:b]
        return out

    def _read_out(self, final: bool) -> NDArray[np.float32]:
        avail = self._zdone if self._zfinal is None else self._zfinal
        if final:
            end = self._output_end()
        else:
            # outputs whose interpolation window is inside the produced z
            hi = avail - HALF - 1
            t_hi = float(np.interp((hi - self.lead) / self.fs, self._tau_nodes, self._t_nodes))
            end = max(self._out_next, math.floor(t_hi * self.fs))
        outs = []
        # fixed grid of output chunks: the same arithmetic whatever the input blocks
        while self._out_next < end:
            stop = (self._out_next // OUTPUT_CHUNK + 1) * OUTPUT_CHUNK
            if stop > end:
                if not final:
                    break
                stop = end
            p = self._positions(np.arange(self._out_next, stop, dtype=np.int64))
            first = math.floor(p[0]) + FIRST_TAP
            last = math.floor(p[-1]) + HALF
            outs.append(read_at(self._z_range(first, last + 1), first, p))
            self._out_next = stop
            # drop z no longer needed
            keep_from = math.floor(self._positions(np.array([stop]))[0]) + FIRST_TAP - 1 - self._zstart
            keep_from = min(keep_from, self._zbuf.shape[1])
            if keep_from > 0:
                self._zbuf = self._zbuf[:, keep_from:]
                self._zstart += keep_from
        if not outs:
            return np.zeros((0, self.channels), F32)
        return outs[0] if len(outs) == 1 else np.concatenate(outs, axis=0)

    # ----------------------------------------------------------------- streaming API
    def process(self, chunk: ArrayLike) -> NDArray[np.float32]:
        """Feed input frames ``(frames, channels)``; returns the output frames now complete."""
        if self._flushed:
            raise InvalidParameterError("process() called after flush()")
        a = np.asarray(chunk, dtype=F32)
        a = a[:, None] if a.ndim == 1 else a
        if a.ndim != 2 or a.shape[1] != self.channels:
            raise InvalidParameterError(f"chunk shape {a.shape} does not match {self.channels} channel(s)")
        self._frames_in += a.shape[0]
        self._xbuf = np.concatenate([self._xbuf, a.T], axis=1)
        self._filter_blocks(final=False)
        return self._read_out(final=False)

    def flush(self) -> NDArray[np.float32]:
        """End of input: returns the rest of the output (including the filter tail)."""
        if self._flushed:
            return np.zeros((0, self.channels), F32)
        self._flushed = True
        self._xbuf = np.concatenate([self._xbuf, np.zeros((self.channels, self.taps - 1), F32)], axis=1)
        self._filter_blocks(final=True)
        self._zfinal = self._frames_in + self.taps - 1
        if self._zbuf.shape[1] + self._zstart > self._zfinal:
            self._zbuf = self._zbuf[:, : max(0, self._zfinal - self._zstart)]
        return self._read_out(final=True)


def render_moving(
    x: ArrayLike,
    sample_rate_hz: float,
    trajectory: Trajectory,
    atmosphere: Atmosphere,
    **kwargs: object,
) -> NDArray[np.float32]:
    """Whole-array rendering of a moving source (same as streaming ``MovingSourceFilter``).

    ``x`` is ``(frames,)`` or ``(frames, channels)``; keyword arguments as in :class:`MovingSourceFilter`.
    """
    a = audio_samples(x, "x")
    a2 = a[:, None] if a.ndim == 1 else a
    eng = MovingSourceFilter(trajectory, sample_rate_hz, a2.shape[1], atmosphere, **kwargs)  # type: ignore[arg-type]
    y = np.concatenate([eng.process(a2), eng.flush()], axis=0)
    return y[:, 0] if a.ndim == 1 else y
