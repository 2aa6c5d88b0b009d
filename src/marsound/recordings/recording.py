"""The :class:`Recording` type and the streaming-source protocol shared by all readers and analyses.

A recording keeps its metadata consistent on every assignment (the idea of ObsPy's ``Stats``;
Beyreuther et al. 2010, *Seismol. Res. Lett.* 81(3), 530-533): the samples are always a 2-D float32
array ``(frames, channels)``, the channel layout always has one name per channel, the sample
rate is always finite and > 0, and shot windows (one per laser shot in SuperCam LIBS recordings;
Maurice et al. 2021, *Space Sci. Rev.* 217, 47) always lie inside the samples. ``duration_s`` and the time axis
are derived, never stored.

Analyses accept anything that follows the small :class:`SignalSource` protocol:
``sample_rate_hz``, ``n_frames``, ``segments()`` and ``iter_mono(start, stop, block_frames)``.
:class:`Recording` (in memory) and :class:`marsound.recordings.sources.AudioFileSource`
(a file read block by block) both implement it. This module imports nothing else from
:mod:`marsound.recordings`: it is the base of the package. Opening files lives in
:mod:`marsound.recordings.sources`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from marsound import _validate
from marsound.audio.info import DEFAULT_BLOCK_FRAMES
from marsound.errors import InvalidParameterError


@runtime_checkable
class SignalSource(Protocol):
    """What the analyses need from a recording: a rate, a length, segments and mono blocks."""

    @property
    def sample_rate_hz(self) -> float: ...

    @property
    def n_frames(self) -> int: ...

    def segments(self) -> list[tuple[int, int]]:
        """Contiguous ``[start, stop)`` frame ranges; analyses never frame across their boundaries."""
        ...

    def iter_mono(
        self, start: int = 0, stop: int | None = None, block_frames: int = DEFAULT_BLOCK_FRAMES
    ) -> Iterator[NDArray[np.float32]]:
        """Consecutive float32 mono blocks covering ``[start, stop)``."""
        ...


def _as_samples(samples: ArrayLike) -> NDArray[np.float32]:
    arr = _validate.audio_samples(samples, min_frames=0)
    return arr[:, None] if arr.ndim == 1 else arr


def default_channels(n: int) -> tuple[str, ...]:
    """Names of an ``n``-channel layout: ``("mono",)``, ``("left", "right")`` or ``("ch0", ...)``."""
    if n == 1:
        return ("mono",)
    if n == 2:
        return ("left", "right")
    return tuple(f"ch{i}" for i in range(n))


class Recording:
    """Audio samples with their sample rate, channel layout, physical unit and metadata.

    Parameters
    ----------
    samples : array_like
        ``(frames,)`` or ``(frames, channels)``; stored as C-contiguous float32, all finite.
    sample_rate_hz : float
        Sampling rate [Hz], finite and > 0.
    channels : sequence of str, optional
        One name per channel (default ``("mono",)``, ``("left", "right")`` or ``ch0...``).
    unit : str
        Physical unit of the samples (``"Pa"``, ``"count"`` for gain-normalised ADC counts,
        ``"FS"`` for full-scale digital audio).
    metadata : mapping, optional
        Free-form product metadata (sol, LMST, UTC start, sequence id, header keywords...).
    source_path : str or Path, optional
        The file the samples came from.
    windows : array_like, optional
        ``(k, 2)`` integer ``[start, stop)`` frame ranges of separately triggered windows (one
        per laser shot in SuperCam LIBS products). ``None`` means one continuous record.

    Examples
    --------
    >>> import numpy as np
    >>> rec = Recording(np.zeros(25000), 25000.0, unit="Pa")
    >>> rec.duration_s, rec.n_channels, rec.channels
    (1.0, 1, ('mono',))
    """

    __slots__ = ("_channels", "_sample_rate_hz", "_samples", "_windows", "metadata", "source_path", "unit")

    def __init__(
        self,
        samples: ArrayLike,
        sample_rate_hz: float,
        *,
        channels: tuple[str, ...] | list[str] | None = None,
        unit: str = "FS",
        metadata: Mapping[str, Any] | None = None,
        source_path: str | Path | None = None,
        windows: ArrayLike | None = None,
    ) -> None:
        self._samples = _as_samples(samples)
        self._sample_rate_hz = _validate.positive_finite(sample_rate_hz, "sample_rate_hz")
        self._channels: tuple[str, ...] = ()
        self.channels = tuple(channels) if channels is not None else default_channels(self._samples.shape[1])
        self._windows: NDArray[np.int64] | None = None
        self.windows = windows
        self.unit = str(unit)
        self.metadata: dict[str, Any] = dict(metadata or {})
        self.source_path = Path(source_path) if source_path is not None else None

    # -- consistent attributes -------------------------------------------------------------
    @property
    def samples(self) -> NDArray[np.float32]:
        """``(frames, channels)`` float32 samples."""
        return self._samples

    @samples.setter
    def samples(self, value: ArrayLike) -> None:
        new = _as_samples(value)
        if new.shape[1] != len(self._channels):
            raise InvalidParameterError(
                f"samples have {new.shape[1]} channel(s) but the layout {self._channels} has {len(self._channels)}; "
                "use with_samples(..., channels=...) to change the layout"
            )
        if self._windows is not None and self._windows.size and int(self._windows[:, 1].max()) > new.shape[0]:
            raise InvalidParameterError(
                f"samples have {new.shape[0]} frames but shot windows end at frame {int(self._windows[:, 1].max())}"
            )
        self._samples = new

    @property
    def sample_rate_hz(self) -> float:
        """Sampling rate [Hz]."""
        return self._sample_rate_hz

    @sample_rate_hz.setter
    def sample_rate_hz(self, value: float) -> None:
        self._sample_rate_hz = _validate.positive_finite(value, "sample_rate_hz")

    @property
    def channels(self) -> tuple[str, ...]:
        """Channel names, one per column of :attr:`samples`."""
        return self._channels

    @channels.setter
    def channels(self, value: tuple[str, ...]) -> None:
        names = tuple(str(v) for v in value)
        if len(names) != self._samples.shape[1]:
            raise InvalidParameterError(
                f"channels={names!r} names {len(names)} channel(s) but samples have {self._samples.shape[1]}"
            )
        if len(set(names)) != len(names):
            raise InvalidParameterError(f"channels={names!r} has duplicate names")
        self._channels = names

    @property
    def windows(self) -> NDArray[np.int64] | None:
        """``(k, 2)`` shot windows ``[start, stop)`` in frames, or ``None`` for a continuous record."""
        return None if self._windows is None else self._windows.copy()

    @windows.setter
    def windows(self, value: ArrayLike | None) -> None:
        if value is None:
            self._windows = None
            return
        w = np.asarray(value)
        if w.ndim != 2 or w.shape[1] != 2 or w.dtype.kind not in "iu":
            raise InvalidParameterError(f"windows must be an integer (k, 2) array of [start, stop) frames, got {w!r}")
        w = w.astype(np.int64)
        n = self._samples.shape[0]
        if (w[:, 0] < 0).any() or (w[:, 1] > n).any() or (w[:, 1] <= w[:, 0]).any():
            raise InvalidParameterError(f"windows must satisfy 0 <= start < stop <= {n} frames, got {w.tolist()}")
        if len(w) > 1 and (w[1:, 0] < w[:-1, 1]).any():
            raise InvalidParameterError("windows must be sorted and must not overlap")
        self._windows = w

    # -- derived -----------------------------------------------------------------------------
    @property
    def n_frames(self) -> int:
        """Number of sample frames."""
        return int(self._samples.shape[0])

    @property
    def n_channels(self) -> int:
        """Number of channels."""
        return int(self._samples.shape[1])

    @property
    def duration_s(self) -> float:
        """Duration [s] = frames / sample rate."""
        return self.n_frames / self._sample_rate_hz

    @property
    def n_windows(self) -> int:
        """Number of shot windows (1 for a continuous record)."""
        return 1 if self._windows is None else len(self._windows)

    def times_s(self) -> NDArray[np.float64]:
        """Time of every frame [s] from the first sample."""
        return np.arange(self.n_frames) / self._sample_rate_hz

    def mono(self) -> NDArray[np.float32]:
        """The channel mean as a 1-D float32 array (a view for mono recordings)."""
        if self.n_channels == 1:
            return self._samples[:, 0]
        return self._samples.mean(axis=1, dtype=np.float32)

    def segments(self) -> list[tuple[int, int]]:
        """Contiguous frame ranges: the shot windows, or the whole record."""
        if self._windows is None:
            return [(0, self.n_frames)]
        return [(int(a), int(b)) for a, b in self._windows]

    def iter_mono(
        self, start: int = 0, stop: int | None = None, block_frames: int = DEFAULT_BLOCK_FRAMES
    ) -> Iterator[NDArray[np.float32]]:
        """Consecutive float32 mono blocks of ``[start, stop)`` (views when mono)."""
        stop = self.n_frames if stop is None else min(int(stop), self.n_frames)
        block_frames = max(1, int(block_frames))
        mono = self.mono()
        for a in range(max(0, int(start)), stop, block_frames):
            yield mono[a : min(a + block_frames, stop)]

    # -- new recordings ------------------------------------------------------------------------
    def with_samples(self, samples: ArrayLike, *, channels: tuple[str, ...] | None = None) -> Recording:
        """A copy with other samples (same rate, unit, metadata; windows kept if they still fit)."""
        arr = _as_samples(samples)
        w = self._windows
        if w is not None and w.size and int(w[:, 1].max()) > arr.shape[0]:
            w = None
        return Recording(
            arr,
            self._sample_rate_hz,
            channels=channels
            if channels is not None
            else (self._channels if arr.shape[1] == self.n_channels else None),
            unit=self.unit,
            metadata=self.metadata,
            source_path=self.source_path,
            windows=w,
        )

    def window(self, index: int) -> Recording:
        """The samples of shot window ``index`` as a continuous recording."""
        segs = self.segments()
        if not -len(segs) <= index < len(segs):
            raise InvalidParameterError(f"window index={index!r} out of range; the recording has {len(segs)}")
        a, b = segs[index]
        meta = dict(self.metadata, window_index=int(index % len(segs)), window_start_frame=a)
        return Recording(
            self._samples[a:b],
            self._sample_rate_hz,
            channels=self._channels,
            unit=self.unit,
            metadata=meta,
            source_path=self.source_path,
        )

    def slice_time(self, start_s: float = 0.0, stop_s: float | None = None) -> Recording:
        """The samples between ``start_s`` and ``stop_s`` [s] (windows dropped)."""
        start_s = _validate.non_negative_finite(start_s, "start_s")
        a = round(start_s * self._sample_rate_hz)
        b = (
            self.n_frames
            if stop_s is None
            else round(_validate.positive_finite(stop_s, "stop_s") * self.sample_rate_hz)
        )
        if not a < min(b, self.n_frames):
            raise InvalidParameterError(
                f"time slice [{start_s}, {stop_s}] s is empty for a recording of {self.duration_s:.6g} s"
            )
        return Recording(
            self._samples[a:b],
            self._sample_rate_hz,
            channels=self._channels,
            unit=self.unit,
            metadata=self.metadata,
            source_path=self.source_path,
        )

    def __repr__(self) -> str:
        src = f", source_path={str(self.source_path)!r}" if self.source_path else ""
        win = f", windows={self.n_windows}" if self._windows is not None else ""
        return (
            f"Recording({self.n_frames} frames x {self.n_channels} ch {self._channels}, "
            f"{self._sample_rate_hz:g} Hz, {self.duration_s:.6g} s, unit={self.unit!r}{win}{src})"
        )


__all__ = ["DEFAULT_BLOCK_FRAMES", "Recording", "SignalSource", "default_channels"]
