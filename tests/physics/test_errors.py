"""Bad input gets a clear error naming the value; one exception family, ValueError-compatible."""

from __future__ import annotations

import math

import pytest

from marsound.errors import InvalidParameterError, MarsoundError, UnknownNameError
from marsound.physics import Atmosphere, absorption, get_model, get_species, preset, sound_speed
from marsound.physics.atmosphere import parse_composition

AIR = {"N2": 0.78, "O2": 0.21, "Ar": 0.01}


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"temperature_k": -10.0}, r"temperature_k=-10\.0 must be > 0"),
        ({"temperature_k": 0.0}, "temperature_k=0.0"),
        ({"pressure_pa": 0.0}, "pressure_pa=0.0 must be > 0"),
        ({"pressure_pa": math.nan}, "pressure_pa=nan must be finite"),
        ({"temperature_k": "warm"}, "temperature_k='warm' is not a number"),
        ({"composition": {"N2": 0.8, "O2": -0.2, "Ar": 0.4}}, "mole fraction of O2 = -0.2"),
        ({"composition": {"N2": 0.5, "O2": 0.2}}, "sum to 0.7"),
        ({"composition": {"N2": 0.5, "Kr9": 0.5}}, "unknown species 'Kr9'"),
        ({"composition": {}}, "non-empty"),
    ],
)
def test_bad_atmosphere(kwargs: dict, match: str) -> None:
    args = {"temperature_k": 250.0, "pressure_pa": 600.0, "composition": AIR} | kwargs
    with pytest.raises(InvalidParameterError, match=match):
        Atmosphere(**args)


def test_small_sum_error_is_renormalised() -> None:
    atm = Atmosphere(250.0, 600.0, {"N2": 0.785, "O2": 0.21, "Ar": 0.0093})  # sums to 1.0043
    assert sum(atm.composition.values()) == pytest.approx(1.0)


@pytest.mark.parametrize("f", [[0.0], [-5.0], [math.nan], [math.inf], [], "abc"])
def test_bad_frequencies(f: object) -> None:
    with pytest.raises(InvalidParameterError, match="frequency_hz"):
        sound_speed(f, preset("mars"))  # type: ignore[arg-type]


def test_unknown_names() -> None:
    with pytest.raises(UnknownNameError, match="known: earth, jezero"):
        preset("pluto")
    with pytest.raises(UnknownNameError, match="bass-chambers"):
        get_model("magic")
    with pytest.raises(UnknownNameError, match="CO2"):
        get_species("unobtainium")
    with pytest.raises(UnknownNameError):
        absorption([100.0], preset("mars"), model="nope")


def test_exception_family() -> None:
    assert issubclass(InvalidParameterError, MarsoundError)
    assert issubclass(InvalidParameterError, ValueError)
    assert issubclass(UnknownNameError, InvalidParameterError)


def test_parse_composition() -> None:
    assert parse_composition("CO2=0.953, N2=0.027,Ar=0.016") == {"CO2": 0.953, "N2": 0.027, "Ar": 0.016}
    with pytest.raises(InvalidParameterError, match="NAME=FRACTION"):
        parse_composition("CO2:0.9")
    with pytest.raises(InvalidParameterError, match="not a number"):
        parse_composition("CO2=lots")


def test_humidity_errors() -> None:
    with pytest.raises(InvalidParameterError, match="<= 100"):
        preset("earth", relative_humidity_pct=150.0)
    with pytest.raises(InvalidParameterError, match="boiling"):
        Atmosphere.from_relative_humidity(373.0, 50_000.0, AIR, 100.0)


def test_atmosphere_is_immutable_and_hashable() -> None:
    atm = preset("mars")
    with pytest.raises(AttributeError):
        atm.temperature_k = 100.0  # type: ignore[misc]
    assert hash(atm) == hash(preset("mars"))
    assert atm == preset("mars")
    assert atm != atm.replace(temperature_k=200.0)
