"""kill -9 of the chat server, as a power cut or the OOM killer does it: once in the middle of an
operator-page ingest, once in the middle of an answer. The real `axa-chat` process, the real
embedder and index, the real small LLM. After each restart nothing indexed is lost, the page
says what to do, and doing it converges."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from axa_settings import Settings
from serving import OpenAIChatModel
from tests.conftest import SAMPLE_CORPUS, free_port
from tests.web_probe import dependencies, file_data, run_event

PASSWORD = "kill-test-password-1"
BIN = Path(sys.executable).parent
# Paragraphs that make each upload a few seconds of embedding, so the kill lands mid-ingest.
PARAGRAPH = ("제{n}차 지역 AI 실증 과제는 참여 기업이 데이터를 반입해 모델을 학습하고, 결과를 "
             "지역 혁신센터에 보고하는 방식으로 진행한다. 과제별 지원 한도와 일정은 공고문을 "
             "따른다. ")  # fmt: skip


def _env(data: Path, llm: OpenAIChatModel, llm_settings: Settings, port: int) -> dict[str, str]:
    return {**os.environ, "AXA_DATA_DIR": str(data), "AXA_LLM_BASE_URL": llm.base_url,
            "AXA_LLM_MODEL": llm_settings.llm_model, "AXA_UI_PORT": str(port),
            "AXA_ADMIN_PASSWORD": PASSWORD, "AXA_OCR": "false"}  # fmt: skip


@contextmanager
def _chat(env: dict[str, str]) -> Iterator[tuple[subprocess.Popen[bytes], httpx.Client]]:
    """`axa-chat` as a service manager runs it; yields once it serves."""
    proc = subprocess.Popen([str(BIN / "axa-chat")], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)  # fmt: skip
    http = httpx.Client(base_url=f"http://127.0.0.1:{env['AXA_UI_PORT']}", timeout=300)
    try:
        deadline = time.monotonic() + 300
        while True:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "axa-chat did not come up"
            try:
                if http.get("/config").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        yield proc, http
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(60)


def _indexed(data: Path) -> set[str]:
    with sqlite3.connect(f"file:{data / 'manifest.sqlite'}?mode=ro", uri=True) as db:
        return {r[0] for r in db.execute("SELECT file FROM documents WHERE status = 'indexed'")}


def _operator(http: httpx.Client) -> None:
    r = http.post("/admin/login", data={"username": "operator", "password": PASSWORD})
    assert r.status_code == 303, r.text


def _join(http: httpx.Client, fn: int, data: list, prefix: str = "") -> str:
    session = uuid.uuid4().hex[:10]
    joined = http.post(f"{prefix}/gradio_api/queue/join",
                       json={"data": data, "fn_index": fn, "session_hash": session,
                             "event_data": None, "trigger_id": None})  # fmt: skip
    assert joined.status_code == 200, joined.text
    return session


def _kill_when(proc: subprocess.Popen[bytes], ready: Callable[[], bool], limit_s: float) -> None:
    deadline = time.monotonic() + limit_s
    while not ready():
        assert proc.poll() is None and time.monotonic() < deadline, "never reached the point"
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)


@pytest.mark.llm
def test_kill_9_mid_upload_and_mid_answer_loses_nothing(
    llm: OpenAIChatModel, llm_settings: Settings, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    env = _env(data, llm, llm_settings, free_port())
    first = subprocess.run([str(BIN / "axa-ingest"), str(SAMPLE_CORPUS)], env=env,
                           capture_output=True, text=True, timeout=600)  # fmt: skip
    assert first.returncode == 0, first.stderr
    before = _indexed(data)
    names = [f"실증과제_{i}.md" for i in range(6)]
    for i, name in enumerate(names):
        body = "".join(PARAGRAPH.format(n=i * 100 + k) for k in range(60))
        (tmp_path / name).write_text(f"# 실증 과제 안내 {i}\n\n{body}\n", encoding="utf-8")

    # 1. kill -9 while the operator page indexes six uploads
    with _chat(env) as (proc, http):
        _operator(http)
        files = [("files", (n, (tmp_path / n).read_bytes(), "text/markdown")) for n in names]
        got = http.post("/admin/gradio_api/upload", files=files)
        assert got.status_code == 200, got.text
        deps = dependencies(http, "/admin")
        upload = next(i for i, d in enumerate(deps) if len(d["inputs"]) == 1 and d["outputs"]
                      and len(d["outputs"]) == 4)  # fmt: skip
        _join(http, upload, [[file_data(p) for p in got.json()]], prefix="/admin")
        _kill_when(proc, lambda: 0 < len(_indexed(data) - before) < len(names), 300)
    cut = _indexed(data)
    assert before <= cut and cut != before and not set(names) <= cut  # stopped midway

    # 2. restart: every indexed document is still there, the page says what to do, and it works
    with _chat(env) as (proc, http):
        _operator(http)
        deps = dependencies(http, "/admin")
        said = "\n".join(run_event(http, i, [], prefix="/admin") for i, d in enumerate(deps)
                         if not d["inputs"] and len(d["outputs"] or []) == 1)  # fmt: skip
        assert "색인되지 않은 업로드 파일" in said and "전체 다시 색인" in said, said[-2000:]
        refresh = next(i for i, d in enumerate(deps) if not d["inputs"] and
                       len(d["outputs"] or []) == 4)  # fmt: skip
        out = run_event(http, refresh, [], prefix="/admin", timeout_s=600)
        assert "다시 색인했습니다" in out, out[-2000:]
        assert _indexed(data) == before | set(names)
        checked = subprocess.run([str(BIN / "axa-data"), "check", "--json"], env=env,
                                 capture_output=True, text=True, timeout=600)  # fmt: skip
        assert checked.returncode == 0, checked.stdout + checked.stderr  # via the running server
        assert json.loads(checked.stdout)["ok"] is True

        # 3. kill -9 while an answer streams
        chat = dependencies(http)
        ask = next(i for i, d in enumerate(chat) if d.get("api_name") == "ask")
        q = "대구시 AI 대전환 사업의 총 예산은?"
        session = _join(http, ask, [q, None, None, [], [], [], "", "", False])
        streaming = threading.Event()

        def listen() -> None:
            try:
                with http.stream("GET", "/gradio_api/queue/data",
                                 params={"session_hash": session}) as stream:  # fmt: skip
                    for line in stream.iter_lines():
                        if "process_generating" in line:
                            streaming.set()
            except httpx.HTTPError:
                pass  # the server died under the stream

        threading.Thread(target=listen, daemon=True).start()
        _kill_when(proc, streaming.is_set, 300)

    # 4. restart: the same question is answered, and the data folder is whole
    with _chat(env) as (proc, http):
        chat = dependencies(http)
        ask = next(i for i, d in enumerate(chat) if d.get("api_name") == "ask")
        out = run_event(http, ask, [q, None, None, [], [], [], "", "", False], timeout_s=300)
        assert "process_completed" in out and "236억" in out, out[-2000:]
        assert _indexed(data) == before | set(names)
    checked = subprocess.run([str(BIN / "axa-data"), "check"], env=env, capture_output=True,
                             text=True, timeout=600)  # fmt: skip
    assert checked.returncode == 0, checked.stderr
