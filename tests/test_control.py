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
from axa_wiring import control_handlers, make_ingestor, open_store
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
from search import KiwiBM25, VectorIndex
from serving import OpenAIChatModel
from tests.conftest import SAMPLE_CORPUS
from tests.fakes import ToyEmbedder
from tests.web_probe import dependencies, serve
from web.cli import make_server

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
    control = ControlServer(
        settings.data_dir, ingestor, handlers=control_handlers(settings, store, llm)
    ).start()
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
            # axa-ask from another terminal: the running server answers, from the new document
            asked = subprocess.run(
                [str(Path(sys.executable).parent / "axa-ask"), "--json",
                 "제주 AI 데이터 캠프의 참가비는 얼마인가요?"],
                env=env, capture_output=True, text=True, timeout=600,
            )  # fmt: skip
            assert asked.returncode == 0 and "실행 중인 서버" in asked.stderr, asked.stderr
            remote = json.loads(asked.stdout)
            assert not remote["refused"] and "제주" in remote["sources"][0]["file"]
            assert "7만 5천" in remote["answer"] or "75,000" in remote["answer"], remote
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


def test_ask_over_the_socket_streams_the_answer_and_refuses_bad_requests(
    toy: Ingestor, tmp_path: Path
) -> None:
    from datetime import date

    from ingest import remote_events
    from rag import AnswerSettings, Assistant, ask_handler
    from search import Retriever
    from serving import LLMUnavailableError
    from tests.fakes import FailingLLM, ScriptedLLM

    assert toy.ingest([SAMPLE_CORPUS]).ok
    retriever = Retriever(toy.index, ToyEmbedder(), toy.sparse)
    reply = "대구시 사업의 총 예산은 236억 원입니다 [1]."
    answering = Assistant(retriever, ScriptedLLM(reply), AnswerSettings(top_k=3, mode="generate"),
                          today=date(2026, 11, 22))  # fmt: skip
    failing = Assistant(
        retriever, FailingLLM(LLMUnavailableError("down")), AnswerSettings(mode="generate")
    )
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    handlers = {"ask": ask_handler(answering, retriever, top_k=3, max_chars=100),
                "ask_down": ask_handler(failing, retriever, top_k=3, max_chars=100)}  # fmt: skip
    control = ControlServer(data, toy, handlers=handlers).start()
    try:
        events = list(remote_events(data, {"cmd": "ask", "question": "대구시 사업의 총 예산은?"}))
        deltas = "".join(str(e["text"]) for e in events if e["event"] == "delta")
        final = events[-1]
        assert final["event"] == "report" and isinstance(final["answer"], dict)
        assert "236억" in deltas and "236억" in str(final["answer"]["answer"])
        assert final["answer"]["sources"][0]["file"] == "대구_AI대전환_사업_개요.pdf"
        only = list(remote_events(data, {"cmd": "ask", "question": "울산 사업", "retrieve_only": True,
                                         "filter": {"regions": ["울산", 7], "kinds": "x"}}))  # fmt: skip
        answer = only[-1]["answer"]
        assert isinstance(answer, dict)
        files = {s["file"] for s in answer["sources"]}
        assert files == {"울산_AI대전환_사업_개요.pdf"} and len(only) == 1
        for bad, said in ((["질문"], "질문을 입력"), ("가" * 101, "100자 이하"),
                          ("질문", "YYYY-MM-DD")):  # fmt: skip
            flt = {"date_from": "지난달"} if said == "YYYY-MM-DD" else {}
            with pytest.raises(ControlError, match=said):
                list(remote_events(data, {"cmd": "ask", "question": bad, "filter": flt}))
        with pytest.raises(ControlError) as down:
            list(remote_events(data, {"cmd": "ask_down", "question": "대구시 사업의 총 예산은?"}))
        assert "언어 모델" in down.value.user_message
    finally:
        control.close()
