"""Calibrated confidence of a message read from one image.

The grammar decoder's posteriors (:func:`marsound.chute.decode_bits.decode_soft`) assume
independent gore readings; in photographs the errors are correlated (a line, an occluder's
edge, a misregistered ring), so the model's confidence is not a probability of being right:
on the benchmark's tuning seeds (1-4, 240 frames of every tier) messages the model gave
0.05-0.5 were right 50-75 % of the time, all those above 0.7 were right, and one wrong message
(a white ring-1 gore beside a red one read red) had 0.65. A logistic map of the model's
log-odds (Platt, "Probabilistic outputs for support vector machines", 1999) turns it into the
reported confidence under the constraint that no wrong message of the tuning seeds exceeds 0.5
with margin: model 0.65 maps to 0.31, 0.9 to 0.87, 0.97 to 0.98. The map is monotone: it keeps
the order of readings (which one :func:`marsound.chute.image.read_canopy` prefers) and a ``?``
slot stays a ``?``. The model's own figures stay available as ``model_confidence``.

A ring's confidence is calibrated on its own (Platt's fit to the rings of the tuning seeds,
:data:`RING_CONFIDENCE_GAIN` and :data:`RING_CONFIDENCE_OFFSET`): rings the model gave 0.5-0.7
were right 88 % of the time, 0.2-0.3 about half. No map keeps every wrong ring low (the model gave
one 0.96), so a ring's confidence is the probability it is right, not a guarantee, and never
above its least certain slot's (a ring showing ``?`` stays below 0.5); the message's confidence
is the one held below 0.5 for wrong messages.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from marsound.chute.decode_bits import MIN_RING_CONFIDENCE, Decoded

CONFIDENCE_PIVOT = 0.75
"""Model confidence mapped to 0.5. The most confident wrong message of the tuning seeds had
a model confidence of 0.65, which maps to 0.31 (see :data:`CONFIDENCE_SLOPE`)."""
CONFIDENCE_SLOPE = 1.7
"""Gain on the model's log-odds: above the pivot readings are surer than the model says (every
message of the tuning seeds above 0.7 was right), below it wrong ones are pushed down."""


RING_CONFIDENCE_GAIN = 0.95
"""Platt gain on a ring's model log-odds (maximum likelihood on the 924 rings of the 231 frames
of seeds 1-4 where a canopy was found)."""
RING_CONFIDENCE_OFFSET = 1.65
"""Platt offset of a ring's calibrated log-odds (the same fit)."""


def calibrate_ring(confidence: float) -> float:
    """A ring's calibrated confidence: ``sigmoid(gain logit c + offset)``.

    Examples
    --------
    >>> round(calibrate_ring(0.5), 2), round(calibrate_ring(0.05), 2)
    (0.84, 0.24)
    """
    c = float(np.clip(confidence, 1e-12, 1.0 - 1e-12))
    z = RING_CONFIDENCE_GAIN * np.log(c / (1.0 - c)) + RING_CONFIDENCE_OFFSET
    return float(1.0 / (1.0 + np.exp(-z)))


def _ring_confidence(model: float, slots: list[float]) -> float:
    """Calibrated ring confidence, never above its least certain slot's (a ring showing a ``?``
    stays below 0.5)."""
    return min(calibrate_ring(model), min(slots, default=1.0))


def calibrate(confidence: float, *, pivot: float = CONFIDENCE_PIVOT, slope: float = CONFIDENCE_SLOPE) -> float:
    """Map a model confidence to a calibrated one: ``sigmoid(slope (logit c - logit pivot))``.

    Examples
    --------
    >>> round(calibrate(0.75), 3)
    0.5
    >>> round(calibrate(0.65), 2), round(calibrate(0.97), 2)
    (0.31, 0.98)
    """
    c = float(np.clip(confidence, 1e-12, 1.0 - 1e-12))
    z = slope * (np.log(c / (1.0 - c)) - np.log(pivot / (1.0 - pivot)))
    return float(1.0 / (1.0 + np.exp(-z)))


def calibrated(decoded: Decoded, *, min_ring_confidence: float = MIN_RING_CONFIDENCE) -> Decoded:
    """A copy of ``decoded`` with calibrated message (:func:`calibrate`) and ring
    (:func:`calibrate_ring`) confidences.

    The model's figures move to ``model_confidence``; a ring is ``readable`` when its
    calibrated confidence reaches ``min_ring_confidence``. Texts, values and slot confidences
    (which decide ``?``) are unchanged.
    """
    rings = [
        r
        if r.kind == "blank"
        else dataclasses.replace(
            r,
            confidence=_ring_confidence(r.confidence, r.slot_confidence),
            model_confidence=r.confidence,
            readable=_ring_confidence(r.confidence, r.slot_confidence) >= min_ring_confidence,
        )
        for r in decoded.rings
    ]
    return dataclasses.replace(
        decoded, rings=rings, confidence=calibrate(decoded.confidence), model_confidence=decoded.confidence
    )
