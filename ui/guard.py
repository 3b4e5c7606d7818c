"""The web server's outer wall (pure ASGI middleware, in front of FastAPI and both Gradio apps).

Gradio serves far more routes than the chat uses (file and proxy routes, uploads, run history,
recording, monitoring), and its path checks are skipped for an app that is mounted instead of
launched. So this wall lets through only the routes the pages need, caps every request body,
allows cross-origin requests from nobody, forbids framing, and keeps /admin behind the
operator's login.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from rag.api import BodyTooLarge, read_capped, replay, send_json, too_large

from .operator_login import ADMIN, LOGIN, LOGOUT, OperatorLogin
from .ratelimit import RATE_LIMITED, RateLimit

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SECURITY_HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]

QUEUE_FULL = "지금 질문하는 분이 많아 대기열이 가득 찼습니다. 잠시 후 다시 보내 주세요."

# What the Gradio page itself loads and calls (seen in the browser tests). Everything else
# Gradio offers -- /gradio_api/file=, /proxy=, /upload on the chat, /stream, /run, /call,
# run history, recording, monitoring, its own login -- answers 404.
_PAGE_EXACT = {
    "", "/", "/config", "/theme.css", "/favicon.ico", "/manifest.json", "/robots.txt",
    "/gradio_api/info", "/gradio_api/queue/join", "/gradio_api/queue/data",
    "/gradio_api/startup-events", "/gradio_api/cancel", "/gradio_api/app_id",
}  # fmt: skip
_PAGE_PREFIXES = ("/assets/", "/static/", "/svelte/", "/gradio_api/heartbeat/")
_UPLOAD = "/gradio_api/upload"
_ADMIN_EXACT = {_UPLOAD, "/gradio_api/upload_progress"}
_OWN_ROUTES = ("/doc/", "/healthz")


def page_route_allowed(path: str, *, admin: bool) -> bool:
    """`path` relative to the Gradio app's mount point."""
    path = path.rstrip("/") if path not in ("", "/") else path
    if path in _PAGE_EXACT or path.startswith(_PAGE_PREFIXES):
        return True
    return admin and path in _ADMIN_EXACT


def same_origin(origin: str, host: str) -> bool:
    """The browser's Origin names this server (scheme aside: a TLS proxy may sit in front)."""
    return bool(host) and urlsplit(origin).netloc == host


async def _json(send: Send, status: int, message: str) -> None:
    await send_json(send, status, {"error": {"message": message, "type": "refused"}},
                    SECURITY_HEADERS)  # fmt: skip


class WebGuard:
    def __init__(
        self,
        app: ASGIApp,
        *,
        login: OperatorLogin | None,
        max_body_bytes: int,
        max_upload_bytes: int,
        rate: RateLimit | None = None,
        rated: frozenset[int] = frozenset(),
    ) -> None:
        """`rate`: how many of the public chat's `rated` events (its question events, by
        fn_index) one client may start per minute; None: no cap."""
        self.app = app
        self.login = login
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes
        self.rate = rate
        self.rated = rated

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "websocket":  # the pages use none; refuse rather than route
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}  # fmt: skip
        path: str = scope.get("path", "")
        method: str = scope.get("method", "GET")
        origin = headers.get("origin")
        foreign = origin is not None and not same_origin(origin, headers.get("host", ""))
        if foreign and (method not in ("GET", "HEAD")):
            log.warning("refused cross-origin %s %s from %r", method, path, origin)
            await _json(send, 403, "다른 사이트에서 보낸 요청은 받지 않습니다.")
            return

        is_admin = path == ADMIN or path.startswith(ADMIN + "/")
        if is_admin and path not in (LOGIN, LOGOUT):
            if self.login is None:
                await _json(send, 404, "찾을 수 없습니다.")
                return
            if not self.login.is_logged_in(headers.get("cookie", "")):
                if method == "GET" and path in (ADMIN, ADMIN + "/"):
                    head = [(b"location", LOGIN.encode()), *SECURITY_HEADERS]
                    await send({"type": "http.response.start", "status": 303, "headers": head})
                    await send({"type": "http.response.body", "body": b""})
                    return
                await _json(send, 401, "운영자 로그인이 필요합니다.")
                return
            inner = path[len(ADMIN) :]
            if not page_route_allowed(inner, admin=True):
                await _json(send, 404, "찾을 수 없습니다.")
                return
        elif not is_admin and not path.startswith(_OWN_ROUTES):
            if not page_route_allowed(path, admin=False):
                await _json(send, 404, "찾을 수 없습니다.")
                return

        upload = is_admin and path.rstrip("/") == ADMIN + _UPLOAD
        limit = self.max_upload_bytes if upload else self.max_body_bytes
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _json(send, 413, too_large(limit))
            return
        if not upload and method in ("POST", "PUT", "PATCH"):
            try:
                receive = await read_capped(receive, limit)
            except BodyTooLarge:
                await _json(send, 413, too_large(limit))
                return
        elif upload:
            receive = _counted(receive, limit)

        joining = path.rstrip("/").endswith("/gradio_api/queue/join")
        if joining and not is_admin and self.rate is not None:
            body = await receive()
            receive = replay([body], receive)
            client = scope.get("client") or ("?", 0)
            if _fn_index(body.get("body", b"")) in self.rated and not self.rate.allow(
                str(client[0])
            ):
                log.warning("rate limit: refused an event from %s", client[0])
                await send_json(send, 429, {"detail": RATE_LIMITED}, SECURITY_HEADERS)
                return
        full = False

        async def guarded_send(message: Message) -> None:
            nonlocal full
            if message["type"] == "http.response.start":
                if joining and message.get("status") == 503:  # Gradio's queue is full
                    full = True
                    log.warning("queue full: refused a question")
                    await send_json(send, 503, {"detail": QUEUE_FULL}, SECURITY_HEADERS)
                    return
                kept = [(k, v) for k, v in message.get("headers", [])
                        if k.lower() not in {h for h, _ in SECURITY_HEADERS}
                        and not (foreign and k.lower().startswith(b"access-control-"))]  # fmt: skip
                message["headers"] = kept + SECURITY_HEADERS
            elif full:
                return  # Gradio's English body: already answered in Korean
            await send(message)

        await self.app(scope, receive, guarded_send)


def _fn_index(body: bytes) -> int | None:
    try:
        value = json.loads(body).get("fn_index")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, int) else None


def _counted(receive: Receive, limit: int) -> Receive:
    """An upload streams through; past `limit` bytes the request is cut off."""
    size = 0

    async def counted() -> Message:
        nonlocal size
        message = await receive()
        if message["type"] == "http.request":
            size += len(message.get("body", b""))
            if size > limit:
                return {"type": "http.disconnect"}
        return message

    return counted
