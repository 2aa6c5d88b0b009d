"""Bit decoding with unknown rotation and direction (parachute-code.md §1.6, §1.7, §4.6)."""

import numpy as np
import pytest
from test_encode import ABSOLUTE, ALIGNED, WR

from marsound.chute.decode_bits import (
    canopy_kind_priors,
    decode_bit_strings,
    decode_soft,
    parse_bit_string,
    slot_values,
)
from marsound.chute.encode import encode_message
from marsound.errors import InvalidParameterError

TEXTS = ["DARE", "MIGHTY", "THINGS", "34 11 58 N 118 10 31 W"]


def _rot(s, k):
    return s[k:] + s[:k]


def test_reference_vectors_decode():
    d = decode_bit_strings(ABSOLUTE)
    assert d.texts == TEXTS
    assert [r.values for r in d.rings][3] == [34, 11, 58, 14, 118, 10, 31, 23]
    assert [r.start for r in d.rings] == [0, 40, 20, 0]
    assert [r.kind for r in d.rings] == ["word", "word", "word", "coordinates"]
    assert d.direction == "clockwise" and d.confidence > 0.95 and not d.ambiguities
    assert decode_bit_strings(WR).texts == TEXTS
    aligned = [v.replace(" ", "") for v in ALIGNED.values()]
    assert [r.bits for r in d.rings] == aligned


@pytest.mark.parametrize("shift", [1, 7, 33, 79])
def test_any_rotation(shift):
    d = decode_bit_strings([_rot(s, shift) for s in ABSOLUTE])
    assert d.texts == TEXTS
    assert [r.start for r in d.rings] == [(s - shift) % 80 for s in (0, 40, 20, 0)]


@pytest.mark.parametrize("shift", [0, 13])
def test_reversed_reading(shift):
    d = decode_bit_strings([_rot(s[::-1], shift) for s in ABSOLUTE])
    assert d.texts == TEXTS
    assert d.direction == "counterclockwise" and d.direction_confidence > 0.99


def test_mirror_values_of_reference():
    """§1.6: read backwards with separators first, DARE gives 80 36 64 16, MIGHTY 76 20 8 112 72 88."""
    rev = ALIGNED["DARE"].replace(" ", "")[::-1]
    assert slot_values(_rot(rev, 37))[:4] == [80, 36, 64, 16]
    rev = ALIGNED["MIGHTY"].replace(" ", "")[::-1]
    assert slot_values(_rot(rev, 17))[:6] == [76, 20, 8, 112, 72, 88]


def test_single_letter_ring():
    d = decode_bit_strings([_rot(encode_message(["A"])[0].bit_string, 50)])
    assert d.texts == ["A"] and d.rings[0].start == 30


def test_full_ring_start_from_spiral():
    """PARACHUT has no fill: its start comes from the next ring (spiral: same start)."""
    rings = encode_message(["PARACHUT", "GO"])
    d = decode_bit_strings([_rot(r.bit_string, 25) for r in rings])
    assert d.texts == ["PARACHUT", "GO"]
    assert any("no fill" in a for a in d.ambiguities)


def test_full_ring_alone_is_flagged():
    d = decode_bit_strings([encode_message(["PARACHUT"])[0].bit_string])
    assert d.texts == ["PARACHUT"]  # gore 0 breaks the tie
    assert any("convention only" in a for a in d.ambiguities)
    assert d.rings[0].confidence < 0.5  # 8 rotations are equally valid


def test_direction_ambiguous_word():
    """HT reads HT backwards too (H and T are palindromic): reported as ambiguous."""
    d = decode_bit_strings([encode_message(["HT"])[0].bit_string])
    assert d.direction_confidence < 0.9
    assert any("direction ambiguous" in a for a in d.ambiguities)


def test_mirror_letters_dp():
    """D<->P under reversal: 'DP' backwards is 'DP' too, 'DA' is not ambiguous."""
    d = decode_bit_strings([encode_message(["DA"])[0].bit_string[::-1]])
    assert d.texts == ["DA"] and d.direction == "counterclockwise" and d.direction_confidence > 0.99


