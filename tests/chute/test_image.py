"""Round trip encode -> draw -> decode image, with perturbations and bad input."""

import cv2
import numpy as np
import pytest
from conftest import PERSEVERANCE, SKY_BGR, TEXTS, tilt_homography

from marsound.chute.draw import render_array, write_drawing
from marsound.chute.encode import encode_message
from marsound.chute.image import NoCanopyError, decode_array, decode_image, load_image
from marsound.errors import FileFormatError


def _texts(res):
    return [r["text"] for r in res.to_json()["rings"]]


def test_png_round_trip(tmp_path):
    path = write_drawing(tmp_path / "c.png", encode_message(*PERSEVERANCE), size_px=560)
    res = decode_image(path)
    j = res.to_json()
    assert _texts(res) == TEXTS
    assert j["direction"] == "clockwise" and j["view"] == "below"
    assert j["confidence"] > 0.8


def test_start_is_image_gore_zero(canopy_png):
    """The drawing puts gore 0 one gore clockwise of 12 o'clock, where the decoder counts from."""
    j = decode_array(canopy_png).to_json()
    assert abs(j["canopy"]["gore_phase_deg"] - 4.5) < 0.7 or j["canopy"]["gore_phase_deg"] < 0.7
    assert [r["start"] for r in j["rings"]] == [0, 40, 20, 0]


@pytest.mark.parametrize("angle", [17.0, 200.0])
def test_rotated(canopy_png, angle):
    m = cv2.getRotationMatrix2D((320, 320), angle, 1.0)
    img = cv2.warpAffine(canopy_png, m, (640, 640), borderValue=SKY_BGR)
    assert _texts(decode_array(img)) == TEXTS


def test_mirrored_reads_counterclockwise(canopy_png):
    res = decode_array(np.ascontiguousarray(canopy_png[:, ::-1]))
    assert _texts(res) == TEXTS
    assert res.decoded.direction == "counterclockwise" and res.decoded.direction_confidence > 0.99


def test_view_from_above_drawing(tmp_path):
    path = write_drawing(tmp_path / "a.png", encode_message(*PERSEVERANCE), size_px=560, view="above")
    res = decode_image(path)
    assert _texts(res) == TEXTS and res.to_json()["view"].startswith("above")


@pytest.mark.parametrize(("tilt", "axis"), [(25, 30), (40, 120)])
def test_perspective_tilt(canopy_png, tilt, axis):
    h = tilt_homography(640, tilt, axis)
    img = cv2.warpPerspective(canopy_png, h, (640, 640), borderValue=SKY_BGR)
    res = decode_array(img)
    assert _texts(res) == TEXTS
    assert res.reading.frame.projective


def test_noise_jpeg_and_mars_colours(canopy_png):
    img = canopy_png.astype(float)
    red = (canopy_png[..., 2] > 150) & (canopy_png[..., 1] < 120)
    white = canopy_png.min(-1) > 200
    img[red] = (39, 31, 108)  # maroon (BGR)
    img[white] = (167, 128, 120)  # bluish grey
    img *= np.array([1.15, 1.0, 0.85])  # colour cast
    rng = np.random.default_rng(3)
    img = np.clip(img + rng.normal(0, 12, img.shape), 0, 255).astype(np.uint8)
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 45])
    assert ok
    res = decode_array(cv2.imdecode(buf, cv2.IMREAD_COLOR))
    assert _texts(res) == TEXTS


def test_jpeg_file_with_transparency_png(tmp_path):
    rings = encode_message(["MARS"], "18 26 41 N 77 27 0 E")
    img = render_array(rings, size_px=560)
    bgra = np.dstack([img, np.full(img.shape[:2], 255, np.uint8)])
    cv2.imwrite(str(tmp_path / "t.png"), bgra)
    assert _texts(decode_image(tmp_path / "t.png")) == ["MARS", "18 26 41 N 77 27 0 E"]


def test_not_an_image(tmp_path):
    p = tmp_path / "x.png"
    p.write_text("definitely not a PNG")
    with pytest.raises(FileFormatError, match="not an image"):
        load_image(p)
    (tmp_path / "e.jpg").write_bytes(b"")
    with pytest.raises(FileFormatError, match="empty"):
        load_image(tmp_path / "e.jpg")


@pytest.mark.parametrize("kind", ["uniform", "noise", "disc"])
def test_no_canopy(kind):
    rng = np.random.default_rng(0)
    if kind == "uniform":
        img = np.full((300, 400, 3), 90, np.uint8)
    elif kind == "noise":
        img = rng.integers(0, 256, (300, 400, 3), dtype=np.uint8)
    else:
        img = np.full((400, 400, 3), 30, np.uint8)
        cv2.circle(img, (200, 200), 150, (60, 80, 220), -1)
    with pytest.raises(NoCanopyError, match="no canopy found"):
        decode_array(img)


def test_unreadable_ring_is_partial_not_wrong(canopy_png):
    img = canopy_png.copy()
    cv2.ellipse(img, (320, 320), (150, 150), 0, 200, 340, (70, 70, 70), -1)  # occluder over most of rings 1-2
    cv2.circle(img, (320, 320), 95, (70, 70, 70), -1)  # ring 1 hidden
    res = decode_array(img)
    rings = res.decoded.rings
    assert not rings[0].readable and rings[0].confidence < 0.5
    assert res.decoded.confidence < 0.5
    assert rings[3].text == TEXTS[3] and rings[3].readable  # the band is still read
    assert any("low confidence" in a for a in res.decoded.ambiguities)
