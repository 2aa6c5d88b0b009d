"""Shared helpers for the chute tests: drawn canopies and simple photographic perturbations."""

import pytest
from helpers import PERSEVERANCE

from marsound.chute.draw import render_array
from marsound.chute.encode import encode_message


@pytest.fixture(scope="session")
def canopy_png():
    """A 640 px drawing of the Perseverance message (BGR)."""
    return render_array(encode_message(*PERSEVERANCE), size_px=640)
