"""Questions in several parts: "A와 B는 각각", "합치면", "차이". Each part is searched on its
own, so every side reaches the prompt: searched whole, the question's best passages are often
all about the program named first, and the model answers one side or refuses."""

from __future__ import annotations

from collections.abc import Callable

from korean import ASKS_IN_CLAUSE, MULTI_PART, particle_after
from search import Coordination

MAX_PARTS = 4


def sub_questions(question: str, conjuncts: Callable[[str], list[tuple[int, int]]]) -> list[str]:
    """One question per conjunct, the rest of the sentence kept: "IP스타기업과 글로벌화
    사업의 마감일은 각각 언제인가요?" -> "IP스타기업의 마감일은 각각 언제인가요?", "글로벌화
    사업의 마감일은 각각 언제인가요?". [] for a question in one part."""
    if not MULTI_PART.search(question):
        return []
    spans = conjuncts(question)
    if len(spans) < 2:
        return []
    head, tail = question[: spans[0][0]], question[spans[-1][1] :]
    return [f"{head}{question[a:e]}{tail}" for a, e in spans[:MAX_PARTS]]


def clause_questions(question: str, clause_ends: Callable[[str], list[int]]) -> list[str]:
    """The clauses of a question that asks two things or more (in one sentence or in
    several), each of which asks something: "서비스는 무엇이며, 그 이유는 무엇인가요?" ->
    "서비스는 무엇이며", "그 이유는 무엇인가요?". [] when at most one clause asks. The
    clauses share the question's search (the second often points back: "그 이유", "이를
    통해"); each is answered on its own."""
    parts: list[str] = []
    start = 0
    for end in clause_ends(question):
        clause = question[start:end].strip(" ,")
        if ASKS_IN_CLAUSE.search(clause) and ASKS_IN_CLAUSE.search(question[end:]):
            parts.append(clause)
            start = end
    if not parts:
        return []
    parts.append(question[start:].strip(" ,"))
    if len(parts) > MAX_PARTS:  # the last part keeps the rest, so no clause is dropped
        parts[MAX_PARTS - 1 :] = [" ".join(parts[MAX_PARTS - 1 :])]
    return parts


def coordinated_questions(
    question: str, coordination: Callable[[str], Coordination | None]
) -> list[str]:
    """The two things one predicate asks, each with that predicate: "시장의 규모와 중국이
    차지하는 비율은 얼마인가요?" -> "시장의 규모는 얼마인가요?", "중국이 차지하는 비율은
    얼마인가요?". A clause on the left stays as it is ("신청할 수 있는지"). [] when the
    question asks one thing."""
    found = coordination(question)
    if found is None:
        return []
    (a, b), (_, m) = found.joint, found.marker
    left = question[:a].rstrip(" ,")
    if not found.left_is_clause:
        left = f"{left}{particle_after(left, found.particle)}{question[m:]}"
    return [left, question[b:].strip(" ,")]
