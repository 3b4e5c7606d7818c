"""Notice cards from a hand-written notice: outline parsing, deadlines against a fixed clock,
정정공고 superseding, profiles from Korean sentences and the eligibility check."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from notices import (
    CardField,
    Condition,
    NoticeCard,
    cards_from_json,
    check_notice,
    deadline_sentence,
    parse_profile,
    read_card,
    status,
    status_label,
    supersede,
)
from notices.dates import SEOUL, parse_period
from search import Document, Page

NOTICE = """2026년 대구 AI 전환 지원사업 참여기업 모집 공고
대구광역시 공고 제2026-101호
2026년 3월 2일
대구광역시장
1. 사업 개요
□ 사업규모 : 총 20억 원 (기업당 최대 5천만 원, 자부담 20%)
2. 지원대상
◦ 대구에 본사 또는 사업장이 소재한 중소기업
◦ 상시근로자 5인 이상 기업
◦ 업력 7년 이내 기업
□ 신청 제외 대상
- 국세 또는 지방세 체납 중인 기업
- 2025년 AI 전환 지원사업에 선정된 기업
- 지원제외 업종 : 유흥주점업, 사행시설 관리 및 운영업
3. 신청 방법
□ 신청기간 : 2026. 3. 9.(월) ~ 2026. 3. 27.(금) 18:00까지
□ 제출서류 : 신청서, 사업자등록증, 중소기업확인서
□ 신청방법 : 대구 AI센터 누리집(www.daegu-ai.kr) 온라인 접수
4. 문의처 : 대구 AI센터 053-000-1234"""


def _doc(text: str, name: str = "대구_AI전환_모집공고.pdf") -> Document:
    pages = [Page(number=i, text=t) for i, t in enumerate(text.split("\f"), start=1)]
    return Document(path=Path("/corpus") / name, title=name, loader="pdf", sha256="s", pages=pages)


def at(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=SEOUL)


@pytest.fixture(scope="module")
def card() -> NoticeCard:
    c = read_card(_doc(NOTICE))
    assert c is not None
    return c


def test_the_card_holds_each_field_with_its_page_and_the_documents_words(card: NoticeCard) -> None:
    assert card.program == "2026년 대구 AI 전환 지원사업"
    assert card.organizer == "대구광역시"
    assert card.notice_date == "2026-03-02"
    assert card.apply_start == at("2026-03-09", 0)
    assert card.apply_end == datetime(2026, 3, 27, 18, 0, tzinfo=SEOUL) and card.end_time_stated
    assert "5천만 원" in card.fields["support"].text
    assert "사업자등록증" in card.fields["documents"].text
    assert "www.daegu-ai.kr" in card.fields["method"].text
    assert "053-000-1234" in card.fields["contact"].text
    assert all(f.page == 1 for f in card.fields.values())
    kinds = [(c.kinds, c.exclude) for c in card.conditions]
    assert kinds == [
        (("region", "size"), False), (("employees",), False), (("years",), False),
        (("other",), True), (("benefit",), True), (("industry",), True),
    ]  # fmt: skip


def test_a_document_that_is_no_notice_gets_no_card() -> None:
    report = "2025 AI 산업 동향 보고서\n1. 개요\n국내 AI 시장은 성장했다.\n2. 전망\n계속 성장한다."
    assert read_card(_doc(report, "AI_동향_보고서.pdf")) is None


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2026년 5월 18일(월) ~ 6월 8일(월) 15:00까지", "2026-05-18 00:00", "2026-06-08 15:00"),
    ("2026. 1. 12.(월) ~ 2026. 2. 19.(목) 18:00", "2026-01-12 00:00", "2026-02-19 18:00"),
    ("공고일 ~ `26. 2. 24.(화) 18:00까지", "2026-02-06 00:00", "2026-02-24 18:00"),
    ("'25.2.17(월) ~ '25.12.31(수)", "2025-02-17 00:00", "2025-12-31 00:00"),
    ("과제 접수 마감 일시 : 2026.03.30.(월) 15:00", None, "2026-03-30 15:00"),
])  # fmt: skip
def test_korean_periods(text: str, start: str | None, end: str) -> None:
    from datetime import date, time

    s, e = parse_period(text, date(2026, 2, 6))
    assert (s.at(time(0)).strftime("%Y-%m-%d %H:%M") if s else None) == start
    assert e is not None and e.at(time(0)).strftime("%Y-%m-%d %H:%M") == end


def test_status_against_a_fixed_clock(card: NoticeCard) -> None:
    assert status(card, at("2026-03-05")) == "upcoming"
    assert status_label(card, at("2026-03-05")) == "접수 예정 (2026-03-09부터)"
    assert status(card, at("2026-03-20")) == "open"
    assert status_label(card, at("2026-03-20")) == "접수 중 (D-7)"
    assert status_label(card, at("2026-03-27", 9)) == "접수 중 (오늘 마감)"
    assert status(card, at("2026-03-27", 18)) == "open"  # 18:00 sharp is still on time
    late = datetime(2026, 3, 27, 18, 1, tzinfo=SEOUL)
    assert status(card, late) == "closed"
    assert deadline_sentence(card, at("2026-04-01")) == (
        "2026-03-27 18:00 마감 — 이미 마감되었습니다 (오늘 2026-04-01 기준)."
    )
    assert "7일 남았습니다" in deadline_sentence(card, at("2026-03-20"))


def test_without_a_deadline_nothing_is_claimed(card: NoticeCard) -> None:
    undated = NoticeCard(**{**card.__dict__, "apply_start": None, "apply_end": None})
    assert status(undated, at("2026-03-20")) == "unknown"
    assert status_label(undated, at("2026-03-20")) == "알 수 없음"
    assert deadline_sentence(undated, at("2026-03-20")) == ""


def test_a_correction_notice_supersedes_what_it_changes_and_both_stay_cited(
    card: NoticeCard,
) -> None:
    fix = NOTICE.replace(
        "2026년 대구 AI 전환 지원사업 참여기업 모집 공고",
        "[정정공고] 2026년 대구 AI 전환 지원사업 참여기업 모집 공고",
    )
    fix = fix.replace("2026년 3월 2일", "2026년 3월 16일")
    fix = fix.replace("2026. 3. 27.(금) 18:00까지", "2026. 4. 10.(금) 18:00까지")
    corrected = read_card(_doc(fix, "대구_AI전환_정정공고.pdf"))
    assert corrected is not None and corrected.corrects
    stored = [json.dumps(c.to_storage(), ensure_ascii=False) for c in (card, corrected)]
    [merged] = cards_from_json(stored)
    assert merged.apply_end == datetime(2026, 4, 10, 18, 0, tzinfo=SEOUL)
    assert merged.file == "대구_AI전환_정정공고.pdf"
    assert "4. 10." in merged.fields["period"].text
    assert "3. 27." in merged.superseded["period"].text  # the old text, still cited
    assert merged.superseded_file == "대구_AI전환_모집공고.pdf"
    assert "053-000-1234" in merged.fields["contact"].text  # unchanged fields carry over
    assert status(merged, at("2026-04-01")) == "open"


def test_cards_of_two_programs_stay_apart(card: NoticeCard) -> None:
    other = NoticeCard(**{**card.__dict__, "program": "2026년 부산 AI 바우처", "file": "b.pdf"})
    assert len(supersede([card, other])) == 2


def test_a_profile_from_a_korean_sentence() -> None:
    p = parse_profile(
        "우리 회사는 대구 소재 제조업, 직원 30명, 업력 5년, 대표 35세, 작년 AI바우처 수혜"
    )
    assert (p.region, p.industry, p.employees, p.years, p.ceo_age) == ("대구", "제조업", 30, 5, 35)
    assert p.benefits == ["AI바우처"] and p.size is None and p.derived_size() is None
    tiny = parse_profile("서울 음식점, 직원 3명, 개인사업자, 수혜 이력 없음, 결격사유 없음")
    assert tiny.derived_size() == "소상공인" and tiny.corporation is False
    assert tiny.no_benefits and tiny.clear and tiny.benefits == []
    assert parse_profile("").rows()[0] == ("소재지", "— (알 수 없음)")
    big = parse_profile("경기 제조업, 직원 1,200명")
    assert big.employees == 1200 and big.derived_size() == "대기업"


def _verdict(card: NoticeCard, profile: str) -> tuple[str, list[str]]:
    r = check_notice(card, parse_profile(profile), at("2026-03-20"))
    return r.verdict, [c.status for c in r.checks]


def test_eligibility_on_the_hand_written_notice(card: NoticeCard) -> None:
    ok = "대구 소재 중소기업, 제조업, 직원 12명, 업력 3년, 수혜 이력 없음, 결격사유 없음"
    assert _verdict(card, ok) == ("eligible", ["met"] * 6)
    # one fact the profile does not state: never 가능
    assert _verdict(card, ok.replace(", 업력 3년", ""))[0] == "unknown"
    assert _verdict(card, ok.replace("대구", "부산"))[0] == "ineligible"
    assert _verdict(card, ok.replace("업력 3년", "업력 9년"))[0] == "ineligible"
    assert _verdict(card, ok.replace("직원 12명", "직원 3명"))[0] == "ineligible"
    # an exclusion rule: earlier support by the same program, an excluded industry
    hit = ok.replace("수혜 이력 없음", "2025년 AI 전환 지원사업 선정")
    verdict, states = _verdict(card, hit)
    assert verdict == "ineligible" and states[4] == "unmet"
    assert _verdict(card, ok.replace("제조업", "유흥주점"))[0] == "ineligible"


def test_alternatives_need_one_and_an_unread_target_is_never_eligible(card: NoticeCard) -> None:
    either = [Condition("법인인 중소기업", 1, ("size",), any_of=1),
              Condition("대구 소재 기업", 1, ("region",), any_of=1)]  # fmt: skip
    alt = NoticeCard(**{**card.__dict__, "conditions": either})
    assert check_notice(alt, parse_profile("부산 중소기업, 법인"), at("2026-03-20")).verdict == (
        "eligible"
    )
    assert check_notice(alt, parse_profile("부산 대기업"), at("2026-03-20")).verdict == (
        "ineligible"
    )
    only_exclusions = NoticeCard(**{**card.__dict__, "conditions": [
        Condition("2025년 AI 전환 지원사업에 선정된 기업", 1, ("benefit",), True)]})  # fmt: skip
    r = check_notice(only_exclusions, parse_profile("수혜 이력 없음"), at("2026-03-20"))
    assert r.verdict == "unknown"  # no 지원대상 was read: 확인 필요, not 가능


def test_a_card_survives_storage(card: NoticeCard) -> None:
    back = NoticeCard.from_storage(json.loads(json.dumps(card.to_storage())))
    assert back.to_dict() == card.to_dict()
    assert isinstance(back.fields["period"], CardField)


def test_a_routed_question_about_a_corrected_field_reads_both_versions(card: NoticeCard) -> None:
    from notices import route

    fix = NOTICE.replace("2026년 3월 2일", "2026년 3월 16일").replace(
        "2026. 3. 27.(금) 18:00까지", "2026. 4. 10.(금) 18:00까지"
    )
    corrected = read_card(_doc(fix, "대구_AI전환_정정공고.pdf"))
    assert corrected is not None
    corrected.corrects = True
    [merged] = supersede([card, corrected])
    routed = route("대구 AI 전환 지원사업 신청 마감은?", [merged], [], at("2026-04-01"))
    assert routed is not None and routed.field == "period"
    assert "4. 10." in routed.text and "정정 전 공고 대구_AI전환_모집공고.pdf" in routed.text
    assert routed.deadline.startswith("2026-04-10 18:00 마감 — 접수 중이며 9일 남았습니다")
    assert route("대구 AI 전환 지원사업은 무엇인가요?", [merged], [], at("2026-04-01")) is None


def test_table_rows_under_an_item_stay_with_it_and_their_numbered_cells_are_not_items() -> None:
    """글로벌화 사전검증: the 12 social problems follow the note that refers to them; read as
    "1. … 7. …" items they had made the region rule one alternative among twelve."""
    from notices.conditions import atoms, conditions
    from notices.outline import Section

    text = (
        "◦ 아래 내역에 해당하는 대전시 소재 기업\n"
        "- 대전에 본사, 지사, 또는 기업부설연구소가 소재한 기업\n"
        "※ 아래의 '대전 특화 12대 사회문제' 해결 분야에 부합하는 기업에 한함\n"
        "구분: 가족 · 대전 특화 사회문제: 1. 고독사/노인돌봄 · 구분: 재난재해 · "
        "대전 특화 사회문제: 7. 산불 예방 및 대응\n"
        "구분: 환경 · 대전 특화 사회문제: 12. 악취 민원/미세먼지/대기질 등"
    )
    section = Section("eligibility", "지원대상", 1, text)
    items = atoms(section)
    assert len(items) == 2 and items[1].endswith("12. 악취 민원/미세먼지/대기질 등")
    found = conditions(section, exclude=False)
    assert [c.any_of for c in found] == [0]
    assert found[0].kinds == ("region",) and found[0].text.startswith("대전에 본사")


@pytest.mark.parametrize(("question", "routed"), [
    # another thing's deadline is not the application's (none of these is a suite question)
    ("대구 AI 전환 지원사업 선정 후 세부계획서는 언제까지 내야 하나요?", False),
    ("대구 AI 전환 지원사업 결과보고서 제출 기한은 언제인가요?", False),
    ("대구 AI 전환 지원사업 정산은 언제까지 끝내야 하나요?", False),
    ("대구 AI 전환 지원사업 협약은 언제까지 체결하나요?", False),
    # the application's own period, however it is asked
    ("대구 AI 전환 지원사업 신청 마감은 언제인가요?", True),
    ("대구 AI 전환 지원사업은 언제까지 신청해야 하나요?", True),
    ("대구 AI 전환 지원사업 접수 기간이 어떻게 되나요?", True),
    ("대구 AI 전환 지원사업 서류 제출 기한은?", True),
    ("이번 공고 마감일이 언제죠?", True),
])  # fmt: skip
def test_the_card_period_answers_only_the_applications_deadline(
    card: NoticeCard, question: str, routed: bool
) -> None:
    from notices import route

    found = route(question, [card], [card.doc_id], at("2026-03-20"))
    assert (found is not None and found.field == "period") is routed, question
