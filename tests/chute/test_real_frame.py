"""NASA's own up-look frame of Perseverance's canopy (tests/data/README.md): what the decoder reads
on a real photograph, gore by gore against the published ground truth."""

from pathlib import Path

import numpy as np
import pytest

from marsound.chute.image import decode_image

FRAME = Path(__file__).parents[1] / "data" / "perseverance_parachute_EBF_0001_0667022756.jpg"
TRUTH = [  # absolute layout, gore 0 = DARE's first separator, clockwise from below (spec §1.6)
    "00000001000000000001000001001000000001010001111111111111111111111111111111111111",
    "00000101000000011001000111111111111111110000001101000000100100000001110000001000",
    "00011111111111111111000001010000000010000000001001000000111000000001110000010011",
    "00001000100000001011000011101000000011100001110110000000101000000111110000010111",
]
WANT = ["DARE", "MIGHTY", "THINGS", "34 11 58 N 118 10 31 W"]


@pytest.fixture(scope="module")
def real():
    return decode_image(FRAME)


def test_real_frame_every_visible_gore_read_right(real):
    """Rotated onto the truth, every gore the decoder claims (P(red) away from 0.5) is right, and
    at most 16 of 320 are left unknown (those under the bridle and the backshell)."""
    p = real.reading.p_red
    truth = np.array([[int(c) for c in row] for row in TRUTH])
    best = max(range(80), key=lambda s: int(np.sum((p > 0.5) == np.roll(truth, s, axis=1))))
    t = np.roll(truth, best, axis=1)
    sure = np.abs(p - 0.5) > 0.2
    assert np.all((p[sure] > 0.5) == (t[sure] == 1))
    assert (~sure).sum() <= 16


def test_real_frame_message_where_not_hidden(real):
    """Read clockwise (a view from below); every symbol read is right, the hidden ones come out
    as '?', and the message's confidence stays below 0.5 while it is incomplete."""
    j = real.to_json()
    got = [r["text"] for r in j["rings"]]
    assert j["direction"] == "clockwise"
    assert len(got) == 4
    assert got[2] == "THINGS"
    for g, w in zip(got, WANT, strict=True):
        gs, ws = (g.split(), w.split()) if " " in w else (list(g), list(w))
        assert len(gs) == len(ws)
        assert all(a == b or a == "?" for a, b in zip(gs, ws, strict=True))
        assert sum(a == "?" for a in gs) <= 1
    assert (j["confidence"] > 0.5) == (got == WANT)
