"""Streaming FIR engine: overlap-save FFT convolution with carried state, float32, any channels.

:class:`StreamingFilter` takes input chunks of any size (1 sample, a prime number, ten seconds...)
and returns output as it becomes available. The FFT blocks are aligned to absolute sample
positions, not to the chunks, so the output does not depend on how the input is chunked: it is
bit-for-bit the same for every chunking, and equals the whole-array convolution within float32
rounding. Memory is bounded by the FFT block size (plus the chunk being processed).

Output of a stream of ``n`` input frames: ``n + len(fir) - 1 + integer_delay`` frames
(the full convolution, shifted by the integer delay: leading zeros if it is positive, leading
samples dropped if it is negative).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
from numpy.lib.stride_tricks import as_strided
from numpy.typing import ArrayLike, NDArray

from marsound.errors import InvalidParameterError
from marsound.rendering import _fft

F32 = np.float32
GROUP_BYTES = 1 << 18  # FFT blocks per transform call: about 256 kB of samples


def choose_fft_length(num_taps: int) -> int:
    """FFT length for overlap-save with ``num_taps``: about 8 x taps, at least 4096, FFT-friendly."""
    return _fft.next_fast_len(max(4096, 8 * num_taps))


class BlockProcessor(Protocol):
    """What the streaming loop drives: any chunk size in, output as available, then a tail."""

    def process(self, chunk: NDArray[np.float32]) -> NDArray[np.float32]: ...

    def flush(self) -> NDArray[np.float32]: ...


class StreamingFilter:
    """Overlap-save FIR filter for multichannel float32 streams.

    Parameters
    ----------
    fir : array_like
        Impulse response (any real dtype; applied in float32/complex64).
    channels : int
        Number of channels; chunks are ``(frames, channels)`` arrays (or 1-D for one channel).
    integer_delay : int, optional
        Whole-sample delay applied to the output (negative: leading output samples dropped).
    fft_length : int, optional
        FFT size (default :func:`choose_fft_length`).

    Examples
    --------
    >>> import numpy as np
    >>> flt = StreamingFilter([0.5, 0.5], channels=1)
    >>> np.concatenate([flt.process(np.ones(3, np.float32)), flt.flush()]).ravel().tolist()
    [0.5, 1.0, 1.0, 0.5]
    """

    def __init__(self, fir: ArrayLike, channels: int, *, integer_delay: int = 0, fft_length: int | None = None):
        h = np.asarray(fir, dtype=np.float64).ravel()
        if h.size == 0 or not np.all(np.isfinite(h)):
            raise InvalidParameterError("fir must be non-empty and finite")
        if int(channels) < 1:
            raise InvalidParameterError(f"channels={channels!r} must be >= 1")
        self.channels = int(channels)
        self.num_taps = int(h.size)
        self.integer_delay = int(integer_delay)
        n = choose_fft_length(self.num_taps) if fft_length is None else int(fft_length)
        if n < self.num_taps:
            raise InvalidParameterError(f"fft_length={fft_length!r} is shorter than the filter ({self.num_taps} taps)")
        self.fft_length = n
        self.hop = n - self.num_taps + 1
        self._spectrum = _fft.rfft(np.concatenate([h, np.zeros(n - h.size)])).astype(np.complex64)
        self._is_identity = self.num_taps == 1
        self._group = max(1, GROUP_BYTES // (4 * n * self.channels))
        # transform buffers, reused by every group of every call (allocated on first use)
        self._spec_buf = np.empty((self.channels, 0, n // 2 + 1), np.complex64)
        self._time_buf = np.empty((self.channels, 0, n), F32)
        self._gain = F32(h[0])
        # input not yet convolved: history (taps - 1) followed by pending samples
        self._buf = np.zeros((self.channels, self.num_taps - 1), dtype=F32)
        self._work = np.zeros((self.channels, 0), dtype=F32)
        self._to_skip = max(0, -self.integer_delay)
        self._zeros_due = max(0, self.integer_delay)
        self._frames_in = 0
        self._frames_out = 0
        self._flushed = False

    @property
    def frames_in(self) -> int:
        """Input frames received so far."""
        return self._frames_in

    @property
    def frames_out(self) -> int:
        """Output frames returned so far."""
        return self._frames_out

    def output_length(self, input_frames: int) -> int:
        """Total output frames for ``input_frames`` input frames."""
        return max(0, int(input_frames) + self.num_taps - 1 + self.integer_delay)

    def _as_channels_first(self, x: ArrayLike) -> NDArray[np.float32]:
        a = np.asarray(x)
        if a.ndim == 1:
            a = a[:, None]
        if a.ndim != 2 or a.shape[1] != self.channels:
            raise InvalidParameterError(f"chunk shape {a.shape} does not match {self.channels} channel(s)")
        return np.ascontiguousarray(a.T, dtype=F32)

    def _convolve(self, seg: NDArray[np.float32], nblocks: int) -> NDArray[np.float32]:
        """Overlap-save on ``nblocks`` hops of ``seg`` (channels, taps - 1 + nblocks * hop)."""
        if self._is_identity:
            return seg[:, : nblocks * self.hop] * self._gain
        c, s = seg.strides
        frames = as_strided(seg, shape=(self.channels, nblocks, self.fft_length), strides=(c, self.hop * s, s))
        out = np.empty((self.channels, nblocks, self.hop), F32)
        group = self._group
        if self._spec_buf.shape[1] < min(group, nblocks):
            g = min(group, max(nblocks, 1))
            self._spec_buf = np.empty((self.channels, g, self._spectrum.size), np.complex64)
            self._time_buf = np.empty((self.channels, g, self.fft_length), F32)
        for i in range(0, nblocks, group):  # small groups: cache-friendly, transforms into reused buffers
            g = min(group, nblocks - i)
            spec = _fft.rfft(frames[:, i : i + g], out=self._spec_buf[:, :g])
            spec *= self._spectrum
            y = _fft.irfft(spec, self.fft_length, out=self._time_buf[:, :g])
            out[:, i : i + g] = y[:, :, self.num_taps - 1 :]
        return out.reshape(self.channels, nblocks * self.hop)

    def _emit(self, y: NDArray[np.float32]) -> NDArray[np.float32]:
        """Apply the integer delay (skip or leading zeros) and return (frames, channels)."""
        if self._to_skip:
            k = min(self._to_skip, y.shape[1])
            y = y[:, k:]
            self._to_skip -= k
        if self._zeros_due:
            y = np.concatenate([np.zeros((self.channels, self._zeros_due), F32), y], axis=1)
            self._zeros_due = 0
        self._frames_out += y.shape[1]
        return y.T

    def process(self, chunk: ArrayLike) -> NDArray[np.float32]:
        """Filter a chunk ``(frames, channels)``; returns the output frames now complete (maybe none)."""
        if self._flushed:
            raise InvalidParameterError("process() called after flush()")
        x = self._as_channels_first(chunk)
        k = x.shape[1]
        self._frames_in += k
        have = self._buf.shape[1]
        if have + k > self._work.shape[1]:  # grow the persistent work buffer (no per-call allocation)
            self._work = np.empty((self.channels, have + k), F32)
        work = self._work
        if self._buf.base is not work:  # else the carried samples are already at the front
            work[:, :have] = self._buf
        work[:, have : have + k] = x
        buf = work[:, : have + k]
        ready = (buf.shape[1] - (self.num_taps - 1)) // self.hop
        if ready == 0:
            self._buf = buf
            return self._emit(np.zeros((self.channels, 0), F32))
        y = self._convolve(buf, ready)
        rest = buf.shape[1] - ready * self.hop
        work[:, :rest] = buf[:, ready * self.hop :]  # carry history + pending to the front (memmove)
        self._buf = work[:, :rest]
        return self._emit(y)

    def flush(self) -> NDArray[np.float32]:
        """Finish the stream: returns the remaining output (the filter's tail)."""
        if self._flushed:
            return np.zeros((0, self.channels), F32)
        pending = self._buf.shape[1] - (self.num_taps - 1)  # input frames not yet convolved
        need = pending + self.num_taps - 1  # their outputs plus the tail
        nblocks = -(-need // self.hop) if need > 0 else 0
        parts = []
        if nblocks:
            pad = np.zeros((self.channels, (self.num_taps - 1) + nblocks * self.hop - self._buf.shape[1]), F32)
            parts.append(self._convolve(np.concatenate([self._buf, pad], axis=1), nblocks)[:, :need])
        y = np.concatenate(parts, axis=1) if parts else np.zeros((self.channels, 0), F32)
        out = self._emit(y)
        self._flushed = True
        self._buf = np.zeros((self.channels, 0), F32)
        return out


def apply_filter(x: ArrayLike, fir: ArrayLike, *, integer_delay: int = 0) -> NDArray[np.float32]:
    """Whole-array version of :class:`StreamingFilter` (same output; 1-D in, 1-D out)."""
    a = np.asarray(x, dtype=F32)
    one_d = a.ndim == 1
    a2 = a[:, None] if one_d else a
    flt = StreamingFilter(fir, a2.shape[1], integer_delay=integer_delay)
    y = np.concatenate([flt.process(a2), flt.flush()], axis=0)
    return y[:, 0] if one_d else y
