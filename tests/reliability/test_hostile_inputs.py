"""Hostile inputs against every subcommand: a one-line error and exit 2, never a traceback or a hang.

Each case is the command line (``{h}`` = the folder of hostile inputs built by ``conftest.py``,
``{out}`` = a fresh output folder), the expected exit code, key words of the error (any of them,
case-insensitive), and how to run it:

* ``run="main"``: in this process through :func:`marsound.cli.main.main` (fast), under a
  ``SIGALRM`` watchdog (FIFOs, link loops: a hang fails the test);
* ``run="proc"``: in a child process with a timeout: devices (``/dev/zero`` never ends) and
  FIFOs handed to C decoders (libsndfile, FFmpeg, numpy), which may retry an interrupted open;
* ``mem_mb=N``: in a child process under ``RLIMIT_AS`` = N MiB, so a regression that allocates
  from a small file's claims fails instead of swapping the machine.

After every case: no input file changed (hashes before/after), nothing left in the output
folder (the folder is compared with its state before the run), no temporary file anywhere.
"""

from __future__ import annotations

import hashlib
import os
import resource
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from marsound.cli.main import main

#: Address-space budget of a child process for the memory-bounded cases (imports take ~1 GiB of it).
MEM_MB = 1600

LONG_NAME = "x" * 300
#: Seconds before an in-process case counts as hung.
HANG_S = 30


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple[str, ...]
    code: int = 2
    words: tuple[str, ...] = ()
    run: str = "main"  # "main" | "proc"
    mem_mb: int | None = None
    xfail: str | None = None
    usage: bool = False  # refused by typer's parser (usage message) rather than by marsound


def C(id: str, args: str, code: int = 2, words: str | tuple[str, ...] = (), **kw) -> Case:
    return Case(id, tuple(args.split()), code, (words,) if isinstance(words, str) else tuple(words), **kw)


R = "render {h}/good.wav {out}/o.wav"
L = "landing simulate -m perseverance"
NOT_REGULAR = ("not a regular file", "fifo", "device", "folder", "directory")
CANNOT_WRITE = ("cannot write", "cannot create", "not writable", "is a folder", "is a directory", "too long")

