"""Answers by selection (issue 29): passages -> units, the model's JSON choice checked against
them, the answer composed by code; partial answers, arithmetic, and the whole path in the
Assistant with scripted model outputs whose effect can be computed by hand."""

from __future__ import annotations

import json
from datetime import date

import pytest

from rag import REFUSAL, AnswerSettings, Assistant
from rag.arithmetic import compute
from rag.prompts import PICK_PART_USER, PICK_USER, pick_schema, selection_schema
from rag.selection import NOT_FOUND, QUOTE_LEAD, compose, covers, parse_pick, parse_selection
from rag.units import Unit, make_units, shortlist
from search import Retriever
from tests.fakes import ScriptedLLM

NOTICE = """(1. 사업개요 > □ 지원대상)
◦ 아래 내역에 해당하는 글로벌(북미) 시장 진출 희망 대전시 소재 기업
- 대전에 본사, 지사, 또는 기업부설연구소가 소재한 기업
- 대전시 공공기술연계 사회문제해결 R&BD 사업 수행기업 또는 AI·딥테크
기반 기업 중 해외 PoC 가능 기업
□ 선정규모
구분: Track1 · 지원규모: 4개사 내외 · 지원대상: R&BD 사업 수행기업
구분: Track2 · 지원규모: 4개사 내외 · 지원대상: AI·딥테크 기반 기업"""


def test_a_passage_becomes_items_rows_and_sentences_under_their_headings() -> None:
    units = make_units(
        [NOTICE, "| 항목 | 금액 |\n|---|---|\n| 국비 | 140억 원 |\n\n둘째 문장입니다."]
    )
    texts = [(u.ref, u.section, u.text) for u in units]
    assert texts == [
        (1, "지원대상", "◦ 아래 내역에 해당하는 글로벌(북미) 시장 진출 희망 대전시 소재 기업"),
        (1, "지원대상", "- 대전에 본사, 지사, 또는 기업부설연구소가 소재한 기업"),
        (
            1,
            "지원대상",
            "- 대전시 공공기술연계 사회문제해결 R&BD 사업 수행기업 또는 AI·딥테크 기반 기업 중 해외 PoC 가능 기업",
        ),
        (1, "선정규모", "구분: Track1 · 지원규모: 4개사 내외 · 지원대상: R&BD 사업 수행기업"),
        (1, "선정규모", "구분: Track2 · 지원규모: 4개사 내외 · 지원대상: AI·딥테크 기반 기업"),
        (2, "", "항목: 국비 · 금액: 140억 원"),
        (2, "", "둘째 문장입니다."),
    ]
    assert [u.n for u in units] == list(range(1, 8))
    assert units[1].shown == "대전에 본사, 지사, 또는 기업부설연구소가 소재한 기업"


def test_a_statement_two_overlapping_chunks_hold_is_kept_once() -> None:
    a = "첫 문장입니다. 두 번째 문장은 겹칩니다."
    b = "두 번째 문장은 겹칩니다. 세 번째 문장입니다."
    assert [u.text for u in make_units([a, b])] == [
        "첫 문장입니다.", "두 번째 문장은 겹칩니다.", "세 번째 문장입니다."
    ]  # fmt: skip


def test_the_shortlist_keeps_the_best_units_in_document_order() -> None:
    units = [Unit(i, 1, t) for i, t in enumerate(
        ["사과는 빨갛다.", "예산은 236억 원이다.", "국비는 140억 원이다.", "바나나는 노랗다."], 1)]  # fmt: skip

    def terms(text: str) -> list[str]:
        return [w for w in ("예산", "236억", "국비", "사과") if w in text]

    picked = shortlist("예산은 얼마?", units, terms, max_units=2, max_chars=1000)
    assert [u.text for u in picked] == ["예산은 236억 원이다.", "국비는 140억 원이다."]
    assert [u.n for u in picked] == [1, 2]  # renumbered for the prompt


