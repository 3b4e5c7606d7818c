"""Units a table states once: "(단위: 백만원, %)" above it, "(억원)" in a column header.

A cell reads "796,338"; the table meant 796,338백만원. Written into every numeric cell when the
table is read, the unit travels with the number into passages, answers and checks (an answer
saying "796,338백만원" is grounded by its cell, and can be converted).
"""

from __future__ import annotations

import re

_NOTE = re.compile(r"[(\[<]?\s*단\s*위\s*[:：]\s*([^)\]>\n]{1,30})[)\]>]?")
_HEADER_UNIT = re.compile(
    r"\(\s*(%|[천백십]?만?\s*원|억\s*원|조\s*원|명|개소?|건|개사|톤|㎡|천명)\s*\)"
)
_NUMBER_CELL = re.compile(r"^[△▲+\-]?\s*\d[\d,]*(?:\.\d+)?$")
_RATIO_HEADER = re.compile(r"%|율|비율|/\s*[A-Z가-힣]|증감률|비중")


def unit_note(text: str) -> list[str]:
    """The units a "(단위: 백만원, %)" note names, in order; [] when the text has none."""
    m = _NOTE.search(text)
    if not m:
        return []
    return [u.strip().replace(" ", "") for u in re.split(r"[,，/·]", m.group(1)) if u.strip()]


def column_unit(header: str, note: list[str]) -> str:
    """The unit of a column's numbers: its header's own "(억원)", else the note's percent for a
    ratio column and the note's first other unit for the rest."""
    if m := _HEADER_UNIT.search(header):
        return m.group(1).replace(" ", "")
    if "%" in note and _RATIO_HEADER.search(header):
        return "%"
    others = [u for u in note if u != "%"]
    return others[0] if others else ""


def with_unit(cell: str, unit: str, note: list[str] | None = None) -> str:
    """ "796,338" + "백만원" -> "796,338백만원"; anything but a bare number stays as it is. A
    number too large for a percentage ("1,526,924" under a merged "증감 … (B-A)/A" header)
    takes the note's other unit instead."""
    text = cell.strip()
    if not unit or not _NUMBER_CELL.match(text):
        return cell
    if unit == "%" and ("," in text or abs(float(re.sub(r"[^\d.]", "", text) or 0)) >= 1000):
        others = [u for u in note or [] if u != "%"]
        return f"{text}{others[0]}" if others else cell
    return f"{text}{unit}"


# A number with the word that counts it: "2년", "4개사", "3,800천원", "60개소", "12%".
COUNTED_NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*([가-힣%]?)")
# The space between a number and its unit or counter ("3 억", "12 %"), to close it up.
SPACE_BEFORE_UNIT = re.compile(r"(?<=\d)\s+(?=[가-힣%])")
# A figure: a digit before %, 억, 만 or 원 ("30%", "5억", "3,000만원").
FIGURE = re.compile(r"\d\s*[%억만원]")
# A unit or counter that stands alone where a number should precede it; not one that a
# number follows (a table's unit column: "억원 556,7"), not a "(단위: 억원, %)" note.
ORPHAN_UNIT = re.compile(
    r"(?:^|(?<=[\s(/~·:]))(?:억\s?원|만\s?원|천\s?원|억|년|월|일|조|항|호)"
    r"(?=[\s)/,.·~:]|$)(?![\s/]*\d)",
    re.M,
)
UNIT_NOTE = re.compile(r"\(\s*단위[^)]*\)")  # "(단위: 억원, %)"
# A company's yearly sales in 억 원, as a user writes it: "매출액은 약 35억".
REVENUE_EOK = re.compile(r"매출(?:액)?\s*(?:은|이|:)?\s*(?:약\s*)?(\d+(?:\.\d+)?)\s*억")
