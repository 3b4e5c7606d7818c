"""The web server's outer wall (pure ASGI middleware, in front of FastAPI and both Gradio apps).

Gradio serves far more routes than the chat uses (file and proxy routes, uploads, run history,
recording, monitoring), and its path checks are skipped for an app that is mounted instead of
launched. So this wall answers only the host names it serves, lets through only the routes the
pages need, caps every request body, checks every public event's values against what its
components declare and prices it in model time, allows cross-origin requests from nobody,
forbids framing, and keeps /admin behind the operator's login.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from rag.api import BAD_HOST, BodyTooLarge, host_allowed, read_capped, replay, send_json, too_large

from .events import REFUSED, PublicEvents
from .operator_login import ADMIN, LOGIN, LOGOUT, OperatorLogin
from .ratelimit import RATE_LIMITED, TOO_MANY_QUEUED, RateLimit

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


NOT_FOUND = "찾을 수 없습니다."
_TO_LOGIN = "to login"


def _guarded_send(send: Send, *, joining: bool, foreign: bool) -> Send:
    """`send` with the security headers on every response, no CORS grant to a foreign origin,
    and Gradio's English "queue full" answered in Korean."""
    full = False
    own = {h for h, _ in SECURITY_HEADERS}

    async def guarded(message: Message) -> None:
        nonlocal full
        if message["type"] == "http.response.start":
            if joining and message.get("status") == 503:  # Gradio's queue is full
                full = True
                log.warning("queue full: refused a question")
                await send_json(send, 503, {"detail": QUEUE_FULL}, SECURITY_HEADERS)
                return
            kept = [(k, v) for k, v in message.get("headers", [])
                    if k.lower() not in own
                    and not (foreign and k.lower().startswith(b"access-control-"))]  # fmt: skip
            message["headers"] = kept + SECURITY_HEADERS
        elif full:
            return  # Gradio's English body: already answered in Korean
        await send(message)

    return guarded


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
        events: PublicEvents | None = None,
        rate: RateLimit | None = None,
        pending: Callable[[str], int] | None = None,
        max_pending: int = 4,
        hosts: frozenset[str] | None = None,
        sweeper: TempSweeper | None = None,
    ) -> None:
        """`events`: the public chat's events (what each takes and costs); `rate`: model
        generations one client may start per minute; `pending`: how many model-time events a
        client has waiting or running, capped at `max_pending`; `hosts`: Host names answered
        (None: any); `sweeper`: empties Gradio's temp folder of what outlived its use."""
        self.app = app
        self.login = login
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes
        self.events = events
        self.rate = rate
        self.pending = pending
        self.max_pending = max_pending
        self.hosts = hosts
        self.sweeper = sweeper

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "websocket":  # the pages use none; refuse rather than route
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send)
            return
        if self.sweeper is not None:
            self.sweeper.maybe_sweep()
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}  # fmt: skip
        path: str = scope.get("path", "")
        method: str = scope.get("method", "GET")
        origin = headers.get("origin")
        foreign = origin is not None and not same_origin(origin, headers.get("host", ""))
        is_admin = path == ADMIN or path.startswith(ADMIN + "/")
        refusal = self._refuse_request(path, method, headers, foreign=foreign, admin=is_admin)
        if refusal == _TO_LOGIN:
            head = [(b"location", LOGIN.encode()), *SECURITY_HEADERS]
            await send({"type": "http.response.start", "status": 303, "headers": head})
            await send({"type": "http.response.body", "body": b""})
            return
        if isinstance(refusal, tuple):
            await _json(send, *refusal)
            return
        capped = await self._capped_body(path, method, headers, receive, admin=is_admin)
        if isinstance(capped, tuple):
            await _json(send, *capped)
            return
        receive = capped
        joining = path.rstrip("/").endswith("/gradio_api/queue/join")
        if joining and not is_admin and self.events is not None:
            body = await receive()
            receive = replay([body], receive)
            client = str((scope.get("client") or ("?", 0))[0])
            if refusal := self._refuse_join(body.get("body", b""), client):
                status, detail = refusal
                await send_json(send, status, {"detail": detail}, SECURITY_HEADERS)
                return
        await self.app(scope, receive, _guarded_send(send, joining=joining, foreign=foreign))

    def _refuse_request(
        self, path: str, method: str, headers: dict[str, str], *, foreign: bool, admin: bool
    ) -> tuple[int, str] | str | None:
        """Why a request must not reach the apps, by its head alone: (status, Korean message),
        `_TO_LOGIN` for the operator page without a login, or None."""
        host = headers.get("host", "")
        # /healthz says only "ok": probes (a kubelet asks by pod address) need no host name
        if self.hosts is not None and path != "/healthz" and not host_allowed(host, self.hosts):
            log.warning("refused Host %r on %s (not in AXA_ALLOWED_HOSTS)", host[:100], path[:100])
            return 400, BAD_HOST
        if foreign and (method not in ("GET", "HEAD")):
            origin = headers.get("origin", "")
            log.warning("refused cross-origin %s %s from %r", method, path[:100], origin[:100])
            return 403, "다른 사이트에서 보낸 요청은 받지 않습니다."
        if admin and path not in (LOGIN, LOGOUT):
            if self.login is None:
                return 404, NOT_FOUND
            if not self.login.is_logged_in(headers.get("cookie", "")):
                if method == "GET" and path in (ADMIN, ADMIN + "/"):
                    return _TO_LOGIN
                return 401, "운영자 로그인이 필요합니다."
            if not page_route_allowed(path[len(ADMIN) :], admin=True):
                return 404, NOT_FOUND
        elif not admin and not path.startswith(_OWN_ROUTES):
            if not page_route_allowed(path, admin=False):
                return 404, NOT_FOUND
        return None

    async def _capped_body(
        self, path: str, method: str, headers: dict[str, str], receive: Receive, *, admin: bool
    ) -> Receive | tuple[int, str]:
        """The body, read under its cap (an upload counted as it streams), or (413, message)."""
        upload = admin and path.rstrip("/") == ADMIN + _UPLOAD
        limit = self.max_upload_bytes if upload else self.max_body_bytes
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return 413, too_large(limit)
        if upload:
            return _counted(receive, limit)
        if method in ("POST", "PUT", "PATCH"):
            try:
                return await read_capped(receive, limit)
            except BodyTooLarge:
                return 413, too_large(limit)
        return receive

    def _refuse_join(self, body: bytes, client: str) -> tuple[int, str] | None:
        """(status, Korean detail) for a join that must not reach Gradio; one log line each."""
        assert self.events is not None
        judged = self.events.judge(body)
        if judged.refused:
            log.warning("refused an event from %s: %s", client, judged.refused)
            return 422, REFUSED
        if not judged.cost:
            return None
        if self.pending is not None and self.pending(client) >= self.max_pending:
            log.warning("refused event %s from %s: %d model-time events already queued",
                        judged.fn_index, client, self.max_pending)  # fmt: skip
            return 429, TOO_MANY_QUEUED
        if self.rate is not None and not self.rate.allow(client, judged.cost):
            log.warning("rate limit: refused event %s from %s", judged.fn_index, client)
            return 429, RATE_LIMITED
        return None


class TempSweeper:
    """Gradio's temp folder holds operator uploads on their way into `data/uploads` and
    whatever Gradio caches; anything older than `max_age_s` has outlived its use. Swept at
    most every `every_s`, from the request path (no thread to own)."""

    def __init__(self, folder: Path, *, max_age_s: float = 3600.0, every_s: float = 600.0,
                 clock: Callable[[], float] = time.time) -> None:  # fmt: skip
        self.folder = folder
        self.max_age_s = max_age_s
        self.every_s = every_s
        self.clock = clock
        self._next = 0.0

    def maybe_sweep(self) -> None:
        now = self.clock()
        if now < self._next:
            return
        self._next = now + self.every_s
        self.sweep(now)

    def sweep(self, now: float | None = None) -> int:
        """Remove what is older than `max_age_s`; how many entries went."""
        now = self.clock() if now is None else now
        removed = 0
        try:
            entries = list(self.folder.iterdir())
        except OSError:
            return 0
        for entry in entries:
            try:
                if now - entry.lstat().st_mtime < self.max_age_s:
                    continue
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
                removed += 1
            except OSError:
                continue
        if removed:
            log.info("swept %d old entries from the web temp folder", removed)
        return removed


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
