"""The descent soundtrack in ``marsound demo``: Perseverance heard on board, with its spectrogram."""

from __future__ import annotations

from pathlib import Path

from marsound.landing.sound.plot import SpectrogramAccumulator, plot_descent_spectrogram
from marsound.landing.sound.render import plan_descent_sound, write_descent_sound

DEMO_MISSION = "perseverance"
DEMO_SAMPLE_RATE_HZ = 48_000


def render_demo_descent(out_dir: str | Path, *, mission: str = DEMO_MISSION) -> dict[str, Path]:
    """Write ``<out>/landing/<mission>_descent_onboard.wav`` (+ ``.json`` sidecar) and its spectrogram PNG."""
    folder = Path(out_dir) / "landing"
    folder.mkdir(parents=True, exist_ok=True)
    plan = plan_descent_sound(mission=mission, listener="onboard", sample_rate_hz=DEMO_SAMPLE_RATE_HZ)
    spec = SpectrogramAccumulator(plan.sample_rate_hz, plan.total_samples)
    wav = folder / f"{mission}_descent_onboard.wav"
    result = write_descent_sound(wav, plan, spectrogram=spec)
    png = plot_descent_spectrogram(spec, result, folder / f"{mission}_descent_onboard.png")
    return {
        "descent_sound": wav,
        "descent_sound_sidecar": wav.with_name(wav.name + ".json"),
        "descent_spectrogram": png,
    }