def test_single_bit_error_in_separator_corrected():
    s = list(ABSOLUTE[0])
    s[1] = "1"  # a separator gore flipped
    d = decode_bit_strings(["".join(s), *ABSOLUTE[1:]])
    assert d.texts == TEXTS


def test_numbers_ring_and_zero():
    rings = encode_message(["0 127 5 99"])
    d = decode_bit_strings([_rot(rings[0].bit_string, 11)])
    assert d.rings[0].kind == "numbers" and d.rings[0].values == [0, 127, 5, 99]
    assert d.texts == ["0 127 5 99"]


def test_unknown_gores_give_low_confidence():
    s = list(ABSOLUTE[0])
    for i in range(3, 40):
        s[i] = "?"
    d = decode_bit_strings(["".join(s)])
    assert not d.rings[0].readable and d.confidence < 0.5
    assert "?" in d.rings[0].text


def test_grammar_violation_not_confident():
    rng = np.random.default_rng(1)
    noise = "".join(rng.choice(["0", "1"], 80))
    d = decode_bit_strings([noise])
    assert d.confidence < 0.5


def test_blank_ring_soft():
    p = np.stack([parse_bit_string(ABSOLUTE[0]), np.full(80, 0.05)])
    d = decode_soft(p, blank_threshold=0.3)
    assert d.texts == ["DARE", ""] and d.rings[1].kind == "blank"


@pytest.mark.parametrize(
    ("strings", "fragment"),
    [(["0101"], "has 4 gores"), (["X" * 80], "not 0/1"), ([], "at least one")],
)
def test_bad_bit_strings(strings, fragment):
    with pytest.raises(InvalidParameterError, match=fragment):
        decode_bit_strings(strings)


def test_confidence_calibrated_by_structural_errors():
    """A ring read one gore off over two slots (misregistration) must not come out confident."""
    from marsound.chute.encode import encode_message

    ring = encode_message(["GAZE"])[0].bits.astype(float)
    clean = decode_soft(ring[None] * 0.998 + 0.001)
    assert clean.texts == ["GAZE"] and clean.confidence > 0.9
    bad = ring.copy()
    bad[3 + 5] = 0.0  # G (0000111) read as E (0000101): a clean-looking wrong data gore ...
    bad[[11, 20, 31]] = 1.0  # ... and separators read red nearby: the ring is misregistered
    res = decode_soft(bad[None] * 0.998 + 0.001)
    assert res.texts[0].replace("?", "E") == "EAZE"  # the wrong reading is possible ...
    assert res.confidence < 0.5 and not res.rings[0].readable  # ... but never confident


def test_band_with_small_values_reads_as_coordinates():
    """Coordinates whose fields are all 1-26 also parse as an 8-letter word; the band favours coordinates."""
    rings = encode_message(["JDWH", "NJSSUC", "U"], "12 5 6 N 9 3 9 W")
    p = np.stack([r.bits for r in rings]).astype(float)
    assert decode_soft(p, eps=1e-3).texts[3] == "LEFNICIW"  # no position prior: the word's shorter description
    assert decode_soft(p, eps=1e-3, kind_priors=canopy_kind_priors(4)).texts[3] == "12 5 6 N 9 3 9 W"
    assert decode_bit_strings([r.bit_string for r in rings]).texts[3] == "12 5 6 N 9 3 9 W"


def test_word_in_band_stays_a_word():
    rings = encode_message(["DARE", "MIGHTY", "THINGS", "ABCDEFGH"])
    assert decode_bit_strings([r.bit_string for r in rings]).texts == ["DARE", "MIGHTY", "THINGS", "ABCDEFGH"]
    # the position prior only acts on the band: a disk ring of small coordinates stays whatever it reads as
    assert canopy_kind_priors(4)[:3] == [{}, {}, {}]


def test_bad_kind_priors():
    p = np.full((2, 80), 0.5)
    with pytest.raises(InvalidParameterError, match="kind_priors"):
        decode_soft(p, kind_priors=[{}])
    with pytest.raises(InvalidParameterError, match="kind_priors"):
        decode_soft(p, kind_priors=[{}, {"colour": 1.0}])
