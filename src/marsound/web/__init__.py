"""The local web page of marsound (``marsound serve``): FastAPI app, pages and HTTP API.

Needs the ``web`` extra (``pip install "marsound[web]"``); :mod:`marsound.web.settings` does not.
Every asset is served from this package: the page works offline.

>>> from marsound.web import create_app   # doctest: +SKIP
>>> app = create_app(max_upload_bytes=64_000_000)   # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":  # imported on use: FastAPI is an optional dependency
        from marsound.web.app import create_app

        return create_app
    raise AttributeError(f"module 'marsound.web' has no attribute {name!r}")
