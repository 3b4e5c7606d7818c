"""Model generations per client per minute (events that cost model time only: page loads,
votes and source clicks are free): one client (a script, a stuck retry loop) must not fill the
queue that twenty people share. Keyed by the client address uvicorn reports, which is a
forwarded address only from AXA_TRUSTED_PROXIES (`axa_wiring.uvicorn_options`)."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

RATE_LIMITED = "질문을 너무 자주 보냈습니다. 1분쯤 뒤에 다시 보내 주세요."
TOO_MANY_QUEUED = "앞서 보낸 요청을 아직 처리하고 있습니다. 답변이 끝난 뒤 다시 보내 주세요."
_MAX_CLIENTS = 10_000  # past this many addresses, the idle ones are forgotten


class RateLimit:
    """At most `per_minute` generations per client in any 60 s; 0 turns it off."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str, cost: int = 1) -> bool:
        """`cost`: generations the event may start (a study quiz writes five questions); an
        event dearer than the whole budget still runs when the client has spent nothing."""
        if self.per_minute <= 0:
            return True
        now = self.clock()
        with self._lock:
            times = self._seen.setdefault(client, deque())
            while times and now - times[0] >= 60.0:
                times.popleft()
            if times and len(times) + cost > self.per_minute:
                return False
            times.extend([now] * cost)
            if len(self._seen) > _MAX_CLIENTS:
                self._forget_idle(now)
            return True

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, t in self._seen.items() if not t or now - t[-1] >= 60.0]:
            del self._seen[key]
