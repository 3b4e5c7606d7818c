"""Drive the real web app on loopback the way an outside client would: raw HTTP to Gradio's
queue, no Gradio client (which would refuse to send what an attacker sends)."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import uvicorn
from fastapi import FastAPI

from tests.conftest import free_port

if TYPE_CHECKING:
    from axa_settings import Settings
    from serving import ChatModel


@contextmanager
def serve(app: FastAPI, settings: Settings | None = None) -> Iterator[str]:
    """`app` under a real uvicorn on 127.0.0.1, configured as the console scripts configure
    it from `settings` (which forwarded headers it believes); yields its base URL."""
    from axa_settings import Settings
    from axa_wiring import uvicorn_options

    port = free_port()
    options = uvicorn_options(settings or Settings())
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            **options)  # type: ignore[arg-type]  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline, "web server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def toy_chat(settings: Settings, llm: ChatModel, corpus: Path | None = None) -> Iterator[str]:
    """The whole web app (chat, guard, queue) over the sample corpus (or `corpus`) with the
    toy embedder and the given model, on loopback; yields its base URL."""
    from axa_wiring import make_ingestor, open_store
    from rag import FeedbackStore
    from tests.conftest import SAMPLE_CORPUS
    from tests.fakes import ToyEmbedder
    from web.cli import make_server

    store = open_store(settings, embedder=ToyEmbedder())
    ingestor = make_ingestor(settings, store)
    assert ingestor.ingest([corpus or SAMPLE_CORPUS]).ok
    feedback = FeedbackStore(settings.feedback_path)
    try:
        with serve(make_server(settings, store, llm, feedback, ingestor), settings) as url:
            yield url
    finally:
        feedback.close()
        ingestor.manifest.close()
        store.close()


def dependencies(http: httpx.Client, prefix: str = "") -> list[dict]:
    config = http.get(f"{prefix}/config")
    config.raise_for_status()
    return config.json()["dependencies"]


def run_event(
    http: httpx.Client, fn_index: int, data: list, *, prefix: str = "", timeout_s: float = 60
) -> str:
    """Join the queue with `data` and read the event stream to its end; the raw text."""
    session = uuid.uuid4().hex[:10]
    joined = http.post(f"{prefix}/gradio_api/queue/join",
                       json={"data": data, "fn_index": fn_index, "session_hash": session,
                             "event_data": None, "trigger_id": None})  # fmt: skip
    if joined.status_code != 200:
        return f"HTTP {joined.status_code} {joined.text}"
    out: list[str] = []
    with http.stream("GET", f"{prefix}/gradio_api/queue/data",
                     params={"session_hash": session}, timeout=timeout_s) as stream:  # fmt: skip
        for line in stream.iter_lines():
            out.append(line)
            if line.startswith("data:"):
                msg = json.loads(line[5:])
                if msg.get("msg") in ("process_completed", "close_stream", "unexpected_error"):
                    break
    return "\n".join(out)


def files_returned(out: str) -> list[str]:
    """Every file reference (`path` or `url` of a file object) in an event stream's outputs."""
    found: list[str] = []

    def walk(x: object) -> None:
        if isinstance(x, dict):
            for key in ("path", "url"):
                if isinstance(x.get(key), str):
                    found.append(x[key])
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    for line in out.splitlines():
        if line.startswith("data:"):
            walk(json.loads(line[5:]).get("output"))
    return found


def file_data(path: str) -> dict:
    return {"path": path, "orig_name": "x.txt", "meta": {"_type": "gradio.FileData"}}


def hostile_inputs(path: str) -> list[object]:
    """Every shape in which a client can name a server file to a Gradio event."""
    item = file_data(path)
    chat_file = {"role": "user", "content": [{"type": "file", "file": item}]}
    return [item, [item], [chat_file], {"file": item}, path]
