"""The web app factory: pages, the ``/api`` routes, local static files, errors as JSON."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from marsound import __version__
from marsound.errors import MarsoundError
from marsound.web.limits import BodyLimitMiddleware
from marsound.web.settings import DEFAULT_MAX_RESULTS, DEFAULT_MAX_UPLOAD_MB
from marsound.web.store import ResultStore

HERE = Path(__file__).parent


def create_app(
    *,
    max_upload_bytes: int = int(DEFAULT_MAX_UPLOAD_MB * 1e6),
    results_dir: str | Path | None = None,
    max_results: int = DEFAULT_MAX_RESULTS,
) -> FastAPI:
    """Build the marsound web app.

    Parameters
    ----------
    max_upload_bytes : int
        Largest request body accepted; larger ones get ``413`` (on ``Content-Length`` and while
        streaming).
    results_dir : path, optional
        Folder for rendered results (default: a fresh temporary folder, removed at shutdown).
    max_results : int
        Results kept for the pages to fetch.

    Examples
    --------
    >>> from fastapi.testclient import TestClient          # doctest: +SKIP
    >>> with TestClient(create_app()) as client:           # doctest: +SKIP
    ...     client.get("/api/health").json()["status"]
    'ok'
    """
    store = ResultStore(results_dir, max_entries=max_results)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    app = FastAPI(
        title="marsound", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.store = store
    app.state.max_upload_bytes = int(max_upload_bytes)
    hide = re.compile(re.escape(str(store.root)) + r"/[A-Za-z0-9_-]+/(upload/)?")  # private folders

    def error(status: int, message: str) -> JSONResponse:
        return JSONResponse({"error": hide.sub("", message)}, status_code=status)

    @app.exception_handler(MarsoundError)
    async def _marsound_error(request: Request, exc: MarsoundError) -> JSONResponse:
        return error(400, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        msg = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return error(exc.status_code, "not found" if exc.status_code == 404 and msg == "Not Found" else msg)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for e in exc.errors():
            loc = ".".join(str(x) for x in e.get("loc", ()) if x not in ("body", "query"))
            parts.append(f"{loc}: {e.get('msg', 'invalid')}" if loc else str(e.get("msg", "invalid")))
        return error(422, "; ".join(parts) or "invalid request")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        return error(500, f"internal error: {type(exc).__name__}: {exc}")

    from marsound.web import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=int(max_upload_bytes))
    return app
