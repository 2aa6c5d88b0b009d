"""The direct conversion of plain CLI values (marsound.cli._coercion) gives what typer's pydantic path gives."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from marsound.cli import _coercion
from marsound.cli.main import main

FLOAT = TypeAdapter(float)
INT = TypeAdapter(int)
PATH = TypeAdapter(Path)


@settings(max_examples=400, deadline=None)
@given(st.from_regex(_coercion._FLOAT, fullmatch=True))
def test_plain_float_strings_convert_as_pydantic_does(text: str) -> None:
    fast = _coercion._to_float(text)
    slow = FLOAT.validate_python(text)
    assert type(fast) is type(slow) and (fast == slow or (fast != fast and slow != slow)), text


@settings(max_examples=300, deadline=None)
@given(st.from_regex(_coercion._INT, fullmatch=True))
def test_plain_int_strings_convert_as_pydantic_does(text: str) -> None:
    fast = _coercion._to_int(text)
    slow = INT.validate_python(text)
    assert type(fast) is type(slow) and fast == slow, text


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False).map(repr))
def test_python_float_reprs_convert_as_pydantic_does_when_plain(text: str) -> None:
    if not _coercion._FLOAT.match(text):
        return  # not plain (e.g. 1e-300): typer's own path decides
    assert _coercion._to_float(text) == FLOAT.validate_python(text)


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1).filter(lambda s: "\x00" not in s))
def test_paths_convert_as_pydantic_does(text: str) -> None:
    assert _coercion._to_path(Path)(text) == PATH.validate_python(text)


@pytest.mark.parametrize("text", ["nan", "inf", "1_000", " 5", "5 ", "abc", "", "0x10", "1e999", "١٢"])
def test_other_strings_are_left_to_typer(text: str) -> None:
    for convert in (_coercion._to_float, _coercion._to_int):
        with pytest.raises(_coercion._NotPlain):
            convert(text)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-d", "abc"], "Invalid value for '--distance-m'"),
        (["-d", "1", "-d", "x"], "Invalid value for '--distance-m'"),
        (["-d", "1", "--source-distance-m", "nan!"], "Invalid value for '--source-distance-m'"),
    ],
)
def test_values_that_are_not_plain_get_typer_messages(capsys, args: list[str], message: str) -> None:
    assert main(["render", "in.wav", "out.wav", *args]) == 2
    assert message in capsys.readouterr().err


def test_plain_values_reach_the_command_converted(tmp_path, monkeypatch) -> None:
    seen: dict[str, object] = {}

    def fake_render_file(input_path, output_path, dist, atm, **kwargs):
        seen.update(input_path=input_path, dist=dist, **kwargs)
        return []

    monkeypatch.setattr("marsound.rendering.render_file", fake_render_file)
    code = main(["render", str(tmp_path / "a.wav"), str(tmp_path / "b.wav"), "-d", "2", "-d", "1e1",
                 "--source-distance-m", ".5", "--model", "molecular"])  # fmt: skip
    assert code == 0
    assert seen["input_path"] == tmp_path / "a.wav" and isinstance(seen["input_path"], Path)
    assert seen["dist"] == [2.0, 10.0] and all(type(d) is float for d in seen["dist"])  # type: ignore[attr-defined]
    assert seen["source_distance_m"] == 0.5 and seen["model"] == "molecular"


def test_render_runs_without_importing_pydantic(tmp_path) -> None:
    """``marsound render`` imports neither pydantic (direct conversion) nor the other subcommands' libraries."""
    import numpy as np
    import soundfile as sf

    src = tmp_path / "in.wav"
    sf.write(src, np.zeros(4800, np.float32), 48_000, subtype="FLOAT")
    code = (
        "import sys; from marsound.cli.main import main; "
        f"rc = main(['render', {str(src)!r}, {str(tmp_path / 'out.wav')!r}, '-d', '20', '--preset', 'jezero']); "
        "heavy = ('pydantic', 'marsound.recordings', 'marsound.landing', 'marsound.web', 'marsound.chute'); "
        "print(rc, sorted(m for m in sys.modules if m.startswith(heavy)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "0 []"
