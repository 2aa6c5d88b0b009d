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
