"""Shared helpers for the chute tests: drawn canopies and simple photographic perturbations."""

import pytest
from helpers import PERSEVERANCE, load_benchmark_module

from marsound.chute.draw import render_array
from marsound.chute.encode import encode_message


@pytest.fixture(scope="session")
def canopy_png():
    """A 640 px drawing of the Perseverance message (BGR)."""
    return render_array(encode_message(*PERSEVERANCE), size_px=640)


@pytest.fixture(scope="session")
def scenes():
    """The benchmark's realistic scene renderer (``benchmarks/chute_scenes.py``)."""
    return load_benchmark_module("chute_scenes")
