"""The whole path with real parts: USE embedder, embedded Qdrant on disk, the real small LLM
behind llama.cpp's OpenAI-compatible server on loopback, and the CLIs as users run them."""

from __future__ import annotations

import pytest

from axa_settings import Settings
from axa_wiring import make_assistant, open_store
from rag import REFUSAL, Assistant
from serving import OpenAIChatModel

pytestmark = pytest.mark.llm

# (question, key fact, cited file, cited page)
QUESTIONS = [
    ("대구시 AI 대전환 사업의 총 예산은?", "236억", "대구_AI대전환_사업_개요.pdf", 1),
    ("울산 AI 대전환 사업의 주관기관은 어디인가요?", "울산테크노파크", "울산_AI대전환_사업_개요.pdf", 1),
    ("지역 주도형 AI 대전환 사업 공모의 신청 마감일은 언제인가요?", "8월 29일",
     "2025_지역주도형_AI대전환_사업_공모_안내.md", 3),
    ("대구 AI 혁신센터는 어디에 들어서나요?", "동대구벤처밸리", "대구_AI대전환_사업_개요.pdf", 2),
    ("대구시는 일자리를 몇 개 만드는 것을 목표로 하나요?", "35", "대구_AI대전환_사업_개요.pdf", 3),
    ("울산시는 AI 솔루션 도입 지원을 몇 건 목표로 하나요?", "100", "울산_AI대전환_사업_개요.pdf", 2),
]  # fmt: skip


@pytest.fixture(scope="module")
def assistant(indexed: Settings, llm: OpenAIChatModel):
    store = open_store(indexed)
    yield make_assistant(indexed, store, llm)
    store.close()


@pytest.mark.parametrize(("question", "fact", "file", "page"), QUESTIONS)
def test_cited_answer(assistant: Assistant, question: str, fact: str, file: str, page: int):
    stream = assistant.stream(question)
    deltas = list(stream)
    ans = stream.result
    assert ans is not None
    assert len(deltas) > 1, "the answer should stream"
    assert not ans.refused, ans.answer
    assert fact in ans.answer, ans.answer
    assert (file, page) in [(s.file, s.page) for s in ans.sources], ans.sources
    assert "[" in ans.answer  # a citation marker the reader can follow


def test_out_of_corpus_question_is_refused(assistant: Assistant) -> None:
    ans = assistant.ask("2024년 파리 올림픽 양궁 금메달리스트는 누구인가요?")
    assert ans.refused and ans.answer == REFUSAL and ans.sources == []


def test_concurrent_users_both_get_whole_answers(llm: OpenAIChatModel) -> None:
    """llama.cpp's server interrupts a streaming answer when a new request arrives unless told
    not to; two users asking at once must both get their full answer."""
    from concurrent.futures import ThreadPoolExecutor

    messages = [{"role": "user", "content": "1부터 10까지 숫자를 쉼표로 나열하세요."}]

    def ask(_: int) -> str:
        return "".join(llm.stream(messages, max_tokens=40, temperature=0.0))

    with ThreadPoolExecutor(2) as pool:
        first, second = pool.map(ask, range(2))
    assert first == second and "10" in first, (first, second)
