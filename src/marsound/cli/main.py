"""Entry point of the ``marsound`` command: registers the subcommands.

Every subcommand module defines ``register(app)``; errors of the marsound family are
printed as one line ``error: ...`` on stderr with exit code 2 (no traceback).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import typer

from marsound import __version__
from marsound.errors import MarsoundError

app = typer.Typer(
    name="marsound",
    help="Sound on Mars: propagation physics, rendering, rover recordings and parachute codes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"marsound {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """marsound: compute, hear and check sound on Mars."""


def _register_all() -> None:
    from marsound.cli import analyze, chute, demo, landing, physics, render, serve

    for module in (physics, demo, render, analyze, chute, landing, serve):
        module.register(app)


_register_all()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (for tests: ``main(["physics", ...])``)."""
    try:
        rv = app(args=list(argv) if argv is not None else None, prog_name="marsound", standalone_mode=False)
        if isinstance(rv, int) and not isinstance(rv, bool):  # typer.Exit(code) in non-standalone mode
            return rv
    except MarsoundError as exc:
        typer.echo(f"error: {exc}", err=True)
        return 2
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except typer.Abort:
        typer.echo("aborted", err=True)
        return 130
    except Exception as exc:  # click usage errors (typer >= 0.2x vendors click: no ``import click``)
        show, code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(code, int):
            show()
            return code
        raise
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
