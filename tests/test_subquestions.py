"""Questions in several parts: each part searched alone, every side in the prompt."""

from __future__ import annotations

from datetime import date

import pytest

from korean import particle_after
from rag import AnswerSettings, Assistant
from rag.subquestions import clause_questions, coordinated_questions, sub_questions
from search import Coordination, KiwiBM25, Retriever
from tests.fakes import ScriptedLLM

BOTH = "대구와 울산의 AI 대전환 사업 예산은 각각 얼마인가요?"


def test_each_conjunct_gets_the_rest_of_the_sentence() -> None:
    question = "IP스타기업과 글로벌화 사업의 마감일은 각각 언제인가요?"
    spans = [(0, 6), (8, 15)]  # "IP스타기업", "글로벌화 사업", counted by hand
    assert sub_questions(question, lambda _: spans) == [
        "IP스타기업의 마감일은 각각 언제인가요?",
        "글로벌화 사업의 마감일은 각각 언제인가요?",
    ]


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        (
            "글로벌 IP스타기업과 글로벌화 사전검증 지원사업의 신청 마감일은 각각 언제인가요?",
            ["글로벌 IP스타기업의 신청 마감일은 각각 언제인가요?",
             "글로벌화 사전검증 지원사업의 신청 마감일은 각각 언제인가요?"],
        ),
        (
            "PCT 출원 및 상표 출원의 지원한도를 합치면 얼마인가요?",
            ["PCT 출원의 지원한도를 합치면 얼마인가요?", "상표 출원의 지원한도를 합치면 얼마인가요?"],
        ),
        ("AI바우처와 AI청년창업 바우처는 지원금액이 어떻게 다른가요?",
         ["AI바우처는 지원금액이 어떻게 다른가요?", "AI청년창업 바우처는 지원금액이 어떻게 다른가요?"]),
        ("항공권과 숙박비를 지원하나요?", []),  # one question about both: no cue for parts
        ("두 사업의 차이는 무엇인가요?", []),  # parts not named: nothing to split
    ],
)  # fmt: skip
def test_parts_are_read_with_kiwi(kiwi, question: str, parts: list[str]) -> None:
    assert sub_questions(question, KiwiBM25(kiwi).conjuncts) == parts


def test_parts_are_searched_alone_and_their_hits_taken_in_turn(sample_retriever: Retriever):
    parts = sub_questions(BOTH, sample_retriever.sparse.conjuncts)
    assert parts == ["대구의 AI 대전환 사업 예산은 각각 얼마인가요?",
                     "울산의 AI 대전환 사업 예산은 각각 얼마인가요?"]  # fmt: skip
    whole = sample_retriever.retrieve(BOTH, 3).hits
    each = [sample_retriever.retrieve(p, 3).hits for p in parts]
    merged = sample_retriever.retrieve_parts(BOTH, parts, 3).hits
    expected = whole[:1]  # the whole question's best first, then the parts' in turn
    for rank in range(3):
        for hits in each:
            if hits[rank].id not in [h.id for h in expected]:
                expected.append(hits[rank])
    assert [h.id for h in merged] == [h.id for h in expected[:4]]  # k + parts - 1
    files = {h.file for h in merged}
    assert {"대구_AI대전환_사업_개요.pdf", "울산_AI대전환_사업_개요.pdf"} <= files


