"""What a Korean question asks, by its words: an open question or a yes/no one, a request, a
sum or a difference, every part of a comparison, and which field of a notice card it wants.

Kept here, not beside each caller, so one word list decides for retrieval, routing, study
quizzes and arithmetic alike.
"""

from __future__ import annotations

import re

# A question word makes it an open question, not a yes/no one.
WH_WORD = re.compile(r"어떤|어떻게|어떠|무엇|무슨|뭐|뭘|몇|언제|어디|얼마|누가|누구|누굴|왜|어느")
YES_NO_END = re.compile(
    r"(나요|가요|까요|습니까|니까|는지요|인지요|죠|돼요|되요|있어요|없어요|인가|하나|되나)\s*[?？]*\s*$"
)
REQUEST = re.compile(
    r"(말해|알려|설명해|정리해|요약해|보여|소개해|비교해|나열해|들어)\s*(줄|주실|줘|주세|주시겠)"
)
QUESTION_MARK_END = re.compile(r"[?？][*_]*\s*$")
AFTER_QUESTION_MARK = re.compile(r"(?<=[?？])[*_]*\s+")
# A sentence that asks something (a study card's question side): a question word or a "?".
ASKS_SOMETHING = re.compile(r"얼마|몇|언제|어디|무엇|무슨|누구|어느|어떤|\?$")

# Arithmetic the question asks for: a sum, a difference, a ratio.
# "합" opens the word: "통합하고", "종합하면" and "결합" ask no sum.
ASKS_SUM = re.compile(r"(?<![가-힣])합(?:치|하|산|계|쳐)|더하면|모두\s*합|총합|모두\s*얼마")
ASKS_DIFFERENCE = re.compile(
    r"차이|얼마나\s*(?:더\s*)?(?:많|적|크|작|늘|줄|증가|감소|높|낮|비싸|싸)|몇\s*(?:%|퍼센트)\s*(?:늘|줄|증가|감소)"
)
ASKS_RATIO = re.compile(r"몇\s*배")
# Cues that the question wants every conjunct answered, not one thing about both together.
MULTI_PART = re.compile(
    r"각각|각자|차이|비교|합치|합하|합산|합계|더하면|둘 다|모두 합|어떻게 다른|무엇이 다른|"
    r"뭐가 다른|다른가요|다른지|같은가요|같나요|어느 (쪽|것|사업|프로그램)"
)

# Two questions in one sentence, their clauses joined by a connective ending: "…서비스는
# 무엇이며, 그 이유는 무엇인가요?", "…언제 배포되었고 이를 어떻게 설명하였나요?". Each clause
# that asks something is a part of its own, answered or said not found on its own.
CLAUSE_ENDINGS = frozenset({"며", "으며", "이며", "고"})
ASKS_IN_CLAUSE = re.compile(WH_WORD.pattern + r"|설명|서술")
# A where/when question answered with a count or an amount ("울산 사업의 선정 기업 명단은
# 어디에 있나요?" -> "5개 지역") has picked a statement about something else: a place or a
# time is never a bare number of things. A part that also asks how many (몇, 얼마) may.
ASKS_PLACE_OR_TIME = re.compile(r"어디|언제")
ASKS_QUANTITY = re.compile(r"몇|얼마")
BARE_COUNT = re.compile(r"^\s*\d[\d,.]*\s*(?:개(?!월)|곳|명|건|회|종|억|만|원|%)")


def answers_with_count_for_place_or_time(question: str, answer: str) -> bool:
    """Whether `answer` is a count or an amount while `question` asks where or when only."""
    asks = ASKS_PLACE_OR_TIME.search(question) and not ASKS_QUANTITY.search(question)
    return bool(asks and BARE_COUNT.match(answer))


# Adverbs that make "X와" a companion, not a second thing asked: "중소기업과 함께 참여하는
# 기관은 어디인가요?" asks one thing.
COMITATIVE_ADVERBS = frozenset({"함께", "같이", "더불어"})


def particle_after(word: str, like: str) -> str:
    """The topic or subject particle of `like`'s kind ("은"/"는", "이"/"가") that fits after
    `word`'s last syllable: "규모" -> "는", "연령대" -> "는", "시기" -> "는", "요건" -> "은".
    A word not ending in Hangul keeps `like` as it was."""
    last = word.rstrip()[-1:] if word.strip() else ""
    if not ("가" <= last <= "힣"):
        return like
    closed = (ord(last) - 0xAC00) % 28 != 0
    if like in ("은", "는"):
        return "은" if closed else "는"
    if like in ("이", "가"):
        return "이" if closed else "가"
    return like


# Which notice-card field a question asks for; the first topic that matches wins. Only phrases
# that ask for the card field itself: "사업 기간" (the project's), "나이 제한" or "몇 개 기업을
# 대상으로" ask something else, and the card would crowd out the passage that answers it.
CARD_TOPICS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("period", re.compile(
        r"마감|언제까지|(접수|신청|모집|공고|제출)\s*(기간|기한|일정|마감)|기한|D-?day|"
        r"언제\s*(부터\s*)?(신청|접수|지원)"
    )),
    ("documents", re.compile(r"(제출|신청|구비|필요한|증빙)\s*서류|서류는|서류가")),
    ("contact", re.compile(r"문의|연락처|전화번호|담당자")),
    ("exclusion", re.compile(
        r"(신청|지원|참여|선정)\s*(제외|제한|불가)|제외\s*대상|결격|신청할 수 없|참여할 수 없"
    )),
    ("target", re.compile(
        r"(신청|지원|참여)\s*(자격|대상)|자격\s*요건|신청할 수 있|참여할 수 있|신청\s*가능|"
        r"누가\s*신청"
    )),
    ("support", re.compile(r"지원\s*(한도|금액|규모)|지원금|자부담|기업\s*분담|최대\s*얼마")),
    ("method", re.compile(r"신청\s*방법|어떻게\s*신청|어디[서에]?\s*신청|접수\s*방법|신청처")),
)  # fmt: skip
# A period question that wants the application deadline itself.
DEADLINE_ASKED = re.compile(r"마감|언제까지|(접수|신청|모집)\s*(기간|기한)|기한")
# The deadline words of a period question, with the thing they follow ("세부계획서는 언제까지").
DEADLINE_CUE = re.compile(
    r"(?:(?:접수|신청|모집|공고|제출)\s*)?(?:마감|언제\s*까지|언제\s*부터|기한|기간|일정|D-?day)"
)

# Nouns that name the kind of answer wanted, not the thing asked about ("…의 이유는", "차이점은
# 무엇", "방안에 대해 설명"): the statements that explain a thing need not write these words.
ANSWER_KIND_NOUNS = frozenset({
    "이유", "원인", "차이", "차이점", "영향", "결과", "방안", "방향", "방법", "방식", "내용",
    "의미", "목적", "역할", "효과", "특징", "절차", "과정", "주요", "구체적", "전망", "계획",
})  # fmt: skip
