"""The Qdrant collection: its schema, writes and hybrid queries — the one front door to it.

Three engines behind one interface: Qdrant Edge in process (the default, `_edge.py`), a Qdrant
server when a URL is given, and qdrant-client's pure-Python local mode (`engine="local"`, kept for
the congruence test and old data folders). Ingest writes through this module and rag reads
through it, so the schema lives in one place.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
import uuid
import warnings
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from qdrant_client import QdrantClient
from qdrant_client import models as qm

from ._edge import EdgeClient, EdgeLockedError
from .documents import Chunk, location_label
from .sparse import SparseVec

DENSE = "dense"
SPARSE = "sparse"
# HNSW beam width for dense queries (Qdrant's default is ef_construct, 100). Measured at 100k
# chunks (benchmarks/index_scale.py): dense top-5 overlap with exact search 0.82 at the default;
# 256 costs ~3 ms a query there.
_SEARCH = qm.SearchParams(hnsw_ef=256)
_NS = uuid.UUID("6b1f3c2e-5a0d-4c47-9a7e-0c1d2e3f4a5b")


class IndexBusyError(RuntimeError):
    """The embedded index folder is held by another process (one writer at a time)."""

    user_message = (
        "색인이 다른 프로그램(예: 실행 중인 axa-chat)에서 사용 중입니다. 그 프로그램을 닫고 다시 "
        "실행하거나, 여러 프로그램이 함께 쓰려면 Qdrant 서버(AXA_QDRANT_URL)를 사용하세요."
    )


class IndexMismatchError(RuntimeError):
    """The index holds vectors of another embedder (AXA_EMBEDDER changed, no re-ingest yet)."""

    user_message = (
        "검색 색인이 현재 설정과 다른 임베딩 모델로 만들어져 있어 답할 수 없습니다. "
        "운영자에게 문서 재색인(axa-ingest)을 요청해 주세요."
    )


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk as stored in the payload, with the query's score for it."""

    id: str
    score: float
    file: str
    page: int
    title: str
    text: str
    doc_id: str
    section: str = ""
    unit: str = "page"

    @property
    def location(self) -> str:
        return location_label(self.unit, self.page, self.section)


# Payload fields the filters use (ingest/metadata.py writes them), and their index types.
FILTER_FIELDS = {
    "doc_id": qm.PayloadSchemaType.KEYWORD,
    "file": qm.PayloadSchemaType.KEYWORD,
    "kind": qm.PayloadSchemaType.KEYWORD,
    "region": qm.PayloadSchemaType.KEYWORD,
    "org": qm.PayloadSchemaType.KEYWORD,
    "file_type": qm.PayloadSchemaType.KEYWORD,
    "date_key": qm.PayloadSchemaType.INTEGER,
}


@dataclass(frozen=True)
class SearchFilter:
    """Narrow retrieval to documents of these kinds / regions / organisations / types, dated
    within [date_from, date_to] ("YYYY-MM-DD"). Empty fields do not filter; values within a
    field are alternatives (any), fields combine (all). A dated range drops undated documents."""

    kinds: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    file_types: tuple[str, ...] = ()
    date_from: str = ""
    date_to: str = ""
    # Only these documents ("접수 중인 공고만"); None: any. An empty tuple matches nothing.
    doc_ids: tuple[str, ...] | None = None

    def __bool__(self) -> bool:
        return any((self.kinds, self.regions, self.orgs, self.file_types, self.date_from,
                    self.date_to)) or self.doc_ids is not None  # fmt: skip

    def to_qdrant(self) -> qm.Filter | None:
        must: list[qm.Condition] = []
        for key, values in (("kind", self.kinds), ("region", self.regions), ("org", self.orgs),
                            ("file_type", self.file_types)):  # fmt: skip
            if values:
                must.append(qm.FieldCondition(key=key, match=qm.MatchAny(any=list(values))))
        if self.date_from or self.date_to:
            must.append(qm.FieldCondition(key="date_key", range=qm.Range(
                gte=_date_key(self.date_from) if self.date_from else None,
                lte=_date_key(self.date_to) if self.date_to else None,
            )))  # fmt: skip
        if self.doc_ids is not None:
            # an empty list must match nothing, and MatchAny([]) is refused: use a key no
            # document has
            ids = list(self.doc_ids) or ["\x00none"]
            must.append(qm.FieldCondition(key="doc_id", match=qm.MatchAny(any=ids)))
        return qm.Filter(must=must) if must else None


