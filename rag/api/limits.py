"""Request-body caps and the Host check for our web servers, as pure ASGI pieces (the API
and the chat share them).

A ~700,000-character message kept the API busy long after its client left; a body over the
cap is now refused before any of it is parsed. A page on another site can point its own host
name at 127.0.0.1 (DNS rebinding) and then read our answers as "same origin": only requests
whose Host header names this server get through.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger(__name__)
BAD_HOST = "허용되지 않은 주소로 접속했습니다. 관리자에게 접속 주소를 확인하세요."


def host_name(header: str) -> str:
    """The name a Host header gives, without its port: 'Ex.org:7860' -> 'ex.org',
    '[::1]:7860' -> '::1'."""
    h = header.strip().lower()
    if h.startswith("["):
        return h[1 : h.index("]")] if "]" in h else h
    return h.rsplit(":", 1)[0] if h.count(":") == 1 else h


def host_allowed(header: str, allowed: frozenset[str]) -> bool:
    """`allowed`: lower-case names ('*' allows any). A request without a Host is refused."""
    return "*" in allowed or (bool(header) and host_name(header) in allowed)


def scope_host(scope: Scope) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == b"host":
            return bytes(value).decode("latin-1")
    return ""


class BodyTooLarge(Exception):
    pass


async def read_capped(receive: Receive, limit: int) -> Receive:
    """Read the whole (small) body first; BodyTooLarge past `limit` bytes. Returns a receive
    that replays it, then passes on what the client sends next (a disconnect)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return replay([message], receive)
        size += len(message.get("body", b""))
        if size > limit:
            raise BodyTooLarge
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return replay([{"type": "http.request", "body": b"".join(chunks), "more_body": False}],
                  receive)  # fmt: skip


def replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed


def too_large(limit: int) -> str:
    return f"요청이 너무 큽니다 (한도 {limit // 1024:,}KB)."


async def send_json(
    send: Send,
    status: int,
    body: Mapping[str, object],
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    data = json.dumps(body, ensure_ascii=False).encode()
    head = [(b"content-type", b"application/json; charset=utf-8"),
            (b"content-length", str(len(data)).encode()), *(headers or [])]  # fmt: skip
    await send({"type": "http.response.start", "status": status, "headers": head})
    await send({"type": "http.response.body", "body": data})


class BodyLimit:
    """Refuse request bodies over `limit` bytes with 413 and an OpenAI-shaped error, and
    requests for another host name with 400 (`hosts`: None checks none)."""

    def __init__(self, app: ASGIApp, *, limit: int, hosts: frozenset[str] | None = None) -> None:
        self.app = app
        self.limit = limit
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.hosts is not None:
            host = scope_host(scope)
            if not host_allowed(host, self.hosts):
                log.warning("refused Host %r (not in AXA_ALLOWED_HOSTS)", host[:100])
                await send_json(send, 400, {"error": {"message": BAD_HOST, "param": None,
                                                      "type": "invalid_request_error",
                                                      "code": "host_not_allowed"}})  # fmt: skip
                return
        if scope["type"] == "http" and scope.get("method") in ("POST", "PUT", "PATCH"):
            error = {"error": {"message": too_large(self.limit), "type": "invalid_request_error",
                               "param": None, "code": "request_too_large"}}  # fmt: skip
            declared = dict(scope.get("headers", [])).get(b"content-length", b"")
            if declared.isdigit() and int(declared) > self.limit:
                await send_json(send, 413, error)
                return
            try:
                receive = await read_capped(receive, self.limit)
            except BodyTooLarge:
                await send_json(send, 413, error)
                return
        await self.app(scope, receive, send)
