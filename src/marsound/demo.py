"""The demo job (``marsound demo``): the physics of sound on Mars vs Earth, then hearing it.

1. :func:`physics_comparison`: absorption and sound speed on Mars (Jezero) and Earth at
   :data:`DEMO_FREQUENCIES_HZ`, and the level change at equal acoustic power; a plot.
2. :func:`render_demo_sounds`: built-in sounds on Earth and on Mars, side by side.
3. :func:`marsound.landing.sound.demo.render_demo_descent`: Perseverance's descent as its microphone
   would have heard it (a model), ``<out>/landing/perseverance_descent_onboard.wav`` with its JSON
   sidecar and spectrogram.

:func:`render_demo_sounds` writes into ``<out>/sounds/``: one WAV per sound, planet and distance
(``<sound>_<earth|mars>_<D>m.wav``), one spectrogram PNG per sound (Earth row over Mars row,
one column per distance) and ``<out>/sounds.html`` with audio players.

Levels: each sound is treated as an Earth recording at 1 m of an equal-power source. For
listening, the Earth and Mars versions at one distance share one gain (Earth peak at -1 dBFS),
so the Mars version keeps its true level relative to Earth (about -20 dB, plus the extra
absorption); the gains are listed on the page.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from marsound._atomic import atomic_path, output_dir, write_text_atomic
from marsound.audio import write_audio
from marsound.physics import impedance, preset, propagation
from marsound.rendering.engine import apply_filter
from marsound.rendering.filters import design_propagation_filter
from marsound.rendering.sounds import SOUND_NAMES, builtin_sound
from marsound.vehicles import INGENUITY_BLADE_PASSING_HZ

DEMO_DISTANCES_M = (2.0, 10.0, 50.0)
DEMO_SAMPLE_RATE_HZ = 48_000
DEMO_SOUND_SECONDS = 3.0
DEMO_FREQUENCIES_HZ = (20.0, INGENUITY_BLADE_PASSING_HZ, 240.0, 1000.0, 2000.0, 5000.0, 10000.0)
"""Table frequencies [Hz]: Ingenuity's blade-passing tone, the CO2 relaxation region (~240 Hz at
Jezero, where the sound speed changes; Maurice et al. 2022, *Nature* 605, 653-658), and the audio band."""
DEMO_MARKS_HZ = (INGENUITY_BLADE_PASSING_HZ, 240.0)
LISTEN_PEAK = 10 ** (-1 / 20)


@dataclass(frozen=True)
class PhysicsComparison:
    """Mars (Jezero) vs Earth per frequency, and the level change for the same acoustic power."""

    frequency_hz: tuple[float, ...]
    mars_absorption_db_per_m: tuple[float, ...]
    earth_absorption_db_per_m: tuple[float, ...]
    mars_sound_speed_m_s: tuple[float, ...]
    earth_sound_speed_m_s: tuple[float, ...]
    level_change_db: float
    """Mars relative to Earth: ``10 log10(Z_mars / Z_earth)``, Z = rho c."""


def physics_comparison(frequencies_hz: tuple[float, ...] = DEMO_FREQUENCIES_HZ) -> PhysicsComparison:
    """Absorption [dB/m] and sound speed [m/s] on Mars (Jezero) and Earth, and the level change."""
    mars, earth = preset("jezero"), preset("earth")
    pm, pe = propagation(frequencies_hz, mars), propagation(frequencies_hz, earth)
    return PhysicsComparison(
        tuple(float(f) for f in frequencies_hz),
        tuple(float(v) for v in pm.absorption_db_per_m),
        tuple(float(v) for v in pe.absorption_db_per_m),
        tuple(float(v) for v in pm.sound_speed_m_s),
        tuple(float(v) for v in pe.sound_speed_m_s),
        10 * math.log10(impedance(mars) / impedance(earth)),
    )


def run_demo(out_dir: str | Path, *, sound_seconds: float = DEMO_SOUND_SECONDS) -> dict[str, Path]:
    """Write every demo output into ``out_dir`` (physics plot, sounds, page); returns the files by key."""
    from marsound.physics.plot import plot_propagation

    out_dir = output_dir(out_dir)
    plot = plot_propagation(
        [preset("jezero"), preset("earth")], out_dir / "physics_mars_vs_earth.png", marks_hz=DEMO_MARKS_HZ
    )
    outputs: dict[str, Path] = {"physics_plot": Path(plot)}
    outputs.update(render_demo_sounds(out_dir, duration_s=sound_seconds))
    from marsound.landing.sound.demo import render_demo_descent

    outputs.update(render_demo_descent(out_dir))
    return outputs


def render_demo_sounds(
    out_dir: Path,
    *,
    duration_s: float = DEMO_SOUND_SECONDS,
    distances_m: tuple[float, ...] = DEMO_DISTANCES_M,
    sample_rate_hz: int = DEMO_SAMPLE_RATE_HZ,
    sounds: tuple[str, ...] = SOUND_NAMES,
) -> dict[str, Path]:
    """Render the built-in sounds on Earth and Mars (Jezero); returns the written files by key."""
    out_dir = Path(out_dir)
    folder = output_dir(out_dir / "sounds")
    earth, mars = preset("earth"), preset("jezero")
    atmospheres = {"earth": earth, "mars": mars}
    filters = {
        (planet, d): design_propagation_filter(sample_rate_hz, d, atm, source_atmosphere=earth)
        for planet, atm in atmospheres.items()
        for d in distances_m
    }
    written: dict[str, Path] = {}
    rows = []
    for name in sounds:
        x = builtin_sound(name, sample_rate_hz, duration_s)
        rendered: dict[tuple[str, float], np.ndarray] = {}
        gains = {}
        for d in distances_m:
            for planet in atmospheres:
                f = filters[(planet, d)]
                rendered[(planet, d)] = apply_filter(x, f.fir, integer_delay=f.integer_delay)
            gains[d] = LISTEN_PEAK / max(float(np.max(np.abs(rendered[("earth", d)]))), 1e-12)
            for planet in atmospheres:
                path = folder / f"{name}_{planet}_{d:g}m.wav"
                write_audio(path, rendered[(planet, d)], sample_rate_hz, gain=gains[d], subtype="PCM_16")
                written[f"{name}_{planet}_{d:g}m"] = path
        png = folder / f"{name}_spectrogram.png"
        _spectrogram_figure(name, rendered, gains, distances_m, sample_rate_hz, png)
        written[f"{name}_spectrogram"] = png
        rows.append((name, gains))
    page = out_dir / "sounds.html"
    write_text_atomic(page, _page(rows, filters, distances_m, duration_s, sample_rate_hz))
    written["sounds_page"] = page
    return written


def _spectrogram_figure(name, rendered, gains, distances_m, fs, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from scipy.signal import spectrogram

    fig, axes = plt.subplots(2, len(distances_m), figsize=(4 * len(distances_m), 6), sharex=True, sharey=True)
    axes = np.atleast_2d(axes)
    im = None
    for j, d in enumerate(distances_m):
        for i, planet in enumerate(("earth", "mars")):
            y = rendered[(planet, d)] * gains[d]
            f, t, s = spectrogram(y, fs, nperseg=1024, noverlap=768)
            keep = f <= 12_000
            level = 10 * np.log10(s[keep] + 1e-14)
            ax = axes[i, j]
            im = ax.pcolormesh(t, f[keep] / 1000, level, shading="auto", vmin=-120, vmax=-30, cmap="magma")
            ax.set_title(f"{'Earth' if planet == 'earth' else 'Mars (Jezero)'}, {d:g} m", fontsize=10)
            if j == 0:
                ax.set_ylabel("frequency [kHz]")
            if i == 1:
                ax.set_xlabel("time [s]")
    fig.suptitle(f"{name}: recorded at 1 m on Earth, heard at a distance (same gain per column)")
    assert im is not None
    fig.colorbar(im, ax=axes, label="power [dB re full scale]", shrink=0.8)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=80)
    plt.close(fig)


def _page(rows, filters, distances_m, duration_s, fs) -> str:
    e = html.escape
    head = "".join(f"<th>{d:g} m Earth</th><th>{d:g} m Mars</th>" for d in distances_m)
    body = []
    for name, gains in rows:
        cells = "".join(
            f'<td><audio controls preload="none" src="sounds/{e(name)}_{planet}_{d:g}m.wav"></audio></td>'
            for d in distances_m
            for planet in ("earth", "mars")
        )
        gain_txt = ", ".join(f"{d:g} m: {20 * math.log10(gains[d]):+.1f} dB" for d in distances_m)
        body.append(
            f"<h2>{e(name)}</h2><table><tr>{head}</tr><tr>{cells}</tr></table>"
            f"<p class='note'>Listening gain (same for Earth and Mars at one distance): {e(gain_txt)}</p>"
            f'<img src="sounds/{e(name)}_spectrogram.png" alt="{e(name)} spectrograms, Earth over Mars">'
        )
    levels = "".join(
        f"<li>{d:g} m: Earth {filters[('earth', d)].gain_db:+.1f} dB, Mars {filters[('mars', d)].gain_db:+.1f} dB "
        f"(broadband; delay Earth {filters[('earth', d)].delay_s * 1000:.1f} ms, "
        f"Mars {filters[('mars', d)].delay_s * 1000:.1f} ms)</li>"
        for d in distances_m
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>marsound: hear it on Mars</title>
<style>body{{font-family:sans-serif;max-width:1200px;margin:2em auto;padding:0 1em}}
td,th{{padding:4px 8px;text-align:center}} audio{{width:170px}} img{{max-width:100%}} .note{{color:#555}}</style>
</head><body>
<h1>Hear it on Mars</h1>
<p>Built-in sounds ({duration_s:g} s, {fs} Hz), each treated as an Earth recording at 1 m of an
<em>equal-power</em> source, rendered at {", ".join(f"{d:g}" for d in distances_m)} m on Earth
(20 °C, 70 % RH) and on Mars at Jezero crater (230 K, 718 Pa, CO2): spherical spreading, absorption
and dispersion from the complex wavenumber (molecular model), and the travel time. On Mars the same
source is about 20 dB quieter, high frequencies die out within metres, and high frequencies arrive
slightly before low ones.</p>
<p>Applied broadband gains before the listening gain:</p><ul>{levels}</ul>
{"".join(body)}
<p class="note">Made with <code>marsound demo</code>. Render your own recording with
<code>marsound render IN.wav OUT.wav --preset jezero --distance-m 10</code>.</p>
</body></html>
"""
