"""Streaming FIR engine: overlap-save FFT convolution with carried state, float32, any channels.

:class:`StreamingFilter` takes input chunks of any size (1 sample, a prime number, ten seconds...)
and returns output as it becomes available (in runs of :data:`VECTOR_BLOCKS` FFT blocks, the
rest at :meth:`~StreamingFilter.flush`). The FFT blocks are aligned to absolute sample
positions, not to the chunks, so the output does not depend on how the input is chunked: it is
bit-for-bit the same for every chunking, and equals the whole-array convolution within float32
rounding. Memory is bounded by the FFT block size (plus the chunk being processed).

Output of a stream of ``n`` input frames: ``n + len(fir) - 1 + integer_delay`` frames
(the full convolution, shifted by the integer delay: leading zeros if it is positive, leading
samples dropped if it is negative).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import Protocol

import numpy as np
from numpy.lib.stride_tricks import as_strided
from numpy.typing import ArrayLike, NDArray

from marsound.errors import InvalidParameterError
from marsound.rendering import _fft

F32 = np.float32
GROUP_BYTES = 1 << 18  # FFT blocks per transform call: about 256 kB of samples
VECTOR_BLOCKS = 4
"""FFT blocks that pocketfft transforms together with SIMD (its ``VLEN`` for float32 in scipy's
x86-64 wheels, SSE2: 4). A call with ``m`` blocks transforms ``m mod 4`` of them one at a time,
2.5x slower per block (measured, 16384 points: 190 vs 76 us per forward+inverse pair), so jobs
and transform calls hold whole multiples of 4 blocks where the stream allows (not at its end)."""

Job = Callable[[], NDArray[np.float32]]
"""The output computation of one chunk (see :meth:`StreamingFilter.prepare`)."""


MIN_FFT_LENGTH = 4096
CACHE_FFT_LENGTH = 16384
"""Longest FFT chosen when a shorter one will do: 64 kB of float32 samples, whose spectrum and
output (the working set of a transform group) stay in a core's L2 cache."""


