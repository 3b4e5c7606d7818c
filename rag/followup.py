"""Multi-turn: "그럼 국비는요?" after a question about 대구's budget must search for 대구.

A follow-up without a subject of its own borrows the subject words of the previous user turn,
lexically: an LLM rewrite would cost another 5-10 s of CPU per turn. It misses follow-ups that
change the subject with a common noun only ("예산 말고 일정은?" keeps the old subject, which
is what users mean most of the time).
"""

from __future__ import annotations

from collections.abc import Sequence

from kiwipiepy import Kiwi

_SUBJECT_TAGS = frozenset({"NNP", "SL", "SH"})
_NOUN_TAGS = frozenset({"NNP", "NNG", "SL", "SH"})
_QUESTION_WORDS = frozenset({"얼마", "무엇", "언제", "어디", "누구", "어떻", "몇", "뭐", "정도"})
_FOLLOW_UP_STARTS = ("그럼", "그러면", "그건", "그것", "거기", "그리고", "또", "그 ", "이 사업",
                     "그 사업", "해당")  # fmt: skip


class FollowUpRewriter:
    def __init__(self, kiwi: Kiwi, *, max_words: int = 8) -> None:
        self._kiwi = kiwi
        self.max_words = max_words

    def _nouns(self, text: str, tags: frozenset[str]) -> list[str]:
        out: list[str] = []
        for t in self._kiwi.tokenize(text):
            if t.tag in tags and t.form not in _QUESTION_WORDS and t.form not in out:
                out.append(t.form)
        return out

    def standalone(self, question: str, previous: Sequence[str]) -> str:
        """The question as a search query that stands on its own; unchanged when it already
        names its subject or there is no earlier turn."""
        question = question.strip()
        if not previous:
            return question
        starts = question.startswith(_FOLLOW_UP_STARTS)
        have = set(self._nouns(question, _NOUN_TAGS))
        own_subject = bool(self._nouns(question, _SUBJECT_TAGS))
        if own_subject and not starts and len(have) > 1:
            return question
        # "울산은?": a new subject, the old topic; "국비는요?": the old subject, a new topic
        tags = _NOUN_TAGS - {"NNP"} if own_subject else _NOUN_TAGS
        borrowed = [w for w in self._nouns(previous[-1], tags) if w not in have]
        if not borrowed:
            return question
        return f"{' '.join(borrowed[: self.max_words])} — {question}"
