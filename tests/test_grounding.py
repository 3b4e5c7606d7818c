"""Grounding guards with scripted model outputs: exact expectations, computed by hand."""

from __future__ import annotations

from datetime import date

import pytest

from rag import REFUSAL, AnswerSettings, Assistant
from rag.grounding import (
    DROPPED_NOTE,
    ground_numbers,
    grounded_numbers,
    ungrounded_facts,
    year_note,
)
from search import Retriever
from tests.fakes import ScriptedLLM

PASSAGE = "대구시 AI 대전환 사업의 총 예산은 236억 원이며, 이 가운데 국비는 140억 원이다. 접수: 2026. 3. 4. 18:00까지"


@pytest.mark.parametrize(("sentence", "missing"), [
    ("총 예산은 236억 원입니다 [1].", []),
    ("총 예산은 23,600,000,000원입니다 [1].", []),  # the same amount in other units
    ("2026년 3월에 접수합니다 [1].", []),  # bare numbers inside the passage's date
    ("3월 4일 18시까지입니다 [1].", []),
    ("1. 국비는 140억 원 [1]", []),  # list numbering is no claim
    ("기업당 사업화 자금은 10억원입니다 [1].", ["amount:1000000000"]),
    ("국비 비율은 60%입니다 [1].", ["percent:60"]),
    ("마감은 3월 5일입니다 [1].", ["date:--03-05"]),
])  # fmt: skip
def test_each_fact_must_be_in_the_cited_passage(sentence: str, missing: list[str]) -> None:
    got = [f"{f.kind}:{f.value}" for f in ungrounded_facts(sentence, [PASSAGE])]
    assert got == missing


def test_a_sentence_is_checked_against_the_passage_it_cites_only() -> None:
    other = "지원 한도는 기업당 5천만 원이다."
    assert ungrounded_facts("한도는 5천만 원입니다 [1].", [PASSAGE, other]) != []
    assert ungrounded_facts("한도는 5천만 원입니다 [2].", [PASSAGE, other]) == []
    assert ungrounded_facts("한도는 5천만 원입니다.", [PASSAGE, other]) == []  # no [n]: any


def test_ungrounded_sentences_are_dropped_and_said_so() -> None:
    answer = "총 예산은 236억 원입니다 [1]. 국비는 999억 원입니다 [1]."
    out = ground_numbers(answer, [PASSAGE])
    assert out.dropped == ["국비는 999억 원입니다 [1]."]
    assert out.answer == f"총 예산은 236억 원입니다 [1].\n\n{DROPPED_NOTE}"
    assert not out.empty and grounded_numbers(out.answer, [PASSAGE])
    assert not grounded_numbers(answer, [PASSAGE])
    assert ground_numbers("예산은 7억입니다 [1].", [PASSAGE]).empty
    # a citation on a line of its own is no claim either: "[2]" and the note are not an answer
    left = ground_numbers("[1]\n예산은 7억입니다.", [PASSAGE])
    assert left.answer == f"[1]\n\n{DROPPED_NOTE}" and left.empty


def test_a_date_written_with_spaces_is_one_sentence_and_grounded() -> None:
    notice = "접수기간: 2026.1.12.(월) ~ 2026. 2.19.(목) 18:00"
    answer = '접수 기간은 "2026.1.12.(월) ~ 2026. 2.19.(목) 18:00"입니다 [1]. 늦지 마세요.'
    # split after "2026." the rest read as a number 2.19 that no passage holds: dropped
    assert ground_numbers(answer, [notice]).dropped == []
    assert grounded_numbers(answer, [notice])


def test_year_note_only_when_every_cited_document_is_of_another_year() -> None:
    q = "2026년도 소상공인 고효율기기 지원사업은 언제부터 신청받나요?"
    note = year_note(q, ["2025년도 소상공인 고효율기기 지원사업 공고문.pdf"])
    assert note.startswith("※ 질문하신 2026년이 아니라 2025년 문서를")
    assert year_note(q, ["2026년 공고.pdf", "2025년 공고.pdf"]) == ""
    assert year_note(q, ["공고문.pdf"]) == ""  # no year named: nothing to say
    assert year_note("고효율기기 지원사업은 언제부터?", ["2025년도 공고.pdf"]) == ""


