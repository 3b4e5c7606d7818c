"""PDF tables read by rows: each row one line, every cell behind its column header."""

from __future__ import annotations

import pytest

from ingest.loaders.pdf_tables import LEFT, UP, linearise

IP_STAR = "2026년 글로벌 IP스타기업 육성 사업 공고문.pdf"
GLOBAL = "붙임 1. 2026년 글로벌화 사전검증 지원사업 참여기업 모집 공고.pdf"


def test_a_two_level_header_names_every_cell_and_is_not_repeated_as_a_row() -> None:
    grid = [
        ["구분", "지원한도", LEFT, "비고"],
        [UP, "전체", "지원금", UP],
        ["특허(PCT)", "3,800천원", "2,280천원 이내", "-"],
        ["상표", "3,500천원", "2,100천원 이내", ""],
    ]
    assert linearise(grid) == [
        "구분: 특허(PCT) · 지원한도 전체: 3,800천원 · 지원한도 지원금: 2,280천원 이내 · 비고: -",
        "구분: 상표 · 지원한도 전체: 3,500천원 · 지원한도 지원금: 2,100천원 이내",
    ]


def test_a_value_merged_down_is_repeated_on_each_row_but_a_long_description_is_not() -> None:
    long = "해외 출원 시 소요되는 대리인 비용, 번역료, 출원 관납료를 지원하며 한도 안에서 정산"
    grid = [
        ["트랙", "지원규모", "내용"],
        ["Track1", "4개사 내외", long],
        ["Track2", UP, UP],
    ]
    assert linearise(grid) == [
        f"트랙: Track1 · 지원규모: 4개사 내외 · 내용: {long}",
        "트랙: Track2 · 지원규모: 4개사 내외",
    ]


def test_a_cell_merged_to_the_right_in_the_body_is_one_value_under_one_name() -> None:
    grid = [
        ["구분", LEFT, "세부사업명", "한도"],
        ["해외출원", LEFT, "특허", "3,800천원"],
        ["해외 OA", "등록", "미국", "3,600천원"],
    ]
    assert linearise(grid) == [
        "구분: 해외출원 · 세부사업명: 특허 · 한도: 3,800천원",
        "구분: 해외 OA 등록 · 세부사업명: 미국 · 한도: 3,600천원",
    ]


def test_two_columns_are_label_and_value() -> None:
    grid = [["구분", "지원내역"], ["국내 지원", "글로벌 PoC 타당성 진단"], ["현지 지원", ""]]
    assert linearise(grid) == ["구분: 지원내역", "국내 지원: 글로벌 PoC 타당성 진단", "현지 지원"]


def test_a_box_around_text_is_not_a_table() -> None:
    assert linearise([["공고 및 접수"], ["주최·운영기관 홈페이지 ‘26.07.03 14:00까지"]]) == [
        "공고 및 접수",
        "주최·운영기관 홈페이지 ‘26.07.03 14:00까지",
    ]
    assert linearise([["", "", ""], ["", "", ""]]) == []


@pytest.mark.corpus
def test_real_notice_tables_keep_each_amount_on_its_row(notice_documents: dict) -> None:
    """pypdf had put "3,800천원" forty lines away from "특허(PCT)" (gongo q020), and the
    Track2 row had no size at all: its "4개사 내외" is a cell merged over both tracks (q004)."""
    ip = "\n".join(p.text for p in notice_documents[IP_STAR].pages).splitlines()
    pct = [line for line in ip if "특허(PCT)" in line and "3,800천원" in line]
    assert pct and "지원한도 전체: 3,800천원" in pct[0] and "지원금: 2,280천원 이내" in pct[0]
    dj = "\n".join(p.text for p in notice_documents[GLOBAL].pages).splitlines()
    track2 = [line for line in dj if line.startswith("구분: Track2")]
    assert track2 and "지원규모: 4개사 내외" in track2[0]
    assert any(line.startswith("연번: 6 · 항목: 회사 국·영문 소개자료") for line in dj)


@pytest.mark.corpus
def test_a_table_whose_cells_miss_some_of_its_text_keeps_the_plain_reading(
    notice_documents: dict,
) -> None:
    """AI훈련확산센터 p.4: the sub-rows ("① … 훈련로드맵 수립 200개소") have no ruling lines of
    their own, so pdfplumber's cells hold only "200개소 60개소 1식 1식" (gongo q030, q031)."""
    page = notice_documents["2026년 중소기업AI훈련확산센터 추가모집 공고문.pdf"].pages[3].text
    assert "기업 내 AI도입을 위한 훈련로드맵 수립 200개소" in page
    assert "문제해결형(PBL) AI+직무 훈련과정 개발 60개소" in page


def test_a_tables_unit_travels_with_every_number() -> None:
    """ "(단위: 백만원, %)" stated once above a budget table: each bare number carries its
    column's unit, a ratio column its percent (issue 29: "796,338" was ungrounded)."""
    grid = [["사업명", "2022년 결산", "2024년 확정(B)", "증감 (B-A)", "(B-A)/A"],
            ["생계급여", "5,386,007", "7,541,072", "1,526,924", "25.4"],
            ["비고", "해당 없음", "-", "", ""]]  # fmt: skip
    assert linearise(grid, ["백만원", "%"]) == [
        "사업명: 생계급여 · 2022년 결산: 5,386,007백만원 · 2024년 확정(B): 7,541,072백만원 · "
        "증감 (B-A): 1,526,924백만원 · (B-A)/A: 25.4%",
        "사업명: 비고 · 2022년 결산: 해당 없음 · 2024년 확정(B): -",
    ]
    own = [["구분", "예산(억원)", "인원(명)"], ["본사업", "236", "21"], ["보조", "14", "3"]]
    assert linearise(own) == ["구분: 본사업 · 예산(억원): 236억원 · 인원(명): 21명",
                              "구분: 보조 · 예산(억원): 14억원 · 인원(명): 3명"]  # fmt: skip


def test_unit_notes_are_read_as_documents_write_them() -> None:
    from korean.units import unit_note, with_unit

    assert unit_note("(단위: 백만원, %)") == ["백만원", "%"]
    assert unit_note("[단위 : 천원]") == ["천원"]
    assert unit_note("사업 단위로 추진") == []
    assert with_unit("1,526,924", "%", ["백만원", "%"]) == "1,526,924백만원"
    assert with_unit("12.5", "%", ["백만원", "%"]) == "12.5%"
    assert with_unit("약 3건", "건") == "약 3건"
