"""Encoder against the reference test vectors (parachute-code.md §1.5-§1.8)."""

import numpy as np
import pytest

from marsound.chute import spec
from marsound.chute.encode import aligned_bits, encode_message, parse_coordinates, parse_ring, spiral_starts, to_wr
from marsound.errors import InvalidParameterError

ALIGNED = {
    "DARE": "0000000100 0000000001 0000010010 0000000101 0001111111 1111111111 1111111111 1111111111",
    "MIGHTY": "0000001101 0000001001 0000000111 0000001000 0000010100 0000011001 0001111111 1111111111",
    "THINGS": "0000010100 0000001000 0000001001 0000001110 0000000111 0000010011 0001111111 1111111111",
    "coords": "0000100010 0000001011 0000111010 0000001110 0001110110 0000001010 0000011111 0000010111",
}
ABSOLUTE = [
    "00000001000000000001000001001000000001010001111111111111111111111111111111111111",
    "00000101000000011001000111111111111111110000001101000000100100000001110000001000",
    "00011111111111111111000001010000000010000000001001000000111000000001110000010011",
    "00001000100000001011000011101000000011100001110110000000101000000111110000010111",
]
WR = [
    "WWWWWWWRWWWWWWWWWWWRWWWWWRWWRWWWWWWWWRWRWWWRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR",
    "WWWWWRWRWWWWWWWRRWWRWWWRRRRRRRRRRRRRRRRRWWWWWWRRWRWWWWWWRWWRWWWWWWWRRRWWWWWWRWWW",
    "WWWRRRRRRRRRRRRRRRRRWWWWWRWRWWWWWWWWRWWWWWWWWWRWWRWWWWWWRRRWWWWWWWWRRRWWWWWRWWRR",
    "WWWWRWWWRWWWWWWWRWRRWWWWRRRWRWWWWWWWRRRWWWWRRRWRRWWWWWWWRWRWWWWWWRRRRRWWWWWRWRRR",
]


def _s(bits):
    return "".join(str(int(b)) for b in bits)


def test_word_aligned_vectors():
    for word in ("DARE", "MIGHTY", "THINGS"):
        assert _s(aligned_bits(parse_ring(word).values)) == ALIGNED[word].replace(" ", "")
    band = parse_coordinates("34 11 58 N 118 10 31 W")
    assert band.values == (34, 11, 58, 14, 118, 10, 31, 23)
    assert _s(aligned_bits(band.values)) == ALIGNED["coords"].replace(" ", "")


def test_absolute_layout_and_wr():
    rings = encode_message(list(spec.PERSEVERANCE_RINGS), spec.PERSEVERANCE_COORDINATES)
    assert [r.start for r in rings] == [0, 40, 20, 0]
    assert [r.bit_string for r in rings] == ABSOLUTE
    assert [to_wr(r.bits) for r in rings] == WR
    assert [int(r.bits.sum()) for r in rings] == [43, 31, 31, 28]


def test_single_letter_and_full_ring():
    assert _s(aligned_bits(parse_ring("A").values)) == "0000000001" + "000" + "1" * 67
    full = "0000010000 0000000001 0000010010 0000000001 0000000011 0000001000 0000010101 0000010100"
    assert _s(aligned_bits(parse_ring("PARACHUT").values)) == full.replace(" ", "")


def test_value_zero_and_numbers_ring():
    ring = parse_ring("0 127 5")
    assert ring.kind == "numbers" and ring.values == (0, 127, 5)
    assert _s(aligned_bits(ring.values))[:10] == "0" * 10


def test_spiral_starts():
    assert spiral_starts([4, 6, 6, 8]) == [0, 40, 20, 0]
    assert spiral_starts([8, 8]) == [0, 0]


def test_lowercase_is_upper():
    assert parse_ring("dare").values == (4, 1, 18, 5)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("DARÉ", "'É' at position 4"),
        ("MARS2020", "'MARS2020'"),
        ("HELLO-MARS", "'HELLO-MARS'"),
        ("PARACHUTES", "10 symbols"),
        ("200 1", "number 200 is over 127"),
        ("", "empty"),
    ],
)
def test_refused_rings(text, fragment):
    with pytest.raises(InvalidParameterError, match="ring") as exc:
        parse_ring(text)
    assert fragment in str(exc.value)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("34 11 58 N 130 10 31 W", "longitude degrees 130 is over 127"),
        ("34 61 58 N 118 10 31 W", "latitude minutes 61"),
        ("34 11 60 N 118 10 31 W", "latitude seconds 60"),
        ("91 0 0 N 118 10 31 W", "latitude degrees 91"),
        ("90 1 0 N 118 10 31 W", "latitude is over 90"),
        ("34 11 58 X 118 10 31 W", "is not 'deg min sec"),
    ],
)
def test_refused_coordinates(text, fragment):
    with pytest.raises(InvalidParameterError) as exc:
        parse_coordinates(text)
    assert fragment in str(exc.value)


def test_coordinates_symbols_and_southern_east():
    assert parse_coordinates("34°11'58\"N 118°10'31\"W").values == (34, 11, 58, 14, 118, 10, 31, 23)
    assert parse_coordinates("18 26 41 s 77 27 0 e").values == (18, 26, 41, 19, 77, 27, 0, 5)


def test_too_many_rings():
    with pytest.raises(InvalidParameterError, match="at most 3 word rings"):
        encode_message(["A", "B", "C", "D"], "1 2 3 N 4 5 6 E")
    with pytest.raises(InvalidParameterError, match="5 rings"):
        encode_message(["A", "B", "C", "D", "E"])
    assert len(encode_message(["A", "B", "C", "D"])) == 4
    assert np.array_equal(encode_message(["A"])[0].bits, aligned_bits((1,)))
