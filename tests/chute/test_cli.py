"""``marsound chute encode`` / ``decode``: fixed JSON contracts and errors."""

import json

from test_encode import ABSOLUTE

from marsound.cli.main import main

ENC = ["chute", "encode", "--ring", "DARE", "--ring", "MIGHTY", "--ring", "THINGS"]
COORD = ["--coordinates", "34 11 58 N 118 10 31 W"]


def test_encode_json_contract(capsys):
    assert main([*ENC, *COORD, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [r["bits"] for r in out["rings"]] == ABSOLUTE
    assert out["rings"][0]["values"] == [4, 1, 18, 5]
    assert out["rings"][3]["values"] == [34, 11, 58, 14, 118, 10, 31, 23]


def test_encode_draw_and_decode_image(tmp_path, capsys):
    png = tmp_path / "c.png"
    svg = tmp_path / "c.svg"
    assert main([*ENC, *COORD, "-o", str(png), "--size", "560"]) == 0
    assert main([*ENC, *COORD, "-o", str(svg), "--view", "above", "--red", "#FF4700"]) == 0
    assert svg.read_text().count("<polygon") == 320 and "#FF4700" in svg.read_text()
    capsys.readouterr()
    assert main(["chute", "decode", str(png), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"rings", "direction", "confidence"}
    assert [r["text"] for r in out["rings"]] == ["DARE", "MIGHTY", "THINGS", "34 11 58 N 118 10 31 W"]
    assert all(set(r) >= {"values", "text"} for r in out["rings"])
    assert out["direction"] == "clockwise" and out["confidence"] > 0.5
    assert main(["chute", "decode", str(png)]) == 0
    assert "DARE" in capsys.readouterr().out


def test_decode_bits_wr_reversed(capsys):
    wr = [s.replace("0", "W").replace("1", "R")[::-1] for s in ABSOLUTE]
    args = ["chute", "decode", "--json"]
    for s in wr:
        args += ["--bits", s]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert [r["text"] for r in out["rings"]][:3] == ["DARE", "MIGHTY", "THINGS"]
    assert out["direction"] == "counterclockwise"


def test_errors(tmp_path, capsys):
    assert main(["chute", "encode", "--ring", "MARS2020"]) == 2
    assert "MARS2020" in capsys.readouterr().err
    assert main(["chute", "encode", "--ring", "A", "--coordinates", "34 11 58 N 150 10 31 W"]) == 2
    assert "150" in capsys.readouterr().err
    assert main(["chute", "encode", "--ring", "A", "-o", str(tmp_path / "x.gif")]) == 2
    assert not (tmp_path / "x.gif").exists()
    bad = tmp_path / "bad.png"
    bad.write_text("hello")
    assert main(["chute", "decode", str(bad)]) == 2
    assert "not an image" in capsys.readouterr().err
    blank = tmp_path / "blank.png"
    import cv2
    import numpy as np

    cv2.imwrite(str(blank), np.full((120, 160, 3), 128, np.uint8))
    assert main(["chute", "decode", str(blank), "--json"]) == 2
    assert "no canopy found" in capsys.readouterr().err
    assert main(["chute", "decode"]) == 2
    assert main(["chute", "decode", "--bits", "01"]) == 2
