"""Built-in sounds and the listening part of the demo."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from marsound.demo import render_demo_sounds
from marsound.errors import InvalidParameterError, UnknownNameError
from marsound.rendering.sounds import BLADE_PASSING_HZ, SOUND_NAMES, builtin_sound


@pytest.mark.parametrize("name", SOUND_NAMES)
def test_sounds_are_finite_deterministic_and_scaled(name):
    x = builtin_sound(name, 16_000, 0.7)
    assert x.dtype == np.float32 and x.shape == (11_200,)
    assert np.isfinite(x).all()
    assert np.max(np.abs(x)) == pytest.approx(0.5)
    np.testing.assert_array_equal(x, builtin_sound(name, 16_000, 0.7))


def test_helicopter_has_blade_passing_harmonics():
    fs = 8_000
    x = builtin_sound("helicopter", fs, 4.0).astype(float)
    spec = np.abs(np.fft.rfft(x * np.hanning(x.size)))
    f = np.fft.rfftfreq(x.size, 1 / fs)
    for h in (1, 2, 3):
        band = (f > h * BLADE_PASSING_HZ - 20) & (f < h * BLADE_PASSING_HZ + 20)
        assert f[band][np.argmax(spec[band])] == pytest.approx(h * BLADE_PASSING_HZ, abs=0.5)
    assert BLADE_PASSING_HZ == pytest.approx(84.6, abs=0.1)


def test_unknown_sound_and_bad_duration():
    with pytest.raises(UnknownNameError, match="bell"):
        builtin_sound("kazoo")
    with pytest.raises(InvalidParameterError, match="duration_s"):
        builtin_sound("bell", duration_s=0)


def test_demo_sounds_page(tmp_path):
    files = render_demo_sounds(tmp_path, duration_s=0.3, distances_m=(2.0, 10.0), sounds=("bell", "laser-spark"))
    page = files["sounds_page"].read_text()
    assert page.count("<audio") == 2 * 2 * 2
    for key in ("bell_earth_2m", "bell_mars_10m", "laser-spark_mars_2m", "bell_spectrogram"):
        assert files[key].is_file() and files[key].stat().st_size > 1000
        assert f"sounds/{files[key].name}" in page
    earth, fs = sf.read(files["bell_earth_10m"])
    mars, _ = sf.read(files["bell_mars_10m"])
    assert fs == 48_000
    assert np.max(np.abs(earth)) == pytest.approx(10 ** (-1 / 20), abs=1e-3)
    # same listening gain: Mars stays ~20 dB (plus absorption) quieter
    assert 20 * np.log10(np.std(mars) / np.std(earth)) < -20.0
