"""Hidden gores are erasures, never guesses: a canopy partly outside the picture."""

import numpy as np
import pytest
from helpers import TEXTS

from marsound.chute.gores import classify_gores
from marsound.chute.image import decode_array


@pytest.mark.parametrize("cut_px", [30, 45])
def test_gores_outside_the_picture_are_erased(canopy_png, cut_px):
    """The band's rightmost gores are cut off: they are erasures (P = 0.5), the slot they
    carry reads '?', the visible slots read right, and the message's confidence is low (the
    decoder before erasures read the black border: '34 8 58 N ...' at confidence 0.83)."""
    _, xs = np.nonzero(np.any(canopy_png != canopy_png[0, 0], axis=2))
    crop = np.ascontiguousarray(canopy_png[:, : xs.max() - cut_px])
    res = decode_array(crop)
    p = res.reading.p_red
    erased = np.isclose(p, 0.5)
    assert erased[3].sum() >= 4 and not erased[:3].any()
    texts = res.decoded.texts
    assert texts[:3] == TEXTS[:3]
    band = texts[3].split()
    want = TEXTS[3].split()
    assert "?" in band
    assert all(b == w for b, w in zip(band, want, strict=True) if b != "?")
    assert res.decoded.confidence < 0.5
    assert any("outside the picture" in n for n in res.reading.notes)


def test_classify_outside_samples_are_no_evidence():
    """Samples outside the picture take no part: a gore with none inside is an erasure, and
    black border samples do not turn a gore white or red."""
    rng = np.random.default_rng(3)
    red, white = np.array([0.9, 0.1]), np.array([0.0, 0.0])
    truth = rng.random((4, 80)) < 0.4
    X = np.where(truth[..., None, None], red, white) + rng.normal(0, 0.03, (4, 80, 49, 2))
    logL = np.full((4, 80, 49), 5.0) + rng.normal(0, 0.05, (4, 80, 49))
    outside = np.zeros((4, 80, 49), dtype=bool)
    outside[3, :10] = True  # ten band gores wholly outside
    outside[3, 10:14, :40] = True  # four mostly outside (9 samples left)
    X[outside] = (-0.5, 0.6)  # what the black border looks like: neither colour
    logL[outside] = np.log(3.0)
    p, n_erased = classify_gores(X, logL, outside=outside)
    assert np.allclose(p[3, :10], 0.5) and n_erased == 10
    assert np.array_equal(p[3, 10:] > 0.5, truth[3, 10:])
    assert np.array_equal(p[:3] > 0.5, truth[:3])

