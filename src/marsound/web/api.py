"""JSON/audio routes under ``/api`` (the contract of issue #16, plus the helpers the pages call).

Every handler is a plain ``def``: FastAPI runs it in its threadpool, so a long render or decode
never blocks other requests. Errors of the marsound family become ``400 {"error": ...}``.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel
from starlette.background import BackgroundTask

from marsound import __version__
from marsound.physics import DEFAULT_PRESET
from marsound.web import services
from marsound.web.store import ResultStore
from marsound.web.uploads import save_upload

router = APIRouter(prefix="/api")

NOT_YET = "is not available yet in this version of marsound"


class SoundFileResponse(FileResponse):
    """A file response read in 1 MB chunks (rendered sounds are megabytes: fewer thread hops)."""

    chunk_size = 1 << 20


def _store(request: Request) -> ResultStore:
    return request.app.state.store


def _scratch(request: Request) -> Path:
    """A private folder for one request, removed by :func:`_cleanup`."""
    return Path(tempfile.mkdtemp(prefix="req-", dir=_store(request).root))


def _cleanup(folder: Path) -> BackgroundTask:
    return BackgroundTask(shutil.rmtree, folder, ignore_errors=True)


def _result_url(token: str, name: str) -> str:
    return f"/api/results/{token}/{name}"


# ----------------------------------------------------------------------------- health, physics


@router.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok", "version": __version__}


AtmQuery = Annotated[str, Query(description="Named atmosphere to start from.")]
#: Atmospheres compared by the Physics page's plot and table unless the request names others.
PHYSICS_COMPARED = ["jezero", "earth"]


@router.get("/physics")
def physics(
    frequency_hz: Annotated[list[float], Query(description="Frequency [Hz]; repeat for several.")],
    preset: AtmQuery = DEFAULT_PRESET,
    temperature_k: float | None = None,
    pressure_pa: float | None = None,
    composition: str | None = None,
    humidity_pct: float | None = None,
    model: str | None = None,
) -> dict:
    """As ``marsound physics --json``."""
    atm = dict(
        preset=preset, temperature_k=temperature_k, pressure_pa=pressure_pa,
        composition=composition, humidity_pct=humidity_pct,
    )  # fmt: skip
    return services.physics_report(atm, model, frequency_hz)


def _atmospheres(preset: list[str], temperature_k: float | None, pressure_pa: float | None) -> list:
    """The presets, plus a custom Mars atmosphere when T and/or p are given."""
    atms = [services.resolve_atmosphere(preset=p) for p in preset[:6]]
    if temperature_k is not None or pressure_pa is not None:
        atms.append(services.resolve_atmosphere(temperature_k=temperature_k, pressure_pa=pressure_pa))
    if not atms:
        raise HTTPException(400, "choose at least one atmosphere")
    return atms


@router.get("/physics/plot.png")
def physics_plot(
    request: Request,
    preset: Annotated[list[str], Query()] = PHYSICS_COMPARED,
    temperature_k: float | None = None,
    pressure_pa: float | None = None,
    model: str | None = None,
) -> FileResponse:
    """c(f) and alpha(f) of the chosen atmospheres (PNG)."""
    atms = _atmospheres(preset, temperature_k, pressure_pa)
    folder = _scratch(request)
    try:
        path = services.physics_plot(atms, model, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(path, media_type="image/png", background=_cleanup(folder))


@router.get("/physics/loss-table")
def physics_loss_table(
    preset: Annotated[list[str], Query()] = PHYSICS_COMPARED,
    temperature_k: float | None = None,
    pressure_pa: float | None = None,
    model: str | None = None,
) -> dict:
    """Distance over which absorption takes 20 dB off, per frequency and atmosphere."""
    return services.loss_table(_atmospheres(preset, temperature_k, pressure_pa), model)


# ----------------------------------------------------------------------------- rendering


@router.post("/render")
def render(
    request: Request,
    file: Annotated[UploadFile, File(description="Sound file (WAV, FLAC, AIFF, Ogg, ...).")],
    distance_m: Annotated[float | None, Form()] = None,
    trajectory: Annotated[UploadFile | None, File(description="CSV time_s,distance_m or time_s,x_m,y_m,z_m.")] = None,
    preset: Annotated[str, Form()] = DEFAULT_PRESET,
    temperature_k: Annotated[float | None, Form()] = None,
    pressure_pa: Annotated[float | None, Form()] = None,
    composition: Annotated[str | None, Form()] = None,
    humidity_pct: Annotated[float | None, Form()] = None,
    model: Annotated[str | None, Form()] = None,
    source_distance_m: Annotated[float | None, Form()] = None,
    source_model: Annotated[str | None, Form()] = None,
    source_preset: Annotated[str | None, Form()] = None,
    normalize: Annotated[bool, Form()] = False,
) -> FileResponse:
    """The upload as heard at ``distance_m`` (or from a moving source) in the chosen atmosphere.

    Answers a WAV at the input's sample rate, as ``marsound render`` writes it.
    """
    atm = services.resolve_atmosphere(
        preset=preset, temperature_k=temperature_k, pressure_pa=pressure_pa,
        composition=composition, humidity_pct=humidity_pct,
    )  # fmt: skip
    if source_model is not None:
        from marsound._validate import choose
        from marsound.rendering import SOURCE_MODELS

        choose("source model", source_model, SOURCE_MODELS)
    folder = _scratch(request)
    try:
        src = save_upload(file.file, file.filename, folder)
        traj = None if trajectory is None else save_upload(trajectory.file, trajectory.filename, folder, stem="path")
        out = folder / "rendered.wav"
        report = services.render_one(
            src, out, distance_m=distance_m, atmosphere=atm, trajectory_path=traj, model=model,
            source_distance_m=source_distance_m,
            source_model=source_model, source_preset=source_preset, normalize=normalize,
        )  # fmt: skip
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    headers = {
        "X-Marsound-Applied-Gain-Db": f"{report['applied_gain_db']:.3f}",  # broadband; see marsound render
        "X-Marsound-Delay-S": "" if report["delay_s"] is None else f"{report['delay_s']:.6f}",
    }
    return SoundFileResponse(
        out, media_type="audio/wav", filename="marsound-render.wav", headers=headers, background=_cleanup(folder)
    )


@router.post("/listen")
def listen(
    request: Request,
    distance_m: Annotated[float, Form()],
    file: Annotated[UploadFile | None, File()] = None,
    sound: Annotated[str | None, Form()] = None,
    duration_s: Annotated[float, Form()] = 3.0,
    preset: Annotated[str, Form()] = services.LISTEN_DEFAULT_SITE,
    temperature_k: Annotated[float | None, Form()] = None,
    pressure_pa: Annotated[float | None, Form()] = None,
    altitude_m: Annotated[float | None, Form()] = None,
    model: Annotated[str | None, Form()] = None,
) -> dict:
    """Earth and Mars versions of an upload or a built-in sound, with spectrograms (Listen page)."""
    if (file is None) == (not sound):
        raise HTTPException(400, "give either an uploaded file or a built-in sound name, not both or neither")
    atm = services.resolve_atmosphere(
        preset=preset, temperature_k=temperature_k, pressure_pa=pressure_pa, altitude_m=altitude_m
    )
    store = _store(request)
    with store.reserve() as (token, folder):
        if file is not None:
            src = save_upload(file.file, file.filename, folder)
        else:
            src = services.builtin_input(str(sound), folder, duration_s)
        body: dict[str, Any] = services.listen(src, folder, distance_m=distance_m, atmosphere=atm, model=model)
    body.update(
        earth_url=_result_url(token, "earth.wav"),
        mars_url=_result_url(token, "mars.wav"),
        spectrogram_url=_result_url(token, "spectrogram.png"),
    )
    return body


@router.get("/results/{token}/{name}")
def result_file(request: Request, token: str, name: str) -> FileResponse:
    """A file of an earlier result (rendered sounds, plots, report pages); Range requests supported."""
    path = _store(request).file(token, name)
    if path is None:
        raise HTTPException(404, "no such result (results are kept for the last few requests only)")
    return SoundFileResponse(path)


# ----------------------------------------------------------------------------- parachute


class EncodeRequest(BaseModel):
    rings: list[str] = []
    coordinates: str | None = None


@router.post("/chute/encode")
def chute_encode(req: EncodeRequest) -> dict:
    """As ``marsound chute encode --json``."""
    return services.chute_encode(req.rings, req.coordinates)


@router.get("/chute/drawing.svg")
def chute_drawing(
    ring: Annotated[list[str], Query()] = [],  # noqa: B006
    coordinates: str | None = None,
    size_px: Annotated[int, Query(ge=64, le=2000)] = 480,
) -> Response:
    """The canopy drawing of a message (SVG, view from below)."""
    return Response(services.chute_svg(ring, coordinates, size_px=size_px), media_type="image/svg+xml")


@router.post("/chute/decode")
def chute_decode(request: Request, file: Annotated[UploadFile, File()]) -> dict:
    """As ``marsound chute decode --json`` for an uploaded photo or video."""
    folder = _scratch(request)
    try:
        return services.chute_decode(save_upload(file.file, file.filename, folder))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ----------------------------------------------------------------------------- landing


@router.get("/landing/features")
def landing_feature_list() -> dict:
    """Which landing parts this build has, and its missions."""
    return {"features": services.landing_features(), "missions": services.mission_names()}


def _require(feature: str, what: str) -> None:
    feats = services.landing_features()
    if not (feats[feature] and feats["timeline"]):
        raise HTTPException(501, f"{what} {NOT_YET}")


@router.get("/landing/timeline")
def landing_timeline(mission: str) -> dict:
    """As ``marsound landing timeline --json``."""
    _require("timeline", "the landing timeline")
    return services.landing_timeline(mission)


@router.get("/landing/view")
def landing_view(request: Request, mission: str) -> dict:
    """The timeline of a mission with its plot (for the Landing page's cursor: time range and axes box)."""
    _require("timeline", "the landing timeline")
    store = _store(request)
    with store.reserve() as (token, folder):
        body = services.landing_view(mission, folder)
    return {**body, "plot_url": _result_url(token, "timeline.png")}


@router.post("/landing/sound")
def landing_sound(request: Request, mission: str) -> dict:
    """The modelled descent soundtrack of a mission (WAV) and the mission time of its start."""
    _require("sound", "the modelled descent soundtrack")
    store = _store(request)
    with store.reserve() as (token, folder):
        body = services.landing_sound(mission, folder)
    return {**body, "wav_url": _result_url(token, "descent.wav")}


@router.post("/landing/video")
def landing_video(
    request: Request, file: Annotated[UploadFile, File()], mission: Annotated[str, Form()] = "perseverance"
) -> dict:
    """A landing video aligned on the mission clock and returned with the modelled sound (MP4)."""
    _require("video", "landing video alignment")
    store = _store(request)
    with store.reserve() as (token, folder):
        video = save_upload(file.file, file.filename, folder, stem="video")
        body = services.landing_video(video, folder, mission=mission)
    return {"alignment": body, "video_url": _result_url(token, "landing.mp4")}


# ----------------------------------------------------------------------------- recordings


@router.post("/recordings/analyze")
def recordings_analyze(
    request: Request,
    file: Annotated[UploadFile, File()],
    label: Annotated[UploadFile | None, File()] = None,
) -> dict:
    """The ``analyze`` report of an uploaded product (SuperCam FITS/WAV, any audio, a video)."""
    store = _store(request)
    scratch = _scratch(request)
    try:
        with store.reserve() as (token, folder):
            src = save_upload(file.file, file.filename, scratch, stem="product")
            lbl = save_upload(label.file, label.filename, scratch, stem="product-label") if label is not None else None
            summary = services.analyze(src, folder, label_path=lbl)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {"report_url": _result_url(token, "index.html"), "summary": summary}
