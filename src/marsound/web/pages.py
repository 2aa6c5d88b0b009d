"""HTML pages (Jinja2 templates; the pages' scripts call the ``/api`` routes)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from marsound import __version__

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
router = APIRouter()

PAGES = (("/", "Listen"), ("/physics", "Physics"), ("/chute", "Parachute"), ("/landing", "Landing"),
         ("/recordings", "Recordings"))  # fmt: skip


def _page(request: Request, template: str, **context: object) -> HTMLResponse:
    from marsound.physics import PRESET_NAMES
    from marsound.physics.models import MODEL_NAMES

    base = {
        "pages": PAGES,
        "version": __version__,
        "presets": PRESET_NAMES,
        "models": MODEL_NAMES,
        "max_upload_mb": request.app.state.max_upload_bytes / 1e6,
    }
    return templates.TemplateResponse(request, template, {**base, **context})


@router.get("/", response_class=HTMLResponse)
def listen_page(request: Request) -> HTMLResponse:
    from marsound.rendering.sounds import SOUND_NAMES
    from marsound.web.services import LISTEN_DISTANCE_RANGE_M, MAX_BUILTIN_DURATION_S

    return _page(
        request, "listen.html", title="Listen", sounds=SOUND_NAMES, distance_range=LISTEN_DISTANCE_RANGE_M,
        max_duration_s=MAX_BUILTIN_DURATION_S,
    )  # fmt: skip


@router.get("/physics", response_class=HTMLResponse)
def physics_page(request: Request) -> HTMLResponse:
    return _page(request, "physics.html", title="Physics")


@router.get("/chute", response_class=HTMLResponse)
def chute_page(request: Request) -> HTMLResponse:
    return _page(request, "chute.html", title="Parachute")


@router.get("/landing", response_class=HTMLResponse)
def landing_page(request: Request) -> HTMLResponse:
    from marsound.web.services import landing_features, mission_names

    return _page(request, "landing.html", title="Landing", features=landing_features(), missions=mission_names())


@router.get("/recordings", response_class=HTMLResponse)
def recordings_page(request: Request) -> HTMLResponse:
    return _page(request, "recordings.html", title="Recordings")
