"""Fixtures of the web tests: an app with a small upload limit, small WAV files made in code."""

from __future__ import annotations

import pytest
from helpers import UPLOAD_LIMIT_BYTES, chirp, wav_bytes

pytest.importorskip("fastapi", reason="the web extra is not installed")


@pytest.fixture
def client():
    from fastapi.testclient import TestClient

    from marsound.web import create_app

    with TestClient(create_app(max_upload_bytes=UPLOAD_LIMIT_BYTES)) as c:
        yield c


@pytest.fixture
def chirp_wav() -> bytes:
    return wav_bytes(chirp(), 16_000)
