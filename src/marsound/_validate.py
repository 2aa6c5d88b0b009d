"""Central validators: every check names the parameter and repeats the bad value."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from marsound.errors import InvalidParameterError, UnknownNameError


def positive_finite(value: float, name: str) -> float:
    """Return ``value`` as float if it is finite and > 0, else raise.

    Raises
    ------
    InvalidParameterError
        If the value is not a real number, is NaN/inf, or is <= 0.
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"{name}={value!r} is not a number") from None
    if not math.isfinite(v):
        raise InvalidParameterError(f"{name}={value!r} must be finite")
    if v <= 0.0:
        raise InvalidParameterError(f"{name}={value!r} must be > 0")
    return v


def non_negative_finite(value: float, name: str) -> float:
    """Return ``value`` as float if it is finite and >= 0, else raise."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"{name}={value!r} is not a number") from None
    if not math.isfinite(v) or v < 0.0:
        raise InvalidParameterError(f"{name}={value!r} must be finite and >= 0")
    return v


def frequencies(frequency_hz: ArrayLike, name: str = "frequency_hz") -> NDArray[np.float64]:
    """Validate frequencies: a float64 array, all finite and > 0 (any shape)."""
    try:
        f = np.asarray(frequency_hz, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"{name} must be numeric, got {frequency_hz!r}") from None
    if f.size == 0:
        raise InvalidParameterError(f"{name} is empty")
    # fast path: min > 0 and a finite sum imply every value is finite and positive
    if f.min() > 0.0 and np.isfinite(f.sum()):
        return f
    bad = ~np.isfinite(f) | (f <= 0.0)
    if bad.any():
        first = float(f[bad].flat[0])
        raise InvalidParameterError(f"{name} must be finite and > 0; {int(bad.sum())} value(s) are not, e.g. {first!r}")
    return f


def choose(name: str, value: str, known: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``known`` (case-insensitive match), else raise."""
    known = list(known)
    lookup = {k.lower(): k for k in known}
    key = str(value).lower()
    if key not in lookup:
        raise UnknownNameError(f"unknown {name} {value!r}; known: {', '.join(sorted(known))}")
    return lookup[key]


def first_nonfinite_frame(samples: NDArray[np.floating]) -> int | None:
    """Index of the first frame (row) holding a NaN or infinite sample, or None if all are finite."""
    finite = np.isfinite(samples)
    if finite.all():
        return None
    if finite.ndim == 1:
        return int(np.argmin(finite))
    return int(np.argmin(finite.reshape(finite.shape[0], -1).all(axis=1)))


def audio_samples(
    samples: ArrayLike,
    name: str = "samples",
    *,
    allow_nonfinite: bool = False,
    copy: bool = False,
    min_frames: int = 1,
) -> NDArray[np.float32]:
    """The one sample validator: numeric, 1-D ``(frames,)`` or 2-D ``(frames, channels)``, non-empty, finite.

    Returns a C-contiguous float32 array of the same shape (no copy when it already is one,
    unless ``copy``). ``allow_nonfinite`` accepts NaN/inf (e.g. the gaps between the shot windows
    of a SuperCam LIBS product).

    Raises
    ------
    InvalidParameterError
        Not numeric, wrong dimensions, no frames or no channel, or a non-finite sample (the
        message gives the first bad frame).

    Examples
    --------
    >>> audio_samples([0.0, float("nan")])
    Traceback (most recent call last):
    ...
    marsound.errors.InvalidParameterError: samples contain 1 non-finite value(s) (NaN or infinite), the first at frame 1
    """
    try:
        arr = np.asarray(samples)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"{name} must be numeric, got {type(samples).__name__}") from None
    if arr.dtype.kind not in "fiub":
        raise InvalidParameterError(f"{name} must be numeric, got dtype {arr.dtype}")
    if arr.ndim not in (1, 2):
        raise InvalidParameterError(f"{name} must be 1-D or 2-D (frames, channels), got shape {arr.shape}")
    if arr.shape[0] < min_frames:
        raise InvalidParameterError(f"{name} have no frames (shape {arr.shape})")
    if arr.ndim == 2 and arr.shape[1] == 0:
        raise InvalidParameterError(f"{name} have no channel (shape {arr.shape})")
    out = np.array(arr, dtype=np.float32, order="C", copy=True) if copy else np.ascontiguousarray(arr, np.float32)
    if not allow_nonfinite:
        bad = first_nonfinite_frame(out)
        if bad is not None:
            n = int((~np.isfinite(out)).sum())
            raise InvalidParameterError(
                f"{name} contain {n} non-finite value(s) (NaN or infinite), the first at frame {bad}"
            )
    return out
