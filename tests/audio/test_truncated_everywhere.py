"""A WAV cut short is refused the same way by ``marsound render``, ``marsound analyze`` and the API."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from marsound.cli.main import main
from marsound.errors import FileFormatError
from marsound.physics import preset
from marsound.recordings import analyze_file, read
from marsound.rendering import render_file


@pytest.fixture
def truncated_wav(tmp_path):
    p = tmp_path / "cut.wav"
    x = (0.1 * np.random.default_rng(3).standard_normal(48_000)).astype(np.float32)
    sf.write(p, x, 48_000, subtype="FLOAT")
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])  # what a user gets by cutting the file in half
    return p


def _cli_error(capsys, argv):
    rc = main(argv)
    err = capsys.readouterr().err.strip().splitlines()
    return rc, err[-1] if err else ""


def test_truncated_wav_refused_identically(truncated_wav, tmp_path, capsys):
    before = truncated_wav.read_bytes()
    out = tmp_path / "out"
    rc_render, line_render = _cli_error(capsys, ["render", str(truncated_wav), str(tmp_path / "o.wav"), "-d", "10"])
    rc_analyze, line_analyze = _cli_error(capsys, ["analyze", str(truncated_wav), "-o", str(out)])
    assert rc_render == rc_analyze == 2
    assert line_render == line_analyze
    assert line_render.startswith("error: cut.wav is truncated: the data chunk declares 192000 bytes")
    messages = []
    for call in (
        lambda: render_file(truncated_wav, tmp_path / "o.wav", 10.0, preset("jezero")),
        lambda: analyze_file(truncated_wav, out_dir=out),
        lambda: read(truncated_wav),
    ):
        with pytest.raises(FileFormatError) as exc:
            call()
        messages.append(str(exc.value))
    assert len(set(messages)) == 1 and f"error: {messages[0]}" == line_render
    assert truncated_wav.read_bytes() == before  # the input is never modified
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cut.wav"]  # and nothing was written
