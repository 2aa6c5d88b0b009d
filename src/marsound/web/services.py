"""What the web routes do, as plain synchronous functions over the library (run in a threadpool).

Nothing here re-implements a model: atmospheres resolve as on the command line
(:class:`marsound.cli.options.AtmosphereArgs`), sounds are rendered by
:func:`marsound.rendering.render_file`, JSON bodies come from the same report functions as the
CLI's ``--json``.
"""

from __future__ import annotations

import importlib
import math
from pathlib import Path
from typing import Any

from marsound.errors import InvalidParameterError, MarsoundError
from marsound.physics import DEFAULT_PRESET, Atmosphere

#: Site the Listen page starts with (Perseverance's crater, where the microphones recorded).
LISTEN_DEFAULT_SITE = "jezero"
#: Listener distances offered by the Listen page [m].
LISTEN_DISTANCE_RANGE_M = (1.0, 200.0)
#: Longest built-in sound the Listen page synthesises [s].
MAX_BUILTIN_DURATION_S = 30.0
#: Sample rate of the built-in sounds [Hz].
BUILTIN_SAMPLE_RATE_HZ = 48_000
#: Loss [dB] for the "distance to lose 20 dB" table of the Physics page.
LOSS_TABLE_DB = 20.0
#: Frequencies [Hz] of that table.
LOSS_TABLE_FREQUENCIES_HZ = (50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0, 20000.0)


def resolve_atmosphere(
    *,
    preset: str = DEFAULT_PRESET,
    temperature_k: float | None = None,
    pressure_pa: float | None = None,
    composition: str | None = None,
    humidity_pct: float | None = None,
    altitude_m: float | None = None,
) -> Atmosphere:
    """The atmosphere of a request: the CLI's preset + overrides, or a standard profile at an altitude.

    ``altitude_m`` (above the areoid for Mars presets, above sea level for ``earth``) takes the
    profile's temperature and pressure there (Mars: Glenn model; Earth: US Standard Atmosphere
    1976); it cannot be combined with explicit ``temperature_k``/``pressure_pa``.
    """
    from marsound.cli.options import AtmosphereArgs

    if altitude_m is None:
        return AtmosphereArgs(preset, temperature_k, pressure_pa, composition, humidity_pct).resolve()
    if temperature_k is not None or pressure_pa is not None:
        raise InvalidParameterError("give either altitude_m or temperature_k/pressure_pa, not both")
    from marsound.physics import preset as get_preset
    from marsound.physics.profiles import earth_profile, mars_profile

    base = get_preset(preset)
    if not math.isfinite(float(altitude_m)):
        raise InvalidParameterError(f"altitude_m={altitude_m!r} must be finite")
    profile = earth_profile() if base.name == "earth" else mars_profile()
    if base.name not in ("earth", "mars", "jezero", "utopia-planitia"):
        raise InvalidParameterError(f"altitude_m applies to Mars and Earth presets, not {base.name!r}")
    return profile.at(float(altitude_m))


def render_one(
    input_path: Path,
    output_path: Path,
    *,
    distance_m: float | None,
    atmosphere: Atmosphere,
    trajectory_path: Path | None = None,
    **options: Any,
) -> dict[str, Any]:
    """Render ``input_path`` at ``distance_m`` (or along a trajectory CSV) into ``output_path``.

    Returns the render report. ``options`` are passed to :func:`~marsound.rendering.render_file`
    when not None, so the library's defaults apply otherwise; ``source_preset`` names the
    recording's atmosphere.
    """
    from marsound.rendering import render_file

    kwargs = {k: v for k, v in options.items() if v is not None}
    if "source_preset" in kwargs:
        from marsound.physics import preset as get_preset

        kwargs["source_atmosphere"] = get_preset(kwargs.pop("source_preset"))
    if trajectory_path is not None:
        from marsound.rendering.moving import read_trajectory_csv

        if distance_m is not None:
            raise InvalidParameterError("give either distance_m or a trajectory, not both")
        kwargs["trajectory"] = read_trajectory_csv(trajectory_path)
    elif distance_m is None:
        raise InvalidParameterError("distance_m is required (or a trajectory)")
    dist = None if distance_m is None else float(distance_m)
    reports = render_file(input_path, output_path, dist, atmosphere, **kwargs)
    return reports[0].to_dict()


