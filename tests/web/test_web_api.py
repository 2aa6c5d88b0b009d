"""HTTP API of the web page (FastAPI TestClient): contract bodies equal the CLI's --json."""

from __future__ import annotations

import io
import itertools
import json
import threading
import time

import numpy as np
import pytest
import soundfile as sf
from helpers import PARACHUTE_NAME, UPLOAD_LIMIT_BYTES, chirp, real_file, wav_bytes

from marsound import __version__
from marsound.cli.main import main


def cli_json(capsys, argv: list[str]) -> object:
    capsys.readouterr()
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def assert_error(resp, status: int, *words: str) -> None:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    msg = resp.json()["error"]
    assert isinstance(msg, str) and msg
    for w in words:
        assert w in msg, msg


# ----------------------------------------------------------------------------- health, physics


def test_health(client):
    r = client.get("/api/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "version": __version__}


def test_physics_body_is_the_cli_json(client, capsys):
    r = client.get("/api/physics", params={"preset": "jezero", "frequency_hz": [100, 1000, 5000]})
    assert r.status_code == 200
    assert r.json() == cli_json(
        capsys, ["physics", "--preset", "jezero", "-f", "100", "-f", "1000", "-f", "5000", "--json"]
    )


def test_physics_overrides_are_the_cli_options(client, capsys):
    q = {"preset": "mars", "frequency_hz": 2000, "temperature_k": 250, "pressure_pa": 800, "model": "bass-chambers"}
    r = client.get("/api/physics", params=q)
    assert r.status_code == 200
    argv = [
        "physics",
        "-f",
        "2000",
        "--temperature-k",
        "250",
        "--pressure-pa",
        "800",
        "--model",
        "bass-chambers",
        "--json",
    ]
    assert r.json() == cli_json(capsys, argv)
    assert r.json()["atmosphere"]["temperature_k"] == 250


def test_physics_unknown_preset_is_a_400_naming_the_presets(client):
    assert_error(client.get("/api/physics", params={"preset": "pluto", "frequency_hz": 100}), 400, "pluto", "jezero")


@pytest.mark.parametrize(
    "params",
    [{"preset": "mars"}, {"frequency_hz": "loud"}, {"frequency_hz": -5}, {"frequency_hz": 100, "temperature_k": "nan"}],
)
def test_physics_bad_queries_are_4xx_json(client, params):
    r = client.get("/api/physics", params=params)
    assert 400 <= r.status_code < 500
    assert r.json()["error"]


def test_physics_plot_and_loss_table(client):
    r = client.get("/api/physics/plot.png", params={"preset": ["jezero", "earth"]})
    assert r.status_code == 200 and r.content[:8] == b"\x89PNG\r\n\x1a\n"
    t = client.get("/api/physics/loss-table", params={"preset": ["jezero", "earth"]}).json()
    mars, earth = (row["distance_m"] for row in t["rows"])
    f = t["frequency_hz"]
    # CO2 absorbs far more than air above a few hundred Hz; both lose more at higher pitch
    i = f.index(5000.0)
    assert mars[i] < earth[i] / 10
    assert all(a >= b for a, b in itertools.pairwise(mars))


# ----------------------------------------------------------------------------- render


def test_render_returns_a_wav_at_the_input_rate_equal_to_the_library(client, tmp_path):
    from marsound.physics import preset
    from marsound.rendering import render_file

    data = wav_bytes(chirp(), 16_000)
    r = client.post(
        "/api/render", files={"file": ("clip.wav", data, "audio/wav")}, data={"preset": "mars", "distance_m": "50"}
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "audio/wav"
    y, fs = sf.read(io.BytesIO(r.content), dtype="float32")
    assert fs == 16_000
    (tmp_path / "in.wav").write_bytes(data)
    render_file(tmp_path / "in.wav", tmp_path / "out.wav", 50.0, preset("mars"))
    ref, _ = sf.read(tmp_path / "out.wav", dtype="float32")
    np.testing.assert_array_equal(y, ref)
    x, _ = sf.read(io.BytesIO(data), dtype="float32")
    assert np.abs(y).max() < 0.05 * np.abs(x).max()  # 50 m on Mars: spreading + thin air


def test_render_takes_the_cli_render_options(client):
    data = wav_bytes(chirp(), 16_000)
    form = {
        "preset": "jezero",
        "distance_m": "4",
        "source_distance_m": "2",
        "source_model": "none",
        "normalize": "true",
    }
    r = client.post("/api/render", files={"file": ("clip.wav", data)}, data=form)
    assert r.status_code == 200, r.text
    y, _ = sf.read(io.BytesIO(r.content), dtype="float32")
    assert np.abs(y).max() == pytest.approx(10 ** (-1 / 20), rel=1e-4)


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"", "empty.wav"),
        (b"this is not a sound file at all" * 10, "text.wav"),
        (b"RIFF\x10\x00\x00\x00WAVEfmt ", "cut.wav"),
    ],
)
def test_render_bad_files_are_400(client, content, name):
    r = client.post("/api/render", files={"file": (name, content)}, data={"preset": "mars", "distance_m": "10"})
    assert_error(r, 400)
    assert "/tmp" not in r.json()["error"] and "marsound-web-" not in r.json()["error"]


