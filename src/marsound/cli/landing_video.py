"""``marsound landing align`` and ``marsound landing soundtrack``: a landing video on the mission clock."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import typer

ALIGN_HELP = """Line VIDEO up with the mission's timeline.

Events are found in the video (parachute appearance, heat shield and backshell falling away,
touchdown, cuts) and/or given with --anchor NAME=VIDEO_SECONDS (repeat; given anchors are
trusted). The map mission_time = offset_s + rate × video_time is fitted robustly (piecewise
across cuts when the anchors allow). Mission times are the published timeline (marsound
landing timeline), the simulation where none is published.

--json prints {"offset_s", "rate", "segments": [...], "anchors": [{"name", "video_time_s",
"mission_time_s", "source": "detected"|"given", ...}], "events": [{"name", "time_s",
"video_time_s"}], ...}; offset_s and rate are those of the segment holding the most frames.
"""

SOUNDTRACK_HELP = """Write OUT (MP4/MOV/MKV): VIDEO's picture (stream copied where the container allows)
with the modelled descent sound (marsound landing sound) aligned under it as the first audio
track; VIDEO's own audio, if any, is kept as the second track. --captions writes the events as
WebVTT. The alignment is that of `marsound landing align` (same options). No sound was recorded
during Perseverance's descent: this soundtrack is a model.
"""

T = TypeVar("T")


def register(landing_app: typer.Typer) -> None:
    landing_app.command("align", help=ALIGN_HELP)(align_cmd)
    landing_app.command("soundtrack", help=SOUNDTRACK_HELP)(soundtrack_cmd)


def _with_progress(label: str, work: Callable[[Callable[[float, float], None] | None], T]) -> T:
    if not sys.stderr.isatty():
        return work(None)
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as prog:
        task = prog.add_task(label, total=None)

        def update(done: float, total: float) -> None:
            prog.update(task, completed=done, total=total or None)

        return work(update)


def _align(video: Path, mission: str, anchor: list[str], no_detect: bool):
    from marsound.landing.video.align import align_video, mission_events, parse_anchor
    from marsound.landing.video.frames import probe_video

    pairs = [parse_anchor(a) for a in anchor]
    events = mission_events(mission)
    probe_video(video)  # a clear error before anything else
    return _with_progress(
        "reading frames",
        lambda p: align_video(video, mission=mission, anchors=pairs, events=events, detect=not no_detect, progress=p),
    )


def _print(alignment) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(
        f"{alignment.info.path.name}: mission time = {alignment.offset_s:.3f} s + {alignment.rate:.5f} × video time"
        f" ({len(alignment.time_map.segments)} segment(s), {len(alignment.anchors)} anchor(s))"
    )
    table = Table("event", "mission time E+ [s]", "video time [s]")
    for e in alignment.events:
        table.add_row(e.name, f"{e.time_s:.2f}", f"{e.video_time_s:.3f}")
    console.print(table)
    for a in alignment.rejected:
        console.print(f"[yellow]note[/]: rejected detection {a.name} ({a.observed}) at {a.video_time_s:.2f} s")


AnchorOpt = typer.Option([], "--anchor", help="NAME=VIDEO_SECONDS: the event NAME is at that video time; repeat.")
MissionOpt = typer.Option(..., "--mission", help="Mission name (perseverance, curiosity, zhurong, ...).")
NoDetectOpt = typer.Option(False, "--no-detect", help="Use the given anchors only (no event detection).")
PlotOpt = typer.Option(None, "--plot", help="Also write a timeline plot (PNG/SVG/PDF).")
CaptionsOpt = typer.Option(None, "--captions", help="Also write the events as WebVTT captions.")


def align_cmd(
    video: Path = typer.Argument(..., help="The landing video."),
    mission: str = MissionOpt,
    anchor: list[str] = AnchorOpt,
    no_detect: bool = NoDetectOpt,
    captions: Path | None = CaptionsOpt,
    plot: Path | None = PlotOpt,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    alignment = _align(video, mission, anchor, no_detect)
    _write_extras(alignment, video, captions, plot)
    if as_json:
        typer.echo(json.dumps(alignment.to_json()))
    else:
        _print(alignment)


def _write_extras(alignment, video: Path, captions: Path | None, plot: Path | None) -> None:
    from marsound.landing.video.outputs import plot_timeline, write_captions

    if captions is not None:
        write_captions(captions, alignment, inputs=(video,))
    if plot is not None:
        plot_timeline(plot, alignment, inputs=(video,))


def soundtrack_cmd(
    video: Path = typer.Argument(..., help="The landing video."),
    mission: str = MissionOpt,
    output: Path = typer.Option(..., "--output", "-o", help="The new video (.mp4, .mov, .m4v or .mkv)."),
    anchor: list[str] = AnchorOpt,
    captions: Path | None = CaptionsOpt,
    listener: str = typer.Option("onboard", "--listener", help="Where the sound is heard: onboard or ground."),
    listener_distance_m: float | None = typer.Option(
        None, "--listener-distance-m", help="Ground listener's distance from the landing site [m]."
    ),
    no_detect: bool = NoDetectOpt,
    plot: Path | None = PlotOpt,
    as_json: bool = typer.Option(False, "--json", help="Print the alignment as one JSON object."),
) -> None:
    from marsound.errors import InvalidParameterError
    from marsound.landing.video.soundtrack import OUTPUT_FORMATS, check_listener, soundtrack_video

    if output.suffix.lower() not in OUTPUT_FORMATS:
        raise InvalidParameterError(f"-o {output}: the output must end in one of {', '.join(OUTPUT_FORMATS)}")
    check_listener(listener, listener_distance_m)
    if output.exists() and output.resolve() == video.resolve():
        raise InvalidParameterError(f"output path {output} is the same as input {video}")
    alignment = _align(video, mission, anchor, no_detect)
    _with_progress(
        "writing the video",
        lambda p: soundtrack_video(video, output, alignment=alignment, listener=listener,
                                   listener_distance_m=listener_distance_m, progress=p),
    )
    _write_extras(alignment, video, captions, plot)
    if as_json:
        report = alignment.to_json()
        report["output"] = str(output)
        typer.echo(json.dumps(report))
    else:
        _print(alignment)
        typer.echo(f"written {output}")
