"""The rule look: a refused yes/no question, a verdict and the deciding sentence, checked."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from rag import REFUSAL, AnswerSettings, Assistant
from rag.rules import RULE_LEAD, Asked, Passage, Rule, find_rule, is_yes_no, unnamed
from search import KiwiBM25, Retriever
from tests.fakes import ScriptedLLM

RULE = (
    "개별 중소기업은 선정된 지역의 주관기관이 따로 내는 수요기업 모집 공고를 통해 "
    "AI 솔루션 도입 지원을 신청한다."
)
ASK = "개별 중소기업도 이 공모에 직접 신청할 수 있나요?"


@pytest.fixture()
def retriever(sample_retriever: Retriever) -> Retriever:
    return sample_retriever


def assistant(retriever: Retriever, llm: ScriptedLLM, **kw: Any) -> Assistant:
    return Assistant(
        retriever,
        llm,
        replace(AnswerSettings(top_k=3, mode="generate"), **kw),
        today=date(2026, 12, 2),
    )


def _ref_of(retriever: Retriever, question: str, text: str) -> int:
    hits = retriever.retrieve(question, 3).hits
    refs = [n for n, h in enumerate(hits, 1) if text in h.text]
    assert refs, "the sample corpus no longer holds the rule in the top 3"
    return refs[0]


@pytest.mark.parametrize(
    ("question", "yes_no"),
    [
        ("대기업도 참여할 수 있나요?", True),
        ("작년에 받았는데 올해 또 신청할 수 있나요?", True),
        ("데이터 라벨링 비용을 쓸 수 있나요", True),
        ("대전에 있는 AI 스타트업도 지원 대상인가요?", True),
        ("어떤 기업이 신청할 수 있나요?", False),
        ("신청은 언제까지 해야 하나요?", False),
        ("몇 개 기관을 선정하나요?", False),
        ("대구시 AI 대전환 사업의 총 예산은?", False),
        ("성장한 회사들의 예시를 구체적으로 말해줄 수 있나요?", False),  # a request
        ("지원 내용을 알려 주실 수 있나요?", False),
    ],
)
def test_yes_no_questions_are_told_from_open_ones(question: str, yes_no: bool) -> None:
    assert is_yes_no(question) is yes_no


RULE_TEXT = f"{RULE_LEAD} “{RULE}”"


def asked(kiwi, question: str) -> Asked:
    sparse = KiwiBM25(kiwi)
    return Asked(sparse.asked_about(question), sparse.topics(question))


def test_what_the_question_asks_about(kiwi) -> None:
    sparse = KiwiBM25(kiwi)
    assert sparse.asked_about("해외 전시회 참가 항공료도 지원하나요?") == [
        ["해외", "전시회", "참가", "항공료"]
    ]
    assert sparse.asked_about("항공권과 숙박비를 지원하나요?") == [["항공권", "숙박비"]]
    assert sparse.asked_about("영어가 어려운 기업을 위해 통역을 제공하나요?") == [
        ["영어"],
        ["기업"],
        ["통역"],
    ]
    assert sparse.asked_about("이 사업은 자동으로 연장되나요?") == []  # a topic is not asked
    assert sparse.topics("회사 소개자료는 한국어 자료만 준비하면 되나요?") == [
        ["회사", "소개", "자료"]
    ]
    assert unnamed([["해외", "전시회", "참가", "항공료"]], "해외 전시회 참가비 지원") == ["항공료"]
    # a topic may be the program itself, named in the document's title only
    a = asked(kiwi, "글로벌화 사전검증 지원사업은 통역을 제공하나요?")
    assert a.unnamed_in("통역은 지원되지 않음", "2026년 글로벌화 사전검증 지원사업 공고") == []
    assert a.unnamed_in("통역은 지원되지 않음", "AI바우처 공고") == [
        "글로벌",
        "사전",
        "검증",
        "사업",
    ]


def test_the_sentence_that_names_what_is_asked_is_quoted(kiwi) -> None:
    terms = KiwiBM25(kiwi).terms
    q = "영어가 어려운 기업을 위해 프로그램에서 통역을 제공하나요?"
    passages = [
        Passage("□ 우대사항\n- 영어 의사소통 역량을 보유한 기업 우대", "공고"),
        Passage(
            "□ 프로그램\n- 현지 프로그램 운영\n※ 프로그램 운영 과정에서 별도의 통역이 지원되지 않으므로,"
            "\n원활한 비즈니스 영어 의사소통이 가능한 기업을 우대함",
            "공고",
        ),
    ]
    rule = find_rule(q, passages, terms, asked(kiwi, q))
    sentence = (
        "※ 프로그램 운영 과정에서 별도의 통역이 지원되지 않으므로, 원활한 비즈니스 영어 "
        "의사소통이 가능한 기업을 우대함"
    )
    assert rule == Rule(f"{RULE_LEAD} “{sentence}” [2]", 2, sentence)
    # a PDF line that ran on into the next outline item is quoted up to that item only
    q = "상시근로자가 20명보다 적은 스타트업도 지원받을 수 있나요?"
    run_on = [
        Passage(
            "- 상시근로자 20인 이상 기업 우선, 20인 미만(예: 스타트업) 기업 지원 ㅇ (기타) 추후 안내",
            "",
        )
    ]
    rule = find_rule(q, run_on, terms, asked(kiwi, q))
    assert rule is not None and rule.sentence.endswith("기업 지원")
    # the heading path ingest puts in front of a PDF passage is where it sits, not its words
    placed = [Passage(f"(2. 지원대상 > □ 신청자격)\n{run_on[0].text}", "")]
    rule = find_rule(q, placed, terms, asked(kiwi, q))
    assert rule is not None and rule.sentence.startswith("- 상시근로자 20인 이상")
    # a table row is a statement of its own, not one sentence with the rows around it
    q = "회사 소개자료는 영문 자료도 제출해야 하나요?"
    rows = (
        "연번: 5 · 항목: 국세, 지방세 및 4대 보험 완납 증명서 · 양식구분: 별도양식\n"
        "연번: 6 · 항목: 회사 국·영문 소개자료 · 양식구분: 별도양식 · 제출형태: PDF\n"
        "연번: 7 · 항목: 기타 투자실적, 매출실적 증빙 등 · 양식구분: 해당 시"
    )
    rule = find_rule(q, [Passage(rows, "공고")], terms, asked(kiwi, q))
    assert rule is not None
    assert (
        rule.sentence
        == "연번: 6 · 항목: 회사 국·영문 소개자료 · 양식구분: 별도양식 · 제출형태: PDF"
    )
    # what is asked about is named nowhere: no rule, however many words it shares
    q = "프로그램에서 영어 기업에게 숙소를 제공하나요?"
    assert find_rule(q, passages, terms, asked(kiwi, q)) is None
    # a number of the question must be in the rule that bears on it
    money = [Passage("- 기업당 지원금: 최대 5천만 원", "공고")]
    q = "기업당 지원금을 1억 원 받을 수 있나요?"
    assert find_rule(q, money, terms, asked(kiwi, q)) is None
    q = "기업당 지원금을 5천만 원 받을 수 있나요?"
    assert find_rule(q, money, terms, asked(kiwi, q)) is not None
    # fewer than half the question's content terms: not about this question
    q = "영어 교육 과정을 온라인으로 수강해도 수료 인정이 되나요?"
    assert find_rule(q, passages, terms, asked(kiwi, q)) is None


def test_a_refused_yes_no_question_gets_the_rule_quoted(retriever: Retriever) -> None:
    ref = _ref_of(retriever, ASK, RULE)
    llm = ScriptedLLM(REFUSAL)
    stream = assistant(retriever, llm).stream(ASK)
    shown = "".join(stream)
    ans = stream.result
    assert ans is not None and not ans.refused
    assert ans.answer == f"{RULE_TEXT} [{ref}]"
    assert shown == ans.answer and "찾을 수 없습니다" not in shown
    assert ans.checks["rule_look"] == ref
    assert [s.ref for s in ans.sources] == [ref]
    assert len(llm.requests) == 1  # the rule is found without the model: no second look


def test_an_answer_whose_passages_never_name_what_is_asked_is_refused(
    retriever: Retriever,
) -> None:
    # the small model echoes the question as a fact, with a citation
    q = "개별 중소기업의 해외 출장 항공료도 지원하나요?"
    llm = ScriptedLLM("네, 해외 출장 항공료도 지원합니다 [1].")
    ans = assistant(retriever, llm).ask(q)
    assert ans.refused and ans.answer == REFUSAL
    assert ans.checks["unnamed"] == ["해외", "출장", "항공료"]
    assert len(llm.requests) == 1  # no rule bears on it; the second look needs a model refusal


def test_open_questions_and_rule_look_off_get_no_rule(retriever: Retriever) -> None:
    llm = ScriptedLLM(REFUSAL)
    ans = assistant(retriever, llm, second_look=0).ask("개별 중소기업은 어떻게 신청하나요?")
    assert ans.refused and "rule_look" not in ans.checks
    ans = assistant(retriever, llm, second_look=0, rule_look=False).ask(ASK)
    assert ans.refused and "rule_look" not in ans.checks
