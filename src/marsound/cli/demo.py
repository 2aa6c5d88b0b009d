"""``marsound demo``: the main job on bundled data.

1. The physics, Mars (Jezero) vs Earth: a table and a plot.
2. Hearing it: the built-in sounds rendered on Earth and on Mars at 2, 10 and 50 m (WAV),
   Earth/Mars spectrograms (PNG) and an HTML page with audio players.
"""

from __future__ import annotations

from pathlib import Path

import typer

DEMO_FREQUENCIES_HZ = (20.0, 84.0, 240.0, 1000.0, 2000.0, 5000.0, 10000.0)


def run_demo(out_dir: Path, sound_seconds: float = 3.0) -> dict[str, Path]:
    """Write the demo outputs into ``out_dir`` and print a comparison; returns the files."""
    from rich.console import Console
    from rich.table import Table

    from marsound.physics import impedance, preset, propagation
    from marsound.physics.plot import plot_propagation

    console = Console()
    mars, earth = preset("jezero"), preset("earth")
    pm, pe = propagation(DEMO_FREQUENCIES_HZ, mars), propagation(DEMO_FREQUENCIES_HZ, earth)
    table = Table(title="Sound on Mars (Jezero) vs Earth (20 °C, 70 % RH), molecular model")
    table.add_column("f [Hz]")
    for col in ("Mars dB/100 m", "Earth dB/100 m", "Mars c [m/s]", "Earth c [m/s]"):
        table.add_column(col, justify="right")
    for i, f in enumerate(DEMO_FREQUENCIES_HZ):
        table.add_row(
            f"{f:g}",
            f"{100 * pm.absorption_db_per_m[i]:.3g}",
            f"{100 * pe.absorption_db_per_m[i]:.3g}",
            f"{pm.sound_speed_m_s[i]:.1f}",
            f"{pe.sound_speed_m_s[i]:.1f}",
        )
    console.print(table)
    import math

    level = 10 * math.log10(impedance(mars) / impedance(earth))
    console.print(f"Same acoustic power: Mars is {level:+.1f} dB relative to Earth (impedance rho*c).")
    out_dir.mkdir(parents=True, exist_ok=True)
    plot = plot_propagation([mars, earth], out_dir / "physics_mars_vs_earth.png", marks_hz=(84.0, 240.0))
    console.print(f"wrote {plot}")
    outputs: dict[str, Path] = {"physics_plot": plot}
    from marsound.rendering.demo import render_demo_sounds

    outputs.update(render_demo_sounds(out_dir, duration_s=sound_seconds))
    console.print(
        f"wrote {outputs['sounds_page']} (open it in a browser to listen; WAVs and PNGs in {out_dir / 'sounds'})"
    )
    return outputs


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        out: Path = typer.Option(Path("marsound-demo"), "--out", "-o", help="Folder for the demo outputs."),
    ) -> None:
        """Run the demo: Mars vs Earth physics table and plot, and the built-in sounds rendered on
        Earth and Mars at 2, 10 and 50 m (WAV, spectrogram PNGs, HTML page with players), in --out."""
        run_demo(out)
