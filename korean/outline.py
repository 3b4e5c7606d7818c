"""Outline markers of Korean documents: "Ⅱ.", "1.", "□", "○", "ㅇ", "①", "가.", "※", "- ".

Notices nest their sections by marker (□ over ○ over - over ※), PDF text loses the line breaks
between items, and answers copy list numbers; each of these readers asks the same question —
"is this a marker, and of which level?" — so the markers live here once.
"""

from __future__ import annotations

import re

# Any outline marker a line starts with (group 1), and the space after it: match, never fails.
OUTLINE_MARK = re.compile(
    r"^\s*(#{1,6}|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]+\.?|\d{1,3}\s*[.)](?!\d)|0[1-9](?=\s+[가-힣])|[□■▣❍]|"
    r"[○◦ㅇ●•◎▪‣▸►]|[-–]|[①-⑳]|[※*]|\(\d{1,2}\)|[가-하][.)])?\s*"
)  # "01 사업 목적": a designed notice numbers its sections in badges, without a period
# A marker's level: 1 chapters, 2 □, 3 ○, 3.5 ①, 4 - and 가., 5 ※ notes.
MARK_LEVELS: tuple[tuple[re.Pattern[str], float], ...] = (
    (re.compile(r"#|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]|\d"), 1), (re.compile(r"[□■▣❍]"), 2),
    (re.compile(r"[○◦ㅇ●•◎▪‣▸►]"), 3), (re.compile(r"[①-⑳]"), 3.5),
    (re.compile(r"[-–(]|[가-하]"), 4), (re.compile(r"[※*]"), 5),
)  # fmt: skip
# Document headings as ingest reads them: a chapter "Ⅱ." / "3. …" and a section "□ …".
CHAPTER_HEADING = re.compile(r"^(?:[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]+\s*\.?\s*|(\d{1,2})\.\s+)(?=.*[가-힣])")
SECTION_HEADING = re.compile(r"^[□■▣❍]\s*(?=.*[가-힣])")
# "□ 지원대상", "1. 사업개요", "Ⅱ. 신청방법", "가. 지원내용": a section name's marker.
HEADING_MARK = re.compile(
    r"^\s*(?:[□■◆◇▣]|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]+\.|\d{1,2}\.(?!\d)|[가-하]\.|0[1-9](?=\s+[가-힣]))\s*\S"
)
# A list item's marker with its space; "3.0%" is a number, not item 3.
ITEM_MARK = re.compile(
    r"^\s*(?:[-*•○□■▪※◦·ㅇ▶►]|\d{1,2}[.)](?!\d)|[가-하][.)]|\(\d{1,2}\)|[①-⑳])\s*"
)
# The marker of a condition item in a notice's list (removed before the item is shown).
CONDITION_MARK = re.compile(r"^\s*(?:[□■○◦ㅇ●•◎▪\-–]|[①-⑳]|\d{1,2}\s*[.)](?!\d))\s*")
# Where numbered items run on in one line: "… 1. 국세 체납 2. 휴·폐업".
INLINE_ITEM = re.compile(r"(?:(?<=\s)|^)(?=(?:\d{1,2}\.|[①-⑳])\s)")
NUMBERED_ITEM = re.compile(r"\s*(?:\d{1,2}\.|[①-⑳])\s")  # match: an item that starts "1. " / "① "
# The start of the text a condition's lead-in follows: after a sentence, a note mark or a cell.
CLAUSE_START = re.compile(r"다\.\s|[.。]\s|※|\|")
# An outline marker inside a rejoined PDF line starts the next item: "… 기업 지원 ㅇ (AI역량 …"
NEXT_ITEM_MARK = re.compile(r"\s+(?=[ㅇ○◦□■◆◇▪●※]\s)")
# Marks before a title or a field label: "▣ 2026년 …", "□ 주관기관 : …".
TITLE_MARKS = re.compile(r"^[▣■□#\s]+")
LABEL_MARKS = r"^[\s□■○◦ㅇ\-]*"  # a prefix to compose with a label's pattern
# An answer's list markers: "1." / "- " before an item, a number left at a sentence's end when a
# list breaks into sentences ("… 기업 [1] 2."), a piece that is only an item's number.
ANSWER_LIST_MARK = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•])(?:\s+|$)")
TRAILING_ITEM_NUMBER = re.compile(r"(?:^|\s)\d{1,2}[.)]\s*$")
BARE_ITEM_NUMBER = re.compile(r"^\s*\d{1,2}[.)]\s*$")
BARE_ITEM_MARK = re.compile(r"^\s*(?:\d{1,2}|[가-하])[.)]?\s*$")  # "1", "가." alone: no claim
