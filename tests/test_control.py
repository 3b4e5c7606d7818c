"""axa-ingest while a server holds the embedded index: the job runs in the server over the
control socket, the answers keep flowing, and only the operator's account can use the socket."""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from axa_settings import Settings
from axa_wiring import make_ingestor
from ingest import (
    ControlError,
    ControlServer,
    Ingestor,
    KoreanChunker,
    Manifest,
    Outcome,
    remote_ingest,
    remote_remove,
    server_running,
)
from rag import FeedbackStore
from search import KiwiBM25, VectorIndex, open_store
from serving import OpenAIChatModel
from tests.conftest import SAMPLE_CORPUS
from tests.fakes import ToyEmbedder
from tests.web_probe import dependencies, serve
from ui.cli import make_server

CAMP = "# 제주 AI 데이터 캠프 안내\n\n제주 AI 데이터 캠프의 참가비는 7만 5천 원이다.\n"


@pytest.fixture()
def toy(kiwi, tmp_path: Path) -> Ingestor:  # type: ignore[no-untyped-def]
    return Ingestor(
        VectorIndex.open("t", path=tmp_path / "qdrant"), Manifest(tmp_path / "manifest.sqlite"),
        ToyEmbedder(), KiwiBM25(kiwi), KoreanChunker(kiwi, chunk_chars=300, overlap_chars=50),
    )  # fmt: skip


def test_a_job_over_the_socket_gives_the_same_report_as_a_local_one(
    toy: Ingestor, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    assert not server_running(data)
    control = ControlServer(data, toy).start()
    try:
        assert server_running(data)
        mode = stat.S_IMODE(os.stat(data / "control.sock").st_mode)
        assert mode == 0o600 and stat.S_IMODE(os.stat(data / "control.token").st_mode) == 0o600
        seen: list[tuple[str, int, int]] = []
        report = remote_ingest(data, [SAMPLE_CORPUS],
                               progress=lambda r, i, n: seen.append((r.file, i, n)))  # fmt: skip
        assert report.ok and report.count(Outcome.ADDED) == 4 and report.chunks_written > 0
        assert [(i, n) for _, i, n in seen] == [(1, 4), (2, 4), (3, 4), (4, 4)]
        assert toy.index.count() == report.chunks_written
        again = remote_ingest(data, [SAMPLE_CORPUS])
        assert again.count(Outcome.SKIPPED) == 4
        doc = SAMPLE_CORPUS / "sLLM_데이터프리존_이용_안내.md"
        assert remote_remove(data, [doc]) == [str(doc.resolve())]
        assert remote_remove(data, [doc]) == []
    finally:
        control.close()
    assert not (data / "control.sock").exists() and not (data / "control.token").exists()


def test_a_wrong_token_and_a_second_job_are_refused(toy: Ingestor, tmp_path: Path) -> None:
    control = ControlServer(tmp_path, toy).start()
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.connect(str(tmp_path / "control.sock"))
            s.sendall(b'{"cmd": "ingest", "paths": ["/etc"], "token": "guess"}\n')
            reply = s.makefile("rb").readline()
        assert "인증되지 않은 요청" in json.loads(reply)["message"]
        assert toy.manifest.all() == []
        with toy.lock:  # another job is running (the operator page, say)
            result: list[object] = []
            t = threading.Thread(target=lambda: result.append(_try(tmp_path)))
            t.start()
            t.join(30)
        assert isinstance(result[0], ControlError) and "다른 색인 작업" in str(result[0])
    finally:
        control.close()


def _try(data: Path) -> object:
    try:
        return remote_ingest(data, [SAMPLE_CORPUS])
    except ControlError as exc:
        return exc


def _final(out: str) -> dict:
    for line in reversed(out.splitlines()):
        if line.startswith("data:"):
            msg = json.loads(line[5:])
            if msg.get("msg") == "process_completed":
                return msg
    return {}


@pytest.mark.llm
def test_axa_ingest_runs_in_the_running_chat_and_questions_asked_meanwhile_succeed(
    llm_settings: Settings, llm: OpenAIChatModel, tmp_path: Path
) -> None:
    settings = llm_settings.model_copy(update={"data_dir": tmp_path / "data"})
    store = open_store(settings)
    ingestor = make_ingestor(settings, store)
    assert ingestor.ingest([SAMPLE_CORPUS]).ok
    feedback = FeedbackStore(settings.feedback_path)
    control = ControlServer(settings.data_dir, ingestor).start()
    doc = tmp_path / "new" / "제주_AI_데이터캠프_안내.md"
    doc.parent.mkdir()
    doc.write_text(CAMP, encoding="utf-8")
    env = {**os.environ, "AXA_DATA_DIR": str(settings.data_dir)}
    exe = str(Path(sys.executable).parent / "axa-ingest")
    try:
        with serve(make_server(settings, store, llm, feedback, ingestor)) as url:
            http = httpx.Client(base_url=url, timeout=300)
            ask = next(i for i, d in enumerate(dependencies(http)) if d.get("api_name") == "ask")

            def question(q: str) -> dict:
                from tests.web_probe import run_event

                return _final(run_event(http, ask, [q, None, None, [], [], [], "", "", False],
                                        timeout_s=300))  # fmt: skip

            during: list[dict] = []
            asker = threading.Thread(target=lambda: during.extend(
                question(q) for q in ("대구시 AI 대전환 사업의 총 예산은?",
                                      "울산 AI 대전환 사업의 주관기관은 어디인가요?")))  # fmt: skip
            asker.start()
            proc = subprocess.run([exe, "--json", str(doc)], env=env, capture_output=True,
                                  text=True, timeout=600)  # fmt: skip
            asker.join(600)
            assert proc.returncode == 0, proc.stderr
            assert "실행 중인 서버" in proc.stderr
            assert json.loads(proc.stdout)["added"] == 1
            assert len(during) == 2 and all(m.get("success") for m in during), during
            assert "236억" in json.dumps(during[0], ensure_ascii=False)
            after = json.dumps(question("제주 AI 데이터 캠프의 참가비는 얼마인가요?"),
                               ensure_ascii=False)  # fmt: skip
            assert "7만 5천" in after or "75,000" in after, after
            gone = subprocess.run([exe, "remove", str(doc)], env=env, capture_output=True,
                                  text=True, timeout=120)  # fmt: skip
            assert gone.returncode == 0 and "삭제함" in gone.stderr
    finally:
        control.close()
        feedback.close()
        ingestor.manifest.close()
        store.close()
        shutil.rmtree(tmp_path / "data", ignore_errors=True)


def test_snapshot_and_check_run_in_the_server_meanwhile(toy: Ingestor, tmp_path: Path) -> None:
    from ingest import DataParts
    from ingest.control import remote_job

    data = tmp_path / "data"
    data.mkdir()
    parts = DataParts(tmp_path / "qdrant", tmp_path / "manifest.sqlite", data / "feedback.sqlite",
                      data / "uploads")  # fmt: skip
    control = ControlServer(data, toy, parts).start()
    try:
        assert remote_ingest(data, [SAMPLE_CORPUS]).ok
        snap = remote_job(data, {"cmd": "snapshot", "paths": [str(tmp_path / "snap")]})
        assert snap["points"] == toy.index.count() and snap["manifest_rows"] == 4
        assert (tmp_path / "snap" / "index").is_dir()
        assert remote_job(data, {"cmd": "check"})["ok"] is True
    finally:
        control.close()
