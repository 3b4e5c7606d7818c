"""Korean-aware chunks: Kiwi sentence boundaries, a character budget, never across a page.

LlamaIndex's SentenceSplitter does the budgeted merging with overlap; Kiwi supplies the
sentence boundaries (Punkt, its default, does not know Korean endings such as "~함." or "~음").
Markdown tables are cut between rows only, and every piece repeats the header row, so a row
keeps its column meaning ("지원한도 | 최대 2억 원") wherever it lands. A table the loaders wrote
as "column: cell · column: cell" lines is cut between lines too: a row cut in two loses its
label ("사업명: …") in one half and its figure in the other ("2,026," / "370백만원").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kiwipiepy import Kiwi
from llama_index.core.node_parser import SentenceSplitter

from search import Chunk, Document, is_table_row

from .headings import HeadingTrail, labelled

_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}")
# Indexed text made with another revision is chunked and embedded again (the manifest records
# it next to the loader's). 2: linearised table rows are never cut.
CHUNKS_REVISION = 2
_CELL = " · "


def _is_row(line: str) -> bool:
    return line.lstrip().startswith("|") or is_table_row(line.strip())


def _blocks(text: str) -> list[tuple[bool, str]]:
    """(is_table, text) runs: consecutive table lines (Markdown or linearised) form a table."""
    blocks: list[tuple[bool, list[str]]] = []
    for line in text.split("\n"):
        is_table = _is_row(line)
        if blocks and blocks[-1][0] == is_table:
            blocks[-1][1].append(line)
        else:
            blocks.append((is_table, [line]))
    return [(t, "\n".join(lines).strip()) for t, lines in blocks if "\n".join(lines).strip()]


def split_row(row: str, budget: int) -> list[str]:
    """A linearised row over the budget, cut between cells; every later piece starts with the
    row's first cell, its label ("사업명: 노인일자리 …"), so each piece says whose figures these
    are. A single cell over the budget stays whole."""
    cells = row.split(_CELL)
    pieces: list[list[str]] = [[cells[0]]]
    for cell in cells[1:]:
        if len(_CELL.join([*pieces[-1], cell])) > budget and len(pieces[-1]) > 1:
            pieces.append([cells[0]])
        pieces[-1].append(cell)
    return [_CELL.join(p) for p in pieces]


def _cells_apart(line: str, budget: int) -> list[str]:
    return split_row(line.strip(), budget) if is_table_row(line.strip()) else [line]


def split_table(table: str, budget: int) -> list[str]:
    lines = [line for line in table.split("\n") if line.strip()]
    header: list[str] = []
    if len(lines) >= 2 and _TABLE_SEPARATOR.match(lines[1].strip()):
        header, lines = lines[:2], lines[2:]
    lines = [p for line in lines for p in _cells_apart(line, budget)]
    pieces: list[str] = []
    current: list[str] = []
    for row in lines:
        candidate = "\n".join([*header, *current, row])
        if current and len(candidate) > budget:
            pieces.append("\n".join([*header, *current]))
            current = []
        current.append(row)
    if current or header:
        pieces.append("\n".join([*header, *current]))
    return pieces


def _merge_small(pieces: list[str], budget: int) -> list[str]:
    """Join neighbours while they fit: a one-row heading table belongs with its section."""
    out: list[str] = []
    for piece in pieces:
        if out and len(out[-1]) + 1 + len(piece) <= budget:
            out[-1] = f"{out[-1]}\n{piece}"
        else:
            out.append(piece)
    return out


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
        pieces: list[str] = []
        for is_table, block in _blocks(text):
            if is_table:
                pieces += split_table(block, self.chunk_chars)
            elif len(block) <= self.chunk_chars:
                pieces.append(block)
            else:
                pieces += [c for c in self._splitter.split_text(block) if c.strip()]
        return _merge_small(pieces, self.chunk_chars)

    def chunk(self, doc: Document) -> list[Chunk]:
        return list(self._iter_chunks(doc))

    def _iter_chunks(self, doc: Document) -> Iterable[Chunk]:
        index = 0
        trail = HeadingTrail() if doc.unit == "page" else None  # others carry `section`
        for page in doc.pages:
            cursor = 0
            for text in self.split_text(page.text):
                if trail is not None:
                    found = page.text.find(text[:40], cursor)
                    cursor = found if found >= 0 else cursor
                    text = labelled(text.strip(), trail.before(page.text, cursor))
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
                    unit=doc.unit,
                )
                index += 1
            if trail is not None:
                trail.close(page.text)
