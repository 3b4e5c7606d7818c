"""Named QA suites: which questions, over which corpus, and (for CI) which thresholds."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..qa import QAItem, item_from_row, load_qa

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DEFAULT_SHARED = ROOT.parent / "shared" / "corpus"


@dataclass(frozen=True)
class Suite:
    name: str
    description: str
    qa_path: Path
    corpus: Path  # a folder of documents, or a parquet of page texts (Allganize)
    gate: dict[str, float] = field(default_factory=dict)  # metric -> minimum
    load: Callable[[Path], list[QAItem]] = load_qa
    # How many of its questions were read while the answer code was developed (the figure
    # on a set one has tuned against is no measure of questions nobody tuned for).
    looked_at: str = ""

    def available(self) -> bool:
        return self.qa_path.is_file() and self.corpus.exists()

    def items(self) -> list[QAItem]:
        return self.load(self.qa_path)


def _dacon_with_docs(docs: Path) -> Callable[[Path], list[QAItem]]:
    """DACON rows whose source PDF is among our documents (108 of 496)."""

    def load(path: Path) -> list[QAItem]:
        stems = {p.stem for p in docs.iterdir()} if docs.is_dir() else set()
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = [r for r in csv.DictReader(f) if Path(r["Source_path"]).stem in stems]
        return [item_from_row(r, n) for n, r in enumerate(rows, 1)]

    return load


def suites(shared: Path = DEFAULT_SHARED) -> dict[str, Suite]:
    docs = shared / "docs"
    qa = shared / "qa"
    return {
        s.name: s
        for s in (
            Suite(
                "smoke",
                "11 questions over the sample corpus (examples/corpus); the CI gate",
                HERE / "smoke.jsonl",
                ROOT / "examples" / "corpus",
                gate={
                    "answer_accuracy": 0.85,
                    "refusal_accuracy": 1.0,
                    "hit@3": 0.9,
                    "citation_precision": 0.7,
                    "cites_evidence": 0.85,
                },
                looked_at="all 11 (written for this project)",
            ),
            Suite(
                "gongo",
                "gongo_rag golden set: 30 answerable + 6 no-answer, over ../shared/corpus/docs",
                qa / "gongo_rag" / "golden_set.jsonl",
                docs,
                looked_at="the 23 dev questions (rules were written while reading them); the "
                "13 test questions are for checking only (two golden rows, q032 and q036, were "
                "seen once while checking refusals, and q026's answer once by mistake while "
                "counting failures for the docs; nothing was changed after)",
            ),
            Suite(
                "dacon",
                "DACON 재정정보 train rows whose PDFs are in ../shared/corpus/docs (108)",
                qa / "dacon_fiscal" / "train.csv",
                docs,
                load=_dacon_with_docs(docs),
                looked_at="the first 50 were run and their answers read in earlier sessions "
                "(their failures again when table rows were kept whole in chunks, and "
                "TRAIN_274's answer when two-phrase questions were split); the other 58 "
                "were not",
            ),
            Suite(
                "allganize",
                "Allganize-derived qa_v4 (114 Q, page-level truth) over its 720 page texts",
                qa / "allganize_autorag" / "qa_v4.parquet",
                qa / "allganize_autorag" / "ocr_corpus_v3.parquet",
                looked_at="all 114 were run and their failures read in earlier sessions; "
                "its refusals again when the second look was built, its questions' "
                "clauses when two-clause questions were split, and its 13 split questions "
                "with a part left unanswered when that part got its own second look, and "
                "its questions asking two noun phrases with one predicate (2, 15, 17, 22, 47, "
                "95, 104) when those were split",
            ),
        )
    }
