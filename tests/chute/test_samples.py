"""Gore sampling: gores partly out of the picture or under a strip are sampled over nine tenths of their
width (the band also over its inner part), so that what is left of them is seen."""

import numpy as np

from marsound.chute.geometry import Ellipse, affine_frame
from marsound.chute.samples import BAND_GORE_WIDTH, gore_grid, ring_samples
from marsound.chute.strips import Strip

FRAME = affine_frame(Ellipse((150.0, 150.0), (200.0, 200.0), 0.0))  # rim radius 100 px
RINGS = [(0.2, 0.3), (0.4, 0.5), (0.6, 0.7), (0.93, 0.975)]
BAND = RINGS[3]
GAP_IN = 0.85
GORE_C = (np.arange(80) + 0.5) * 2 * np.pi / 80
OFFSETS = [(np.zeros(2), 0.0)] * 4


def _inside_counts(off):
    return (~off).sum(axis=-1)


def test_gores_cut_by_the_picture_edge_keep_more_samples():
    """The picture ends 9 px inside the rim at 3 o'clock: band gores there that the usual grid
    (half the gore's width, the band's outer part) sees nothing of keep samples, while gores
    inside the picture are sampled exactly as before."""
    img = np.full((300, 242, 3), 120, np.uint8)  # x up to 241: the band (x = 243-250) is cut off
    smp, off, cov = ring_samples(img, FRAME, 1.0, GORE_C, OFFSETS, RINGS, BAND, GAP_IN, [])
    assert smp.shape == (4, 80, 49, 3) and not cov.any()
    _, off_narrow, _ = gore_grid(img, FRAME, 1.0, GORE_C, np.zeros(2), BAND, BAND_GORE_WIDTH / 2)
    n_wide, n_narrow = _inside_counts(off[3]), _inside_counts(off_narrow)
    assert np.all(n_wide >= n_narrow)
    assert np.any((n_narrow < 3) & (n_wide >= 3))  # erased before, read now
    whole = n_narrow == 49
    smp_narrow, _, _ = gore_grid(img, FRAME, 1.0, GORE_C, np.zeros(2), BAND, BAND_GORE_WIDTH / 2)
    assert np.array_equal(smp[3][whole], smp_narrow[whole])


def test_gores_under_a_strip_keep_their_uncovered_samples():
    """A strip from 3 o'clock to the centre: the samples on it are marked, the gores it crosses
    are sampled over nine tenths of their width (more of them off the strip), the others not at all."""
    img = np.full((300, 300, 3), 120, np.uint8)
    strip = Strip((1.1, 0.0), (-1.0, 0.0), 0.02, 1.1)
    _, off, cov = ring_samples(img, FRAME, 1.0, GORE_C, OFFSETS, RINGS, BAND, GAP_IN, [strip])
    assert not off.any()
    hit = cov.any(axis=2)
    assert hit[3, 19] and hit[3, 20] and not hit[3, 30]  # gores 19 and 20 meet at 90°
    assert not cov[:, 30:70].any()
    # each crossed gore keeps samples off the strip, but in ring 1 (gores narrower than the strip)
    assert np.all(cov[1:][hit[1:]].sum(axis=1) < 49)
