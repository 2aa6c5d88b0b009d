"""``marsound serve``: options checked, the server answers on loopback, the web extra is optional."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import httpx2 as httpx
import pytest

from marsound.cli.main import main


@pytest.mark.parametrize(
    ("argv", "word"),
    [(["--port", "70000"], "--port"), (["--max-upload-mb", "-1"], "--max-upload-mb"), (["--max-upload-mb", "nan"], "")],
)
def test_serve_bad_options_exit_2(capsys, argv, word):
    assert main(["serve", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and word in err and "Traceback" not in err


def test_serve_busy_port_is_one_error_line(capsys):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot listen on 127.0.0.1:") and err.count("\n") == 1


def test_serve_unknown_host_is_one_error_line(capsys):
    assert main(["serve", "--host", "no-such-host.invalid", "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --host=") and "Traceback" not in err


def test_serve_answers_on_loopback_and_stops():
    proc = subprocess.Popen(
        [sys.executable, "-m", "marsound.cli.main", "serve", "--port", "0", "--max-upload-mb", "1"],
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        url = None
        deadline = time.monotonic() + 60
        assert proc.stderr is not None
        while url is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            m = re.search(r"running on (http://127\.0\.0\.1:\d+)", line)
            url = m.group(1) if m else None
        assert url is not None, "the server did not report its address"
        assert httpx.get(url + "/api/health").json()["status"] == "ok"
        big = httpx.post(url + "/api/render", files={"file": ("x.wav", b"\0" * 1_100_000)}, data={"distance_m": "1"})
        assert big.status_code == 413
    finally:
        proc.terminate()
        proc.wait(20)


def test_serve_without_the_web_extra_says_how_to_install(monkeypatch, capsys):
    import builtins

    real_import = builtins.__import__

    def no_uvicorn(name, *args, **kwargs):
        if name == "uvicorn":
            raise ImportError("No module named 'uvicorn'", name="uvicorn")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_uvicorn)
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "uvicorn" in err and 'pip install "marsound[web]"' in err