def test_statement_vectors_are_kept_between_questions_within_a_bound() -> None:
    """Only statements not seen before are embedded; the least recently used goes first."""
    import numpy as np

    from rag.units import UnitVectors

    asked: list[list[str]] = []

    def embed(texts: object) -> np.ndarray:
        batch = list(texts)  # type: ignore[call-overload]
        asked.append(batch)
        return np.array([[len(t), 1.0] for t in batch], dtype=np.float32)

    vectors = UnitVectors(embed, size=3)
    first = vectors(["가", "나나", "가"])
    assert asked == [["가", "나나"]] and [v.tolist() for v in first] == [[1, 1], [2, 1], [1, 1]]
    vectors(["나나", "다다다"])
    assert asked[-1] == ["다다다"]  # "나나" was kept
    vectors(["라라라라"])  # four kept > 3: "가", the least recently used, is dropped
    vectors(["가", "다다다"])
    assert asked[-1] == ["가"]
    assert [v.tolist() for v in vectors([])] == [] and len(asked) == 4


UNITS = [Unit(1, 1, "- 대전에 본사, 지사, 또는 기업부설연구소가 소재한 기업", "지원대상"),
         Unit(2, 1, "구분: Track1 · 지원규모: 4개사 내외", "선정규모"),
         Unit(3, 2, "총 예산은 140억 원이다."), Unit(4, 3, "총 예산은 96억 원이다.")]  # fmt: skip


def reply(*parts: dict) -> str:
    return json.dumps({"parts": list(parts)}, ensure_ascii=False)


def part(kind: str, units: list[int], answer: str = "", verdict: str = "none") -> dict:
    return {"answer": answer, "units": units, "type": kind, "verdict": verdict}


def words(text: str) -> list[str]:
    """A stand-in for Kiwi's content morphemes: the Korean and Latin word stems."""
    import re

    return [w[:2] for w in re.findall(r"[가-힣A-Za-z]+", text)]


def test_the_choice_is_checked_against_the_units_shown() -> None:
    sel = parse_selection(reply(part("value", [2, 9, 2], "4개사 내외")), 1, UNITS, words)
    assert sel.valid and sel.parts[0].units == (2,) and sel.parts[0].value == "4개사 내외"
    assert "unit 9 (not in the list)" in sel.dropped
    invented = parse_selection(reply(part("value", [2], "10개사")), 1, UNITS, words)
    assert invented.parts[0].value == "" and invented.parts[0].dropped_answer == "10개사"
    assert compose("몇 개사?", ["q"], invented, UNITS).refused  # no unit holds the answer
    for broken in ("", "{", '{"parts": 3}', "[1, 2]"):
        sel = parse_selection(broken, 2, UNITS, words)
        assert sel.empty and not sel.valid and len(sel.parts) == 2
    assert parse_selection(reply(part("none", [])), 1, UNITS, words).empty


def test_the_unit_that_holds_the_answer_is_cited_whatever_the_model_named() -> None:
    sel = parse_selection(reply(part("value", [1], "140억 원")), 1, UNITS, words)
    assert sel.parts[0].units == (3,) and sel.parts[0].value == "140억 원"
    by_value = parse_selection(reply(part("value", [3], "140억원")), 1, UNITS, words)
    assert by_value.parts[0].units == (3,)  # spacing aside


def test_the_answer_is_the_units_own_words_cited() -> None:
    sel = parse_selection(reply(part("list", [1])), 1, UNITS)
    out = compose("대전의 어떤 기업이 신청할 수 있나요?", ["q"], sel, UNITS)
    assert not out.refused
    assert (
        out.text.splitlines()[-1]
        == "- (지원대상) 대전에 본사, 지사, 또는 기업부설연구소가 소재한 기업 [1]"
    )
    valued = compose("몇 개사를 뽑나요?", ["q"], parse_selection(
        reply(part("value", [2], "4개사 내외")), 1, UNITS), UNITS)  # fmt: skip
    assert valued.text.startswith("**4개사 내외** [1]")
    none = compose("q", ["q"], parse_selection(reply(part("none", [])), 1, UNITS), UNITS)
    assert none.refused and none.text == REFUSAL