CASES: list[Case] = [
    # ---------------------------------------------------------------- render: input files
    C("render-missing", "render {h}/nope.wav {out}/o.wav -d 5", words="does not exist"),
    C("render-folder", "render {h}/folder.wav {out}/o.wav -d 5", words=NOT_REGULAR),
    C("render-fifo", "render {h}/fifo.wav {out}/o.wav -d 5", words=NOT_REGULAR, run="proc"),
    C("render-dev-zero", "render /dev/zero {out}/o.wav -d 5", words=NOT_REGULAR, run="proc"),
    C("render-empty", "render {h}/empty.wav {out}/o.wav -d 5", words=("empty", "cannot read")),
    C("render-garbage", "render {h}/garbage.wav {out}/o.wav -d 5", words=("cannot read", "not a riff")),
    C("render-truncated-wav", "render {h}/trunc.wav {out}/o.wav -d 5", words="truncated"),
    C("render-output-is-input", "render {h}/good.wav {h}/good.wav -d 5", words="same as"),
    # ---------------------------------------------------------------- render: outputs
    C("render-out-proc", "render {h}/good.wav /proc/marsound-test/o.wav -d 5", words=CANNOT_WRITE),
    C("render-out-dir-in-way", "render {h}/good.wav {out}/taken.wav -d 5", words=CANNOT_WRITE),
    C("render-out-parent-is-file", "render {h}/good.wav {out}/file/o.wav -d 5", words=CANNOT_WRITE),
    C("render-out-name-too-long", f"render {{h}}/good.wav {{out}}/{LONG_NAME}.wav -d 5", words=CANNOT_WRITE),
    C("render-out-format", "render {h}/good.wav {out}/o.xyz -d 5", words="unsupported output format"),
    # the sidecar cannot be written: the audio must not be committed either
    C("render-sidecar-dir-in-way", "render {h}/good.wav {out}/side.wav -d 5", words=CANNOT_WRITE),
    C("render-second-output-blocked", "render {h}/good.wav {out}/m.wav -d 5 -d 7", words=CANNOT_WRITE),
    # ---------------------------------------------------------------- render: numbers
    C("render-d-nan", f"{R} -d nan", words="distance"),
    C("render-d-inf", f"{R} -d inf", words="distance"),
    C("render-d-zero", f"{R} -d 0", words="distance"),
    C("render-d-negative", f"{R} -d -3", words="distance"),
    C("render-d-1e400", f"{R} -d 1e400", words="distance"),
    C("render-d-1e9", f"{R} -d 1e9", words="distance", mem_mb=MEM_MB),
    C("render-d-1e6", f"{R} -d 1e6", words="distance", mem_mb=MEM_MB),
    C("render-listener-inside-source-distance", f"{R} -d 1 --source-distance-m 100", words="recording distance"),
    C("render-source-distance-nan", f"{R} -d 5 --source-distance-m nan", words="source_distance"),
    C("render-source-distance-zero", f"{R} -d 5 --source-distance-m 0", words="source_distance"),
    C("render-temperature-nan", f"{R} -d 5 --temperature-k nan", words="temperature"),
    C("render-temperature-1e400", f"{R} -d 5 --temperature-k 1e400", words="temperature"),
    C("render-pressure-negative", f"{R} -d 5 --pressure-pa -1", words="pressure"),
    C("render-humidity-nan", f"{R} -d 5 --humidity-pct nan", words="humidity"),
    C("render-composition-nan", f"{R} -d 5 --composition CO2=nan", words="mole fraction"),
    C("render-composition-garbage", f"{R} -d 5 --composition CO2", words="composition"),
    C("render-preset-unknown", f"{R} -d 5 --preset pluto", words="unknown"),
    C("render-source-model-unknown", f"{R} -d 5 --source-model loud", words="unknown"),
    C("render-model-unknown", f"{R} -d 5 --model magic", words="unknown"),
    C("render-no-distance", R, words="--distance-m is required"),
    # ---------------------------------------------------------------- render: trajectories
    C("traj-missing", f"{R} --trajectory {{h}}/nope.csv", words="does not exist"),
    C("traj-fifo", f"{R} --trajectory {{h}}/fifo.csv", words=NOT_REGULAR),
    C("traj-folder", f"{R} --trajectory {{h}}/folder.wav", words=NOT_REGULAR),
    C("traj-times-1e300", f"{R} --trajectory {{h}}/traj_1e300.csv", words="time"),
    C("traj-nan", f"{R} --trajectory {{h}}/traj_nan.csv", words=("finite", "nan")),
    C("traj-inf", f"{R} --trajectory {{h}}/traj_inf.csv", words=("finite", "inf")),
    C("traj-1e400", f"{R} --trajectory {{h}}/traj_1e400.csv", words=("finite", "inf")),
    C("traj-far", f"{R} --trajectory {{h}}/traj_far.csv", words="distance", mem_mb=MEM_MB),
    C("traj-long", f"{R} --trajectory {{h}}/traj_long.csv", words="time", mem_mb=MEM_MB),
    C("traj-supersonic", f"{R} --trajectory {{h}}/traj_supersonic.csv", words=("supersonic", "speed")),
    C("traj-binary", f"{R} --trajectory {{h}}/traj_binary.csv", words="trajectory"),
    C("traj-3-columns", f"{R} --trajectory {{h}}/traj_3col.csv", words="columns"),
    C("traj-header-only", f"{R} --trajectory {{h}}/traj_header_only.csv", words="no data rows"),
    C("traj-and-distance", f"{R} -d 5 --trajectory {{h}}/traj_ok.csv", words="not both"),
    C("traj-big-bounded-memory", f"{R} --trajectory {{h}}/traj_big.csv", words=("rows", "time"), mem_mb=MEM_MB),
    # ---------------------------------------------------------------- analyze: inputs
    C("analyze-missing", "analyze {h}/nope.wav -o {out}", words="does not exist"),
    C("analyze-fifo", "analyze {h}/fifo.wav -o {out}", words=NOT_REGULAR, run="proc"),
    C("analyze-fifo-fits", "analyze {h}/fifo.fits -o {out}", words=NOT_REGULAR),
    C("analyze-dev-null", "analyze /dev/null -o {out}", words=NOT_REGULAR, run="proc"),
    C("analyze-empty", "analyze {h}/empty.wav -o {out}", words=("empty", "not a riff")),
    C("analyze-garbage", "analyze {h}/garbage.wav -o {out}", words=("not a riff", "cannot read")),
    C("analyze-truncated-wav", "analyze {h}/trunc.wav -o {out}", words="truncated"),
    C("analyze-truncated-fits", "analyze {h}/trunc.fits -o {out}", words=("truncated", "not a readable fits")),
    C("analyze-fits-samp-str", "analyze {h}/kw_samp_str.fits -o {out}", words="mic_samp"),
    C("analyze-fits-samp-huge", "analyze {h}/kw_samp_huge.fits -o {out}", words="mic_samp"),
    C("analyze-fits-gain-str", "analyze {h}/kw_gain_str.fits -o {out}", words="mic_gain"),
    C("analyze-fits-gain-float", "analyze {h}/kw_gain_float.fits -o {out}", words="mic_gain"),
    C("analyze-fits-shots-str", "analyze {h}/kw_shots_str.fits -o {out}", words="lasdns00"),
    C("analyze-fits-numw-str", "analyze {h}/kw_numw_str.fits -o {out}", words="hss_numw"),
    C("analyze-fits-down-str", "analyze {h}/kw_down_str.fits -o {out}", words="mic_down"),
    C("analyze-fits-int64-wraps", "analyze {h}/int64.fits -o {out}", words=("12-bit", "range", "integer")),
    C("analyze-fits-sparse", "analyze {h}/sparse.fits -o {out}", words=("rows", "samples"), mem_mb=MEM_MB),
    C("analyze-label-fifo", "analyze {h}/good.wav --label {h}/fifo.xml -o {out}", words=NOT_REGULAR),
    C("analyze-label-missing", "analyze {h}/good.wav --label {h}/nope.xml -o {out}", words="does not exist"),
    C("analyze-label-rate-nan", "analyze {h}/good.wav --label {h}/label_rate_nan.xml -o {out}", words="sampling_rate"),
    C("analyze-label-rate-inf", "analyze {h}/good.wav --label {h}/label_rate_inf.xml -o {out}", words="sampling_rate"),
    C(
        "analyze-label-rate-1e400",
        "analyze {h}/good.wav --label {h}/label_rate_1e400.xml -o {out}",
        words="sampling_rate",
    ),
    C(
        "analyze-label-rate-negative",
        "analyze {h}/good.wav --label {h}/label_rate_neg.xml -o {out}",
        words="sampling_rate",
    ),
    C(
        "analyze-label-elements-1e400",
        "analyze {h}/good.wav --label {h}/label_elements_1e400.xml -o {out}",
        words="elements",
    ),
    C(
        "analyze-label-elements-nan",
        "analyze {h}/good.wav --label {h}/label_elements_nan.xml -o {out}",
        words="elements",
    ),
    C("analyze-label-xxe", "analyze {h}/good.wav --label {h}/label_xxe.xml -o {out}", words="refused"),
    C(
        "analyze-wind-fifo",
        "analyze {h}/good.wav --wind-reference {h}/fifo.csv -o {out}",
        words=NOT_REGULAR,
    ),
    C("analyze-wind-nan", "analyze {h}/good.wav --wind-reference {h}/wind_nan.csv -o {out}", words="finite"),
    C("analyze-spark-nan", "analyze {h}/good.wav --spark-distance-m nan -o {out}", words="spark"),
    C("analyze-spark-negative", "analyze {h}/good.wav --spark-distance-m -2 -o {out}", words="spark"),
    C("analyze-trigger-inf", "analyze {h}/good.wav --spark-trigger-offset-s inf -o {out}", words="trigger"),
    C("analyze-workers-zero", "analyze {h}/batch -o {out} --workers 0", words="workers", usage=True),
    C("analyze-workers-negative", "analyze {h}/batch -o {out} --workers -3", words="workers", usage=True),
    C("analyze-glob-nothing", "analyze {h}/*.nomatch -o {out}", words="no recording matches"),
    C("analyze-label-in-batch", "analyze {h}/batch --label {h}/label_ok.xml -o {out}", words="single file"),
    C("analyze-out-proc", "analyze {h}/good.wav -o /proc/marsound-test", words=CANNOT_WRITE),
    C("analyze-out-is-file", "analyze {h}/good.wav -o {out}/file", words=CANNOT_WRITE),
    C("analyze-out-name-too-long", f"analyze {{h}}/good.wav -o {{out}}/{LONG_NAME}", words=CANNOT_WRITE),
    # ---------------------------------------------------------------- chute decode
    C("decode-missing", "chute decode {h}/nope.png", words="does not exist"),
    C("decode-folder", "chute decode {h}/folder.wav", words=NOT_REGULAR),
    C("decode-fifo-image", "chute decode {h}/fifo.png", words=NOT_REGULAR, run="proc"),
    C("decode-fifo-video", "chute decode {h}/fifo.mp4", words=NOT_REGULAR, run="proc"),
    C("decode-dev-zero", "chute decode /dev/zero", words=NOT_REGULAR, run="proc"),
    C("decode-empty", "chute decode {h}/empty.wav", words=("empty", "not an image")),
    C("decode-garbage-png", "chute decode {h}/garbage.png", words="not an image"),
    C("decode-garbage-mp4", "chute decode {h}/garbage.mp4", words="not a readable video"),
    C("decode-truncated-png", "chute decode {h}/trunc.png", words=("truncated", "not an image", "canopy")),
    C("decode-huge-png", "chute decode {h}/huge.png", words="pixels", mem_mb=MEM_MB),
    C("decode-huge-gif", "chute decode {h}/huge.gif", words="pixels", mem_mb=MEM_MB),
    C("decode-huge-gif-as-png", "chute decode {h}/huge-gif.png", words="pixels", mem_mb=MEM_MB),
    C("decode-max-frames-zero", "chute decode {h}/garbage.mp4 --max-frames 0", words="max_frames"),
    C("decode-bits-garbage", "chute decode --bits hello", words="not 0/1"),
    C("decode-both", "chute decode {h}/garbage.png --bits 0101", words="not both"),
    # ---------------------------------------------------------------- chute encode
    C("encode-nothing", "chute encode", words="at least one"),
    C("encode-bad-letters", "chute encode --ring héllo", words=("character", "symbol", "a-z")),
    C("encode-value-too-big", "chute encode --ring 999", words="127"),
    C("encode-size-zero", "chute encode --ring A --size 0 -o {out}/c.png", words="size"),
    C("encode-size-huge", "chute encode --ring A --size 1000000000 -o {out}/c.png", words="size", mem_mb=MEM_MB),
    C("encode-colour-garbage", "chute encode --ring A --red notacolour -o {out}/c.png", words=("colour", "color")),
    C("encode-view-unknown", "chute encode --ring A --view sideways -o {out}/c.svg", words="view"),
    C("encode-out-format", "chute encode --ring A -o {out}/c.xyz", words=("format", "suffix")),
    C("encode-out-proc", "chute encode --ring A -o /proc/marsound-test/c.svg", words=CANNOT_WRITE),
    C("encode-out-dir-in-way", "chute encode --ring A -o {out}/taken.png", words=CANNOT_WRITE),
    C("encode-out-name-too-long", f"chute encode --ring A -o {{out}}/{LONG_NAME}.svg", words=CANNOT_WRITE),
    # ---------------------------------------------------------------- physics
    C("physics-f-nan", "physics -f nan", words="frequency"),
    C("physics-f-inf", "physics -f inf", words="frequency"),
    C("physics-f-1e400", "physics -f 1e400", words="frequency"),
    C("physics-f-zero", "physics -f 0", words="frequency"),
    C("physics-f-negative", "physics -f -100", words="frequency"),
    C("physics-temperature-nan", "physics -f 100 --temperature-k nan", words="temperature"),
    C("physics-temperature-zero", "physics -f 100 --temperature-k 0", words="temperature"),
    C("physics-pressure-inf", "physics -f 100 --pressure-pa inf", words="pressure"),
    C("physics-humidity-200", "physics -f 100 --humidity-pct 200", words="humidity"),
    C("physics-composition-sum", "physics -f 100 --composition CO2=0.5", words="mole fractions sum"),
    C("physics-composition-unknown", "physics -f 100 --composition XX=1", words="unknown"),
    C("physics-model-unknown", "physics -f 100 --model magic", words="unknown"),
    C("physics-preset-unknown", "physics -f 100 --preset pluto", words="unknown"),
    C("physics-plot-proc", "physics -f 100 --plot /proc/marsound-test/p.png", words=CANNOT_WRITE),
    C("physics-plot-dir-in-way", "physics -f 100 --plot {out}/taken.png", words=CANNOT_WRITE),
    C("physics-plot-name-too-long", f"physics -f 100 --plot {{out}}/{LONG_NAME}.png", words=CANNOT_WRITE),
    C("physics-plot-format", "physics -f 100 --plot {out}/p.xyz", words="format"),
    # ---------------------------------------------------------------- demo
    C("demo-out-proc", "demo -o /proc/marsound-test", words=CANNOT_WRITE),
    C("demo-out-is-file", "demo -o {out}/file", words=CANNOT_WRITE),
    C("demo-out-name-too-long", f"demo -o {{out}}/{LONG_NAME}", words=CANNOT_WRITE),
    # ---------------------------------------------------------------- landing
    C("landing-timeline-unknown", "landing timeline -m pluto", words="unknown mission"),
    C("landing-simulate-unknown", "landing simulate -m pluto", words="unknown mission"),
    C("landing-vehicle-fifo", f"{L} --vehicle {{h}}/fifo.json", words=NOT_REGULAR),
    C("landing-vehicle-missing", f"{L} --vehicle {{h}}/nope.json", words="does not exist"),
    C("landing-vehicle-nan", f"{L} --vehicle {{h}}/vehicle_nan.json", words="finite"),
    C("landing-vehicle-1e400", f"{L} --vehicle {{h}}/vehicle_1e400.json", words="finite"),
    C("landing-vehicle-garbage", f"{L} --vehicle {{h}}/vehicle_garbage.json", words="cannot read"),
    C("landing-vehicle-huge", f"{L} --vehicle {{h}}/vehicle_huge.json", words="over the limit"),
    C("landing-profile-fifo", f"{L} --profile {{h}}/fifo.csv", words=NOT_REGULAR),
    C("landing-profile-nan", f"{L} --profile {{h}}/profile_nan.csv", words="non-finite"),
    C("landing-out-proc", f"{L} -o /proc/marsound-test/t.csv", words=CANNOT_WRITE),
    C("landing-out-dir-in-way", f"{L} -o {{out}}/taken.wav", words=CANNOT_WRITE),
    # ---------------------------------------------------------------- globs
    C("analyze-glob-symlink-loop", "analyze {h}/loop/**/*.wav -o {out} --no-audio --workers 1", code=0),
    C("analyze-folder-symlink-loop", "analyze {h}/loop -o {out} --no-audio --workers 1", code=0),
]


