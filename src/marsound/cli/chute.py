"""``marsound chute``: encode a message into parachute gores, draw it, read it back."""

from __future__ import annotations

import json
from pathlib import Path

import typer

chute_app = typer.Typer(
    help="Parachute ring codes (Perseverance style): encode, draw and decode.",
    no_args_is_help=True,
    add_completion=False,
)

ENCODE_HELP = """Encode words (one ring each, innermost first) and coordinates (the outer band).

Letters are A=1 … Z=26, numbers 0 … 127 (write them as separate tokens: --ring "12 7 A"),
7 bits MSB first after 3 white separator gores; after a ring's last symbol come 3 white gores
and red to the end; ring starts follow the spiral rule (start[k+1] = start[k] + 10·len[k]).
Characters outside A-Z, more than 8 symbols per ring, values over 127 and impossible
coordinates are refused with a message naming the offending part.

--json prints {"rings": [{"values": [...], "bits": "0101…", "start": s, "kind": …}, …]}: each
ring's 80-gore absolute layout, gore 0 = the first separator of the first ring's first slot,
clockwise as seen from below. -o FILE.svg|FILE.png|FILE.jpg draws the canopy.
"""

DECODE_HELP = """Read a parachute code from an image, a video or bit strings.

FILE may be a PNG/JPEG/… photo or a video (MP4, MOV, MKV, WebM, GIF …; frames are combined
by voting). Or give --bits once per ring (innermost first) as 80 characters of 0/1 or W/R
(? = unknown), in any rotation and either direction.

--json prints {"rings": [{"values": [...], "text": "...", "confidence": c, …}, …],
"direction": "clockwise"|"counterclockwise", "confidence": c, "ambiguities": [...]}, rings
innermost first; "text" is letters for a word ring and "34 11 58 N 118 10 31 W" for a
coordinates band; "?" marks a symbol that could not be read. For a photo, "clockwise" means
the canopy is seen from below (the up-look camera view).
"""


def _encode(rings: list[str], coordinates: str | None):
    from marsound.chute.encode import encode_message

    return encode_message(rings, coordinates)


def encode_json(encoded) -> dict:
    """The ``--json`` body of ``chute encode`` for encoded rings (also the web API's body)."""
    return {
        "rings": [
            {"values": list(e.ring.values), "bits": e.bit_string, "start": e.start, "kind": e.ring.kind}
            for e in encoded
        ]
    }


def encode_report(rings: list[str], coordinates: str | None) -> dict:
    """Encode a message and return the ``--json`` body of ``chute encode``."""
    from marsound.errors import InvalidParameterError

    if not rings and coordinates is None:
        raise InvalidParameterError("give at least one --ring or --coordinates")
    return encode_json(_encode(rings, coordinates))


def register(app: typer.Typer) -> None:
    app.add_typer(chute_app, name="chute")


@chute_app.command("encode", help=ENCODE_HELP)
def encode_cmd(
    ring: list[str] = typer.Option([], "--ring", "-r", help="A word (or tokens) for the next ring; repeat."),
    coordinates: str | None = typer.Option(
        None, "--coordinates", "-c", help='Band coordinates, e.g. "34 11 58 N 118 10 31 W".'
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Draw to FILE.svg, FILE.png or FILE.jpg."),
    view: str = typer.Option("below", "--view", help="Drawing seen from 'below' (camera view) or 'above'."),
    size_px: int = typer.Option(800, "--size", help="Drawing size [px]."),
    red: str = typer.Option("#D24A4C", "--red", help="Colour of the 1-gores."),
    white: str = typer.Option("#FFFFFF", "--white", help="Colour of the 0-gores."),
    background: str = typer.Option("#1E1A1C", "--background", help="Sky colour (also seen through vent and gap)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    from marsound.errors import InvalidParameterError

    if not ring and coordinates is None:
        raise InvalidParameterError("give at least one --ring or --coordinates")
    encoded = _encode(ring, coordinates)
    if output is not None:
        from marsound.chute.draw import write_drawing

        write_drawing(output, encoded, size_px=size_px, view=view, red=red, white=white, background=background)
    report = encode_json(encoded)
    if as_json:
        typer.echo(json.dumps(report))
        return
    from rich.console import Console
    from rich.table import Table

    from marsound.chute.encode import to_wr

    console = Console()
    table = Table("ring", "kind", "values", "start")
    table.add_column("gores 0-79 (W/R, clockwise from below)", overflow="fold")
    for i, e in enumerate(encoded):
        table.add_row(str(i + 1), e.ring.kind, " ".join(map(str, e.ring.values)), str(e.start), to_wr(e.bits))
    console.print(table)
    if output is not None:
        console.print(f"drawing written to {output}")


@chute_app.command("decode", help=DECODE_HELP)
def decode_cmd(
    file: Path | None = typer.Argument(None, help="Image or video file."),
    bits: list[str] = typer.Option([], "--bits", "-b", help="80 gores of one ring as 0/1 or W/R; repeat per ring."),
    max_frames: int = typer.Option(48, "--max-frames", help="Video: frames read (spread over the video)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    from marsound.errors import InvalidParameterError

    if (file is None) == (not bits):
        raise InvalidParameterError("give either FILE or --bits (one per ring), not both or neither")
    if bits:
        from marsound.chute.decode_bits import decode_bit_strings

        report = decode_bit_strings(bits).to_json()
    else:
        import sys

        assert file is not None
        report = decode_report(file, max_frames, show_progress=sys.stdout.isatty())
    if as_json:
        typer.echo(json.dumps(report))
        return
    _print_decoded(report)


def decode_report(path: Path, max_frames: int = 48, *, show_progress: bool = False) -> dict:
    """The ``--json`` body of ``chute decode FILE`` (an image or a video; also the web API's body)."""
    from marsound._files import regular_file
    from marsound.chute.video import VIDEO_SUFFIXES
    from marsound.errors import FileFormatError

    regular_file(path, "image or video")
    suffix = path.suffix.lower()
    if suffix in VIDEO_SUFFIXES:
        return _decode_video(path, max_frames, show_progress)
    from marsound.chute.image import IMAGE_SUFFIXES, decode_array, load_image

    try:
        img = load_image(path)
    except FileFormatError:
        if suffix in IMAGE_SUFFIXES:
            raise
        try:  # an unknown extension may still be a video container
            return _decode_video(path, max_frames, show_progress)
        except FileFormatError:
            raise FileFormatError(f"{path}: not an image or video that can be decoded") from None
    return decode_array(img).to_json()


def _decode_video(path: Path, max_frames: int, show_progress: bool) -> dict:
    from rich.progress import Progress

    from marsound.chute.video import decode_video

    if not show_progress:
        return decode_video(path, max_frames=max_frames).to_json()
    with Progress(transient=True) as prog:
        task = prog.add_task("reading frames", total=max_frames)
        res = decode_video(path, max_frames=max_frames, progress=lambda n: prog.update(task, completed=n))
    return res.to_json()


def _print_decoded(report: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table("ring", "kind", "text", "values", "confidence")
    for i, r in enumerate(report["rings"]):
        conf = f"{r['confidence']:.2f}" + ("" if r.get("readable", True) else " (unreadable)")
        table.add_row(str(i + 1), r["kind"], r["text"], " ".join(map(str, r["values"])), conf)
    console.print(table)
    console.print(f"direction {report['direction']}, confidence {report['confidence']:.2f}")
    for a in report.get("ambiguities", []):
        console.print(f"[yellow]note[/]: {a}")
