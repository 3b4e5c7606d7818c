"""Open the search side from Settings: one Kiwi, one embedder, one open index."""

from __future__ import annotations

from dataclasses import dataclass

from kiwipiepy import Kiwi

from axa_settings import Settings

from .embedding import Embedder, make_embedder
from .index import VectorIndex
from .openai_embedding import OpenAIEmbedder
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


def embedder_of(settings: Settings) -> Embedder:
    """An embedding server when AXA_EMBED_BASE_URL is set, else the local one AXA_EMBEDDER
    names."""
    if settings.embed_base_url:
        key = settings.embed_api_key.get_secret_value() if settings.embed_api_key else None
        return OpenAIEmbedder(
            settings.embed_base_url, settings.embed_model, api_key=key,
            query_prefix=settings.embed_query_prefix, doc_prefix=settings.embed_doc_prefix,
            batch=settings.embed_batch,
        )  # fmt: skip
    return make_embedder(settings.embedder, threads=settings.llm_threads,
                         models_dir=settings.models_dir)  # fmt: skip


def open_store(settings: Settings, *, embedder: Embedder | None = None) -> Store:
    kiwi = Kiwi()
    return Store(
        kiwi=kiwi,
        embedder=embedder or embedder_of(settings),
        sparse=KiwiBM25(kiwi),
        index=open_index(settings),
    )
