"""What a probe of the running chat still got through (issue 28), one test per route around
the guard, each against the real web app (FastAPI, Gradio, the guard) on 127.0.0.1 over HTTP,
and in Chromium where rendering is the point. The LLM and embedder are the deterministic fakes:
what is probed is the server."""

from __future__ import annotations

import http.server
import logging
import os
import shutil
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from axa_settings import Settings
from ingest import ControlServer
from rag import AnswerSettings, Assistant
from rag.api import CompletionService, build_api
from tests.fakes import ScriptedLLM
from tests.test_security import SlowLLM
from tests.web_probe import dependencies, file_data, run_event, toy_chat
from ui.escape import md_answer
from web.guard import TempSweeper
from web.operator_login import LoginLimiter

Q = "대구시 AI 대전환 사업의 총 예산은?"
ASK_DATA: list[object] = [Q, None, None, [], [], [], "", "", False]

GENERATE = AnswerSettings(mode="generate")  # the model writes; the guards check


class CountingSite:
    """A web server on loopback that counts the requests it gets: a URL the chat must never
    fetch on a client's say-so."""

    def __init__(self) -> None:
        self.hits = 0
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.hits += 1
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"fetched")

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/x.txt"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture()
def site() -> Iterator[CountingSite]:
    s = CountingSite()
    yield s
    s.close()


def join(http: httpx.Client, fn: object, data: list, **extra: object) -> httpx.Response:
    return http.post("/gradio_api/queue/join", json={"data": data, "fn_index": fn,
                     "session_hash": os.urandom(5).hex(), **extra})  # fmt: skip


def index_of(deps: list[dict], api_name: str) -> int:
    return next(i for i, d in enumerate(deps) if d.get("api_name") == api_name)


# --- 1. a URL FileData in any public event is refused; web-tmp is never written -------------


def test_a_url_file_in_any_input_of_any_public_event_is_refused(
    tmp_path: Path, site: CountingSite
) -> None:
    settings = Settings(data_dir=tmp_path / "data", rate_per_min=0)
    with toy_chat(settings, ScriptedLLM("총 예산은 236억 원입니다 [1].")) as url:
        http = httpx.Client(base_url=url, timeout=60)
        temp = settings.web_temp_dir
        before = sorted(p.name for p in temp.iterdir())
        deps = dependencies(http)
        shapes = [file_data(site.url), {"path": site.url, "url": site.url},
                  [file_data(site.url)], {"file": file_data(site.url)}]  # fmt: skip
        tried = 0
        for i, dep in enumerate(deps):
            for slot in range(len(dep["inputs"])):
                for shape in shapes:
                    data: list[object] = [None] * len(dep["inputs"])
                    data[slot] = shape
                    out = run_event(http, i, data)
                    tried += 1
                    assert out.startswith("HTTP 422"), (i, slot, out[:200])
                    assert "이 요청은 받을 수 없습니다" in out and site.url not in out
        # and in event_data (select and like events build their payload from it)
        r = join(http, 0, [None] * len(deps[0]["inputs"]), event_data=file_data(site.url))
        assert r.status_code == 422
        assert tried > 20 and site.hits == 0
        assert sorted(p.name for p in temp.iterdir()) == before  # nothing written


def test_the_comment_box_never_echoes_a_server_path(tmp_path: Path) -> None:
    """A file already in Gradio's upload folder (an operator's upload on its way in) passes
    Gradio's "was it uploaded" check; named in the comment box, its absolute path came back."""
    settings = Settings(data_dir=tmp_path / "data")
    with toy_chat(settings, ScriptedLLM("총 예산은 236억 원입니다 [1].")) as url:
        http = httpx.Client(base_url=url, timeout=60)
        deps = dependencies(http)
        ask = index_of(deps, "ask")
        assert "process_completed" in run_event(http, ask, ASK_DATA)
        comment = next(i for i, d in enumerate(deps) if len(d["inputs"]) == 2
                       and len(d["outputs"]) == 2 and i != ask)  # fmt: skip
        inside = settings.web_temp_dir / "a1b2c3"
        inside.mkdir()
        (inside / "upload.txt").write_text("operator's file")
        out = run_event(http, comment, [None, file_data(str(inside / "upload.txt"))])
        assert out.startswith("HTTP 422"), out[:300]
        assert str(settings.data_dir.resolve()) not in out and "web-tmp" not in out


