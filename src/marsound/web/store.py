"""Server-side folders for results the pages fetch afterwards (rendered WAVs, plots, reports).

Each result lives in ``root/<token>/``, the token a random 128-bit hex string. Only names made of
``[A-Za-z0-9._-]`` (not starting with a dot) that resolve to a regular file inside that folder are
ever served, so no request can reach outside it. The oldest folders are removed beyond
``max_entries``; the whole root is removed when the app stops.
"""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$")


class ResultStore:
    """A bounded set of temporary result folders, addressed by random tokens."""

    def __init__(self, root: str | Path | None = None, *, max_entries: int = 32) -> None:
        self._own_root = root is None
        self.root = Path(tempfile.mkdtemp(prefix="marsound-web-")) if root is None else Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.max_entries = int(max_entries)
        self._entries: OrderedDict[str, Path] = OrderedDict()
        self._lock = threading.Lock()

    def new(self) -> tuple[str, Path]:
        """A fresh empty folder and its token (evicting the oldest beyond ``max_entries``)."""
        token = secrets.token_hex(16)
        folder = self.root / token
        folder.mkdir()
        with self._lock:
            self._entries[token] = folder
            while len(self._entries) > self.max_entries:
                _, old = self._entries.popitem(last=False)
                shutil.rmtree(old, ignore_errors=True)
        return token, folder

    @contextmanager
    def reserve(self) -> Iterator[tuple[str, Path]]:
        """:meth:`new` for the work of one request: the folder is discarded if that work fails."""
        token, folder = self.new()
        try:
            yield token, folder
        except BaseException:
            self.discard(token)
            raise

    def discard(self, token: str) -> None:
        with self._lock:
            folder = self._entries.pop(token, None)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)

    def file(self, token: str, name: str) -> Path | None:
        """The file ``name`` of result ``token``, or None (unknown token, bad name, not a file)."""
        if not _TOKEN.match(token) or not _NAME.match(name):
            return None
        with self._lock:
            folder = self._entries.get(token)
        if folder is None:
            return None
        path = (folder / name).resolve()
        if path.parent != folder.resolve() or not path.is_file():
            return None
        return path

    def close(self) -> None:
        """Remove every result (and the root if the store created it)."""
        with self._lock:
            folders = list(self._entries.values())
            self._entries.clear()
        for f in folders:
            shutil.rmtree(f, ignore_errors=True)
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)