def test_the_assistant_reads_every_part_and_says_so(sample_retriever: Retriever) -> None:
    llm = ScriptedLLM("대구와 울산의 예산은 문서에 각각 적혀 있습니다 [1][2].")
    bot = Assistant(
        sample_retriever, llm, AnswerSettings(top_k=3, mode="generate"), today=date(2026, 12, 2)
    )
    answer = bot.ask(BOTH)
    prompt = llm.requests[0][-1]["content"]
    assert "대구_AI대전환_사업_개요.pdf" in prompt and "울산_AI대전환_사업_개요.pdf" in prompt
    assert answer.checks["parts"] == (
        "대구의 AI 대전환 사업 예산은 각각 얼마인가요? | 울산의 AI 대전환 사업 예산은 각각 얼마인가요?"
    )
    off = Assistant(
        sample_retriever,
        ScriptedLLM("x"),
        AnswerSettings(top_k=3, sub_questions=False, mode="generate"),
    )
    assert off.retrieve(BOTH).hits == sample_retriever.retrieve(BOTH, 3).hits
    assert "parts" not in off.ask(BOTH).checks


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        ("AI바우처의 지원 한도는 얼마이며, 신청 마감은 언제인가요?",
         ["AI바우처의 지원 한도는 얼마이며", "신청 마감은 언제인가요?"]),
        ("이 사업은 언제 시작되었고 그 결과는 어떻게 평가되었나요?",
         ["이 사업은 언제 시작되었고", "그 결과는 어떻게 평가되었나요?"]),
        # predicates of one clause: "분석하고 집계하는", "제시하고 있으며"
        ("이 보고서는 무엇을 분석하고 집계하는 자료이며, 결과는 어떻게 쓰이나요?",
         ["이 보고서는 무엇을 분석하고 집계하는 자료이며", "결과는 어떻게 쓰이나요?"]),
        ("센터는 어떤 방안을 제시하고 있으며, 이를 어떻게 추진하나요?",
         ["센터는 어떤 방안을 제시하고 있으며", "이를 어떻게 추진하나요?"]),
        # two sentences, or clauses joined by 그리고 after a comma
        ("센터의 역할은 무엇인가요? 그리고 이를 통해 기업을 어떻게 돕나요?",
         ["센터의 역할은 무엇인가요?", "그리고 이를 통해 기업을 어떻게 돕나요?"]),
        ("요청 사항은 무엇인지, 그리고 지자체는 어떤 조치를 해야 하는지 설명해 주세요.",
         ["요청 사항은 무엇인지", "그리고 지자체는 어떤 조치를 해야 하는지 설명해 주세요."]),
        ("어떤 서류가 필요한지 설명해 주세요.", []),  # one ask: "…인지" embedded in a request
        ("신청할 수 있나요? 마감은 언제인가요?", []),  # a yes/no sentence is not an open part
        ("사업 목적은 무엇이고 예산은 늘었나요?", []),  # the second clause asks nothing open
        ("교육을 받고 수료하면 무엇을 주나요?", []),  # the first clause asks nothing
    ],
)  # fmt: skip
def test_a_question_asking_two_things_in_one_sentence_is_read_clause_by_clause(
    kiwi, question: str, parts: list[str]
) -> None:
    assert clause_questions(question, KiwiBM25(kiwi).clause_ends) == parts


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        ("2025년 수출바우처 사업의 총 예산과 기업당 지원 한도는 얼마인가요?",
         ["2025년 수출바우처 사업의 총 예산은 얼마인가요?", "기업당 지원 한도는 얼마인가요?"]),
        ("참여기업이 가장 많은 업종과 지원금이 가장 큰 과제 유형은 무엇인가요?",
         ["참여기업이 가장 많은 업종은 무엇인가요?", "지원금이 가장 큰 과제 유형은 무엇인가요?"]),
        ("센터의 운영 기간과 입주 기업이 내는 임대료는 얼마인가요?",
         ["센터의 운영 기간은 얼마인가요?", "입주 기업이 내는 임대료는 얼마인가요?"]),
        # a clause on the left keeps its own ending
        ("협약 기간을 연장할 수 있는지와, 그 경우 제출해야 하는 서류는 무엇인가요?",
         ["협약 기간을 연장할 수 있는지", "그 경우 제출해야 하는 서류는 무엇인가요?"]),
        # "X와" inside the phrase asked about: one thing
        ("대학과 협력하는 기관은 어디인가요?", []),
        ("지자체와 함께 참여하는 기관은 어디인가요?", []),
        ("수요기업과 공급기업이 함께 내는 서류는 무엇인가요?", []),
        ("대구와 부산에서 열리는 설명회는 언제인가요?", []),
        ("AI바우처와 데이터바우처의 차이는 무엇인가요?", []),
        ("사업의 주관기관과 참여기업이 함께 내는 서류는 무엇인가요?", []),
        ("교육과 컨설팅을 지원하나요?", []),
        ("'연구와 개발' 지원 규모는 얼마인가요?", []),  # a name in quotes
        ("「기술 개발과 사업화」 과제 유형은 무엇인가요?", []),
    ],
)  # fmt: skip
def test_two_phrases_asked_with_one_predicate_are_two_parts(
    kiwi, question: str, parts: list[str]
) -> None:
    assert coordinated_questions(question, KiwiBM25(kiwi).coordination) == parts


def test_each_coordinated_part_takes_the_question_s_predicate_with_its_own_particle() -> None:
    question = "사업 예산과 지원 인원은 얼마인가요?"
    found = Coordination(joint=(5, 6), marker=(12, 13), particle="은", left_is_clause=False)
    assert coordinated_questions(question, lambda _: found) == [
        "사업 예산은 얼마인가요?", "지원 인원은 얼마인가요?"
    ]  # fmt: skip
    assert coordinated_questions(question, lambda _: None) == []
    assert [particle_after(w, "은") for w in ("규모", "요건", "AI", "")] == ["는", "은", "은", "은"]
    assert [particle_after(w, "가") for w in ("기관", "대상자")] == ["이", "가"]


def test_clauses_past_the_last_part_stay_in_it() -> None:
    question = "A는 무엇이며, B는 무엇이며, C는 무엇이며, D는 무엇이며, E는 무엇인가요?"
    ends = [question.index("며", i) + 1 for i in (0, 10, 20, 30)]  # after each "무엇이며"
    assert clause_questions(question, lambda _: ends) == [
        "A는 무엇이며", "B는 무엇이며", "C는 무엇이며", "D는 무엇이며 E는 무엇인가요?"
    ]  # fmt: skip