def test_old_entries_in_the_web_temp_folder_are_swept(tmp_path: Path) -> None:
    now = [time.time()]
    folder = tmp_path / "web-tmp"
    (folder / "old").mkdir(parents=True)
    (folder / "old" / "f.txt").write_text("x")
    (folder / "new.txt").write_text("y")
    os.utime(folder / "old", (now[0] - 7200, now[0] - 7200))
    sweeper = TempSweeper(folder, max_age_s=3600, every_s=600, clock=lambda: now[0])
    sweeper.maybe_sweep()
    assert sorted(p.name for p in folder.iterdir()) == ["new.txt"]
    (folder / "late").mkdir()
    os.utime(folder / "late", (now[0] - 7200, now[0] - 7200))
    now[0] += 60
    sweeper.maybe_sweep()  # not due yet
    assert (folder / "late").exists()
    now[0] += 600
    sweeper.maybe_sweep()
    assert not (folder / "late").exists()
    # the running app sweeps on its own
    settings = Settings(data_dir=tmp_path / "data")
    with toy_chat(settings, ScriptedLLM("답 [1].")) as url:
        stale = settings.web_temp_dir / "0123abcd"
        stale.mkdir()
        (stale / "fetched.html").write_text("<html>")
        old = time.time() - 7200
        os.utime(stale, (old, old))
        assert httpx.get(url + "/healthz").status_code == 200
        assert not stale.exists()


# --- 2. one rate rule over every model-time event, whatever type fn_index arrives as --------


