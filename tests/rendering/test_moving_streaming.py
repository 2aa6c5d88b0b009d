"""Moving sources, fast path: block-size independence, agreement with the static renderer and physics."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from scipy.signal import butter, hilbert, sosfilt

from marsound.physics import preset
from marsound.rendering import render, render_file
from marsound.rendering.filters import transfer_function
from marsound.rendering.moving import MovingSourceFilter, render_moving, trajectory_from_points

FS = 24_000


def _stream(eng: MovingSourceFilter, x: np.ndarray, block: int) -> np.ndarray:
    parts = [eng.process(x[i : i + block]) for i in range(0, x.shape[0], block)]
    return np.concatenate([*parts, eng.flush()], axis=0)


def test_output_is_identical_for_any_block_size():
    """A fast pass-by (195 m/s, many filter-grid cells per chunk), stereo: bit-identical for any blocks."""
    atm = preset("jezero")
    x = np.random.default_rng(21).standard_normal((int(1.5 * FS), 2)).astype(np.float32)
    traj = trajectory_from_points([0.0, 0.6, 1.2], [120.0, 3.0, 120.0])
    ref = _stream(MovingSourceFilter(traj, FS, 2, atm), x, x.shape[0])
    eng = MovingSourceFilter(traj, FS, 2, atm)
    assert eng.grid_m.size > 20 and x.shape[0] > 2 * eng.block  # several chunks, many grid cells
    for block in (1, 7, 1000, 4096):
        np.testing.assert_array_equal(_stream(MovingSourceFilter(traj, FS, 2, atm), x, block), ref)
    assert np.all(np.isfinite(ref)) and np.max(np.abs(ref)) > 0


def test_render_file_block_frames_do_not_change_the_output(tmp_path):
    atm = preset("jezero")
    x = (0.1 * np.random.default_rng(22).standard_normal(FS)).astype(np.float32)
    src = tmp_path / "in.wav"
    sf.write(src, x, FS, subtype="FLOAT")
    traj = trajectory_from_points([0.0, 1.0], [5.0, 80.0])
    render_file(src, tmp_path / "a.wav", None, atm, trajectory=traj, block_frames=777)
    render_file(src, tmp_path / "b.wav", None, atm, trajectory=traj, block_frames=1 << 16)
    a, b = sf.read(tmp_path / "a.wav", dtype="float32")[0], sf.read(tmp_path / "b.wav", dtype="float32")[0]
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("atm_name", ["jezero", "earth"])
def test_stationary_trajectory_matches_static_render_at_48k(atm_name):
    """Same distance all along: agreement with the static FIR within -80 dB of the peak.

    The difference is the 24-tap interpolator's response (it passes 0.3 fs to 1e-4), so the input
    stays below 0.3 fs; measured 1.9e-5 (Jezero) and 3.5e-6 (Earth) of the peak.
    """
    fs, atm = 48_000, preset(atm_name)
    x = np.random.default_rng(23).standard_normal(fs // 2)
    x = sosfilt(butter(8, 0.3 * fs, fs=fs, output="sos"), x).astype(np.float32)
    ym = render_moving(x, fs, trajectory_from_points([0.0, 0.5], [30.0, 30.0]), atm)
    ys = render(x, fs, 30.0, atm)
    n = min(ym.size, ys.size)
    assert abs(ym.size - ys.size) <= 2
    assert np.max(np.abs(ym[:n] - ys[:n])) < 1e-4 * np.max(np.abs(ys))


def test_level_follows_distance():
    """A 1 kHz tone from a source closing from 30 m to 10 m at 5 m/s: level = |H(f0, d(tau))| within 0.02 dB.

    The propagation filter acts in emission time, so at the emitted frequency (at the Doppler-shifted
    1.02 kHz the absorption would differ by 0.02-0.04 dB here); measured 0.003-0.009 dB.
    """
    fs, atm, f0, r0 = 48_000, preset("jezero"), 1000.0, 1.0
    x = np.sin(2 * np.pi * f0 * np.arange(4 * fs) / fs).astype(np.float32)
    traj = trajectory_from_points([0.0, 4.0], [30.0, 10.0])
    y = render_moving(x, fs, traj, atm, source_model="none").astype(float)
    env = np.abs(hilbert(y))
    eng = MovingSourceFilter(traj, fs, 1, atm)
    errors = []
    for tau in (0.5, 1.0, 2.0, 3.0, 3.5):
        d = float(traj.distance_at(tau))
        t = tau + (d - r0) / eng.c_ref
        i = round(t * fs)
        measured = 20 * np.log10(np.mean(env[i - 240 : i + 240]))
        expected = 20 * np.log10(abs(transfer_function([f0], d, atm, source_model="none")[0]))
        errors.append(measured - expected)
    assert np.max(np.abs(errors)) < 0.02, errors
    assert errors  # five points checked, from 27.5 m down to 12.5 m


def test_arrival_time_matches_static_render():
    """A 2 kHz tone burst emitted at 0.5 s from a slowly moving source arrives when the static render says."""
    fs, atm = 48_000, preset("jezero")
    t = np.arange(fs) / fs
    burst = (np.exp(-0.5 * ((t - 0.5) / 0.004) ** 2) * np.sin(2 * np.pi * 2000 * t)).astype(np.float32)
    traj = trajectory_from_points([0.0, 1.0], [39.75, 40.25])  # 0.5 m/s; 40 m at emission

    def peak_time(y: np.ndarray) -> float:
        env = np.abs(hilbert(y.astype(float)))
        i = int(np.argmax(env))
        a, b, c = np.log(env[i - 1 : i + 2])
        return (i + 0.5 * (a - c) / (a - 2 * b + c)) / fs

    moving = peak_time(render_moving(burst, fs, traj, atm))
    static = peak_time(render(burst, fs, 40.0, atm))
    assert moving == pytest.approx(0.5 + 39.0 / 248.0, abs=5e-3)  # about 157 ms of travel
    assert abs(moving - static) < 5e-6  # a quarter of a sample at 48 kHz (measured 0.03 sample)


@pytest.mark.parametrize(("atm_name", "r0"), [("jezero", 1.0), ("earth", 1.0), ("jezero", 30.0)])
def test_distance_grid_crossfade_error_is_bounded(atm_name, r0):
    """Between grid designs, the linear crossfade stays within the tolerance (of the peak) of the exact filter."""
    atm = preset(atm_name)
    traj = trajectory_from_points([0.0, 10.0], [2.0, 300.0])  # from r0 = 30 m this starts nearer than r0
    eng = MovingSourceFilter(traj, FS, 1, atm, source_distance_m=r0)
    grid = eng.grid_m
    assert grid[0] == pytest.approx(2.0 - r0) and grid[-1] == pytest.approx(300.0 - r0)
    assert np.all(np.diff(grid) > 0) and np.all(np.isfinite(grid))
    edge = np.abs(eng._shift)  # the band-edge roll-off
    worst = 0.0
    for i in range(0, grid.size - 1, max(1, grid.size // 25)):
        lo, hi = grid[i], grid[i + 1]
        h_lo, h_hi = (edge * np.exp(-1j * eng._kappa * length) for length in (lo, hi))
        for w in (0.25, 0.5, 0.75):
            exact = edge * np.exp(-1j * eng._kappa * (lo + w * (hi - lo)))
            err = np.max(np.abs((1 - w) * h_lo + w * h_hi - exact)) / np.max(np.abs(exact))
            worst = max(worst, err)
    assert worst < 1.2 * 1e-4  # GRID_TOLERANCE, to second order in |kappa| dL
    assert worst > 1e-5  # the grid is not needlessly fine
