"""The ``marsound`` front door: help, usage errors and internal errors never leak a traceback.

The behaviour relied on from typer (pinned ``>=0.29,<0.30`` in pyproject.toml): usage errors
derive from ``typer.TyperException`` and carry ``exit_code`` and ``show()``; ``no_args_is_help``
raises such an error (exit code 2) whose ``show()`` prints the help.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import typer
import typer.main

from marsound.cli import main as cli_main
from marsound.cli.main import app, main


def _command_paths() -> list[tuple[str, ...]]:
    """Every command and group under ``marsound`` (so new subcommands are covered automatically)."""
    paths: list[tuple[str, ...]] = []

    def walk(cmd, prefix: tuple[str, ...]) -> None:
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            paths.append((*prefix, name))
            walk(sub, (*prefix, name))

    walk(typer.main.get_command(app), ())
    return paths


COMMANDS = _command_paths()


def _resolve(path: tuple[str, ...]):
    cmd = typer.main.get_command(app)
    for name in path:
        cmd = cmd.commands[name]
    return cmd


def _is_group(path: tuple[str, ...]) -> bool:
    return hasattr(_resolve(path), "commands")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_every_expected_command_is_registered() -> None:
    names = {p[0] for p in COMMANDS}
    assert {"physics", "demo", "render", "analyze", "chute"} <= names
    assert ("chute", "encode") in COMMANDS and ("chute", "decode") in COMMANDS


def test_no_arguments_prints_help_and_exits_2(capsys) -> None:
    # typer's no_args_is_help convention (as in its standalone mode): help text, exit code 2
    code, out, err = run(capsys)
    assert code == 2
    text = out + err
    assert "Usage: marsound" in text
    for name in ("physics", "render", "analyze", "chute", "demo"):
        assert name in text
    assert "Traceback" not in text


def test_help_exits_0_and_lists_every_command(capsys) -> None:
    code, out, err = run(capsys, "--help")
    assert code == 0 and "Traceback" not in out + err
    for path in COMMANDS:
        if len(path) == 1:
            assert path[0] in out


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_subcommand_help(capsys, path: tuple[str, ...]) -> None:
    code, out, err = run(capsys, *path, "--help")
    assert code == 0, err
    assert f"Usage: marsound {' '.join(path)}" in out
    assert err == ""


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_subcommand_unknown_option_is_a_usage_error(capsys, path: tuple[str, ...]) -> None:
    code, out, err = run(capsys, *path, "--no-such-option")
    assert code == 2
    assert "Usage: marsound" in err
    assert "No such option: --no-such-option" in err or "No such command" in err
    assert "Traceback" not in out + err


@pytest.mark.parametrize("path", [p for p in COMMANDS if _is_group(p)], ids=" ".join)
def test_group_without_command_prints_help_and_exits_2(capsys, path: tuple[str, ...]) -> None:
    code, out, err = run(capsys, *path)
    assert code == 2
    assert f"Usage: marsound {' '.join(path)}" in out + err
    assert "Commands:" in out + err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["bogus"], "No such command 'bogus'"),
        (["chute", "bogus"], "No such command 'bogus'"),
        (["physics"], "Missing option '--frequency-hz'"),
        (["physics", "-f", "abc"], "Invalid value for '--frequency-hz'"),
        (["physics", "-f"], "requires an argument"),
        (["physics", "-f", "100", "--humidity-pct", "x"], "Invalid value for '--humidity-pct'"),
        (["render"], "Missing argument"),
        (["render", "a.wav"], "Missing argument"),
        (["render", "a.wav", "b.wav", "-d", "abc"], "Invalid value for '--distance-m'"),
        (["render", "a.wav", "b.wav", "--source-distance-m", "x"], "Invalid value for '--source-distance-m'"),
        (["render", "a.wav", "b.wav", "c.wav", "-d", "1"], "unexpected extra argument"),
        (["analyze"], "Missing argument"),
        (["analyze", "x.wav", "--workers", "two"], "Invalid value for '--workers'"),
        (["analyze", "x.wav", "--spark-distance-m", "far"], "Invalid value for '--spark-distance-m'"),
        (["demo", "--seconds", "x"], "No such option: --seconds"),
        (["demo", "-o"], "requires an argument"),
        (["chute", "encode", "--size", "big"], "Invalid value for '--size'"),
        (["chute", "decode", "--max-frames", "many"], "Invalid value for '--max-frames'"),
        (["--version", "extra"], None),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else None,
)
def test_usage_errors_exit_2_with_typer_usage(capsys, args: list[str], words: str | None) -> None:
    code, out, err = run(capsys, *args)
    if words is None:  # --version is eager: prints and exits 0 whatever follows
        assert code == 0 and "marsound" in out
        return
    assert code == 2, (out, err)
    assert "Error: " in err  # typer's message (with the usage line when the parser knows the command)
    assert words.lower() in err.lower()
    assert "Traceback" not in out + err


def test_usage_errors_are_typer_exceptions() -> None:
    """The typer behaviour main() relies on (see the module docstring)."""
    with pytest.raises(typer.TyperException) as info:
        app(args=["bogus"], prog_name="marsound", standalone_mode=False)
    assert info.value.exit_code == 2 and callable(info.value.show)
    with pytest.raises(typer.TyperException) as info:
        app(args=[], prog_name="marsound", standalone_mode=False)
    assert info.value.exit_code == 2


@pytest.fixture
def broken_physics(monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("something broke\nsecond line")

    monkeypatch.setattr("marsound.cli.physics.physics_report", boom)


def test_internal_error_is_one_line_exit_1(capsys, broken_physics, monkeypatch) -> None:
    monkeypatch.delenv(cli_main.DEBUG_ENV, raising=False)
    code, _out, err = run(capsys, "physics", "-f", "100")
    assert code == 1
    assert err.startswith("error: internal error (RuntimeError: something broke)")
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


@pytest.mark.parametrize("how", ["flag", "env"])
def test_internal_error_traceback_on_request(capsys, broken_physics, monkeypatch, how: str) -> None:
    if how == "env":
        monkeypatch.setenv(cli_main.DEBUG_ENV, "1")
        args = ["physics", "-f", "100"]
    else:
        monkeypatch.delenv(cli_main.DEBUG_ENV, raising=False)
        args = ["--debug", "physics", "-f", "100"]
    code, _, err = run(capsys, *args)
    assert code == 1
    assert "Traceback" in err and "RuntimeError: something broke" in err


def test_debug_flag_does_not_persist_between_calls(capsys, broken_physics, monkeypatch) -> None:
    monkeypatch.delenv(cli_main.DEBUG_ENV, raising=False)
    run(capsys, "--debug", "physics", "-f", "100")
    code, _, err = run(capsys, "physics", "-f", "100")
    assert code == 1 and "Traceback" not in err


def test_marsound_error_is_one_line_exit_2(capsys) -> None:
    code, _out, err = run(capsys, "physics", "-f", "-5")
    assert code == 2
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "code"),
    [([], 2), (["--help"], 0), (["bogus"], 2), (["physics", "-f", "abc"], 2), (["render", "--help"], 0)],
)
def test_real_process_never_prints_a_traceback(args: list[str], code: int) -> None:
    """Through ``python -m marsound`` (the same main() as the console script), a fresh interpreter."""
    env = {k: v for k, v in os.environ.items() if k != cli_main.DEBUG_ENV}
    proc = subprocess.run(
        [sys.executable, "-m", "marsound", *args], capture_output=True, text=True, timeout=60, env=env
    )
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
