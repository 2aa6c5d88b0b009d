"""Shared fixtures: seeded random generator."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import settings

# Reproducible property tests in CI: the same examples every run (set HYPOTHESIS_PROFILE=explore locally
# to search with fresh random examples).
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(440)
