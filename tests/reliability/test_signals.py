"""Signals during long work: nothing partial survives, exit code 128 + n, no worker outlives the batch.

Each test starts a real ``python -m marsound`` process, waits until it is visibly writing (a
temporary ``.part`` file, or worker processes), sends the signal, and checks the folder.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

SIGNALS = [signal.SIGTERM, signal.SIGHUP, signal.SIGINT]


@pytest.fixture(scope="module")
def long_wav(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("long") / "long.wav"
    rng = np.random.default_rng(3)
    sf.write(p, (0.1 * rng.standard_normal((90 * 48_000, 2))).astype(np.float32), 48_000, subtype="FLOAT")
    return p


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("batch")
    rng = np.random.default_rng(4)
    for k in range(6):
        sf.write(d / f"p{k}.wav", (0.1 * rng.standard_normal(40 * 48_000)).astype(np.float32), 48_000, subtype="FLOAT")
    return d


def _start(args: list[str]) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "MARSOUND_DEBUG"}
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    return subprocess.Popen(
        [sys.executable, "-m", "marsound", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        start_new_session=True,
    )  # fmt: skip


def _wait_for(cond, proc: subprocess.Popen[str], timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        if proc.poll() is not None:
            _out, err = proc.communicate()
            pytest.fail(f"the process ended (exit {proc.returncode}) before the signal: {err[-500:]}")
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    pytest.fail("the process never reached the point to interrupt")


def _finish(proc: subprocess.Popen[str], timeout: float = 30.0) -> tuple[int, str]:
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"still running {timeout} s after the signal")
    return proc.returncode, err


def _temporaries(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if ".part" in p.name or p.name.startswith("."))


def _children(pid: int) -> set[int]:
    kids: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids |= {int(x) for x in (task / "children").read_text().split()}
        except OSError:
            pass
    return kids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_render_interrupted_leaves_nothing_partial(long_wav: Path, tmp_path: Path, sig: signal.Signals) -> None:
    out = tmp_path / "out"
    proc = _start(["render", str(long_wav), str(out / "o.wav"), "-d", "2", "-d", "20", "-d", "200", "-d", "2000"])
    _wait_for(lambda: bool(out.is_dir() and _temporaries(out)), proc)
    time.sleep(0.2)
    os.kill(proc.pid, sig)
    code, err = _finish(proc)
    assert code == 128 + sig, err
    assert "Traceback" not in err
    assert f"interrupted by {sig.name}" in err
    assert _temporaries(out) == []
    audio = sorted(p.stem for p in out.glob("*.wav"))
    sidecars = sorted(Path(p.stem).stem for p in out.glob("*.wav.json"))
    assert audio == sidecars, "an output without its sidecar (or the reverse)"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
def test_batch_interrupted_workers_end_with_it(batch_dir: Path, tmp_path: Path, sig: signal.Signals) -> None:
    out = tmp_path / "out"
    proc = _start(["analyze", str(batch_dir), "-o", str(out), "--workers", "2", "--no-audio"])
    workers: set[int] = set()

    def started() -> bool:
        workers.update(_children(proc.pid))
        return len(workers) >= 1 and out.is_dir()

    _wait_for(started, proc)
    time.sleep(1.0)
    workers.update(_children(proc.pid))
    os.kill(proc.pid, sig)
    code, err = _finish(proc)
    assert code == 128 + sig, err
    assert "Traceback" not in err
    end = time.monotonic() + 10
    while time.monotonic() < end and any(_alive(w) for w in workers):
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers), "a worker outlived the batch"
    assert _temporaries(out) == []
    assert not (out / "summary.csv").exists()


def test_batch_workers_die_with_a_killed_parent(batch_dir: Path, tmp_path: Path) -> None:
    """SIGKILL cannot be handled: the kernel kills the workers (PR_SET_PDEATHSIG)."""
    out = tmp_path / "out"
    proc = _start(["analyze", str(batch_dir), "-o", str(out), "--workers", "2", "--no-audio"])
    workers: set[int] = set()

    def started() -> bool:
        workers.update(_children(proc.pid))
        return len(workers) >= 2

    _wait_for(started, proc)
    time.sleep(0.5)
    workers.update(_children(proc.pid))
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    end = time.monotonic() + 10
    while time.monotonic() < end and any(_alive(w) for w in workers):
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers), "a worker outlived its killed parent"


def test_analyze_interrupted_leaves_all_or_nothing(long_wav: Path, tmp_path: Path) -> None:
    """Ctrl-C while the outputs are being written: all of them or none (SIGTERM/SIGHUP take the same path)."""
    sig = signal.SIGINT
    out = tmp_path / "out"
    proc = _start(["analyze", str(long_wav), "-o", str(out)])

    def writing() -> bool:
        if not out.is_dir():
            return False
        temps = _temporaries(out)
        done = [p for p in out.iterdir() if p.name not in temps]
        return bool(done) or len(temps) >= 2

    _wait_for(writing, proc, timeout=120)
    os.kill(proc.pid, sig)
    code, err = _finish(proc)
    assert code == 128 + sig, err
    assert _temporaries(out) == []
    names = {p.name for p in out.iterdir()}
    assert names == set() or "summary.json" in names, f"a partial analysis survived: {sorted(names)}"