def test_fn_index_as_a_string_or_a_float_is_still_counted(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", rate_per_min=2)
    with toy_chat(settings, SlowLLM(n=1, delay_s=0.0)) as url:
        http = httpx.Client(base_url=url, timeout=60)
        ask = index_of(dependencies(http), "ask")
        assert "process_completed" in run_event(http, ask, ASK_DATA)
        assert "process_completed" in run_event(http, str(ask), ASK_DATA)  # type: ignore[arg-type]
        third = run_event(http, float(ask), ASK_DATA)  # type: ignore[arg-type]
        assert third.startswith("HTTP 429") and "너무 자주" in third, third[:200]


def test_a_study_quiz_costs_five_generations(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", rate_per_min=5)
    with toy_chat(settings, ScriptedLLM("울산시는 얼마 동안 지원하나요?")) as url:
        http = httpx.Client(base_url=url, timeout=60)
        deps = dependencies(http)
        study = index_of(deps, "study_make")
        assert not run_event(http, study, [None]).startswith("HTTP")
        refused = run_event(http, index_of(deps, "ask"), ASK_DATA)
        assert refused.startswith("HTTP 429") and "너무 자주" in refused


def test_one_client_cannot_fill_the_queue(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", rate_per_min=0, queued_per_client=1)
    with toy_chat(settings, SlowLLM(n=100, delay_s=0.03)) as url:  # 3 s per answer
        http = httpx.Client(base_url=url, timeout=60)
        ask = index_of(dependencies(http), "ask")
        first = join(http, ask, ASK_DATA)
        assert first.status_code == 200
        second = join(http, ask, ["두 번째 질문입니다", *ASK_DATA[1:]])
        assert second.status_code == 429 and "앞서 보낸 요청" in second.json()["detail"]
        deadline = time.monotonic() + 30
        while join(http, ask, ASK_DATA).status_code != 200:  # once the first is done
            assert time.monotonic() < deadline, "the client stayed blocked after its answer"
            time.sleep(0.5)


# --- 3. the Host header is checked (DNS rebinding) ---------------------------------------------


def test_a_foreign_host_name_is_refused_even_with_a_matching_origin(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    with toy_chat(settings, ScriptedLLM("답 [1].")) as url:
        port = url.rsplit(":", 1)[1]
        evil = {"Host": f"evil.example:{port}", "Origin": f"http://evil.example:{port}"}
        http = httpx.Client(base_url=url, timeout=60)
        for route in ("/", "/config", "/gradio_api/info"):
            r = http.get(route, headers=evil)
            assert r.status_code == 400, route
            assert "access-control-allow-origin" not in r.headers, route
        r = http.post("/gradio_api/queue/join", headers=evil,
                      json={"data": ASK_DATA, "fn_index": 0, "session_hash": "x1"})  # fmt: skip
        assert r.status_code == 400 and "허용되지 않은 주소" in r.json()["error"]["message"]
        for ok in (f"localhost:{port}", f"127.0.0.1:{port}"):
            assert http.get("/config", headers={"Host": ok}).status_code == 200
        assert http.get("/healthz", headers={"Host": "10.1.2.3:7860"}).status_code == 200
    named = Settings(allowed_hosts="ax.example.go.kr, 10.0.0.5")  # type: ignore[arg-type]
    assert named.hosts_for("0.0.0.0") == frozenset({"ax.example.go.kr", "10.0.0.5"})


def test_the_api_checks_the_host_too(sample_retriever: object) -> None:
    assistant = Assistant(sample_retriever, ScriptedLLM("총 예산은 236억 원입니다 [1]."), GENERATE)  # type: ignore[arg-type]
    hosts = Settings().hosts_for("127.0.0.1")
    api = TestClient(build_api(CompletionService(assistant), allowed_hosts=hosts),
                     base_url="http://127.0.0.1:8090")  # fmt: skip
    body = {"messages": [{"role": "user", "content": Q}]}
    assert api.post("/v1/chat/completions", json=body).status_code == 200
    r = api.post("/v1/chat/completions", json=body, headers={"Host": "evil.example:8090"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "host_not_allowed"


# --- 4. forwarded addresses only from trusted proxies ------------------------------------------


def test_forwarded_addresses_are_not_believed_from_loopback_by_default(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", rate_per_min=2)
    with toy_chat(settings, SlowLLM(n=1, delay_s=0.0)) as url:
        http = httpx.Client(base_url=url, timeout=60)
        ask = index_of(dependencies(http), "ask")
        codes = []
        for n in range(3):
            body = {"data": ASK_DATA, "fn_index": ask, "session_hash": f"fw{n}"}
            r = http.post("/gradio_api/queue/join", json=body,
                          headers={"X-Forwarded-For": f"203.0.113.{n + 1}"})  # fmt: skip
            codes.append(r.status_code)
        assert codes == [200, 200, 429]  # one client, whatever it claims to forward
    trusting = Settings(data_dir=tmp_path / "d2", rate_per_min=2, trusted_proxies="127.0.0.1")  # type: ignore[arg-type]
    with toy_chat(trusting, SlowLLM(n=1, delay_s=0.0)) as url:
        http = httpx.Client(base_url=url, timeout=60)
        ask = index_of(dependencies(http), "ask")
        codes = []
        for n in range(3):
            body = {"data": ASK_DATA, "fn_index": ask, "session_hash": f"tr{n}"}
            r = http.post("/gradio_api/queue/join", json=body,
                          headers={"X-Forwarded-For": f"203.0.113.{n + 1}"})  # fmt: skip
            codes.append(r.status_code)
        assert codes == [200, 200, 200]  # behind a trusted proxy: three clients


# --- 5. links in model answers -------------------------------------------------------------------

HOSTILE = (
    "신청은 [여기][1]에서 하세요 [1].\n\n[1]: https://evil.example/apply\n\n"
    "또는 [바로가기](//evil.example/x), www.evil.example, help@evil.example 로 문의하세요 [1]."
)


def test_model_text_loses_every_kind_of_link() -> None:
    out = md_answer(HOSTILE + " <https://evil.example> ![i](//evil.example/i.png)")
    assert "https://" not in out and "<" not in out
    for tell in ("](", "][", "]:", "<https", "www.evil", "help@"):
        assert tell not in out.replace("\\]", "").replace("\\[", ""), tell


def test_model_links_are_dead_in_the_browser(tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    sync_api = pytest.importorskip("playwright.sync_api")
    if chromium is None:
        if os.environ.get("CI"):
            pytest.fail("chromium not installed (scripts/setup.sh installs it as root)")
        pytest.skip("chromium not installed")
    settings = Settings(data_dir=tmp_path / "data", answer_mode="generate")  # the model writes
    with toy_chat(settings, ScriptedLLM(HOSTILE)) as url, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True,
                                    args=["--no-sandbox"])  # fmt: skip
        page = browser.new_page()
        page.goto(url + "/")
        page.fill("#question textarea", Q)
        page.click("#send")
        page.wait_for_function(
            "document.querySelector('#chat').innerText.includes('문의하세요')", timeout=60_000
        )
        page.wait_for_function("document.querySelector('#chat').innerText.includes('출처')")
        hrefs = page.eval_on_selector_all("#chat a", "els => els.map(e => e.getAttribute('href'))")
        text = page.inner_text("#chat")
        browser.close()
    assert "여기" in text and "evil.example" in text  # shown as text...
    assert hrefs and all(h and h.startswith("/doc/") for h in hrefs), hrefs  # ...our links only


# --- 6. the operator cannot be locked out by anyone else -------------------------------------


def test_guessing_from_many_addresses_never_locks_out_a_clean_one(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", admin_password=SecretStr("pw-operator"),
                        login_max_failures=5, trusted_proxies="127.0.0.1")  # type: ignore[arg-type]  # fmt: skip
    with toy_chat(settings, ScriptedLLM("답 [1].")) as url:
        http = httpx.Client(base_url=url, timeout=60)

        def login(password: str, address: str) -> int:
            return http.post("/admin/login", data={"username": "operator", "password": password},
                             headers={"X-Forwarded-For": address}).status_code  # fmt: skip

        codes = [login("guess", f"198.51.100.{i % 10}") for i in range(60)]
        assert codes.count(401) == 50 and codes.count(429) == 10  # five guesses an address
        assert login("guess", "198.51.100.3") == 429  # a guesser stays locked
        assert login("pw-operator", "192.0.2.77") == 303  # the operator, who never failed, is in


def test_lockouts_of_one_address_grow() -> None:
    now = [0.0]
    limiter = LoginLimiter(max_failures=2, window_s=100, clock=lambda: now[0])
    for _ in range(2):
        limiter.failed("a")
    assert limiter.wait_s("a") == 100
    now[0] = 101
    for _ in range(2):
        limiter.failed("a")
    assert limiter.wait_s("a") == 200  # the second lock-out lasts twice as long
    limiter.succeeded("a")
    assert limiter.wait_s("a") == 0


# --- 7. one log line per refusal, no paths, tight token files, no root ----------------------


def test_a_refused_event_is_one_log_line_and_no_traceback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    secret = tmp_path / "secret.txt"
    secret.write_text("x")
    with toy_chat(settings, ScriptedLLM("답 [1].")) as url:
        http = httpx.Client(base_url=url, timeout=60)
        ask = index_of(dependencies(http), "ask")
        capfd.readouterr()
        with caplog.at_level(logging.INFO):
            out = run_event(http, ask, [file_data(str(secret)), *ASK_DATA[1:]])
            time.sleep(0.5)
        err = capfd.readouterr().err
    assert out.startswith("HTTP 422")
    assert "Traceback" not in err and "Traceback" not in caplog.text
    refusals = [r for r in caplog.records if "refused an event" in r.getMessage()]
    assert len(refusals) == 1 and "\n" not in refusals[0].getMessage()


def test_an_existing_token_file_is_tightened(tmp_path: Path) -> None:
    token = tmp_path / "control.token"
    token.write_text("old")
    token.chmod(0o644)

    class Idle:  # the control server starts without touching its ingestor
        pass

    control = ControlServer(tmp_path, Idle()).start()  # type: ignore[arg-type]
    try:
        assert stat.S_IMODE(token.stat().st_mode) == 0o600 and token.read_text() != "old"
    finally:
        control.close()
