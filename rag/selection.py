"""The model's choice of units (JSON under a schema) -> the answer a user reads, composed by code.

The model returns, for each part of the question, a short answer in the documents' words, the
numbers of the units that hold it, the kind of answer and, for yes/no, a verdict. Only what is
checkable survives: unit numbers outside the list are dropped; the answer is kept only where a
shown unit holds it (every number by value, most of its words), and then that unit is cited
even if the model named another; an answer no unit holds is dropped and that part is not
answered. A part with no answer says "문서에서 찾을 수 없습니다" while the other parts are
still answered. What is shown is the answer and the units' own words with their [n]; sums and
differences of the parts' answers are computed here and shown with their terms.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from korean import (
    ANSWER_KIND_NOUNS,
    CENTURY_YEAR,
    CITATION,
    COUNTED_NUMBER,
    SHORT_YEAR,
    SPACE_BEFORE_UNIT,
    WH_WORD,
    answers_with_count_for_place_or_time,
    extract_facts,
    same_fact,
)

from .arithmetic import Computed, compute
from .prompts import ANSWER_TYPES, REFUSAL, VERDICTS
from .units import Unit

NOT_FOUND = "문서에서 찾을 수 없습니다."
QUOTE_LEAD = "문서에 적힌 내용은 다음과 같습니다."
RULE_LEAD = "문서에 예/아니요로 적혀 있지는 않지만, 관련 규정은 다음과 같습니다."


Terms = Callable[[str], list[str]]
ANSWER_SHARE = 0.6  # of an answer's content morphemes a unit must hold, when it states numbers
WORDS_SHARE = 0.8  # the same for an answer in words only (the model adds a word or two)
QUESTION_SHARE = 0.5  # of the question's content morphemes a unit quoted without an answer holds


@dataclass(frozen=True)
class PartChoice:
    type: str  # value | list | yes_no | procedure | none
    units: tuple[int, ...]  # the units to quote: those holding the answer first
    value: str = ""  # the model's answer where a unit holds it; "" otherwise
    verdict: str = "none"
    dropped_answer: str = ""  # an answer no shown unit holds


@dataclass(frozen=True)
class Selection:
    parts: tuple[PartChoice, ...]
    valid: bool  # the reply was JSON of the schema's shape
    dropped: tuple[str, ...] = ()  # what the checks took out, for `checks`

    @property
    def empty(self) -> bool:
        return not any(p.units for p in self.parts)

    def answered(self, yes_no: bool) -> list[bool]:
        """Which parts have something to show: an answer a unit holds, or statements the model
        chose that bear on the question (quoted; for a yes/no question the rule, never the
        model's verdict)."""
        return [bool(p.units) for p in self.parts]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def holds(unit_text: str, answer: str, terms: Terms) -> bool:
    """The unit states the answer: spacing aside it contains it; or every amount and date of
    the answer is in the unit by value (3억 원 = 300,000,000원), every other number with the
    word that counts it ("2년" is not held by "2점"), and the answer's content morphemes are
    there too (most of them when the answer states a number, all of them otherwise)."""
    if not answer.strip():
        return False
    unit_text = SHORT_YEAR.sub(r"20\1", unit_text)  # "('23.12월)" holds "2023년 12월"
    plain_unit = _squash(unit_text).replace(",", "")
    plain_answer = _squash(answer).rstrip(".").replace(",", "")
    if len(re.sub(r"[\d.]", "", plain_answer)) >= 2 and plain_answer in plain_unit:
        return True  # written in the unit (a bare number must pass the checks below)
    facts = extract_facts(answer)
    have = extract_facts(unit_text)
    valued = [f for f in facts if f.kind in ("amount", "date", "percent")]
    if not all(any(same_fact(f, g) for g in have) for f in valued):
        return False
    if not valued:
        for number, counter in COUNTED_NUMBER.findall(answer):
            digits = re.escape(number.replace(",", ""))
            if counter == "년" and CENTURY_YEAR.fullmatch(number):
                counter = ""  # a year: "2023.12월" and "'23년" write it without its 년
            # "1" is not held by "1:1" or "제2026-46호": a number stands as a number there
            after = "" if counter else r"(?![\d:\-])"
            before = r"(?<!\d)" if counter in ("월", "일") else r"(?<![\d.:\-])"  # "2023.12월"
            alone = rf"{before}{digits}{re.escape(counter)}{after}"
            if not re.search(alone, SPACE_BEFORE_UNIT.sub("", unit_text).replace(",", "")):
                return False
    words = {w for w in terms(answer) if not re.fullmatch(r"[\d.,]+", w)}  # numbers: above
    if not words:
        return bool(facts)
    share = len(words & set(terms(unit_text))) / len(words)
    return share >= (ANSWER_SHARE if facts else WORDS_SHARE)


def _said(unit: Unit) -> str:
    """What a unit says with the heading it sits under ("선정 규모 : 총 1개 기관" heads a table)."""
    return f"{unit.section} {unit.text}" if unit.section else unit.text


def _shared(question: str, unit: Unit, terms: Terms) -> int:
    return len(set(terms(question)) & set(terms(f"{unit.section} {unit.text}")))


def _part(
    raw: object, units: dict[int, Unit], terms: Terms, dropped: list[str], question: str
) -> PartChoice:
    if not isinstance(raw, dict):
        return PartChoice("none", ())
    kind = str(raw.get("type")) if raw.get("type") in ANSWER_TYPES else "none"
    verdict = str(raw.get("verdict")) if raw.get("verdict") in VERDICTS else "none"
    chosen: list[int] = []
    for n in raw.get("units") or []:
        if isinstance(n, int) and n in units and n not in chosen:
            chosen.append(n)
        elif isinstance(n, int) and n not in units:
            dropped.append(f"unit {n} (not in the list)")
    answer = " ".join(str(raw.get("answer") or "").split())
    if not answer:
        return PartChoice(kind if chosen else "none", tuple(chosen), "", verdict)
    if answers_with_count_for_place_or_time(question, answer):
        dropped.append(f"answer {answer!r} (a count for a where or when question)")
        return PartChoice("none", ())
    holding = [n for n in chosen if holds(_said(units[n]), answer, terms)]
    rest = [n for n in chosen if n not in holding] if kind in ("list", "procedure") else []
    if not holding:  # the model named the wrong unit: the one that holds its answer instead
        found = [n for n in units if holds(_said(units[n]), answer, terms)]
        best = max(found, key=lambda n: (_shared(question, units[n], terms), -n), default=None)
        holding, rest = ([best] if best is not None else []), []
    if not holding:
        dropped.append(f"answer {answer!r} (no unit holds it)")
        # its words are not shown; the statements it chose are, when they bear on the question
        wanted = len(set(terms(question))) or 1
        bearing = tuple(
            n for n in chosen if _shared(question, units[n], terms) / wanted >= QUESTION_SHARE
        )
        return PartChoice(kind, bearing, "", verdict, dropped_answer=answer)
    return PartChoice(kind, tuple(holding + rest), answer, verdict)


def parse_selection(
    reply: str,
    n_parts: int,
    units: Sequence[Unit],
    terms: Terms = lambda t: t.split(),
    questions: Sequence[str] = (),
) -> Selection:
    """The model's JSON, checked against the units it was shown; anything unreadable is an
    empty selection (a refusal), never an exception."""
    by_n = {u.n: u for u in units}
    empty = tuple(PartChoice("none", ()) for _ in range(n_parts))
    try:
        data = json.loads(reply)
    except ValueError:
        return Selection(empty, False)
    raw_parts = data.get("parts") if isinstance(data, dict) else None
    if not isinstance(raw_parts, list):
        return Selection(empty, False)
    dropped: list[str] = []
    asked = [*questions, *[""] * n_parts]
    parts = [_part(p, by_n, terms, dropped, asked[i]) for i, p in enumerate(raw_parts[:n_parts])]
    parts += [PartChoice("none", ())] * (n_parts - len(parts))
    return Selection(tuple(parts), len(raw_parts) == n_parts, tuple(dropped))


def parse_pick(reply: str, units: Sequence[Unit]) -> tuple[int, ...]:
    """The unit numbers of a second look's JSON that were shown, in order, once each; () for
    anything unreadable."""
    try:
        data = json.loads(reply)
    except ValueError:
        return ()
    raw = data.get("units") if isinstance(data, dict) else None
    shown = {u.n for u in units}
    out: list[int] = []
    for n in raw if isinstance(raw, list) else []:
        if isinstance(n, int) and n in shown and n not in out:
            out.append(n)
    return tuple(out)


def part_about(part: str, question: str, terms: Terms) -> set[str]:
    """What one part of a question is about, for `covers`: its content morphemes without the
    question words and the nouns that name the kind of answer ("그 사업의 목적은 무엇인가요?"
    -> {"사업"}), or the whole question's when nothing is left ("그 이유는 무엇인가요?")."""
    left = {t for t in terms(part) if not WH_WORD.match(t) and t not in ANSWER_KIND_NOUNS}
    return left or set(terms(question))


def covers(
    question: str, chosen: Sequence[Unit], terms: Terms, share: float,
    wanted: set[str] | None = None,
) -> bool:  # fmt: skip
    """The chosen units together hold `share` of the question's content morphemes (or of
    `wanted`): the bar the retrieved passages had to pass, now for what is quoted."""
    wanted = set(terms(question)) if wanted is None else wanted
    if not wanted or not chosen:
        return False
    held = set(terms(" ".join(f"{u.section} {u.text}" for u in chosen)))
    return len(wanted & held) / len(wanted) >= share


@dataclass
class Composed:
    text: str
    refused: bool
    checks: dict[str, object] = field(default_factory=dict)


def _quote(unit: Unit) -> str:
    shown = unit.shown
    where = f"({unit.section}) " if unit.section and unit.section not in shown else ""
    return f"- {where}{shown} [{unit.ref}]"


MAX_QUOTES = 3


def _part_lines(part: PartChoice, by_n: dict[int, Unit], yes_no: bool) -> list[str]:
    chosen = [by_n[n] for n in part.units][:MAX_QUOTES]
    lines: list[str] = []
    if yes_no or part.type == "yes_no":
        lines.append(RULE_LEAD)
    elif part.value:
        lines.append(f"**{part.value}** [{chosen[0].ref}]")
        lines.append("근거:")
    else:
        lines.append(QUOTE_LEAD)
    lines.extend(_quote(u) for u in chosen)
    return lines


def numbered_part(
    i: int, asked: str, part: PartChoice, by_n: dict[int, Unit], yes_no: bool
) -> list[str]:
    """An answered part of a question asking several things, under its own heading."""
    return [f"**{i}) {asked.strip()}**", *_part_lines(part, by_n, yes_no)]


def compose(
    question: str,
    parts: Sequence[str],
    selection: Selection,
    units: Sequence[Unit],
    *,
    yes_no: bool = False,
) -> Composed:
    """The answer: per part, the chosen units quoted with their [n] (a value first when the
    units state it); a part nobody answered says so; a sum or difference the question asks
    for, computed from the parts' values."""
    by_n = {u.n: u for u in units}
    checks: dict[str, object] = {
        "selected": [list(p.units) for p in selection.parts],
        "types": [p.type for p in selection.parts],
    }
    if verdicts := [p.verdict for p in selection.parts if p.verdict != "none"]:
        checks["verdicts"] = verdicts
    if selection.dropped:
        checks["selection_dropped"] = list(selection.dropped)
    if not selection.valid:
        checks["selection_invalid"] = True
    answered = selection.answered(yes_no)
    if not any(answered):
        return Composed(REFUSAL, True, checks)
    if len(parts) <= 1:
        lines = _part_lines(selection.parts[0], by_n, yes_no)
    else:
        lines = []
        for i, (asked, part, ok) in enumerate(
            zip(parts, selection.parts, answered, strict=True), 1
        ):
            lines.extend(numbered_part(i, asked, part, by_n, yes_no) if ok
                         else [f"**{i}) {asked.strip()}**", NOT_FOUND])  # fmt: skip
        checks["parts_unanswered"] = answered.count(False)
    result: Computed | None = compute(question, [p.value for p in selection.parts if p.value])
    if result is not None:
        refs = sorted({by_n[p.units[0]].ref for p in selection.parts if p.value and p.units})
        cite = " ".join(f"[{r}]" for r in refs)
        lines.append(f"계산: {result.shown} {cite}".rstrip())
        checks["computed"] = result.shown
    return Composed("\n".join(lines), False, checks)


_ANSWER_FIELD = re.compile(r'"answer"\s*:\s*"((?:[^"\\]|\\.)*)"')


def early_answer(
    partial: str, units: Sequence[Unit], terms: Terms, question: str
) -> tuple[str, Unit] | None:
    """The answer the model has finished writing (its JSON reply still streaming) and the unit
    that holds it, so it can be shown before the rest of the reply; None until then, or when
    no unit holds it."""
    m = _ANSWER_FIELD.search(partial)
    if m is None:
        return None
    try:
        answer = " ".join(str(json.loads(f'"{m.group(1)}"')).split())
    except ValueError:
        return None
    if answers_with_count_for_place_or_time(question, answer):
        return None
    found = [u for u in units if holds(_said(u), answer, terms)]
    if not answer or not found:
        return None
    return answer, max(found, key=lambda u: (_shared(question, u, terms), -u.n))


def first_part(
    partial: str, units: Sequence[Unit], terms: Terms, question: str
) -> PartChoice | None:
    """The reply's first part, checked as `parse_selection` checks it, once the model has
    closed its object (the later parts still streaming); None until then. A question asking
    several things can show its first answer while the model writes the others."""
    opened = partial.find("[")
    start = partial.find("{", opened) if opened >= 0 else -1
    if start < 0:
        return None
    try:
        raw, _ = json.JSONDecoder().raw_decode(partial, start)
    except ValueError:
        return None
    return _part(raw, {u.n: u for u in units}, terms, [], question)


def pin(selection: Selection, answer: str, unit: Unit) -> Selection:
    """The first part as already shown: its answer, held by that unit, quoted first."""
    first = selection.parts[0]
    rest = tuple(n for n in first.units if n != unit.n)
    shown = PartChoice(first.type, (unit.n, *rest), answer, first.verdict)
    return Selection((shown, *selection.parts[1:]), selection.valid, selection.dropped)


class EarlyView:
    """What of a reply still streaming can show before it ends, once: a one-part question's
    answer when written and held by a unit; a several-part question's first part when the
    model has closed it. Yes/no questions wait: their rule is checked at the end."""

    def __init__(
        self, parts: Sequence[str], units: Sequence[Unit], terms: Terms, question: str,
        yes_no: bool,
    ) -> None:  # fmt: skip
        self.parts, self.units, self.terms, self.question = list(parts), units, terms, question
        self.done = yes_no
        self.early: tuple[str, Unit] | None = None
        self.first: PartChoice | None = None

    def feed(self, partial: str) -> str:
        """The text to show now; "" while there is none, and after it was shown."""
        if self.done:
            return ""
        if len(self.parts) == 1:
            self.early = early_answer(partial, self.units, self.terms, self.question)
            if self.early is None:
                return ""
            self.done = True
            return f"**{self.early[0]}** [{self.early[1].ref}]\n"
        first = first_part(partial, self.units, self.terms, self.parts[0])
        if first is None:
            return ""
        self.done = True  # the first part is closed: shown now or not at all
        if not first.units:
            return ""
        self.first = first
        by_n = {u.n: u for u in self.units}
        return "\n".join(numbered_part(1, self.parts[0], first, by_n, False)) + "\n"

    def settle(self, selection: Selection) -> Selection:
        """The parsed reply with what was shown kept first (the composed answer begins with
        it, even when the reply was cut at its token limit)."""
        if self.early is not None:
            return pin(selection, *self.early)
        if self.first is not None:
            return Selection((self.first, *selection.parts[1:]), selection.valid,
                             selection.dropped)  # fmt: skip
        return selection


def cited(text: str) -> list[int]:
    """The [n] markers of a composed answer, in order of first appearance."""
    out: list[int] = []
    for m in CITATION.finditer(text):
        if int(m.group(1)) not in out:
            out.append(int(m.group(1)))
    return out
