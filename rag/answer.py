"""retrieved chunks -> prompt -> streamed answer -> citations, or an honest refusal."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from korean import ANSWER_KIND_NOUNS
from notices import NoticeBoard, Routed, deadline_answer
from search import Hit, Retrieval, Retriever, SearchFilter, location_label
from serving import ChatModel

from .answerability import missing_regions
from .citations import add_missing_citations, cited_refs, fix_citations
from .context import budget_passages
from .followup import FollowUpRewriter
from .grounding import ground_numbers, year_note
from .injection import strip_instructions
from .prompts import (
    PROMPT_VERSION,
    REFUSAL,
    SELECT_VERSION,
    PromptPassage,
    build_messages,
    build_pick_messages,
    build_select_messages,
    pick_schema,
    selection_schema,
)
from .rules import Asked, Passage, find_rule, is_yes_no
from .selection import (
    EarlyView,
    PartChoice,
    Selection,
    Terms,
    compose,
    covers,
    parse_pick,
    parse_selection,
    part_about,
)
from .subquestions import clause_questions, coordinated_questions, sub_questions
from .units import Unit, UnitVectors, make_units, shortlist

log = logging.getLogger(__name__)

_REFUSAL_CORE = "문서에서 찾을 수 없습니다"


@dataclass(frozen=True)
class Source:
    ref: int
    file: str
    page: int
    score: float
    text: str
    title: str = ""
    unit: str = "page"
    section: str = ""
    doc_id: str = ""  # opens the original document (chat's source viewer)

    @property
    def location(self) -> str:
        return location_label(self.unit, self.page, self.section)

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, "page": self.page, "unit": self.unit,
                "location": self.location, "score": self.score, "text": self.text,
                "ref": self.ref, "doc_id": self.doc_id}  # fmt: skip


@dataclass
class Answer:
    question: str
    answer: str
    refused: bool
    sources: list[Source]
    prompt_version: str = PROMPT_VERSION
    timings: dict[str, float] = field(default_factory=dict)
    # On a refusal: the closest passages found anyway ("찾은 관련 문서"), never cited as support.
    related: list[Source] = field(default_factory=list)
    query: str = ""  # what was searched and asked, when a follow-up was made standalone
    checks: dict[str, object] = field(default_factory=dict)  # what the grounding guards did

    def to_dict(self) -> dict[str, object]:
        return {
            "answer": self.answer,
            "refused": self.refused,
            "sources": [s.to_dict() for s in self.sources],
            "related": [
                {"file": s.file, "page": s.page, "location": s.location} for s in self.related
            ],
            "query": self.query or self.question,
            "prompt_version": self.prompt_version,
            "timings": self.timings,
            "checks": self.checks,
        }


@dataclass(frozen=True)
class AnswerSettings:
    top_k: int = 3
    max_tokens: int = 384
    temperature: float = 0.0
    min_dense_score: float = 0.35
    min_term_coverage: float = 0.5
    context_chars: int = 0  # 0: whole chunks; else the passages' total character budget
    # On a refusal, the model reads each of the first `second_look` passages alone (a small
    # model misses a rule among several passages that it finds in one); 0: off.
    second_look: int = 2
    # Yes/no questions (rag/rules.py): an answer whose cited passages never name what is asked
    # is refused; on a refusal, the passage sentence that bears on the question is quoted.
    rule_look: bool = True
    # "A와 B는 각각 …": each part is searched alone and their hits taken in turn (subquestions.py)
    sub_questions: bool = True
    # "select": the model picks numbered units under a JSON schema and code quotes them
    # (selection.py); "generate": the model writes the answer, the guards check it.
    mode: str = "select"
    select_max_units: int = 10  # units shown to the model (the prompt's length: first token)
    select_max_chars: int = 900
    select_max_tokens: int = 160
    select_passages: int = 6  # passages whose units compete for the shortlist (recall)
    # No part answered: ask once more for the statements alone (explanations have no short
    # answer), quoted when together they cover the question as retrieval had to.
    select_second_pick: bool = True
    # "…무엇이며, 그 이유는 무엇인가요?": each clause that asks is a part, answered (or said not
    # found) on its own, instead of the first clause's answer standing for the whole.
    clause_parts: bool = True


def _source(n: int, h: Hit) -> Source:
    return Source(ref=n, file=h.file, page=h.page, score=round(h.score, 4), text=h.text,
                  title=h.title, unit=h.unit, section=h.section, doc_id=h.doc_id)  # fmt: skip


def cited_sources(answer: str, hits: list[Hit]) -> list[Source]:
    """The passages the answer cites as [n], in order of first citation.

    When an answer cites nothing, every passage it was given is returned, so a reader can
    still check it.
    """
    refs = cited_refs(answer, len(hits)) or list(range(1, len(hits) + 1))
    return [_source(n, hits[n - 1]) for n in refs]


_REFUSAL_KEY = re.sub(r"\s+", "", _REFUSAL_CORE)


def _may_be_refusal(text: str) -> bool:
    """The streamed text so far is, or could still become, the refusal sentence: it is held
    back, so a refusal that a second look turns into an answer never flashes on screen."""
    squeezed = re.sub(r"\s+", "", text)
    return _REFUSAL_KEY.startswith(squeezed) or squeezed.startswith(_REFUSAL_KEY)


def _renumber(answer: str, ref: int) -> str:
    """A one-passage answer cites [1]; in the full answer that passage is [ref]."""
    return re.sub(r"\[(\d+)\]", lambda m: f"[{ref}]" if m[1] == "1" else "", answer)


def is_refusal(answer: str) -> bool:
    """Spacing-insensitive: small models write "찾을수 없습니다" as often as the exact phrase."""
    return _REFUSAL_CORE.replace(" ", "") in re.sub(r"\s+", "", answer)


class AnswerStream:
    """Iterate for text deltas; `result` holds the finished `Answer` afterwards.

    `found` holds the passages the model is about to read as soon as retrieval ends (an empty
    delta marks the moment), so a reader sees the sources long before the first token."""

    def __init__(self, deltas: Iterator[str]) -> None:
        self._deltas = deltas
        self.result: Answer | None = None
        self.found: list[Source] = []

    def __iter__(self) -> Iterator[str]:
        return self._deltas


class Assistant:
    def __init__(
        self,
        retriever: Retriever,
        llm: ChatModel,
        settings: AnswerSettings | None = None,
        *,
        today: date | None = None,
        rewriter: FollowUpRewriter | None = None,
        notices: NoticeBoard | None = None,
    ) -> None:
        """`notices`: the notice cards; a question about a program's 마감·자격·서류·문의처·한도
        then reads that card field first, and an answer about a period says if it is open."""
        self.retriever = retriever
        self.llm = llm
        self.settings = settings or AnswerSettings()
        self._today = today
        self.rewriter = rewriter
        self.notices = notices
        self._unit_vectors = UnitVectors(retriever.embedder.embed_documents)

    def _route(self, question: str, hits: list[Hit]) -> Routed | None:
        if self.notices is None:
            return None
        try:
            return self.notices.route(question, [h.doc_id for h in hits])
        except Exception:  # the cards help; they must never cost the answer
            log.exception("notice routing failed")
            return None

    def retrieve(
        self, question: str, k: int | None = None, where: SearchFilter | None = None
    ) -> Retrieval:
        k = k or self.settings.top_k
        if parts := self._parts(question):
            return self.retriever.retrieve_parts(question, parts, k, where)
        return self.retriever.retrieve(question, k, where)

    def _parts(self, question: str) -> list[str]:
        if not self.settings.sub_questions:
            return []
        return sub_questions(question, self.retriever.sparse.conjuncts)

    def _clauses(self, question: str) -> list[str]:
        """Two questions in one ("…무엇이며, 그 이유는?", "A의 규모와 B의 비율은 얼마?"):
        each clause or coordinated phrase is a part of the selection, searched together."""
        if not self.settings.clause_parts:
            return []
        sparse = self.retriever.sparse
        return (clause_questions(question, sparse.clause_ends)
                or coordinated_questions(question, sparse.coordination))  # fmt: skip

    def ask(
        self, question: str, history: Sequence[str] = (), where: SearchFilter | None = None
    ) -> Answer:
        stream = self.stream(question, history, where)
        for _ in stream:
            pass
        assert stream.result is not None
        return stream.result

    def stream(
        self, question: str, history: Sequence[str] = (), where: SearchFilter | None = None
    ) -> AnswerStream:
        """`history`: the user's earlier questions in this conversation, oldest first;
        `where`: only documents matching these filters are searched."""
        out = AnswerStream(iter(()))
        out._deltas = self._run(question, list(history), out, where)
        return out

    def _run(
        self, asked: str, history: list[str], out: AnswerStream, where: SearchFilter | None
    ) -> Iterator[str]:
        s = self.settings
        t0 = time.perf_counter()
        question = asked
        if self.rewriter is not None and history:
            question = self.rewriter.standalone(asked, history)
        k = max(s.top_k, s.select_passages) if s.mode == "select" else s.top_k
        retrieval = self.retrieve(question, k, where=where)
        t_retrieved = time.perf_counter()
        timings = {"retrieve_s": round(t_retrieved - t0, 3)}
        hits = retrieval.hits
        relevant = retrieval.relevant(s.min_dense_score, s.min_term_coverage)
        routed = self._route(question, hits)
        if routed is not None:
            hits = [_card_hit(routed), *hits]
            relevant = True  # the question names the program; its card holds the field
        related = [_source(i, h) for i, h in enumerate(hits, 1)]
        if not relevant or missing_regions(question, [f"{h.title}\n{h.text}" for h in hits]):
            out.result = Answer(asked, REFUSAL, True, [], timings=timings, query=question,
                                related=related if relevant else [])  # fmt: skip
            yield REFUSAL
            return
        texts = budget_passages(
            question, [h.text for h in hits], s.context_chars, self.retriever.sparse.terms
        )
        pairs = zip(hits, texts, strict=True)
        passages = [
            PromptPassage(i, h.file, h.location, strip_instructions(t))
            for i, (h, t) in enumerate(pairs, 1)
        ]
        out.found = related
        yield ""  # sources are known: readers may show them now (the model takes seconds)
        if routed is not None and (exact := deadline_answer(routed, question)):
            # the notice's own period, read at ingest: no model can state it more exactly
            yield self._period(asked, question, exact, hits, routed, out, t0, timings)
            return
        if s.mode == "select":
            yield from self._select(asked, question, hits, routed, related, out, t0, timings)
            return
        yield from self._generate(asked, question, hits, routed, related, passages, out, t0,
                                  timings)  # fmt: skip

    def _generate(
        self, asked: str, question: str, hits: list[Hit], routed: Routed | None,
        related: list[Source], passages: list[PromptPassage], out: AnswerStream, t0: float,
        timings: dict[str, float],
    ) -> Iterator[str]:  # fmt: skip
        """`AXA_ANSWER_MODE=generate`: the model writes, streamed as it comes (a refusal held
        back whole); guards then check what it wrote."""
        s = self.settings
        today = (self._today or date.today()).isoformat()
        messages = build_messages(question, passages, today=today)
        parts: list[str] = []
        first: float | None = None
        held = True  # while the text may still be the refusal sentence
        deltas = self.llm.stream(messages, max_tokens=s.max_tokens, temperature=s.temperature)
        try:
            for delta in deltas:
                parts.append(delta)
                if held and _may_be_refusal("".join(parts)):
                    continue
                if first is None:
                    first = time.perf_counter()
                yield "".join(parts) if held else delta
                held = False
        finally:  # a reader who stops early (client gone) stops the model's generation too
            close = getattr(deltas, "close", None)
            if close is not None:
                close()
        text = "".join(parts).strip()
        text, refused, checks = self._checked(question, text, hits, routed, passages, today)
        if first is not None:
            timings["ttft_s"] = round(first - t0, 3)
        # a streamed answer is replaced by the checked one (result.answer); one held back
        # whole (a refusal) is yielded so that a plain client sees it
        yield from self._finish(asked, question, text, refused, hits, routed, related, out, t0,
                                timings, checks, streamed=first is not None,
                                version=PROMPT_VERSION)  # fmt: skip

    def _checked(
        self, question: str, text: str, hits: list[Hit], routed: Routed | None,
        passages: list[PromptPassage], today: str,
    ) -> tuple[str, bool, dict[str, object]]:  # fmt: skip
        """A written answer after its guards: citations fixed, sentences with numbers no
        passage holds dropped, the rule quoted or a second look when the model refused."""
        s = self.settings
        refused = not text or is_refusal(text)
        checks: dict[str, object] = {"card": routed.field} if routed is not None else {}
        if parts := self._parts(question):
            checks["parts"] = " | ".join(parts)
        about = self._asked(question) if s.rule_look and is_yes_no(question) else None
        if not refused:
            given = [h.text for h in hits]
            text = fix_citations(text, given, self.retriever.sparse.terms)
            text = add_missing_citations(text, given, self.retriever.sparse.terms)
            grounded = ground_numbers(text, given)
            if grounded.dropped:
                log.info("dropped %d sentence(s) with ungrounded numbers", len(grounded.dropped))
                checks["dropped"] = grounded.dropped
            refused = grounded.empty
            text = grounded.answer
            if not refused and about and (missing := _unnamed(text, hits, about)):
                # "대표자의 나이 제한이 있습니다 [3]" over a passage that never says 나이
                checks["unnamed"] = missing
                text, refused = REFUSAL, True
        if refused and routed is not None and routed.field != "support":
            # the model would not say it, but the notice does: quote the card field, cited
            # (not a 지원 규모 table: a question about one row of it is not answered by all)
            quote = routed.text if len(routed.text) <= 500 else routed.text[:500] + "…"
            text, refused = f"공고문에 따르면 다음과 같습니다. {quote} [1]", False
            checks["card_quoted"] = True
        elif refused and text and is_refusal(text):
            if about:
                terms = self.retriever.sparse.terms
                rule = find_rule(question, [Passage(h.text, f"{h.title}\n{h.file}") for h in hits],
                                 terms, about)  # fmt: skip
                if rule is not None:
                    text, refused = rule.text, False
                    checks["rule_look"] = rule.ref
            if refused and s.second_look > 0 and "unnamed" not in checks:  # the model refused
                second = self._second_look(question, passages, hits, today)
                if second is not None and not (about and _unnamed(second[0], hits, about)):
                    text, refused = second
                    checks["second_look"] = int(cited_refs(text, len(hits))[0])
        return text, refused, checks

    def _period(
        self, asked: str, question: str, exact: str, hits: list[Hit], routed: Routed,
        out: AnswerStream, t0: float, timings: dict[str, float],
    ) -> str:  # fmt: skip
        """The application period as the notice's card has it, with its year noted when the
        question asks about another year."""
        text = f"{exact}\n\n※ {routed.deadline}" if routed.deadline else exact
        timings["ttft_s"] = timings["total_s"] = round(time.perf_counter() - t0, 3)
        checks: dict[str, object] = {"card": "period", "card_answer": True}
        card = routed.card
        if note := year_note(question, [f"{card.program} {card.file}"]):
            checks["year_note"] = note  # "2026년도 … 언제부터?" over the 2025 notice
            text = f"{text}\n\n{note}"
        out.result = Answer(asked, text, False, cited_sources(text, hits), timings=timings,
                            query=question, checks=checks)  # fmt: skip
        return text

    def _select(
        self, asked: str, question: str, hits: list[Hit], routed: Routed | None,
        related: list[Source], out: AnswerStream, t0: float, timings: dict[str, float],
    ) -> Iterator[str]:  # fmt: skip
        """The model chooses units; code quotes them (selection.py). Streams the composed
        answer in one piece once the choice is made."""
        s = self.settings
        terms = self.retriever.sparse.terms
        parts = self._parts(question) or self._clauses(question) or [question]
        passages = hits[: max(s.top_k, s.select_passages) + (routed is not None)]
        units = shortlist(question, make_units([strip_instructions(h.text) for h in passages]),
                          terms, max_units=s.select_max_units, max_chars=s.select_max_chars,
                          similarity=self._similarity,
                          keep_ref=1 if routed is not None else None)  # fmt: skip
        messages = build_select_messages(question, parts, [(u.n, u.section, u.text) for u in units])
        deltas = self.llm.stream(messages, max_tokens=s.select_max_tokens * len(parts),
                                 temperature=0.0,
                                 json_schema=selection_schema(len(parts), len(units)))  # fmt: skip
        yes_no = is_yes_no(question)
        view = EarlyView(parts, units, terms, question, yes_no)
        pieces: list[str] = []
        shown = ""
        try:
            for delta in deltas:
                pieces.append(delta)
                if now := view.feed("".join(pieces)):
                    shown = now  # what is answered shows before the rest of the reply
                    timings["ttft_s"] = round(time.perf_counter() - t0, 3)
                    yield shown
                    continue
                yield ""  # nothing to show yet; a reader who leaves stops the model here
        finally:
            close = getattr(deltas, "close", None)
            if close is not None:
                close()
        reply = "".join(pieces)
        about = self._asked(question) if s.rule_look and yes_no else None
        selection = view.settle(parse_selection(reply, len(parts), units, terms, parts))
        selection, again = self._parts_again(messages, units, passages, question, parts,
                                             selection, yes_no)  # fmt: skip
        composed = compose(question, parts, selection, units, yes_no=yes_no)
        checks: dict[str, object] = {"mode": "select", "units_shown": len(units), **composed.checks}
        if again:
            checks["parts_second_pick"] = again
        if routed is not None:
            checks["card"] = routed.field
        if len(parts) > 1:
            checks["parts"] = " | ".join(parts)
        text, refused = composed.text, composed.refused
        if not refused and about and (missing := _unnamed(text, hits, about)):
            checks["unnamed"] = missing  # the rule chosen never names what is asked
            text, refused = REFUSAL, True
        if refused and routed is not None and routed.field != "support":
            quote = routed.text if len(routed.text) <= 500 else routed.text[:500] + "…"
            text, refused = f"공고문에 따르면 다음과 같습니다. {quote} [1]", False
            checks["card_quoted"] = True
        elif refused and about and "unnamed" not in checks:
            rule = find_rule(question, [Passage(h.text, f"{h.title}\n{h.file}") for h in hits],
                             terms, about)  # fmt: skip
            if rule is not None:
                text, refused = rule.text, False
                checks["rule_look"] = rule.ref
        elif refused and s.select_second_pick and not yes_no:
            picked = self._second_pick(messages, units, passages, question, terms)
            checks["second_pick"] = [u.n for u in picked]
            if picked:
                one = Selection((PartChoice("list", tuple(u.n for u in picked)),), True)
                text, refused = compose(question, [question], one, units).text, False
        yield from self._finish(asked, question, text, refused, hits, routed, related, out,
                                t0, timings, checks, shown)  # fmt: skip

    def _parts_again(
        self, messages: list[dict[str, str]], units: list[Unit], hits: list[Hit], question: str,
        parts: list[str], selection: Selection, yes_no: bool,
    ) -> tuple[Selection, dict[str, list[int]]]:  # fmt: skip
        """A question asking several things, some answered and some not: each unanswered part
        gets the second look on its own (its statements alone, checked against its words), so
        "…무엇이며, 그 효과는?" is not half "찾을 수 없습니다" when the statements were shown."""
        answered = selection.answered(yes_no)
        if (yes_no or not self.settings.select_second_pick or len(parts) < 2
                or all(answered) or not any(answered)):  # fmt: skip
            return selection, {}
        terms = self.retriever.sparse.terms
        chosen = list(selection.parts)
        looked: dict[str, list[int]] = {}
        for i, (part, ok) in enumerate(zip(parts, answered, strict=True)):
            if ok:
                continue
            picked = self._second_pick(messages, units, hits, question, terms, part=(i + 1, part))
            looked[str(i + 1)] = [u.n for u in picked]
            if picked:
                chosen[i] = PartChoice("list", tuple(u.n for u in picked))
        return Selection(tuple(chosen), selection.valid, selection.dropped), looked

    def _second_pick(
        self, messages: list[dict[str, str]], units: list[Unit], hits: list[Hit], question: str,
        terms: Terms, part: tuple[int, str] | None = None,
    ) -> list[Unit]:  # fmt: skip
        """Asked again for the statements alone; kept only when together they hold as much of
        the question as retrieval had to (AnswerSettings.min_term_coverage) and name what it
        asks about. `hits`: the passages the units came from (unit.ref - 1). `part`: (number,
        words) of the one part looked at again; the check is then on what that part is about."""
        reply = "".join(self.llm.stream(build_pick_messages(messages, part), max_tokens=24,
                                        temperature=0.0,
                                        json_schema=pick_schema(len(units))))  # fmt: skip
        by_n = {u.n: u for u in units}
        chosen = [by_n[n] for n in parse_pick(reply, units)]
        wanted = None if part is None else part_about(part[1], question, terms)
        if not covers(question, chosen, terms, self.settings.min_term_coverage, wanted):
            return []
        # what the question asks about is named there ("평균 연봉", "교통비 기준"), not only the
        # program it is about; the kind of answer ("이유", "차이점") need not be
        asked = self._asked(question if part is None else part[1])
        titles = "\n".join({f"{hits[u.ref - 1].title}\n{hits[u.ref - 1].file}" for u in chosen})
        text = "\n".join(f"{u.section}\n{u.text}" for u in chosen)
        missing = [n for n in asked.unnamed_in(text, titles) if n not in ANSWER_KIND_NOUNS]
        return [] if missing else chosen

    def _similarity(self, question: str, texts: list[str]) -> list[float]:
        """The embedder's cosine of the question to each unit (vectors are normalised); the
        units' vectors are kept for the next question (UnitVectors)."""
        q = self.retriever.embedder.embed_query(question)
        return [float(v @ q) for v in self._unit_vectors(texts)]

    def _finish(
        self, asked: str, question: str, text: str, refused: bool, hits: list[Hit],
        routed: Routed | None, related: list[Source], out: AnswerStream, t0: float,
        timings: dict[str, float], checks: dict[str, object], shown: str = "",
        streamed: bool = False, version: str = SELECT_VERSION,
    ) -> Iterator[str]:  # fmt: skip
        """The notes every answer ends with (deadline status, another year's document), the
        sources it cites, the timings; the text is yielded past what was `shown` already
        (readers replace what streamed with `result.answer` in any case), or not at all when
        the model's own text was `streamed`."""
        end = time.perf_counter()
        timings["total_s"] = round(end - t0, 3)
        timings.setdefault("ttft_s", timings["total_s"])
        sources = [] if refused else cited_sources(text, hits)
        if refused:
            text = REFUSAL
        elif routed is not None and routed.deadline:
            checks["deadline"] = routed.deadline
            text = f"{text}\n\n※ {routed.deadline}"
        if not refused and (note := year_note(question, [f"{s.title} {s.file}" for s in sources])):
            checks["year_note"] = note  # also under a deadline: that deadline is another year's
            text = f"{text}\n\n{note}"
        out.result = Answer(asked, text, refused, sources, prompt_version=version,
                            timings=timings, query=question,
                            related=related if refused else [], checks=checks)  # fmt: skip
        if not streamed:
            yield text[len(shown) :] if shown and text.startswith(shown) else text

    def _asked(self, question: str) -> Asked:
        sparse = self.retriever.sparse
        return Asked(sparse.asked_about(question), sparse.topics(question))

    def _second_look(
        self, question: str, passages: list[PromptPassage], hits: list[Hit], today: str
    ) -> tuple[str, bool] | None:
        """The model refused over all passages: it reads the first few one at a time. An
        answer counts only when it passes the same citation and number guards as any other
        (its numbers occur in the passage); else the refusal stands."""
        s = self.settings
        given = [h.text for h in hits]
        terms = self.retriever.sparse.terms
        for p in passages[: s.second_look]:
            alone = PromptPassage(1, p.file, p.location, p.text)
            reply = "".join(self.llm.stream(build_messages(question, [alone], today=today),
                                            max_tokens=s.max_tokens,
                                            temperature=s.temperature)).strip()  # fmt: skip
            if not reply or is_refusal(reply):
                continue
            text = _renumber(reply, p.n)
            if not cited_refs(text, len(hits)):
                text = f"{text} [{p.n}]"
            text = fix_citations(text, given, terms)
            grounded = ground_numbers(text, [given[p.n - 1]])  # its numbers: in that passage
            if not grounded.empty and cited_refs(grounded.answer, len(hits)):
                log.info("second look: passage %d answered what all passages did not", p.n)
                return grounded.answer, False
        return None


def _unnamed(answer: str, hits: list[Hit], asked: Asked) -> list[str]:
    """What a yes/no question asks about that the passages an answer cites never name."""
    refs = cited_refs(answer, len(hits)) or list(range(1, len(hits) + 1))
    cited = [hits[n - 1] for n in refs]
    return asked.unnamed_in("\n".join(h.text for h in cited),
                            "\n".join(f"{h.title}\n{h.file}" for h in cited))  # fmt: skip


def _card_hit(routed: Routed) -> Hit:
    card = routed.card
    return Hit(
        id=f"card:{card.doc_id}:{routed.field}", score=1.0, file=card.file, page=routed.page,
        title=card.program, text=routed.text, doc_id=card.doc_id, unit=card.unit,
    )  # fmt: skip


def retrieval_answer(retrieval: Retrieval) -> Answer:
    """The `--retrieve-only` result: the sources a full answer would be built from, no LLM."""
    return Answer(
        retrieval.question,
        "",
        False,
        [_source(i, h) for i, h in enumerate(retrieval.hits, 1)],
    )