def choose_fft_length(num_taps: int) -> int:
    """FFT length for overlap-save with ``num_taps``: the power of two with the least work per output sample.

    Overlap-save spends ``n log2 n`` per block of ``n - taps + 1`` outputs; powers of two are
    pocketfft's fastest lengths. Candidates run from 4096 to :data:`CACHE_FFT_LENGTH`, or to the
    smallest power of two of at least ``4 x taps`` for longer filters (beyond the cache, longer
    transforms lose more than their count of operations says). For the 1,661-tap Jezero filter
    at 50 m: 16384 (a hop of 14,724).
    """
    taps = int(num_taps)
    top = max(CACHE_FFT_LENGTH, 1 << (4 * taps - 1).bit_length())
    candidates = [n for n in (1 << k for k in range(12, top.bit_length())) if n >= 2 * taps]
    return min(candidates, key=lambda n: n * math.log2(n) / (n - taps + 1))


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
    buffers : int, optional
        0 (default): every chunk's input copy and output are new arrays. ``k >= 1``: they live in
        ``k`` buffers reused in turn, so a stream makes no allocations after its first ``k``
        chunks (no page faults: in a fresh process, fresh pages cost as much CPU as the FFTs).
        Then the output of chunk ``i`` (and its job) is valid only until :meth:`prepare` is
        called for chunk ``i + k``: the caller must have run that job and consumed its output
        by then (the pipeline of :func:`~marsound.rendering.renderer.render_file` does, with
        :data:`~marsound.rendering.pipeline.BUFFERS`).

    Examples
    --------
    >>> import numpy as np
    >>> flt = StreamingFilter([0.5, 0.5], channels=1)
    >>> np.concatenate([flt.process(np.ones(3, np.float32)), flt.flush()]).ravel().tolist()
    [0.5, 1.0, 1.0, 0.5]
    """

    def __init__(
        self,
        fir: ArrayLike,
        channels: int,
        *,
        integer_delay: int = 0,
        fft_length: int | None = None,
        buffers: int = 0,
    ):
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
        self._gain = F32(h[0])
        per_call = max(1, GROUP_BYTES // (4 * n * self.channels))
        self._group = -(-per_call // VECTOR_BLOCKS) * VECTOR_BLOCKS
        # transform buffers of each thread that runs jobs, reused by every group of every job
        self._scratch: dict[int, tuple[NDArray[np.complex64], NDArray[np.float32]]] = {}
        # input not yet convolved: history (taps - 1) then pending samples (< VECTOR_BLOCKS hops)
        self._carry = np.zeros((self.channels, self.num_taps - 1 + VECTOR_BLOCKS * self.hop), dtype=F32)
        self._have = self.num_taps - 1
        self._to_skip = max(0, -self.integer_delay)
        self._zeros_due = max(0, self.integer_delay)
        self._frames_in = 0
        self._frames_out = 0
        self._flushed = False
        if int(buffers) < 0:
            raise InvalidParameterError(f"buffers={buffers!r} must be >= 0")
        # reused (input segment, output) pairs, taken in turn by prepare(); grown when a chunk needs more
        self._ring: list[tuple[NDArray[np.float32], NDArray[np.float32]]] = []
        self._ring_size = int(buffers)
        self._turn = 0

    @property
    def frames_in(self) -> int:
        """Input frames received so far."""
        return self._frames_in

    @property
    def frames_out(self) -> int:
        """Output frames returned so far (counting the jobs of :meth:`prepare` as returned)."""
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
        return a.T.astype(F32, copy=False)  # a view: prepare() copies what it keeps

    def _buffers(self) -> tuple[NDArray[np.complex64], NDArray[np.float32]]:
        """This thread's transform buffers (made on its first job)."""
        key = threading.get_ident()
        bufs = self._scratch.get(key)
        if bufs is None:
            shape = (self.channels, self._group)
            bufs = (np.empty((*shape, self._spectrum.size), np.complex64), np.empty((*shape, self.fft_length), F32))
            self._scratch[key] = bufs
        return bufs

    def _convolve(self, seg: NDArray[np.float32], nblocks: int, dest: NDArray[np.float32]) -> NDArray[np.float32]:
        """Overlap-save on ``nblocks`` hops of ``seg`` (channels, taps - 1 + nblocks * hop), into ``dest``.

        ``dest``: contiguous, at least ``channels * nblocks * hop`` values; returns its first
        ones as ``(channels, nblocks * hop)``.
        """
        out = dest.ravel()[: self.channels * nblocks * self.hop].reshape(self.channels, nblocks, self.hop)
        if self._is_identity:
            np.multiply(seg[:, : nblocks * self.hop], self._gain, out=out.reshape(self.channels, -1))
            return out.reshape(self.channels, nblocks * self.hop)
        c, s = seg.strides
        frames = as_strided(seg, shape=(self.channels, nblocks, self.fft_length), strides=(c, self.hop * s, s))
        spec_buf, time_buf = self._buffers()
        group = self._group
        for i in range(0, nblocks, group):  # small groups: cache-friendly, transforms into reused buffers
            g = min(group, nblocks - i)
            spec = _fft.rfft(frames[:, i : i + g], out=spec_buf[:, :g])
            spec *= self._spectrum
            y = _fft.irfft(spec, self.fft_length, out=time_buf[:, :g])
            out[:, i : i + g] = y[:, :, self.num_taps - 1 :]
        return out.reshape(self.channels, nblocks * self.hop)

    def _claim(self, frames: int) -> tuple[int, int]:
        """Account for ``frames`` output frames now: (leading frames to drop, leading zeros to add)."""
        skip = min(self._to_skip, frames)
        self._to_skip -= skip
        zeros, self._zeros_due = self._zeros_due, 0
        self._frames_out += frames - skip + zeros
        return skip, zeros

    def _buffers_for(self, span: int, nblocks: int) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        """An input segment ``(channels, span)`` and an output buffer for ``nblocks`` hops: new or reused."""
        out_size = self.channels * nblocks * self.hop
        if self._ring_size == 0:
            return np.empty((self.channels, span), F32), np.empty(out_size, F32)
        i = self._turn
        self._turn = (i + 1) % self._ring_size
        if i < len(self._ring):
            seg, out = self._ring[i]
            if seg.shape[1] >= span and out.size >= out_size:
                return seg[:, :span], out
        pair = (np.empty((self.channels, span), F32), np.empty(out_size, F32))
        if i < len(self._ring):
            self._ring[i] = pair
        else:
            self._ring.append(pair)
        return pair

    def _job(
        self, seg: NDArray[np.float32], nblocks: int, frames: int, dest: NDArray[np.float32] | None = None
    ) -> Job:
        """The computation of ``frames`` output frames from ``seg`` (``nblocks`` FFT blocks), into ``dest``."""
        skip, zeros = self._claim(frames)
        if dest is None:
            dest = np.empty(self.channels * nblocks * self.hop, F32)

        def job() -> NDArray[np.float32]:
            y = self._convolve(seg, nblocks, dest)[:, skip:frames] if nblocks else np.zeros((self.channels, 0), F32)
            if zeros:
                y = np.concatenate([np.zeros((self.channels, zeros), F32), y], axis=1)
            return y.T

        return job

    def prepare(self, chunk: ArrayLike) -> Job:
        """Take a chunk ``(frames, channels)`` now; return the job that computes its output.

        The stream's state advances here, in call order; the job (no arguments, returning the
        output frames this chunk completes, maybe none) holds its own copy of the input it needs.
        Jobs are independent: they may run later, on other threads, concurrently (the pipeline
        of :func:`~marsound.rendering.renderer.render_file` does). ``process(chunk)`` is
        ``prepare(chunk)()``.
        """
        if self._flushed:
            raise InvalidParameterError("process() called after flush()")
        x = self._as_channels_first(chunk)
        k = x.shape[1]
        self._frames_in += k
        have, carry = self._have, self._carry
        ready = (have + k - (self.num_taps - 1)) // self.hop
        ready -= ready % VECTOR_BLOCKS  # whole SIMD groups of blocks; the rest waits for the next chunk
        if ready == 0:  # not VECTOR_BLOCKS whole blocks yet: keep it
            carry[:, have : have + k] = x
            self._have = have + k
            return self._job(carry[:, :0], 0, 0)
        span = self.num_taps - 1 + ready * self.hop  # input frames the ready blocks read
        seg, dest = self._buffers_for(span, ready)
        seg[:, :have] = carry[:, :have]
        seg[:, have:] = x[:, : span - have]
        rest = have + k - ready * self.hop  # history + pending carried to the next chunk
        history = self.num_taps - 1
        carry[:, :history] = seg[:, span - history :]
        carry[:, history:rest] = x[:, span - have :]
        self._have = rest
        return self._job(seg, ready, ready * self.hop, dest)

    def process(self, chunk: ArrayLike) -> NDArray[np.float32]:
        """Filter a chunk ``(frames, channels)``; returns the output frames now complete (maybe none)."""
        return self.prepare(chunk)()

    def prepare_flush(self) -> Job:
        """Finish the stream now; return the job that computes the remaining output (the tail)."""
        if self._flushed:
            return self._job(self._carry[:, :0], 0, 0)
        self._flushed = True
        need = self._have  # pending input frames' outputs plus the tail of taps - 1
        nblocks = -(-need // self.hop) if need > 0 else 0
        seg = np.zeros((self.channels, (self.num_taps - 1) + nblocks * self.hop), F32)
        seg[:, : self._have] = self._carry[:, : self._have]
        self._have = 0
        return self._job(seg, nblocks, need)

    def flush(self) -> NDArray[np.float32]:
        """Finish the stream: returns the remaining output (the filter's tail)."""
        return self.prepare_flush()()


def apply_filter(x: ArrayLike, fir: ArrayLike, *, integer_delay: int = 0) -> NDArray[np.float32]:
    """Whole-array version of :class:`StreamingFilter` (same output; 1-D in, 1-D out)."""
    a = np.asarray(x, dtype=F32)
    one_d = a.ndim == 1
    a2 = a[:, None] if one_d else a
    flt = StreamingFilter(fir, a2.shape[1], integer_delay=integer_delay)
    y = np.concatenate([flt.process(a2), flt.flush()], axis=0)
    return y[:, 0] if one_d else y
