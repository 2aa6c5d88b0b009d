"""Options shared by several subcommands (atmosphere selection), and their resolution."""

from __future__ import annotations

from dataclasses import dataclass

import typer

from marsound.physics import DEFAULT_MODEL, DEFAULT_PRESET, Atmosphere, parse_composition, preset
from marsound.physics.models import MODEL_NAMES

ATMOSPHERE_HELP = (
    "Atmosphere: start from --preset (mars, jezero, utopia-planitia, earth, venus, titan), then "
    "--temperature-k [K], --pressure-pa [Pa], --composition (mole fractions, e.g. CO2=0.953,N2=0.027,Ar=0.016) "
    "and --humidity-pct [% relative humidity] override its values."
)

PresetOpt = typer.Option(DEFAULT_PRESET, "--preset", help="Named atmosphere to start from.")
TemperatureOpt = typer.Option(None, "--temperature-k", help="Temperature [K]; overrides the preset.")
PressureOpt = typer.Option(None, "--pressure-pa", help="Pressure [Pa]; overrides the preset.")
CompositionOpt = typer.Option(
    None, "--composition", help="Mole fractions NAME=X,... summing to 1 (within 1 %); overrides the preset."
)
HumidityOpt = typer.Option(None, "--humidity-pct", help="Relative humidity [%]; sets the H2O fraction.")
ModelOpt = typer.Option(DEFAULT_MODEL, "--model", help=f"Propagation model: {', '.join(MODEL_NAMES)}.")


@dataclass(frozen=True)
class AtmosphereArgs:
    """The raw atmosphere options of a command line."""

    preset: str = DEFAULT_PRESET
    temperature_k: float | None = None
    pressure_pa: float | None = None
    composition: str | None = None
    humidity_pct: float | None = None

    def resolve(self) -> Atmosphere:
        """Build the atmosphere: preset values, then the explicit overrides."""
        base = preset(self.preset)
        changed = any(v is not None for v in (self.temperature_k, self.pressure_pa, self.composition))
        atm = Atmosphere(
            self.temperature_k if self.temperature_k is not None else base.temperature_k,
            self.pressure_pa if self.pressure_pa is not None else base.pressure_pa,
            parse_composition(self.composition) if self.composition is not None else base.composition,
            name=base.name + (" (modified)" if changed else ""),
        )
        if self.humidity_pct is not None:
            atm = atm.with_relative_humidity(self.humidity_pct)
        elif changed and base.mole_fraction("H2O") > 0 and self.composition is None:
            # keep the preset's relative humidity when only T or p changed
            atm = atm.with_relative_humidity(min(base.relative_humidity_pct, 100.0))
        return atm
