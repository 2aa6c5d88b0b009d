"""``marsound landing``: entry-descent-landing models, their sound and their video.

The group is defined here; each landing module adds its subcommands through a
``register(landing_app)`` function of its own CLI module, listed in ``_SUBCOMMAND_MODULES``.
"""

from __future__ import annotations

import importlib

import typer

landing_app = typer.Typer(
    help="Landings on Mars: simulate a mission's descent, its published timeline, sound and video.",
    no_args_is_help=True,
    add_completion=False,
)

#: CLI modules under ``marsound.cli`` that add ``landing`` subcommands.
_SUBCOMMAND_MODULES: tuple[str, ...] = ("landing_trajectory", "landing_sound", "landing_video")


def register(app: typer.Typer) -> None:
    """Add the ``landing`` group (with every subcommand module's commands) to the root app."""
    for name in _SUBCOMMAND_MODULES:
        importlib.import_module(f"marsound.cli.{name}").register(landing_app)
    if _SUBCOMMAND_MODULES:
        app.add_typer(landing_app, name="landing")
