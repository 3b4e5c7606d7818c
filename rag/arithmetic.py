"""Sums, differences and ratios a question asks for, computed from the values the answer's units
state, with the computation shown ("140억 원 + 96억 원 = 236억 원"). The model never does the
arithmetic: measured, the 1.5B model answered a sum of two budgets with one of its terms."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from korean import ASKS_DIFFERENCE, ASKS_RATIO, ASKS_SUM, extract_facts, format_amount

_WON = re.compile(r"원")


@dataclass(frozen=True)
class Computed:
    op: str  # "sum" | "difference" | "ratio"
    shown: str  # "140억 원 + 96억 원 = 236억 원"
    value: float


def asked_operation(question: str) -> str | None:
    if ASKS_RATIO.search(question):
        return "ratio"
    if ASKS_SUM.search(question):
        return "sum"
    if ASKS_DIFFERENCE.search(question):
        return "difference"
    return None


def _number(value: str) -> tuple[str, float] | None:
    """(kind, value) of the first amount, percentage or number a value states."""
    facts = extract_facts(value)
    for kind in ("amount", "percent", "number"):
        found = [f for f in facts if f.kind == kind]
        if found:
            return kind, float(found[0].value)
    return None


def _fmt(kind: str, x: float, money: bool, counter: str = "") -> str:
    if kind == "percent":
        return f"{x:g}%"
    text = format_amount(x) if kind == "amount" else f"{x:,.2f}".rstrip("0").rstrip(".")
    return f"{text} 원" if money else f"{text}{counter}"


def _counter(terms: Sequence[str]) -> str:
    """The counting word the values share ("31개", "79개" -> "개"), else ""."""
    tails = {re.sub(r"^[\d,.\s]+", "", t) for t in terms}
    tail = tails.pop() if len(tails) == 1 else ""
    return tail if re.fullmatch(r"[가-힣]{1,3}", tail) else ""


def compute(question: str, values: Sequence[str]) -> Computed | None:
    """The operation the question asks for over two or more values of one kind; None when it
    asks for none, or the values do not allow it (kinds differ, fewer than two)."""
    op = asked_operation(question)
    if op is None or len(values) < 2:
        return None
    parsed = [_number(v) for v in values]
    if any(p is None for p in parsed):
        return None
    kinds = {p[0] for p in parsed if p}
    if len(kinds) != 1:
        return None
    kind = kinds.pop()
    nums = [p[1] for p in parsed if p]
    money = all(_WON.search(v) for v in values)
    terms = [v.strip() for v in values]
    if op == "sum":
        total = sum(nums)
        shown = _fmt(kind, total, money, _counter(terms))
        return Computed(op, f"{' + '.join(terms)} = {shown}", total)
    if len(nums) != 2:
        return None
    (a, ta), (b, tb) = sorted(zip(nums, terms, strict=True), key=lambda p: -p[0])
    if op == "difference":
        diff = a - b
        shown = f"{diff:g}%p" if kind == "percent" else _fmt(kind, diff, money, _counter(terms))
        return Computed(op, f"{ta} − {tb} = {shown}", diff)
    if b == 0:
        return None
    ratio = a / b
    return Computed(op, f"{ta} ÷ {tb} = {ratio:.2f}배", ratio)
