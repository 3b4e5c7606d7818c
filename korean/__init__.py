"""Korean text rules every package shares: sentence splitting, citation markers, amounts,
dates, percentages and counts (normalised), and the 17 시·도 names. Pure functions over text."""

from .facts import (
    FACT_SPANS,
    Fact,
    extract_facts,
    fact_recall,
    format_amount,
    parse_amount,
    same_fact,
)
from .negation import denied, negated_at
from .regions import REGIONS, region_mentions, region_spans, regions_in
from .sentences import (
    ANSWER_SENTENCE_END,
    CITATION,
    LINE_START,
    SENTENCE_WITH_END,
    answer_sentences,
    split_sentences,
)
from .units import column_unit, unit_note, with_unit

__all__ = [
    "ANSWER_SENTENCE_END",
    "CITATION",
    "FACT_SPANS",
    "LINE_START",
    "REGIONS",
    "SENTENCE_WITH_END",
    "Fact",
    "answer_sentences",
    "column_unit",
    "denied",
    "extract_facts",
    "fact_recall",
    "format_amount",
    "negated_at",
    "parse_amount",
    "region_mentions",
    "region_spans",
    "regions_in",
    "same_fact",
    "split_sentences",
    "unit_note",
    "with_unit",
]
