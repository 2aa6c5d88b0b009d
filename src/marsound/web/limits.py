"""Request-body limit for the web app: a pure ASGI middleware.

Starlette parses multipart uploads as they stream in (spooling files to disk) and sets no limit
on the total size. This middleware refuses a body larger than ``max_body_bytes`` with
``413 {"error": ...}``: at once when ``Content-Length`` announces it, otherwise as soon as the
bytes received so far exceed it (the rest of the body is never read).
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLargeError(Exception):
    """Raised from ``receive`` when the streamed body passes the limit."""


def _error_body(limit: int) -> bytes:
    return json.dumps({"error": f"upload too large: the limit is {limit / 1e6:g} MB"}).encode()


class BodyLimitMiddleware:
    """Answer 413 to any HTTP request whose body exceeds ``max_body_bytes``."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        if max_body_bytes < 0:
            raise ValueError(f"max_body_bytes={max_body_bytes!r} must be >= 0")
        self.app = app
        self.max_body_bytes = int(max_body_bytes)

    async def _reject(self, send: Send) -> None:
        body = _error_body(self.max_body_bytes)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    announced = int(value)
                except ValueError:
                    announced = -1
                if announced > self.max_body_bytes:
                    await self._reject(send)
                    return
        received = 0
        exceeded = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    exceeded = True
                    raise BodyTooLargeError
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:  # the app turned the abort into some error response: answer 413 instead
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except BodyTooLargeError:
            pass
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await self._reject(send)