def test_a_part_with_no_unit_says_so_and_the_other_part_is_answered() -> None:
    parts = ["A 사업의 지원 규모는?", "B 사업의 지원 규모는?"]
    sel = parse_selection(
        reply(part("value", [2], "4개사 내외"), part("none", [])), 2, UNITS, words
    )
    out = compose("A와 B의 지원 규모는 각각?", parts, sel, UNITS)
    lines = out.text.splitlines()
    assert not out.refused and out.checks["parts_unanswered"] == 1
    assert lines[0] == "**1) A 사업의 지원 규모는?**" and "4개사 내외" in lines[1]
    assert lines[-2:] == ["**2) B 사업의 지원 규모는?**", NOT_FOUND]


def test_a_count_does_not_answer_where_or_when() -> None:
    """A place or a time is never a bare number of things: "4개사 내외", held by its unit, is
    no answer to "어디에 내나요?" or "언제 뽑나요?"; that part says not found, the other
    part is still answered, and nothing of it shows early."""
    from rag.selection import EarlyView

    count = part("value", [2], "4개사 내외")
    for asked in ("신청서는 어디에 내나요?", "선정 결과는 언제 나오나요?"):
        sel = parse_selection(reply(count), 1, UNITS, words, [asked])
        assert sel.empty and "answer '4개사 내외' (a count for a where or when question)" in (
            sel.dropped
        )
        assert EarlyView([asked], UNITS, words, asked, yes_no=False).feed(reply(count)) == ""
    parts = ["언제 뽑나요?", "예산은 얼마인가요?"]
    sel = parse_selection(reply(count, part("value", [3], "140억 원")), 2, UNITS, words, parts)
    assert sel.parts[0].units == () and sel.parts[1].value == "140억 원"
    # how many, asked with where or when, may be a count; a time may be written in months
    for asked in ("언제 몇 개사를 뽑나요?", "어디에서 얼마나 뽑나요?"):
        assert parse_selection(reply(count), 1, UNITS, words, [asked]).parts[0].value
    months = [Unit(1, 1, "협약 후 3개월 이내에 결과보고서를 낸다.")]
    held = parse_selection(reply(part("value", [1], "3개월 이내")), 1, months, words,
                           ["결과보고서는 언제까지 내나요?"])  # fmt: skip
    assert held.parts[0].value == "3개월 이내"


def test_a_sum_the_question_asks_for_is_computed_and_shown() -> None:
    sel = parse_selection(reply(part("value", [3], "140억 원"), part("value", [4], "96억 원")), 2,
                          UNITS, words)  # fmt: skip
    out = compose("두 사업 예산을 합치면 얼마인가요?", ["A 예산은?", "B 예산은?"], sel, UNITS)
    assert out.text.splitlines()[-1] == "계산: 140억 원 + 96억 원 = 236억 원 [2] [3]"
    assert out.checks["computed"] == "140억 원 + 96억 원 = 236억 원"


@pytest.mark.parametrize(("question", "values", "shown"), [
    ("합치면 얼마인가요?", ["140억 원", "96억 원"], "140억 원 + 96억 원 = 236억 원"),
    ("얼마나 적나요?", ["31개", "79개"], "79개 − 31개 = 48개"),
    ("증가율 차이는?", ["28.7%", "12.5%"], "28.7% − 12.5% = 16.2%p"),
    ("몇 배인가요?", ["300억 원", "100억 원"], "300억 원 ÷ 100억 원 = 3.00배"),
    ("합계는?", ["796,338백만원", "1,000백만원"], "796,338백만원 + 1,000백만원 = 7,973억 3,800만 원"),
])  # fmt: skip
def test_arithmetic_in_code(question: str, values: list[str], shown: str) -> None:
    result = compute(question, values)
    assert result is not None and result.shown == shown


