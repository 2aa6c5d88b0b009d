"""marsound: sound and landing media on Mars.

The top-level package re-exports the physics core; the other parts live in their
subpackages (``marsound.physics``, ``marsound.cli``, ...). Heavy optional imports
(matplotlib, scipy.signal) are done lazily inside the functions that need them.
"""

from __future__ import annotations

from marsound.errors import (
    InvalidParameterError,
    MarsoundError,
    ModelValidityWarning,
    UnknownNameError,
)

__version__ = "0.1.0"

__all__ = [
    "InvalidParameterError",
    "MarsoundError",
    "ModelValidityWarning",
    "UnknownNameError",
    "__version__",
]
