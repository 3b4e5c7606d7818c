"""Korean text rules every package shares: sentence splitting, citation markers, amounts,
dates, percentages and counts (normalised), and the 17 시·도 names. Pure functions over text."""

from .facts import FACT_SPANS, Fact, extract_facts, fact_recall, parse_amount, same_fact
from .regions import REGIONS, region_mentions, regions_in
from .sentences import (
    ANSWER_SENTENCE_END,
    CITATION,
    LINE_START,
    SENTENCE_WITH_END,
    answer_sentences,
    split_sentences,
)

__all__ = [
    "ANSWER_SENTENCE_END",
    "CITATION",
    "FACT_SPANS",
    "LINE_START",
    "REGIONS",
    "SENTENCE_WITH_END",
    "Fact",
    "answer_sentences",
    "extract_facts",
    "fact_recall",
    "parse_amount",
    "region_mentions",
    "regions_in",
    "same_fact",
    "split_sentences",
]