def builtin_input(name: str, folder: Path, duration_s: float) -> Path:
    """Synthesise a built-in sound (:mod:`marsound.rendering.sounds`) as ``folder/input.wav``."""
    from marsound._validate import positive_finite
    from marsound.audio import write_audio
    from marsound.rendering.sounds import builtin_sound

    dur = positive_finite(duration_s, "duration_s")
    if dur > MAX_BUILTIN_DURATION_S:
        raise InvalidParameterError(f"duration_s={duration_s!r} must be <= {MAX_BUILTIN_DURATION_S:g} s")
    x = builtin_sound(name, BUILTIN_SAMPLE_RATE_HZ, dur)
    path = folder / "input.wav"
    write_audio(path, x, BUILTIN_SAMPLE_RATE_HZ, subtype="FLOAT")
    return path


def listen(input_path: Path, folder: Path, *, distance_m: float, atmosphere: Atmosphere, model: str | None) -> dict:
    """Earth and Mars versions of one sound at one distance, and their spectrograms side by side.

    Writes ``earth.wav``, ``mars.wav`` and ``spectrogram.png`` into ``folder``; returns both render
    reports and the atmosphere.
    """
    from marsound._validate import positive_finite
    from marsound.physics import preset as get_preset
    from marsound.web.plots import spectrogram_pair

    d = positive_finite(distance_m, "distance_m")
    lo, hi = LISTEN_DISTANCE_RANGE_M
    if not lo <= d <= hi:
        raise InvalidParameterError(f"distance_m={distance_m!r} must be within {lo:g}-{hi:g} m")
    earth = get_preset("earth")
    reports = {
        "earth": render_one(input_path, folder / "earth.wav", distance_m=d, atmosphere=earth, model=model),
        "mars": render_one(input_path, folder / "mars.wav", distance_m=d, atmosphere=atmosphere, model=model),
    }
    titles = [f"Earth ({earth.name}), {d:g} m", f"{atmosphere.name}, {d:g} m"]
    spectrogram_pair(list(zip(titles, [folder / "earth.wav", folder / "mars.wav"])), folder / "spectrogram.png")
    for r in reports.values():
        r.pop("output_path", None)
        r.pop("sidecar_path", None)
    return {"distance_m": d, "reports": reports, "atmosphere": atmosphere.describe(), "earth": earth.describe()}


def physics_report(atmosphere_args: dict[str, Any], model: str | None, frequencies_hz: list[float]) -> dict:
    """The body of ``marsound physics --json`` (the CLI's own report function)."""
    from marsound.cli import options as o
    from marsound.cli.physics import physics_report as cli_report
    from marsound.physics import DEFAULT_MODEL

    args = o.AtmosphereArgs(**atmosphere_args)
    return cli_report(args, model or DEFAULT_MODEL, frequencies_hz)


def loss_table(atmospheres: list[Atmosphere], model: str | None) -> dict:
    """Distance over which absorption alone takes :data:`LOSS_TABLE_DB` off, per frequency and atmosphere.

    ``d = loss / alpha(f)`` with ``alpha`` the absorption [dB/m] of the physics core; spherical
    spreading comes on top (it does not depend on frequency).
    """
    import numpy as np

    from marsound.physics import DEFAULT_MODEL, absorption_db_per_m

    f = np.asarray(LOSS_TABLE_FREQUENCIES_HZ)
    rows = []
    for atm in atmospheres:
        alpha = absorption_db_per_m(f, atm, model or DEFAULT_MODEL)
        rows.append(
            {
                "atmosphere": atm.name,
                "distance_m": [float(LOSS_TABLE_DB / a) if a > 0 else None for a in alpha],
            }
        )
    return {"loss_db": LOSS_TABLE_DB, "frequency_hz": [float(v) for v in f], "rows": rows}


def physics_plot(atmospheres: list[Atmosphere], model: str | None, folder: Path) -> Path:
    """c(f) and alpha(f) of each atmosphere (:func:`marsound.physics.plot.plot_propagation`)."""
    from marsound.physics import DEFAULT_MODEL
    from marsound.physics.plot import plot_propagation

    return plot_propagation(atmospheres, folder / "physics.png", model=model or DEFAULT_MODEL)


# ----------------------------------------------------------------------------- parachute


def chute_encode(rings: list[str], coordinates: str | None) -> dict:
    """The body of ``marsound chute encode --json``."""
    from marsound.cli.chute import encode_report

    return encode_report(rings, coordinates)


