"""Document metadata for filters (ingest/metadata.py) and filtered retrieval end to end."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from ingest import Manifest
from ingest.metadata import describe, first_date, kind_of
from korean import regions_in
from search import (
    Chunk,
    Document,
    Page,
    Retriever,
    SearchFilter,
    SparseVec,
    VectorIndex,
    convex_search,
)


def doc(name: str, title: str, *pages: str) -> Document:
    return Document(Path(f"/corpus/{name}"), title, "pdf", "sha",
                    [Page(i + 1, t) for i, t in enumerate(pages)])  # fmt: skip


def test_describe_reads_kind_region_org_and_date_from_title_and_first_pages() -> None:
    m = describe(doc("2025_대구_AI_공고.pdf", "2025년 대구광역시 AI 솔루션 도입 지원사업 공고",
                     "공고일: 2025. 3. 4.\n정보통신산업진흥원 정보통신산업진흥원 주관"))  # fmt: skip
    assert (m.kind, m.regions, m.org, m.date, m.file_type) == (
        "공고",
        ("대구",),
        "정보통신산업진흥원",
        "2025-03-04",
        "pdf",
    )
    assert m.payload() == {"kind": "공고", "file_type": "pdf", "region": ["대구"],
                           "org": "정보통신산업진흥원", "date": "2025-03-04",
                           "date_key": 20250304}  # fmt: skip


def test_describe_leaves_out_what_it_cannot_tell() -> None:
    m = describe(doc("notes.pdf", "메모", "부산 이야기 한 번, 울산 이야기 한 번."))
    assert (m.kind, m.regions, m.org, m.date) == ("기타", (), "", "")
    assert m.payload() == {"kind": "기타", "file_type": "pdf"}  # no empty values to match
    # a region the body repeats counts; one mentioned in passing does not
    assert describe(doc("x.pdf", "메모", "울산 기업, 울산 대학, 부산 한 번")).regions == ("울산",)


@pytest.mark.parametrize(("text", "iso"), [
    ("2026. 3. 4.(수)", "2026-03-04"), ("2025년 8월 29일", "2025-08-29"),
    ("안내서(2025.02)", "2025-02-01"), ("hwpxlib_20241104_보도자료", "2024-11-04"),
    ("2025년 3개 기업", ""), ("2025-13-01", ""),
])  # fmt: skip
def test_first_date(text: str, iso: str) -> None:
    assert first_date(text) == iso


def test_kinds_and_regions() -> None:
    assert kind_of("SPRi AI Brief 8월호") == "보고서"
    assert kind_of("사업 이용 안내") == "매뉴얼"
    assert kind_of("문체부 보도자료") == "보도자료"
    assert regions_in("경상북도와 충청남도, 서울시") == {"경북", "충남", "서울"}
    assert regions_in("경기 침체 속 대구분지") == set()


def point(i: int, **meta: object) -> Chunk:
    return Chunk(f"d{i}", "s", f"f{i}.pdf", "t", 1, 0, "text", metadata=meta)


def test_search_filter_in_the_embedded_engine() -> None:
    index = VectorIndex.open("filters")
    index.ensure(2)
    chunks = [
        point(0, kind="공고", region=["대구"], date="2025-03-04", date_key=20250304),
        point(1, kind="보고서", region=["울산", "대구"], date="2024-01-01", date_key=20240101),
        point(2, kind="매뉴얼"),
    ]
    index.upsert(chunks, np.array([[1, 0], [0.9, 0.1], [0.5, 0.5]]), [SparseVec([1], [1.0])] * 3)

    def files(where: SearchFilter) -> list[str]:
        hits = index.hybrid(np.array([1.0, 0.0]), SparseVec([1], [1.0]), limit=5, prefetch=5,
                            where=where or None)  # fmt: skip
        dense = index.dense(np.array([1.0, 0.0]), limit=5, where=where or None)
        assert sorted(h.file for h in hits) == sorted(h.file for h in dense)
        return sorted(h.file for h in hits)

    assert files(SearchFilter()) == ["f0.pdf", "f1.pdf", "f2.pdf"]
    assert files(SearchFilter(regions=("대구",))) == ["f0.pdf", "f1.pdf"]
    assert files(SearchFilter(kinds=("매뉴얼", "공고"))) == ["f0.pdf", "f2.pdf"]
    assert files(SearchFilter(date_from="2025-01-01")) == ["f0.pdf"]  # undated f2 drops out
    assert files(SearchFilter(date_to="2024.12.31")) == ["f1.pdf"]
    assert files(SearchFilter(regions=("대구",), kinds=("보고서",))) == ["f1.pdf"]
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        SearchFilter(date_from="어제").to_qdrant()


def test_retriever_filters_the_sample_corpus(sample_retriever: Retriever) -> None:
    q = "AI 대전환 사업의 총 예산은?"
    ulsan = sample_retriever.retrieve(q, 5, SearchFilter(regions=("울산",)))
    assert ulsan.hits and {h.file for h in ulsan.hits} == {"울산_AI대전환_사업_개요.pdf"}
    md = sample_retriever.retrieve(q, 10, SearchFilter(file_types=("md",)))
    assert {h.file.rsplit(".", 1)[1] for h in md.hits} == {"md"}
    assert sample_retriever.retrieve(q, 5, SearchFilter(regions=("제주",))).hits == []


def test_manifest_from_before_filters_is_migrated_and_reindexed(tmp_path: Path) -> None:
    db = tmp_path / "m.sqlite"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE documents (doc_id TEXT PRIMARY KEY, path TEXT NOT NULL, file TEXT "
                "NOT NULL, title TEXT NOT NULL DEFAULT '', sha256 TEXT NOT NULL, loader TEXT NOT "
                "NULL DEFAULT '', pages INTEGER NOT NULL DEFAULT 0, chunks INTEGER NOT NULL "
                "DEFAULT 0, status TEXT NOT NULL, error TEXT NOT NULL DEFAULT '', ingested_at "
                "TEXT NOT NULL)")  # fmt: skip
    con.execute("INSERT INTO documents VALUES ('/x/a.md','a.md','a.md','',"
                "'sha','text',1,1,'indexed','','2026-01-01')")  # fmt: skip
    con.commit()
    con.close()
    manifest = Manifest(db)
    row = manifest.get("/x/a.md")
    assert row is not None and row.metadata == "" and row.meta == {}
    manifest.close()


def test_ingest_stores_metadata_in_manifest_and_payload(sample_retriever: Retriever) -> None:
    hits = sample_retriever.retrieve("대구시 AI 대전환 사업의 총 예산은?", 1).hits
    assert hits[0].file == "대구_AI대전환_사업_개요.pdf"
    pts, _ = sample_retriever.index.client.scroll(sample_retriever.index.collection, limit=50)
    payload = next(
        p.payload for p in pts if (p.payload or {}).get("file") == "대구_AI대전환_사업_개요.pdf"
    )
    assert payload is not None
    assert payload["region"] == ["대구"] and payload["file_type"] == "pdf"


def test_convex_fusion_keeps_scores() -> None:
    """BM25 / best BM25 + alpha x min-max cosine, over the union of both lists."""
    index = VectorIndex.open("convex")
    index.ensure(2)
    chunks = [point(0), point(1), point(2)]
    dense = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]])  # cosines to [1, 0]: 1.0, 0.6, 0.0
    sparse = [SparseVec([1], [1.0]), SparseVec([1], [3.0]), SparseVec([2], [1.0])]
    index.upsert(chunks, dense, sparse)
    hits, best_cos = convex_search(index, np.array([1.0, 0.0]), SparseVec([1], [1.0]), limit=3,
                                  prefetch=3, alpha=0.5)  # fmt: skip
    assert best_cos == pytest.approx(1.0)
    # f1: BM25 top (1.0) + 0.5 x 0.6 = 1.3; f0: BM25 ratio r + 0.5 x 1.0; f2: 0 + 0 (in dense list)
    assert [h.file for h in hits] == ["f1.pdf", "f0.pdf", "f2.pdf"]
    assert hits[0].score == pytest.approx(1.3, abs=1e-3)
    assert hits[2].score == pytest.approx(0.0, abs=1e-6)
    # with alpha large the dense order wins
    hits, _ = convex_search(index, np.array([1.0, 0.0]), SparseVec([1], [1.0]), limit=3, prefetch=3,
                           alpha=5.0)  # fmt: skip
    assert [h.file for h in hits][:2] == ["f0.pdf", "f1.pdf"]
