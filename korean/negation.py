"""Whether a fact a sentence mentions is denied: "대전에는 지사나 연구소가 없습니다", "수출 실적이
전혀 없고", "본사는 대전이 아니라 세종입니다".

A reader that finds "대전" and "수출 실적" and stops there turns a denial into the fact itself,
and the eligibility check then calls a Seoul company's Daejeon requirement met. The rule: a
mention is denied when a negative predicate (없-, 아니-, 않-, 안, 못, 미보유 …) follows it in the
same clause, close enough to be its predicate.
"""

from __future__ import annotations

import re

# Where one clause ends and the next begins: punctuation, and the connective endings that join
# two predicates ("…스타트업이고 대전에는 …", "…있으며 …", "…지만 …").
_CLAUSE_END = re.compile(
    r"[,.;!?\n·/]|(?<=[가-힣])(?:이고|이며|으며|지만|는데|고|며)(?=\s)|\s(?:그리고|하지만|또한|단)\s"
)
_NEGATIVE = re.compile(r"없|아니|아닌|않|(?<![가-힣])안\s|못\s|미보유|미인증|미해당|無|해당\s*안")
WINDOW = 16  # characters after a mention within which its predicate is looked for


def clause_after(text: str, end: int) -> str:
    """What follows position `end` up to the end of its clause."""
    rest = text[end:]
    m = _CLAUSE_END.search(rest)
    return rest[: m.start()] if m else rest


def negated_at(text: str, start: int, end: int, window: int = WINDOW) -> bool:
    """The mention at text[start:end] is denied: a negative predicate follows it in its
    clause within `window` characters ("대전에는 지사나 연구소가 없습니다": 대전 is denied)."""
    tail = clause_after(text, end)[:window]
    return bool(_NEGATIVE.search(tail))


def denied(text: str, pattern: re.Pattern[str] | str) -> bool | None:
    """For a fact written as `pattern`: True when every mention of it is denied, False when
    one is stated plainly, None when it is not mentioned."""
    found = [m for m in re.finditer(pattern, text)]
    if not found:
        return None
    return all(negated_at(text, m.start(), m.end()) for m in found)
