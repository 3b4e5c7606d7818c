"""The operator page's own login: sessions scoped to /admin with an expiry, and wrong passwords
rate-limited with a lock-out.

Gradio's built-in login set cookies on `/` without expiry and let 50 guesses through in under a
second, so the operator page is mounted without it and this module guards every /admin path.
"""

from __future__ import annotations

import hmac
import html
import secrets
import time
from collections import deque
from collections.abc import Callable
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

ADMIN = "/admin"
LOGIN = "/admin/login"
LOGOUT = "/admin/logout"
COOKIE = "axa_operator"
Clock = Callable[[], float]


class LoginLimiter:
    """Wrong passwords, per client address and in all.

    An address is locked out for `window_s` after `max_failures` wrong passwords, and each
    further lock-out of it lasts twice the one before (up to a day): a guesser slows down, the
    operator's own typo costs a few minutes. Past ten addresses' worth of failures in a window
    (a guesser rotating addresses) every address that has failed waits too, but one that has
    not failed never does: nobody can lock the operator out by guessing from elsewhere."""

    MAX_LOCK_S = 86_400.0

    def __init__(self, max_failures: int, window_s: float, clock: Clock = time.monotonic) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._locked: dict[str, tuple[float, int]] = {}  # address -> (until, lock-outs so far)
        self._all: deque[float] = deque()

    def _recent(self, times: deque[float]) -> deque[float]:
        cutoff = self.clock() - self.window_s
        while times and times[0] <= cutoff:
            times.popleft()
        return times

    def wait_s(self, client: str) -> float:
        """Seconds until `client` may try again; 0 when it may now."""
        now = self.clock()
        waits = [0.0, self._locked.get(client, (0.0, 0))[0] - now]
        mine = self._recent(self._failures.get(client, deque()))
        everyone = self._recent(self._all)
        if mine and len(everyone) >= self.max_failures * 10:
            waits.append(everyone[-self.max_failures * 10] + self.window_s - now)
        return max(waits)

    def failed(self, client: str) -> None:
        now = self.clock()
        mine = self._recent(self._failures.setdefault(client, deque()))
        mine.append(now)
        self._all.append(now)
        if len(mine) >= self.max_failures:
            _, strikes = self._locked.get(client, (0.0, 0))
            lock = min(self.window_s * 2**strikes, max(self.MAX_LOCK_S, self.window_s))
            self._locked[client] = (now + lock, strikes + 1)
            mine.clear()
        if len(self._failures) > 10_000:  # forget idle addresses; memory stays bounded
            for key in [k for k, v in self._failures.items() if not self._recent(v)]:
                del self._failures[key]
            for key in [k for k, (until, _) in self._locked.items() if until < now - 86_400]:
                del self._locked[key]

    def succeeded(self, client: str) -> None:
        self._failures.pop(client, None)
        self._locked.pop(client, None)


class OperatorSessions:
    """Random session tokens held in memory (a restart logs operators out), with an expiry."""

    def __init__(self, lifetime_s: float, clock: Clock = time.monotonic, limit: int = 100) -> None:
        self.lifetime_s = lifetime_s
        self.clock = clock
        self.limit = limit
        self._expires: dict[str, float] = {}

    def start(self) -> str:
        now = self.clock()
        self._expires = {t: e for t, e in self._expires.items() if e > now}
        while len(self._expires) >= self.limit:  # oldest first (dicts keep insertion order)
            self._expires.pop(next(iter(self._expires)))
        token = secrets.token_urlsafe(32)
        self._expires[token] = now + self.lifetime_s
        return token

    def valid(self, token: str | None) -> bool:
        if not token or len(token) > 100:
            return False
        expires = self._expires.get(token)
        return expires is not None and expires > self.clock()

    def end(self, token: str | None) -> None:
        self._expires.pop(token or "", None)


class OperatorLogin:
    """Checks the operator's name and password; owns the sessions and the limiter."""

    def __init__(
        self,
        user: str,
        password: str,
        *,
        session_hours: float = 8.0,
        max_failures: int = 5,
        lockout_s: float = 900.0,
        clock: Clock = time.monotonic,
    ) -> None:
        self._user = user.encode()
        self._password = password.encode()
        self.lifetime_s = session_hours * 3600
        self.sessions = OperatorSessions(self.lifetime_s, clock)
        self.limiter = LoginLimiter(max_failures, lockout_s, clock)

    def check(self, user: str, password: str) -> bool:
        ok_user = hmac.compare_digest(user.encode()[:200], self._user)
        ok_password = hmac.compare_digest(password.encode()[:200], self._password)
        return ok_user and ok_password

    def is_logged_in(self, cookie_header: str) -> bool:
        return self.sessions.valid(cookie_value(cookie_header, COOKIE))


def cookie_value(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


_PAGE = """<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><title>AX-Assist 운영자 로그인</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:sans-serif;max-width:22rem;margin:4rem auto}}label{{display:block;
margin:.8rem 0 .2rem}}input{{width:100%;padding:.4rem}}button{{margin-top:1rem;padding:.5rem 1rem}}
.err{{color:#b00020}}</style></head><body>
<h2>AX-Assist 운영자 로그인</h2>{message}
<form method="post" action="{action}">
<label for="username">아이디</label><input id="username" name="username" autocomplete="username">
<label for="password">비밀번호</label>
<input id="password" name="password" type="password" autocomplete="current-password">
<button type="submit" id="login">로그인</button></form></body></html>"""


def login_page(message: str = "", status: int = 200, headers: dict | None = None) -> HTMLResponse:
    note = f'<p class="err" id="login-error">{html.escape(message)}</p>' if message else ""
    body = _PAGE.format(message=note, action=LOGIN)
    return HTMLResponse(body, status_code=status, headers=headers)


def add_login_routes(api: FastAPI, login: OperatorLogin) -> None:
    """GET/POST /admin/login and /admin/logout; registered before the page is mounted."""

    @api.get(LOGIN, include_in_schema=False)
    def form() -> HTMLResponse:
        return login_page()

    @api.post(LOGIN, include_in_schema=False)
    async def submit(request: Request) -> Response:
        client = client_of(request)
        wait = login.limiter.wait_s(client)
        if wait > 0:
            minutes = max(1, round(wait / 60))
            return login_page(f"로그인 시도가 너무 많습니다. {minutes}분 뒤에 다시 시도하세요.",
                              429, {"Retry-After": str(int(wait) + 1)})  # fmt: skip
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        user = (form.get("username") or [""])[0]
        password = (form.get("password") or [""])[0]
        if not login.check(user, password):
            login.limiter.failed(client)
            return login_page("아이디 또는 비밀번호가 맞지 않습니다.", 401)
        login.limiter.succeeded(client)
        response = RedirectResponse(ADMIN + "/", status_code=303)
        response.set_cookie(
            COOKIE, login.sessions.start(), max_age=int(login.lifetime_s), path=ADMIN,
            httponly=True, samesite="strict", secure=request.url.scheme == "https",
        )  # fmt: skip
        return response

    @api.get(LOGOUT, include_in_schema=False)
    def logout(request: Request) -> Response:
        login.sessions.end(request.cookies.get(COOKIE))
        response = RedirectResponse(LOGIN, status_code=303)
        response.delete_cookie(COOKIE, path=ADMIN)
        return response
