"""The heading path in front of a PDF passage: "(1. 사업개요 > □ 참여자격 제한사항)".

A 500-character chunk often starts in the middle of a section: "- 금융기관 등으로부터
채무불이행으로 규제 중인 경우" reads as a requirement to a small model unless it knows that
the list sits under "□ 참여자격 제한사항". Korean notices mark their outline plainly
("1." / "Ⅰ." chapters, "□" sections); the last of each before a chunk, across pages, is its
path. Page-less formats (HWP, DOCX) are cut at headings already and carry theirs as `section`.
"""

from __future__ import annotations

import re

from korean import CHAPTER_HEADING, SECTION_HEADING
from search import with_heading_path

# "…신청 불가함.", "…해야 한다": a sentence, not a heading (which may end in 요: "사업개요")
_SENTENCE_END = re.compile(r"(습니다|니다|한다|된다|이다|있다|없다|함|음|됨)\s*[.。]?$")
MAX_HEADING = 30  # a longer line is an item of a list, not a heading


def heading_level(line: str) -> int | None:
    """1 for a chapter ("1. 사업개요", "Ⅱ. 지원내용"), 2 for a section ("□ 지원대상");
    None for anything else, a long or sentence-like numbered item included."""
    line = line.strip()
    head = re.split(r"\s*[:：]\s*", line, maxsplit=1)[0]  # "□ 신청기간 : 3. 4.~" -> its label
    if len(head) > MAX_HEADING or _SENTENCE_END.search(head):
        return None
    if CHAPTER_HEADING.match(head):
        return 1
    if SECTION_HEADING.match(head):
        return 2
    return None


class HeadingTrail:
    """Walks a document's pages in order and tells the path in force at any point."""

    def __init__(self) -> None:
        self._path: list[str] = []  # [chapter, section], either may be ""

    def before(self, text: str, offset: int) -> list[str]:
        """The path in force at `offset` of this page's `text` (the headings above it on this
        page and on earlier pages). Call `close(text)` once the page is done."""
        path = list(self._path)
        for line in text[:offset].splitlines():
            path = _step(path, line)
        return path

    def close(self, text: str) -> None:
        for line in text.splitlines():
            self._path = _step(self._path, line)


def _step(path: list[str], line: str) -> list[str]:
    lvl = heading_level(line)
    if lvl is None:
        return path
    head = re.split(r"\s*[:：]\s*", line.strip(), maxsplit=1)[0]
    chapter = path[0] if path else ""
    if lvl == 2:
        return [chapter, head]
    # "1. 사업개요" … "2. 지원내용": a numbered chapter follows the one before it; "1. 생계급여"
    # under "5. 사업근거" is an item of a list (a law's 각 호), not a chapter
    new, old = _number(head), _number(chapter)
    if new is not None and old is not None and new != old + 1:
        return path
    return [head, ""]


def _number(heading: str) -> int | None:
    m = CHAPTER_HEADING.match(heading)
    return int(m.group(1)) if m and m.group(1) else None


def labelled(chunk: str, path: list[str]) -> str:
    """The chunk behind its heading path. Headings the chunk opens with count (a chunk that
    starts at "□ 참여자격 제한사항" is under it, not under the section before), and a heading
    the chunk shows near its start is not repeated."""
    for line in chunk.splitlines():
        if heading_level(line) is None:
            break
        path = _step(path, line)
    opening = chunk[:120]
    return with_heading_path(chunk, [h for h in path if h and h not in opening])
