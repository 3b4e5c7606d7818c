"""Every public surface probed as an outsider would (issue: security first). One test per row of
the probe table, plus what already held. The web app is the real one (FastAPI, both Gradio apps,
the guard, the embedded index) on 127.0.0.1; the LLM and embedder are the deterministic fakes,
since what is probed here is the server, not the answer."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import openai
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from axa_settings import Settings
from axa_wiring import make_ingestor, open_store
from rag import Answer, AnswerSettings, Assistant, FeedbackStore, Source
from rag.api import CompletionService, build_api
from search import Retriever, doc_key
from tests.conftest import ROOT, SAMPLE_CORPUS
from tests.fakes import ScriptedLLM, ToyEmbedder
from tests.web_probe import (
    dependencies,
    file_data,
    files_returned,
    hostile_inputs,
    run_event,
    serve,
    toy_chat,
)
from ui import format_sources
from ui.escape import md_answer, md_text
from ui.uploads import Stored, settle_uploads, shown_name, store_uploads
from web.cli import make_server
from web.operator_login import COOKIE, LoginLimiter, OperatorLogin, OperatorSessions
from web.server import build_server

PASSWORD = "s3cret-operator"
SECRET = "CANARY-7f3a9c-do-not-leak"
Q = "대구시 AI 대전환 사업의 총 예산은?"

GENERATE = AnswerSettings(mode="generate")  # the model writes; the guards check


class SlowLLM:
    """Yields `n` pieces `delay_s` apart and counts how many it was asked for: a reader who
    stops early must stop it early."""

    def __init__(self, n: int = 400, delay_s: float = 0.02) -> None:
        self.n, self.delay_s = n, delay_s
        self.pulled = 0
        self.closed = threading.Event()
        self.requests: list[list[dict[str, str]]] = []

    def stream(self, messages: Sequence[dict[str, str]], *, max_tokens: int,
               temperature: float, json_schema: object = None) -> Iterator[str]:  # fmt: skip
        self.requests.append(list(messages))
        try:
            for _ in range(self.n):
                time.sleep(self.delay_s)
                self.pulled += 1
                yield "가"
            yield " [1]"
        finally:
            self.closed.set()


@dataclass
class Web:
    url: str
    settings: Settings
    llm: SlowLLM


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    data = tmp_path_factory.mktemp("web-data")
    settings = Settings(data_dir=data, admin_password=SecretStr(PASSWORD), login_max_failures=3,
                        login_lockout_s=60, max_question_chars=500, max_request_kb=64)  # fmt: skip
    corpus = tmp_path_factory.mktemp("web-corpus")
    for p in SAMPLE_CORPUS.iterdir():
        (corpus / p.name).write_bytes(p.read_bytes())
    (corpus / "beacon.md").write_text(
        "# <img src=http://127.0.0.1:9/beacon.png> <a href=https://phish.example/>공고</a>\n\n"
        "비콘 시험 문서입니다. 이 문서는 고양이 사료 가격을 다룹니다.\n", encoding="utf-8")  # fmt: skip
    store = open_store(settings, embedder=ToyEmbedder())
    ingestor = make_ingestor(settings, store)
    assert ingestor.ingest([corpus]).ok
    feedback = FeedbackStore(settings.feedback_path)
    llm = SlowLLM(n=5, delay_s=0.0)
    with serve(make_server(settings, store, llm, feedback, ingestor)) as url:
        yield Web(url, settings, llm)
    feedback.close()
    ingestor.manifest.close()
    store.close()


@pytest.fixture()
def canary(tmp_path: Path) -> Path:
    """A file only the server's user may read; it must never come back to a client."""
    path = tmp_path / "canary.md"
    path.write_text(f"# 비밀\n{SECRET}\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def operator(web: Web) -> httpx.Client:
    http = httpx.Client(base_url=web.url, timeout=60)
    r = http.post("/admin/login", data={"username": "operator", "password": PASSWORD})
    assert r.status_code == 303, r.text
    return http


# --- row 1: the chat reads no server file, whatever the client sends --------------------------


def test_no_chat_event_reads_a_server_file_named_by_the_client(web: Web, canary: Path) -> None:
    http = httpx.Client(base_url=web.url, timeout=60)
    deps = dependencies(http)
    assert deps, "the public app lists its events"
    seen = []
    for i, dep in enumerate(deps):
        for shape in hostile_inputs(str(canary)):
            out = run_event(http, i, [shape] * len(dep["inputs"]))
            seen.append(out)
            assert SECRET not in out and "/file=" not in out, (i, shape, out[:300])
            assert files_returned(out) == [], (i, shape)
    # the exploit as reported: a file item in the chat history of the answer event
    ask = next(i for i, d in enumerate(deps) if d.get("api_name") == "ask")
    history = [{"role": "user", "content": [{"type": "file", "file": file_data(str(canary))}]}]
    out = run_event(http, ask, [Q, history] + [[]] * (len(deps[ask]["inputs"]) - 2))
    assert SECRET not in out and "/file=" not in out and files_returned(out) == []
    for route in (f"/gradio_api/file={canary}", f"/file={canary}", f"/gradio_api/file/{canary}",
                  f"/gradio_api/proxy=file://{canary}"):  # fmt: skip
        r = http.get(route)
        assert r.status_code == 404 and SECRET not in r.text, route
    temp = web.settings.web_temp_dir
    assert not any(SECRET in p.read_text(errors="ignore") for p in temp.rglob("*") if p.is_file())
    assert any("process_completed" in o for o in seen)  # the events did run


# --- row 2: the operator's upload takes only uploaded bytes -----------------------------------


def test_operator_upload_refuses_a_server_path_named_by_the_client(web: Web, canary: Path) -> None:
    http = operator(web)
    deps = dependencies(http, "/admin")
    upload = next(i for i, d in enumerate(deps) if len(d["inputs"]) == 1 and d["outputs"]
                  and len(d["outputs"]) == 4)  # fmt: skip
    readme = ROOT / "README.md"
    out = run_event(http, upload, [[file_data(str(canary)), file_data(str(readme))]],
                    prefix="/admin")  # fmt: skip
    assert SECRET not in out
    uploads = web.settings.upload_dir
    assert not uploads.exists() or not any(uploads.iterdir())
    rows = {r.file for r in _manifest_rows(web)}
    assert "canary.md" not in rows and "README.md" not in rows
    r = http.get(f"/doc/{doc_key(str(canary.resolve()))}")
    assert r.status_code == 404


def _manifest_rows(web: Web) -> list:
    from ingest.manifest import Manifest

    m = Manifest(web.settings.manifest_path)
    try:
        return m.all()
    finally:
        m.close()


# --- row 3: caps on what a client sends, and work that stops when it leaves ------------------


def test_a_huge_question_is_refused_at_once_in_the_chat(web: Web) -> None:
    http = httpx.Client(base_url=web.url, timeout=60)
    deps = dependencies(http)
    ask = next(i for i, d in enumerate(deps) if d.get("api_name") == "ask")
    asked = len(web.llm.requests)
    huge = "가" * 10_000  # 30 KB of UTF-8: under the body cap, over the question cap
    out = run_event(http, ask, [huge, None, None, [], [], [], "", "", False])
    # refused before the model: it never got the question
    assert "질문이 너무 깁니다" in out and len(web.llm.requests) == asked
    too_big = http.post("/gradio_api/queue/join", content=b"x" * (65 * 1024),
                        headers={"content-type": "application/json"})  # fmt: skip
    assert too_big.status_code == 413 and "너무 큽니다" in too_big.json()["error"]["message"]


def test_the_chat_stops_generating_when_the_browser_leaves(web: Web) -> None:
    http = httpx.Client(base_url=web.url, timeout=60)
    deps = dependencies(http)
    ask = next(i for i, d in enumerate(deps) if d.get("api_name") == "ask")
    web.llm.n, web.llm.delay_s, web.llm.pulled = 2000, 0.01, 0  # 20 s if nobody stops it
    web.llm.closed.clear()
    try:
        session = "leaving1"
        http.post("/gradio_api/queue/join", json={
            "data": [Q, None, None, [], [], [], "", "", False], "fn_index": ask, "session_hash": session})  # fmt: skip
        with http.stream("GET", "/gradio_api/queue/data", params={"session_hash": session}) as s:
            for n, _ in enumerate(s.iter_lines()):
                if n > 12 and web.llm.pulled:
                    break
        assert web.llm.closed.wait(15), "the answer went on after the browser left"
        assert web.llm.pulled < 1500
    finally:
        web.llm.n, web.llm.delay_s = 5, 0.0


def test_api_caps_body_and_question_and_stops_when_the_client_leaves(sample_retriever: Retriever
                                                                    ) -> None:  # fmt: skip
    llm = SlowLLM(n=400, delay_s=0.02)
    assistant = Assistant(sample_retriever, llm, AnswerSettings(top_k=3, mode="generate"))
    app = build_api(CompletionService(assistant, max_question_chars=500), max_body_kb=64)
    with serve(app) as url:
        http = httpx.Client(base_url=url, timeout=30)
        body = {"messages": [{"role": "user", "content": "가" * 700_000}]}
        r = http.post("/v1/chat/completions", json=body)
        assert r.status_code == 413 and r.json()["error"]["code"] == "request_too_large"
        r = http.post("/v1/chat/completions", json={"messages": [{"role": "user",
                                                                   "content": "가" * 501}]})  # fmt: skip
        assert r.status_code == 400 and "질문이 너무 깁니다" in r.json()["error"]["message"]
        assert llm.requests == []
        # streamed: the client reads two events and leaves
        with http.stream("POST", "/v1/chat/completions",
                         json={"stream": True, "messages": [{"role": "user", "content": Q}]}) as s:  # fmt: skip
            for n, _ in enumerate(s.iter_lines()):
                if n > 4:
                    break
        assert llm.closed.wait(5), "generation went on after the client left"
        assert llm.pulled < 100
        # not streamed: the client gives up waiting
        llm.closed.clear()
        with pytest.raises(httpx.ReadTimeout):
            http.post("/v1/chat/completions", timeout=1.0,
                      json={"messages": [{"role": "user", "content": Q}]})  # fmt: skip
        before = llm.pulled
        assert llm.closed.wait(5), "generation went on after the client left"
        assert llm.pulled - before < 150
        # the lock is free again: the next caller is answered
        llm.n = 3
        ok = http.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": Q}]})
        assert ok.status_code == 200


# --- row 4: the public app takes no uploads ---------------------------------------------------


def test_the_public_chat_takes_no_uploads(web: Web) -> None:
    http = httpx.Client(base_url=web.url, timeout=30)
    files = [("files", (f"f{i}.txt", b"junk", "text/plain")) for i in range(20)]
    r = http.post("/gradio_api/upload", files=files)
    assert r.status_code == 404
    temp = web.settings.web_temp_dir
    assert not any(p.name.startswith("f") and p.suffix == ".txt" for p in temp.rglob("*"))
    for route in ("/gradio_api/upload_progress", "/gradio_api/process_recording",
                  "/gradio_api/vibe-edit", "/gradio_api/run-history/records", "/monitoring",
                  "/gradio_api/call/ask", "/gradio_api/run/ask", "/login", "/gradio_api/mcp/sse"):  # fmt: skip
        assert http.get(route).status_code == 404, route
        assert http.post(route, json={}).status_code == 404, route


# --- row 5: document text is inert in the chat ------------------------------------------------


def test_document_text_cannot_add_html_or_links_to_the_chat(web: Web) -> None:
    heading = "<img src=http://127.0.0.1:9/beacon.png> <a href=https://phish.example/>공고</a>"
    src = Source(ref=1, file=f"{heading}.md", page=1, score=1.0, text=f"![x](http://b/x.png) {heading}",
                 unit="section", section="[링크](https://phish.example)")  # fmt: skip
    refused = Answer("q", "문서에서 찾을 수 없습니다.", True, [], related=[src])
    cited = Answer("q", "답 [1]", False, [src])
    for md in (format_sources(refused), format_sources(cited)):
        assert "<img" not in md and "<a " not in md
        assert re.search(r"(?<!\\)\]\(", md) is None  # no [text](url) left unescaped
        assert "http://" not in md and "https://" not in md  # no autolink either
    answer = md_answer("<img src=x onerror=alert(1)> ![b](http://x/b.png) [p](https://x) 3 < 5")
    assert "<img" not in answer and "3 &lt; 5" in answer
    assert re.search(r"(?<!\\)[\[\]]", answer) is None  # every bracket escaped: no link syntax
    assert md_text("a\u202eexe.pdf") == "aexe.pdf"
    # through the running app: a question that finds the beacon document
    http = httpx.Client(base_url=web.url, timeout=60)
    deps = dependencies(http)
    ask = next(i for i, d in enumerate(deps) if d.get("api_name") == "ask")
    out = run_event(
        http, ask, ["고양이 사료 가격은 얼마인가요?", None, None, [], [], [], "", "", False]
    )
    assert "process_completed" in out and "beacon" in out
    rendered = rendered_markup(out)  # chat Markdown and viewer HTML (labels are plain text)
    assert any("beacon.md" in r for r in rendered)
    for r in rendered:
        assert "<img" not in r and "<a href=https" not in r
        if not r.startswith("<div"):  # Markdown would autolink a bare address; HTML does not
            assert "https://phish" not in r


def rendered_markup(out: str) -> list[str]:
    """Strings the page renders as Markdown or HTML: chat message texts, HTML blocks."""
    found: list[str] = []

    def walk(x: object) -> None:
        if isinstance(x, dict):
            if x.get("type") == "text" and isinstance(x.get("text"), str):
                found.append(x["text"])
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
        elif isinstance(x, str) and x.startswith("<div"):
            found.append(x)

    for line in out.splitlines():
        if line.startswith("data:"):
            walk(json.loads(line[5:]).get("output"))
    return found


# --- row 6: operator login ---------------------------------------------------------------------


def test_login_is_rate_limited_and_its_cookie_is_scoped_and_expires(web: Web) -> None:
    http = httpx.Client(base_url=web.url, timeout=30)
    page = http.get("/admin/", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/admin/login"
    ok = http.post("/admin/login", data={"username": "operator", "password": PASSWORD})
    cookie = ok.headers["set-cookie"]
    assert f"{COOKIE}=" in cookie and "Path=/admin" in cookie and "HttpOnly" in cookie
    assert "Max-Age=28800" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert http.get("/admin/config").status_code == 200
    out = http.get("/admin/logout", follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/admin/login"
    assert http.get("/admin/login").status_code == 200  # the page logout sends you to
    assert http.get("/admin/config").status_code == 401  # the session ended with logout
    # wrong passwords: three, then locked out even for the right one (its own server: a
    # lock-out here would lock every test client, all on 127.0.0.1)
    import gradio as gr

    with gr.Blocks() as chat, gr.Blocks() as admin:
        gr.Markdown("x")
    login = OperatorLogin("operator", PASSWORD, max_failures=3, lockout_s=60)
    other = TestClient(build_server(chat, list, admin=admin, login=login))
    for _ in range(3):
        r = other.post("/admin/login", data={"username": "operator", "password": "guess"})
        assert r.status_code == 401 and "맞지 않습니다" in r.text
    locked = other.post("/admin/login", data={"username": "operator", "password": PASSWORD})
    assert locked.status_code == 429 and "너무 많습니다" in locked.text
    assert int(locked.headers["retry-after"]) > 0


def test_limiter_and_sessions_follow_the_clock() -> None:
    now = [0.0]
    limiter = LoginLimiter(max_failures=2, window_s=100, clock=lambda: now[0])
    limiter.failed("a")
    assert limiter.wait_s("a") == 0
    limiter.failed("a")
    assert limiter.wait_s("a") == 100 and limiter.wait_s("b") == 0
    now[0] = 60
    assert limiter.wait_s("a") == 40
    now[0] = 101
    assert limiter.wait_s("a") == 0
    for i in range(20):  # one address each: past ten addresses' worth, those that failed wait
        limiter.failed(f"ip{i}")
    assert limiter.wait_s("ip3") > 0
    assert limiter.wait_s("fresh") == 0  # but one that never failed is never locked out
    sessions = OperatorSessions(lifetime_s=10, clock=lambda: now[0])
    token = sessions.start()
    assert sessions.valid(token) and not sessions.valid("forged") and not sessions.valid(None)
    now[0] += 11
    assert not sessions.valid(token)


# --- row 7: no cross-origin access --------------------------------------------------------------


def test_other_origins_get_no_cors_grant_and_cannot_post(web: Web) -> None:
    http = operator(web)
    evil = {"Origin": "http://127.0.0.1:1"}
    for route in ("/admin/gradio_api/info", "/admin/config", "/config", "/gradio_api/info"):
        r = http.get(route, headers=evil)
        assert "access-control-allow-origin" not in r.headers, route
        assert "access-control-allow-credentials" not in r.headers, route
    pre = http.options("/admin/gradio_api/queue/join",
                       headers={**evil, "Access-Control-Request-Method": "POST"})  # fmt: skip
    assert pre.status_code == 403 and "access-control-allow-origin" not in pre.headers
    assert http.post("/admin/gradio_api/queue/join", json={}, headers=evil).status_code == 403
    assert http.post("/admin/login", data={"username": "operator", "password": PASSWORD},
                     headers=evil).status_code == 403  # fmt: skip
    same = http.get("/config", headers={"Origin": web.url})
    assert same.status_code == 200


# --- row 8: no server paths or internals reach a client ---------------------------------------


def test_config_errors_and_api_citations_carry_no_server_paths(web: Web,
                                                              sample_retriever: Retriever) -> None:  # fmt: skip
    http = operator(web)
    data_dir = str(web.settings.data_dir.resolve())
    for route in ("/config", "/admin/config", "/gradio_api/info"):
        text = http.get(route).text
        assert data_dir not in text and "/tmp/" not in text and str(ROOT) not in text, route
    deps = dependencies(http)
    bad = [{"x": object.__name__}] * 3
    for i, dep in enumerate(deps):
        out = run_event(
            http, i, bad[: len(dep["inputs"])] + [None] * max(0, len(dep["inputs"]) - 3)
        )
        assert " object at 0x" not in out and "Traceback" not in out and data_dir not in out
    assistant = Assistant(sample_retriever, ScriptedLLM("총 예산은 236억 원입니다 [1]."), GENERATE)
    api = TestClient(build_api(CompletionService(assistant)))
    body = api.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": Q}]})
    citation = body.json()["citations"][0]
    assert len(citation["doc_id"]) == 20 and "/" not in citation["doc_id"]
    assert citation["file"] == "대구_AI대전환_사업_개요.pdf"


# --- rows 9 and 10: API errors, key, docs -------------------------------------------------------


def test_api_errors_are_openai_shaped_streamed_or_not(sample_retriever: Retriever) -> None:
    class Boom:
        def stream(self, messages: object, **kw: object) -> Iterator[str]:
            yield "부분 "
            raise RuntimeError("/srv/secret/path exploded")

    api = TestClient(build_api(CompletionService(Assistant(sample_retriever, Boom(), GENERATE))),
                     raise_server_exceptions=False)  # fmt: skip
    msgs = [{"role": "user", "content": Q}]
    for day in ("2025-13-45", "2025-02-30", "2025/3/4"):
        r = api.post("/v1/chat/completions", json={"messages": msgs, "filters": {"date_from": day}})
        assert r.status_code == 422 and r.headers["content-type"].startswith("application/json")
        err = r.json()["error"]
        assert err["type"] == "invalid_request_error" and err["param"] == "filters.date_from"
    r = api.post(
        "/v1/chat/completions", json={"messages": msgs, "filters": {"date_from": "2000-02-29"}}
    )
    assert r.status_code == 500  # a real leap day passes validation; then the model fails
    assert r.json()["error"]["type"] == "server_error" and "/srv" not in r.text
    stream = api.post("/v1/chat/completions", json={"stream": True, "messages": msgs})
    events = [line[6:] for line in stream.text.splitlines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]" and json.loads(events[-2])["error"]["type"] == "server_error"
    assert "/srv" not in stream.text
    for path, method in (("/nope", "get"), ("/v1/chat/completions", "get"), ("/docs", "get"),
                         ("/openapi.json", "get")):  # fmt: skip
        r = getattr(api, method)(path)
        assert r.status_code in (404, 405) and "error" in r.json(), path
    r = api.post(
        "/v1/chat/completions", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert r.status_code == 422 and "error" in r.json()


def test_api_key_is_required_when_set(sample_retriever: Retriever) -> None:
    assistant = Assistant(sample_retriever, ScriptedLLM("총 예산은 236억 원입니다 [1]."), GENERATE)
    http = TestClient(build_api(CompletionService(assistant), api_key="k-123"))
    r = http.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": Q}]})
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_api_key"
    assert http.get("/v1/models", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert http.get("/health").status_code == 200  # for load balancers
    oa = openai.OpenAI(base_url="http://testserver/v1", api_key="k-123", http_client=http)
    res = oa.chat.completions.create(model="ax-assist", messages=[{"role": "user", "content": Q}])
    content = res.choices[0].message.content
    assert content is not None and content.startswith("총 예산은")


def test_axa_api_refuses_to_listen_beyond_loopback_without_a_key(tmp_path: Path) -> None:
    env = {**os.environ, "AXA_DATA_DIR": str(tmp_path / "d")}
    env.pop("AXA_API_KEY", None)
    axa_api = str(Path(sys.executable).parent / "axa-api")
    run = subprocess.run([axa_api, "--host", "0.0.0.0"], env=env,
                         capture_output=True, text=True, timeout=120, cwd=ROOT)  # fmt: skip
    assert run.returncode == 2 and "AXA_API_KEY" in run.stdout + run.stderr


def test_pages_cannot_be_framed(web: Web) -> None:
    http = httpx.Client(base_url=web.url, timeout=30)
    for route in ("/", "/admin/login", "/config", "/healthz"):
        r = http.get(route)
        assert r.headers["x-frame-options"] == "DENY", route
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"], route
        assert r.headers["x-content-type-options"] == "nosniff"


def test_settings_bind_to_loopback_by_default() -> None:
    s = Settings()
    assert s.ui_host == "127.0.0.1" and s.api_host == "127.0.0.1" and s.llm_host == "127.0.0.1"


# --- row 11: the data folder is private -----------------------------------------------------------


def test_data_folder_and_its_files_are_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "uploads").mkdir(parents=True)
    (data / "uploads" / "a.pdf").write_bytes(b"%PDF")
    (data / "feedback.sqlite").write_bytes(b"")
    os.chmod(data / "uploads" / "a.pdf", 0o644)
    os.chmod(data, 0o755)
    code = (
        "import sys; from pathlib import Path; from axa_settings import make_data_dir_private\n"
        "d = Path(sys.argv[1]); make_data_dir_private(d)\n"
        "(d / 'new.sqlite').write_bytes(b''); (d / 'newdir').mkdir()\n"
    )  # a subprocess: the umask it sets is process-wide
    subprocess.run([sys.executable, "-c", code, str(data)], check=True, cwd=ROOT)
    mode = {p.name: stat.S_IMODE(p.stat().st_mode) for p in [data, *data.rglob("*")]}
    assert mode == {"data": 0o700, "uploads": 0o700, "a.pdf": 0o600, "feedback.sqlite": 0o600,
                    "new.sqlite": 0o600, "newdir": 0o700}  # fmt: skip


# --- row 12: the small ones ---------------------------------------------------------------------


def test_head_on_doc_and_upload_housekeeping(web: Web, tmp_path: Path) -> None:
    http = httpx.Client(base_url=web.url, timeout=30)
    pdf = next(r for r in _manifest_rows(web) if r.file.endswith(".pdf"))
    head = http.head(f"/doc/{doc_key(pdf.doc_id)}")
    assert head.status_code == 200 and head.headers["content-type"] == "application/pdf"
    assert shown_name("evil\u202etxt.exe") == "eviltxt.exe"
    assert shown_name("x" * 500).endswith("...") and len(shown_name("x" * 500)) == 120


def test_a_replaced_upload_is_kept_until_its_new_version_indexes(tmp_path: Path) -> None:
    received, up = tmp_path / "received", tmp_path / "uploads"
    received.mkdir()
    old = received / "a.md"
    old.write_text("# 옛 버전\n내용", encoding="utf-8")
    first = store_uploads([(old, "공고.md")], up, max_bytes=10_000, suffixes={".md"},
                          received_dir=received)  # fmt: skip
    assert [s.path.name for s in first.stored] == ["공고.md"] and first.replaced == []
    new = received / "b.md"
    new.write_text("# 새 버전\n내용", encoding="utf-8")
    twin = received / "c.md"
    twin.write_text("# 같은 이름\n", encoding="utf-8")
    second = store_uploads([(new, "공고.md"), (twin, "공고?.md".replace("?", "")),
                            (tmp_path / "elsewhere.md", "x.md")], up, max_bytes=10_000,
                           suffixes={".md"}, received_dir=received)  # fmt: skip
    assert second.replaced == ["공고.md"] and len(second.stored) == 1
    assert any("같은 이름" in r for r in second.rejected)
    assert any("올린 파일이 아닙니다" in r for r in second.rejected)  # not in received/

    class Ingestor:  # records what settle_uploads asks of it
        def __init__(self) -> None:
            self.removed: list[str] = []

        def remove(self, doc_id: str) -> bool:
            self.removed.append(doc_id)
            return True

    from ingest.pipeline import FileResult, Outcome

    failed = [FileResult(str(second.stored[0].path), "공고.md", Outcome.FAILED, reason="x")]
    settle_uploads(second.stored, failed, Ingestor())  # type: ignore[arg-type]
    assert (up / "공고.md").read_text(encoding="utf-8") == "# 옛 버전\n내용"  # the old one back
    lone = received / "d.md"
    lone.write_text("# 새 문서\n", encoding="utf-8")
    third = store_uploads([(lone, "새.md")], up, max_bytes=10_000, suffixes={".md"},
                          received_dir=received)  # fmt: skip
    ing = Ingestor()
    settle_uploads(third.stored, [FileResult(str(up / "새.md"), "새.md", Outcome.FAILED)], ing)  # type: ignore[arg-type]
    assert not (up / "새.md").exists() and ing.removed == [str((up / "새.md").resolve())]
    assert isinstance(third.stored[0], Stored)


# --- what held before, kept under test ------------------------------------------------------------


def test_doc_route_tricks_still_404(web: Web) -> None:
    http = httpx.Client(base_url=web.url, timeout=30)
    for key in ("../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%2e%2e/%2e%2e/etc/passwd",
                "abc%00def", "a" * 5000, doc_key("/etc/passwd")):  # fmt: skip
        r = http.get(f"/doc/{key}")
        assert r.status_code == 404 and "root:" not in r.text, key
    for route in ("/admin/config", "/admin/gradio_api/info", "/admin/gradio_api/upload"):
        assert http.get(route).status_code == 401, route
    for route in ("/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                  "/assets/..%2f..%2f..%2f..%2fetc%2fpasswd", "/static/..%2f..%2fpyproject.toml"):  # fmt: skip
        r = http.get(route)
        assert r.status_code >= 400 and "root:" not in r.text and "[project]" not in r.text, route


def test_a_full_queue_turns_new_questions_away_in_korean(tmp_path: Path) -> None:
    """Queue caps (issue: 20 users at once): past AXA_QUEUE_MAX waiting questions, a new one
    gets a Korean 'busy' message at once instead of waiting without end."""
    settings = Settings(data_dir=tmp_path / "data", queue_max=1, queued_per_client=10)
    llm = SlowLLM(n=60, delay_s=0.05)  # 3 s per answer: the first holds the one slot
    with toy_chat(settings, llm) as url:
        http = httpx.Client(base_url=url, timeout=60)
        ask = next(i for i, d in enumerate(dependencies(http)) if d.get("api_name") == "ask")

        def join(q: str) -> httpx.Response:
            return http.post("/gradio_api/queue/join", json={
                "data": [q, None, None, [], [], [], "", "", False], "fn_index": ask,
                "session_hash": q[:8], "event_data": None, "trigger_id": None})  # fmt: skip

        codes = [join(f"질문{i}번 대구시 AI 대전환 사업 예산은?").status_code for i in range(4)]
        refused = join("질문9번 대구시 AI 대전환 사업 예산은?")
        assert 200 in codes and 503 in codes  # the first are queued, the rest turned away
        assert refused.status_code == 503
        assert refused.json()["detail"].startswith("지금 질문하는 분이 많아 대기열이 가득")
        assert "Queue is full" not in refused.text


def test_one_client_sending_questions_too_often_is_told_to_wait(tmp_path: Path) -> None:
    """Per-client cap (AXA_RATE_PER_MIN): questions past it get a Korean 429; the page's other
    events (a source click, a page load) are never counted."""
    settings = Settings(data_dir=tmp_path / "data", rate_per_min=2)
    with toy_chat(settings, SlowLLM(n=1, delay_s=0.0)) as url:
        http = httpx.Client(base_url=url, timeout=60)
        deps = dependencies(http)
        ask = next(i for i, d in enumerate(deps) if d.get("api_name") == "ask")
        button = next(i for i, d in enumerate(deps) if d.get("api_name") == "ask_button")
        other = next(i for i, d in enumerate(deps) if len(d["inputs"]) == 2
                     and i not in (ask, button))  # fmt: skip
        question: list[object] = [
            "대구시 AI 대전환 사업 예산은?",
            None,
            None,
            [],
            [],
            [],
            "",
            "",
            False,
        ]
        outs = [run_event(http, fn, question) for fn in (ask, button)]
        assert all("process_completed" in o for o in outs)
        for fn, data in ((other, [None, None]), (other, [None, None])):
            assert not run_event(http, fn, data).startswith("HTTP 429")
        third = run_event(http, ask, question)
        assert third.startswith("HTTP 429") and "너무 자주" in third, third[:300]
        assert "너무 자주" in run_event(http, button, question)
