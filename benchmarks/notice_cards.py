"""Notice cards of ../shared/corpus/docs against tests/data/notice_truth.json: per-field
precision and recall, the deadlines that came out exact, and seconds per document.

    python benchmarks/notice_cards.py [--shared ../shared/corpus]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from eval.cards import score_cards
from ingest import TesseractOCR, load_file, make_loaders
from notices import read_card

ROOT = Path(__file__).resolve().parent.parent
TRUTH = ROOT / "tests" / "data" / "notice_truth.json"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = ap.parse_args()
    loaders = make_loaders(TesseractOCR.if_available())
    names = [n for n in json.loads(TRUTH.read_text(encoding="utf-8")) if not n.startswith("_")]
    cards, parse_s, read_s = {}, 0.0, 0.0
    for name in names:
        t0 = time.perf_counter()
        doc = load_file(args.shared / "docs" / name, loaders=loaders)
        t1 = time.perf_counter()
        card = read_card(doc)
        read_s += time.perf_counter() - t1
        parse_s += t1 - t0
        if card is not None:
            cards[name] = card
    report = score_cards(cards, TRUTH)
    print(
        f"documents {report['documents']}  cards {report['cards']}  "
        f"missing {report['missing_cards']}  spurious {report['spurious_cards']}"
    )
    print(f"deadlines exact {report['deadlines_exact']}")
    print(f"{'field':12} {'precision':>9} {'recall':>7}  correct/extracted/expected")
    fields = report["fields"]
    assert isinstance(fields, dict)
    for name, f in fields.items():
        print(
            f"{name:12} {f['precision']:9.3f} {f['recall']:7.3f}  "
            f"{f['correct']}/{f['extracted']}/{f['expected']}"
        )
    print(f"micro precision {report['micro_precision']}  recall {report['micro_recall']}")
    print(
        f"parse (incl. OCR) {parse_s:.1f} s, card reading {read_s * 1000 / len(names):.1f} ms/doc"
    )


if __name__ == "__main__":
    main()
