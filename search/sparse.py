"""Sparse BM25 vectors over Kiwi morphemes.

Korean particles glue to nouns ("지원사업은", "지원사업의"), so whitespace tokens never match;
morphemes do. Documents carry the BM25 term-frequency part; Qdrant applies IDF itself
(sparse vector with the IDF modifier), so the index stays correct as documents come and go.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from kiwipiepy import Kiwi

from korean import CLAUSE_ENDINGS, COMITATIVE_ADVERBS, WH_WORD

# Content-bearing morpheme tags: nouns, numbers, foreign words, roots, verb/adjective stems.
CONTENT_TAGS = frozenset(
    {"NNG", "NNP", "NNB", "NR", "NP", "SL", "SN", "SH", "XR", "VV", "VA", "MAG", "W_URL", "W_EMAIL"}
)
_NOUN_TAGS = frozenset({"NNG", "NNP", "SL", "SH"})
_PREDICATE = ("VV", "VA", "VX", "XSV", "XSA")
# What ends a noun phrase: nouns, numbers, suffixes ("…별", "-적").
_HEAD_TAGS = frozenset({"NNG", "NNP", "NNB", "NR", "NP", "SN", "SL", "SH", "XSN"})
_ASKED_PARTICLES = frozenset({"JKS", "JKO", "JKC"})
# Morphemes so common in our documents that they carry no signal as query terms.
_STOP = frozenset({"하", "있", "되", "것", "수", "등", "및", "이", "그", "때", "년", "월", "일"})


@dataclass(frozen=True)
class Coordination:
    """Two things asked with one predicate, "[A]와 [B]는 무엇인가요?": character offsets of
    the "와/과" between them (`joint`), of the topic or subject particle before the question
    word (`marker`, with its `particle`), and whether A is a clause ("…할 수 있는지와")."""

    joint: tuple[int, int]
    marker: tuple[int, int]
    particle: str
    left_is_clause: bool


_PAIRED_MARKS = (
    ("(", ")"), ("[", "]"), ("‘", "’"), ("“", "”"), ("「", "」"), ("『", "』"), ("《", "》"),
    ("〈", "〉"), ("<", ">"),
)  # fmt: skip


def _inside_quotes(before: str) -> bool:
    """Whether a quote or bracket opened in `before` is still open."""
    if any(before.count(a) > before.count(b) for a, b in _PAIRED_MARKS):
        return True
    return before.count("'") % 2 == 1 or before.count('"') % 2 == 1


@dataclass(frozen=True)
class SparseVec:
    indices: list[int]
    values: list[float]


def term_id(term: str) -> int:
    """A stable 31-bit id per term; no vocabulary file to keep in sync across processes."""
    return zlib.crc32(term.encode("utf-8")) & 0x7FFFFFFF


class KiwiBM25:
    def __init__(self, kiwi: Kiwi, *, k1: float = 1.2, b: float = 0.75, avg_len: float = 120.0):
        self._kiwi = kiwi
        self.k1, self.b, self.avg_len = k1, b, avg_len

    def terms(self, text: str) -> list[str]:
        out = []
        for tok in self._kiwi.tokenize(text):
            if tok.tag in CONTENT_TAGS:
                form = tok.form.lower()
                if form not in _STOP:
                    out.append(form)
        return out

    def asked_about(self, question: str) -> list[list[str]]:
        """The noun phrases a question marks as what it asks about: subject, object and the
        "X도" of "X도 되나요?" ("통역을 제공하나요?" -> [["통역"]]). A topic ("사업은") is not."""
        return self._phrases(question, lambda tag, form: tag in _ASKED_PARTICLES or
                             (tag == "JX" and form == "도"))  # fmt: skip

    def topics(self, question: str) -> list[list[str]]:
        """The noun phrases marked as topic ("소개자료는", "지원사업은"): often the program
        itself, named in a document's title rather than in its sentences."""
        return self._phrases(question, lambda tag, form: tag == "JX" and form in ("은", "는"))

    def _phrases(self, text: str, marks: Callable[[str, str], bool]) -> list[list[str]]:
        phrases: list[list[str]] = []
        run: list[str] = []
        for tok in self._kiwi.tokenize(text):
            if tok.tag in _NOUN_TAGS:
                run.append(tok.form)
                continue
            if run and marks(tok.tag, tok.form):
                phrases.append(run)
            if tok.tag not in ("XSN", "JC") or not run:  # "항공권과 숙박비를": one phrase
                run = []
        return phrases

    def clause_ends(self, text: str) -> list[int]:
        """Where one clause ends and the next begins, after a connective ending ("무엇이며",
        "배포되었고"), before a conjunctive adverb ("무엇인지, 그리고") or after a sentence:
        character offsets. Not before a verb or an auxiliary ("분석하고 집계하는", "제시하고
        있으며"): those join predicates of one clause."""
        toks = self._kiwi.tokenize(text)
        ends: list[int] = []
        for i, tok in enumerate(toks[:-1]):
            nxt, after = toks[i + 1], toks[i + 2] if i + 2 < len(toks) else None
            word = next((t for t in toks[i + 1 :] if t.tag != "SP"), nxt)  # past a comma
            if tok.tag == "SF" or (tok.tag == "EC" and word.tag == "MAJ"):
                ends.append(tok.start + tok.len)  # "…인가요? 그리고", "…무엇인지, 그리고"
                continue
            if tok.tag != "EC" or tok.form not in CLAUSE_ENDINGS:
                continue
            verb = nxt.tag.startswith(_PREDICATE) or (
                nxt.tag == "NNG" and after is not None and after.tag.startswith(("XSV", "XSA"))
            )  # "집계하는": a noun made a verb
            if not verb:
                ends.append(tok.start + tok.len)
        return ends

    def coordination(self, text: str) -> Coordination | None:
        """Where a question asks two noun phrases with one predicate: "시장의 규모와 중국이
        차지하는 비율은 얼마인가요?", "가장 높은 연령대와 가장 많이 구매하는 상품 유형은
        무엇인가요?", "신청할 수 있는지와, 그 경우 … 요건은 무엇인가요?". None when "X와" is
        inside the second phrase rather than beside it: a companion ("정부와 협력하는 기관",
        "중소기업과 함께 참여하는"), a bare noun beside another in a case the second phrase's
        verb takes ("A와 B가 관여하는 부분", "서울과 부산에서 열리는 행사"; a modified one,
        "센터의 운영 기간과 기업이 내는 임대료", is a thing of its own), or "A와 B의 차이"
        (one thing about both)."""
        toks = [t for t in self._kiwi.tokenize(text) if t.tag != "SP"]
        marker = None
        for i, tok in enumerate(toks):  # the particle just before the question word
            topic = tok.tag == "JX" and tok.form in ("은", "는")
            after = text[tok.start + tok.len :].lstrip()
            if (topic or tok.tag == "JKS") and WH_WORD.match(after):
                marker = i
        if marker is None:
            return None
        ands = [i for i in range(1, marker) if toks[i].form in ("와", "과")
                and toks[i].tag in ("JC", "JKB")]  # fmt: skip
        joint = ands[-1] if ands else None
        if joint is None:
            return None
        right = toks[joint + 1 : marker]
        if not right or right[-1].tag not in _HEAD_TAGS or any(t.tag == "JKG" for t in right):
            return None
        first = right[0]
        if (
            first.tag.startswith(_PREDICATE)
            or any(t.form in COMITATIVE_ADVERBS for t in right)
            or (len(right) > 1 and right[1].tag.startswith(("XSV", "XSA")))
        ):  # "협력하는 기관", "함께 참여하는": "X와" belongs to the verb
            return None
        before = toks[joint - 1]
        clause = before.tag == "EC" and before.form.endswith("지")  # "신청할 수 있는지와"
        if not clause:
            if before.tag not in _HEAD_TAGS:
                return None
            run = joint - 1
            while run > 0 and toks[run - 1].tag in _HEAD_TAGS:
                run -= 1
            modified = run > 0 and toks[run - 1].tag in ("JKG", "ETM")  # "시장의 규모"
            if not modified and any(t.tag.startswith("JK") for t in right):
                return None  # "A와 B가 관여하는 부분", "서울과 부산에서 열리는 행사": both
        j, m = toks[joint], toks[marker]
        if _inside_quotes(text[: j.start]):
            return None  # "'연구와 개발' 지원 규모": a name
        return Coordination((j.start, j.start + j.len), (m.start, m.start + m.len), m.form,
                            clause)  # fmt: skip

    def conjuncts(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the first noun phrases joined by 와/과/하고/(이)랑/및: "IP스타기업과
        글로벌화 지원사업의 마감일" -> the spans of "IP스타기업" and "글로벌화 지원사업"; []
        when no two are joined."""
        spans: list[tuple[int, int]] = []
        start = end = -1
        joined = False  # the run in progress follows a conjunction
        for tok in self._kiwi.tokenize(text):
            if (
                tok.tag in _NOUN_TAGS
                or tok.tag == "SN"
                or (tok.tag in ("XSN", "NNB") and start >= 0)
            ):
                if start < 0:
                    start = tok.start
                end = tok.start + tok.len
                continue
            is_and = tok.tag == "JC" or (tok.form == "및" and tok.tag.startswith("MA"))
            if start >= 0 and is_and:
                spans.append((start, end))
                start = end = -1
                joined = True
                continue
            if start >= 0 and joined:
                spans.append((start, end))
                return spans
            if not is_and:
                spans, joined = [], False
            start = end = -1
        if start >= 0 and joined:
            spans.append((start, end))
            return spans
        return []

    def encode_document(self, text: str) -> SparseVec:
        return self.encode_terms(self.terms(text))

    def encode_terms(self, terms: list[str]) -> SparseVec:
        """A document vector from already-analysed terms (benchmarks build many from few)."""
        tf = Counter(terms)
        norm = self.k1 * (1 - self.b + self.b * len(terms) / self.avg_len)
        return self._vec({t: c * (self.k1 + 1) / (c + norm) for t, c in tf.items()})

    def encode_query(self, text: str) -> SparseVec:
        return self._vec(dict.fromkeys(self.terms(text), 1.0))

    @staticmethod
    def _vec(weights: dict[str, float]) -> SparseVec:
        merged: dict[int, float] = {}
        for term, w in weights.items():
            idx = term_id(term)
            merged[idx] = merged.get(idx, 0.0) + w
        items = sorted(merged.items())
        return SparseVec([i for i, _ in items], [v for _, v in items])
