"""Decoding a realistic clip of a slowly turning, partly occluded canopy (issue #12, item 4).

The clip comes from the benchmark's renderer (``benchmarks/chute_clips.py`` on
``benchmarks/chute_scenes.py``'s ``video`` tier, independent of the decoder): an inflated canopy
under perspective with suspension lines, a bridle and the backshell's struts in front of it, NASA's
colour statistics, frames downscaled to 400-600 px and encoded as one H.264 stream. The canopy
turns under the fixed hardware, so each frame hides other data gores.
"""

import itertools
from pathlib import Path

import numpy as np
import pytest
from helpers import load_benchmark_module

from marsound.chute.canopy import NoCanopyError
from marsound.chute.image import decode_array
from marsound.chute.video import decode_video, iter_frames

_BENCH = Path(__file__).parents[2] / "benchmarks"
CLIP_SEED = 6
"""A seed not used by the benchmark's untuned groups (7, 11); its clip hides 7-20 data gores in
every frame and 74 in some frame, none in all frames."""




@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    load_benchmark_module("chute_scenes")
    clips = load_benchmark_module("chute_clips")
    clip = clips.render_clip(np.random.default_rng(CLIP_SEED), n_frames=8)
    path = tmp_path_factory.mktemp("clip") / "turning.mp4"
    path.write_bytes(clip.data)
    return clip, path


def test_each_frame_hides_data_gores_that_other_frames_show(clip):
    """The ground truth of the clip: the premise of the decoding test below."""
    c, _ = clip
    assert c.suffix == ".mp4" and 400 <= c.size[0] <= 600
    hidden = c.hidden  # (frames, 4, 80) data gores hidden in each frame
    assert all(n > 0 for n in c.lost_data_gores)  # every frame hides some data gore
    assert c.lost_in_every_frame == 0
    seen = c.data_mask[None] & (c.visible >= 0.5)
    hidden_somewhere = hidden.any(axis=0)
    assert hidden_somewhere.sum() >= 20
    assert np.all(seen.any(axis=0)[hidden_somewhere])  # ... and is seen in another frame


def test_turning_canopy_decodes_exactly_while_no_single_frame_does(clip):
    c, path = clip
    want_dir = "counterclockwise" if c.mirrored else "clockwise"
    frames = list(iter_frames(path))
    assert len(frames) == 8
    singles = []
    for f in frames:
        try:
            singles.append(decode_array(f).decoded)
        except NoCanopyError:  # no canopy found in that frame: not exact either
            singles.append(None)
    assert not any(d is not None and d.texts == c.texts for d in singles)
    assert all(d is None or d.confidence < 0.5 for d in singles)  # unknown, not confidently wrong
    res = decode_video(path)
    assert res.decoded.model_confidence is not None  # calibrated; the model's figure kept
    assert res.decoded.texts == c.texts
    assert res.decoded.direction == want_dir
    assert res.frames_read == 8 and res.frames_used >= 5
    # the per-frame turn is recovered: successive shifts differ by the clip's spin (in gores)
    used = [s for s in res.shifts if s >= 0]
    steps = {(b - a) % 80 for a, b in itertools.pairwise(used)}
    spin_gores = abs(c.spin_deg) / 4.5
    assert all(min(s, 80 - s) <= np.ceil(2 * spin_gores) + 1 for s in steps)
