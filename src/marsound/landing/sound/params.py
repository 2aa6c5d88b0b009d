"""Uncertain model parameters: a default, a documented plausible range and a unit for each.

Every source module declares its parameters as a mapping name -> :class:`Parameter`; the
renderer resolves keyword options against them (unknown names and values outside the range
are refused with a message naming the parameter and its range).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from marsound.errors import InvalidParameterError, UnknownNameError


@dataclass(frozen=True)
class Parameter:
    """One uncertain model parameter.

    Parameters
    ----------
    default
        Value used when the caller gives none.
    low, high
        Range accepted (the plausible range from the cited sources, or the model's validity).
    unit
        SI unit (``""`` for a ratio).
    doc
        What it is and where the default comes from.
    """

    default: float
    low: float
    high: float
    unit: str
    doc: str

    def check(self, name: str, value: object) -> float:
        """``value`` as a float inside [low, high], else :class:`InvalidParameterError`."""
        try:
            v = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise InvalidParameterError(f"{name}={value!r} is not a number") from None
        if not math.isfinite(v) or not self.low <= v <= self.high:
            unit = f" {self.unit}" if self.unit else ""
            raise InvalidParameterError(f"{name}={value!r} outside its range {self.low:g}..{self.high:g}{unit}")
        return v

    def describe(self, value: float) -> dict[str, object]:
        """JSON-ready description: value, default, range, unit, doc."""
        return {
            "value": value,
            "default": self.default,
            "range": [self.low, self.high],
            "unit": self.unit,
            "doc": self.doc,
        }


def resolve(parameters: Mapping[str, Parameter], given: Mapping[str, object]) -> dict[str, float]:
    """Values of every parameter: ``given`` where present (checked), the default elsewhere.

    Raises
    ------
    UnknownNameError
        If ``given`` names a parameter not in ``parameters`` (the message lists them).
    InvalidParameterError
        If a value is not a finite number inside its range.
    """
    unknown = sorted(set(given) - set(parameters))
    if unknown:
        raise UnknownNameError(f"unknown sound option(s) {', '.join(unknown)}; known: {', '.join(sorted(parameters))}")
    return {name: (p.check(name, given[name]) if name in given else p.default) for name, p in parameters.items()}