def test_no_arithmetic_unless_asked_or_over_unlike_values() -> None:
    assert compute("예산은 얼마인가요?", ["140억 원", "96억 원"]) is None
    assert compute("합치면?", ["140억 원", "28%"]) is None
    assert compute("합치면?", ["140억 원"]) is None
    # "통합하고", "종합하면": words that hold 합 but ask no sum
    assert compute("어떤 훈련들을 통합하고 어떤 훈련을 신설하나요?", ["3개", "2개"]) is None
    assert compute("종합하면 예산은 각각 얼마인가요?", ["140억 원", "96억 원"]) is None
    assert compute("두 예산을 합하면?", ["140억 원", "96억 원"]) is not None


def test_the_schema_allows_only_the_units_shown() -> None:
    schema = selection_schema(2, 3)
    parts = schema["properties"]["parts"]  # type: ignore[index]
    assert parts["minItems"] == parts["maxItems"] == 2
    assert parts["items"]["properties"]["units"]["items"]["enum"] == [1, 2, 3]
    assert list(parts["items"]["properties"]) == ["answer", "units", "type", "verdict"]


# --- the whole path in the Assistant -------------------------------------------------------------

Q = "대구시 AI 대전환 사업의 총 예산은?"


def select_assistant(retriever: Retriever, llm: ScriptedLLM) -> Assistant:
    return Assistant(retriever, llm, AnswerSettings(top_k=3, mode="select"),
                     today=date(2026, 11, 22))  # fmt: skip


def unit_number(llm: ScriptedLLM, needle: str) -> int:
    """The number the prompt gave the unit holding `needle` (what a model would choose)."""
    for line in llm.requests[0][1]["content"].splitlines():
        if needle in line and line.startswith("["):
            return int(line[1 : line.index("]")])
    raise AssertionError(f"{needle!r} not in the prompt")


def test_the_assistant_quotes_the_chosen_unit(sample_retriever: Retriever) -> None:
    probe = ScriptedLLM(reply(part("none", [])))
    select_assistant(sample_retriever, probe).ask(Q)
    n = unit_number(probe, "총 예산은 236억")
    llm = ScriptedLLM(reply(part("value", [n], "236억 원")))
    stream = select_assistant(sample_retriever, llm).stream(Q)
    text = "".join(stream)
    ans = stream.result
    assert ans is not None and not ans.refused and text == ans.answer
    assert ans.answer.startswith("**236억 원** [1]")
    assert "대구시 AI 대전환 사업의 총 예산은 236억 원이며" in ans.answer
    assert ans.sources[0].file == "대구_AI대전환_사업_개요.pdf" and ans.sources[0].page == 1
    assert ans.checks["mode"] == "select" and ans.checks["selected"] == [[n]]
    schema = llm.schemas[0]
    assert isinstance(schema, dict) and schema["required"] == ["parts"]
    assert "[질문]" in llm.requests[0][1]["content"]


def test_a_question_asking_two_things_is_answered_clause_by_clause(
    sample_retriever: Retriever,
) -> None:
    """ "…얼마이며, …언제인가요?": the first clause's answer does not stand for the whole; the
    clause the documents do not answer says so. Searched once, as a whole; the model may write
    an answer for every part."""
    asked = "대구시 AI 대전환 사업의 총 예산은 얼마이며, 입주 기업 수는 몇 곳인가요?"
    probe = ScriptedLLM(reply(part("none", []), part("none", [])))
    select_assistant(sample_retriever, probe).ask(asked)
    n = unit_number(probe, "총 예산은 236억")
    llm = ScriptedLLM(reply(part("value", [n], "236억 원"), part("none", [])))
    ans = select_assistant(sample_retriever, llm).ask(asked)
    assert not ans.refused
    assert (
        ans.checks["parts"]
        == "대구시 AI 대전환 사업의 총 예산은 얼마이며 | 입주 기업 수는 몇 곳인가요?"
    )
    lines = ans.answer.splitlines()
    assert lines[0] == "**1) 대구시 AI 대전환 사업의 총 예산은 얼마이며**"
    assert lines[1] == "**236억 원** [1]"
    assert lines[-2:] == ["**2) 입주 기업 수는 몇 곳인가요?**", NOT_FOUND]
    schema = llm.schemas[0]
    assert isinstance(schema, dict)
    assert schema["properties"]["parts"]["minItems"] == 2
    assert llm.max_tokens[0] == 2 * AnswerSettings().select_max_tokens
    assert "1) 대구시 AI 대전환 사업의 총 예산은 얼마이며" in llm.requests[0][1]["content"]
    assert ans.checks["parts_second_pick"] == {"2": []}  # looked at again, nothing found
    whole = AnswerSettings(top_k=3, mode="select", clause_parts=False)
    one = ScriptedLLM(reply(part("value", [n], "236억 원")))
    Assistant(sample_retriever, one, whole, today=date(2026, 11, 22)).ask(asked)
    alone = one.schemas[0]
    assert isinstance(alone, dict) and alone["properties"]["parts"]["minItems"] == 1


