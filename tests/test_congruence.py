"""Qdrant Edge (the embedded default) and qdrant-client's local mode (Qdrant's reference
semantics in Python) must return the same top-k on the same data: dense, BM25 with IDF, RRF,
the convex fusion, and with filters. Also the Edge-only duties: locking, persistence, optimize."""

from __future__ import annotations

import gc
import tempfile
from pathlib import Path

import numpy as np
import pytest
from kiwipiepy import Kiwi

from ingest import Ingestor, KoreanChunker, Manifest
from search import (
    Chunk,
    IndexBusyError,
    KiwiBM25,
    SearchFilter,
    SparseVec,
    VectorIndex,
    convex_search,
)
from tests.conftest import SAMPLE_CORPUS
from tests.fakes import ToyEmbedder

DIM = 32
REGIONS = ("대구", "울산", "부산")
QUESTIONS = [
    "대구시 AI 대전환 사업의 총 예산은?", "울산 사업 주관기관", "데이터프리존 이용 시간",
    "신청 마감일과 제출 서류", "중소기업 지원 한도", "GPU 자원 신청 방법",
]  # fmt: skip


def corpus(sparse: KiwiBM25, n: int = 400) -> tuple[list[Chunk], np.ndarray, list[SparseVec]]:
    """Real Korean sentences (so BM25 postings and IDF are realistic), recombined into `n`
    chunks with metadata, and dense vectors from a seeded generator."""
    sentences = [s.strip() for f in sorted(SAMPLE_CORPUS.glob("*.md"))
                 for s in f.read_text(encoding="utf-8").replace("\n", " ").split(".")
                 if len(s.strip()) > 10]  # fmt: skip
    rng = np.random.default_rng(7)
    chunks, texts = [], []
    for i in range(n):
        text = ". ".join(sentences[j] for j in rng.choice(len(sentences), size=3, replace=False))
        meta: dict[str, object] = {"region": [REGIONS[i % 3]], "kind": "공고" if i % 2 else "매뉴얼",
                "date_key": 20250101 + i % 28}  # fmt: skip
        chunks.append(Chunk(f"doc{i % 40}", "sha", f"f{i % 40}.md", f"문서 {i % 40}", i % 5 + 1,
                            i, text, metadata=meta))  # fmt: skip
        texts.append(text)
    dense = rng.normal(size=(n, DIM)).astype(np.float32)
    # Recombined sentences repeat, so some chunks would tie on BM25 and the engines may order
    # ties differently (legitimately); a per-chunk jitter of <1% keeps the postings real.
    vecs = [sparse.encode_document(t) for t in texts]
    vecs = [SparseVec(v.indices, [x * (1 + 0.01 * rng.random()) for x in v.values]) for v in vecs]
    return chunks, dense, vecs


@pytest.fixture(scope="module")
def engines(kiwi: Kiwi, tmp_path_factory: pytest.TempPathFactory):
    sparse = KiwiBM25(kiwi)
    chunks, dense, vecs = corpus(sparse)
    edge = VectorIndex.open("c", path=tmp_path_factory.mktemp("edge"))
    local = VectorIndex.open("c", engine="local")
    for index in (edge, local):
        index.ensure(DIM)
        index.upsert(chunks, dense, vecs)
    edge.optimize()
    yield edge, local, sparse
    edge.close()
    local.close()


def same_ranking(a: list, b: list, top: int | None = None) -> None:
    """Same scores in the same order; ids equal in the first `top` wherever the score is not
    tied with another result (RRF sums of 1/(k+rank) tie often)."""
    assert len(a) == len(b) > 0
    assert [h.score for h in a] == pytest.approx([h.score for h in b], rel=1e-4, abs=1e-5)
    for i, (x, y) in enumerate(zip(a[:top], b[:top], strict=True)):
        tied = any(abs(x.score - o.score) < 1e-5 for j, o in enumerate(a) if j != i)
        if not tied:
            assert x.id == y.id, f"rank {i}: {x.file} vs {y.file}"


FILTERS = [None, SearchFilter(regions=("대구",)), SearchFilter(kinds=("공고",), regions=("울산", "부산")),
           SearchFilter(date_from="2025-01-05", date_to="2025-01-12")]  # fmt: skip