def _assistant(retriever: Retriever, reply: str) -> Assistant:
    return Assistant(retriever, ScriptedLLM(reply), AnswerSettings(top_k=3, mode="generate"),
                     today=date(2026, 11, 22))  # fmt: skip


def test_the_assistant_refuses_rather_than_show_an_invented_amount(
    sample_retriever: Retriever,
) -> None:
    answer = _assistant(sample_retriever, "총 예산은 999억 원입니다 [1].").ask(
        "대구시 AI 대전환 사업의 총 예산은?")  # fmt: skip
    assert answer.refused and answer.answer == REFUSAL and answer.sources == []
    assert answer.checks["dropped"] == ["총 예산은 999억 원입니다 [1]."]
    kept = _assistant(sample_retriever, "총 예산은 236억 원입니다 [1].").ask(
        "대구시 AI 대전환 사업의 총 예산은?")  # fmt: skip
    assert not kept.refused and kept.answer == "총 예산은 236억 원입니다 [1]."
    assert kept.checks == {}


def test_our_own_notes_do_not_count_against_grounding() -> None:
    note = year_note("2026년 마감은?", ["2025년 공고.pdf"])
    assert grounded_numbers(f"마감은 3월 4일입니다 [1].\n\n{note}", [PASSAGE])


def test_list_numbers_are_no_claims_when_the_list_breaks_into_sentences() -> None:
    answer = "신청할 수 있는 기업은 다음과 같습니다 [1].  1. 대전에 본사가 있는 기업 [1] 2. 국비를 받는 기업 [1]"
    passages = ["대전에 본사가 있는 기업, 국비 140억 원을 받는 기업이 신청할 수 있다"]
    assert grounded_numbers(answer, passages) and ground_numbers(answer, passages).dropped == []


def test_a_dropped_list_item_takes_its_number_with_it() -> None:
    # allganize 3_finance showed "1. 2. 화폐발행액…": item 1 was dropped, its "1." was left
    answer = "예산은 다음과 같습니다 [1].\n\n1. 국비는 999억 원 [1].\n2. 총 예산은 236억 원 [1]."
    out = ground_numbers(answer, [PASSAGE])
    assert out.dropped == ["국비는 999억 원 [1]."]
    assert (
        out.answer == f"예산은 다음과 같습니다 [1].\n\n2. 총 예산은 236억 원 [1].\n\n{DROPPED_NOTE}"
    )
    assert not out.empty
    # kept items keep their numbers
    kept = "예산은 다음과 같습니다 [1].\n1. 총 예산은 236억 원 [1].\n2. 국비는 140억 원 [1]."
    assert ground_numbers(kept, [PASSAGE]).answer == kept


def test_an_answer_left_with_only_its_lead_in_is_empty() -> None:
    # allganize 35_public showed "…주요한 활동은 다음과 같습니다 [1].\n\n1. 2.\n\n(note)"
    answer = "주요한 활동은 다음과 같습니다 [1].\n\n1. 국비는 999억 원 [1].\n2. 예산은 7억 원 [1]."
    out = ground_numbers(answer, [PASSAGE])
    assert out.answer == f"주요한 활동은 다음과 같습니다 [1].\n\n{DROPPED_NOTE}"
    assert out.empty
    assert ground_numbers("대응책은 다음과 같습니다:\n1. 국비 999억 원 [1]", [PASSAGE]).empty
    # a sentence that says something is not a lead-in
    assert not ground_numbers("총 예산은 236억 원입니다 [1]. 국비는 999억 원 [1].", [PASSAGE]).empty


def test_a_year_matches_its_short_form_in_the_passage() -> None:
    # allganize 43_public: "2023년에 … 통합" over "개선('23년) : …통합" had been dropped
    plan = "※ 노후·저화질 CCTV 6,100여 대 교체('24년), 추진본부 구성(’23.12월), 시행 '2025"
    assert ungrounded_facts("2024년까지 6,100여 대를 교체합니다 [1].", [plan]) == []
    assert ungrounded_facts("2023년 12월에 구성합니다 [1].", [plan]) == []
    # another year, or "'2025" read as '20, is not there
    assert [f.value for f in ungrounded_facts("2022년에 시작합니다 [1].", [plan])] == ["2022"]
    assert [f.value for f in ungrounded_facts("2020년에 시작합니다 [1].", [plan])] == ["2020"]
