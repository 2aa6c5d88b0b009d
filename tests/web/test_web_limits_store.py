"""The upload limit (pure ASGI) and the result store, tested without HTTP."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from marsound.web.limits import BodyLimitMiddleware
from marsound.web.store import ResultStore


def run(app, headers, chunks):
    """Drive ``app`` with one HTTP request; returns (messages sent, chunks the app received)."""
    sent, given = [], []

    async def receive():
        if not chunks:
            return {"type": "http.disconnect"}
        body = chunks.pop(0)
        given.append(body)
        return {"type": "http.request", "body": body, "more_body": bool(chunks)}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/", "headers": headers}
    # in a thread of its own: Playwright's sync API may hold an event loop in the main thread
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result(timeout=30)
    return sent, given


async def reading_app(scope, receive, send):
    """Reads the whole body, then answers 200 with its length."""
    n = 0
    while True:
        m = await receive()
        n += len(m.get("body", b""))
        if not m.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(n).encode()})


def test_content_length_over_the_limit_is_refused_before_reading():
    app = BodyLimitMiddleware(reading_app, max_body_bytes=100)
    sent, given = run(app, [(b"content-length", b"101")], [b"x" * 101])
    assert given == []  # not one byte read
    assert sent[0]["status"] == 413
    assert "too large" in json.loads(sent[1]["body"])["error"]


def test_streamed_body_is_cut_as_soon_as_it_passes_the_limit():
    app = BodyLimitMiddleware(reading_app, max_body_bytes=100)
    sent, given = run(app, [], [b"x" * 60, b"x" * 60, b"x" * 60, b"x" * 60])
    assert len(given) == 2  # the third and fourth chunks are never read
    assert sent[0]["status"] == 413 and len(sent) == 2


def test_bodies_within_the_limit_pass_untouched():
    app = BodyLimitMiddleware(reading_app, max_body_bytes=100)
    sent, _ = run(app, [(b"content-length", b"100")], [b"x" * 50, b"x" * 50])
    assert sent[0]["status"] == 200 and sent[1]["body"] == b"100"


def test_an_app_that_turns_the_abort_into_an_error_still_answers_413():
    async def swallowing_app(scope, receive, send):
        try:
            await reading_app(scope, receive, send)
        except Exception:
            await send({"type": "http.response.start", "status": 400, "headers": []})
            await send({"type": "http.response.body", "body": b"bad body"})

    sent, _ = run(BodyLimitMiddleware(swallowing_app, max_body_bytes=10), [], [b"x" * 8, b"x" * 8])
    assert [m.get("status") for m in sent if m["type"] == "http.response.start"] == [413]


def test_negative_limit_is_refused():
    with pytest.raises(ValueError, match="max_body_bytes"):
        BodyLimitMiddleware(reading_app, max_body_bytes=-1)


def test_store_evicts_the_oldest_and_cleans_up(tmp_path):
    store = ResultStore(tmp_path / "results", max_entries=2)
    tokens = []
    for i in range(3):
        token, folder = store.new()
        (folder / "a.txt").write_text(str(i))
        tokens.append(token)
    assert store.file(tokens[0], "a.txt") is None  # evicted, folder removed
    assert not (tmp_path / "results" / tokens[0]).exists()
    assert store.file(tokens[2], "a.txt").read_text() == "2"
    store.close()
    assert list((tmp_path / "results").iterdir()) == []


@pytest.mark.parametrize("name", ["../a.txt", "..", ".", ".a", "sub/a.txt", "a.txt/", "", "a" * 200])
def test_store_serves_only_plain_names_inside_the_folder(tmp_path, name):
    store = ResultStore(tmp_path, max_entries=4)
    token, folder = store.new()
    (folder / "a.txt").write_text("x")
    (folder / ".a").write_text("x")
    assert store.file(token, name) is None
    assert store.file(token, "a.txt") is not None
    assert store.file("../" + token, "a.txt") is None


def test_store_refuses_symlinks_out_of_the_folder(tmp_path):
    store = ResultStore(tmp_path / "r", max_entries=4)
    token, folder = store.new()
    (tmp_path / "secret.txt").write_text("secret")
    (folder / "link.txt").symlink_to(tmp_path / "secret.txt")
    assert store.file(token, "link.txt") is None
