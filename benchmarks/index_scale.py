"""Retrieval latency as the corpus grows: the embedded engines at 10k and 100k chunks.

    .venv/bin/python benchmarks/index_scale.py [--sizes 10000 100000] [--queries 60]

Each chunk is 3-6 real sentences from the Allganize page texts (../shared/corpus), so Kiwi-BM25
postings and IDF look like a real Korean corpus; its dense vector is the mean of those sentences'
real embeddings from Settings' embedder (e5-small: 384-d; `--dense random`: random vectors of
that size, the worst case for HNSW); payloads
carry text and filter fields. Queries: the qa_v4 questions, embedded, through `VectorIndex.convex`
(the default retrieval: one BM25 and one dense query, fused in Python) and `hybrid` (RRF inside
the engine), with and without a region filter. Timed: the index call; the embedder's query
encoding, the same for every engine, is timed once on its own and printed beside it.

Engines: Qdrant Edge (the default, after its HNSW build) and qdrant-client's local mode
(pure Python). Prints p50/p95 per engine x size x query, build times, top-5 agreement with the
local (exact) engine, and the speed ratio edge / local.
"""

from __future__ import annotations

import argparse
import itertools
import re
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from kiwipiepy import Kiwi

from axa_settings import Settings
from eval import DEFAULT_SHARED
from search import Chunk, KiwiBM25, SearchFilter, VectorIndex, convex_search, make_embedder

REGIONS = ("대구", "울산", "부산", "광주", "경북")


def sentences(shared: Path) -> list[str]:
    pages = pd.read_parquet(shared / "qa/allganize_autorag/ocr_corpus_v3.parquet")["contents"]
    out = []
    for text in pages.dropna():
        out += [
            s.strip() for s in re.split(r"(?<=[.?!다])\s+|\n+", str(text)) if len(s.strip()) > 15
        ]
    return out


def make_corpus(
    n: int, sents: list[str], terms: list[list[str]], bm25: KiwiBM25,
    sent_vecs: np.ndarray | None, dim: int, seed: int = 0,
):  # fmt: skip
    """`sent_vecs` (real embeddings of the first len(sent_vecs) sentences): each chunk's dense
    vector is the normalised mean of its sentences' (real structure, so HNSW recall means
    something); without them, random vectors (the worst case for a graph index)."""
    rng = np.random.default_rng(seed)
    chunks, sparse, dense = [], [], []
    pool = len(sent_vecs) if sent_vecs is not None else len(sents)
    for i in range(n):
        pick = rng.choice(pool, size=int(rng.integers(3, 7)), replace=False)
        if sent_vecs is not None:
            v = sent_vecs[pick].mean(axis=0)
            dense.append(v / (np.linalg.norm(v) or 1.0))
        text = " ".join(sents[j] for j in pick)[:700]
        sparse.append(bm25.encode_terms([t for j in pick for t in terms[j]]))
        meta: dict[str, object] = {
            "region": [REGIONS[i % len(REGIONS)]],
            "kind": "공고" if i % 2 else "보고서",
            "date_key": 20240101 + i % 28,
        }
        chunks.append(Chunk(f"doc{i // 20}", "sha", f"f{i // 20}.pdf", f"문서 {i // 20}",
                            i % 20 + 1, i, text, metadata=meta))  # fmt: skip
    if sent_vecs is None:
        return chunks, rng.normal(size=(n, dim)).astype(np.float32), sparse
    return chunks, np.asarray(dense, dtype=np.float32), sparse


def build(engine: str, folder: Path, chunks, dense, sparse) -> tuple[VectorIndex, float, float]:
    index = VectorIndex.open("scale", path=folder if engine == "edge" else None, engine=engine)
    index.ensure(dense.shape[1])
    t0 = time.perf_counter()
    for s in range(0, len(chunks), 1000):
        index.upsert(chunks[s : s + 1000], dense[s : s + 1000], sparse[s : s + 1000], batch=1000)
    upsert_s = time.perf_counter() - t0
    ticks: list[float] = []
    done = threading.Event()

    def tick() -> None:  # does the build hold the GIL (freeze the chat's threads)?
        while not done.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.01)

    ticker = threading.Thread(target=tick)
    ticker.start()
    t0 = time.perf_counter()
    index.optimize()
    opt_s = time.perf_counter() - t0
    done.set()
    ticker.join()
    gap = max((b - a for a, b in itertools.pairwise(ticks)), default=0.0)
    if opt_s > 1:
        print(f"  longest pause of a Python thread during optimize: {gap * 1000:.0f} ms")
    return index, upsert_s, opt_s


def timed(fn, queries) -> tuple[list[float], list[list[str]]]:
    ms, tops = [], []
    for q in queries:
        t0 = time.perf_counter()
        hits = fn(*q)
        ms.append((time.perf_counter() - t0) * 1000)
        tops.append([h.id for h in hits[:5]])
    return ms, tops


