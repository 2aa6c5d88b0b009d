"""The exception family of marsound.

Every error raised on purpose by marsound derives from :class:`MarsoundError`.
Errors caused by a value the caller passed also derive from :class:`ValueError`,
so ``except ValueError`` keeps working for callers who do not know marsound.
"""

from __future__ import annotations


class MarsoundError(Exception):
    """Base class of all marsound errors."""


class InvalidParameterError(MarsoundError, ValueError):
    """A parameter has a value that is out of range, non-finite or inconsistent.

    The message always names the parameter and repeats the offending value.
    """


class UnknownNameError(InvalidParameterError):
    """A name (preset, model, species, format...) is not known.

    The message lists the known names.
    """


class FileFormatError(MarsoundError, ValueError):
    """A file is unreadable, empty, truncated, corrupt or of an unsupported format."""


class ModelValidityWarning(UserWarning):
    """A model is used outside the range of conditions its source validates."""


class OutputError(MarsoundError, OSError):
    """An output cannot be written: its folder cannot be created, a folder or file is in the way,
    the name is too long, the place is read-only or full.

    The message names the output path and the reason.
    """
