"""Helpers shared by the tests (import them: ``from helpers import ...``; ``tests/`` is on pytest's pythonpath).

Fixtures stay in the ``conftest.py`` files; plain functions and constants live here, so that any
test file can be collected alone or with any other.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import soundfile as sf

# -- rendering -------------------------------------------------------------------------------


def tone_amplitude(y: np.ndarray, fs: float, f: float) -> float:
    """Amplitude of a steady sinusoid at ``f`` in ``y`` (least squares on sin/cos)."""
    t = np.arange(y.size) / fs
    basis = np.stack([np.sin(2 * np.pi * f * t), np.cos(2 * np.pi * f * t)], axis=1)
    coef, *_ = np.linalg.lstsq(basis, y.astype(float), rcond=None)
    return float(np.hypot(*coef))


def leftovers(folder) -> list[str]:
    """Files in ``folder`` (to check that failures leave nothing behind)."""
    return sorted(p.name for p in folder.iterdir())


# -- chute -------------------------------------------------------------------------------------

PERSEVERANCE = (["DARE", "MIGHTY", "THINGS"], "34 11 58 N 118 10 31 W")
TEXTS = ["DARE", "MIGHTY", "THINGS", "34 11 58 N 118 10 31 W"]
SKY_BGR = (28, 26, 30)


def tilt_homography(size, tilt_deg, axis_deg, f_factor=1.5, shrink=0.8):
    """Homography of a square image seen by a pinhole camera with the plane tilted about an axis."""
    c = size / 2
    f = f_factor * size
    a, t = np.radians(axis_deg), np.radians(tilt_deg)
    u = np.array([np.cos(a), np.sin(a), 0.0])
    k = np.array([[0, -u[2], u[1]], [u[2], 0, -u[0]], [-u[1], u[0], 0]])
    r = np.eye(3) + np.sin(t) * k + (1 - np.cos(t)) * k @ k
    p = np.array([[f, 0, c], [0, f, c], [0, 0, 1.0]]) @ np.column_stack([r[:, 0] * shrink, r[:, 1] * shrink, [0, 0, f]])
    return p @ np.array([[1, 0, -c], [0, 1, -c], [0, 0, 1.0]]) / f


# -- web -------------------------------------------------------------------------------------

REAL = Path(__file__).resolve().parent / "data"
#: The project's shared real data, beside the checkout (``../shared/data/real``, as CI lays it out).
SHARED_REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
PARACHUTE_NAME = "perseverance_parachute_EBF_0001_0667022756.jpg"
UPLOAD_LIMIT_BYTES = 2_000_000


def real_file(name: str) -> Path | None:
    """A real data file: the copy shipped in tests/data, else the shared data folder (or None)."""
    for folder in (REAL, SHARED_REAL, Path("/work/shared/data/real")):
        if (folder / name).is_file():
            return folder / name
    return None


# -- the real SuperCam LIBS recording (tests/data/README.md) ------------------------------------

LIBS_NAME = "supercam_libs_sol0051.wav"
LIBS_XZ = REAL / f"{LIBS_NAME}.xz"
LIBS_SHA256 = "68a7291d9cafc0abea7d783fbaeab3764fd107940884d6a97b93a6da15999782"
#: Its first 72,600 samples (shot windows 1-3 and the NaN gaps between them), rewritten with the
#: same 58-byte header by ``write_float_wav``: the excerpt once shipped as a file, byte for byte.
LIBS_EXCERPT_FRAMES = 72_600
LIBS_EXCERPT_SHA256 = "e080a1456053aca8d0017ad0d7ab736cc5a5a37e96261eb664c68e4b20d38a93"


def unpack_libs(folder: Path) -> Path:
    """The whole real LIBS WAV, unpacked from the shipped ``.xz`` into ``folder`` and checked by sha256."""
    import hashlib
    import lzma

    data = lzma.decompress(LIBS_XZ.read_bytes())
    assert hashlib.sha256(data).hexdigest() == LIBS_SHA256, "tests/data/supercam_libs_sol0051.wav.xz changed"
    path = Path(folder) / LIBS_NAME
    path.write_bytes(data)
    return path


def cut_libs_excerpt(whole: Path, folder: Path) -> Path:
    """The first :data:`LIBS_EXCERPT_FRAMES` samples of the whole file as a WAV of the same layout (sha256-checked)."""
    import hashlib

    from marsound.audio import AudioReader, write_float_wav

    x = AudioReader(whole, nonfinite="allow").read(0, LIBS_EXCERPT_FRAMES)
    path = write_float_wav(Path(folder) / "supercam_libs_sol0051_excerpt.wav", x, 100_000, allow_nonfinite=True)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == LIBS_EXCERPT_SHA256
    return path


def wav_bytes(x: np.ndarray, fs: int, subtype: str = "PCM_16") -> bytes:
    buf = io.BytesIO()
    sf.write(buf, x, fs, format="WAV", subtype=subtype)
    return buf.getvalue()


def chirp(fs: int = 16_000, duration_s: float = 0.5) -> np.ndarray:
    t = np.arange(int(fs * duration_s)) / fs
    return (0.5 * np.sin(2 * np.pi * (200 + 3000 * t) * t)).astype(np.float32)


BENCHMARKS = Path(__file__).parents[1] / "benchmarks"


def load_benchmark_module(name: str):
    """A module of ``benchmarks/`` (e.g. the realistic chute scene renderer ``chute_scenes``),
    imported by path and registered in ``sys.modules`` (its siblings import it by name)."""
    import importlib.util
    import sys

    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod
