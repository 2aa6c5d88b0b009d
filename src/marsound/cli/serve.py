"""``marsound serve``: the local web page (needs the ``web`` extra)."""

from __future__ import annotations

import socket

import typer

from marsound.web.settings import DEFAULT_HOST, DEFAULT_MAX_UPLOAD_MB, DEFAULT_PORT

HELP = """Serve the marsound web page on this computer: listen to any sound on Mars, see why
(physics), write and read parachute codes, replay a landing, analyse recordings.

Binds 127.0.0.1 (this computer only) unless --host says otherwise; every asset is local, the page
works offline. Uploads larger than --max-upload-mb are refused (HTTP 413). --open starts the
default browser on the page. Stop with Ctrl-C.

Needs the web extra: pip install "marsound[web]".
"""


def register(app: typer.Typer) -> None:
    @app.command("serve", help=HELP)
    def serve(
        host: str = typer.Option(DEFAULT_HOST, "--host", help="Address to bind (0.0.0.0 exposes the page)."),
        port: int = typer.Option(DEFAULT_PORT, "--port", help="TCP port (0 picks a free one)."),
        max_upload_mb: float = typer.Option(DEFAULT_MAX_UPLOAD_MB, "--max-upload-mb", help="Largest upload [MB]."),
        open_browser: bool = typer.Option(False, "--open", help="Open the page in the default browser."),
    ) -> None:
        from marsound._validate import positive_finite
        from marsound.errors import InvalidParameterError, MarsoundError

        if not 0 <= port <= 65535:
            raise InvalidParameterError(f"--port={port!r} must be within 0-65535")
        try:
            import uvicorn

            from marsound.web import create_app
        except ImportError as exc:
            missing = exc.name or "a package"
            hint = 'pip install "marsound[web]"'
            raise MarsoundError(f"the web page needs the web extra ({missing} is missing): {hint}") from None
        mb = positive_finite(max_upload_mb, "--max-upload-mb")
        app = create_app(max_upload_bytes=int(mb * 1e6))
        sock = _listening_socket(host, port)
        config = uvicorn.Config(app, host=host, port=port, log_level="info")
        server = uvicorn.Server(config)
        if open_browser:
            _open_when_started(server, host)
        shown = f"[{host}]" if ":" in host else host
        typer.echo(f"marsound running on http://{shown}:{sock.getsockname()[1]}/ (Ctrl-C to stop)", err=True)
        server.run(sockets=[sock])


def _listening_socket(host: str, port: int) -> socket.socket:
    """Bind ``host:port`` before uvicorn starts, so a busy port or unknown host is one ``error:`` line.

    uvicorn reports those as log lines and exits 1 or 3 after starting the application; binding
    here (and handing uvicorn the socket) turns them into the CLI's usual exit 2.
    """
    from marsound.errors import InvalidParameterError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise InvalidParameterError(f"--host={host!r} cannot be resolved: {exc.strerror}") from None
    family, socktype, proto, _, address = infos[0]
    sock = socket.socket(family, socktype, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise InvalidParameterError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.set_inheritable(True)
    return sock


def _open_when_started(server, host: str) -> None:
    """Open the browser once uvicorn listens (on its real port, also when --port 0)."""
    import threading
    import time
    import webbrowser

    def wait_and_open() -> None:
        while not server.started:
            if server.should_exit:
                return
            time.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]
        shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
        webbrowser.open(f"http://{shown}:{port}/")

    threading.Thread(target=wait_and_open, daemon=True).start()
