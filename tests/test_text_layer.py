"""Text-layer defects that hide facts, and their repair by OCR (the two real notices with them)."""

from __future__ import annotations

import pytest

from ingest.text_layer import better_reading, defects, merge_reading

IP_STAR = "2026년 글로벌 IP스타기업 육성 사업 공고문.pdf"
HIGH_EFF = "2025년도 소상공인 고효율기기 지원사업 공고문.pdf"


@pytest.mark.parametrize(("text", "odd", "orphans"), [
    ("ࢎসݾ੸\n수출 실적이 있는 기업\nन୒࢚؀\n중소기업", 4, 0),  # unmapped glyphs (4 are letters)
    ("사업예산 억원 예산 소진 시 년 사업 조기 종료\n신청기간\n월\n수\n제 조 제 항", 0, 5),
    ("사업예산 350억원, 2025년 사업, 3월 4일(수), 제12조 제1항", 0, 0),
    ("(단위: 억원, %)\n억원 556,7 21,004\n만 65세 이상", 0, 0),  # unit notes and columns
    ("Global IP Star · 지식재산(IP) · ①②③ · ＡＢＣ", 0, 0),
])  # fmt: skip
def test_defects_are_counted_by_kind(text: str, odd: int, orphans: int) -> None:
    found = defects(text)
    assert (found.odd_letters, found.orphan_units) == (odd, orphans)
    assert bool(found) is (odd >= 3 or orphans >= 3)


def test_the_ocr_reading_wins_only_when_clearly_better() -> None:
    broken = "ࢎসݾ੸ 수출 실적이 있는 중소기업 न୒࢚؀ 본사 소재지 기준"
    fixed = "사업목적 수출 실적이 있는 중소기업 신청대상 본사 소재지 기준"
    assert better_reading(broken, fixed) == fixed
    assert better_reading(broken, "사업목적") == broken  # OCR lost most of the page
    assert better_reading(fixed, fixed + " ࢎসݾ") == fixed  # no better: keep the layer


def test_a_line_that_lost_its_digits_takes_the_ocr_reading_and_the_rest_stays() -> None:
    layer = (
        "「2026 IP스타기업」 모집\n사업예산 억원 예산 소진 시 년 사업 조기 종료\n지원대상 중소기업"
    )
    ocr = "「2026 1『스타기업」 모집\n사업예산 : 379억원 (예산 소진 시 '25년 사업 조기 종료)\n지원대상 중소기업"
    merged = merge_reading(layer, ocr)
    assert "379억원" in merged and "'25년" in merged  # the defective line is read by OCR
    assert "IP스타기업" in merged and "1『" not in merged  # the good line keeps the layer's text
    assert merged.count("지원대상") == 1


def test_an_unmapped_glyph_heading_gives_way_to_the_ocr_heading_beside_it() -> None:
    layer = "수출 실적이 있는 중소기업 육성\nन୒࢚؀\n수출(예정) 중소기업\n접수 기간"
    ocr = "수출 실적이 있는 중소기업 육성\n신청 대상\n수출(예정) 중소기업\n접수 기간"
    merged = merge_reading(layer, ocr).splitlines()
    assert merged == [
        "수출 실적이 있는 중소기업 육성",
        "신청 대상",
        "수출(예정) 중소기업",
        "접수 기간",
    ]


def test_ocr_that_lost_the_page_changes_nothing() -> None:
    layer = "사업예산 억원\n지원대상 중소기업 소상공인 사업자\n신청기간 월 일"
    assert merge_reading(layer, "x") == layer


@pytest.mark.corpus
def test_the_two_real_notices_get_their_deadlines_back(notice_documents: dict) -> None:
    """Parsed once per session with OCR, as ingest parses them (tests/conftest.py)."""
    first = notice_documents[IP_STAR].pages[0].text
    assert not defects(first).odd_letters, defects(first)
    assert "2026.1.12." in first.replace(" ", "") and "2.19.(목)18:00" in first.replace(" ", "")
    assert "IP(지식재산)" in first  # a line the layer had right keeps the layer's text
    p1 = notice_documents[HIGH_EFF].pages[0].text
    assert "379억원" in p1 and "25.12.31" in p1
