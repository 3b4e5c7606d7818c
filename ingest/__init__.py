"""Load, clean, chunk, embed and index documents into Qdrant; the operators' CLI."""

from .chunking import KoreanChunker
from .documents import Chunk, Document, Page, doc_key
from .embedding import (
    E5Embedder,
    Embedder,
    SentenceTransformerEmbedder,
    USEEmbedder,
    make_embedder,
)
from .index import Hit, VectorIndex
from .loaders import LoadError, load_file
from .manifest import Manifest, ManifestRow
from .pipeline import FileResult, Ingestor, IngestReport, Outcome
from .sparse import KiwiBM25, SparseVec
from .store import Store, make_ingestor, open_index, open_store

__all__ = [
    "Chunk",
    "Document",
    "E5Embedder",
    "Embedder",
    "FileResult",
    "Hit",
    "IngestReport",
    "Ingestor",
    "KiwiBM25",
    "KoreanChunker",
    "LoadError",
    "Manifest",
    "ManifestRow",
    "Outcome",
    "Page",
    "SentenceTransformerEmbedder",
    "SparseVec",
    "Store",
    "USEEmbedder",
    "VectorIndex",
    "doc_key",
    "load_file",
    "make_embedder",
    "make_ingestor",
    "open_index",
    "open_store",
]
