from __future__ import annotations

from korean import split_sentences
from rag.context import budget_passages, trim_passage


def words(text: str) -> list[str]:
    return [w.strip(".,?") for w in text.split() if w.strip(".,?")]


def test_split_rejoins_pdf_line_wraps_and_keeps_rows() -> None:
    text = "대구시는 일자리 35개를 만드는 것을\n목표로 한다.\n세부 내용은 따로 안내한다.\n- 항목\n| a | b |\n| c | d |"
    assert split_sentences(text) == [
        "대구시는 일자리 35개를 만드는 것을 목표로 한다.",
        "세부 내용은 따로 안내한다.",
        "- 항목",
        "| a | b |",
        "| c | d |",
    ]


def test_trim_keeps_matching_sentences_in_order_within_budget() -> None:
    text = "가 나 다. 예산 은 236억 원. 라 마 바. 마감 은 8월 29일. 사 아 자."
    out = trim_passage("예산 과 마감", text, budget=30, terms=words)
    assert out == "예산 은 236억 원.\n마감 은 8월 29일."
    assert trim_passage("x", "짧은 글.", budget=30, terms=words) == "짧은 글."


def test_budget_favours_the_best_ranked_passage() -> None:
    long = " ".join(f"문장 {i} 예산." for i in range(60))
    first, second = budget_passages("예산", [long, long], 600, words)
    assert len(first) > len(second)
    assert len(first) <= 400 + 20 and len(second) <= 200 + 20
    assert budget_passages("예산", [long], 0, words) == [long]
