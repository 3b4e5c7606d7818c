"""The stable outline of Korean program notices (공고문, 모집공고, 공모안내서, 사업 설명서):
labelled sections — "□ 지원대상", "5. 자격 제한", "ㅇ (신청기간) …", "사업 수혜자 : …" — found
by their label and read until the next section of the same or a higher level."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from korean import MARK_LEVELS, OUTLINE_MARK
from search import Document

# Which field a label names; checked in this order (a "참여자격 제한사항" is an exclusion).
LABELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("notice_date", ("공고일자", "공고일")),
    ("exclusion", ("지원제외", "신청제외", "참여제외", "선정제외", "제외대상", "자격제한",
                   "신청제한", "참여제한", "지원제한", "제한사항", "제외사항", "결격")),
    ("period", ("신청기간", "접수기간", "모집기간", "신청및접수기간", "공고및신청기간",
                "신청접수기간", "공고기간", "제출기간", "접수마감", "신청마감")),
    ("documents", ("제출서류", "신청서류", "구비서류", "증빙서류", "서류목록")),
    ("method", ("신청방법", "접수방법", "제출방법", "신청접수", "접수처", "신청처")),
    ("selection", ("선정절차", "선정방법", "평가절차", "심사절차", "추진절차", "사업절차",
                   "선정기준", "평가방법", "심사방법", "심사")),
    ("contact", ("문의처", "문의", "담당자", "연락처")),
    ("support", ("지원내용", "지원규모", "지원한도", "지원금", "사업규모", "지원금액",
                 "기업분담", "지원조건", "선정규모", "지원수준", "융자조건", "지원단가",
                 "지원기준", "지원항목")),
    ("target", ("지원대상", "신청자격", "신청대상", "참여대상", "모집대상", "참여가능기관",
                "참여자격", "지원자격", "사업수혜자", "수혜대상", "자격요건", "신청요건",
                "지원요건", "신청주체")),
)  # fmt: skip
_PAREN_LABEL = re.compile(r"^\(([^()]{2,9})\)\s*(.*)$")
_BRACKET_LABEL = re.compile(r"^\[([^\[\]]{2,9})\]\s*(.*)$")
# "다음 각 호에 해당하는 경우 신청할 수 없음": an exclusion list without a label of its own
_EXCLUSION_LEAD = re.compile(
    r"(다음|아래).{0,40}(경우|기업|자|기관)[,]?.{0,30}"
    r"(참여할 수 없|신청할 수 없|신청 불가|신청불가|지원 제외|선정 제외|지원하지 않|지원 불가)"
)
_COLON_LABEL = re.compile(r"^([^:：]{2,16})[:：]\s*(.*)$")
MAX_LINES, MAX_CHARS = 40, 1500


@dataclass(frozen=True)
class Line:
    page: int
    text: str
    cell: bool = False  # a table cell: a bare label there is a column title, not a heading


@dataclass(frozen=True)
class Section:
    field: str
    label: str
    page: int
    text: str  # the label's line (after the label) and the lines under it
    cell: bool = False  # opened by a bare label in a table cell


def lines_of(doc: Document) -> Iterator[Line]:
    """Every line of the document; a table row's cells are lines of their own."""
    for page in doc.pages:
        for raw in page.text.splitlines():
            raw = re.sub(r"^\s*#{1,6}\s+", "", raw)  # a Markdown heading from the HWP reader
            cells = raw.strip().strip("|").split(" | ") if raw.strip().startswith("|") else [raw]
            for cell in cells:
                text = cell.strip()
                if text and not re.fullmatch(r"[-| ]+|-\s*\d+\s*-", text):
                    yield Line(page.number, text, len(cells) > 1)


def level(text: str) -> float | None:
    """1 (a numbered heading) … 5 (a note); None for a line that goes on the one above."""
    mark = OUTLINE_MARK.match(text)
    token = mark.group(1) if mark else None
    if not token:
        return None
    for pattern, lvl in MARK_LEVELS:
        if pattern.match(token):
            return lvl
    return None


def field_of(label: str) -> str | None:
    """The field a label names: it holds a field word and not much more ("사업 관련 문의처",
    not "각 제조사 판매점으로 문의")."""
    key = re.sub(r"[\s·ㆍ・,/]", "", label)
    for name, words in LABELS:
        if any(w in key and len(key) <= len(w) + 6 for w in words):
            return name
    return None


def extra(section: Section) -> int:
    """How much a section's label says beyond its field word: "지원대상" beats "공모방식 및
    지원대상"; a table's column title ranks last."""
    key = re.sub(r"[\s·ㆍ・,/]", "", section.label)
    words = dict(LABELS)[section.field]
    named = [len(key) - len(w) for w in words if w in key]
    own = min(named) if named else 50  # a lead-in sentence ("… 신청할 수 없음") names no field
    return own + (100 if section.cell else 0)


def label_of(text: str) -> tuple[str, str, str] | None:
    """(field, label, rest of the line) when the line opens a known section."""
    mark = OUTLINE_MARK.match(text)
    body = text[mark.end() :] if mark else text
    if len(body) <= 90 and _EXCLUSION_LEAD.search(body):
        return "exclusion", body.strip(), ""
    for pattern in (_PAREN_LABEL, _BRACKET_LABEL, _COLON_LABEL):
        m = pattern.match(body)
        if m and (name := field_of(m.group(1))):
            return name, m.group(1).strip(), m.group(2).strip()
    short = re.sub(r"\s", "", body)
    plain = re.fullmatch(r"[가-힣\s·ㆍ및]+", body)  # a bare heading is words, nothing else
    if plain and 2 <= len(short) <= 14 and (name := field_of(body)):
        return name, body.strip(), ""
    return None


def _number(text: str) -> int | None:
    m = re.match(r"\s*(\d{1,2})\s*[.)](?!\d)|\s*0([1-9])\s+[가-힣]", text)
    return int(m.group(1) or m.group(2)) if m else None


def sections(doc: Document) -> list[Section]:
    lines = list(lines_of(doc))
    found: list[Section] = []
    for i, line in enumerate(lines):
        opened = label_of(line.text)
        if not opened:
            continue
        name, label, rest = opened
        own = level(line.text) or 6
        number = _number(line.text)
        listed = 0
        body = [rest] if rest else []
        for nxt in lines[i + 1 : i + 1 + MAX_LINES]:
            lvl = level(nxt.text)
            if (other := label_of(nxt.text)) and other[0] != name:
                break  # the next section; one of the same field ("문의처" → "사업 문의") goes on
            n = _number(nxt.text)
            if not body and number is None and n == 1:
                listed = 1  # a lead-in line whose list follows: "… 참여할 수 없음" / "1. …"
            elif listed and n == listed + 1:
                listed = n
            elif lvl is not None and lvl <= own:
                # "4. 참여 가능 기관" lists "1. …", "2. …" under it: only "5." ends it
                if number is None or n is None or n == number + 1:
                    break
            body.append(nxt.text)
            if sum(len(b) for b in body) > MAX_CHARS:
                break
        text = "\n".join(body).strip()
        if len(re.sub(r"\s", "", text)) >= 4:
            section = Section(name, label, line.page, text, line.cell and not rest)
            if extra(section) % 100:  # "서류·인터뷰 심사: …" says more than its field's name
                section = replace(section, text=f"{label}: {text}")
            found.append(replace(section, text=section.text[:MAX_CHARS]))
    return found