def pct(xs: list[float], p: float) -> float:
    return float(np.percentile(xs, p))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--queries", type=int, default=60)
    ap.add_argument("--local-queries", type=int, default=20, help="local mode is slow at 100k")
    ap.add_argument("--engines", nargs="+", default=["edge", "local"])
    ap.add_argument("--dense", choices=["real", "random"], default="real")
    ap.add_argument("--pool", type=int, default=4000, help="sentences embedded (real dense)")
    args = ap.parse_args()

    kiwi = Kiwi()
    bm25 = KiwiBM25(kiwi)
    t0 = time.perf_counter()
    sents = sentences(args.shared)
    terms = [bm25.terms(s) for s in sents]
    print(f"{len(sents)} sentences analysed in {time.perf_counter() - t0:.0f} s")
    qa = pd.read_parquet(args.shared / "qa/allganize_autorag/qa_v4.parquet")["query"].tolist()
    rng = np.random.default_rng(1)
    sent_vecs = None
    embedder = make_embedder(Settings().embedder, threads=2)
    embed_ms = []
    for q in qa[: args.queries]:
        t0 = time.perf_counter()
        embedder.embed_query(q)
        embed_ms.append((time.perf_counter() - t0) * 1000)
    print(f"query embedding ({embedder.name}, {embedder.dim}-d): p50 {pct(embed_ms, 50):.1f} ms, "
          f"p95 {pct(embed_ms, 95):.1f} ms")  # fmt: skip
    if args.dense == "real":
        t0 = time.perf_counter()
        sent_vecs = embedder.embed_documents(sents[: args.pool])
        print(f"{len(sent_vecs)} sentences embedded in {time.perf_counter() - t0:.0f} s")
        qvecs = [embedder.embed_query(q) for q in qa[: args.queries]]
    else:
        qvecs = [rng.normal(size=embedder.dim) for _ in qa[: args.queries]]
    queries = [(v, bm25.encode_query(q)) for v, q in zip(qvecs, qa[: args.queries], strict=True)]
    region = SearchFilter(regions=("울산",))

    def calls(index: VectorIndex) -> dict[str, Callable[..., object]]:
        return {
            "convex": lambda d, s: convex_search(index, d, s, limit=10, prefetch=30)[0],
            "convex+filter": lambda d, s: convex_search(
                index, d, s, limit=10, prefetch=30, where=region
            )[0],
            "rrf": lambda d, s: index.hybrid(d, s, limit=10, prefetch=30, weights=(1.0, 2.0)),
            "bm25": lambda d, s: index.sparse(s, limit=10),
            "dense": lambda d, s: index.dense(d, limit=10),
        }

    rows = []
    for n in args.sizes:
        chunks, dense, sparse = make_corpus(n, sents, terms, bm25, sent_vecs, embedder.dim)
        results: dict[str, dict[str, tuple[list[float], list[list[str]]]]] = {}
        for engine in args.engines:
            with tempfile.TemporaryDirectory() as tmp:
                index, up_s, opt_s = build(engine, Path(tmp) / "edge", chunks, dense, sparse)
                print(f"{engine:5s} n={n}: upsert {up_s:.0f} s, optimize {opt_s:.0f} s", flush=True)
                k = args.queries if engine == "edge" else args.local_queries
                results[engine] = {}
                for name, fn in calls(index).items():
                    fn(*queries[0])  # warm caches once
                    results[engine][name] = timed(fn, queries[:k])
                    ms = results[engine][name][0]
                    rows.append((engine, n, name, len(ms), pct(ms, 50), pct(ms, 95), up_s, opt_s))
                    print(f"  {name:14s} p50 {pct(ms, 50):8.1f} ms  p95 {pct(ms, 95):8.1f} ms",
                          flush=True)  # fmt: skip
                index.close()
        if {"edge", "local"} <= results.keys():
            for name in results["edge"]:
                e_tops, l_tops = results["edge"][name][1], results["local"][name][1]
                pairs = zip(e_tops[: len(l_tops)], l_tops, strict=True)
                agree = statistics.mean(len(set(a) & set(b)) / max(len(b), 1) for a, b in pairs)
                e50 = pct(results["edge"][name][0], 50)
                l50 = pct(results["local"][name][0], 50)
                print(
                    f"  n={n} {name:14s} top-5 overlap edge/local {agree:.3f}; "
                    f"p50 ratio local/edge {l50 / e50:.0f}x"
                )

    print("\n| engine | chunks | query | n | p50 ms | p95 ms | upsert s | optimize s |")
    print("|---|---|---|---|---|---|---|---|")
    for e, n, name, k, p50, p95, up, opt in rows:
        print(f"| {e} | {n:,} | {name} | {k} | {p50:.1f} | {p95:.1f} | {up:.0f} | {opt:.0f} |")


if __name__ == "__main__":
    main()
