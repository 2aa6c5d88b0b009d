"""The benchmark's renderer (benchmarks/chute_scenes.py): deterministic per seed, and its rings
encode the message it claims, gore by gore."""

from pathlib import Path

import numpy as np
import pytest

from marsound.chute.encode import encode_message

_PATH = Path(__file__).parents[2] / "benchmarks" / "chute_scenes.py"




def test_scenes_are_deterministic_per_seed(scenes):
    a = scenes.render_scene(np.random.default_rng(5), "medium")
    b = scenes.render_scene(np.random.default_rng(5), "medium")
    c = scenes.render_scene(np.random.default_rng(6), "medium")
    assert a.data == b.data and a.texts == b.texts and np.array_equal(a.visible, b.visible)
    assert c.data != a.data


@pytest.mark.parametrize(("tier", "seed"), [("clean", 3), ("easy", 4)])
def test_rings_encode_the_claimed_message(scenes, tier, seed):
    """Every gore of every ring is drawn red exactly where the encoder put a 1 (median redness
    R - (G+B)/2 of the gore's pixels, mirrored views included)."""
    rng = np.random.default_rng(seed)
    words, coords = scenes.random_message(rng)
    layouts = np.stack([r.bits for r in encode_message(words, coords)])
    labels: dict = {}
    bgr, _, visible = scenes.render_layouts(layouts, rng, tier, labels)
    redness = bgr[..., 2].astype(float) - (bgr[..., 0].astype(float) + bgr[..., 1]) / 2
    ring, gore = labels["ring"], labels["gore"]
    assert np.all(visible > 0.5)  # no occluders in these tiers
    for k in range(4):
        for g in range(80):
            sel = (ring == k) & (gore == g)
            assert sel.sum() >= 5
            assert (np.median(redness[sel]) > 15) == bool(layouts[k, g]), (k, g)


def test_video_tier_is_small_and_h264_coded(scenes):
    s = scenes.render_scene(np.random.default_rng(2), "video")
    assert s.suffix == ".png" and 400 <= s.size[0] <= 600
    assert s.visible.shape == (4, 80) and np.all((s.visible >= 0) & (s.visible <= 1))


def test_hidden_data_gores_are_counted(scenes):
    """The hard tier's occluders hide gores; the scene says how many data gores are lost."""
    lost = [scenes.render_scene(np.random.default_rng(s), "hard").lost_data_gores for s in (20, 22)]
    assert lost[0] == 0 and lost[1] > 0
