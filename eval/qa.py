"""QA sets: read JSONL / CSV / Parquet with the column names the public Korean sets use.

One record type for all of them, so the runner and the metrics never care where a set came from.
"""

from __future__ import annotations

import ast
import csv
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

# Accepted column names, first match wins (ours, gongo_rag, DACON, Allganize/AutoRAG).
_QUESTION = ("question", "query", "Question", "질문")
_REFERENCE = ("reference", "answer", "answer_span", "generation_gt", "Answer", "정답")
_FILE = ("evidence_file", "doc_id", "Source_path", "file")
_PAGE = ("evidence_page", "page")
_ID = ("id", "qid", "SAMPLE_ID")
_TYPE = ("type", "category")
_RETRIEVAL_GT = re.compile(r"'([^']+?) - (\d+)'")


class QAFormatError(ValueError):
    """The QA file cannot be read; the message says which column or line is at fault."""


@dataclass(frozen=True)
class Evidence:
    file: str
    page: int | None = None

    @property
    def stem(self) -> str:
        return Path(self.file).stem


@dataclass(frozen=True)
class QAItem:
    id: str
    question: str
    reference: str = ""
    evidence: tuple[Evidence, ...] = ()
    unanswerable: bool = False
    type: str = "normal"
    facts: tuple[str, ...] = field(default=())  # optional key facts that must appear verbatim
    split: str = ""  # "dev" (read while developing) or "test" (for checking only), when given

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _first(row: dict[str, object], names: tuple[str, ...]) -> object | None:
    for n in names:
        v = row.get(n)
        if v is not None and v == v and str(v).strip() != "":  # v == v drops NaN
            return v
    return None


def _reference(value: object) -> str:
    """Allganize stores answers as a JSON-ish list of strings: keep the first."""
    text = str(value)
    if text.startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError:
            try:
                items = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                return text
        if isinstance(items, list) and items:
            return str(items[0])
    return text


def _evidence(row: dict[str, object]) -> tuple[Evidence, ...]:
    gt = row.get("retrieval_gt")
    if gt is not None:  # Allganize: "[array(['finance - 파일.pdf - 4'], dtype=object)]"
        return tuple(
            Evidence(m.group(1).split(" - ", 1)[-1], int(m.group(2)))
            for m in _RETRIEVAL_GT.finditer(str(gt))
        )
    file = _first(row, _FILE)
    if file is None:
        return ()
    page = _first(row, _PAGE)
    return (Evidence(Path(str(file)).name, int(float(str(page))) if page is not None else None),)


def item_from_row(row: dict[str, object], n: int) -> QAItem:
    question = _first(row, _QUESTION)
    if question is None:
        raise QAFormatError(f"row {n}: no question column (one of {', '.join(_QUESTION)})")
    kind = str(_first(row, _TYPE) or "normal")
    flag = str(row.get("unanswerable", "")).strip().lower() in {"1", "true", "yes", "y"}
    unanswerable = flag or kind in {"no_answer", "unanswerable"}
    reference = _first(row, _REFERENCE)
    facts = row.get("facts") or ()
    return QAItem(
        id=str(_first(row, _ID) or f"q{n:04d}"),
        question=str(question).strip(),
        reference="" if reference is None else _reference(reference),
        evidence=() if unanswerable else _evidence(row),
        unanswerable=unanswerable,
        type=kind,
        facts=tuple(str(f) for f in facts) if isinstance(facts, list | tuple) else (),
        split=str(row.get("split") or ""),
    )


def _rows(path: Path) -> list[dict[str, object]]:
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".json"}:
        rows = []
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise QAFormatError(f"{path.name} line {n}: not JSON ({exc.msg})") from exc
        return rows
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            return list(csv.DictReader(f))
    if suffix == ".parquet":
        import pandas as pd

        return pd.read_parquet(path).to_dict(orient="records")
    raise QAFormatError(f"{path.name}: unsupported QA format (use .jsonl, .csv or .parquet)")


def load_qa(path: Path) -> list[QAItem]:
    if not path.is_file():
        raise QAFormatError(f"QA file not found: {path}")
    items = [item_from_row(r, n) for n, r in enumerate(_rows(path), 1)]
    if not items:
        raise QAFormatError(f"{path.name}: no questions")
    return items


def write_qa(items: list[QAItem], path: Path) -> None:
    """JSONL in the harness's own column names (what `load_qa` reads back unchanged)."""
    with path.open("w", encoding="utf-8") as f:
        for it in items:
            row: dict[str, object] = {"id": it.id, "question": it.question,
                                      "reference": it.reference, "type": it.type}  # fmt: skip
            if it.unanswerable:
                row["unanswerable"] = True
            if it.evidence:
                row["evidence_file"] = it.evidence[0].file
                if it.evidence[0].page is not None:
                    row["evidence_page"] = it.evidence[0].page
            if it.facts:
                row["facts"] = list(it.facts)
            if it.split:
                row["split"] = it.split
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