def _date_key(value: str) -> int:
    """ "2025-03-04" / "2025.3.4" / "20250304" -> 20250304; ValueError with the bad text."""
    digits = [int(x) for x in re.findall(r"\d+", value)]
    if len(digits) == 1 and len(str(digits[0])) == 8:
        return digits[0]
    if len(digits) != 3 or not (1 <= digits[1] <= 12 and 1 <= digits[2] <= 31):
        raise ValueError(f"not a date (YYYY-MM-DD): {value!r}")
    return digits[0] * 10000 + digits[1] * 100 + digits[2]


def point_id(chunk: Chunk) -> str:
    """Deterministic: the same chunk of the same file content always maps to the same point."""
    return str(uuid.uuid5(_NS, f"{chunk.doc_id}\x00{chunk.doc_sha256}\x00{chunk.index}"))


def _sparse(vec: SparseVec) -> qm.SparseVector:
    return qm.SparseVector(indices=vec.indices, values=vec.values)


class _Serialized:
    """The embedded engine is plain Python over numpy arrays: calls from the chat's worker
    threads and the operator page's ingest must not interleave. A server needs no lock."""

    def __init__(self, client: QdrantClient) -> None:
        self._client = client
        self._lock = threading.RLock()

    def __getattr__(self, name: str) -> object:
        attr = getattr(self._client, name)
        if not callable(attr):
            return attr

        def locked(*args: object, **kwargs: object) -> object:
            if name == "query_points":  # exact search: HNSW params mean nothing, and it warns
                kwargs.pop("search_params", None)
            with self._lock:
                return attr(*args, **kwargs)

        return locked


