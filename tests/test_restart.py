"""The embedded LLM server comes back after a crash: bounded restarts, no replayed answers."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator, Sequence

import pytest

from axa_settings import Settings
from serving import EmbeddedLlamaServer, LLMUnavailableError, OpenAIChatModel, RestartingChatModel
from tests.conftest import free_port

MSG = [{"role": "user", "content": "안녕"}]


class FakeServer:
    def __init__(self, alive: bool) -> None:
        self.alive = alive
        self.starts = 0

    def running(self) -> bool:
        return self.alive

    def start(self, timeout_s: float = 0.0) -> str:
        self.starts += 1
        self.alive = True
        return "http://fake/v1"


class DownUntilStarted:
    """Unreachable while the fake server is dead; 'ok' once it runs. Can die mid-answer."""

    def __init__(self, server: FakeServer, die_after: int | None = None) -> None:
        self.server = server
        self.die_after = die_after
        self.calls = 0

    def stream(self, messages: Sequence[dict[str, str]], *, max_tokens: int,
               temperature: float, json_schema: object = None) -> Iterator[str]:  # fmt: skip
        self.calls += 1
        if not self.server.alive:
            raise LLMUnavailableError("connection refused")
        for i, piece in enumerate(["o", "k"]):
            if self.die_after is not None and i == self.die_after:
                self.server.alive = False
                raise LLMUnavailableError("connection reset")
            yield piece


def ask(llm: RestartingChatModel) -> str:
    return "".join(llm.stream(MSG, max_tokens=8, temperature=0.0))


def test_dead_server_is_restarted_and_the_request_retried_once() -> None:
    server = FakeServer(alive=False)
    client = DownUntilStarted(server)
    assert ask(RestartingChatModel(client, server)) == "ok"
    assert server.starts == 1 and client.calls == 2


def test_live_but_unreachable_server_is_not_restarted() -> None:
    server = FakeServer(alive=True)
    with pytest.raises(LLMUnavailableError):
        ask(RestartingChatModel(_AlwaysDown(), server))
    assert server.starts == 0


class _AlwaysDown:
    def stream(self, messages: Sequence[dict[str, str]], *, max_tokens: int,
               temperature: float, json_schema: object = None) -> Iterator[str]:  # fmt: skip
        raise LLMUnavailableError("timeout")
        yield ""  # pragma: no cover


def test_an_answer_cut_mid_stream_is_not_replayed() -> None:
    server = FakeServer(alive=True)
    llm = RestartingChatModel(DownUntilStarted(server, die_after=1), server)
    seen: list[str] = []
    with pytest.raises(LLMUnavailableError):
        for piece in llm.stream(MSG, max_tokens=8, temperature=0.0):
            seen.append(piece)
    assert seen == ["o"] and server.starts == 0  # the next request restarts it


def test_restarts_are_bounded_per_window() -> None:
    now = [0.0]
    server = FakeServer(alive=False)
    client = DownUntilStarted(server)
    llm = RestartingChatModel(client, server, max_restarts=2, window_s=600, clock=lambda: now[0])
    for t in (0.0, 10.0):
        now[0] = t
        server.alive = False
        assert ask(llm) == "ok"
    now[0] = 20.0
    server.alive = False
    with pytest.raises(LLMUnavailableError):
        ask(llm)
    assert server.starts == 2
    now[0] = 700.0  # the first two restarts are out of the window
    assert ask(llm) == "ok" and server.starts == 3


@pytest.mark.llm
def test_real_server_killed_then_next_question_is_answered(llm_settings: Settings) -> None:
    assert llm_settings.llm_model_path is not None
    server = EmbeddedLlamaServer(llm_settings.llm_model_path, alias=llm_settings.llm_model,
                                 port=free_port(), threads=llm_settings.llm_threads, ctx=1024)  # fmt: skip
    server.start(timeout_s=180)
    try:
        llm = RestartingChatModel(OpenAIChatModel(server.base_url, llm_settings.llm_model,
                                                  max_retries=0), server)  # fmt: skip
        assert ask(llm)
        assert server._proc is not None
        os.kill(server._proc.pid, signal.SIGKILL)
        server._proc.wait(timeout=10)
        assert not server.running()
        assert ask(llm)  # restarted, answered
        assert server.running() and len(llm.restarts) == 1
    finally:
        server.stop()