def test_two_phrases_asked_with_one_predicate_are_answered_part_by_part(
    sample_retriever: Retriever,
) -> None:
    """ "총 예산과 입주 기업 수는 얼마인가요?" asks two things: the budget stated does not
    answer the count, which says so on its own."""
    asked = "대구시 AI 대전환 사업의 총 예산과 입주 기업 수는 얼마인가요?"
    probe = ScriptedLLM(reply(part("none", []), part("none", [])))
    select_assistant(sample_retriever, probe).ask(asked)
    n = unit_number(probe, "총 예산은 236억")
    llm = ScriptedLLM(reply(part("value", [n], "236억 원"), part("none", [])))
    ans = select_assistant(sample_retriever, llm).ask(asked)
    assert ans.checks["parts"] == (
        "대구시 AI 대전환 사업의 총 예산은 얼마인가요? | 입주 기업 수는 얼마인가요?"
    )
    lines = ans.answer.splitlines()
    assert lines[:2] == ["**1) 대구시 AI 대전환 사업의 총 예산은 얼마인가요?**", "**236억 원** [1]"]
    assert lines[-2:] == ["**2) 입주 기업 수는 얼마인가요?**", NOT_FOUND]
    schema = llm.schemas[0]
    assert isinstance(schema, dict) and schema["properties"]["parts"]["minItems"] == 2


def test_the_first_part_shows_while_the_model_writes_the_others(
    sample_retriever: Retriever,
) -> None:
    """A question asking two things: part 1's lines stream as soon as the model closes its
    object, before the reply ends; the answer read at the end begins with the same lines."""
    asked = "대구시 AI 대전환 사업의 총 예산은 얼마이며, 입주 기업 수는 몇 곳인가요?"
    probe = ScriptedLLM(reply(part("none", []), part("none", [])))
    select_assistant(sample_retriever, probe).ask(asked)
    n = unit_number(probe, "총 예산은 236억")
    text = reply(part("value", [n], "236억 원"), part("none", []))
    llm = ScriptedLLM(text)
    stream = select_assistant(sample_retriever, llm).stream(asked)
    seen: list[str] = []
    for delta in stream:
        if delta:
            seen.append(delta)
    ans = stream.result
    assert ans is not None and len(seen) == 2  # part 1, then the rest at the end
    first = seen[0].splitlines()
    assert first[:3] == [
        "**1) 대구시 AI 대전환 사업의 총 예산은 얼마이며**",
        "**236억 원** [1]",
        "근거:",
    ]
    assert first[3].startswith("- ") and "236억" in first[3] and seen[0].endswith("\n")
    assert ans.answer == "".join(seen) and ans.answer.startswith(seen[0])
    assert NOT_FOUND in seen[1] and NOT_FOUND not in seen[0]
    # cut before the reply's end (max_tokens): what was shown stays the answer's first part
    cut = ScriptedLLM(text[: text.index("}") + 3])
    short = select_assistant(sample_retriever, cut).ask(asked)
    assert not short.refused and short.answer.startswith(seen[0])
    assert short.checks["selection_invalid"] is True
    # a first part with no statement is not shown early: nothing streams before the end
    none_first = ScriptedLLM(reply(part("none", []), part("value", [n], "236억 원")))
    late = [d for d in select_assistant(sample_retriever, none_first).stream(asked) if d]
    assert len(late) == 1 and late[0].startswith("**1) ")


