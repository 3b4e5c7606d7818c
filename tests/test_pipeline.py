from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest import Ingestor, KoreanChunker, Manifest, Outcome
from search import KiwiBM25, VectorIndex
from tests.conftest import SAMPLE_CORPUS
from tests.fakes import ToyEmbedder


@pytest.fixture()
def ingestor(kiwi, tmp_path: Path) -> Ingestor:
    return Ingestor(
        VectorIndex.open("t", path=tmp_path / "qdrant"),
        Manifest(tmp_path / "manifest.sqlite"),
        ToyEmbedder(),
        KiwiBM25(kiwi),
        KoreanChunker(kiwi, chunk_chars=300, overlap_chars=50),
        max_bytes=10 * 2**20,
    )


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    dest = tmp_path / "corpus"
    shutil.copytree(SAMPLE_CORPUS, dest)
    return dest


def test_ingest_then_unchanged_reingest_writes_nothing(ingestor: Ingestor, corpus: Path) -> None:
    first = ingestor.ingest([corpus])
    assert first.ok and first.count(Outcome.ADDED) == 4
    points = ingestor.index.count()
    assert points == first.chunks_written > 0
    second = ingestor.ingest([corpus])
    assert second.count(Outcome.SKIPPED) == 4
    assert second.chunks_written == 0
    assert ingestor.index.count() == points


def test_changed_file_replaces_its_points(ingestor: Ingestor, corpus: Path) -> None:
    ingestor.ingest([corpus])
    md = corpus / "sLLM_데이터프리존_이용_안내.md"
    doc_id = str(md.resolve())
    before = ingestor.index.count(doc_id)
    md.write_text("# 정정 공고\n\n이용 신청은 12월 1일부터 받는다.", encoding="utf-8")
    report = ingestor.ingest([md])
    assert [r.outcome for r in report.results] == [Outcome.UPDATED]
    assert ingestor.index.count(doc_id) == 1 != before
    texts = [h.text for h in ingestor.index.dense(ToyEmbedder().embed_query("이용 신청"), limit=50)
             if h.doc_id == doc_id]  # fmt: skip
    assert texts == ["# 정정 공고\n\n이용 신청은 12월 1일부터 받는다."]


def test_bad_file_is_reported_and_others_are_indexed(ingestor: Ingestor, corpus: Path) -> None:
    (corpus / "깨진 파일 🙂.pdf").write_bytes(b"%PDF-garbage")
    report = ingestor.ingest([corpus, corpus / "없는파일.pdf"])
    failed = {r.file: r.reason for r in report.results if r.outcome == Outcome.FAILED}
    assert set(failed) == {"깨진 파일 🙂.pdf", "없는파일.pdf"}
    assert "손상" in failed["깨진 파일 🙂.pdf"]
    assert report.count(Outcome.ADDED) == 4
    assert not report.ok


def test_broken_new_version_keeps_the_indexed_one(ingestor: Ingestor, corpus: Path) -> None:
    pdf = corpus / "울산_AI대전환_사업_개요.pdf"
    ingestor.ingest([pdf])
    doc_id = str(pdf.resolve())
    kept = ingestor.index.count(doc_id)
    pdf.write_bytes(b"%PDF-1.7 truncated upload")
    report = ingestor.ingest([pdf])
    assert report.results[0].outcome == Outcome.FAILED
    assert ingestor.index.count(doc_id) == kept > 0
    row = ingestor.manifest.get(doc_id)
    assert row is not None and row.status == "indexed" and "손상" in row.error


def test_remove(ingestor: Ingestor, corpus: Path) -> None:
    ingestor.ingest([corpus])
    doc_id = str((corpus / "대구_AI대전환_사업_개요.pdf").resolve())
    assert ingestor.remove(doc_id)
    assert ingestor.index.count(doc_id) == 0
    assert ingestor.manifest.get(doc_id) is None
    assert not ingestor.remove(doc_id)


def test_dry_run_writes_nothing(ingestor: Ingestor, corpus: Path) -> None:
    ingestor.ingest([corpus / "대구_AI대전환_사업_개요.pdf"])
    before = ingestor.index.count()
    (corpus / "sLLM_데이터프리존_이용_안내.md").write_text("# 바뀐 안내\n\n내용", encoding="utf-8")
    report = ingestor.ingest([corpus], dry_run=True)
    outcomes = {r.file: r.outcome for r in report.results}
    assert outcomes["대구_AI대전환_사업_개요.pdf"] == Outcome.SKIPPED
    assert outcomes["울산_AI대전환_사업_개요.pdf"] == Outcome.ADDED
    assert ingestor.index.count() == before
    assert len(ingestor.manifest.all()) == 1


