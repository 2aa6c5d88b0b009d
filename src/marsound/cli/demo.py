"""``marsound demo``: the main job on bundled data (the work is :func:`marsound.demo.run_demo`)."""

from __future__ import annotations

from pathlib import Path

import typer

DEFAULT_OUT = Path("marsound-demo")


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        out: Path = typer.Option(DEFAULT_OUT, "--out", "-o", help="Folder for the demo outputs."),
    ) -> None:
        """Run the demo: Mars vs Earth physics table and plot, and the built-in sounds rendered on
        Earth and Mars at 2, 10 and 50 m (WAV, spectrogram PNGs, HTML page with players), and Perseverance's
        descent as its microphone would have heard it (a model: WAV, JSON, spectrogram), in --out."""
        from rich.console import Console
        from rich.table import Table

        from marsound.demo import physics_comparison, run_demo

        console = Console()
        cmp = physics_comparison()
        table = Table(title="Sound on Mars (Jezero) vs Earth (20 °C, 70 % RH), molecular model")
        table.add_column("f [Hz]")
        for col in ("Mars dB/100 m", "Earth dB/100 m", "Mars c [m/s]", "Earth c [m/s]"):
            table.add_column(col, justify="right")
        for f, am, ae, cm, ce in zip(
            cmp.frequency_hz,
            cmp.mars_absorption_db_per_m,
            cmp.earth_absorption_db_per_m,
            cmp.mars_sound_speed_m_s,
            cmp.earth_sound_speed_m_s,
        ):
            freq = f"{f:.1f}" if f % 1 else f"{f:.0f}"
            table.add_row(freq, f"{100 * am:.3g}", f"{100 * ae:.3g}", f"{cm:.1f}", f"{ce:.1f}")
        console.print(table)
        console.print(
            f"Same acoustic power: Mars is {cmp.level_change_db:+.1f} dB relative to Earth (impedance rho*c)."
        )
        outputs = run_demo(out)
        console.print(f"wrote {outputs['physics_plot']}")
        console.print(
            f"wrote {outputs['sounds_page']} (open it in a browser to listen; WAVs and PNGs in {out / 'sounds'})"
        )
        console.print(
            f"wrote {outputs['descent_sound']} and {outputs['descent_spectrogram'].name}: Perseverance's descent "
            "as its microphone would have heard it (a model, not a recording)"
        )