def test_the_assistant_refuses_when_nothing_is_chosen(sample_retriever: Retriever) -> None:
    ans = select_assistant(sample_retriever, ScriptedLLM(reply(part("none", [])))).ask(Q)
    assert ans.refused and ans.answer == REFUSAL and ans.sources == [] and ans.related


def test_a_yes_no_answer_must_name_what_is_asked(sample_retriever: Retriever) -> None:
    """ "…항공료도 지원하나요?" is not decided by a sentence that never names 항공료."""
    q = "대구시 AI 대전환 사업은 항공료도 지원하나요?"
    probe = ScriptedLLM(reply(part("none", [])))
    select_assistant(sample_retriever, probe).ask(q)
    n = unit_number(probe, "총 예산은 236억")
    ans = select_assistant(sample_retriever,
                           ScriptedLLM(reply(part("yes_no", [n], verdict="yes")))).ask(q)  # fmt: skip
    assert ans.refused and ans.checks["unnamed"]


def test_a_year_written_short_holds_the_year_in_full(kiwi: object) -> None:
    from rag.selection import holds
    from search import KiwiBM25

    terms = KiwiBM25(kiwi).terms  # type: ignore[arg-type]
    assert holds("범국민 추진본부 구성(’23.12월)", "2023년 12월", terms)
    assert not holds("범국민 추진본부 구성(’23.12월)", "2024년 12월", terms)
    assert not holds("금리는 3.12% 수준", "12월", terms)


def test_what_a_part_is_about_leaves_out_question_words_and_answer_kinds(kiwi: object) -> None:
    from rag.selection import part_about
    from search import KiwiBM25

    terms = KiwiBM25(kiwi).terms  # type: ignore[arg-type]
    whole = "대구시 AI 대전환 사업의 예산은 얼마이며, 그 사업의 목적은 무엇인가요?"
    assert part_about("그 사업의 목적은 무엇인가요?", whole, terms) == {"사업"}
    assert part_about("그 이유는 무엇인가요?", whole, terms) == set(terms(whole))  # nothing left


def test_an_answer_no_statement_holds_leaves_only_statements_that_bear_on_the_question() -> None:
    """Its words are not shown; what it chose is quoted if it shares half the question's."""
    units = [Unit(1, 1, "착한가격업소 지정 확대, 배달료 지원, 이용객 인센티브 제공"),
             Unit(2, 1, "올해 날씨는 맑았다")]  # fmt: skip
    q = "착한가격업소 지원책은 무엇인가요?"
    sel = parse_selection(reply(part("list", [1, 2], "배달료와 캐시백을 드립니다")), 1, units,
                          words, [q])  # fmt: skip
    assert sel.parts[0].value == "" and sel.parts[0].units == (1,)
    out = compose(q, [q], sel, units)
    assert out.text.startswith("문서에 적힌 내용은 다음과 같습니다.") and "캐시백" not in out.text


def pick(*units: int) -> str:
    return json.dumps({"units": list(units)})


