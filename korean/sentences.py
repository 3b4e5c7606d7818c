"""Where Korean text breaks into sentences, and how answers cite passages ([n]).

Three splitters for three kinds of text, kept apart on purpose: passages (PDF line-wraps rejoined,
table rows and list items whole), answers (sentence ends and line breaks), and a scan that keeps
each sentence's end (for cutting instruction sentences out of passages).
"""

from __future__ import annotations

import re

# after . ! ? 。 but not after a list number "1."
_PASSAGE_SENTENCE_END = re.compile(r"(?<=[.!?。])(?<!\d\.)\s+")
LINE_START = re.compile(r"^\s*(\||[-*•○□■▪※◦·]|\d+[.)]|[가-하][.)]|#)")
# An answer's sentence ends (the model writes short lines and lists); not inside a Korean date
# ("2026. 2. 19.": a digit, a period, a space, a digit).
ANSWER_SENTENCE_END = re.compile(r"(?<=[.!?。])(?!(?<=\d\.)\s+\d)\s+|\n+")
# A sentence with its end kept (finditer), for rewriting text sentence by sentence.
SENTENCE_WITH_END = re.compile(r"[^.!?。\n]*(?:[.!?。]+|\n|$)")
# A citation marker in an answer: [1] .. [99].
CITATION = re.compile(r"\[(\d{1,2})\]")


def split_sentences(text: str) -> list[str]:
    """A passage's sentences, with PDF hard line-wraps rejoined; table rows and list items
    stay whole."""
    lines: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        joinable = lines and not LINE_START.match(line) and not lines[-1].startswith("|")
        if joinable and not re.search(r"[.!?。:]$", lines[-1]):
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    return [s for line in lines for s in _PASSAGE_SENTENCE_END.split(line) if s.strip()]


def answer_sentences(answer: str) -> list[str]:
    return ANSWER_SENTENCE_END.split(answer)
