"""Defaults of the web page, importable without the ``web`` extra (the CLI shows them in its help)."""

from __future__ import annotations

#: Default host of ``marsound serve``: this computer only.
DEFAULT_HOST = "127.0.0.1"
#: Default TCP port of ``marsound serve``.
DEFAULT_PORT = 8000
#: Default upload limit of ``marsound serve`` [MB] (``--max-upload-mb``).
DEFAULT_MAX_UPLOAD_MB = 64.0
#: Results kept for the pages to fetch (the oldest are removed first).
DEFAULT_MAX_RESULTS = 32
