"""The search side's shared parts: one Kiwi, one embedder, one open index."""

from __future__ import annotations

from dataclasses import dataclass

from kiwipiepy import Kiwi

from .embedding import Embedder
from .index import VectorIndex
from .sparse import KiwiBM25


@dataclass
class Store:
    """The shared, expensive-to-load parts: one Kiwi, one embedder, one open index."""

    kiwi: Kiwi
    embedder: Embedder
    sparse: KiwiBM25
    index: VectorIndex

    @classmethod
    def open(cls, index: VectorIndex, embedder: Embedder) -> Store:
        """The store over an open index: Kiwi loads once here and serves chunking and BM25."""
        kiwi = Kiwi()
        return cls(kiwi=kiwi, embedder=embedder, sparse=KiwiBM25(kiwi), index=index)

    def close(self) -> None:
        self.index.close()
