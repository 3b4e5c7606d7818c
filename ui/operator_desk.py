"""What the operator page's buttons do, as plain methods the tests call: upload (checked,
stored, indexed; a failed file leaves nothing behind), re-index what changed, list, remove.
The tabs (`admin_upload_tab`, `admin_documents_tab`) lay these out; `admin` builds the page."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ingest import FileResult, Ingestor, ManifestRow, Outcome, expand_paths, supported_suffixes
from search import doc_key

from .escape import md_text, plain
from .uploads import settle_uploads, store_uploads

log = logging.getLogger(__name__)

MAX_FILES = 20  # per upload (the web guard sizes the request for this many)
Progress = Callable[[FileResult, int, int], None]


@dataclass
class OperatorDesk:
    """What the operator page does. `received_dir`: Gradio's upload folder; only files in it
    are taken as uploads."""

    ingestor: Ingestor
    upload_dir: Path
    max_bytes: int
    received_dir: Path | None = None
    on_change: Callable[[], None] | None = None

    @property
    def suffixes(self) -> set[str]:
        return supported_suffixes(self.ingestor.loaders)

    def documents(self) -> list[ManifestRow]:
        return self.ingestor.manifest.all()

    def choices(self) -> list[tuple[str, str]]:
        """(file name, opaque key) for the removal picker: no server paths on the page."""
        return [(plain(r.file), doc_key(r.doc_id)) for r in self.documents()]

    def _ingest(self, paths: list[Path], progress: Progress | None) -> list[FileResult]:
        # No optimize here: Qdrant Edge's HNSW build holds the GIL (measured: the whole build,
        # minutes at 100k chunks), which would freeze the chat in this process. New points are
        # searched exactly in their own small segment; `axa-ingest` rebuilds the graphs.
        report = self.ingestor.ingest(paths, progress=progress, optimize=False)
        if self.on_change:
            self.on_change()
        return report.results

    def upload(self, paths: object, progress: Progress | None = None
               ) -> tuple[str, list[FileResult]]:  # fmt: skip
        """Store and index what was uploaded: (status as Markdown, per-file results)."""
        names = [p for p in (paths if isinstance(paths, list) else []) if isinstance(p, str)]
        if not names:
            return "올릴 파일을 고르세요.", []
        pairs = [(Path(p), Path(p).name) for p in names[:MAX_FILES]]
        got = store_uploads(pairs, self.upload_dir, max_bytes=self.max_bytes,
                            suffixes=self.suffixes, received_dir=self.received_dir)  # fmt: skip
        results: list[FileResult] = []
        try:
            results = self._ingest([s.path for s in got.stored], progress) if got.stored else []
            settle_uploads(got.stored, results, self.ingestor)
        finally:
            received = self.received_dir.resolve() if self.received_dir else None
            for p, _ in pairs:  # Gradio's copy of what was uploaded
                if received is not None and p.resolve().is_relative_to(received):
                    p.unlink(missing_ok=True)
        failed = sum(1 for r in results if r.outcome == Outcome.FAILED)
        lines = [f"{len(got.stored)}개 파일을 받아 색인했습니다 (실패 {failed}개)."]
        lines += [f"- 새 버전으로 교체: {md_text(name)}" for name in got.replaced]
        lines += [f"- 거부: {md_text(reason)}" for reason in got.rejected]
        log.info("admin upload: %d stored, %d rejected", len(got.stored), len(got.rejected))
        return "\n".join(lines), results

    def refresh_all(self, progress: Progress | None = None) -> tuple[str, list[FileResult]]:
        """Re-index what changed, and drop documents whose files are gone."""
        rows = self.documents()
        gone = [r for r in rows if not Path(r.doc_id).exists()]
        for r in gone:
            self.ingestor.remove(r.doc_id)
        paths = [Path(r.doc_id) for r in rows if Path(r.doc_id).exists()]
        if self.upload_dir.is_dir():
            paths.append(self.upload_dir)
        results = self._ingest(paths, progress) if paths else []
        reason = "파일이 없어져 색인에서 뺐습니다"
        results += [FileResult(r.path, r.file, Outcome.REMOVED, r.pages, reason=reason)
                    for r in gone]  # fmt: skip
        changed = sum(1 for r in results if r.outcome != Outcome.SKIPPED)
        return f"다시 색인했습니다: 바뀐 문서 {changed}개.", results

    def unindexed_uploads(self) -> list[str]:
        """Uploaded files the index does not hold as they are: an upload whose ingest was cut
        (the server killed, the disk full) or that failed. Their names, for the page.

        Runs on every page load, so it compares modification times with the manifest's
        record instead of hashing each file (the ingest itself still decides by hash)."""
        if not self.upload_dir.is_dir():
            return []
        rows = {r.doc_id: r for r in self.documents()}
        found, _ = expand_paths([self.upload_dir], self.suffixes)
        return [p.name for p in found if not _indexed_since_written(p, rows.get(str(p.resolve())))]

    def pending_message(self) -> str:
        names = self.unindexed_uploads()
        if not names:
            return ""
        shown = ", ".join(md_text(n) for n in names[:5]) + (" 등" if len(names) > 5 else "")
        return (f"⚠️ 색인되지 않은 업로드 파일 {len(names)}개가 있습니다 ({shown}). 이전 작업이 "
                "중단되었거나 실패했을 수 있습니다. **전체 다시 색인**을 누르세요.")  # fmt: skip

    def remove(self, key: object) -> str:
        row = next((r for r in self.documents() if doc_key(r.doc_id) == key), None)
        if row is None:
            return "삭제할 문서를 고르세요."
        self.ingestor.remove(row.doc_id)
        path = Path(row.doc_id)
        if path.parent == self.upload_dir.resolve() and path.exists():
            path.unlink()  # an uploaded copy goes too; files elsewhere are the operator's
        if self.on_change:
            self.on_change()
        log.info("admin removed %s", row.doc_id)
        return f"{md_text(row.file)} 문서를 색인에서 삭제했습니다."


def _indexed_since_written(path: Path, row: ManifestRow | None) -> bool:
    if row is None or row.status != "indexed" or row.error:
        return False  # never indexed, or its last version failed
    try:
        indexed = datetime.fromisoformat(row.ingested_at).timestamp()
        return int(path.stat().st_mtime) <= indexed  # the record has whole seconds
    except (OSError, ValueError):
        return False
