"""Key facts in Korean text — amounts, dates, percentages, counts — normalised for comparison.

Users act on numbers, so answer correctness is judged on them: "3억 원" and "300,000,000원"
are the same amount, "2026. 3. 4." and "2026년 3월 4일" the same date. A reference without any
number falls back to content-morpheme recall (see `metrics.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNIT = {"조": 10**12, "억": 10**8, "천만": 10**7, "백만": 10**6, "십만": 10**5, "만": 10**4,
         "천": 10**3}  # fmt: skip
_NUM = r"\d[\d,]*(?:\.\d+)?"
# "240억 6천만 원", "1조 2,000억", "70억", "5천만원" — one or more number+unit groups
_AMOUNT = re.compile(
    rf"(?:{_NUM}\s*(?:조|억|천만|백만|십만|만|천)\s*)+(?:{_NUM}\s*)?(?=원|\b|[^\d])"
)
_GROUP = re.compile(rf"({_NUM})\s*(조|억|천만|백만|십만|만|천)?")
_DATE = re.compile(r"(?:(\d{4})\s*(?:년|[.\-/])\s*)?(\d{1,2})\s*(?:월|[.\-/])\s*(\d{1,2})\s*일?")
_PERCENT = re.compile(rf"({_NUM})\s*(?:%|퍼센트|프로)")
_PLAIN = re.compile(_NUM)


@dataclass(frozen=True)
class Fact:
    kind: str  # "amount", "date", "percent", "number"
    value: str  # normalised: "24060000000", "2026-03-04" / "--03-04", "28.7", "35"


def _num(text: str) -> float:
    return float(text.replace(",", ""))


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def parse_amount(text: str) -> float | None:
    """'240억 6천만' -> 24_060_000_000; None when `text` has no unit word."""
    total, seen_unit = 0.0, False
    for m in _GROUP.finditer(text):
        unit = m.group(2)
        if unit:
            seen_unit = True
        total += _num(m.group(1)) * (_UNIT[unit] if unit else 1)
    return total if seen_unit else None


def extract_facts(text: str) -> set[Fact]:
    facts: set[Fact] = set()
    taken: list[tuple[int, int]] = []

    def free(m: re.Match[str]) -> bool:
        return all(m.end() <= a or m.start() >= b for a, b in taken)

    for m in _DATE.finditer(text):
        year, month, day = m.group(1), int(m.group(2)), int(m.group(3))
        if not (1 <= month <= 12 and 1 <= day <= 31):
            continue
        if not year and not re.search(r"월", m.group(0)):
            continue  # "3.4" alone is a decimal, not a date
        facts.add(Fact("date", f"{year or '-'}-{month:02d}-{day:02d}"))
        taken.append(m.span())
    for m in _PERCENT.finditer(text):
        if free(m):
            facts.add(Fact("percent", _fmt(_num(m.group(1)))))
            taken.append(m.span())
    for m in _AMOUNT.finditer(text):
        if free(m) and (value := parse_amount(m.group(0))) is not None:
            facts.add(Fact("amount", _fmt(value)))
            taken.append(m.span())
    for m in _PLAIN.finditer(text):
        if free(m):
            facts.add(Fact("number", _fmt(_num(m.group(0)))))
    return facts


def same_fact(ref: Fact, got: Fact) -> bool:
    """The same amount, percentage or number by value; the same day (a missing year matches)."""
    if ref.kind == "date" or got.kind == "date":
        if ref.kind != got.kind:
            return False
        ry, rmd = ref.value.split("-", 1)[0], ref.value[-5:]
        gy, gmd = got.value.split("-", 1)[0], got.value[-5:]
        return rmd == gmd and (ry == gy or "" in (ry, gy))
    return ref.value == got.value  # amounts, percents and plain numbers compare by value


def fact_recall(reference: str, answer: str) -> tuple[float | None, list[str]]:
    """Share of the reference's facts found in the answer (None: the reference has none),
    and the facts that are missing, for the failures list."""
    ref = extract_facts(reference)
    if not ref:
        return None, []
    got = extract_facts(answer)
    missing = [f.value for f in sorted(ref, key=lambda f: f.value)
               if not any(same_fact(f, g) for g in got)]  # fmt: skip
    return 1 - len(missing) / len(ref), missing


# The answer span, most specific first: a date, an amount of money, a percentage, a count.
FACT_SPANS = [
    re.compile(
        r"\d{4}\s*[.년]\s*\d{1,2}\s*[.월]\s*\d{1,2}\s*일?|\d{1,2}\s*월\s*\d{1,2}\s*일"
        r"|\d{4}\s*년\s*\d{1,2}\s*월"
    ),
    re.compile(
        r"(?:\d[\d,]*(?:\.\d+)?\s*(?:조|억|천만|백만|만|천)\s*)+(?:\d[\d,]*\s*)?원"
        r"|\d[\d,]*\s*원"
    ),
    re.compile(r"\d[\d,]*(?:\.\d+)?\s*(?:%|퍼센트)"),
    # counts and durations; a bare year ("2025년") makes a poor question
    re.compile(r"\d[\d,]*\s*(?:개사|개소|개월|개|명|건|곳|시간|회|대|종)|(?<!\d)\d{1,2}\s*년"),
]


def format_amount(value: float) -> str:
    """24_060_000_000 -> '240억 6,000만'; the way Korean documents write sums of money (no
    '원': the caller knows whether it is money)."""
    negative, value = value < 0, abs(value)
    whole = round(value)
    if whole != value or whole < 10_000:
        text = f"{value:,.2f}".rstrip("0").rstrip(".") if whole != value else f"{whole:,}"
        return ("-" if negative else "") + text
    parts = []
    for unit, size in (("조", 10**12), ("억", 10**8), ("만", 10**4)):
        if whole >= size:
            parts.append(f"{whole // size:,}{unit}")
            whole %= size
    if whole:
        parts.append(f"{whole:,}")
    return ("-" if negative else "") + " ".join(parts)
