"""The heading path in front of a PDF passage, read from the notice's own outline."""

from __future__ import annotations

from pathlib import Path

from ingest import KoreanChunker
from ingest.headings import HeadingTrail, heading_level, labelled
from search import Document, Page


def test_chapters_and_sections_are_told_from_list_items() -> None:
    assert heading_level("1. 사업개요") == 1
    assert heading_level("Ⅱ. 지원내용") == 1
    assert heading_level("□ 참여자격 제한사항") == 2
    assert heading_level("□ 신청기간 : 2026. 3. 4.(수) ~ 3. 20.(금)") == 2  # its label
    assert heading_level("◦ 아래 어느 하나에 해당되는 경우 선정 제외") is None
    assert heading_level("1.생계급여") is None  # a law's item, squeezed by the text layer
    assert heading_level("1. 신청서는 온라인으로 제출하여야 함") is None  # a sentence
    assert heading_level("3. 지원대상 기업은 수출 실적이 있는 대전 소재 중소기업으로 한정") is None


def test_a_passage_gets_the_path_in_force_where_it_starts() -> None:
    page1 = "공고\n1. 사업개요\n□ 지원대상\n- 대전 소재 기업\n□ 참여자격 제한사항\n- 휴업 중인 경우"
    page2 = "- 국세 체납 중인 경우\n2. 지원내용\n□ 지원규모\n- 4개사 내외"
    trail = HeadingTrail()
    at = page1.index("- 휴업")
    assert labelled(page1[at:], trail.before(page1, at)) == (
        "(1. 사업개요 > □ 참여자격 제한사항)\n- 휴업 중인 경우"
    )
    at = page1.index("□ 참여자격")  # a passage that opens with its section heading
    assert labelled(page1[at:], trail.before(page1, at)).startswith("(1. 사업개요)\n□ 참여자격")
    trail.close(page1)
    assert (
        labelled(page2, trail.before(page2, 0)) == f"(1. 사업개요 > □ 참여자격 제한사항)\n{page2}"
    )
    at = page2.index("- 4개사")
    assert (
        labelled(page2[at:], trail.before(page2, at)) == "(2. 지원내용 > □ 지원규모)\n- 4개사 내외"
    )


def test_a_numbered_item_out_of_sequence_is_not_a_chapter() -> None:
    page = "5. 사업근거 및 추진경위\n제7조 급여의 종류\n1. 생계급여\n2. 주거급여\n- 내용"
    trail = HeadingTrail()
    at = page.index("- 내용")
    assert labelled(page[at:], trail.before(page, at)) == "(5. 사업근거 및 추진경위)\n- 내용"


def test_pdf_chunks_carry_the_path_and_page_less_ones_do_not(kiwi) -> None:
    body = "\n".join(
        f"- 제한 사유 {i}번: 국세 또는 지방세를 체납하여 규제 중인 경우입니다." for i in range(20)
    )
    text = f"1. 사업개요\n□ 참여자격 제한사항\n{body}"
    chunker = KoreanChunker(kiwi, chunk_chars=300, overlap_chars=0)
    pdf = Document(Path("a.pdf"), "공고", "pdf", "x", [Page(1, text)])
    chunks = chunker.chunk(pdf)
    assert len(chunks) > 2 and not chunks[0].text.startswith("(")
    assert all(c.text.startswith("(1. 사업개요 > □ 참여자격 제한사항)\n") for c in chunks[1:])
    hwp = Document(Path("a.hwp"), "공고", "office", "x", [Page(1, text)], unit="section")
    assert not any(c.text.startswith("(") for c in chunker.chunk(hwp))
