"""Bring a suite's corpus into its own index: a folder through the real ingest path, or a
parquet of page texts (Allganize) as already-parsed documents with real page numbers."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import Path

from ingest import Ingestor, IngestReport, Outcome
from search import Document, Page


def page_documents(parquet: Path) -> list[Document]:
    """Rows `doc_id = "domain - file.pdf - page"`, `contents` -> one Document per file."""
    import pandas as pd

    pages: dict[str, list[Page]] = defaultdict(list)
    for row in pd.read_parquet(parquet).to_dict(orient="records"):
        head, _, page = str(row["doc_id"]).rpartition(" - ")
        file = head.split(" - ", 1)[-1]
        pages[file].append(Page(int(page), str(row["contents"] or "")))
    docs = []
    for file, ps in sorted(pages.items()):
        ps.sort(key=lambda p: p.number)
        sha = hashlib.sha256("\f".join(p.text for p in ps).encode()).hexdigest()
        path = parquet.parent / "pages" / file  # an identity, not a file on disk
        docs.append(Document(path, Path(file).stem, "parquet", sha, ps))
    return docs


def index_corpus(ingestor: Ingestor, corpus: Path) -> IngestReport:
    if corpus.suffix == ".parquet":
        report = IngestReport(results=[])
        for doc in page_documents(corpus):
            report.results.append(ingestor.index_document(doc))
        if any(r.chunks for r in report.results):
            ingestor.index.optimize()
        return report
    return ingestor.ingest([corpus])


def failures(report: IngestReport) -> list[str]:
    return [f"{r.file}: {r.reason}" for r in report.results if r.outcome == Outcome.FAILED]
