"""Shared fixtures: seeded random generator, the real SuperCam LIBS WAV unpacked once per session."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from helpers import cut_libs_excerpt, unpack_libs
from hypothesis import settings

# Reproducible property tests in CI: the same examples every run (set HYPOTHESIS_PROFILE=explore locally
# to search with fresh random examples).
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(440)


@pytest.fixture(scope="session")
def libs_wav(tmp_path_factory) -> Path:
    """The real SuperCam LIBS WAV (sol 51), unpacked once per session from ``tests/data`` (sha256-checked)."""
    return unpack_libs(tmp_path_factory.mktemp("libs"))


@pytest.fixture(scope="session")
def libs_excerpt_wav(libs_wav, tmp_path_factory) -> Path:
    """Its first three shot windows (72,600 samples) as a WAV of the same layout, cut once per session."""
    return cut_libs_excerpt(libs_wav, tmp_path_factory.mktemp("libs_excerpt"))
