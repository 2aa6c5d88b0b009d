"""Benchmark: the web API against calling the library directly (the baseline, same run, same machine).

Cases (server: ``marsound.web.create_app`` under uvicorn in its own process on 127.0.0.1; client:
httpx):

- ``/api/render`` latency: upload a 10 s 48 kHz mono WAV, render at 50 m on Mars (Jezero), get the
  WAV back. Baseline: :func:`marsound.rendering.render_file` on the same file, in process.
- ``/api/physics`` latency: 3 frequencies, Jezero. Baseline: the CLI's report function
  (``marsound.cli.physics.physics_report``), in process.
- Throughput with 8 concurrent clients on each route. Baseline: the same library calls in 8 threads.

Figures are medians; ratios are web / library (1.0 = no overhead). The web adds HTTP, multipart
parsing, copying the upload and sending the result back; rendering itself is the same code.

Usage: ``python benchmarks/bench_web.py [--repeats 5] [--requests 16]``
"""

from __future__ import annotations

import argparse
import io
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import soundfile as sf

FS = 48_000
CLIP_S = 10.0
DISTANCE_M = 50.0
CLIENTS = 8
FREQS = [100.0, 1000.0, 5000.0]

SERVER = (
    "import sys, uvicorn; from marsound.web import create_app; "
    "uvicorn.run(create_app(), host='127.0.0.1', port=int(sys.argv[1]), log_level='warning')"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def throughput(fn, n: int) -> float:
    """Calls per second with ``CLIENTS`` threads doing ``n`` calls in all."""
    with ThreadPoolExecutor(CLIENTS) as pool:
        t = time.perf_counter()
        list(pool.map(lambda _: fn(), range(n)))
        return n / (time.perf_counter() - t)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--requests", type=int, default=16, help="requests per throughput run")
    args = ap.parse_args()

    import httpx2 as httpx

    from marsound.cli.options import AtmosphereArgs
    from marsound.cli.physics import physics_report
    from marsound.physics import preset
    from marsound.rendering import render_file
    from marsound.rendering.sounds import builtin_sound

    work = Path(tempfile.mkdtemp(prefix="bench-web-"))
    clip = work / "clip.wav"
    sf.write(clip, builtin_sound("rover-motor", FS, CLIP_S), FS, subtype="PCM_16")
    data = clip.read_bytes()
    atm = preset("jezero")

    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)])
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/api/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the server did not start")
            time.sleep(0.1)
        client = httpx.Client(base_url=base, timeout=300)

        counter = iter(range(10**9))

        def lib_render() -> None:
            render_file(clip, work / f"out{next(counter)}.wav", DISTANCE_M, atm)

        def web_render() -> None:  # one keep-alive client shared by the threads (httpx.Client is thread-safe)
            form = {"preset": "jezero", "distance_m": "50"}
            r = client.post("/api/render", files={"file": ("clip.wav", data)}, data=form)
            r.raise_for_status()
            sf.read(io.BytesIO(r.content))

        def lib_physics() -> None:
            physics_report(AtmosphereArgs("jezero"), "molecular", FREQS)

        def web_physics() -> None:
            client.get("/api/physics", params={"preset": "jezero", "frequency_hz": FREQS}).raise_for_status()

        # warm-up (imports, filter design caches, matplotlib not involved)
        lib_render(), web_render(), lib_physics(), web_physics()
        rows = []
        for name, lib, web in (
            ("render 10 s clip", lib_render, web_render),
            ("physics 3 freqs", lib_physics, web_physics),
        ):
            t_lib = median_time(lib, args.repeats)
            t_web = median_time(web, args.repeats)
            n = args.requests if "render" in name else 20 * args.requests
            q_lib = throughput(lib, n)
            q_web = throughput(web, n)
            rows.append((name, t_lib, t_web, q_lib, q_web))
    finally:
        server.terminate()
        server.wait(10)

    print(f"bench_web: {CLIP_S:g} s {FS} Hz mono clip at {DISTANCE_M:g} m (Jezero); {CLIENTS} concurrent clients")
    head = ("case", "library [ms]", "web [ms]", "web/lib", "lib [req/s]", "web [req/s]", "web/lib")
    print(f"{head[0]:18} {head[1]:>13} {head[2]:>10} {head[3]:>8} {head[4]:>12} {head[5]:>12} {head[6]:>8}")
    for name, t_lib, t_web, q_lib, q_web in rows:
        print(
            f"{name:18} {1e3 * t_lib:13.1f} {1e3 * t_web:10.1f} {t_web / t_lib:8.2f} "
            f"{q_lib:12.1f} {q_web:12.1f} {q_web / q_lib:8.2f}"
        )


if __name__ == "__main__":
    main()