def _state(folder: Path) -> dict[str, object]:
    """Every entry under ``folder`` (links not followed) -> a digest (regular files) or its kind."""
    state: dict[str, object] = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            p = Path(root) / name
            rel = str(p.relative_to(folder))
            st = p.lstat()
            if p.is_symlink():
                state[rel] = ("link", os.readlink(p))
            elif p.is_dir():
                state[rel] = "dir"
            elif not p.is_file():
                state[rel] = ("special", st.st_mode)
            elif st.st_size > 16 << 20:  # the sparse FITS: size and time only
                state[rel] = (st.st_size, st.st_mtime_ns)
            else:
                state[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return state


@pytest.fixture(scope="session")
def hostile_state(hostile: Path) -> dict[str, object]:
    return _state(hostile)


def _child_limits(mem_mb: int | None):
    def apply() -> None:
        os.setsid()  # its own process group: a timeout kill takes its workers too
        if mem_mb is not None:
            limit = mem_mb << 20
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def run_child(args: list[str], *, mem_mb: int | None = None, timeout: float = 25) -> tuple[int, str, str]:
    """``python -m marsound ARGS`` in a fresh process (own session, optional address-space limit)."""
    env = {k: v for k, v in os.environ.items() if k != "MARSOUND_DEBUG"}
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "marsound", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        preexec_fn=_child_limits(mem_mb),
    )  # fmt: skip
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.communicate()
        pytest.fail(f"marsound {' '.join(args)} hung (> {timeout} s)")
    return proc.returncode, out, err


