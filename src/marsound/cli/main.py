"""Entry point of the ``marsound`` command: registers the subcommands, and is the front door.

Every subcommand module defines ``register(app)``; a run registers (and imports) only the
subcommand it runs (:func:`build_app`), so ``marsound render`` does not load the libraries of
the others. Whatever happens below, :func:`main`
turns it into one exit code and at most a few lines on stderr, never a traceback:

============================================  =====================================================
what happened                                 what the user sees, exit code
============================================  =====================================================
``marsound`` (or a group) with no arguments   the usage/help text on stderr, 2 (typer's
                                              ``no_args_is_help`` convention)
a usage error (unknown command or option,     typer's usage message naming the problem, 2
bad option value, missing argument)
a :class:`~marsound.errors.MarsoundError`     ``error: <message>`` (one line), 2
SIGINT (Ctrl-C), SIGTERM, SIGHUP              ``interrupted by SIG...``, 128 + signal number; the
                                              exception unwinds every ``with`` block, so temporary
                                              output files are removed (see :mod:`marsound._atomic`)
any other exception (a bug)                   ``error: internal error (Type: message)``, 1; the
                                              traceback too with ``--debug`` or ``MARSOUND_DEBUG=1``
============================================  =====================================================
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import signal
import sys
import threading
import traceback
from collections.abc import Iterator, Sequence
from typing import NoReturn

import typer

from marsound import __version__
from marsound.cli import _coercion
from marsound.errors import MarsoundError

#: Environment variable that turns on tracebacks for internal errors (any value but "", "0").
DEBUG_ENV = "MARSOUND_DEBUG"

#: Signals that end a run cleanly (temporary files removed) with exit code 128 + signal number.
TERMINATING_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

#: The subcommand modules of :mod:`marsound.cli` (each registers the command of its name), in the
#: order ``marsound --help`` lists them.
COMMAND_MODULES: tuple[str, ...] = ("physics", "demo", "render", "analyze", "chute", "landing", "serve")

#: Root options that may stand before a subcommand without needing the whole command tree.
_ROOT_FLAGS = frozenset({"--debug"})

_state = {"debug": False}


class Interrupted(BaseException):
    """Raised in the main thread when a terminating signal arrives.

    A :class:`BaseException` (like :class:`KeyboardInterrupt`), so that ``except Exception``
    in library code does not swallow it while every ``finally``/``with`` block still runs.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = int(signum)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def _version(value: bool) -> None:
    if value:
        typer.echo(f"marsound {__version__}")
        raise typer.Exit()


def _debug(value: bool) -> None:
    if value:
        _state["debug"] = True


def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
    debug: bool = typer.Option(
        False, "--debug", callback=_debug, is_eager=True, help=f"Show tracebacks of internal errors (or {DEBUG_ENV}=1)."
    ),
) -> None:
    """marsound: compute, hear and check sound on Mars."""


_apps: dict[str | None, typer.Typer] = {}


def build_app(command: str | None = None) -> typer.Typer:
    """The ``marsound`` application with every subcommand, or with ``command`` alone (cached).

    A run of one subcommand imports only that subcommand's module (and what it imports): the
    others' libraries (recordings, landing, web...) cost start-up time that ``marsound render``
    should not pay. Parsing, help and errors of that subcommand are the same in both.
    """
    if command not in _apps:
        _coercion.install()
        new = typer.Typer(
            name="marsound",
            help="Sound on Mars: propagation physics, rendering, rover recordings and parachute codes.",
            no_args_is_help=True,
            add_completion=False,
            pretty_exceptions_enable=False,
            rich_markup_mode=None,
        )
        new.callback()(_root)
        for name in COMMAND_MODULES if command is None else (command,):
            importlib.import_module(f"marsound.cli.{name}").register(new)
        _apps[command] = new
    return _apps[command]


def _command_of(args: Sequence[str]) -> str | None:
    """The subcommand ``args`` run, when only that one is needed (else None: the whole tree)."""
    for arg in args:
        if arg in _ROOT_FLAGS:
            continue
        return arg if arg in COMMAND_MODULES else None
    return None


def __getattr__(name: str) -> object:
    """``app``: the whole command tree, built on first use (for tests and tools that walk it)."""
    if name == "app":
        return build_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _debug_wanted() -> bool:
    return _state["debug"] or os.environ.get(DEBUG_ENV, "") not in ("", "0")


