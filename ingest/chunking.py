"""Korean-aware chunks: Kiwi sentence boundaries, a character budget, never across a page.

LlamaIndex's SentenceSplitter does the budgeted merging with overlap; Kiwi supplies the
sentence boundaries (Punkt, its default, does not know Korean endings such as "~함." or "~음").
"""

from __future__ import annotations

from collections.abc import Iterable

from kiwipiepy import Kiwi
from llama_index.core.node_parser import SentenceSplitter

from .documents import Chunk, Document


class KoreanChunker:
    def __init__(self, kiwi: Kiwi, *, chunk_chars: int = 500, overlap_chars: int = 80) -> None:
        self._kiwi = kiwi
        self.chunk_chars = chunk_chars
        self._splitter = SentenceSplitter(
            chunk_size=chunk_chars,
            chunk_overlap=min(overlap_chars, chunk_chars // 2),
            tokenizer=list,  # budget in characters: Korean token counts vary too much by tokenizer
            chunking_tokenizer_fn=self.sentences,
            paragraph_separator="\n\n",
        )

    def sentences(self, text: str) -> list[str]:
        """Sentence spans that keep the whitespace after them, so merging restores the text."""
        sents = self._kiwi.split_into_sents(text)
        if not sents:
            return [text]
        starts = [s.start for s in sents]
        starts[0] = 0
        return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True) if a < b]

    def split_text(self, text: str) -> list[str]:
        if len(text) <= self.chunk_chars:
            return [text]
        return [c for c in self._splitter.split_text(text) if c.strip()]

    def chunk(self, doc: Document) -> list[Chunk]:
        return list(self._iter_chunks(doc))

    def _iter_chunks(self, doc: Document) -> Iterable[Chunk]:
        index = 0
        for page in doc.pages:
            for text in self.split_text(page.text):
                yield Chunk(
                    doc_id=doc.doc_id,
                    doc_sha256=doc.sha256,
                    file=doc.path.name,
                    title=doc.title,
                    page=page.number,
                    index=index,
                    text=text.strip(),
                    section=page.section,
                    metadata=dict(doc.metadata),
                )
                index += 1
