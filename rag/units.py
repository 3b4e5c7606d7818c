"""Retrieved passages -> numbered units: the statements an answer may be built from.

A unit is one sentence, one list item or one table row (cells behind their column names), with
where it sits: the passage it came from (its [n] in the answer), the page, and the heading it
sits under ("□ 지원대상"). The model only chooses units by number; what a user reads is the
units' own words, so nothing shown can be a word the documents do not hold.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from korean import FIGURE, HEADING_MARK, ITEM_MARK, split_sentences
from search import is_table_row, without_heading_path

Terms = Callable[[str], list[str]]

_HEADING_PATH = re.compile(r"^\(([^()\n]{1,120})\)\n")
_SENTENCE_END = re.compile(r"(?:다|요|음|함|임|것|됨|함\)|[.!?。:])\s*$")
_MD_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}")
MAX_UNIT_CHARS = 320


@dataclass(frozen=True)
class Unit:
    n: int  # the unit's number in the prompt (1-based)
    ref: int  # the passage it came from: its [n] in the answer
    text: str  # the document's own words
    section: str = ""  # the heading it sits under, for the reader and the model

    @property
    def shown(self) -> str:
        """The text without its list marker ("- ", "◦ "), as a quote."""
        return ITEM_MARK.sub("", self.text, count=1).strip() or self.text


def _is_heading(line: str) -> bool:
    """ "□ 지원대상", "1. 사업개요": a marker and a few words, no sentence, no figure."""
    return (bool(HEADING_MARK.match(line)) and len(line) <= 30 and not _SENTENCE_END.search(line)
            and not FIGURE.search(line))  # fmt: skip


def _markdown_rows(lines: list[str]) -> list[str]:
    """A Markdown table's rows as "column: cell · column: cell" (the header named once)."""
    header: list[str] = []
    out: list[str] = []
    for i, line in enumerate(lines):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if _MD_SEPARATOR.match(line.strip()):
            continue
        if i == 0 and len(lines) > 1 and _MD_SEPARATOR.match(lines[1].strip()):
            header = cells
            continue
        if header and len(header) == len(cells):
            out.append(" · ".join(f"{h}: {c}" if h else c
                                  for h, c in zip(header, cells, strict=True) if c))  # fmt: skip
        else:
            out.append(" · ".join(c for c in cells if c))
    return [r for r in out if r]


def _pieces(text: str) -> list[str]:
    """Sentences, list items and table rows of one passage, in order, headings included."""
    out: list[str] = []
    table: list[str] = []
    prose: list[str] = []

    def flush_prose() -> None:
        if prose:
            out.extend(split_sentences("\n".join(prose)))
            prose.clear()

    def flush_table() -> None:
        if table:
            out.extend(_markdown_rows(table))
            table.clear()

    for line in text.split("\n"):
        if line.lstrip().startswith("|"):
            flush_prose()
            table.append(line)
            continue
        flush_table()
        if _is_heading(line.strip()) or is_table_row(line.strip()):  # whole, never joined
            flush_prose()
            out.append(line.strip())
        else:
            prose.append(line)
    flush_prose()
    flush_table()
    return out


def _split_long(piece: str) -> list[str]:
    """A unit a reader can take in at once: long pieces cut at clause ends, then hard."""
    if len(piece) <= MAX_UNIT_CHARS:
        return [piece]
    parts = [p for p in re.split(r"(?<=[,;·])\s+|(?<=다\.)\s+|(?<=며)\s+", piece) if p.strip()]
    out: list[str] = []
    for p in parts:
        if out and len(out[-1]) + 1 + len(p) <= MAX_UNIT_CHARS:
            out[-1] = f"{out[-1]} {p}"
        else:
            out.extend(p[i : i + MAX_UNIT_CHARS] for i in range(0, len(p), MAX_UNIT_CHARS))
    return out


def passage_units(ref: int, text: str) -> list[tuple[str, str]]:
    """(section, text) for each statement of passage [ref]: its heading path's last step is
    the section until the passage names another heading."""
    m = _HEADING_PATH.match(text)
    section = ITEM_MARK.sub("", m.group(1).split(" > ")[-1], count=1).strip() if m else ""
    body = without_heading_path(text)
    units: list[tuple[str, str]] = []
    for piece in _pieces(body):
        piece = " ".join(piece.split())
        if not piece:
            continue
        if _is_heading(piece):
            section = ITEM_MARK.sub("", piece, count=1).strip()[:40]
            continue
        if len(re.sub(r"[\W\d_]", "", piece)) < 2:
            continue  # a page number, a lone marker
        units.extend((section, p) for p in _split_long(piece))
    return units


