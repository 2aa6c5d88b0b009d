"""Parachute ring codes (Perseverance style): encode, draw, decode bits, images and video.

Reference: the Mars 2020 parachute code (NASA/JPL-Caltech, Feb 2021; gore-by-gore transcription in
github.com/cbuckowitz/mars2020-parachute-message). Modules: :mod:`~marsound.chute.spec` (constants),
:mod:`~marsound.chute.encode`, :mod:`~marsound.chute.decode_bits`, :mod:`~marsound.chute.draw` (SVG/PNG),
:mod:`~marsound.chute.image` (photo decoder; :mod:`~marsound.chute.canopy`, :mod:`~marsound.chute.radial`,
:mod:`~marsound.chute.polar`, :mod:`~marsound.chute.centre`, :mod:`~marsound.chute.gores`),
:mod:`~marsound.chute.video` (frame voting).
"""

from marsound.chute.decode_bits import Decoded, DecodedRing, decode_bit_strings, decode_soft
from marsound.chute.encode import EncodedRing, Ring, encode_message, encode_rings, parse_coordinates, parse_ring

__all__ = [
    "Decoded",
    "DecodedRing",
    "EncodedRing",
    "Ring",
    "decode_bit_strings",
    "decode_soft",
    "encode_message",
    "encode_rings",
    "parse_coordinates",
    "parse_ring",
]