@pytest.mark.parametrize("where", FILTERS)
@pytest.mark.parametrize("question", QUESTIONS)
def test_edge_and_local_return_the_same_top_k(engines, question: str, where) -> None:
    edge, local, sparse = engines
    q_dense = np.random.default_rng(abs(hash(question)) % 2**32).normal(size=DIM)
    q_sparse = sparse.encode_query(question)
    same_ranking(edge.dense(q_dense, limit=10, where=where),
                 local.dense(q_dense, limit=10, where=where))  # fmt: skip
    same_ranking(edge.sparse(q_sparse, limit=10, where=where),
                 local.sparse(q_sparse, limit=10, where=where))  # fmt: skip
    e_hits, e_best = convex_search(edge, q_dense, q_sparse, limit=5, prefetch=30, where=where)
    l_hits, l_best = convex_search(local, q_dense, q_sparse, limit=5, prefetch=30, where=where)
    assert e_best == pytest.approx(l_best, rel=1e-4)
    same_ranking(e_hits, l_hits)
    same_ranking(
        edge.hybrid(q_dense, q_sparse, limit=60, prefetch=30, weights=(1.0, 2.0), where=where),
        local.hybrid(q_dense, q_sparse, limit=60, prefetch=30, weights=(1.0, 2.0), where=where),
        top=5,
    )
    if where is not None:  # the filter really filtered
        for h in edge.dense(q_dense, limit=10, where=where):
            assert h.doc_id.startswith("doc")


def test_filtered_hits_satisfy_the_filter(engines) -> None:
    edge, _, _ = engines
    got = edge.client.scroll("c", scroll_filter=SearchFilter(regions=("울산",)).to_qdrant(),
                             limit=1000)[0]  # fmt: skip
    assert len(got) == 400 // 3 + (1 if 400 % 3 > 1 else 0)
    assert {tuple(p.payload["region"]) for p in got} == {("울산",)}


def test_counts_deletes_and_scroll_agree(engines) -> None:
    edge, local, _ = engines
    assert edge.count() == local.count() == 400
    assert edge.count("doc3") == local.count("doc3") == 10
    e_chunks = [h.id for h in edge.document_chunks("doc3")]
    l_chunks = [h.id for h in local.document_chunks("doc3")]
    assert e_chunks == l_chunks and len(e_chunks) == 10


def test_edge_persists_locks_and_rebuilds_a_lost_index(kiwi: Kiwi, tmp_path: Path) -> None:
    folder = tmp_path / "qdrant-edge"
    manifest = Manifest(tmp_path / "m.sqlite")
    index = VectorIndex.open("p", path=folder)
    ingestor = Ingestor(index, manifest, ToyEmbedder(), KiwiBM25(kiwi), KoreanChunker(kiwi))
    ingestor.ingest([SAMPLE_CORPUS])
    n = index.count()
    assert n > 0
    with pytest.raises(IndexBusyError):  # one holder at a time, as with the local mode
        VectorIndex.open("p", path=folder)
    index.close()
    reopened = VectorIndex.open("p", path=folder)
    assert reopened.count() == n  # survives close / reopen
    reopened.close()
    # The index folder is lost (or a new engine folder): the manifest must not skip the files.
    fresh = VectorIndex.open("p", path=tmp_path / "elsewhere")
    again = Ingestor(fresh, manifest, ToyEmbedder(), KiwiBM25(kiwi), KoreanChunker(kiwi))
    report = again.ingest([SAMPLE_CORPUS])
    assert {r.outcome.value for r in report.results} == {"added"}
    assert fresh.count() == n
    fresh.close()
    manifest.close()


def test_an_in_memory_edge_index_leaves_no_folder_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stand-in folder goes on close(), and also when an index is simply dropped."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    closed = VectorIndex.open("m")
    closed.ensure(4)
    assert [p.name[:9] for p in tmp_path.iterdir()] == ["axa-edge-"]
    closed.close()
    assert list(tmp_path.iterdir()) == []

    dropped = VectorIndex.open("m")
    dropped.ensure(4)
    assert len(list(tmp_path.iterdir())) == 1
    del dropped
    gc.collect()
    assert list(tmp_path.iterdir()) == []
