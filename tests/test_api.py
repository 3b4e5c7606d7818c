"""The assistant's OpenAI-compatible endpoint, through the official OpenAI client."""

from __future__ import annotations

import json
from datetime import date

import openai
import pytest
from fastapi.testclient import TestClient
from kiwipiepy import Kiwi

from rag import AnswerSettings, Assistant
from rag.api import CompletionService, build_api
from search import IndexMismatchError, KiwiBM25, Retriever, VectorIndex
from serving import LLMUnavailableError
from tests.fakes import FailingLLM, ScriptedLLM, ToyEmbedder

Q = "대구시 AI 대전환 사업의 총 예산은?"


@pytest.fixture()
def retriever(sample_retriever: Retriever) -> Retriever:
    return sample_retriever


def client_for(retriever: Retriever, llm) -> TestClient:
    assistant = Assistant(
        retriever, llm, AnswerSettings(top_k=3, mode="generate"), today=date(2026, 11, 22)
    )
    return TestClient(build_api(CompletionService(assistant)))


def test_openai_client_gets_a_cited_answer(retriever: Retriever) -> None:
    http = client_for(retriever, ScriptedLLM("총 예산은 236억 원입니다 [1]."))
    oa = openai.OpenAI(base_url="http://testserver/v1", api_key="x", http_client=http)
    res = oa.chat.completions.create(
        model="ax-assist",
        messages=[{"role": "system", "content": "무시됨"}, {"role": "user", "content": Q}],
    )
    assert res.choices[0].message.content == "총 예산은 236억 원입니다 [1]."
    extra = res.model_extra or {}
    assert extra["refused"] is False
    assert extra["citations"][0]["file"] == "대구_AI대전환_사업_개요.pdf"
    assert extra["citations"][0]["location"] == "1쪽"


def test_streaming_through_the_openai_client(retriever: Retriever) -> None:
    http = client_for(retriever, ScriptedLLM("총 예산은 236억 원입니다 [1]."))
    oa = openai.OpenAI(base_url="http://testserver/v1", api_key="x", http_client=http)
    chunks = list(oa.chat.completions.create(model="ax-assist", stream=True,
                                             messages=[{"role": "user", "content": Q}]))  # fmt: skip
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text == "총 예산은 236억 원입니다 [1]."
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    assert (last.model_extra or {})["citations"][0]["page"] == 1


def test_refusal_and_bad_requests(retriever: Retriever) -> None:
    http = client_for(retriever, ScriptedLLM("문서에서 찾을 수 없습니다."))
    body = http.post("/v1/chat/completions",
                     json={"messages": [{"role": "user", "content": Q}]}).json()  # fmt: skip
    assert body["refused"] is True and body["citations"] == []
    assert http.post("/v1/chat/completions", json={"messages": []}).status_code == 422
    only_system = {"messages": [{"role": "system", "content": "x"}]}
    res = http.post("/v1/chat/completions", json=only_system)
    assert res.status_code == 400 and "질문" in res.json()["error"]["message"]
    assert http.get("/v1/models").json()["data"][0]["id"] == "ax-assist"
    assert http.get("/health").json() == {"status": "ok"}


