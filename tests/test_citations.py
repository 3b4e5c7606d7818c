from __future__ import annotations

from rag import cited_sources, is_refusal
from rag.citations import add_missing_citations, best_passage, cited_refs
from search import Hit


def words(text: str) -> list[str]:
    return [w.strip(".,") for w in text.split() if w.strip(".,")]


PASSAGES = ["대구 예산 236억 원", "울산 주관 울산테크노파크", "마감 8월 29일"]


def test_cited_refs_orders_and_filters() -> None:
    assert cited_refs("가 [2] 나 [1][2] 다 [9]", 3) == [2, 1]


def test_best_passage_prefers_numbers() -> None:
    assert best_passage("대구 예산 236억 원", PASSAGES, words) == 1
    assert best_passage("마감 8월 29일", PASSAGES, words) == 3
    assert best_passage("전혀 관계 없는 말", PASSAGES, words) is None


def test_add_missing_citations_only_where_missing() -> None:
    answer = "대구 예산 236억 원입니다. 울산 주관 울산테크노파크 [2]."
    out = add_missing_citations(answer, PASSAGES, words)
    assert out == "대구 예산 236억 원입니다 [1]. 울산 주관 울산테크노파크 [2]."


def test_cited_sources_falls_back_to_all_passages() -> None:
    hits = [Hit(str(i), 1.0, f"f{i}.pdf", i, "", f"t{i}", "d") for i in range(1, 4)]
    assert [s.ref for s in cited_sources("[3] 그리고 [1]", hits)] == [3, 1]
    assert [s.file for s in cited_sources("인용 없음", hits)] == ["f1.pdf", "f2.pdf", "f3.pdf"]


def test_is_refusal_spacing_insensitive() -> None:
    assert is_refusal("문서에서 찾을수 없습니다.")
    assert is_refusal("죄송하지만 문서에서  찾을 수 없습니다")
    assert not is_refusal("236억 원입니다.")


def test_wrong_citation_is_repointed(kiwi) -> None:
    from rag.citations import fix_citations
    from search import KiwiBM25

    terms = KiwiBM25(kiwi).terms
    passages = [
        "대구시는 일자리 35개를 만든다.",
        "울산 총사업비는 240억 6천만 원",
        "마감은 2025년 8월 29일",
    ]
    assert fix_citations("대구시는 일자리 35개를 목표로 합니다 [2].", passages, terms) == (
        "대구시는 일자리 35개를 목표로 합니다 [1]."
    )
    right = "마감은 2025년 8월 29일입니다 [3]. 울산 총사업비는 240억 6천만 원입니다 [2]."
    assert fix_citations(right, passages, terms) == right  # supported citations stay
    unsupported = "국비는 999억 원입니다 [1]."  # no passage holds it: left for the reader to see
    assert fix_citations(unsupported, passages, terms) == unsupported


def test_a_citation_moves_to_the_passage_that_holds_the_sentence_s_date(kiwi) -> None:
    """The passage sharing the most words lacks the deadline; the one that holds it wins."""
    from rag.citations import best_supporting, fix_citations
    from search import KiwiBM25

    words = KiwiBM25(kiwi).terms

    passages = [
        "글로벌 IP스타기업 졸업기업도 추가 1회에 한하여 신청 가능함. 2026년 신청 가능",
        "글로벌 IP스타기업 신청 접수기간: 2026. 1. 12.(월) ~ 2026. 2. 19.(목) 18:00",
    ]
    sentence = "글로벌 IP스타기업 신청은 2026년 1월 12일부터 2026년 2월 19일까지입니다 [1]."
    assert best_passage(sentence, passages, words) == 1  # most shared words
    assert best_supporting(sentence, passages, words) == 2  # holds every number
    assert fix_citations(sentence, passages, words).endswith("19일까지입니다 [2].")
    uncited = sentence.replace(" [1]", "")  # the model cited nothing: the same passage is chosen
    assert add_missing_citations(uncited, passages, words).endswith("19일까지입니다 [2].")
    listed = "신청 기간은 다음과 같습니다.\n\n1. 2026년 1월 12일부터\n2. 2026년 2월 19일까지"
    cited = add_missing_citations(listed, passages, words)
    assert "\n\n1.\n" not in cited and "1. 2026년" in cited  # list numbers get no [n]
