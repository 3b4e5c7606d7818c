"""Is everything an answer shows in the passages it was given? Computed here with eval's own
rules, never by importing the guard it measures (`rag.grounding` decides what is shown; if it
also scored it, the score would read 1.000 by construction).

- Numbers: every digit group of every answer line occurs among the digit groups of the passages
  the line cites ([n]; all passages when it cites none). A full year "2023" is found as "'23"
  (plans write years short). Our own notes (※ …) and the computation line are no claims from
  a passage; the computation is re-done here and must hold.
- Quoted items: a bulleted line or a “…” quote is the documents' own words: with its marker,
  its "(section)" prefix and its [n] taken off, it occurs in the passages, spacing aside (a
  table row shown as "column: cell · …" by each column name and cell).

An answer that fails either shows something the documents do not hold: an invented fact.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_CITE = re.compile(r"\[(\d{1,2})\]")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")
_SECTION = re.compile(r"^\([^()]{1,60}\)\s*")
_QUOTE = re.compile(r"[“\"]([^”\"]{4,})[”\"]")
_NOTE = re.compile(r"^\s*(?:※|\(문서에서 확인되지)")
# "**1) 22년 대비 '23년에 … 어떻게 변하였고**": a part of the user's question over its answer
_PART_HEADING = re.compile(r"^\s*\*\*\s*\d{1,2}\)\s*(.+?)\s*\*\*\s*$")
_CALC = re.compile(r"^\s*계산\s*:\s*(.+?)\s*=\s*(.+?)(?:\s*\[\d.*)?$")
_UNITS = {"조": 10**12, "억": 10**8, "천만": 10**7, "백만": 10**6, "만": 10**4, "천": 10**3}


# "2021. 7. 5.", "2021.7.5", "2021. 7.5.": one date however it is spaced (a passage's "7.5"
# is a month and a day there, not a decimal; "07" is 7); read as "2021-7-5" on both sides
_DOTTED_DATE = re.compile(r"(?<![\d.])((?:19|20)\d\d)\s*\.\s*(\d{1,2})\s*\.\s*(\d{1,2})(?![\d%])")


def _numbers(text: str) -> set[str]:
    text = _DOTTED_DATE.sub(lambda m: "-".join(str(int(g)) for g in m.groups()), text)
    return {d.replace(",", "").rstrip(".") for d in _DIGITS.findall(text)}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pool(line: str, passages: Sequence[str]) -> str:
    refs = [int(n) for n in _CITE.findall(line) if 1 <= int(n) <= len(passages)]
    return "\n".join(passages[n - 1] for n in refs) if refs else "\n".join(passages)


def _number_found(number: str, pool: str, have: set[str]) -> bool:
    if number in have:
        return True
    if re.fullmatch(r"20\d\d", number):  # "2023년" written "'23년" / "’23.12월"
        return bool(re.search(rf"['‘’`]{number[2:]}(?!\d)", pool))
    return False


def _korean_value(text: str) -> float | None:
    """'140억 원' -> 1.4e10, '31개' -> 31, '28.7%' -> 28.7 (eval's own small reader)."""
    total, found = 0.0, False
    for m in re.finditer(r"(\d[\d,]*(?:\.\d+)?)\s*(조|억|천만|백만|만|천)?", text):
        found = True
        total += float(m.group(1).replace(",", "")) * _UNITS.get(m.group(2) or "", 1)
    return total if found else None


def _calculation_holds(terms: str, result: str) -> bool:
    ops = re.split(r"\s*([+−\-÷])\s*", terms)
    values = [_korean_value(t) for t in ops[::2]]
    target = _korean_value(result)
    if target is None or any(v is None for v in values) or len(values) < 2:
        return False
    nums = [v for v in values if v is not None]
    op = ops[1]
    if op == "+":
        got = sum(nums)
    elif op in "−-":
        got = nums[0] - nums[1]
    else:
        got = nums[0] / nums[1] if nums[1] else float("nan")
    return abs(got - target) <= max(0.01 * abs(target), 0.01)


def _restates(line: str, question: str) -> bool:
    """A part heading that repeats the question's own words claims nothing."""
    m = _PART_HEADING.match(line)
    return bool(m and question and _squash(m.group(1)) in _squash(question))


def invented_numbers(answer: str, passages: Sequence[str], question: str = "") -> list[str]:
    """Numbers the answer shows that its cited passages do not hold (and wrong sums)."""
    bad: list[str] = []
    for line in answer.splitlines():
        if not line.strip() or _NOTE.match(line) or _restates(line, question):
            continue
        if calc := _CALC.match(_CITE.sub("", line).strip()):
            terms, result = calc.group(1), calc.group(2)
            pool = _pool(line, passages)
            have = _numbers(pool)
            bad += [n for n in _numbers(terms) if not _number_found(n, pool, have)]
            if not _calculation_holds(terms, result):
                bad.append(f"{terms} = {result}")
            continue
        claim = _BULLET.sub("", _CITE.sub("", line))
        pool = _pool(line, passages)
        have = _numbers(pool)
        bad += [n for n in sorted(_numbers(claim)) if not _number_found(n, pool, have)]
    return bad


def unquoted_items(answer: str, passages: Sequence[str], question: str = "") -> list[str]:
    """Bulleted lines and “quotes” that are not the passages' own words."""
    joined = _squash("\n".join(passages))
    bad: list[str] = []
    for line in answer.splitlines():
        if _restates(line, question):
            continue
        items = []
        if _BULLET.match(line):
            items.append(_SECTION.sub("", _BULLET.sub("", _CITE.sub("", line)).strip()))
        items += _QUOTE.findall(line)
        for item in items:
            core = _squash(item).rstrip(".")
            if core and core not in joined and not _table_row_found(item, joined):
                bad.append(item.strip())
    return bad


def _table_row_found(item: str, joined: str) -> bool:
    """A table row shown as "column: cell · column: cell" (the passage has it between |
    rules): every column name and cell it shows is in the passages."""
    pieces = [p for part in item.split(" · ") for p in part.split(": ")]
    if len(pieces) < 2:
        return False
    return all(_squash(p).rstrip(".") in joined for p in pieces if len(_squash(p)) >= 1)


def grounded_numbers(answer: str, passages: Sequence[str]) -> bool:
    return not invented_numbers(answer, passages)


def invented(answer: str, passages: Sequence[str]) -> bool:
    """The answer shows a number or an item the passages it was given do not hold."""
    return bool(invented_numbers(answer, passages) or unquoted_items(answer, passages))
