from __future__ import annotations

from pathlib import Path

from ingest import KoreanChunker
from ingest.chunking import split_row
from ingest.clean import clean_text
from search import Document, KiwiBM25, Page, term_id


def test_clean_replaces_bel_and_normalises() -> None:
    decomposed = "\u1112\u1161\u11ab"  # 한 as conjoining jamo, as some PDFs emit it
    assert (
        clean_text(f"재정\u0007융자\u0007사업  {decomposed}\r\n\n\n\n끝")
        == "재정 융자 사업 한\n\n끝"
    )


def test_chunks_respect_budget_and_never_cross_pages(kiwi) -> None:
    sentence = "지역 중소기업의 AI 도입을 지원하는 사업입니다. "
    doc = Document(
        path=Path("x.pdf"), title="t", loader="pdf", sha256="s",
        pages=[Page(1, sentence * 20), Page(2, "두 번째 쪽의 짧은 문장입니다.")],
    )  # fmt: skip
    chunks = KoreanChunker(kiwi, chunk_chars=200, overlap_chars=40).chunk(doc)
    page1 = [c for c in chunks if c.page == 1]
    assert len(page1) >= 3
    assert all(len(c.text) <= 200 for c in chunks)
    # sentence boundaries: every page-1 chunk ends at the end of a sentence
    assert all(c.text.endswith("사업입니다.") for c in page1)
    assert [c.text for c in chunks if c.page == 2] == ["두 번째 쪽의 짧은 문장입니다."]
    assert [c.index for c in chunks] == list(range(len(chunks)))


def test_linearised_table_rows_are_never_cut(kiwi) -> None:
    """A budget table as the PDF loader writes it: a row cut in two loses its label in one
    half and its figure in the other ("2,026," / "370백만원")."""
    rows = [
        f"사업명: 사업{i} · 2022년 결산: 1,438,07{i}백만원 · 2023년 예산 본예산(A): "
        f"1,540,01{i}백만원 · 2024년 정부안: 2,026,17{i}백만원 · 2024년 확정(B): 2,026,37{i}백만원"
        for i in range(6)
    ]
    text = "3. 예산 총괄표 설명 문장입니다. " * 6 + "\n(단위: 백만원, %)\n" + "\n".join(rows)
    doc = Document(path=Path("x.pdf"), title="t", loader="pdf", sha256="s", pages=[Page(1, text)])
    chunks = KoreanChunker(kiwi, chunk_chars=300, overlap_chars=80).chunk(doc)
    lines = [line for c in chunks for line in c.text.split("\n")]
    assert all(row in lines for row in rows)
    assert all(len(c.text) <= 300 for c in chunks)


def test_a_row_over_the_budget_is_cut_between_cells_under_its_label() -> None:
    row = "사업명: 노인일자리 · 2022년 결산: 1,438,070백만원 · 2024년 확정(B): 2,026,370백만원"
    assert split_row(row, 200) == [row]
    assert split_row(row, 50) == [
        "사업명: 노인일자리 · 2022년 결산: 1,438,070백만원",
        "사업명: 노인일자리 · 2024년 확정(B): 2,026,370백만원",
    ]
    assert split_row("구분: 아주 긴 한 칸", 5) == ["구분: 아주 긴 한 칸"]  # one cell stays whole


def test_sentences_keep_whitespace(kiwi) -> None:
    text = "첫 문장입니다. 둘째 문장이다!  셋째?"
    parts = KoreanChunker(kiwi).sentences(text)
    assert "".join(parts) == text
    assert len(parts) == 3


def test_bm25_terms_strip_particles(kiwi) -> None:
    bm25 = KiwiBM25(kiwi)
    assert "지원" in bm25.terms("지원사업은") and "사업" in bm25.terms("지원사업의")
    assert bm25.terms("지원사업은") == bm25.terms("지원사업의")


def test_bm25_vectors(kiwi) -> None:
    bm25 = KiwiBM25(kiwi, k1=1.2, b=0.0)  # b=0: no length normalisation, tf part is exact
    q = bm25.encode_query("예산 예산")
    assert q.indices == [term_id("예산")] and q.values == [1.0]
    d = bm25.encode_document("예산 예산 국비")
    weights = dict(zip(d.indices, d.values, strict=True))
    # tf=2: 2*(1.2+1)/(2+1.2) = 1.375 ; tf=1: 2.2/2.2 = 1.0
    assert abs(weights[term_id("예산")] - 1.375) < 1e-9
    assert abs(weights[term_id("국비")] - 1.0) < 1e-9