def test_a_second_look_quotes_the_statements_when_no_part_was_answered(
    sample_retriever: Retriever,
) -> None:
    """An explanation has no short answer in the units' words: the first request names none,
    the second asks for the statements alone, and code quotes them."""
    probe = ScriptedLLM(reply(part("none", [])))
    select_assistant(sample_retriever, probe).ask(Q)
    n = unit_number(probe, "총 예산은 236억")
    llm = ScriptedLLM([reply(part("none", [])), pick(n, 99)])
    ans = select_assistant(sample_retriever, llm).ask(Q)
    assert not ans.refused and ans.answer.startswith(QUOTE_LEAD)
    assert "대구시 AI 대전환 사업의 총 예산은 236억 원이며" in ans.answer and "[1]" in ans.answer
    assert ans.checks["second_pick"] == [n]  # 99 was never shown
    first, second = llm.requests
    assert second[:-1] == first[:-1]  # the same system prompt and, below, the same statements
    assert second[-1]["content"].startswith(first[-1]["content"])  # the server reuses the prefix
    assert second[-1]["content"].endswith(PICK_USER)
    assert llm.schemas[1] == pick_schema(10)


def test_a_part_left_unanswered_gets_its_own_second_look(sample_retriever: Retriever) -> None:
    """ "…얼마이며, 그 목적은?": the model answers the first part and names nothing for the
    second; asked again for that part's statements alone, the one that states the aim is
    quoted under it. A statement that does not bear on the part leaves it 찾을 수 없습니다."""
    asked = "대구시 AI 대전환 사업의 총 예산은 얼마이며, 그 사업의 목적은 무엇인가요?"
    probe = ScriptedLLM(reply(part("none", []), part("none", [])))
    select_assistant(sample_retriever, probe).ask(asked)
    budget, aim = unit_number(probe, "총 예산은 236억"), unit_number(probe, "목표로 한다")
    off_topic = unit_number(probe, "원문 공고를 확인하세요")
    first = reply(part("value", [budget], "236억 원"), part("none", []))
    llm = ScriptedLLM([first, pick(aim)])
    ans = select_assistant(sample_retriever, llm).ask(asked)
    lines = ans.answer.splitlines()
    assert lines[:2] == ["**1) 대구시 AI 대전환 사업의 총 예산은 얼마이며**", "**236억 원** [1]"]
    second = lines.index("**2) 그 사업의 목적은 무엇인가요?**")
    assert lines[second + 1] == QUOTE_LEAD
    assert "AI 솔루션을 도입하도록 돕는 것을 목표로 한다" in lines[second + 2]
    assert NOT_FOUND not in ans.answer and ans.checks["parts_second_pick"] == {"2": [aim]}
    again = llm.requests[1][-1]["content"]
    assert again.startswith(llm.requests[0][-1]["content"])  # the server reuses the prefix
    assert again.endswith(PICK_PART_USER.substitute(i=2, part="그 사업의 목적은 무엇인가요?"))
    assert llm.schemas[1] == pick_schema(10) and llm.max_tokens[1] == 24

    stray = ScriptedLLM([first, pick(off_topic)])
    ans = select_assistant(sample_retriever, stray).ask(asked)
    assert ans.answer.splitlines()[-2:] == ["**2) 그 사업의 목적은 무엇인가요?**", NOT_FOUND]
    assert ans.checks["parts_second_pick"] == {"2": []}

    whole = ScriptedLLM([first, pick(aim)])  # the first part shown early stays first
    stream = select_assistant(sample_retriever, whole).stream(asked)
    shown = [piece for piece in stream if piece]
    assert stream.result is not None and stream.result.answer.startswith(shown[0])


def test_a_second_look_that_does_not_cover_the_question_is_still_a_refusal(
    sample_retriever: Retriever,
) -> None:
    probe = ScriptedLLM(reply(part("none", [])))
    select_assistant(sample_retriever, probe).ask(Q)
    n = unit_number(probe, "원문 공고를 확인하세요")
    ans = select_assistant(sample_retriever,
                           ScriptedLLM([reply(part("none", [])), pick(n)])).ask(Q)  # fmt: skip
    assert ans.refused and ans.answer == REFUSAL and ans.checks["second_pick"] == []