class Hung(Exception):
    pass


def _main_with_alarm(args: list[str], seconds: int) -> int:
    """``main(args)`` in this process; SIGALRM after ``seconds`` turns a hang into a failure.

    A blocked ``open()`` of a FIFO is interrupted too (PEP 475: the handler's exception wins).
    """

    def ring(signum, frame):
        raise Hung(f"marsound {' '.join(args)} hung (> {seconds} s)")

    old = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        return main(args)
    except Hung as exc:
        pytest.fail(str(exc))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _prepare_out(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    (out / "taken.wav").mkdir()  # a directory where an output file should go
    (out / "taken.png").mkdir()
    (out / "file").write_text("a regular file where a folder should be\n")
    (out / "side.wav.json").mkdir()  # where render's sidecar goes
    (out / "m_7m.wav").mkdir()  # where the second of two renders goes
    return out


def _params():
    for case in CASES:
        marks = [pytest.mark.xfail(reason=case.xfail, strict=True)] if case.xfail else []
        yield pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", list(_params()))
def test_hostile_input(case: Case, hostile: Path, hostile_state, tmp_path: Path, capsys) -> None:
    out = _prepare_out(tmp_path)
    before_out = _state(out)
    args = [a.format(h=hostile, out=out) for a in case.args]
    if case.run == "proc" or case.mem_mb is not None:
        code, stdout, stderr = run_child(args, mem_mb=case.mem_mb)
    else:
        code = _main_with_alarm(args, HANG_S)
        stdout, stderr = capsys.readouterr()
    assert "Traceback" not in stdout + stderr, stderr
    assert code == case.code, f"exit {code}, stderr: {stderr!r}"
    if case.code == 2:
        lines = [line for line in stderr.splitlines() if line.strip()]
        if not case.usage:
            assert len(lines) == 1 and lines[0].startswith("error: "), f"not one error line: {stderr!r}"
        else:  # refused by the parser (typer's range check): typer's usage message
            assert lines[0].startswith("Usage: marsound") and lines[-1].startswith("Error: "), stderr
        assert any(w.lower() in stderr.lower() for w in case.words), f"none of {case.words} in {stderr!r}"
        assert _state(out) == before_out, "a failed run left files behind"
    assert _state(hostile) == hostile_state, "an input file or folder was changed"