def make_units(passages: Sequence[str]) -> list[Unit]:
    """Every passage's units in passage order, numbered from 1; a statement that two
    overlapping chunks both hold is kept once (the longer, fuller copy)."""
    raw: list[tuple[int, str, str]] = []
    for ref, text in enumerate(passages, 1):
        raw.extend((ref, section, t) for section, t in passage_units(ref, text))
    kept: list[tuple[int, str, str]] = []
    for ref, section, t in raw:
        key = re.sub(r"\s", "", t)
        if any(key in re.sub(r"\s", "", k[2]) for k in kept):
            continue
        kept = [k for k in kept if re.sub(r"\s", "", k[2]) not in key]
        kept.append((ref, section, t))
    return [Unit(i, ref, t, section) for i, (ref, section, t) in enumerate(kept, 1)]


def rank_units(question: str, units: Sequence[Unit], terms: Terms) -> list[float]:
    """How much of the question each unit (with its section) answers to, lexically: the
    question's content morphemes it holds, numbers double, the rarer among the units the more.
    Used to keep the prompt short; the model still chooses."""
    wanted = set(terms(question))
    if not wanted:
        return [0.0] * len(units)
    bags = [set(terms(f"{u.section} {u.text}")) for u in units]
    df = {t: sum(1 for b in bags if t in b) for t in wanted}
    n = len(units) or 1
    scores = []
    for bag in bags:
        shared = wanted & bag
        scores.append(sum((2.0 if t.isdigit() else 1.0) * (1.0 + (n / (1 + df[t])) ** 0.5)
                          for t in shared))  # fmt: skip
    return scores


# (question, unit texts) -> a similarity per unit (the embedder's cosine), for paraphrases
Similarity = Callable[[str, list[str]], list[float]]


class UnitVectors:
    """Statements' vectors kept between questions. The statements of a notice come back with
    every question about it, and embedding them is most of the shortlist's time (about 0.7 s
    of the first token on 2 cores). Keyed by text, so a changed document brings new keys;
    bounded, the least recently used dropped first; safe across the chat's threads."""

    def __init__(self, embed: Callable[[Sequence[str]], np.ndarray], size: int = 4096) -> None:
        self.embed = embed
        self.size = size
        self._kept: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, texts: Sequence[str]) -> list[np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for t in texts:
                if t in self._kept:
                    self._kept.move_to_end(t)
                    found[t] = self._kept[t]
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            fresh = dict(zip(missing, self.embed(missing), strict=True))
            found.update(fresh)
            with self._lock:
                self._kept.update(fresh)
                while len(self._kept) > self.size:
                    self._kept.popitem(last=False)
        return [found[t] for t in texts]


def _scaled(values: Sequence[float]) -> list[float]:
    lo, hi = min(values, default=0.0), max(values, default=0.0)
    return [(v - lo) / (hi - lo) if hi > lo else 0.0 for v in values]


def shortlist(
    question: str,
    units: Sequence[Unit],
    terms: Terms,
    *,
    max_units: int,
    max_chars: int,
    similarity: Similarity | None = None,
    keep_ref: int | None = None,
) -> list[Unit]:
    """The units most likely to answer, in document order, renumbered from 1: the best by
    the question's words (and, with `similarity`, its meaning: half each, both scaled), each
    with the unit after it (a rule often continues on the next line), within `max_units` and
    `max_chars`. `keep_ref`: a passage whose units all stay (the notice card the question asks
    for)."""
    if len(units) <= max_units and sum(len(u.text) for u in units) <= max_chars:
        chosen = list(units)
    else:
        scores = _scaled(rank_units(question, units, terms))
        if similarity is not None:
            dense = _scaled(similarity(question, [f"{u.section} {u.text}" for u in units]))
            scores = [a + b for a, b in zip(scores, dense, strict=True)]
        order = sorted(range(len(units)), key=lambda i: (-scores[i], i))
        if keep_ref is not None:
            order = [i for i in range(len(units)) if units[i].ref == keep_ref] + order
        picked: set[int] = set()
        size = 0
        for i in order:
            for j in (i, i + 1):
                if j >= len(units) or j in picked or len(picked) >= max_units:
                    continue
                if size + len(units[j].text) > max_chars and picked:
                    continue
                if j == i + 1 and units[j].ref != units[i].ref:
                    continue
                picked.add(j)
                size += len(units[j].text)
        chosen = [units[i] for i in sorted(picked)]
    return [Unit(k, u.ref, u.text, u.section) for k, u in enumerate(chosen, 1)]
