"""The real pipeline over the real Korean corpus in ../shared (skipped when it is absent)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from axa_settings import Settings
from axa_wiring import make_ingestor, make_retriever, open_store
from ingest import IngestReport, Outcome, TesseractOCR
from search import Retriever, Store
from tests.conftest import SHARED

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not (SHARED / "docs").is_dir(), reason="../shared/corpus is absent"),
]
DOCS = SHARED / "docs"


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[IngestReport, Store]]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("shared"))
    store = open_store(settings)
    ingestor = make_ingestor(settings, store)
    report = ingestor.ingest([DOCS])
    yield report, store
    ingestor.manifest.close()
    store.close()


@pytest.fixture(scope="module")
def retriever(ingested: tuple[IngestReport, Store]) -> Retriever:
    return make_retriever(Settings(), ingested[1])


def test_every_file_is_indexed(ingested: tuple[IngestReport, Store]) -> None:
    report, store = ingested
    by_file = {r.file: r for r in report.results}
    assert sorted(by_file) == sorted(p.name for p in DOCS.iterdir())  # all 39: PDF, HWP, HWPX
    scan = by_file["2026년+꼭+알아야+할+청년정책.pdf"]
    if TesseractOCR.if_available() is None:  # without OCR the scan is explained, not lost
        assert scan.outcome == Outcome.FAILED and "OCR" in scan.reason
        del by_file[scan.file]
    failed = {f: r.reason for f, r in by_file.items() if r.outcome != Outcome.ADDED}
    assert failed == {}
    for f, r in by_file.items():
        if f.endswith((".hwp", ".hwpx")):
            assert r.chunks > 0, f
    assert report.pages > 300
    assert store.index.count() == report.chunks_written
    # FIS reports use U+0007 for spaces; no chunk may keep it
    fis = by_file["「FIS 이슈 & 포커스」 22-3호 《재정융자사업》.pdf"]
    assert fis.outcome == Outcome.ADDED and fis.pages == 9


def _file_for(stem: str) -> str | None:
    matches = [p.name for p in DOCS.iterdir() if p.stem == stem]
    return matches[0] if matches else None


def test_dacon_document_recall(retriever: Retriever) -> None:
    rows = list(csv.DictReader((SHARED / "qa/dacon_fiscal/train.csv").open(encoding="utf-8-sig")))
    rows = [r for r in rows if _file_for(Path(r["Source_path"]).stem)]
    assert len(rows) == 108
    hits = sum(
        _file_for(Path(r["Source_path"]).stem)
        in [h.file for h in retriever.retrieve(r["Question"], 5).hits]
        for r in rows
    )
    print(f"DACON document hit@5 = {hits / len(rows):.3f} over {len(rows)} questions")
    assert hits / len(rows) >= 0.85


def test_gongo_golden_recall_and_no_bel(retriever: Retriever) -> None:
    rows = [json.loads(line) for line in (SHARED / "qa/gongo_rag/golden_set.jsonl").open()]
    normal = [r for r in rows if r["type"] == "normal"]
    found = 0
    for r in normal:
        hits = retriever.retrieve(r["question"], 5).hits
        assert all("\u0007" not in h.text for h in hits)
        found += _file_for(Path(r["doc_id"]).stem) in [h.file for h in hits]
    print(f"gongo_rag document hit@5 = {found / len(normal):.3f} over {len(normal)} questions")
    assert found / len(normal) >= 0.8