@pytest.mark.parametrize(
    ("form", "word"),
    [
        ({"preset": "pluto", "distance_m": "10"}, "pluto"),
        ({"preset": "mars", "distance_m": "-3"}, "distance_m"),
        ({"preset": "mars", "distance_m": "nan"}, "distance_m"),
        ({"preset": "mars", "distance_m": "10", "source_model": "loud"}, "source model"),
    ],
)
def test_render_bad_options_are_400(client, chirp_wav, form, word):
    assert_error(client.post("/api/render", files={"file": ("c.wav", chirp_wav)}, data=form), 400, word)


@pytest.mark.parametrize(
    ("filename", "stored"),
    [
        ("clip.wav", "clip.wav"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\x y.WAV", "x_y.wav"),
        ("", "input"),
        ("...", "input"),
    ],
)
def test_upload_names_are_reduced_to_safe_names(tmp_path, filename, stored):
    from marsound.web.uploads import save_upload

    path = save_upload(io.BytesIO(b"data"), filename, tmp_path)
    assert path.parent == tmp_path / "upload" and path.name == stored
    assert path.read_bytes() == b"data"


@pytest.mark.parametrize("name", ["earth.wav", "mars.wav", "spectrogram.png", "rendered.wav"])
def test_uploads_named_like_outputs_still_work(client, chirp_wav, name):
    r = client.post("/api/listen", files={"file": (name, chirp_wav)}, data={"distance_m": "3"})
    assert r.status_code == 200, r.text
    r = client.post("/api/render", files={"file": (name, chirp_wav)}, data={"distance_m": "3"})
    assert r.status_code == 200, r.text


def test_render_without_file_or_distance_is_4xx(client, chirp_wav):
    assert_error(client.post("/api/render", data={"preset": "mars", "distance_m": "10"}), 422, "file")
    assert_error(
        client.post("/api/render", files={"file": ("c.wav", chirp_wav)}, data={"preset": "mars"}), 400, "distance_m"
    )


def test_render_moving_source_from_a_trajectory_csv(client, chirp_wav, tmp_path):
    from marsound.physics import preset
    from marsound.rendering import render_file
    from marsound.rendering.moving import read_trajectory_csv

    csv = b"time_s,distance_m\n0,5\n0.5,40\n"
    files = {"file": ("c.wav", chirp_wav), "trajectory": ("path.csv", csv, "text/csv")}
    r = client.post("/api/render", files=files, data={"preset": "jezero"})
    assert r.status_code == 200, r.text
    (tmp_path / "c.wav").write_bytes(chirp_wav)
    (tmp_path / "p.csv").write_bytes(csv)
    render_file(
        tmp_path / "c.wav",
        tmp_path / "o.wav",
        None,
        preset("jezero"),
        trajectory=read_trajectory_csv(tmp_path / "p.csv"),
    )
    ref, _ = sf.read(tmp_path / "o.wav", dtype="float32")
    np.testing.assert_array_equal(sf.read(io.BytesIO(r.content), dtype="float32")[0], ref)
    both = client.post("/api/render", files=files, data={"preset": "jezero", "distance_m": "3"})
    assert_error(both, 400, "not both")
    bad = {"file": ("c.wav", chirp_wav), "trajectory": ("path.csv", b"time_s,distance_m\n0,-5\n", "text/csv")}
    assert_error(client.post("/api/render", files=bad, data={"preset": "jezero"}), 400)


# ----------------------------------------------------------------------------- upload limit


def test_upload_over_the_limit_by_content_length_is_413(client):
    big = b"\0" * (UPLOAD_LIMIT_BYTES + 1)
    r = client.post("/api/render", files={"file": ("big.wav", big)}, data={"distance_m": "10"})
    assert_error(r, 413, "too large")


def test_upload_over_the_limit_while_streaming_is_413(client):
    def chunks():  # no Content-Length: chunked transfer
        for _ in range(2 * UPLOAD_LIMIT_BYTES // 65536 + 2):
            yield b"\0" * 65536

    headers = {"content-type": "multipart/form-data; boundary=xyz"}
    r = client.post("/api/render", content=chunks(), headers=headers)
    assert "content-length" not in {k.lower() for k in r.request.headers}
    assert_error(r, 413, "too large")


def test_every_upload_route_is_limited(client):
    big = b"\0" * (UPLOAD_LIMIT_BYTES + 10)
    for url in ("/api/chute/decode", "/api/listen", "/api/recordings/analyze", "/api/landing/video"):
        assert client.post(url, files={"file": ("big.bin", big)}).status_code == 413, url


# ----------------------------------------------------------------------------- listen, results


def test_listen_builtin_sound_gives_earth_and_mars_versions(client):
    r = client.post("/api/listen", data={"sound": "bell", "duration_s": "1", "distance_m": "50", "preset": "jezero"})
    assert r.status_code == 200, r.text
    body = r.json()
    earth = client.get(body["earth_url"])
    mars = client.get(body["mars_url"])
    assert earth.status_code == mars.status_code == 200
    ye, fs = sf.read(io.BytesIO(earth.content))
    ym, _ = sf.read(io.BytesIO(mars.content))
    assert fs == 48_000
    assert np.sqrt(np.mean(ym**2)) < 0.2 * np.sqrt(np.mean(ye**2))  # Mars is much quieter at 50 m
    assert body["reports"]["mars"]["delay_s"] > body["reports"]["earth"]["delay_s"]  # slower sound
    assert client.get(body["spectrogram_url"]).content[:4] == b"\x89PNG"
    part = client.get(body["mars_url"], headers={"Range": "bytes=100-199"})  # seeking in <audio>
    assert part.status_code == 206 and len(part.content) == 100


def test_listen_upload_custom_and_altitude(client, chirp_wav):
    r = client.post(
        "/api/listen", files={"file": ("c.wav", chirp_wav)},
        data={"distance_m": "5", "preset": "mars", "temperature_k": "240", "pressure_pa": "650"},
    )  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["atmosphere"]["pressure_pa"] == 650
    r = client.post(
        "/api/listen", data={"sound": "vowel", "duration_s": "0.5", "distance_m": "5", "altitude_m": "5000"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["atmosphere"]["pressure_pa"] < 636


@pytest.mark.parametrize(
    "form",
    [
        {"distance_m": "10"},
        {"distance_m": "10", "sound": "kazoo"},
        {"distance_m": "500", "sound": "bell"},
        {"distance_m": "10", "sound": "bell", "duration_s": "3600"},
        {"distance_m": "10", "sound": "bell", "altitude_m": "100", "temperature_k": "200"},
    ],
)
def test_listen_bad_requests_are_400(client, form):
    assert_error(client.post("/api/listen", data=form), 400)


@pytest.mark.parametrize(
    "url",
    [
        "/api/results/0123456789abcdef0123456789abcdef/earth.wav",
        "/api/results/nottoken/earth.wav",
        "/api/results/../../etc/passwd",
        "/api/results/%2e%2e/%2e%2e%2fetc%2fpasswd",
    ],
)
def test_unknown_results_are_404(client, url):
    r = client.get(url)
    assert r.status_code == 404
    assert "root:" not in r.text


def test_result_names_cannot_leave_their_folder(client):
    body = client.post("/api/listen", data={"sound": "bell", "duration_s": "0.5", "distance_m": "5"}).json()
    token = body["earth_url"].split("/")[3]
    for name in ("..%2f..%2fetc%2fpasswd", "%2e%2e", ".hidden", "..%2fapp.py", "%2fetc%2fpasswd"):
        r = client.get(f"/api/results/{token}/{name}")
        assert r.status_code == 404, name
        assert "root:" not in r.text and "create_app" not in r.text


# ----------------------------------------------------------------------------- static files


@pytest.mark.parametrize(
    "url",
    [
        "/static/../app.py",
        "/static/%2e%2e/app.py",
        "/static/..%2fapp.py",
        "/static/%2e%2e%2f%2e%2e%2fweb%2fapp.py",
        "/static/....//app.py",
        "/static/%2fetc%2fpasswd",
        "/static//etc/passwd",
    ],
)
def test_static_path_traversal_is_refused(client, url):
    r = client.get(url)
    assert r.status_code in (400, 404), (url, r.status_code)
    assert "create_app" not in r.text and "root:" not in r.text


def test_pages_and_assets_are_all_local(client):
    import re

    for page in ("/", "/physics", "/chute", "/landing", "/recordings"):
        html = client.get(page)
        assert html.status_code == 200 and "text/html" in html.headers["content-type"]
        refs = re.findall(r'(?:src|href)="([^"]+)"', html.text)
        assert refs
        for ref in refs:
            assert not re.match(r"^(https?:)?//", ref), f"{page} loads {ref} from the network"
            if ref.startswith("/static/"):
                assert client.get(ref).status_code == 200, ref


# ----------------------------------------------------------------------------- parachute


def test_chute_encode_body_is_the_cli_json(client, capsys):
    req = {"rings": ["DARE", "MIGHTY", "THINGS"], "coordinates": "34 11 58 N 118 10 31 W"}
    r = client.post("/api/chute/encode", json=req)
    assert r.status_code == 200
    argv = ["chute", "encode", "-r", "DARE", "-r", "MIGHTY", "-r", "THINGS", "-c", "34 11 58 N 118 10 31 W", "--json"]
    assert r.json() == cli_json(capsys, argv)


@pytest.mark.parametrize(
    "req", [{"rings": ["HELLO!"]}, {"rings": []}, {"rings": ["A" * 9]}, {"coordinates": "999 N"}, {"rings": "DARE"}]
)
def test_chute_encode_bad_messages_are_4xx(client, req):
    r = client.post("/api/chute/encode", json=req)
    assert 400 <= r.status_code < 500 and r.json()["error"]


def test_chute_encode_bad_json_is_422(client):
    assert_error(
        client.post("/api/chute/encode", content=b"{not json", headers={"content-type": "application/json"}), 422
    )


def test_chute_drawing_is_svg(client):
    r = client.get("/api/chute/drawing.svg", params={"ring": ["DARE"], "coordinates": "34 11 58 N 118 10 31 W"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    n = r.text.count("<polygon")
    assert n > 0 and n % 80 == 0 and 'id="ring1"' in r.text
    assert r.text != client.get("/api/chute/drawing.svg", params={"ring": ["MARS"]}).text


def test_chute_decode_reads_a_drawn_canopy(client, tmp_path):
    from marsound.chute.draw import write_drawing
    from marsound.chute.encode import encode_message

    write_drawing(tmp_path / "c.png", encode_message(["MARS"], "34 11 58 N 118 10 31 W"), size_px=600)
    r = client.post("/api/chute/decode", files={"file": ("c.png", (tmp_path / "c.png").read_bytes(), "image/png")})
    assert r.status_code == 200, r.text
    texts = [ring["text"] for ring in r.json()["rings"]]
    assert "MARS" in texts and "34 11 58 N 118 10 31 W" in texts


def test_chute_decode_real_frame_body_is_the_cli_json(client):
    from marsound.cli.chute import decode_report

    path = real_file(PARACHUTE_NAME)
    if path is None:
        pytest.skip("the real parachute frame is not available")
    r = client.post("/api/chute/decode", files={"file": (path.name, path.read_bytes(), "image/jpeg")})
    assert r.status_code == 200, r.text
    assert r.json() == json.loads(json.dumps(decode_report(path)))
    cx, cy = r.json()["canopy"]["centre_px"]
    assert 0 < cx < 1280 and 0 < cy < 1280


@pytest.mark.parametrize(
    ("content", "name"), [(b"GIF89a garbage", "x.gif"), (b"\xff\xd8\xff truncated", "x.jpg"), (b"", "e.png")]
)
def test_chute_decode_bad_files_are_400(client, content, name):
    assert_error(client.post("/api/chute/decode", files={"file": (name, content)}), 400)


def test_chute_decode_needs_a_file(client):
    assert_error(client.post("/api/chute/decode"), 422, "file")


# ----------------------------------------------------------------------------- landing


def test_landing_timeline(client, capsys):
    from marsound.web.services import landing_features

    r = client.get("/api/landing/timeline", params={"mission": "perseverance"})
    if not landing_features()["timeline"]:
        assert_error(r, 501, "not available yet")
        return
    assert r.status_code == 200, r.text
    assert r.json() == cli_json(capsys, ["landing", "timeline", "--mission", "perseverance", "--json"])
    assert_error(client.get("/api/landing/timeline", params={"mission": "apollo"}), 400, "apollo")


def test_landing_timeline_needs_a_mission(client):
    assert_error(client.get("/api/landing/timeline"), 422, "mission")


# ----------------------------------------------------------------------------- recordings


def test_recordings_analyze_gives_the_report_page(client):
    fs = 16_000
    t = np.arange(8 * fs) / fs
    x = (0.3 * np.sin(2 * np.pi * 440 * t) + 0.01 * np.random.default_rng(1).standard_normal(t.size)).astype(np.float32)
    r = client.post("/api/recordings/analyze", files={"file": ("tone.wav", wav_bytes(x, fs))})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["summary"]["sample_rate_hz"] == fs
    assert any(abs(tone["frequency_hz"] - 440) < 2 for tone in body["summary"]["tones"])
    page = client.get(body["report_url"])
    assert page.status_code == 200 and "<img" in page.text
    base = body["report_url"].rsplit("/", 1)[0]
    assert client.get(f"{base}/spectrogram.png").content[:4] == b"\x89PNG"


def test_recordings_analyze_bad_file_is_400(client):
    assert_error(client.post("/api/recordings/analyze", files={"file": ("x.wav", b"nothing here")}), 400)


# ----------------------------------------------------------------------------- errors, concurrency


def test_unknown_routes_are_404_json(client):
    assert_error(client.get("/api/nothing"), 404)
    assert_error(client.post("/api/health"), 405)


def test_long_work_does_not_block_other_requests(client, monkeypatch, chirp_wav):
    from marsound.web import services

    release = threading.Event()
    entered = threading.Event()
    real = services.render_one

    def slow_render(*args, **kwargs):
        entered.set()
        assert release.wait(20), "the health request never got through"
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "render_one", slow_render)
    result = {}

    def post():
        result["r"] = client.post("/api/render", files={"file": ("c.wav", chirp_wav)}, data={"distance_m": "10"})

    worker = threading.Thread(target=post)
    worker.start()
    assert entered.wait(20)
    t0 = time.perf_counter()
    health = client.get("/api/health")  # served while the render is still running
    elapsed = time.perf_counter() - t0
    release.set()
    worker.join(30)
    assert health.status_code == 200 and elapsed < 5
    assert result["r"].status_code == 200


def test_recordings_analyze_real_supercam_wav_as_the_library_does(tmp_path):
    from fastapi.testclient import TestClient

    from marsound.errors import MarsoundError
    from marsound.recordings.analysis import analyze_file
    from marsound.web import create_app

    path = real_file("supercam_libs_sol0051.wav")
    if path is None:
        pytest.skip("the real SuperCam recording is not available")
    try:
        expected: dict | str = analyze_file(path, out_dir=tmp_path / "lib")
    except MarsoundError as exc:
        expected = str(exc)
    with TestClient(create_app(max_upload_bytes=16_000_000)) as c:
        r = c.post("/api/recordings/analyze", files={"file": (path.name, path.read_bytes(), "audio/wav")})
    if isinstance(expected, str):  # the library refuses it (e.g. NaN windows): the page says why
        assert_error(r, 400)
        assert r.json()["error"] == expected.replace(str(path.parent) + "/", "")
    else:
        assert r.status_code == 200, r.text
        assert r.json()["summary"]["tones"] == expected["tones"]
        assert r.json()["summary"]["events"] == expected["events"]


def test_landing_video_aligned_and_returned_with_sound(tmp_path):
    from fastapi.testclient import TestClient

    from marsound.web import create_app
    from marsound.web.services import landing_features

    if not (landing_features()["video"] and landing_features()["timeline"]):
        with TestClient(create_app()) as c:
            assert_error(c.post("/api/landing/video", files={"file": ("v.mp4", b"\0" * 100)}), 501, "not available yet")
        return
    from marsound.landing.video.synthetic import CONTINUOUS_SHOTS, render_descent_video

    av = pytest.importorskip("av")

    # the shots before touchdown: a window ending after the modelled descent is refused by the sound model
    render_descent_video(tmp_path / "descent.mp4", shots=CONTINUOUS_SHOTS[:3], rate=4.0, fps=10, seed=31)
    with TestClient(create_app()) as c:
        files = {"file": ("descent.mp4", (tmp_path / "descent.mp4").read_bytes(), "video/mp4")}
        r = c.post("/api/landing/video", files=files, data={"mission": "perseverance"})
        assert r.status_code == 200, r.text
        assert r.json()["alignment"]["rate"] == pytest.approx(4.0, rel=0.1)
        video = c.get(r.json()["video_url"])
        assert video.status_code == 200
        assert_error(c.post("/api/landing/video", files={"file": ("x.mp4", b"not a video")}), 400)
    (tmp_path / "out.mp4").write_bytes(video.content)
    with av.open(str(tmp_path / "out.mp4")) as f:
        assert f.streams.video and f.streams.audio
