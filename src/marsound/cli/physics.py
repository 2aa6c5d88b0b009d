"""``marsound physics``: tabulate and plot sound speed and absorption."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from marsound.cli import options as o

HELP = f"""Speed of sound and absorption in a planetary atmosphere.

Units: frequency [Hz], temperature [K], pressure [Pa], absorption [dB/m] (amplitude,
8.686 x Np/m), speed [m/s], impedance rho*c0 [Pa s/m].

{o.ATMOSPHERE_HELP}

Models: molecular (default; complex-wavenumber relaxation, any mixture, dispersive c(f));
bass-chambers (closed form of Bass & Chambers 2001, CO2/Mars); iso9613 (ISO 9613-1, Earth
humid air). A model used outside its validity range prints a warning.

--json prints one object: model, atmosphere, sound_speed_low_m_s, sound_speed_high_m_s,
impedance_pa_s_per_m, relaxation_frequencies_hz and rows (frequency_hz, absorption_db_per_m,
sound_speed_m_s, and the absorption parts). --plot FILE.png draws absorption and speed
against frequency, this atmosphere beside Earth (or Mars when this is Earth).
"""


def physics_report(atm_args: o.AtmosphereArgs, model: str, frequencies_hz: list[float]) -> dict[str, object]:
    """The JSON report of ``marsound physics`` (contract: see module HELP)."""
    import numpy as np

    from marsound.physics import (
        NEPER_TO_DB,
        absorption_parts,
        get_model,
        propagation,
        relaxation_frequencies,
        sound_speed_limits,
    )

    atm = atm_args.resolve()
    m = get_model(model)
    f = np.asarray(frequencies_hz, dtype=float)
    pr = propagation(f, atm, m)
    parts = absorption_parts(f, atm, m)
    c0, cinf = sound_speed_limits(atm, m)
    rows = []
    for i, fi in enumerate(f):
        row: dict[str, float] = {
            "frequency_hz": float(fi),
            "absorption_db_per_m": float(pr.absorption_db_per_m[i]),
            "sound_speed_m_s": float(pr.sound_speed_m_s[i]),
            "absorption_np_per_m": float(pr.absorption_np_per_m[i]),
        }
        for k, v in parts.items():
            row[f"absorption_{k.replace(':', '_').lower()}_db_per_m"] = float(NEPER_TO_DB * v[i])
        rows.append(row)
    return {
        "model": m.name,
        "atmosphere": atm.describe(),
        "sound_speed_low_m_s": c0,
        "sound_speed_high_m_s": cinf,
        "impedance_pa_s_per_m": atm.impedance_pa_s_per_m,
        "relaxation_frequencies_hz": relaxation_frequencies(atm, m),
        "rows": rows,
    }


def register(app: typer.Typer) -> None:
    @app.command("physics", help=HELP)
    def physics(
        frequency_hz: list[float] = typer.Option(
            ..., "--frequency-hz", "-f", help="Frequency [Hz]; repeat for several."
        ),
        preset: str = o.PresetOpt,
        temperature_k: float | None = o.TemperatureOpt,
        pressure_pa: float | None = o.PressureOpt,
        composition: str | None = o.CompositionOpt,
        humidity_pct: float | None = o.HumidityOpt,
        model: str = o.ModelOpt,
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of a table."),
        plot: Path | None = typer.Option(None, "--plot", help="Write a PNG of absorption and speed vs frequency."),
    ) -> None:
        args = o.AtmosphereArgs(preset, temperature_k, pressure_pa, composition, humidity_pct)
        report = physics_report(args, model, frequency_hz)
        if plot is not None:
            from marsound.physics import plot as physics_plot
            from marsound.physics import preset as get_preset

            atm = args.resolve()
            other = get_preset("mars" if atm.name.startswith("earth") else "earth")
            physics_plot.plot_propagation([atm, other], plot, model=model, marks_hz=frequency_hz)
        if as_json:
            typer.echo(json.dumps(report, indent=2))
            return
        _print_table(report, plot)


def _print_table(report: dict, plot: Path | None) -> None:
    from rich.console import Console
    from rich.table import Table

    atm = report["atmosphere"]
    console = Console()
    comp = ", ".join(f"{k} {v:.4g}" for k, v in atm["composition"].items())
    console.print(
        f"[bold]{atm['name']}[/]: {atm['temperature_k']:.2f} K, {atm['pressure_pa']:.6g} Pa, "
        f"rho {atm['density_kg_m3']:.4g} kg/m3 ({comp})"
    )
    console.print(
        f"model {report['model']}: c0 {report['sound_speed_low_m_s']:.2f} m/s, "
        f"c_inf {report['sound_speed_high_m_s']:.2f} m/s, impedance {report['impedance_pa_s_per_m']:.4g} Pa s/m"
    )
    table = Table("frequency [Hz]", "absorption [dB/m]", "dB per 100 m", "speed [m/s]")
    for r in report["rows"]:
        table.add_row(
            f"{r['frequency_hz']:g}",
            f"{r['absorption_db_per_m']:.4g}",
            f"{100 * r['absorption_db_per_m']:.4g}",
            f"{r['sound_speed_m_s']:.2f}",
        )
    console.print(table)
    if plot is not None:
        console.print(f"plot written to {plot}")
