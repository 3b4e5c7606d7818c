"""The retrieval policy: hybrid retrieval (dense + Kiwi BM25, score-aware fusion), an optional
rerank step, and the signal for refusing early. A reranker or another fusion goes here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .embedding import Embedder
from .fusion import convex_search
from .index import Hit, IndexMismatchError, SearchFilter, VectorIndex
from .sparse import KiwiBM25


@dataclass(frozen=True)
class Retrieval:
    question: str
    hits: list[Hit]
    dense_top: float  # best cosine of any chunk to the question
    term_coverage: float  # share of the question's content morphemes found in the hits

    def relevant(self, min_dense: float, min_coverage: float) -> bool:
        """Nothing relevant only when both signals are weak: paraphrases pass on the dense one,
        exact names and numbers on the lexical one."""
        if not self.hits:
            return False
        return self.dense_top >= min_dense or self.term_coverage >= min_coverage


# (question, fused candidates best first) -> the same hits reordered (or fewer).
Reranker = Callable[[str, list[Hit]], list[Hit]]


class Retriever:
    def __init__(
        self,
        index: VectorIndex,
        embedder: Embedder,
        sparse: KiwiBM25,
        *,
        prefetch_k: int = 30,
        weights: tuple[float, float] | None = None,
        fusion: str = "convex",
        dense_alpha: float = 0.5,
        rerank: Reranker | None = None,
        rerank_depth: int = 10,
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.sparse = sparse
        self.prefetch_k = prefetch_k
        self.weights = weights  # (dense, sparse) for RRF; None: equal
        self.fusion = fusion  # "convex" (scores, the default) or "rrf" (ranks, in Qdrant)
        self.dense_alpha = dense_alpha
        self.rerank = rerank
        self.rerank_depth = rerank_depth  # candidates the reranker sees
        self._dim_checked = False

    def retrieve(self, question: str, k: int, where: SearchFilter | None = None) -> Retrieval:
        """`where` narrows the search to matching documents (kind, region, org, type, date)."""
        if not self.index.exists():
            return Retrieval(question, [], 0.0, 0.0)
        if not self._dim_checked:
            size = self.index.dim()
            if size != self.embedder.dim:
                raise IndexMismatchError(
                    f"index {self.index.collection!r} holds {size}-dim vectors, embedder "
                    f"{self.embedder.name} makes {self.embedder.dim}-dim ones: run axa-ingest "
                    "(it re-indexes every document) or set AXA_EMBEDDER back"
                )
            self._dim_checked = True
        qvec = self.embedder.embed_query(question)
        qsparse = self.sparse.encode_query(question)
        n = max(k, self.rerank_depth) if self.rerank else k
        prefetch = max(n, self.prefetch_k)
        if self.fusion == "convex":
            hits, dense_top = convex_search(self.index, qvec, qsparse, limit=n, prefetch=prefetch,
                                            alpha=self.dense_alpha, where=where)  # fmt: skip
        else:
            hits = self.index.hybrid(qvec, qsparse, limit=n, prefetch=prefetch,
                                     weights=self.weights, where=where)  # fmt: skip
            top = self.index.dense(qvec, limit=1, where=where)
            dense_top = top[0].score if top else 0.0
        if self.rerank is not None:
            hits = self.rerank(question, hits)[:k]
        return Retrieval(
            question=question,
            hits=hits,
            dense_top=dense_top,
            term_coverage=self._coverage(question, hits),
        )

    def retrieve_parts(
        self, question: str, parts: list[str], k: int, where: SearchFilter | None = None
    ) -> Retrieval:
        """A question in several parts: the whole question's best hit (a passage that compares
        both sides), then each part's best hits in turn (the first of each part, then the
        second …), no duplicate, `k + len(parts) - 1` at most."""
        whole = self.retrieve(question, k, where)
        found = [self.retrieve(part, k, where) for part in parts]
        hits: list[Hit] = whole.hits[:1]
        seen = {h.id for h in hits}
        limit = k + len(parts) - 1
        for rank in range(k):
            for r in found:
                if len(hits) < limit and rank < len(r.hits) and r.hits[rank].id not in seen:
                    seen.add(r.hits[rank].id)
                    hits.append(r.hits[rank])
        return Retrieval(
            question=question,
            hits=hits,
            dense_top=max(r.dense_top for r in [whole, *found]),
            term_coverage=self._coverage(question, hits),
        )

    def _coverage(self, question: str, hits: list[Hit]) -> float:
        terms = set(self.sparse.terms(question))
        if not terms:
            return 0.0
        found: set[str] = set()
        for h in hits:
            found |= terms & set(self.sparse.terms(f"{h.title}\n{h.text}"))
        return len(found) / len(terms)
