"""Program notices read into cards at ingest (program, organiser, 접수기간, 지원대상 as atomic
conditions, 제외, 한도, 서류, 방법, 절차, 문의처 — each with its page and quoted text), their
status against a clock, and a company profile checked against their conditions."""

from .board import NoticeBoard, notice_json
from .book import cards_from_json, find_card
from .card import FIELD_LABELS, CardField, Condition, NoticeCard
from .dates import SEOUL
from .deadline import (
    STATUS_LABELS,
    Clock,
    deadline_sentence,
    end_text,
    seoul_now,
    status,
    status_label,
    supersede,
)
from .eligibility import STATUS_LABELS as CHECK_LABELS
from .eligibility import VERDICT_LABELS, Check, Result, check_all, check_notice
from .profile import (
    CERTIFICATES,
    INDUSTRIES,
    MAX_PROFILE_CHARS,
    ROLES,
    SIZES,
    PastSupport,
    Place,
    Profile,
    parse_profile,
    places_from_words,
    profile_from_fields,
)
from .reader import read_card
from .route import Routed, deadline_answer, route, topic_of

# Bumped when the card reader changes: stored cards are read again (no re-embedding).
CARD_REVISION = "1"

__all__ = [
    "CARD_REVISION",
    "CERTIFICATES",
    "CHECK_LABELS",
    "FIELD_LABELS",
    "INDUSTRIES",
    "MAX_PROFILE_CHARS",
    "ROLES",
    "SEOUL",
    "SIZES",
    "STATUS_LABELS",
    "VERDICT_LABELS",
    "CardField",
    "Check",
    "Clock",
    "Condition",
    "NoticeBoard",
    "NoticeCard",
    "PastSupport",
    "Place",
    "Profile",
    "Result",
    "Routed",
    "cards_from_json",
    "check_all",
    "check_notice",
    "deadline_answer",
    "deadline_sentence",
    "end_text",
    "find_card",
    "notice_json",
    "parse_profile",
    "places_from_words",
    "profile_from_fields",
    "read_card",
    "route",
    "seoul_now",
    "status",
    "status_label",
    "supersede",
    "topic_of",
]
