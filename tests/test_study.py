"""Study mode: seed sentences, question phrasing with a fallback, grading by value."""

from __future__ import annotations

from rag import QuizItem, grade
from rag.study import BLANK, fact_span, make_quiz, seed_sentences
from search import Hit
from tests.fakes import ScriptedLLM

PAGE1 = ("대구시 AI 대전환 사업의 총 예산은 236억 원이며, 이 가운데 국비는 140억 원이다.\n"
         "사업 기간은 2026년 12월까지이며 지역 기업을 지원한다.")  # fmt: skip
PAGE2 = ("| 구분 | 금액 |\n| 국비 | 140억 원 |\n"
         "대구시는 사업 기간 동안 150개 이상의 기업을 지원하는 것을 목표로 한다.")  # fmt: skip


def hit(page: int, text: str) -> Hit:
    return Hit(f"p{page}", 0.0, "대구.pdf", page, "대구", text, "/d/대구.pdf")


CHUNKS = [hit(1, PAGE1), hit(2, PAGE2)]


def test_fact_span_prefers_dates_then_money_then_counts() -> None:
    assert fact_span("신청은 2026. 3. 4. 18시까지, 참가비 5만 원") == "2026. 3. 4"
    assert fact_span("총 예산은 236억 원이며") == "236억 원"
    assert fact_span("150개 이상의 기업") == "150개"
    assert fact_span("2025년에 선정되었다") == ""  # a bare year is no question


def test_seed_sentences_skip_table_rows_and_repeat_facts() -> None:
    seeds = seed_sentences(CHUNKS, 5)
    assert [(h.page, fact) for h, _, fact in seeds] == [
        (1, "236억 원"), (1, "2026년 12월"), (2, "150개")]  # fmt: skip


def test_llm_question_is_used_unless_it_gives_the_answer_away() -> None:
    llm = ScriptedLLM([
        "대구시 AI 대전환 사업의 총 예산은 얼마인가요?",
        "사업 기간은 2026년 12월까지입니다.",  # leaks the answer and asks nothing
        "질문: 대구시는 몇 개 이상의 기업을 지원하나요?",
    ])  # fmt: skip
    quiz = make_quiz(CHUNKS, llm, n=5)
    assert [q.question for q in quiz] == [
        "대구시 AI 대전환 사업의 총 예산은 얼마인가요?",
        f"빈칸에 들어갈 말은? — 사업 기간은 {BLANK}까지이며 지역 기업을 지원한다.",
        "대구시는 몇 개 이상의 기업을 지원하나요?",
    ]
    assert [q.generated for q in quiz] == [True, False, True]
    assert [(q.answer, q.page, q.location) for q in quiz] == [
        ("236억 원", 1, "1쪽"), ("2026년 12월", 1, "1쪽"), ("150개", 2, "2쪽")]  # fmt: skip
    # the model saw the sentence with a blank, never the answer
    assert "236억" not in llm.requests[0][-1]["content"]
    assert "( )" in llm.requests[0][-1]["content"]


def test_without_an_llm_every_question_is_fill_in_the_blank() -> None:
    quiz = make_quiz(CHUNKS, None, n=2)
    assert len(quiz) == 2 and not any(q.generated for q in quiz)


def test_grade_compares_numbers_by_value() -> None:
    item = QuizItem("총 예산은?", "236억 원", "…", "…", "대구.pdf", 1, "1쪽", True)
    assert grade(item, "23,600,000,000원").correct
    assert grade(item, "236억").correct
    wrong = grade(item, "140억 원")
    assert not wrong.correct and "236억 원" in wrong.message and "대구.pdf 1쪽" in wrong.message
    assert grade(item, "  ").message == "답을 입력해 주세요."
    words = QuizItem("주관기관은?", "경북대학교", "…", "…", "대구.pdf", 1, "1쪽", True)
    assert grade(words, "경북대학교입니다").correct and not grade(words, "울산대").correct


def test_study_tab_grades_by_value_and_marks_the_sentence() -> None:
    from rag import QuizItem
    from ui.study_tab import check_answer, quiz_label

    item = QuizItem(question="사업 예산은?", answer="3억 원", sentence="사업 예산은 3억 원이다.",
                    passage="개요\n사업 예산은 3억 원이다.", file="a<b>.pdf", page=2,
                    location="2쪽", generated=True)  # fmt: skip
    label = quiz_label(0, item)
    grade_md, passage = check_answer([item], label, "300,000,000원")
    assert grade_md.startswith("정답입니다") and "a&lt;b&gt;.pdf" in passage
    assert "<mark>사업 예산은 3억 원이다.</mark>" in passage
    wrong, _ = check_answer([item], label, "2억")
    assert "「3억 원」" in wrong
    assert check_answer([item], "없는 문제", "x") == ("먼저 문제를 고르세요.", "")
