"""Deterministic stand-ins injected through constructor arguments, like the real parts.

Their outputs can be computed by hand, so tests assert exact values.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Iterator, Sequence

import numpy as np


class ToyEmbedder:
    """Bag of character bigrams hashed into 64 buckets, L2-normalised.

    Texts sharing bigrams get high cosine; disjoint texts get 0. Enough to exercise the dense
    path of the index without the real model's load time.
    """

    name = "toy"
    dim = 64
    relevance_floor = 0.35

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        t = "".join(text.split())
        for a, b in itertools.pairwise(t):
            v[zlib.crc32((a + b).encode()) % self.dim] += 1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim))

    def embed_query(self, text: str) -> np.ndarray:
        return self._vec(text)


class ScriptedLLM:
    """Replies with scripted text in fixed-size pieces and records every request."""

    def __init__(self, reply: str | list[str], piece: int = 4) -> None:
        self.replies = [reply] if isinstance(reply, str) else list(reply)
        self.piece = piece
        self.requests: list[list[dict[str, str]]] = []
        self.schemas: list[object] = []  # the JSON schema of each request (None: free text)
        self.max_tokens: list[int] = []

    def stream(
        self,
        messages: Sequence[dict[str, str]],
        *,
        max_tokens: int,
        temperature: float,
        json_schema: object = None,
    ) -> Iterator[str]:
        self.requests.append(list(messages))
        self.schemas.append(json_schema)
        self.max_tokens.append(max_tokens)
        text = self.replies[min(len(self.requests), len(self.replies)) - 1]
        for i in range(0, len(text), self.piece):
            yield text[i : i + self.piece]


class FailingLLM:
    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    def stream(
        self,
        messages: Sequence[dict[str, str]],
        *,
        max_tokens: int,
        temperature: float,
        json_schema: object = None,
    ) -> Iterator[str]:
        raise self.exc
        yield ""  # pragma: no cover - makes this a generator
