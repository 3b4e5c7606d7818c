from __future__ import annotations

from datetime import date
from pathlib import Path

import httpx
import pytest

from rag import AnswerSettings, Assistant
from search import Retriever
from serving import LLMUnavailableError
from tests.conftest import free_port
from tests.fakes import FailingLLM, ScriptedLLM
from ui import CorpusInfo, build_app, respond
from ui.chat_tab import GENERIC_ERROR

Q = "대구시 AI 대전환 사업의 총 예산은?"


@pytest.fixture()
def retriever(sample_retriever: Retriever) -> Retriever:
    return sample_retriever


def make(retriever: Retriever, llm) -> Assistant:
    return Assistant(
        retriever, llm, AnswerSettings(top_k=3, mode="generate"), today=date(2026, 11, 22)
    )


def test_respond_streams_then_shows_sources(retriever: Retriever) -> None:
    found: list = []
    states = list(respond(make(retriever, ScriptedLLM("총 예산은 236억 원입니다 [1].")), Q, [],
                          on_found=found.append))  # fmt: skip
    assert states[0][-1] == {"role": "assistant", "content": ""}
    # the passages show before the first token, then under the streaming text
    waiting = states[1][-1]["content"]
    assert (
        waiting.startswith("\n\n🔎 **찾은 근거**") and "대구_AI대전환_사업_개요.pdf 1쪽" in waiting
    )
    assert len(found) == 1 and found[0][0].file == "대구_AI대전환_사업_개요.pdf"
    assert any(s[-1]["content"] == "총 예산" + waiting for s in states)  # a partial, streamed state
    final = states[-1]
    assert final[0] == {"role": "user", "content": Q}
    assert final[1]["content"].startswith("총 예산은 236억 원입니다 [1].")
    assert "**출처**" in final[1]["content"]
    assert "[1] **대구_AI대전환_사업_개요.pdf** 1쪽" in final[1]["content"]


def test_llm_down_shows_korean_message_not_a_trace(retriever: Retriever) -> None:
    final = list(respond(make(retriever, FailingLLM(LLMUnavailableError("x"))), Q, []))[-1]
    assert final[-1]["content"] == LLMUnavailableError.user_message


def test_unexpected_error_shows_generic_message(retriever: Retriever) -> None:
    final = list(respond(make(retriever, FailingLLM(KeyError("boom"))), Q, []))[-1]
    assert final[-1]["content"] == GENERIC_ERROR


def test_empty_message_changes_nothing(retriever: Retriever) -> None:
    assert list(respond(make(retriever, ScriptedLLM("x")), "   ", [])) == [[]]


def test_app_serves_on_loopback(retriever: Retriever, tmp_path: Path) -> None:
    corpus = CorpusInfo(documents=4, last_refresh="2026-11-22T03:00:00+00:00")
    assert "문서 4건" in corpus.notice() and "2026-11-22 03:00" in corpus.notice()
    app = build_app(make(retriever, ScriptedLLM("x")), corpus)
    port = free_port()
    app.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True)
    try:
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=10)
        assert page.status_code == 200
        assert "AX-Assist" in page.text
    finally:
        app.close()


