"""The CLI restates no library default: every option named like a library parameter has its default.

The idea of python-soundfile's ``test_argspec.py``: compare signatures, so that changing a default
in the library without the CLI (or the reverse) fails here.
"""

from __future__ import annotations

import inspect

import pytest
import typer

from marsound.cli.main import app
from marsound.physics import DEFAULT_MODEL, DEFAULT_PRESET
from marsound.recordings.analysis import analyze_file
from marsound.recordings.batch import analyze_many
from marsound.rendering import render_file
from marsound.rendering.filters import DEFAULT_SOURCE_PRESET


def cli_defaults(command: str) -> dict[str, object]:
    group = typer.main.get_command(app)
    cmd = group.commands[command]  # type: ignore[attr-defined]
    return {p.name: p.default for p in cmd.params}


def library_defaults(*funcs) -> dict[str, object]:
    out: dict[str, object] = {}
    for func in funcs:
        for name, p in inspect.signature(func).parameters.items():
            if p.default is not inspect.Parameter.empty:
                out.setdefault(name, p.default)
    return out


@pytest.mark.parametrize(
    ("command", "funcs", "at_least"),
    [
        ("render", (render_file,), {"source_distance_m", "source_model", "model", "normalize"}),
        ("analyze", (analyze_file, analyze_many), {"label", "spark_distance_m", "spark_trigger_offset_s",
                                                   "wind_reference", "workers"}),
    ],
)  # fmt: skip
def test_cli_options_default_to_the_library(command, funcs, at_least):
    cli, lib = cli_defaults(command), library_defaults(*funcs)
    shared = set(cli) & set(lib)
    assert at_least <= shared, f"{command}: options no longer shared with the library: {at_least - shared}"
    for name in sorted(shared):
        assert cli[name] == lib[name], f"marsound {command} --{name}: CLI {cli[name]!r} != library {lib[name]!r}"


def test_named_defaults_used_by_cli():
    render = cli_defaults("render")
    assert render["preset"] == DEFAULT_PRESET
    assert render["model"] == DEFAULT_MODEL
    assert render["source_preset"] == DEFAULT_SOURCE_PRESET
    analyze = cli_defaults("analyze")
    assert analyze["no_audio"] is not inspect.signature(analyze_file).parameters["write_audio"].default
