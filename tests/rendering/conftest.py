"""Shared helpers for the rendering tests (tiny signals generated in code)."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf


def tone_amplitude(y: np.ndarray, fs: float, f: float) -> float:
    """Amplitude of a steady sinusoid at ``f`` in ``y`` (least squares on sin/cos)."""
    t = np.arange(y.size) / fs
    basis = np.stack([np.sin(2 * np.pi * f * t), np.cos(2 * np.pi * f * t)], axis=1)
    coef, *_ = np.linalg.lstsq(basis, y.astype(float), rcond=None)
    return float(np.hypot(*coef))


@pytest.fixture
def write_wav(tmp_path):
    def _write(name: str, x: np.ndarray, fs: int = 48_000, subtype: str = "FLOAT"):
        p = tmp_path / name
        sf.write(p, x, fs, subtype=subtype)
        return p

    return _write


def leftovers(folder) -> list[str]:
    """Files in ``folder`` (to check that failures leave nothing behind)."""
    return sorted(p.name for p in folder.iterdir())
