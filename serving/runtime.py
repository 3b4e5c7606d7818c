"""Resolve, from Settings, which OpenAI-compatible endpoint answers, starting one if needed."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

from axa_settings import Settings

from .client import ChatModel, Message, OpenAIChatModel, Schema, is_healthy
from .errors import LLMUnavailableError
from .llamacpp import EmbeddedLlamaServer
from .models import BUNDLED_MODELS
from .provision import is_provisioned

log = logging.getLogger(__name__)


def local_model_path(settings: Settings) -> Path:
    """The GGUF the embedded runtime serves: an explicit path, or a provisioned bundled model."""
    if settings.llm_model_path is not None:
        return settings.llm_model_path
    model = BUNDLED_MODELS.get(settings.llm_model)
    if model is None:
        raise LLMUnavailableError(
            f"unknown model id {settings.llm_model!r}; known: {', '.join(BUNDLED_MODELS)}; "
            "or set AXA_LLM_MODEL_PATH to a GGUF file, or AXA_LLM_BASE_URL to a server"
        )
    if not is_provisioned(model, settings.models_dir):
        raise LLMUnavailableError(
            f"model {model.id} is not provisioned in {settings.models_dir}; "
            f"run `axa-serve fetch-model {model.id}`"
        )
    return settings.models_dir / model.filename


def embedded_server(settings: Settings) -> EmbeddedLlamaServer:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return EmbeddedLlamaServer(
        local_model_path(settings),
        alias=settings.llm_model,
        host=settings.llm_host,
        port=settings.llm_port,
        threads=settings.llm_threads,
        ctx=settings.llm_ctx,
        log_path=settings.data_dir / "llm-server.log",
    )


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


@contextlib.contextmanager
def chat_model(settings: Settings) -> Iterator[ChatModel]:
    """Yield a client for the configured server; start the embedded one for the block if none.

    Reuses an embedded server already running on the configured port (e.g. `axa-serve start`
    in another terminal) instead of loading the model a second time.
    """
    base_url = settings.llm_base_url
    server: EmbeddedLlamaServer | None = None
    owner: ServerLock | None = None
    if base_url is None:
        local = f"http://{settings.llm_host}:{settings.llm_port}/v1"
        owner = ServerLock.take(server_lock_path(settings))
        if is_healthy(local):
            base_url = local
        elif owner is None:
            # another process (axa-serve start, axa-chat) is loading the model: wait for it
            # rather than load it twice and lose the port to it
            base_url = wait_healthy(local, settings.llm_start_timeout_s)
        else:
            server = embedded_server(settings)
            base_url = server.start(timeout_s=settings.llm_start_timeout_s)
        if server is None and owner is not None:
            owner.release()
            owner = None
    fmt = settings.llm_json_format
    if fmt == "auto" and settings.llm_base_url is None:
        fmt = "llama-cpp"  # our embedded server is llama-cpp-python's
    client = OpenAIChatModel(
        base_url, settings.llm_model, api_key=settings.llm_api_key,
        timeout_s=settings.llm_timeout_s, json_format=fmt,
    )  # fmt: skip
    try:
        if server is None:
            yield client
        else:
            yield RestartingChatModel(client, server, start_timeout_s=settings.llm_start_timeout_s)
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


def server_lock_path(settings: Settings) -> Path:
    return settings.data_dir / f"llm-server-{settings.llm_port}.lock"


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
