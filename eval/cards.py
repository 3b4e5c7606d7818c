"""Notice cards against a hand-read truth file (tests/data/notice_truth.json): per-field
precision and recall, and whether every stated deadline came out exact to the minute."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from notices import NoticeCard

SCORED = ("program", "organizer", "apply_start", "apply_end", "notice_date", "period", "target",
          "exclusion", "support", "documents", "method", "selection", "contact")  # fmt: skip


def _squash(text: str) -> str:
    return "".join(text.split())


@dataclass
class FieldScore:
    extracted: int = (
        0  # the card has it, where the truth says what it should be (or that it is absent)
    )
    correct: int = 0
    expected: int = 0  # the truth has a value
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0


def _when(card: NoticeCard, name: str) -> str | None:
    moment = card.apply_start if name == "apply_start" else card.apply_end
    if moment is None:
        return None
    stated = name == "apply_end" and card.end_time_stated
    return moment.strftime("%Y-%m-%dT%H:%M") if stated else moment.date().isoformat()


def _judge(card: NoticeCard, name: str, want: object) -> tuple[bool, bool]:
    """(the card has the field, it is right)."""
    if name == "program":
        return bool(card.program), _squash(str(want)) in _squash(card.program)
    if name == "organizer":
        if want is None:
            return bool(card.organizer), not card.organizer
        names = [str(n) for n in want] if isinstance(want, list) else [str(want)]
        return bool(card.organizer), all(_squash(n) in _squash(card.organizer) for n in names)
    if name in ("apply_start", "apply_end"):
        got = _when(card, name)
        return got is not None, got == want
    got_field = card.fields.get(name)
    if got_field is None:
        return False, want is None
    if want is None:
        return True, False
    assert isinstance(want, dict)
    pages = want.get("pages") or [want["page"]]
    text = _squash(got_field.text)
    return True, got_field.page in pages and any(_squash(p) in text for p in want["any"])


def score_cards(cards: dict[str, NoticeCard], truth_path: Path) -> dict[str, object]:
    truth = {k: v for k, v in json.loads(truth_path.read_text(encoding="utf-8")).items()
             if not k.startswith("_")}  # fmt: skip
    scores = {name: FieldScore() for name in SCORED}
    missing_cards = [f for f in truth if f not in cards]
    spurious_cards = [f for f in cards if f not in truth]
    deadline_total = deadline_exact = 0
    for file, want in truth.items():
        card = cards.get(file)
        if want.get("apply_end"):
            deadline_total += 1
        for name in SCORED:
            if name in ("program", "organizer", "apply_start", "apply_end"):
                if name not in want:
                    continue
                value = want[name]
            elif name in want["fields"]:
                value = want["fields"][name]
            else:
                continue
            s = scores[name]
            if value is not None and not (name == "organizer" and value is None):
                s.expected += 1
            if card is None:
                if value is not None:
                    s.misses.append(f"{file}: no card")
                continue
            has, right = _judge(card, name, value)
            if has or value is None:
                s.extracted += has
            s.correct += has and right
            if value is not None and not (has and right):
                s.misses.append(file)
            elif value is None and has:
                s.misses.append(f"{file}: not in the document")
            if name == "apply_end" and value and has and right:
                deadline_exact += 1
    total_ex = sum(s.extracted for s in scores.values())
    total_ok = sum(s.correct for s in scores.values())
    total_exp = sum(s.expected for s in scores.values())
    return {
        "documents": len(truth), "cards": len(cards), "missing_cards": missing_cards,
        "spurious_cards": spurious_cards,
        "deadlines_exact": f"{deadline_exact}/{deadline_total}",
        "fields": {n: {"precision": round(s.precision, 3), "recall": round(s.recall, 3),
                       "extracted": s.extracted, "correct": s.correct, "expected": s.expected,
                       "misses": s.misses} for n, s in scores.items()},
        "micro_precision": round(total_ok / total_ex, 3) if total_ex else 1.0,
        "micro_recall": round(total_ok / total_exp, 3) if total_exp else 1.0,
    }  # fmt: skip
