"""Plain command-line values (strings, numbers, paths, lists of them) converted without pydantic.

typer 0.29 converts every parameter value through a pydantic ``TypeAdapter``: importing pydantic
and building one adapter per parameter costs about 0.15-0.2 s of CPU on every run of ``marsound``
(as much as filtering five minutes of 48 kHz audio), for values that are plain strings and
numbers. :func:`install` has typer convert those directly, to the same result:

* ``str``: the string itself (what typer's adapter returns for a string);
* ``int`` / ``float`` without ``min``/``max``/``clamp``: a value already of that type, or a string
  in the plain decimal form ``[+-]digits[.digits][e[+-]digits]``, converted with ``int``/``float``
  (``tests/cli/test_fast_coercion.py`` checks on generated strings that pydantic gives the same);
* ``Path``: ``Path(value)``, then typer's own path checks (exists, file/dir, readable...);
* ``bool`` values that are already booleans; ``list`` of any of these.

Anything else (another type, a parser, choices, files, constraints) and any value not in the plain
form (``nan``, ``1_000``, ``" 5"``, ``abc``) goes through typer's own pydantic path, so what is
accepted and every error message stay typer's. If typer's internals change, :func:`install`
leaves typer as it is (slower start-up, same behaviour).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args, get_origin

_INT = re.compile(r"[+-]?[0-9]{1,18}\Z")
_FLOAT = re.compile(r"[+-]?(?:[0-9]{1,18}(?:\.[0-9]{0,18})?|\.[0-9]{1,18})(?:[eE][+-]?[0-9]{1,2})?\Z")

_installed: list[Callable[[Any], Any]] = []  # typer's own build_runtime_param, once installed


class _NotPlain(Exception):
    """The value is not in the plain form: typer's own conversion decides."""


def _to_str(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise _NotPlain


def _to_int(value: Any) -> int:
    if type(value) is int:
        return value
    if isinstance(value, str) and _INT.match(value):
        return int(value)
    raise _NotPlain


def _to_float(value: Any) -> float:
    if type(value) is float:
        return value
    if isinstance(value, str) and _FLOAT.match(value):
        return float(value)
    raise _NotPlain


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise _NotPlain


def _to_path(path_type: type[Path]) -> Callable[[Any], Path]:
    def convert(value: Any) -> Path:
        if isinstance(value, path_type):
            return value
        if isinstance(value, str) and value and "\x00" not in value:
            return path_type(value)
        raise _NotPlain

    return convert


def plain_converter(annotation: Any, parameter_info: Any) -> Callable[[Any], Any] | None:
    """The direct conversion for a parameter, or None when typer's own must be used."""
    if getattr(parameter_info, "parser", None) is not None:
        return None
    if annotation is str:
        return _to_str
    if annotation is bool:
        return _to_bool
    if annotation in (int, float):
        bounded = any(getattr(parameter_info, k, None) not in (None, False) for k in ("min", "max", "clamp"))
        return None if bounded else (_to_int if annotation is int else _to_float)
    if isinstance(annotation, type) and issubclass(annotation, Path):
        if getattr(parameter_info, "path_type", None) not in (None, annotation):
            return None
        return _to_path(annotation)
    return None


class _PlainParam:
    """typer's runtime parameter for a plain annotation: direct conversion, typer's as a fallback."""

    def __init__(self, descriptor: Any, convert: Callable[[Any], Any], is_list: bool, checks_path: bool) -> None:
        self.descriptor = descriptor
        self.convert = convert
        self.is_list = is_list
        self.checks_path = checks_path
        self._typer_param: Any = None

    def _typer(self) -> Any:
        if self._typer_param is None:
            self._typer_param = _installed[0](self.descriptor)
        return self._typer_param

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        multi = bool(param.multiple or param.nargs == -1)
        try:
            if value is None:
                return () if multi else None  # as typer's RuntimeParam.coerce
            if multi != self.is_list:
                raise _NotPlain
            if self.is_list:
                if not isinstance(value, (list, tuple)):
                    raise _NotPlain
                return [self._one(v, param, ctx) for v in value]
            return self._one(value, param, ctx)
        except _NotPlain:
            return self._typer().coerce(value, param=param, ctx=ctx)

    def _one(self, value: Any, param: Any, ctx: Any) -> Any:
        out = self.convert(value)
        if self.checks_path:  # typer's checks (exists, file_okay, readable...) on the Path
            from typer._param_types import coerce_cli_path

            pi = self.descriptor.parameter_info
            out = coerce_cli_path(out, pi, path_type=type(out), param=param, ctx=ctx)
        return out


def _build_runtime_param(descriptor: Any) -> Any:
    annotation = descriptor.annotation
    is_list = get_origin(annotation) is list
    if is_list:
        args = get_args(annotation)
        annotation = args[0] if len(args) == 1 else None
    pi = descriptor.parameter_info
    convert = None if descriptor.file_annotation is not None else plain_converter(annotation, pi)
    if convert is None or getattr(descriptor, "choices", None) is not None:
        return _installed[0](descriptor)
    checks_path = isinstance(annotation, type) and issubclass(annotation, Path)
    return _PlainParam(descriptor, convert, is_list, checks_path)


def install() -> bool:
    """Make typer convert plain values directly (idempotent); False if typer's layout is not the known one."""
    if _installed:
        return True
    try:
        import typer._param_types as param_types
        import typer.core as core
    except ImportError:
        return False
    original = getattr(core, "build_runtime_param", None)
    if original is None or not hasattr(param_types, "coerce_cli_path"):
        return False
    _installed.append(original)
    core.build_runtime_param = _build_runtime_param
    return True
