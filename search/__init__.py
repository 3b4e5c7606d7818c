"""The search side, read and written through one front door: the stored-document model,
embedders, Kiwi BM25, the index and its engines (Qdrant Edge, a Qdrant server, the local mode),
and the retrieval policy (fusion, the relevance gate, rerank hooks).

`ingest` writes through it, `rag` reads through it; nothing else imports an engine.
"""

from .documents import (
    Chunk,
    Document,
    Page,
    doc_key,
    is_table_row,
    location_label,
    with_heading_path,
    without_heading_path,
)
from .embedding import (
    E5Embedder,
    Embedder,
    GemmaEmbedder,
    SentenceTransformerEmbedder,
    USEEmbedder,
    make_embedder,
)
from .fusion import convex, convex_search
from .index import Hit, IndexBusyError, IndexMismatchError, SearchFilter, VectorIndex
from .openai_embedding import EmbeddingServerError, OpenAIEmbedder
from .retrieve import Reranker, Retrieval, Retriever
from .sparse import Coordination, KiwiBM25, SparseVec, term_id
from .store import Store

__all__ = [
    "Chunk",
    "Coordination",
    "Document",
    "E5Embedder",
    "Embedder",
    "EmbeddingServerError",
    "GemmaEmbedder",
    "Hit",
    "IndexBusyError",
    "IndexMismatchError",
    "KiwiBM25",
    "OpenAIEmbedder",
    "Page",
    "Reranker",
    "Retrieval",
    "Retriever",
    "SearchFilter",
    "SentenceTransformerEmbedder",
    "SparseVec",
    "Store",
    "USEEmbedder",
    "VectorIndex",
    "convex",
    "convex_search",
    "doc_key",
    "is_table_row",
    "location_label",
    "make_embedder",
    "term_id",
    "with_heading_path",
    "without_heading_path",
]
