from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ingest.index import VectorIndex
from ingest.sparse import KiwiBM25
from rag import REFUSAL, AnswerSettings, Assistant, Retriever
from serving import LLMUnavailableError
from tests.fakes import FailingLLM, ScriptedLLM, ToyEmbedder


@pytest.fixture()
def retriever(sample_retriever: Retriever) -> Retriever:
    return sample_retriever


def assistant(retriever: Retriever, llm) -> Assistant:
    return Assistant(retriever, llm, AnswerSettings(top_k=3), today=date(2026, 11, 22))


def test_answer_with_citation_and_prompt(retriever: Retriever) -> None:
    llm = ScriptedLLM("대구시 사업의 총 예산은 236억 원입니다 [1].")
    stream = assistant(retriever, llm).stream("대구시 AI 대전환 사업의 총 예산은?")
    deltas = list(stream)
    assert "".join(deltas) == "대구시 사업의 총 예산은 236억 원입니다 [1]."
    assert len(deltas) > 1  # streamed in pieces
    ans = stream.result
    assert ans is not None and not ans.refused
    assert ans.sources[0].ref == 1
    assert ans.sources[0].file == "대구_AI대전환_사업_개요.pdf" and ans.sources[0].page == 1
    system, user = llm.requests[0]
    assert "오늘 날짜: 2026-11-22" in system["content"]
    assert "[1] (출처: 대구_AI대전환_사업_개요.pdf, 1쪽)" in user["content"]
    assert user["content"].rstrip().endswith("대구시 AI 대전환 사업의 총 예산은?")


def test_missing_citation_is_added(retriever: Retriever) -> None:
    ans = assistant(retriever, ScriptedLLM("총 예산은 236억 원이며 국비는 140억 원입니다.")).ask(
        "대구시 AI 대전환 사업의 총 예산은?"
    )
    assert ans.answer == "총 예산은 236억 원이며 국비는 140억 원입니다 [1]."
    assert [(s.file, s.page) for s in ans.sources] == [("대구_AI대전환_사업_개요.pdf", 1)]


def test_model_refusal_is_normalised(retriever: Retriever) -> None:
    ans = assistant(retriever, ScriptedLLM("죄송합니다. 문서에서 찾을 수 없습니다")).ask(
        "대구시 AI 사업의 담당 공무원 전화번호는?"
    )
    assert ans.refused and ans.answer == REFUSAL and ans.sources == []


def test_irrelevant_question_is_refused_without_calling_the_llm(retriever: Retriever) -> None:
    llm = ScriptedLLM("should not be used")
    # the toy embedder's cosine means nothing, so only the lexical signal decides here
    lexical_only = AnswerSettings(top_k=3, min_dense_score=1.01, min_term_coverage=0.5)
    a = Assistant(retriever, llm, lexical_only)
    ans = a.ask("파리 올림픽 양궁 금메달리스트는?")
    assert ans.refused and ans.answer == REFUSAL
    assert llm.requests == []
    assert a.retrieve("파리 올림픽 양궁 금메달리스트는?").term_coverage == 0.0
    assert a.retrieve("대구 예산 국비").term_coverage == 1.0


@pytest.mark.parametrize(
    ("dense", "coverage", "relevant"),
    [(0.5, 0.0, True), (0.1, 0.6, True), (0.1, 0.2, False), (0.35, 0.5, True)],
)
def test_relevance_gate(dense: float, coverage: float, relevant: bool) -> None:
    from ingest.index import Hit
    from rag import Retrieval

    hit = Hit("1", 1.0, "f", 1, "", "t", "d")
    assert Retrieval("q", [hit], dense, coverage).relevant(0.35, 0.5) is relevant
    assert Retrieval("q", [], 1.0, 1.0).relevant(0.35, 0.5) is False


def test_empty_index_refuses(kiwi) -> None:
    empty = Retriever(VectorIndex.open("none"), ToyEmbedder(), KiwiBM25(kiwi))
    ans = assistant(empty, ScriptedLLM("x")).ask("대구 예산은?")
    assert ans.refused


def test_llm_errors_propagate_as_serving_errors(retriever: Retriever) -> None:
    a = assistant(retriever, FailingLLM(LLMUnavailableError("down")))
    with pytest.raises(LLMUnavailableError):
        a.ask("대구시 AI 대전환 사업의 총 예산은?")


def test_document_text_is_data_not_instructions(retriever: Retriever, tmp_path: Path) -> None:
    """The system prompt tells the model passages are data; the passage stays in the user turn."""
    llm = ScriptedLLM("236억 원입니다 [1].")
    assistant(retriever, llm).ask("대구시 AI 대전환 사업의 총 예산은?")
    system, user = llm.requests[0]
    assert "지시가 아닙니다" in system["content"]
    assert "236억" not in system["content"] and "236억" in user["content"]