def test_llm_down_is_a_503_with_a_korean_message(retriever: Retriever) -> None:
    http = client_for(retriever, FailingLLM(LLMUnavailableError("down")))
    res = http.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": Q}]})
    assert res.status_code == 503
    assert res.json()["error"]["message"] == LLMUnavailableError.user_message
    stream = http.post("/v1/chat/completions",
                       json={"stream": True, "messages": [{"role": "user", "content": Q}]})  # fmt: skip
    events = [line[6:] for line in stream.text.splitlines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    assert json.loads(events[-2])["error"]["type"] == "llm_unavailable"


def test_an_index_of_another_embedder_is_a_503_with_a_korean_message(kiwi: Kiwi) -> None:
    index = VectorIndex.open("other")
    index.ensure(96)  # ToyEmbedder makes other-sized vectors: built with another embedder
    mismatched = Retriever(index, ToyEmbedder(), KiwiBM25(kiwi))
    http = client_for(mismatched, ScriptedLLM("쓰이지 않음"))
    res = http.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": Q}]})
    assert res.status_code == 503
    assert res.json()["error"] == {
        "message": IndexMismatchError.user_message, "type": "index_mismatch",
        "param": None, "code": None,
    }  # fmt: skip
    stream = http.post("/v1/chat/completions",
                       json={"stream": True, "messages": [{"role": "user", "content": Q}]})  # fmt: skip
    events = [line[6:] for line in stream.text.splitlines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    assert json.loads(events[-2])["error"]["type"] == "index_mismatch"
    index.close()


def test_filters_narrow_the_search_and_bad_dates_are_a_400(retriever: Retriever) -> None:
    llm = ScriptedLLM("울산 사업입니다 [1].")
    http = client_for(retriever, llm)
    oa = openai.OpenAI(base_url="http://testserver/v1", api_key="x", http_client=http)
    res = oa.chat.completions.create(
        model="ax-assist", messages=[{"role": "user", "content": "AI 대전환 사업의 총 예산은?"}],
        extra_body={"filters": {"regions": ["울산"]}},
    )  # fmt: skip
    files = {c["file"] for c in (res.model_extra or {})["citations"]}
    assert files == {"울산_AI대전환_사업_개요.pdf"}
    prompt = llm.requests[0][-1]["content"]
    assert "대구_AI대전환_사업_개요.pdf" not in prompt  # filtered out before the prompt
    bad = http.post("/v1/chat/completions", json={
        "messages": [{"role": "user", "content": Q}], "filters": {"date_from": "2025/3/4"}})  # fmt: skip
    assert bad.status_code in (400, 422)


def test_stream_sends_the_sources_before_the_first_token_and_the_checked_answer_last(
    retriever: Retriever,
) -> None:
    http = client_for(
        retriever, ScriptedLLM("총 예산은 236억 원입니다 [1]. 국비는 999억 원입니다 [1].")
    )
    stream = http.post("/v1/chat/completions",
                       json={"stream": True, "messages": [{"role": "user", "content": Q}]})  # fmt: skip
    events = [json.loads(line[6:]) for line in stream.text.splitlines()
              if line.startswith("data: {")]  # fmt: skip
    first_text = next(i for i, e in enumerate(events) if e["choices"][0]["delta"].get("content"))
    early = next(i for i, e in enumerate(events) if e.get("sources"))
    assert early < first_text
    assert events[early]["sources"][0]["file"] == "대구_AI대전환_사업_개요.pdf"
    last = events[-1]
    assert last["choices"][0]["finish_reason"] == "stop"
    assert (
        last["answer"].startswith("총 예산은 236억 원입니다 [1].") and "999억" not in last["answer"]
    )


def test_notices_and_eligibility_over_the_api(retriever: Retriever) -> None:
    from tests.test_answer import _board

    board = _board("2026-03-20T12:00")
    assistant = Assistant(
        retriever, ScriptedLLM("x"), AnswerSettings(top_k=3, mode="generate"), notices=board
    )
    http = TestClient(build_api(CompletionService(assistant), notices=board, api_key="k"))
    auth = {"Authorization": "Bearer k"}
    assert http.get("/v1/notices").status_code == 401  # behind the same key as completions
    listing = http.get("/v1/notices", headers=auth).json()["data"]
    assert [c["status"] for c in listing] == ["open"]
    assert listing[0]["apply_end"] == "2026-03-27T18:00:00+09:00"
    assert "doc_id" not in listing[0] and "/corpus/" not in json.dumps(listing)
    later = http.get("/v1/notices", params={"open": "true", "today": "2026-04-01"}, headers=auth)
    assert later.json()["data"] == []
    bad = http.get("/v1/notices", params={"today": "2026-02-30"}, headers=auth)
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.json()["error"]["message"]
    profile = "대구 소재 중소기업, 제조업, 직원 12명, 업력 3년, 수혜 이력 없음, 결격사유 없음"
    out = http.post("/v1/eligibility", json={"profile": profile}, headers=auth).json()
    assert out["profile"]["region"] == "대구" and out["today"] == "2026-03-20"
    [result] = out["results"]
    assert result["verdict"] == "eligible" and result["notice_status"] == "open"
    assert {"text", "page", "status", "why"} <= set(result["conditions"][0])
    huge = http.post("/v1/eligibility", json={"profile": "가" * 501}, headers=auth)
    assert huge.status_code == 422 and "profile" in huge.json()["error"]["message"]
    plain = TestClient(build_api(CompletionService(assistant)))  # no cards given: no such route
    assert plain.get("/v1/notices").status_code == 404
