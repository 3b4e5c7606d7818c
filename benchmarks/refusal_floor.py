"""Where each embedder's relevance floor belongs: the best dense cosine over the paraphrase
probe's chunks for its 31 answerable colloquial questions and for 20 off-topic ones, and how
many of each fall below every candidate floor. The floor (with term coverage) refuses before
the LLM is asked, so it should sit in the gap between the two, if there is one.

    AXA_DATA_DIR=data .venv/bin/python benchmarks/refusal_floor.py [--embedders e5-small,...]

Passage vectors come from the retrieval benchmark's cache when it has them.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np
from kiwipiepy import Kiwi
from retrieval import CachedEmbedder

from axa_settings import Settings
from eval import DEFAULT_SHARED, load_qa
from ingest import KoreanChunker, make_loaders
from ingest.loaders import parse, read_file
from ingest.loaders.base import sha256_bytes
from search import make_embedder

HERE = Path(__file__).resolve().parent

# Everyday questions nobody asks of notices and program manuals.
OFF_TOPIC = [
    "김치찌개 맛있게 끓이는 법 알려줘", "손흥민 이번 시즌 골 몇 골이야?",
    "파이썬에서 리스트 정렬하는 방법은?", "내일 서울 날씨 어때?",
    "아이폰 배터리 교체 비용은 얼마인가요?", "제주도 3박4일 여행 코스 추천해줘",
    "고양이가 밥을 안 먹어요 왜 그럴까요?", "비트코인 지금 사도 될까?",
    "넷플릭스 요즘 볼만한 드라마 추천해줘", "영어 회화 독학하는 방법",
    "자동차 엔진오일 교체 주기는?", "마라톤 풀코스 완주 훈련법 알려줘",
    "피아노 배우기 좋은 나이는?", "결혼식 축의금 얼마가 적당해?", "감기 빨리 낫는 법",
    "커피 하루 몇 잔까지 괜찮아?", "100만원 이하 노트북 추천해줘",
    "강아지 산책은 하루 몇 번 시켜야 해?", "조선시대 세종대왕의 업적은?",
    "축구 오프사이드 규칙 설명해줘",
]  # fmt: skip


def main() -> None:
    settings = Settings()
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--embedders", default="e5-small,embeddinggemma-300m")
    args = ap.parse_args()
    items = load_qa(HERE.parent / "eval" / "suites" / "paraphrase.jsonl")
    files = sorted({e.file for it in items for e in it.evidence})
    chunker = KoreanChunker(Kiwi(), chunk_chars=settings.chunk_chars,
                            overlap_chars=settings.chunk_overlap_chars)  # fmt: skip
    chunks: list[str] = []
    for name in files:
        path = args.shared / "docs" / name
        data = read_file(path)
        doc = parse(path, data, sha256_bytes(data), make_loaders())
        chunks += [c.text for c in chunker.chunk(doc)]
    cache = Path(os.environ.get("AXA_CACHE_DIR", Path.home() / ".cache" / "axa-assist"))
    print(f"{len(items)} answerable questions, {len(OFF_TOPIC)} off-topic, {len(chunks)} chunks")
    for name in [n.strip() for n in args.embedders.split(",") if n.strip()]:
        try:
            inner = make_embedder(name, threads=settings.llm_threads,
                                  models_dir=settings.models_dir)  # fmt: skip
        except (ValueError, RuntimeError) as exc:
            print(f"{name}: skipped ({exc})")
            continue
        emb = CachedEmbedder(inner, cache / "bench-embeddings")
        vectors = emb.embed_documents(chunks)
        answerable = np.array([float(np.max(vectors @ emb.embed_query(it.question)))
                               for it in items])  # fmt: skip
        off = np.array([float(np.max(vectors @ emb.embed_query(q))) for q in OFF_TOPIC])
        print(f"\n{name} (floor in use {inner.relevance_floor}): answerable min "
              f"{answerable.min():.3f} / median {np.median(answerable):.3f}; off-topic "
              f"median {np.median(off):.3f} / max {off.max():.3f}")  # fmt: skip
        lo = min(answerable.min(), off.min())
        for floor in np.arange(np.floor(lo * 50) / 50, answerable.max() + 0.02, 0.02):
            print(f"  floor {floor:.2f}: answerable below {int((answerable < floor).sum()):2d}"
                  f"/{len(answerable)}, off-topic below {int((off < floor).sum()):2d}"
                  f"/{len(off)}")  # fmt: skip


if __name__ == "__main__":
    main()