def chute_svg(rings: list[str], coordinates: str | None, *, size_px: int = 480) -> str:
    """The canopy drawing of a message, as SVG text (view from below)."""
    from marsound.chute.draw import svg_text
    from marsound.chute.encode import encode_message

    if not rings and coordinates is None:
        raise InvalidParameterError("give at least one ring or coordinates")
    return svg_text(encode_message(rings, coordinates), size_px=size_px)


def chute_decode(path: Path) -> dict:
    """The body of ``marsound chute decode --json`` for an image or video file."""
    from marsound.cli.chute import decode_report

    return decode_report(path)


# ----------------------------------------------------------------------------- landing


def optional_module(name: str) -> Any | None:
    """Import ``name`` if that part of marsound is installed in this build, else None."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and name.startswith(exc.name):
            return None
        raise


#: Library modules of the landing parts (each arrives on its own; the page offers what is there).
LANDING_TIMELINE_MODULE = "marsound.landing.trajectory_io"
LANDING_SOUND_MODULE = "marsound.landing.sound"
LANDING_VIDEO_MODULE = "marsound.landing.video.soundtrack"
#: Sample rate of the descent soundtrack played on the Landing page [Hz] (small files, quick render).
LANDING_SOUND_RATE_HZ = 24_000


def _part(name: str) -> Any:
    """The module ``name`` of a landing part; an error naming it when it is not in this build."""
    module = optional_module(name)
    if module is None:
        raise MarsoundError(f"{name} is not part of this version of marsound")
    return module


def landing_features() -> dict[str, bool]:
    """Which landing parts this build has."""
    return {
        "timeline": optional_module(LANDING_TIMELINE_MODULE) is not None,
        "sound": optional_module(LANDING_SOUND_MODULE) is not None,
        "video": optional_module(LANDING_VIDEO_MODULE) is not None,
    }


def mission_names() -> list[str]:
    """Missions of the landing model (empty when it is not in this build)."""
    missions = optional_module("marsound.landing.missions")
    return list(getattr(missions, "MISSION_NAMES", ())) if missions is not None else []


def landing_timeline(mission: str) -> dict:
    """The body of ``marsound landing timeline --json`` (:func:`marsound.landing.trajectory_io.timeline_report`)."""
    return _part(LANDING_TIMELINE_MODULE).timeline_report(mission)


def landing_view(mission: str, folder: Path) -> dict:
    """The timeline body, its events and a plot of them (``folder/timeline.png``)."""
    from marsound.web.plots import timeline_plot

    body = landing_timeline(mission)
    events = [e for e in body.get("events", []) if "time_s" in e and "name" in e]
    name = body.get("mission", mission)
    geometry = timeline_plot(events, folder / "timeline.png", title=f"{name}: published events")
    return {"mission": name, "events": events, **geometry}


def landing_sound(mission: str, folder: Path) -> dict:
    """The modelled descent soundtrack of ``mission`` as ``folder/descent.wav`` (on-board microphone).

    Returns the sound's report (:func:`marsound.landing.sound.render_descent_sound`) and
    ``start_time_s``, the mission time of the first sample (the page's cursor follows it).
    """
    sound = _part(LANDING_SOUND_MODULE)
    result = sound.render_descent_sound(folder / "descent.wav", mission=mission, sample_rate_hz=LANDING_SOUND_RATE_HZ)
    return {"mission": mission, "start_time_s": float(result.start_s), "report": result.to_dict()}


def landing_video(video_path: Path, folder: Path, *, mission: str) -> dict:
    """Align a landing video on the mission clock and mux the modelled sound under it (``folder/landing.mp4``).

    As ``marsound landing soundtrack VIDEO --mission M -o landing.mp4 --json``.
    """
    align = _part("marsound.landing.video.align")
    track = _part(LANDING_VIDEO_MODULE)
    alignment = align.align_video(
        video_path,
        mission=mission,
        anchors=[],
        events=align.mission_events(mission),
        detect=True,
    )
    track.soundtrack_video(video_path, folder / "landing.mp4", alignment=alignment)
    return alignment.to_json()


# ----------------------------------------------------------------------------- recordings


def analyze(input_path: Path, folder: Path, *, label_path: Path | None = None) -> dict:
    """Run the ``analyze`` report of one product into ``folder`` (index.html, figures, summary.json)."""
    from marsound.recordings.analysis import analyze_file

    return analyze_file(input_path, label=label_path, out_dir=folder)