def test_no_second_look_for_yes_no_questions_or_when_it_is_off(sample_retriever: Retriever) -> None:
    yes_no = ScriptedLLM([reply(part("none", [])), pick(1)])
    select_assistant(sample_retriever, yes_no).ask("대구시 AI 대전환 사업은 항공료도 지원하나요?")
    off = ScriptedLLM([reply(part("none", [])), pick(1)])
    settings = AnswerSettings(top_k=3, mode="select", select_second_pick=False)
    ans = Assistant(sample_retriever, off, settings, today=date(2026, 11, 22)).ask(Q)
    assert len(yes_no.requests) == 1 and len(off.requests) == 1 and ans.refused


def test_a_second_looks_reply_is_checked_against_the_units_shown() -> None:
    units = [Unit(1, 1, "총 예산은 236억 원이다."), Unit(2, 1, "사업 기간은 2026년까지이다.")]
    assert parse_pick(pick(2, 2, 7, 1), units) == (2, 1)
    assert parse_pick("not json", units) == () and parse_pick('{"units": "1"}', units) == ()
    assert covers("총 예산", units[:1], words, 0.5) and not covers("총 예산", units[1:], words, 0.5)
    assert not covers("총 예산", [], words, 0.5)


def test_a_second_look_must_name_what_the_question_asks_about(sample_retriever: Retriever) -> None:
    """Statements about the program that never name "평균 연봉" do not answer it, however many
    of the question's words they share; the kind of answer ("이유") need not be named."""
    q = "대구시 AI 대전환 사업 직원의 평균 연봉은 얼마인가요?"
    probe = ScriptedLLM(reply(part("none", [])))
    select_assistant(sample_retriever, probe).ask(q)
    n = unit_number(probe, "총 예산은 236억")
    ans = select_assistant(sample_retriever,
                           ScriptedLLM([reply(part("none", [])), pick(n)])).ask(q)  # fmt: skip
    assert ans.refused and ans.checks["second_pick"] == []
    why = "대구시 AI 대전환 사업의 총 예산이 236억 원인 이유는 무엇인가요?"
    probe = ScriptedLLM(reply(part("none", [])))
    select_assistant(sample_retriever, probe).ask(why)
    n = unit_number(probe, "총 예산은 236억")
    ans = select_assistant(sample_retriever,
                           ScriptedLLM([reply(part("none", [])), pick(n)])).ask(why)  # fmt: skip
    assert not ans.refused and ans.checks["second_pick"] == [n]


def test_what_shows_early_while_the_reply_streams() -> None:
    """One part: its answer once written and held (not before the closing quote); several
    parts: the first once its object closes; yes/no: nothing before the end. Shown once."""
    from rag.selection import EarlyView

    units = [Unit(1, 1, "총 예산은 236억 원이다."), Unit(2, 2, "기간은 2026년까지이다.")]
    one = reply(part("value", [1], "236억 원"))
    view = EarlyView(["예산은?"], units, words, "예산은?", yes_no=False)
    cut = one.index("236억 원") + len("236억 원")
    assert view.feed(one[:cut]) == ""  # the answer may still grow
    assert view.feed(one[: cut + 1]) == "**236억 원** [1]\n"
    assert view.feed(one) == ""  # shown once
    settled = view.settle(parse_selection("not json", 1, units, words))
    assert settled.parts[0].value == "236억 원" and settled.parts[0].units == (1,)

    unheld = EarlyView(["예산은?"], units, words, "예산은?", yes_no=False)
    assert unheld.feed(reply(part("value", [1], "300억 원"))) == ""

    two = reply(part("value", [1], "236억 원"), part("value", [2], "2026년"))
    view = EarlyView(["예산은", "기간은?"], units, words, "예산은, 기간은?", yes_no=False)
    end_first = two.index("}") + 1
    assert view.feed(two[: end_first - 1]) == ""
    shown = view.feed(two[:end_first])
    assert shown.startswith("**1) 예산은**\n**236억 원** [1]\n") and "2026" not in shown
    assert view.feed(two) == ""

    yes_no = EarlyView(["지원하나요?"], units, words, "지원하나요?", yes_no=True)
    parsed = parse_selection(one, 1, units, words)
    assert yes_no.feed(one) == "" and yes_no.settle(parsed) == parsed