def test_prune_removes_documents_whose_files_are_gone(ingestor: Ingestor, corpus: Path) -> None:
    ingestor.ingest([corpus])
    gone = corpus / "울산_AI대전환_사업_개요.pdf"
    doc_id = str(gone.resolve())
    gone.unlink()
    kept = ingestor.ingest([corpus])  # without --prune nothing is dropped
    assert kept.count(Outcome.REMOVED) == 0 and ingestor.index.count(doc_id) > 0
    dry = ingestor.ingest([corpus], prune=True, dry_run=True)
    assert dry.count(Outcome.REMOVED) == 1 and ingestor.index.count(doc_id) > 0
    report = ingestor.ingest([corpus], prune=True)
    assert [r.file for r in report.results if r.outcome == Outcome.REMOVED] == [gone.name]
    assert ingestor.index.count(doc_id) == 0 and ingestor.manifest.get(doc_id) is None
    assert report.count(Outcome.SKIPPED) == 3


def test_parallel_parsing_gives_the_same_result(kiwi, ingestor: Ingestor, corpus: Path) -> None:
    (corpus / "broken.pdf").write_bytes(b"%PDF-garbage")
    serial = ingestor.ingest([corpus])
    parallel = Ingestor(
        VectorIndex.open("p"), Manifest(":memory:"), ToyEmbedder(), KiwiBM25(kiwi),
        KoreanChunker(kiwi, chunk_chars=300, overlap_chars=50), workers=2,
    )  # fmt: skip
    report = parallel.ingest([corpus])

    def summary(r):
        return [(x.file, x.outcome, x.pages, x.chunks, x.reason) for x in r.results]

    assert summary(report) == summary(serial)
    assert parallel.index.count() == ingestor.index.count()


def test_documents_indexed_before_filters_existed_are_reindexed_once(
    ingestor: Ingestor, corpus: Path
) -> None:
    assert ingestor.ingest([corpus]).count(Outcome.ADDED) == 4
    ingestor.manifest._db.execute("UPDATE documents SET metadata = ''")  # an older manifest
    again = ingestor.ingest([corpus])
    assert again.count(Outcome.UPDATED) == 4 and again.ok
    row = ingestor.manifest.get(str((corpus / "울산_AI대전환_사업_개요.pdf").resolve()))
    assert row is not None and row.meta["region"] == ["울산"]
    assert ingestor.ingest([corpus]).count(Outcome.SKIPPED) == 4


class _OtherToy(ToyEmbedder):
    """Another model with the same vector size: only the recorded name tells them apart."""

    name = "toy-2"


class _WideToy(ToyEmbedder):
    name = "toy-wide"
    dim = 96


def _reopen(ingestor: Ingestor, tmp_path: Path, embedder: ToyEmbedder) -> Ingestor:
    ingestor.index.close()
    return Ingestor(
        VectorIndex.open("t", path=tmp_path / "qdrant"), ingestor.manifest, embedder,
        ingestor.sparse, ingestor.chunker, max_bytes=ingestor.max_bytes,
    )  # fmt: skip


def test_another_embedder_reindexes_every_document(
    ingestor: Ingestor, corpus: Path, tmp_path: Path
) -> None:
    first = ingestor.ingest([corpus])
    assert ingestor.manifest.setting("embedder") == "toy"
    other = _reopen(ingestor, tmp_path, _OtherToy())
    again = other.ingest([corpus])
    assert again.count(Outcome.ADDED) == 4 and again.ok
    assert other.index.count() == first.chunks_written  # replaced, not doubled
    assert other.manifest.setting("embedder") == "toy-2"
    assert other.ingest([corpus]).count(Outcome.SKIPPED) == 4


