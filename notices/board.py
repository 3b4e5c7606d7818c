"""The notice cards as the chat, the API and the CLIs use them: read fresh from the manifest
(an operator's ingest shows at once), judged against one clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from .book import cards_from_json, find_card
from .card import NoticeCard
from .deadline import Clock, seoul_now, status
from .eligibility import Result, check_all
from .profile import Profile, parse_profile
from .route import Routed, route


class NoticeBoard:
    def __init__(self, stored: Callable[[], list[str]], clock: Clock = seoul_now) -> None:
        """`stored`: the cards' JSON as the manifest keeps them (`Manifest.cards`)."""
        self._stored = stored
        self.clock = clock

    def cards(self) -> list[NoticeCard]:
        return cards_from_json(self._stored())

    def now(self) -> datetime:
        return self.clock()

    def open_doc_ids(self) -> list[str]:
        now = self.now()
        return [c.doc_id for c in self.cards() if status(c, now) == "open"]

    def check(self, profile: str, file: str | None = None) -> tuple[Profile, list[Result]]:
        cards = self.cards()
        if file:
            cards = find_card(cards, file)
        parsed = parse_profile(profile)
        return parsed, check_all(cards, parsed, self.now())

    def route(self, question: str, found_doc_ids: list[str]) -> Routed | None:
        return route(question, self.cards(), found_doc_ids, self.now())