class VectorIndex:
    def __init__(
        self, client: QdrantClient, collection: str, *, cleanup: Path | None = None
    ) -> None:
        self.client = client
        self.collection = collection
        # A temporary folder stands in for ":memory:"; it goes with the index even when nobody
        # calls close(), at the latest when the interpreter exits.
        self._cleanup = (
            weakref.finalize(self, shutil.rmtree, cleanup, ignore_errors=True) if cleanup else None
        )

    @classmethod
    def open(
        cls, collection: str, *, path: Path | None = None, url: str | None = None,
        api_key: str | None = None, engine: str = "edge",
    ) -> VectorIndex:  # fmt: skip
        """`url`: a Qdrant server. Else `path` (a folder) or, without one, in memory: Qdrant Edge
        by default (a temporary folder stands in for memory), or `engine="local"`."""
        if url:
            return cls(QdrantClient(url=url, api_key=api_key), collection)
        if engine == "edge":
            folder = path or Path(tempfile.mkdtemp(prefix="axa-edge-"))
            folder.mkdir(parents=True, exist_ok=True)
            try:
                client = EdgeClient(folder)
                if client.collection_exists(collection):
                    client.get_collection(collection)  # opens the shard: fail early if locked
            except EdgeLockedError as exc:
                raise IndexBusyError(f"embedded Qdrant Edge at {folder} is locked") from exc
            return cls(client, collection, cleanup=None if path else folder)  # type: ignore[arg-type]
        if engine != "local":
            raise ValueError(f"unknown index engine {engine!r}: use 'edge' or 'local'")
        if path is None:
            return cls(_Serialized(QdrantClient(location=":memory:")), collection)  # type: ignore[arg-type]
        path.mkdir(parents=True, exist_ok=True)
        try:
            return cls(_Serialized(QdrantClient(path=str(path))), collection)  # type: ignore[arg-type]
        except RuntimeError as exc:
            if "already accessed" in str(exc):
                raise IndexBusyError(
                    f"embedded Qdrant at {path} is locked by another process"
                ) from exc
            raise

    def close(self) -> None:
        self.client.close()
        if self._cleanup is not None:
            self._cleanup()

    def optimize(self) -> bool:
        """Build the search indexes now (Qdrant Edge only: it never does so in the background;
        a server and the local mode need nothing). True when something was rebuilt."""
        if isinstance(self.client, EdgeClient) and self.exists():
            return self.client.optimize(self.collection)
        return False

    # --- schema ------------------------------------------------------------------------------
    def exists(self) -> bool:
        return self.client.collection_exists(self.collection)

    def dim(self) -> int | None:
        """The dense vectors' size, None when there is no collection yet."""
        if not self.exists():
            return None
        vectors = self.client.get_collection(self.collection).config.params.vectors
        return vectors[DENSE].size if isinstance(vectors, dict) else None

    def drop(self) -> None:
        """Delete the collection and every point in it (an embedder change re-indexes all)."""
        if self.exists():
            self.client.delete_collection(self.collection)

    def ensure(self, dim: int) -> None:
        if self.exists():
            size = self.dim()
            if size != dim:
                raise ValueError(
                    f"collection {self.collection!r} holds {size}-dim vectors but the embedder "
                    f"makes {dim}-dim ones; use another AXA_COLLECTION or re-ingest into a new one"
                )
        else:
            self.client.create_collection(
                self.collection,
                vectors_config={DENSE: qm.VectorParams(size=dim, distance=qm.Distance.COSINE)},
                sparse_vectors_config={SPARSE: qm.SparseVectorParams(modifier=qm.Modifier.IDF)},
            )
        with warnings.catch_warnings():  # the embedded engine ignores payload indexes, says so
            warnings.simplefilter("ignore", UserWarning)
            have = self.client.get_collection(self.collection).payload_schema or {}
            for field, schema in FILTER_FIELDS.items():
                if field not in have:
                    self.client.create_payload_index(self.collection, field, schema)

    # --- writes ------------------------------------------------------------------------------
    def upsert(
        self, chunks: Sequence[Chunk], dense: np.ndarray, sparse: Sequence[SparseVec],
        batch: int = 256,
    ) -> int:  # fmt: skip
        points = [
            qm.PointStruct(
                id=point_id(c),
                vector={DENSE: dense[i].tolist(), SPARSE: _sparse(sparse[i])},
                payload={
                    "doc_id": c.doc_id,
                    "doc_sha256": c.doc_sha256,
                    "file": c.file,
                    "title": c.title,
                    "page": c.page,
                    "chunk_index": c.index,
                    "section": c.section,
                    "unit": c.unit,
                    "text": c.text,
                    **c.metadata,
                },
            )
            for i, c in enumerate(chunks)
        ]
        for start in range(0, len(points), batch):
            self.client.upsert(self.collection, points=points[start : start + batch], wait=True)
        return len(points)

    def delete_document(self, doc_id: str, *, keep_sha256: str | None = None) -> None:
        """Remove a document's points; with `keep_sha256`, only those of other versions."""
        must = [qm.FieldCondition(key="doc_id", match=qm.MatchValue(value=doc_id))]
        must_not = []
        if keep_sha256 is not None:
            must_not.append(
                qm.FieldCondition(key="doc_sha256", match=qm.MatchValue(value=keep_sha256))
            )
        self.client.delete(
            self.collection,
            points_selector=qm.FilterSelector(filter=qm.Filter(must=must, must_not=must_not)),
            wait=True,
        )

    def count(self, doc_id: str | None = None) -> int:
        if not self.exists():
            return 0
        flt = None
        if doc_id is not None:
            flt = qm.Filter(
                must=[qm.FieldCondition(key="doc_id", match=qm.MatchValue(value=doc_id))]
            )
        return self.client.count(self.collection, count_filter=flt, exact=True).count

    # --- reads -------------------------------------------------------------------------------
    def hybrid(
        self,
        dense: np.ndarray,
        sparse: SparseVec,
        *,
        limit: int,
        prefetch: int,
        weights: tuple[float, float] | None = None,
        rrf_k: int | None = None,
        where: SearchFilter | None = None,
    ) -> list[Hit]:
        """Dense and sparse candidates fused with Reciprocal Rank Fusion inside Qdrant;
        `weights` = (dense, sparse) tilts the fusion (measured: see benchmarks/retrieval.py)."""
        query: qm.Query = qm.FusionQuery(fusion=qm.Fusion.RRF)
        if weights is not None or rrf_k is not None:
            query = qm.RrfQuery(rrf=qm.Rrf(k=rrf_k, weights=list(weights) if weights else None))
        flt = where.to_qdrant() if where else None
        res = self.client.query_points(
            self.collection,
            prefetch=[
                qm.Prefetch(query=dense.tolist(), using=DENSE, limit=prefetch, filter=flt),
                qm.Prefetch(query=_sparse(sparse), using=SPARSE, limit=prefetch, filter=flt),
            ],
            query=query,
            limit=limit,
            with_payload=True,
        )
        return [_hit(p) for p in res.points]

    def candidate_scores(
        self, dense: np.ndarray, sparse: SparseVec, *, prefetch: int,
        where: SearchFilter | None = None,
    ) -> tuple[dict[str, float], dict[str, float]]:  # fmt: skip
        """(BM25 scores, cosines) of each list's top `prefetch` points, no payloads: what a
        fusion in `search.fusion` ranks."""
        flt = where.to_qdrant() if where else None
        return (self._scores(_sparse(sparse), SPARSE, prefetch, flt),
                self._scores(dense.tolist(), DENSE, prefetch, flt))  # fmt: skip

    def hits(self, scored: Sequence[tuple[str, float]]) -> list[Hit]:
        """The chunks of `scored` point ids, in that order, carrying those scores."""
        ids = [pid for pid, _ in scored]
        records = {str(r.id): r for r in self.client.retrieve(
            self.collection, ids=ids, with_payload=True, with_vectors=False)}  # fmt: skip
        return [
            _hit(qm.ScoredPoint.model_construct(
                id=pid, version=0, score=score, payload=records[pid].payload))
            for pid, score in scored if pid in records
        ]  # fmt: skip

    def _scores(
        self, query: Any, using: str, limit: int, flt: qm.Filter | None
    ) -> dict[str, float]:
        res = self.client.query_points(
            self.collection, query=query, using=using, limit=limit, with_payload=False,
            query_filter=flt, search_params=_SEARCH if using == DENSE else None,
        )  # fmt: skip
        return {str(p.id): float(p.score) for p in res.points}

    def sparse(
        self, sparse: SparseVec, *, limit: int, where: SearchFilter | None = None
    ) -> list[Hit]:
        res = self.client.query_points(
            self.collection, query=_sparse(sparse), using=SPARSE, limit=limit, with_payload=True,
            query_filter=where.to_qdrant() if where else None,
        )  # fmt: skip
        return [_hit(p) for p in res.points]

    def dense(
        self, dense: np.ndarray, *, limit: int, where: SearchFilter | None = None
    ) -> list[Hit]:
        res = self.client.query_points(
            self.collection, query=dense.tolist(), using=DENSE, limit=limit, with_payload=True,
            query_filter=where.to_qdrant() if where else None, search_params=_SEARCH,
        )  # fmt: skip
        return [_hit(p) for p in res.points]

    def document_counts(self) -> dict[str, int]:
        """Points per document, read from the index itself (`axa-data check` compares it with
        the manifest)."""
        counts: dict[str, int] = {}
        if not self.exists():
            return counts
        offset = None
        while True:
            batch, offset = self.client.scroll(
                self.collection, limit=1024, offset=offset, with_payload=True
            )
            for p in batch:
                doc = str((p.payload or {}).get("doc_id", ""))
                counts[doc] = counts.get(doc, 0) + 1
            if offset is None:
                return counts

    def document_chunks(self, doc_id: str) -> list[Hit]:
        """All chunks of one document in reading order (the study mode's material)."""
        flt = qm.Filter(must=[qm.FieldCondition(key="doc_id", match=qm.MatchValue(value=doc_id))])
        points, offset = [], None
        while True:
            batch, offset = self.client.scroll(
                self.collection, scroll_filter=flt, limit=256, offset=offset, with_payload=True
            )
            points += batch
            if offset is None:
                break
        points.sort(key=lambda p: int((p.payload or {}).get("chunk_index", 0)))
        return [_hit(qm.ScoredPoint(id=p.id, version=0, score=0.0, payload=p.payload))
                for p in points]  # fmt: skip


def _hit(p: qm.ScoredPoint) -> Hit:
    pl = p.payload or {}
    return Hit(
        id=str(p.id),
        score=float(p.score),
        file=str(pl.get("file", "")),
        page=int(pl.get("page", 0)),
        title=str(pl.get("title", "")),
        text=str(pl.get("text", "")),
        doc_id=str(pl.get("doc_id", "")),
        section=str(pl.get("section", "")),
        unit=str(pl.get("unit", "page")),
    )
