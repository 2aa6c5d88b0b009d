"""``marsound render`` command line."""

from __future__ import annotations

import json

import numpy as np
import soundfile as sf

from marsound.cli.main import main


def _input(tmp_path):
    p = tmp_path / "in.wav"
    sf.write(p, (0.1 * np.random.default_rng(0).standard_normal(4800)).astype(np.float32), 48_000, subtype="FLOAT")
    return p


def test_render_several_distances(tmp_path, capsys):
    src = _input(tmp_path)
    rc = main(["render", str(src), str(tmp_path / "out.wav"), "-d", "2", "-d", "50", "--preset", "jezero"])
    assert rc == 0
    out = capsys.readouterr().out
    assert "out_2m.wav" in out and "out_50m.wav" in out and "applied gain -54.16 dB" in out
    assert (tmp_path / "out_2m.wav").is_file() and (tmp_path / "out_50m.wav.json").is_file()


def test_render_json_trajectory_and_options(tmp_path, capsys):
    src = _input(tmp_path)
    traj = tmp_path / "t.csv"
    traj.write_text("time_s,distance_m\n0,30\n0.1,28\n")
    rc = main(
        [
            "render",
            str(src),
            str(tmp_path / "m.flac"),
            "--trajectory",
            str(traj),
            "--temperature-k",
            "220",
            "--source-model",
            "equal-velocity",
            "--normalize",
            "--json",
        ]
    )
    assert rc == 0
    (rep,) = json.loads(capsys.readouterr().out)
    assert rep["distance_m"] is None and rep["source_model"] == "equal-velocity"
    assert abs(rep["output_peak"] - 10 ** (-1 / 20)) < 1e-4


def test_render_errors_exit_2_without_output(tmp_path, capsys):
    src = _input(tmp_path)
    assert main(["render", str(src), str(tmp_path / "o.wav"), "-d", "0"]) == 2
    assert "distance_m" in capsys.readouterr().err
    assert main(["render", str(src), str(tmp_path / "o.wav")]) == 2
    assert "--distance-m is required" in capsys.readouterr().err
    assert main(["render", str(src), str(src), "-d", "3"]) == 2
    assert main(["render", str(src), str(tmp_path / "o.wav"), "-d", "3", "--source-model", "loud"]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.wav"]


def _program(*args: str, **env: str):
    """``python -m marsound ARGS`` (the program: :func:`marsound.cli.main.run`), stdout/stderr piped."""
    import os
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "marsound", *args], capture_output=True, text=True, timeout=120,
        env={**os.environ, **env},
    )


def test_program_exits_with_main_code_and_flushed_output(tmp_path):
    src = _input(tmp_path)
    out = tmp_path / "out.wav"
    ok = _program("render", str(src), str(out), "-d", "5", "--json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)[0]["output_frames"] == sf.info(out).frames  # the whole JSON, flushed at exit
    bad = _program("render", str(src), str(out), "-d", "5", "--preset", "nope")
    assert bad.returncode == 2 and bad.stderr.startswith("error: unknown preset") and bad.stderr.endswith("\n")
    usage = _program("render")
    assert usage.returncode == 2 and "Missing argument" in usage.stderr


def test_program_sets_lean_process_only_for_render():
    import os
    import subprocess
    import sys

    probe = (
        "import gc, os, sys\n"
        "import marsound.cli.main as m\n"
        "m.main = lambda args: print(os.environ.get('OPENBLAS_NUM_THREADS'), gc.isenabled()) or 0\n"
        "m.run(sys.argv[1:])\n"
    )

    def seen(*args: str, **env: str) -> str:
        base = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
        done = subprocess.run(
            [sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=60, env={**base, **env}
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert seen("render", "in.wav", "out.wav") == "1 False"
    assert seen("--debug", "render") == "1 False"
    assert seen("render", OPENBLAS_NUM_THREADS="3") == "3 False"  # the user's setting wins
    assert seen("physics", "sound-speed") == "None True"
    assert seen() == "None True"