def _raise_interrupted(signum: int, frame: object) -> None:
    for sig in TERMINATING_SIGNALS:  # a second signal must not cut the clean-up short
        with contextlib.suppress(OSError, ValueError):
            signal.signal(sig, signal.SIG_IGN)
    raise Interrupted(signum)


@contextlib.contextmanager
def _signals_unwind() -> Iterator[None]:
    """While running, SIGINT/SIGTERM/SIGHUP raise :class:`Interrupted` in the main thread.

    Only in the main thread (elsewhere Python cannot install handlers); the previous handlers
    are restored afterwards, so calling :func:`main` from tests or a Python program is harmless.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for sig in TERMINATING_SIGNALS:
        with contextlib.suppress(OSError, ValueError):
            previous[sig] = signal.signal(sig, _raise_interrupted)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _remove_temporaries() -> None:
    """Belt and braces after a signal: the unwinding ``with`` blocks already removed their temporaries."""
    from marsound._atomic import pending_temporaries

    for tmp in pending_temporaries():
        with contextlib.suppress(OSError):
            tmp.unlink()


def _internal_error(exc: BaseException) -> int:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    what = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    if _debug_wanted():
        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
    else:
        hint = f" (run with --debug or {DEBUG_ENV}=1 for the traceback)"
        typer.echo(f"error: internal error ({what}){hint}", err=True)
    return 1


def _one_line(exc: BaseException) -> str:
    """An error message on one line (a multi-line message is joined with '; ')."""
    return "; ".join(part.strip() for part in str(exc).splitlines() if part.strip())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (for tests: ``main(["physics", ...])``)."""
    _state["debug"] = False
    args = list(argv) if argv is not None else sys.argv[1:]
    try:
        with _signals_unwind():
            rv = build_app(_command_of(args))(args=args, prog_name="marsound", standalone_mode=False)
        if isinstance(rv, int) and not isinstance(rv, bool):  # typer.Exit(code) in non-standalone mode
            return rv
    except MarsoundError as exc:
        typer.echo(f"error: {_one_line(exc)}", err=True)
        return 2
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except typer.Abort:
        typer.echo("aborted", err=True)
        return 1
    except typer.TyperException as exc:  # usage errors (typer's own click), with typer's usage message
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            typer.echo(f"Error: {exc}", err=True)
        return int(getattr(exc, "exit_code", 1))
    except Interrupted as exc:
        _remove_temporaries()
        typer.echo(f"interrupted by {signal.Signals(exc.signum).name}", err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        _remove_temporaries()
        typer.echo("interrupted by SIGINT", err=True)
        return 128 + signal.SIGINT
    except BrokenPipeError:  # `marsound ... | head`: the reader went away
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")
        return 128 + signal.SIGPIPE
    except Exception as exc:
        return _internal_error(exc)
    return 0


#: Commands whose process runs lean (see :func:`run`): they use no BLAS, and a run makes a few
#: dozen objects in reference cycles whatever the input's length (33 for ``render``, measured).
LEAN_COMMANDS = frozenset({"render"})


def run(argv: Sequence[str] | None = None) -> NoReturn:
    """The ``marsound`` program (console script, ``python -m marsound``): :func:`main`, then exit.

    Settings of the whole process, which :func:`main` (called by tests and programs) must not
    impose on its caller:

    * for the :data:`LEAN_COMMANDS` (``render``): ``OPENBLAS_NUM_THREADS=1`` unless it is set
      (otherwise numpy's import starts an OpenBLAS thread that spins, about 50 ms of CPU, for
      work that never comes), and no garbage collection (importing numpy and typer makes some
      10^5 objects and no garbage; the collections would traverse them again and again, about
      35 ms of CPU, for a few dozen objects in cycles);
    * after :func:`main` returns (every output committed or removed, every thread joined), the
      ``atexit`` handlers run, the output streams are flushed and the process exits at once
      (:func:`os._exit`), without the interpreter's teardown of every module (about 50 ms).
    """
    import atexit

    args = list(argv) if argv is not None else sys.argv[1:]
    if _command_of(args) in LEAN_COMMANDS and "numpy" not in sys.modules:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        gc.disable()
    code = main(args)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
