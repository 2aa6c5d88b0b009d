"""Batch analysis on a real Dask ``LocalCluster`` (worker processes): same rows and outputs as the local pool.

One cluster of two single-threaded worker processes serves the module; the scheduler tolerates one
worker death per task (``allowed-failures=1``), so a task killed once is retried and a task that
kills every worker it meets is reported. Timeouts are generous: the machine may be loaded.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import dask
import numpy as np
import pyarrow.parquet as pq
import pytest
import soundfile as sf
from distributed import Client, LocalCluster

from marsound.audio import write_float_wav
from marsound.cli.main import main
from marsound.cluster import ClusterError, check_workers
from marsound.recordings import batch
from marsound.recordings.batch import ProductJob, analyze_many, analyze_product, upload_job, write_table
from marsound.recordings.pds4 import write_label
from marsound.recordings.synthetic import event_bursts, rotor_tone

FS = 4000.0
SECONDS = 2.0
WAIT_S = 120.0  # generous: worker processes restart slowly on a loaded 2-core machine


def _product(path: Path, seed: int) -> Path:
    x = rotor_tone(SECONDS, FS, frequency_hz=120.0 + 15 * seed, harmonics=(), noise_rms=0.002, seed=seed)
    x += event_bursts(SECONDS, FS, ((SECONDS / 2, 0.02, "impact"),), background_rms=0.0, burst_rms=0.2, seed=seed)
    return write_float_wav(path, x, FS)


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """Two good products (one with its PDS4 label) and a corrupt one."""
    data = tmp_path_factory.mktemp("archive")
    for i in range(2):
        _product(data / f"p{i}_01p02.wav", seed=i)
    write_label(data / "p0_01p02.xml", data / "p0_01p02.wav", n_samples=round(SECONDS * FS), sample_rate_hz=FS,
                sol=12, lmst="Sol-00012M10:00:00", start_utc="2021-03-02T10:00:00Z", stop_utc="2021-03-02T10:00:02Z",
                sequence_id="scam00012", unit="Pa")  # fmt: skip
    (data / "broken.wav").write_bytes(b"RIFF\x00\x10\x00\x00WAVEfmt \x10\x00\x00\x00garbage")
    return data


@pytest.fixture(scope="module")
def paths(archive):
    return sorted(archive.glob("*.wav"))


@pytest.fixture(scope="module")
def local_reference(paths, tmp_path_factory):
    """The local process pool's rows and outputs: what every Dask run must reproduce."""
    out = tmp_path_factory.mktemp("local")
    rows = analyze_many(paths, out, workers=2)
    write_table(rows, out)
    return rows, out


@pytest.fixture(scope="module")
def client():
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
        cl = Client(cluster)
    yield cl
    cl.close()
    cluster.close()


@pytest.fixture
def ready(client):
    client.wait_for_workers(2, timeout=WAIT_S)
    return client


def _same_as_local(rows, out, local_reference):
    ref_rows, ref_out = local_reference

    def strip(rs):
        return sorted(({**r, "out_dir": r["out_dir"] and Path(r["out_dir"]).name} for r in rs), key=lambda r: r["path"])

    assert strip(rows) == strip(ref_rows)
    folders = sorted(p.name for p in ref_out.iterdir() if p.is_dir())
    assert folders == sorted(p.name for p in out.iterdir() if p.is_dir()) and len(folders) == 2
    for name in folders:
        ref_files = sorted(f.name for f in (ref_out / name).iterdir())
        assert ref_files == sorted(f.name for f in (out / name).iterdir())
        assert {"summary.json", "index.html", "spectrogram.png"} <= set(ref_files)
        assert any(f.startswith("audio.") for f in ref_files)  # the playable copy
        for f in ref_files:
            a, b = out / name / f, ref_out / name / f
            if f.endswith(".ogg"):  # each Ogg stream gets a random serial number: compare the sound
                assert np.array_equal(sf.read(a)[0], sf.read(b)[0]), f"{name}/{f} differs"
            else:
                assert a.read_bytes() == b.read_bytes(), f"{name}/{f} differs"


def test_local_reference_has_a_failure(local_reference):
    rows, _ = local_reference
    assert [r["status"] for r in rows] == ["error", "ok", "ok"]  # broken.wav sorts first
    assert "broken.wav" in rows[0]["error"] and rows[1]["sol"] == 12


def test_cli_workers_read_by_path_same_as_local(ready, archive, local_reference, tmp_path, capsys):
    """``--scheduler ADDRESS``: exit 1 (a product failed), the same table and outputs as the local pool."""
    out = tmp_path / "out"
    assert main(["analyze", str(archive), "-o", str(out), "--scheduler", ready.scheduler.address]) == 1
    assert "failed: " in capsys.readouterr().err
    ref_out = local_reference[1]
    assert (out / "summary.csv").read_text().replace(str(out), "OUT") == (ref_out / "summary.csv").read_text().replace(
        str(ref_out), "OUT"
    )
    rows = [
        {**r, "out_dir": r["out_dir"] and str(ref_out / Path(r["out_dir"]).name)}
        for r in pq.read_table(out / "summary.parquet").to_pylist()
    ]
    assert rows == pq.read_table(ref_out / "summary.parquet").to_pylist()
    _same_as_local(local_reference[0], out, local_reference)


