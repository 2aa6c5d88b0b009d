"""Fixtures for the recordings tests: tiny products in the real formats, generated in code."""

from __future__ import annotations

import numpy as np
import pytest

from marsound.audio import write_float_wav
from marsound.recordings.pds4 import write_label


@pytest.fixture
def rng():
    return np.random.default_rng(440)


@pytest.fixture
def calibrated_product(tmp_path, rng):
    """A calibrated SuperCam-style WAV (float32, 58-byte header) with its PDS4 label."""
    fs = 25_000.0
    x = (0.01 * rng.standard_normal(5000)).astype(np.float32)
    stem = "ascam_sol0069_0673066208_290_ca2_scam07069_heli_________________01p02"
    wav = write_float_wav(tmp_path / f"{stem}.wav", x, fs)
    lab = write_label(
        tmp_path / f"{stem}.xml", wav, n_samples=x.size, sample_rate_hz=fs, sol=69,
        lmst="Sol-00069M12:35:00.000", start_utc="2021-04-30T14:51:38.000Z", stop_utc="2021-04-30T14:51:38.200Z",
        sequence_id="scam07069", unit="Pa",
    )  # fmt: skip
    return wav, lab, x
