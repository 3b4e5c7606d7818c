"""Retrieve, prompt, and answer with citations — pure logic over injected clients."""

from .answer import (
    Answer,
    AnswerSettings,
    AnswerStream,
    Assistant,
    Source,
    cited_sources,
    is_refusal,
    retrieval_answer,
)
from .citations import claims_citing, supporting_sentences
from .feedback import FeedbackRow, FeedbackStore
from .followup import FollowUpRewriter
from .grounding import ground_numbers, grounded_numbers, year_note
from .profile_reader import ModelProfileReader, profile_schema
from .prompts import (
    JUDGE_VERSION,
    PROMPT_VERSION,
    REFUSAL,
    SELECT_VERSION,
    build_judge_messages,
    build_messages,
)
from .remote import Handler as ControlHandler
from .remote import ask_handler, filter_json
from .study import QuizItem, StudyGuide, grade

__all__ = [
    "JUDGE_VERSION",
    "PROMPT_VERSION",
    "REFUSAL",
    "SELECT_VERSION",
    "Answer",
    "AnswerSettings",
    "AnswerStream",
    "Assistant",
    "ControlHandler",
    "FeedbackRow",
    "FeedbackStore",
    "FollowUpRewriter",
    "ModelProfileReader",
    "QuizItem",
    "Source",
    "StudyGuide",
    "ask_handler",
    "build_judge_messages",
    "build_messages",
    "cited_sources",
    "claims_citing",
    "filter_json",
    "grade",
    "ground_numbers",
    "grounded_numbers",
    "is_refusal",
    "profile_schema",
    "retrieval_answer",
    "supporting_sentences",
    "year_note",
]