def test_a_manifest_without_the_record_is_judged_by_vector_size(
    ingestor: Ingestor, corpus: Path, tmp_path: Path
) -> None:
    ingestor.ingest([corpus])
    ingestor.manifest._db.execute("DELETE FROM settings")  # a manifest from before the record
    same = _reopen(ingestor, tmp_path, ToyEmbedder())
    assert same.ingest([corpus]).count(Outcome.SKIPPED) == 4
    ingestor.manifest._db.execute("DELETE FROM settings")
    wide = _reopen(same, tmp_path, _WideToy())
    again = wide.ingest([corpus])
    assert again.count(Outcome.ADDED) == 4 and again.ok
    assert wide.index.dim() == 96


def test_a_dry_run_says_all_would_be_embedded_again_and_changes_nothing(
    ingestor: Ingestor, corpus: Path, tmp_path: Path
) -> None:
    first = ingestor.ingest([corpus])
    wide = _reopen(ingestor, tmp_path, _WideToy())
    plan = wide.ingest([corpus], dry_run=True)
    assert [r.reason for r in plan.results] == ["embedder changed"] * 4
    assert plan.count(Outcome.UPDATED) == 4
    assert wide.index.dim() == 64 and wide.index.count() == first.chunks_written
    assert wide.manifest.setting("embedder") == "toy"


NOTICE_MD = """# 2026년 울산 AI 바우처 참여기업 모집 공고

울산광역시 공고 제2026-7호

2026년 4월 1일

울산광역시장

□ 지원대상 : 울산에 사업장이 소재한 중소기업
□ 신청기간 : 2026. 4. 6.(월) ~ 2026. 4. 24.(금) 17:00까지
□ 문의처 : 울산정보산업진흥원 052-000-0000
"""


def test_a_notice_gets_its_card_at_ingest_and_a_newer_reader_rereads_it_without_embedding(
    ingestor: Ingestor, corpus: Path
) -> None:
    from notices import CARD_REVISION, cards_from_json

    (corpus / "울산_AI바우처_모집공고.md").write_text(NOTICE_MD, encoding="utf-8")
    assert ingestor.ingest([corpus]).count(Outcome.ADDED) == 5
    cards = {c.file: c for c in cards_from_json(ingestor.manifest.cards())}
    assert set(cards) == {"울산_AI바우처_모집공고.md", "2025_지역주도형_AI대전환_사업_공모_안내.md"}
    card = cards["울산_AI바우처_모집공고.md"]
    assert card.file == "울산_AI바우처_모집공고.md" and card.organizer == "울산광역시"
    assert card.apply_end is not None and card.apply_end.isoformat() == "2026-04-24T17:00:00+09:00"
    ingestor.manifest._db.execute("UPDATE documents SET card = '', card_revision = ''")
    again = ingestor.ingest([corpus])
    assert again.count(Outcome.SKIPPED) == 5 and again.chunks_written == 0  # nothing re-embedded
    assert len(ingestor.manifest.cards()) == 2
    assert all(r.card_revision == CARD_REVISION for r in ingestor.manifest.all())


def test_a_document_parsed_by_an_older_loader_revision_is_indexed_again(
    ingestor: Ingestor, corpus: Path
) -> None:
    assert ingestor.ingest([corpus]).count(Outcome.ADDED) == 4
    rows = ingestor.manifest.all()
    assert {r.revision for r in rows} == {"pdf:5 chunks:2", "text:1 chunks:2"}
    # indexed by an older PDF loader (before text-layer repair): only the PDFs are read again
    ingestor.manifest._db.execute(
        "UPDATE documents SET revision = 'pdf:4 chunks:2' WHERE loader = 'pdf'"
    )
    again = ingestor.ingest([corpus])
    pdfs = sum(1 for r in rows if r.loader == "pdf")
    assert again.count(Outcome.UPDATED) == pdfs and again.count(Outcome.SKIPPED) == 4 - pdfs


def test_text_chunked_by_an_older_chunker_is_chunked_again(
    ingestor: Ingestor, corpus: Path
) -> None:
    assert ingestor.ingest([corpus]).count(Outcome.ADDED) == 4
    # a manifest written before revisions, or by the chunker that cut table rows in two
    ingestor.manifest._db.execute("UPDATE documents SET revision = ''")
    assert ingestor.ingest([corpus]).count(Outcome.UPDATED) == 4
    ingestor.manifest._db.execute("UPDATE documents SET revision = 'text:1 chunks:1'")
    assert ingestor.ingest([corpus]).count(Outcome.UPDATED) == 4
    assert ingestor.ingest([corpus]).count(Outcome.SKIPPED) == 4
