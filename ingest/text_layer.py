"""Is a PDF page's text layer lying? Two defects seen in real notices hide facts from every later
step, and pypdf and pypdfium2 extract them alike:

- glyphs without a proper Unicode mapping: headings come out as letters of unrelated scripts
  ("ࢎসݾ੸ / न୒࢚؀" for 사업목적 / 신청대상 in the 글로벌 IP스타기업 notice);
- digits drawn in a separate font that maps to nothing: "사업예산 억원", "신청기간 월 수",
  "제 조 제 항" (the 소상공인 고효율기기 notice).

Such a page is read again by OCR, and the reading with fewer defects is kept.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from korean import ORPHAN_UNIT, UNIT_NOTE

# Letters of the scripts Korean public documents use; any other letter is a mapping fault.
_EXPECTED = ("HANGUL", "CJK", "LATIN", "FULLWIDTH", "HALFWIDTH", "GREEK", "CIRCLED",
             "PARENTHESIZED", "ROMAN", "KATAKANA", "HIRAGANA", "SQUARED", "NEGATIVE")  # fmt: skip


@dataclass(frozen=True)
class Defects:
    odd_letters: int  # letters of unrelated scripts
    orphan_units: int  # units with their number missing

    @property
    def total(self) -> int:
        return self.odd_letters + self.orphan_units

    def __bool__(self) -> bool:
        return self.odd_letters >= 3 or self.orphan_units >= 3


def _odd(ch: str) -> bool:
    return ch.isalpha() and not unicodedata.name(ch, "").startswith(_EXPECTED)


def defects(text: str) -> Defects:
    orphans = ORPHAN_UNIT.findall(UNIT_NOTE.sub(" ", text))
    return Defects(sum(1 for ch in text if _odd(ch)), len(orphans))


def hangul(text: str) -> int:
    return sum(1 for ch in text if "가" <= ch <= "힣")


def better_reading(layer: str, ocr: str) -> str:
    """The OCR reading when it has clearly fewer defects and keeps the page's Hangul (OCR that
    lost half the page is no repair); else the text layer."""
    before, after = defects(layer), defects(ocr)
    if after.total * 2 <= before.total and hangul(ocr) >= 0.8 * hangul(layer):
        return ocr
    return layer


def _skeleton(text: str) -> str:
    return "".join(ch for ch in text if "가" <= ch <= "힣")


def _line_defective(line: str) -> bool:
    return any(_odd(ch) for ch in line) or bool(ORPHAN_UNIT.search(UNIT_NOTE.sub(" ", line)))


def _cover(short: str, long: str) -> float:
    """How much of `short`'s Hangul `long` holds, in order (0..1)."""
    if not short:
        return 0.0
    blocks = SequenceMatcher(None, short, long, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks) / len(short)


_MAX_GAP = 4


def merge_reading(layer: str, ocr: str) -> str:
    """The page's text layer with its defective lines replaced by the OCR lines that read them.

    Whole-page OCR loses what the layer had right ("IP스타기업" came back as "1『스타기업"), so
    lines are aligned by their Hangul: a layer line is kept unless it (or a line read together
    with it) is defective; unaligned defective lines (an unmapped heading
    glyph run) give way to the unaligned OCR lines around them."""
    lines = [ln for ln in layer.splitlines() if ln.strip()]
    read = [ln for ln in ocr.splitlines() if ln.strip()]
    if not read or hangul(ocr) < 0.5 * hangul(layer):
        return layer
    skel = [_skeleton(r) for r in read]
    mapped: list[int | None] = []
    cur = 0
    for ln in lines:
        s = _skeleton(ln)
        best, best_j = 0.0, None
        if len(s) >= 2 or (s and _line_defective(ln)):
            for j in range(max(0, cur - 4), min(len(read), cur + 12)):  # OCR may swap lines
                score = _cover(s, skel[j])
                if score > best + 1e-9:
                    best, best_j = score, j
        if best_j is not None and best >= 0.7:
            mapped.append(best_j)
            cur = max(cur, best_j)
        else:
            mapped.append(None)
    groups: dict[int, list[int]] = {}
    for i, at in enumerate(mapped):
        if at is not None:
            groups.setdefault(at, []).append(i)

    def use_ocr(j: int) -> bool:
        group = [lines[i] for i in groups[j]]
        return any(_line_defective(g) for g in group)

    out: list[str] = []
    emitted: set[int] = set()
    for i, ln in enumerate(lines):
        at = mapped[i]
        if at is not None:
            if use_ocr(at):
                if at not in emitted:
                    out.append(read[at])
                    emitted.add(at)
            else:
                out.append(ln)
            continue
        if not _line_defective(ln):
            out.append(ln)
            continue
        before = max((m for m in mapped[:i] if m is not None), default=-1)
        after = min((m for m in mapped[i + 1 :] if m is not None), default=len(read))
        if after - before - 1 > _MAX_GAP:
            continue  # too far from any anchor to tell which OCR lines are its reading
        for k in range(before + 1, after):
            if k not in emitted and k not in groups:
                out.append(read[k])
                emitted.add(k)
    return "\n".join(out)
