"""Moving sources: Doppler, agreement with the static renderer, streaming, trajectories."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from scipy.signal import hilbert

from marsound.physics import preset, sound_speed
from marsound.rendering import render, render_file
from marsound.rendering.moving import MovingSourceFilter, read_trajectory_csv, render_moving, trajectory_from_points

FS = 24_000


def _frequency(y: np.ndarray, fs: float) -> float:
    phase = np.unwrap(np.angle(hilbert(y.astype(float))))
    return float(np.polyfit(np.arange(y.size) / fs, phase, 1)[0] / (2 * np.pi))


@pytest.mark.parametrize(("atm_name", "v"), [("jezero", 15.0), ("jezero", -15.0), ("earth", 40.0)])
def test_constant_radial_speed_gives_doppler_ratio(atm_name, v):
    atm, f0 = preset(atm_name), 500.0
    t = np.arange(2 * FS) / FS
    x = np.sin(2 * np.pi * f0 * t).astype(np.float32)
    traj = trajectory_from_points([0.0, 2.0], [40.0, 40.0 + 2.0 * v])
    y = render_moving(x, FS, traj, atm, source_model="none")
    c = float(sound_speed([f0], atm)[0])
    start = int((40.0 / c + 0.4) * FS)
    measured = _frequency(y[start : start + FS // 2], FS) / f0
    assert measured == pytest.approx(c / (c + v), abs=2e-4)
    assert abs(measured - 1.0) > 0.04  # a real shift, not the static tone


def test_static_trajectory_matches_static_renderer():
    atm = preset("jezero")
    x = np.random.default_rng(0).standard_normal(FS // 2).astype(np.float32)
    from scipy.signal import butter, sosfilt

    x = sosfilt(butter(4, 0.6 * FS / 2, fs=FS, output="sos"), x).astype(
        np.float32
    )  # stay inside the interpolator's band
    ym = render_moving(x, FS, trajectory_from_points([0.0], [20.0]), atm)
    ys = render(x, FS, 20.0, atm)
    n = min(ym.size, ys.size)
    assert abs(ym.size - ys.size) <= 2
    assert np.max(np.abs(ym[:n] - ys[:n])) < 1e-3 * np.max(np.abs(ys))


def test_moving_stream_is_independent_of_chunks_and_smooth():
    atm = preset("jezero")
    t = np.arange(FS) / FS
    x = np.sin(2 * np.pi * 300 * t).astype(np.float32)
    traj = trajectory_from_points([0.0, 1.0], [5.0, 25.0])
    whole = render_moving(x, FS, traj, atm)
    eng = MovingSourceFilter(traj, FS, 1, atm)
    parts = [eng.process(x[i : i + 1237, None]) for i in range(0, x.size, 1237)] + [eng.flush()]
    np.testing.assert_array_equal(np.concatenate(parts)[:, 0], whole)
    # no zipper noise: the envelope changes smoothly (no block-rate steps)
    start = int(5.0 / 240 * FS) + 2000
    env = np.abs(hilbert(whole[start : start + FS // 2].astype(float)))
    steps = np.abs(np.diff(env[200:-200]))
    assert steps.max() < 2e-3 * env.max()


def test_xyz_flyby_csv_and_file_render(tmp_path):
    csv = tmp_path / "flyby.csv"
    csv.write_text("# helicopter passing 10 m abeam\ntime_s,x_m,y_m,z_m\n0,-30,10,5\n1,0,10,5\n2,30,10,5\n")
    traj = read_trajectory_csv(csv)
    assert traj.distance_m.min() == pytest.approx(np.hypot(10, 5), rel=1e-6)
    assert traj.distance_at(0.0) == pytest.approx(np.sqrt(900 + 125))
    x = (0.1 * np.sin(2 * np.pi * 84.6 * np.arange(2 * FS) / FS)).astype(np.float32)
    src = tmp_path / "heli.wav"
    sf.write(src, np.stack([x, -x], 1), FS, subtype="FLOAT")
    (rep,) = render_file(src, tmp_path / "flyby.wav", None, preset("jezero"), trajectory=traj)
    y, fs = sf.read(tmp_path / "flyby.wav", dtype="float32", always_2d=True)
    assert (fs, y.shape[1]) == (FS, 2)
    np.testing.assert_allclose(y[:, 0], -y[:, 1], atol=1e-7)
    assert rep.distance_m is None and rep.output_frames == y.shape[0]
