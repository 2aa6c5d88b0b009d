"""Framing of rendered up-look frames (benchmarks/chute_scenes.py): the gore phase of every ring,
with suspension lines that converge on the confluence rather than on the vent."""

from pathlib import Path

import cv2
import numpy as np
import pytest

from marsound.chute.image import decode_array
from marsound.chute.polar import without_lines

_PATH = Path(__file__).parents[2] / "benchmarks" / "chute_scenes.py"




@pytest.mark.parametrize("seed", [103, 108])
def test_easy_frame_with_lines_off_the_vent_reads_exactly(scenes, seed):
    """Easy-tier frames (seeds chosen where the lines' 80-fold pattern, centred on the confluence,
    used to pull the innermost ring's gore phase by about a gore: ring 1 read as numbers or '?')."""
    scene = scenes.render_scene(np.random.default_rng(seed), "easy")
    img = cv2.imdecode(np.frombuffer(scene.data, np.uint8), cv2.IMREAD_COLOR)
    res = decode_array(img).decoded
    assert [r.text for r in res.rings if r.kind != "blank"] == scene.texts
    assert res.direction == ("counterclockwise" if scene.mirrored else "clockwise")


def test_without_lines_removes_thin_lines_and_keeps_gore_edges():
    prof = np.repeat(np.array([0.0, 1.0, 1.0, 0.0, 1.0]), 8)[None].astype(float)  # gores, 8 samples each
    lined = prof.copy()
    lined[0, [4, 13, 14]] = 0.6  # thin lines across a white gore and a red one
    out = without_lines(lined)
    assert np.array_equal(out, prof)