def test_feedback_is_stored_with_the_answer_and_exported_for_review(
    retriever: Retriever, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from eval.cli import app as eval_app
    from eval.qa import load_qa
    from rag import FeedbackStore
    from ui.chat_tab import answer_record, record_feedback

    got: list = []
    states = list(respond(make(retriever, ScriptedLLM("총 예산은 236억 원입니다 [1].")), Q, [],
                          got.append))  # fmt: skip
    answers = {len(states[-1]) - 1: answer_record(got[0])}
    store = FeedbackStore(tmp_path / "feedback.sqlite")
    settings = {"llm_model": "scripted", "top_k": 3}
    assert record_feedback(store, settings, answers, 0, True) is None  # a user message
    up = record_feedback(store, settings, answers, 1, True)
    down = record_feedback(store, settings, answers, [1], False)
    assert up and down
    store.set_comment(down, "국비 금액도 알려 주세요")
    (row,) = store.rows(rating=-1)
    assert (row.question, row.answer, row.comment) == (Q, "총 예산은 236억 원입니다 [1].",
                                                       "국비 금액도 알려 주세요")  # fmt: skip
    assert row.sources == [{"ref": 1, "file": "대구_AI대전환_사업_개요.pdf", "page": 1,
                            "location": "1쪽"}]  # fmt: skip
    assert row.settings == settings and row.prompt_version and not row.refused
    assert len(store.rows()) == 2
    corpus = CorpusInfo(documents=4, last_refresh=None)
    assert build_app(make(retriever, ScriptedLLM("x")), corpus, feedback=store) is not None
    store.close()
    out = tmp_path / "review.jsonl"
    res = CliRunner().invoke(eval_app, ["feedback", "--db", str(tmp_path / "feedback.sqlite"),
                                        "--out", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    (item,) = load_qa(out)
    assert item.question == Q and item.type == "feedback"
    assert "국비 금액도" in out.with_suffix(".review.jsonl").read_text(encoding="utf-8")


def test_viewer_highlights_the_sentence_the_answer_cites(kiwi) -> None:
    from search import KiwiBM25
    from ui.viewer import doc_href, doc_key, render_source

    terms = KiwiBM25(kiwi).terms
    src = {"ref": 2, "file": "대구<b>.pdf", "page": 3, "location": "3쪽", "unit": "page",
           "doc_id": "/d/대구.pdf",
           "text": "사업 개요입니다.\n총 예산은 236억 원이며 국비는 140억 원이다.\n기간은 2026년까지이다."}  # fmt: skip
    out = render_source(src, "예산은 236억 원입니다 [2]. 기간은 2026년까지입니다 [1].", terms)
    assert "<mark>총 예산은 236억 원이며 국비는 140억 원이다.</mark>" in out
    assert out.count("<mark>") == 1  # the [1] sentence is another passage's
    assert "대구&lt;b&gt;.pdf" in out and "<b>" not in out  # escaped
    assert f'href="/doc/{doc_key("/d/대구.pdf")}#page=3"' in out
    assert doc_href("/d/a.hwp", 2, "section") == f"/doc/{doc_key('/d/a.hwp')}"


def test_viewer_marks_the_answers_sentence_not_the_title_that_repeats_its_words(kiwi) -> None:
    """Seen in the chat: the title sentence shares more words with the answer (the program's
    name) than the one naming the answer; words every sentence repeats must weigh less."""
    from search import KiwiBM25
    from ui.viewer import render_source

    text = ("울산광역시 지역 주도형 AI 대전환 사업(AI-on 울산) 개요 예시 자료입니다.\n"
            "1. 사업 개요 울산광역시는 'AI-on 울산'이라는 이름으로 지역 주도형 AI 대전환 사업을 "
            "추진한다.\n울산 사업의 총사업비는 240억 6천만 원이며, 이 가운데 국비는 140억 원이다.\n"
            "주관기관은 울산테크노파크이며, 울산 지역 제조 중소기업의 AI 전환을 지원한다.")  # fmt: skip
    src = {"ref": 1, "file": "울산.pdf", "page": 1, "location": "1쪽", "unit": "page",
           "doc_id": "/d/울산.pdf", "text": text}  # fmt: skip
    answer = "울산광역시 지역 주도형 AI 대전환 사업의 주관기관은 울산테크노파크입니다 [1]."
    out = render_source(src, answer, KiwiBM25(kiwi).terms)
    assert "<mark>주관기관은 울산테크노파크이며" in out and out.count("<mark>") == 1


def test_chat_filters_reach_the_retriever_and_bad_dates_get_a_korean_message(
    retriever: Retriever,
) -> None:
    from ui.chat_tab import BAD_DATE, search_filter

    where = search_filter(["공고"], ["울산"], [], " 2025-01-01 ", "")
    assert where is not None and where.regions == ("울산",) and where.date_from == "2025-01-01"
    assert search_filter([], [], [], "", "") is None
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        search_filter([], [], [], "3월", "")
    llm = ScriptedLLM("울산 사업입니다 [1].")
    final = list(respond(make(retriever, llm), "AI 대전환 사업의 총 예산은?", [], None,
                         search_filter([], ["울산"], [], "", "")))[-1]  # fmt: skip
    assert "울산_AI대전환_사업_개요.pdf" in final[-1]["content"]
    assert "대구_AI대전환_사업_개요.pdf" not in llm.requests[0][-1]["content"]
    assert BAD_DATE.startswith("날짜는")


def test_rate_limit_counts_a_sliding_minute_per_client() -> None:
    from web.ratelimit import RateLimit

    now = [0.0]
    rate = RateLimit(2, clock=lambda: now[0])
    assert rate.allow("a") and rate.allow("a") and not rate.allow("a")
    assert rate.allow("b")  # another client has its own minute
    now[0] = 59.9
    assert not rate.allow("a")
    now[0] = 60.0  # both questions at 0.0 left the window
    assert rate.allow("a") and rate.allow("a") and not rate.allow("a")
    assert RateLimit(0).allow("a")  # off
