"""Shared helpers for the rendering tests (tiny signals generated in code)."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf


@pytest.fixture
def write_wav(tmp_path):
    def _write(name: str, x: np.ndarray, fs: int = 48_000, subtype: str = "FLOAT"):
        p = tmp_path / name
        sf.write(p, x, fs, subtype=subtype)
        return p

    return _write
