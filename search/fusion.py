"""How BM25 and dense results become one ranking (the retrieval policy's arithmetic).

Score-aware convex fusion is the default: BM25 / its best score + `alpha` × min-max-scaled
cosine, over the union of both top-`prefetch` lists. Measured (benchmarks/retrieval.py): RRF
ranks by position only, so a weak dense list pulls a clear BM25 winner down; keeping the scores
lifts R@1 on both the qa_v4 set and the paraphrase probe. RRF itself runs inside Qdrant
(`VectorIndex.hybrid`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from .sparse import SparseVec

if TYPE_CHECKING:
    from .index import Hit, SearchFilter, VectorIndex


def convex(
    bm25: Mapping[str, float], cos: Mapping[str, float], *, alpha: float, limit: int
) -> tuple[list[tuple[str, float]], float]:
    """(the best `limit` point ids with their fused scores, the best cosine).

    Ties break on the id, so equal scores rank the same on every engine."""
    top_bm25 = max(bm25.values(), default=0.0) or 1.0
    lo, hi = min(cos.values(), default=0.0), max(cos.values(), default=0.0)
    span = (hi - lo) or 1.0

    def fused(pid: str) -> float:
        return bm25.get(pid, 0.0) / top_bm25 + alpha * (cos.get(pid, lo) - lo) / span

    ranked = sorted({*cos, *bm25}, key=lambda pid: (-fused(pid), pid))[:limit]
    return [(pid, round(fused(pid), 6)) for pid in ranked], hi


def convex_search(
    index: VectorIndex, dense: np.ndarray, sparse: SparseVec, *, limit: int, prefetch: int,
    alpha: float = 0.35, where: SearchFilter | None = None,
) -> tuple[list[Hit], float]:  # fmt: skip
    """Both candidate lists from the index, fused here, payloads read for the winners only
    (reading 60 of them cost ~20 ms at 100k chunks, the two searches together ~5 ms)."""
    bm25, cos = index.candidate_scores(dense, sparse, prefetch=prefetch, where=where)
    ranked, best_cos = convex(bm25, cos, alpha=alpha, limit=limit)
    return index.hits(ranked), best_cos