def test_upload_same_as_local(ready, paths, local_reference, tmp_path):
    seen = []
    rows = analyze_many(paths, tmp_path, client=ready, upload=True, progress=lambda p, err: seen.append((p, err)))
    _same_as_local(rows, tmp_path, local_reference)
    assert sorted(p for p, _ in seen) == paths and sum(err is not None for _, err in seen) == 1


def test_uploaded_product_needs_no_file_on_the_worker(paths, tmp_path):
    """A worker that cannot see the client's folder: only the bytes travel; paths stay the client's."""
    job = upload_job(ProductJob(str(paths[1]), None, {"write_audio": False}, collect_outputs=True))
    assert set(job.uploads) == {"product", "label"}  # p0's sibling label travels with it
    uploads = {role: ("/nowhere/on/this/worker/" + Path(f).name, data) for role, (f, data) in job.uploads.items()}
    moved = ProductJob("/nowhere/on/this/worker/p0_01p02.wav", None, job.kwargs, True, uploads)
    summary, err, files = analyze_product(moved)
    assert err is None and summary["source_path"] == moved.path and summary["metadata"]["sol"] == 12
    assert (
        set(files) >= {"summary.json", "index.html", "psd.png"} and b"/nowhere/on/this/worker" in files["summary.json"]
    )
    bad = ProductJob("/nowhere/broken.wav", None, {}, True, {"product": ("/nowhere/broken.wav", b"RIFF....WAVE")})
    summary, err, files = analyze_product(bad)
    assert summary is None and files is None and "broken.wav" in err and "marsound-" not in err


def test_cli_unreachable_scheduler_is_a_quick_error(archive, tmp_path, capsys):
    t0 = time.monotonic()
    code = main(["analyze", str(archive), "-o", str(tmp_path / "o"), "--scheduler", "tcp://127.0.0.1:9"])
    assert code == 2 and time.monotonic() - t0 < 60
    err = capsys.readouterr().err
    assert err.startswith("error: cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'") and "Traceback" not in err
    assert not (tmp_path / "o").exists()
    assert main(["analyze", str(archive), "-o", str(tmp_path / "o"), "--upload"]) == 2
    assert "needs --scheduler" in capsys.readouterr().err


def test_workers_missing_the_package(ready):
    assert check_workers(ready, timeout_s=WAIT_S) == 2  # marsound is there, same version
    with pytest.raises(ClusterError, match="cannot import marsound-not-installed-here"):
        check_workers(ready, package="marsound-not-installed-here")


def test_interrupt_cancels_the_tasks(ready, paths, tmp_path):
    def interrupt(path, err):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt) as caught:  # `caught` keeps the frames (and futures) alive
        analyze_many(paths * 2, tmp_path, client=ready, progress=interrupt, write_audio=False)
    deadline = time.monotonic() + WAIT_S
    while (
        n := ready.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks))
    ) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert n == 0 and caught.value is not None


def _n_tasks(dask_scheduler):
    return len(dask_scheduler.tasks)


def _killer(marker_dir: str, victim: str, *, always: bool):
    """A work function that kills its worker process on ``victim`` (the first time, or every time)."""

    def work(job):
        if Path(job.path).name == victim:
            marker = Path(marker_dir) / f"{victim}.{'always' if always else 'once'}"
            if always or not marker.exists():
                marker.touch()
                os.kill(os.getpid(), signal.SIGKILL)
        from marsound.recordings.batch import analyze_product

        return analyze_product(job)

    return work


def test_killed_worker_product_is_retried(ready, paths, local_reference, tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "analyze_product", _killer(str(tmp_path), "p1_01p02.wav", always=False))
    rows = analyze_many(paths, tmp_path / "out", client=ready, write_audio=False)
    assert (tmp_path / "p1_01p02.wav.once").exists()  # a worker did die on it
    assert rows == [{**r, "out_dir": r["out_dir"] and str(tmp_path / "out" / Path(r["out_dir"]).name)}
                    for r in local_reference[0]]  # fmt: skip
    ref = local_reference[1] / "p1_01p02"
    assert (tmp_path / "out" / "p1_01p02" / "psd.png").read_bytes() == (ref / "psd.png").read_bytes()


def test_product_killing_every_worker_is_reported(ready, paths, tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "analyze_product", _killer(str(tmp_path), "p1_01p02.wav", always=True))
    rows = {Path(r["path"]).name: r for r in analyze_many(paths, tmp_path / "out", client=ready, write_audio=False)}
    assert rows["p1_01p02.wav"]["status"] == "error" and "KilledWorker" in rows["p1_01p02.wav"]["error"]
    assert rows["p0_01p02.wav"]["status"] == "ok" and (tmp_path / "out" / "p0_01p02" / "summary.json").exists()
    assert rows["broken.wav"]["status"] == "error" and "KilledWorker" not in rows["broken.wav"]["error"]
    assert not (tmp_path / "out" / "p1_01p02").exists()
