"""Encode words and coordinates into the 80-gore rings of a parachute code.

Reference: the Mars 2020 parachute code (NASA/JPL-Caltech; NASA STEM "Mars Perseverance Parachute
Coding Activity"). Letters are alphabet indices
(A=1 … Z=26), numbers are 7-bit integers (0 … 127), each symbol fills a slot
``000 b6 … b0``; after the last symbol of a ring come 3 white gores and red up to the end
(one red block). Rings are placed in a spiral: ``start[k+1] = start[k] + 10·len[k] (mod 80)``.

Nothing is silently changed: characters outside A-Z, words longer than a ring, values over
127 and out-of-range coordinates raise :class:`~marsound.errors.InvalidParameterError` naming
the offending part. Lower-case letters are read as upper case (documented, lossless).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from marsound.chute import spec
from marsound.errors import InvalidParameterError

KIND_WORD = "word"
KIND_COORDINATES = "coordinates"
KIND_NUMBERS = "numbers"


@dataclass(frozen=True)
class Ring:
    """One ring of the message.

    Attributes
    ----------
    values : tuple of int
        Symbol values in reading order (1-8 of them, each 0 … 127).
    kind : str
        ``"word"`` (letters), ``"coordinates"`` (the band: d m s N/S d m s E/W) or
        ``"numbers"`` (any 7-bit tokens).
    """

    values: tuple[int, ...]
    kind: str = KIND_WORD


@dataclass(frozen=True)
class EncodedRing:
    """A ring with its layout: ``bits`` is the 80-gore absolute layout (gore 0 first)."""

    ring: Ring
    start: int
    bits: NDArray[np.uint8]

    @property
    def bit_string(self) -> str:
        return "".join("1" if b else "0" for b in self.bits)


def letter_values(word: str, *, name: str = "ring") -> tuple[int, ...]:
    """Alphabet indices of a word (A=1 … Z=26).

    Raises
    ------
    InvalidParameterError
        If a character is not a letter A-Z, or the word is empty or longer than 8 letters.
    """
    if not word:
        raise InvalidParameterError(f"{name}={word!r} is empty")
    values = []
    for i, ch in enumerate(word):
        up = ch.upper()
        if not ("A" <= up <= "Z") or not ch.isascii():
            raise InvalidParameterError(
                f"{name}={word!r}: character {ch!r} at position {i + 1} is not a letter A-Z "
                "(only A-Z can be encoded; write numbers as separate tokens)"
            )
        values.append(ord(up) - 64)
    return _check_length(tuple(values), word, name)


def _check_length(values: tuple[int, ...], text: str, name: str) -> tuple[int, ...]:
    if len(values) > spec.SLOTS_PER_RING:
        raise InvalidParameterError(
            f"{name}={text!r} has {len(values)} symbols; a ring holds at most {spec.SLOTS_PER_RING} "
            "(split the message over more rings)"
        )
    return values


def parse_ring(text: str, *, name: str = "ring") -> Ring:
    """Parse one ring: a word (``"DARE"``) or whitespace-separated tokens (``"12 7 A"``).

    Tokens made of digits are numbers 0 … 127; tokens made of letters contribute one symbol
    per letter. A ring that holds only letters is a ``"word"`` ring, any number makes it a
    ``"numbers"`` ring.
    """
    tokens = text.split()
    if not tokens:
        raise InvalidParameterError(f"{name}={text!r} is empty")
    values: list[int] = []
    has_number = False
    for tok in tokens:
        if tok.isdigit() and tok.isascii():
            v = int(tok)
            if v > spec.MAX_VALUE:
                raise InvalidParameterError(
                    f"{name}={text!r}: number {v} is over {spec.MAX_VALUE} and does not fit in 7 bits"
                )
            values.append(v)
            has_number = True
        elif tok.isalpha():
            values.extend(letter_values(tok, name=name))
        else:
            raise InvalidParameterError(f"{name}={text!r}: token {tok!r} is neither a number 0-127 nor letters A-Z")
    _check_length(tuple(values), text, name)
    return Ring(tuple(values), KIND_NUMBERS if has_number else KIND_WORD)


_COORD_RE = re.compile(r"^\s*(\d+)\D+?(\d+)\D+?(\d+)\D*?([NSns])\W*(\d+)\D+?(\d+)\D+?(\d+)\D*?([EWew])\W*$")


def parse_coordinates(text: str, *, name: str = "coordinates") -> Ring:
    """Parse ``"34 11 58 N 118 10 31 W"`` (also ``34°11'58"N 118°10'31"W``) into the band ring.

    Degrees, minutes, seconds and the hemisphere letters N=14, S=19, E=5, W=23 (§1.5).

    Raises
    ------
    InvalidParameterError
        Unparseable text, minutes/seconds ≥ 60, latitude > 90, or a longitude over 127
        (7 bits cannot hold it; reference §1.8: refused rather than stored modulo 128).
    """
    m = _COORD_RE.match(text)
    if m is None:
        raise InvalidParameterError(
            f"{name}={text!r} is not 'deg min sec N|S deg min sec E|W' (e.g. '34 11 58 N 118 10 31 W')"
        )
    lat_d, lat_m, lat_s, ns, lon_d, lon_m, lon_s, ew = m.groups()
    nums = {
        "latitude degrees": (int(lat_d), 90),
        "latitude minutes": (int(lat_m), 59),
        "latitude seconds": (int(lat_s), 59),
        "longitude degrees": (int(lon_d), 180),
        "longitude minutes": (int(lon_m), 59),
        "longitude seconds": (int(lon_s), 59),
    }
    for part, (v, hi) in nums.items():
        if v > hi:
            raise InvalidParameterError(f"{name}={text!r}: {part} {v} is over {hi}")
    if int(lat_d) == 90 and (int(lat_m) or int(lat_s)):
        raise InvalidParameterError(f"{name}={text!r}: latitude is over 90 degrees")
    if int(lon_d) > spec.MAX_VALUE:
        raise InvalidParameterError(
            f"{name}={text!r}: longitude degrees {int(lon_d)} is over {spec.MAX_VALUE} and does not fit "
            "in 7 bits (the Perseverance band cannot hold it)"
        )
    values = (
        int(lat_d),
        int(lat_m),
        int(lat_s),
        spec.HEMISPHERES_LAT[ns.upper()],
        int(lon_d),
        int(lon_m),
        int(lon_s),
        spec.HEMISPHERES_LON[ew.upper()],
    )
    return Ring(values, KIND_COORDINATES)


def aligned_bits(values: tuple[int, ...] | list[int]) -> NDArray[np.uint8]:
    """The 80 gores of one ring starting at its first symbol (word-aligned, §1.3)."""
    n = len(values)
    if not 1 <= n <= spec.SLOTS_PER_RING:
        raise InvalidParameterError(f"values={list(values)!r}: a ring holds 1 to {spec.SLOTS_PER_RING} symbols")
    bits = np.ones(spec.N_GORES, dtype=np.uint8)
    for j, v in enumerate(values):
        v = int(v)
        if not 0 <= v <= spec.MAX_VALUE:
            raise InvalidParameterError(f"value {v} in slot {j + 1} is outside 0..{spec.MAX_VALUE}")
        slot = np.zeros(spec.SLOT_GORES, dtype=np.uint8)
        for k in range(spec.DATA_BITS):
            slot[spec.SEP_GORES + k] = (v >> (spec.DATA_BITS - 1 - k)) & 1
        bits[j * spec.SLOT_GORES : (j + 1) * spec.SLOT_GORES] = slot
    if n < spec.SLOTS_PER_RING:
        bits[n * spec.SLOT_GORES : n * spec.SLOT_GORES + spec.SEP_GORES] = 0  # the one white fill separator
    return bits


def spiral_starts(lengths: list[int] | tuple[int, ...], first: int = 0) -> list[int]:
    """Start gores of successive rings: ``start[k+1] = start[k] + 10·len[k] (mod 80)`` (§1.4)."""
    starts = [first % spec.N_GORES]
    for n in lengths[:-1]:
        starts.append((starts[-1] + spec.SLOT_GORES * n) % spec.N_GORES)
    return starts


def encode_rings(rings: list[Ring]) -> list[EncodedRing]:
    """Lay out rings (innermost first) in the spiral; gore 0 is the first ring's first separator."""
    if not rings:
        raise InvalidParameterError("rings=[] : give at least one ring")
    starts = spiral_starts([len(r.values) for r in rings])
    out = []
    for ring, start in zip(rings, starts):
        bits = np.roll(aligned_bits(ring.values), start)
        out.append(EncodedRing(ring, start, bits))
    return out


def encode_message(words: list[str] | tuple[str, ...] = (), coordinates: str | None = None) -> list[EncodedRing]:
    """Encode word rings (innermost first) and an optional coordinates band.

    Examples
    --------
    >>> r = encode_message(["DARE", "MIGHTY", "THINGS"], "34 11 58 N 118 10 31 W")
    >>> [e.start for e in r]
    [0, 40, 20, 0]
    """
    rings = [parse_ring(w, name=f"ring {i + 1}") for i, w in enumerate(words)]
    if coordinates is not None:
        rings.append(parse_coordinates(coordinates))
    if coordinates is not None and len(words) > spec.N_DISK_RINGS:
        raise InvalidParameterError(f"with --coordinates at most {spec.N_DISK_RINGS} word rings fit in the disk")
    if len(rings) > spec.N_RING_POSITIONS:
        raise InvalidParameterError(
            f"{len(rings)} rings given; the canopy has {spec.N_RING_POSITIONS} (three disk rings and the band)"
        )
    return encode_rings(rings)


def to_wr(bits: NDArray[np.uint8] | str) -> str:
    """0/1 → W/R string."""
    s = bits if isinstance(bits, str) else "".join(str(int(b)) for b in bits)
    return s.replace("0", "W").replace("1", "R")
