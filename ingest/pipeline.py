"""files -> documents -> chunks -> points: one pass per file, incremental by content hash."""

from __future__ import annotations

import ctypes
import json
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TypeGuard, TypeVar

from notices import CARD_REVISION, read_card
from search import Chunk, Document, Embedder, KiwiBM25, VectorIndex

from .chunking import CHUNKS_REVISION, KoreanChunker
from .loaders import (
    Loader,
    LoadError,
    make_loaders,
    parse,
    parse_revision,
    read_file,
    sha256_bytes,
    supported_suffixes,
)
from .manifest import Manifest, ManifestRow
from .metadata import describe
from .space import DISK_FULL, NOT_TRIED, DiskSpace, is_disk_full

T = TypeVar("T")
log = logging.getLogger(__name__)


class Outcome(StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    SKIPPED = "skipped"
    FAILED = "failed"
    REMOVED = "removed"


@dataclass
class FileResult:
    path: str
    file: str
    outcome: Outcome
    pages: int = 0
    chunks: int = 0
    reason: str = ""


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def pages(self) -> int:
        return sum(r.pages for r in self.results if r.outcome in (Outcome.ADDED, Outcome.UPDATED))

    @property
    def chunks_written(self) -> int:
        return sum(r.chunks for r in self.results if r.outcome in (Outcome.ADDED, Outcome.UPDATED))

    @property
    def ok(self) -> bool:
        return self.count(Outcome.FAILED) == 0

    def to_dict(self) -> dict[str, object]:
        return {
            "added": self.count(Outcome.ADDED),
            "updated": self.count(Outcome.UPDATED),
            "skipped": self.count(Outcome.SKIPPED),
            "failed": self.count(Outcome.FAILED),
            "removed": self.count(Outcome.REMOVED),
            "pages": self.pages,
            "chunks_written": self.chunks_written,
            "seconds": round(self.seconds, 2),
            "files": [asdict(r) for r in self.results],
        }


Progress = Callable[[FileResult, int, int], None]


def expand_paths(paths: Iterable[Path], suffixes: set[str]) -> tuple[list[Path], list[FileResult]]:
    """Files to ingest (directories walked, symlinked dirs not followed) and paths refused early."""
    files: list[Path] = []
    refused: list[FileResult] = []
    for p in paths:
        if p.is_dir():
            for root, dirs, names in os.walk(p, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    f = Path(root) / name
                    if f.suffix.lower() in suffixes and not name.startswith("."):
                        files.append(f)
        elif p.is_file():
            files.append(p)
        else:
            refused.append(
                FileResult(str(p), p.name, Outcome.FAILED, reason="파일이나 폴더가 없습니다")
            )
    return files, refused


class Ingestor:
    def __init__(
        self,
        index: VectorIndex,
        manifest: Manifest,
        embedder: Embedder,
        sparse: KiwiBM25,
        chunker: KoreanChunker,
        *,
        max_bytes: int | None = None,
        embed_batch: int = 32,
        loaders: tuple[Loader, ...] | None = None,
        workers: int = 1,
        space: DiskSpace | None = None,
    ) -> None:
        """`space`: checked before each document is written (see space.py); None: unchecked."""
        self.index = index
        self.manifest = manifest
        self.embedder = embedder
        self.sparse = sparse
        self.chunker = chunker
        self.max_bytes = max_bytes
        self.embed_batch = embed_batch
        self.loaders = loaders or make_loaders()
        self.workers = workers
        self.space = space
        self._index_checked = False
        self._disk_full = False  # set by a document that found no room; ends the run
        # One writer at a time: the operator page, a CLI's job over the control socket.
        self.lock = threading.RLock()

    def ingest(
        self,
        paths: Iterable[Path],
        *,
        progress: Progress | None = None,
        dry_run: bool = False,
        prune: bool = False,
        optimize: bool = True,
    ) -> IngestReport:
        """Bring the index in line with `paths`; with `prune`, also drop documents whose files
        under those paths are gone. `dry_run` says what would happen and writes nothing.
        `optimize`: rebuild the engine's search indexes after a change (blocks; see index.py)."""
        with self.lock:
            return self._ingest(paths, progress, dry_run, prune, optimize)

    def _ingest(
        self, paths: Iterable[Path], progress: Progress | None, dry_run: bool, prune: bool,
        optimize: bool,
    ) -> IngestReport:  # fmt: skip
        start = time.perf_counter()
        paths = list(paths)
        files, refused = expand_paths(paths, supported_suffixes(self.loaders))
        report = IngestReport(results=list(refused))
        if not dry_run:
            self._prepare_index()
        if dry_run:
            reembed = self._embedder_changed()
            results: Iterable[FileResult] = (self.plan_file(p, reembed) for p in files)
        else:
            results = self._ingest_files(files)
        self._disk_full = False
        for i, result in enumerate(results, start=1):
            report.results.append(result)
            if progress:
                progress(result, i, len(files))
        if self._disk_full:  # no pruning or optimising on a full disk
            report.seconds = time.perf_counter() - start
            return report
        if prune:
            report.results += self.prune(paths, dry_run=dry_run)
        changed = (Outcome.ADDED, Outcome.UPDATED, Outcome.REMOVED)
        if optimize and not dry_run and any(r.outcome in changed for r in report.results):
            if self.space is not None and not self.space.has_reserve():
                log.warning("low disk space: the search index is not optimised after this run")
            else:
                self.index.optimize()  # Qdrant Edge builds its HNSW graphs only when asked
        report.seconds = time.perf_counter() - start
        return report

    def _ingest_files(self, files: list[Path]) -> Iterator[FileResult]:
        """Parse in worker processes while this one chunks, embeds and writes, in file order.

        Parsing (pypdf, dochan, OCR) is pure Python or a subprocess and holds the GIL, so
        processes, not threads, put the second core to work.
        """
        prechecked = [self._precheck(p) for p in files]
        jobs = [j for j in prechecked if isinstance(j, _Pending)]
        if self.workers <= 1 or len(jobs) <= 1:
            for item in prechecked:
                if isinstance(item, FileResult):
                    yield item
                elif self._disk_full:
                    yield _not_tried(item)
                else:
                    parsed = _parse_job(item.path, item.data, item.sha, self.loaders)
                    yield self._index(item, parsed)
            return
        ctx = multiprocessing.get_context("spawn")  # no fork of a process holding BLAS threads
        with ProcessPoolExecutor(
            max_workers=self.workers, mp_context=ctx, initializer=_die_with_parent
        ) as pool:
            futures = {
                id(j): pool.submit(_parse_job, j.path, j.data, j.sha, self.loaders) for j in jobs
            }
            yield from self._collect(prechecked, futures)

    def _collect(
        self,
        prechecked: list[FileResult | _Pending],
        futures: dict[int, Future[Document | LoadError]],
    ) -> Iterator[FileResult]:
        for item in prechecked:
            if isinstance(item, FileResult):
                yield item
                continue
            if self._disk_full:  # the files after a full disk wait for the next run
                futures[id(item)].cancel()
                yield _not_tried(item)
                continue
            try:
                parsed = futures[id(item)].result()
            except Exception as exc:  # a worker died (e.g. out of memory)
                log.exception("parser process failed on %s", item.path)
                parsed = LoadError(f"처리 중 오류가 발생했습니다 ({type(exc).__name__})")
            yield self._index(item, parsed)

    def _prepare_index(self) -> None:
        """Make the index fit this embedder, then make sure no document is skipped that is
        not in it. Vectors of two embedders cannot be compared, so an index built with
        another one (recorded in the manifest, or told by its vector size for manifests
        written before the record existed) is dropped and every document indexed again."""
        self._index_checked = True
        if self._embedder_changed():
            recorded, size = self.manifest.setting("embedder"), self.index.dim()
            log.warning(
                "the index was built with embedder %s (%s-dim), this run uses %s (%d-dim): "
                "dropping it and indexing every document again",
                recorded or "unknown", size, self.embedder.name, self.embedder.dim,
            )  # fmt: skip
            self.index.drop()
        self.index.ensure(self.embedder.dim)
        self._forget_if_index_lost()
        self.manifest.set_setting("embedder", self.embedder.name)

    def _embedder_changed(self) -> bool:
        recorded = self.manifest.setting("embedder")
        size = self.index.dim()
        if size is None:
            return False
        return size != self.embedder.dim or recorded not in (None, self.embedder.name)

    def _forget_if_index_lost(self) -> None:
        """An empty index with a manifest that lists indexed documents (a new engine folder,
        a deleted one, a dropped one): forget the rows so every file is indexed again."""
        rows = [r for r in self.manifest.all() if r.status == "indexed"]
        if rows and self.index.count() == 0:
            log.warning("index is empty but the manifest lists %d indexed documents; "
                        "re-indexing them", len(rows))  # fmt: skip
            for row in rows:
                self.manifest.remove(row.doc_id)

    def plan_file(self, path: Path, reembed: bool = False) -> FileResult:
        """What ingesting `path` would do, judged by content hash (and `reembed`: the index
        is another embedder's, so every file would be embedded again)."""
        try:
            sha = sha256_bytes(read_file(path, max_bytes=self.max_bytes))
        except LoadError as exc:
            return FileResult(str(path), path.name, Outcome.FAILED, reason=exc.reason)
        previous = self.manifest.get(str(path.resolve()))
        if previous is None:
            return FileResult(str(path), path.name, Outcome.ADDED, reason="dry-run")
        if reembed:
            return FileResult(str(path), path.name, Outcome.UPDATED, reason="embedder changed")
        if _current(previous, sha, self._revision(path)):
            return FileResult(str(path), path.name, Outcome.SKIPPED, previous.pages)
        return FileResult(str(path), path.name, Outcome.UPDATED, reason="dry-run")

    def prune(self, paths: Iterable[Path], *, dry_run: bool = False) -> list[FileResult]:
        roots = [p.resolve() for p in paths]
        removed = []
        for row in self.manifest.all():
            doc = Path(row.doc_id)
            inside = any(doc == r or r in doc.parents for r in roots)
            if inside and not doc.exists():
                if not dry_run:
                    self.remove(row.doc_id)
                removed.append(FileResult(row.path, row.file, Outcome.REMOVED, row.pages,
                                          reason="파일이 없어져 색인에서 뺐습니다"))  # fmt: skip
        return removed

    def _precheck(self, path: Path) -> FileResult | _Pending:
        """Read and hash; unchanged files stop here, before the costly parse."""
        doc_id = str(path.resolve())
        try:
            data = read_file(path, max_bytes=self.max_bytes)
        except LoadError as exc:
            return self._failed(path, doc_id, exc.reason)
        sha = sha256_bytes(data)
        previous = self.manifest.get(doc_id)
        if _current(previous, sha, self._revision(path)):
            if previous.card_revision == CARD_REVISION:
                return FileResult(str(path), path.name, Outcome.SKIPPED, previous.pages, 0)
            # indexed text is current, its notice card is not: parse to read the card only
            return _Pending(path, doc_id, data, sha, True, card_only=True)
        return _Pending(path, doc_id, data, sha, previous is not None)

    def _revision(self, path: Path, loader: str = "") -> str:
        """What made the indexed text: the parser's revision and the chunker's ("pdf:5
        chunks:2"); text made by older ones is parsed, chunked and embedded again."""
        try:
            parsed = parse_revision(path, self.loaders)
        except LoadError:  # a dataset's document with no file format of ours
            parsed = f"{loader}:1"
        return f"{parsed} chunks:{CHUNKS_REVISION}"

    @staticmethod
    def _card(doc: Document) -> str:
        """The notice card's JSON, "" for a document that is no notice. Reading a card never
        costs the document its place in the index."""
        try:
            card = read_card(doc)
        except Exception:
            log.exception("reading the notice card of %s failed", doc.path)
            return ""
        return json.dumps(card.to_storage(), ensure_ascii=False) if card else ""

    def _index(self, job: _Pending, parsed: Document | LoadError) -> FileResult:
        path, doc_id, sha = job.path, job.doc_id, job.sha
        if job.card_only:
            row = self.manifest.get(doc_id)
            if not isinstance(parsed, LoadError):
                self.manifest.set_card(doc_id, self._card(parsed), CARD_REVISION)
            return FileResult(str(path), path.name, Outcome.SKIPPED, row.pages if row else 0, 0)
        try:
            if isinstance(parsed, LoadError):
                raise parsed
            doc = parsed
            meta = describe(doc)
            doc.metadata.update(meta.payload())
            chunks = self.chunker.chunk(doc)
            if not chunks:
                raise LoadError("색인할 텍스트가 없습니다")
            self._write(doc_id, sha, chunks)
        except _DiskFull:
            self._disk_full = True
            return self._failed(path, doc_id, DISK_FULL)
        except LoadError as exc:
            return self._failed(path, doc_id, exc.reason)
        except Exception as exc:  # one bad file must never cost the others
            log.exception("unexpected failure ingesting %s", path)
            return self._failed(path, doc_id, f"처리 중 오류가 발생했습니다 ({type(exc).__name__})")
        try:
            self.manifest.record(
                doc_id=doc_id, path=str(path), file=path.name, title=doc.title, sha256=sha,
                loader=doc.loader, pages=len(doc.pages), chunks=len(chunks), status="indexed",
                metadata=json.dumps(meta.payload(), ensure_ascii=False),
                revision=self._revision(path, doc.loader), card=self._card(doc),
                card_revision=CARD_REVISION,
            )  # fmt: skip
        except Exception as exc:
            if not is_disk_full(exc):
                raise
            # the index holds the new version, the manifest the old hash: a re-run converges
            log.error("disk full writing the manifest for %s", path)
            self._disk_full = True
            return FileResult(str(path), path.name, Outcome.FAILED, reason=DISK_FULL)
        outcome = Outcome.UPDATED if job.existed else Outcome.ADDED
        return FileResult(str(path), path.name, outcome, len(doc.pages), len(chunks))

    def _write(self, doc_id: str, sha: str, chunks: list[Chunk]) -> None:
        """Embed and write a document's points, then drop its other versions' points."""
        text_bytes = sum(len(c.text.encode()) for c in chunks)
        if self.space is not None and not self.space.room_for(
            len(chunks), text_bytes, self.embedder.dim
        ):
            log.error("not enough free disk space to index %s (%d chunks)", doc_id, len(chunks))
            raise _DiskFull
        try:
            for batch in _batches(chunks, self.embed_batch):
                dense = self.embedder.embed_documents([c.text for c in batch])
                sparse = [self.sparse.encode_document(f"{c.title}\n{c.text}") for c in batch]
                self.index.upsert(batch, dense, sparse)
            # New points are in place before the old version's go: a crash leaves a searchable
            # document, and the re-run (manifest still holds the old hash) converges.
            self.index.delete_document(doc_id, keep_sha256=sha)
        except Exception as exc:
            if not is_disk_full(exc):
                raise
            log.error("disk full while indexing %s: %s", doc_id, exc)
            self._drop_partial(doc_id, sha)
            raise _DiskFull from exc

    def _drop_partial(self, doc_id: str, sha: str) -> None:
        """The points of a version half written: the indexed version keeps its own."""
        previous = self.manifest.get(doc_id)
        try:
            if previous is None or previous.status != "indexed" or not previous.sha256:
                self.index.delete_document(doc_id)
            elif previous.sha256 != sha:
                self.index.delete_document(doc_id, keep_sha256=previous.sha256)
        except Exception:
            log.exception("could not drop the half-written points of %s", doc_id)

    def index_document(self, doc: Document) -> FileResult:
        """Index an already-parsed document (a dataset's page texts, a benchmark corpus);
        unchanged content (same sha256) is skipped as for files."""
        if not self._index_checked:
            self._prepare_index()
        previous = self.manifest.get(doc.doc_id)
        if _current(previous, doc.sha256, self._revision(doc.path, doc.loader)):
            return FileResult(str(doc.path), doc.path.name, Outcome.SKIPPED, previous.pages, 0)
        self.index.ensure(self.embedder.dim)
        job = _Pending(doc.path, doc.doc_id, b"", doc.sha256, previous is not None)
        return self._index(job, doc)

    def _failed(self, path: Path, doc_id: str, reason: str) -> FileResult:
        try:
            self._record_failure(path, doc_id, reason)
        except Exception as exc:
            if not is_disk_full(exc):
                raise
            log.error("disk full: could not record the failure of %s", path)
        return FileResult(str(path), path.name, Outcome.FAILED, reason=reason)

    def _record_failure(self, path: Path, doc_id: str, reason: str) -> None:
        previous = self.manifest.get(doc_id)
        if previous and previous.status == "indexed":
            self.manifest.mark_failed(doc_id, reason)  # the indexed version stays searchable
        else:
            self.manifest.record(
                doc_id=doc_id, path=str(path), file=path.name, title="", sha256="", loader="",
                pages=0, chunks=0, status="failed", error=reason,
            )  # fmt: skip

    def remove(self, doc_id: str) -> bool:
        with self.lock:
            if self.manifest.get(doc_id) is None:
                return False
            self.index.delete_document(doc_id)
            self.manifest.remove(doc_id)
            return True


def _current(previous: ManifestRow | None, sha: str, revision: str) -> TypeGuard[ManifestRow]:
    """Indexed with this content, by this parser revision and with filter metadata (older
    rows are re-indexed once)."""
    return bool(
        previous and previous.sha256 == sha and previous.status == "indexed" and previous.metadata
        and previous.parsed_by == revision
    )  # fmt: skip


def _die_with_parent() -> None:
    """Linux: a parser process ends when the ingest that started it is killed (even -9)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:  # not Linux
        pass


def _not_tried(job: _Pending) -> FileResult:
    return FileResult(str(job.path), job.path.name, Outcome.FAILED, reason=NOT_TRIED)


class _DiskFull(Exception):
    """No room to write a document (checked before, or ENOSPC during)."""


@dataclass
class _Pending:
    path: Path
    doc_id: str
    data: bytes
    sha: str
    existed: bool
    card_only: bool = False


def _parse_job(
    path: Path, data: bytes, sha: str, loaders: tuple[Loader, ...]
) -> Document | LoadError:
    """Runs in a worker process: a LoadError is returned, not raised, to cross cleanly."""
    try:
        return parse(path, data, sha, loaders)
    except LoadError as exc:
        return exc
    except Exception as exc:  # a parser bug on one file: that file fails, the run goes on
        log.exception("parser failed on %s", path)
        return LoadError(f"처리 중 오류가 발생했습니다 ({type(exc).__name__})")


def _batches(items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
