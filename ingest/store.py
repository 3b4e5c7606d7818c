"""Build the ingest/retrieval components from Settings: the edge where config becomes objects."""

from __future__ import annotations

from dataclasses import dataclass

from kiwipiepy import Kiwi

from axa_settings import Settings

from .chunking import KoreanChunker
from .embedding import Embedder, make_embedder
from .index import VectorIndex
from .loaders import make_loaders
from .manifest import Manifest
from .ocr import TesseractOCR
from .pipeline import Ingestor
from .sparse import KiwiBM25


@dataclass
class Store:
    """The shared, expensive-to-load parts: one Kiwi, one embedder, one open index."""

    kiwi: Kiwi
    embedder: Embedder
    sparse: KiwiBM25
    index: VectorIndex

    def close(self) -> None:
        self.index.close()


def open_index(settings: Settings) -> VectorIndex:
    return VectorIndex.open(
        settings.collection,
        path=None if settings.qdrant_url else settings.qdrant_path,
        url=settings.qdrant_url,
        api_key=settings.qdrant_api_key,
        engine=settings.index_engine,
    )


def open_store(settings: Settings, *, embedder: Embedder | None = None) -> Store:
    kiwi = Kiwi()
    return Store(
        kiwi=kiwi,
        embedder=embedder or make_embedder(settings.embedder, threads=settings.llm_threads),
        sparse=KiwiBM25(kiwi),
        index=open_index(settings),
    )


def make_ingestor(settings: Settings, store: Store) -> Ingestor:
    return Ingestor(
        store.index,
        Manifest(settings.manifest_path),
        store.embedder,
        store.sparse,
        KoreanChunker(
            store.kiwi, chunk_chars=settings.chunk_chars, overlap_chars=settings.chunk_overlap_chars
        ),
        max_bytes=int(settings.max_file_mb * 2**20),
        embed_batch=settings.embed_batch,
        loaders=make_loaders(
            TesseractOCR.if_available(settings.ocr_lang) if settings.ocr else None
        ),
        workers=settings.ingest_workers,
    )
