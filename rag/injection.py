"""Document text is data: sentences in a passage that address the assistant with instructions
("이전 지시를 무시하고…", "ignore previous instructions") are cut before the prompt is built.

Measured: with only the system prompt's warning, the 1.5B model obeyed a planted "…라고만
답하라" line. A small model cannot be trusted to resist, so the text never reaches it. A
document that legitimately discusses prompt injection loses those sentences in answers; the
original stays in the index and in the citation viewer.
"""

from __future__ import annotations

import re

from korean import SENTENCE_WITH_END

OMITTED = "(문서 속 지시문 생략)"

_PATTERNS = [
    r"(이전|위의?|앞의?|기존|모든|지금까지의?)\s*(모든\s*)?(지시|명령|규칙|지침|설정|프롬프트)\S*\s*(을|를)?\s*(모두\s*)?(무시|잊)",
    r"(지시|명령|규칙|지침)\S*\s*(을|를)?\s*(모두\s*)?무시하",
    r"(라고|이라고)만\s*(답|대답|응답|출력)",
    r"시스템\s*프롬프트",
    r"(너는|당신은)\s*이제\s*부터?",
    r"\b(ignore|disregard|forget)\b.{0,30}\b(instructions?|prompts?|rules)\b",
    r"\bsystem prompt\b",
    r"\byou are now\b",
]
_INJECTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)


def strip_instructions(text: str) -> str:
    """The passage with every instruction-like sentence replaced by a short marker."""
    if not _INJECTION.search(text):
        return text
    out = []
    for m in SENTENCE_WITH_END.finditer(text):
        sentence = m.group(0)
        if _INJECTION.search(sentence):
            out.append(OMITTED + ("\n" if sentence.endswith("\n") else ""))
        else:
            out.append(sentence)
    return "".join(out).strip()
