"""Which OpenAI-compatible endpoint answers, starting the embedded one if needed; restarting
it when it dies. The endpoint comes from `axa_wiring`, which reads Settings."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .client import ChatModel, JsonFormat, Message, OpenAIChatModel, Schema, is_healthy
from .errors import LLMUnavailableError
from .llamacpp import EmbeddedLlamaServer

log = logging.getLogger(__name__)


class Restartable(Protocol):
    def running(self) -> bool: ...
    def start(self, timeout_s: float = ...) -> str: ...


class RestartingChatModel:
    """The embedded server's client. When a request finds the server process dead (crashed,
    killed for memory), it restarts it and retries the request once — at most `max_restarts`
    times in `window_s`, so a model that crashes on load does not loop. A server that is alive
    but slow is not restarted, and an answer already streaming is never replayed."""

    def __init__(
        self,
        client: ChatModel,
        server: Restartable,
        *,
        start_timeout_s: float = 180.0,
        max_restarts: int = 3,
        window_s: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.server = server
        self.start_timeout_s = start_timeout_s
        self.max_restarts = max_restarts
        self.window_s = window_s
        self.clock = clock
        self.restarts: list[float] = []
        self._lock = threading.Lock()

    def stream(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int,
        temperature: float,
        json_schema: Schema | None = None,
    ) -> Iterator[str]:
        started = False
        try:
            for delta in self.client.stream(messages, max_tokens=max_tokens,
                                            temperature=temperature,
                                            json_schema=json_schema):  # fmt: skip
                started = True
                yield delta
        except LLMUnavailableError:
            if started or not self._restart():
                raise
            yield from self.client.stream(messages, max_tokens=max_tokens,
                                          temperature=temperature,
                                          json_schema=json_schema)  # fmt: skip

    def _restart(self) -> bool:
        """True when the server is up again (restarted here or by a concurrent request)."""
        with self._lock:
            if self.server.running():
                return is_healthy_or_false(self.client)
            now = self.clock()
            self.restarts = [t for t in self.restarts if now - t < self.window_s]
            if len(self.restarts) >= self.max_restarts:
                log.error("embedded LLM server died %d times in %.0fs; not restarting again",
                          len(self.restarts), self.window_s)  # fmt: skip
                return False
            self.restarts.append(now)
            log.warning("embedded LLM server is not running; restarting it")
            self.server.start(timeout_s=self.start_timeout_s)
            return True


def is_healthy_or_false(client: ChatModel) -> bool:
    """A live server that refused a connection may just have been restarted by another
    request: retry only when it answers now."""
    base_url = getattr(client, "base_url", None)
    return bool(base_url) and is_healthy(str(base_url))


@dataclass(frozen=True)
class Endpoint:
    """Which OpenAI-compatible server answers: `base_url`, or (None) the embedded one on
    host:port, which `lock_path` guards so that two processes never load the model twice."""

    model: str
    base_url: str | None
    host: str
    port: int
    lock_path: Path
    api_key: str = "not-needed"
    json_format: JsonFormat = "auto"
    timeout_s: float = 120.0
    start_timeout_s: float = 180.0

    @property
    def local_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"


def client_for(endpoint: Endpoint, base_url: str) -> OpenAIChatModel:
    """The client for the endpoint's server once it answers at `base_url`."""
    fmt = endpoint.json_format
    if fmt == "auto" and endpoint.base_url is None:
        fmt = "llama-cpp"  # our embedded server is llama-cpp-python's
    return OpenAIChatModel(base_url, endpoint.model, api_key=endpoint.api_key,
                           timeout_s=endpoint.timeout_s, json_format=fmt)  # fmt: skip


def running(endpoint: Endpoint) -> ChatModel | None:
    """A client for the endpoint's server if it already answers; None, starting nothing."""
    base_url = endpoint.base_url or endpoint.local_url
    return client_for(endpoint, base_url) if is_healthy(base_url) else None


@contextlib.contextmanager
def connect(
    endpoint: Endpoint, start_server: Callable[[], EmbeddedLlamaServer]
) -> Iterator[ChatModel]:
    """Yield a client for the endpoint's server; start the embedded one (`start_server` makes
    it) for the block if none answers.

    Reuses an embedded server already running on the port (e.g. `axa-serve start` in another
    terminal) instead of loading the model a second time.
    """
    base_url = endpoint.base_url
    server: EmbeddedLlamaServer | None = None
    owner: ServerLock | None = None
    if base_url is None:
        local = endpoint.local_url
        owner = ServerLock.take(endpoint.lock_path)
        if is_healthy(local):
            base_url = local
        elif owner is None:
            # another process (axa-serve start, axa-chat) is loading the model: wait for it
            # rather than load it twice and lose the port to it
            base_url = wait_healthy(local, endpoint.start_timeout_s)
        else:
            server = start_server()
            base_url = server.start(timeout_s=endpoint.start_timeout_s)
        if server is None and owner is not None:
            owner.release()
            owner = None
    client = client_for(endpoint, base_url)
    try:
        if server is None:
            yield client
        else:
            yield RestartingChatModel(client, server, start_timeout_s=endpoint.start_timeout_s)
    finally:
        if server is not None:
            server.stop()
        if owner is not None:
            owner.release()


class ServerLock:
    """Who runs the embedded server on a port: an exclusive lock file held for the server's
    life (the OS drops it when the process dies, even by kill -9)."""

    def __init__(self, fd: int) -> None:
        self._fd: int | None = fd

    @classmethod
    def take(cls, path: Path) -> ServerLock | None:
        """The lock, or None when another process holds it."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return None
        return cls(fd)

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the flock
            self._fd = None


def wait_healthy(base_url: str, timeout_s: float, poll_s: float = 0.5) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if is_healthy(base_url, timeout_s=2.0):
            return base_url
        time.sleep(poll_s)
    raise LLMUnavailableError(
        f"another process is starting the LLM server at {base_url}, and it was not ready "
        f"after {timeout_s:.0f}s"
    )
