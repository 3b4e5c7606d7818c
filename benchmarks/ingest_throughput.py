"""Ingest throughput on a folder (default ../shared/corpus/docs): pages/s per stage.

    python benchmarks/ingest_throughput.py [FOLDER] [--no-ocr]

Runs each stage over every file on its own clock (parse, chunk, dense embed, sparse encode,
Qdrant upsert), then prints pages/s for parsing alone and for the whole pipeline, and each
stage's share of the time, so the bottleneck is plain.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from axa_settings import Settings
from axa_wiring import make_ingestor
from ingest import LoadError, load_file, supported_suffixes
from ingest.pipeline import expand_paths
from search import open_store


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("folder", type=Path, nargs="?", default=Path("../shared/corpus/docs"))
    ap.add_argument("--no-ocr", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), ocr=not args.no_ocr)
        store = open_store(settings)
        ing = make_ingestor(settings, store)
        store.index.ensure(store.embedder.dim)
        store.embedder.embed_documents(["워밍업"])  # load weights outside the clock
        files, _ = expand_paths([args.folder], supported_suffixes(ing.loaders))
        t = defaultdict(float)
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
    print(f"{len(files)} files, {pages} pages/units, {chunks} chunks, {total:.1f}s")
    print(f"parse only: {pages / max(t['parse'] + t['ocr'], 1e-9):.1f} pages/s "
          f"(without OCR {pages / max(t['parse'], 1e-9):.1f})")  # fmt: skip
    print(f"end to end: {pages / total:.1f} pages/s, {chunks / total:.1f} chunks/s")
    for stage, secs in sorted(t.items(), key=lambda kv: -kv[1]):
        print(f"  {stage:7} {secs:7.1f}s  {100 * secs / total:5.1f}%")


if __name__ == "__main__":
    main()
