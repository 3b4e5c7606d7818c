"""Embeddings from any OpenAI-compatible `/v1/embeddings` server (vLLM, TEI, llama.cpp's
server): a deployment with a GPU box embeds there and keeps this box for the rest.

The vectors are L2-normalised here (not every server does), and a server that answers with
one vector per token (llama.cpp for a model without a pooling head) is mean-pooled, so the
index always holds one unit vector per passage.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import httpx
import numpy as np

log = logging.getLogger(__name__)


class EmbeddingServerError(RuntimeError):
    """The embedding server failed; `user_message` is Korean and safe to show."""

    user_message = (
        "검색용 임베딩 서버에 연결할 수 없습니다. 잠시 후 다시 시도하거나 운영자에게 알려 주세요."
    )


class OpenAIEmbedder:
    """`base_url` ends in /v1. `transport`: an httpx transport (tests give a scripted one)."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        query_prefix: str = "",
        doc_prefix: str = "",
        batch: int = 32,
        timeout_s: float = 120.0,
        relevance_floor: float = 0.5,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.Client(base_url=base_url.rstrip("/"), headers=headers,
                                  timeout=timeout_s, transport=transport)  # fmt: skip
        self.model = model
        self.name = f"openai:{model}"  # another model: another vector space, a re-index
        self._qp, self._dp = query_prefix, doc_prefix
        self.batch = max(1, batch)
        # unknown model: calibrate the refusal gate with AXA_MIN_DENSE_SCORE
        self.relevance_floor = relevance_floor
        self.dim = int(self._embed(["dimension probe"]).shape[1])

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [self._embed([self._dp + t for t in texts[i : i + self.batch]])
                 for i in range(0, len(texts), self.batch)]  # fmt: skip
        return np.vstack(parts)

    def embed_query(self, text: str) -> np.ndarray:
        vector: np.ndarray = self._embed([self._qp + text])[0]
        return vector

    def _embed(self, texts: list[str]) -> np.ndarray:
        try:
            r = self._http.post("/embeddings", json={"model": self.model, "input": texts})
            r.raise_for_status()
            data = r.json()["data"]
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            log.error("embedding server %s failed: %s", self._http.base_url, exc)
            raise EmbeddingServerError(f"embedding server failed: {exc}") from exc
        if not isinstance(data, list) or len(data) != len(texts):
            raise EmbeddingServerError(f"embedding server returned {len(data)} of {len(texts)}")
        rows = sorted(data, key=lambda d: int(d.get("index", 0)))
        vecs = np.stack([_pooled(d["embedding"]) for d in rows])
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        return (vecs / np.where(norms == 0, 1.0, norms)).astype(np.float32)


def _pooled(embedding: object) -> np.ndarray:
    """One vector: as given, or the mean of per-token vectors."""
    arr = np.asarray(embedding, dtype=np.float32)
    if arr.ndim == 2:
        mean: np.ndarray = arr.mean(axis=0)
        return mean
    if arr.ndim != 1 or arr.size == 0:
        raise EmbeddingServerError(f"embedding of shape {arr.shape}")
    return arr
