"""Helpers of the web tests: real data files, small WAV files made in code."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import soundfile as sf

REAL = Path(__file__).resolve().parents[2] / "tests" / "data"
SHARED_REAL = Path("/work/shared/data/real")
PARACHUTE_NAME = "perseverance_parachute_EBF_0001_0667022756.jpg"
UPLOAD_LIMIT_BYTES = 2_000_000


def real_file(name: str) -> Path | None:
    """A real data file: the copy shipped in tests/data, else the shared data folder (or None)."""
    for folder in (REAL, SHARED_REAL):
        if (folder / name).is_file():
            return folder / name
    return None


def wav_bytes(x: np.ndarray, fs: int, subtype: str = "PCM_16") -> bytes:
    buf = io.BytesIO()
    sf.write(buf, x, fs, format="WAV", subtype=subtype)
    return buf.getvalue()


def chirp(fs: int = 16_000, duration_s: float = 0.5) -> np.ndarray:
    t = np.arange(int(fs * duration_s)) / fs
    return (0.5 * np.sin(2 * np.pi * (200 + 3000 * t) * t)).astype(np.float32)
