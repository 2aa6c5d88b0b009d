"""Real FFTs for the streaming engines: scipy's pocketfft, without the start-up cost of :mod:`scipy.fft`.

``import scipy.fft`` costs about 0.4 s of CPU (it imports :mod:`scipy.special` and scipy's
array-API layer), as much as filtering ten minutes of 48 kHz audio, and ``marsound render`` pays it
on every run. :mod:`numpy.fft` imports for free but transforms a batch of blocks one at a time
(1.5-5x slower here). So the engines call scipy's compiled pocketfft (M. Reinecke, *pocketfft*,
the C++ library behind :mod:`scipy.fft`) directly: its extension module is loaded from scipy's
package folder by file, without running ``scipy/fft/__init__.py``. If that (private) layout ever
changes, the public :func:`scipy.fft.rfft` / :func:`scipy.fft.irfft` are used instead: the same
library, the same results, a slower start.

Both paths take ``out=`` arrays, so the engines transform into buffers they reuse.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
from numpy.typing import NDArray

_NAME = "scipy.fft._pocketfft.pypocketfft"


def _load_pocketfft() -> ModuleType | None:
    """scipy's pocketfft extension module, loaded by file (None if it cannot be found)."""
    if _NAME in sys.modules:  # scipy.fft already imported: reuse its module
        return sys.modules[_NAME]
    try:
        spec = importlib.util.find_spec("scipy")
        if spec is None or spec.origin is None:
            return None
        folder = Path(spec.origin).parent / "fft" / "_pocketfft"
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            so = folder / f"pypocketfft{suffix}"
            if so.is_file():
                loader = importlib.machinery.ExtensionFileLoader(_NAME, str(so))
                module = importlib.util.module_from_spec(importlib.util.spec_from_loader(_NAME, loader))  # type: ignore[arg-type]
                loader.exec_module(module)
                if all(hasattr(module, f) for f in ("r2c", "c2r", "good_size")):
                    return module
    except (ImportError, OSError):
        pass
    return None


_POCKETFFT = _load_pocketfft()
USING_SCIPY_FFT_PACKAGE = _POCKETFFT is None
"""True when the fallback (:mod:`scipy.fft` itself) is in use."""


def next_fast_len(n: int) -> int:
    """Smallest length >= ``n`` that pocketfft transforms fast (as ``scipy.fft.next_fast_len(n, real=True)``)."""
    if _POCKETFFT is not None:
        return int(_POCKETFFT.good_size(int(n), True))
    from scipy import fft

    return int(fft.next_fast_len(int(n), real=True))


def rfft(x: NDArray[np.floating], *, out: NDArray[np.complexfloating] | None = None) -> NDArray[np.complexfloating]:
    """Real FFT along the last axis (its full length; float32 in, complex64 out), into ``out`` if given."""
    if _POCKETFFT is not None:
        return _POCKETFFT.r2c(x, axes=[x.ndim - 1], forward=True, inorm=0, out=out)
    from scipy import fft

    y = fft.rfft(x, axis=-1)
    if out is None:
        return y
    out[...] = y
    return out


def irfft(
    spectrum: NDArray[np.complexfloating], n: int, *, out: NDArray[np.floating] | None = None
) -> NDArray[np.floating]:
    """Inverse of :func:`rfft` to ``n`` real samples along the last axis (scaled by 1/n), into ``out`` if given."""
    if _POCKETFFT is not None:
        return _POCKETFFT.c2r(
            spectrum, axes=[spectrum.ndim - 1], lastsize=int(n), forward=False, inorm=2, out=out
        )
    from scipy import fft

    y = fft.irfft(spectrum, int(n), axis=-1)
    if out is None:
        return y
    out[...] = y
    return out
