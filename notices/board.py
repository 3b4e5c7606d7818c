"""The notice cards as the chat, the API and the CLIs use them: read fresh from the manifest
(an operator's ingest shows at once), judged against one clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from .book import cards_from_json, find_card
from .card import NoticeCard
from .deadline import Clock, seoul_now, status, status_label
from .eligibility import Result, check_all
from .profile import Profile, parse_profile
from .route import Routed, route


def notice_json(card: NoticeCard, now: datetime) -> dict[str, object]:
    """One card as `axa-notices --json` and the API give it (no server path in it)."""
    return {**card.to_dict(), "status": status(card, now), "status_label": status_label(card, now)}


ProfileReader = Callable[[str], Profile]


class NoticeBoard:
    def __init__(
        self,
        stored: Callable[[], list[str]],
        clock: Clock = seoul_now,
        reader: ProfileReader | None = None,
    ) -> None:
        """`stored`: the cards' JSON as the manifest keeps them (`Manifest.cards`); `reader`:
        how a company's words become a profile (the model-backed one where a model serves;
        the patterns otherwise)."""
        self._stored = stored
        self.clock = clock
        self.reader: ProfileReader = reader or parse_profile

    def at(self, now: datetime) -> NoticeBoard:
        """The same cards judged at another moment (`--today`, the API's `today`)."""
        return NoticeBoard(self._stored, lambda: now, self.reader)

    def listing(self, only_open: bool = False) -> list[dict[str, object]]:
        now = self.now()
        cards = self.cards()
        if only_open:
            cards = [c for c in cards if status(c, now) == "open"]
        return [notice_json(c, now) for c in cards]

    def eligibility(self, profile: str | Profile, file: str | None = None) -> dict[str, object]:
        """The `axa-eligibility --json` answer: the profile as read (to correct and send back
        as `company`), then each notice's verdict. A Profile is checked as it is, no model."""
        if isinstance(profile, Profile):
            parsed, results = profile, self.check_profile(profile, file)
        else:
            parsed, results = self.check(profile, file)
        return {"profile": parsed.to_dict(), "today": self.now().date().isoformat(),
                "results": [r.to_dict() for r in results]}  # fmt: skip

    def cards(self) -> list[NoticeCard]:
        return cards_from_json(self._stored())

    def now(self) -> datetime:
        return self.clock()

    def open_doc_ids(self) -> list[str]:
        now = self.now()
        return [c.doc_id for c in self.cards() if status(c, now) == "open"]

    def check(self, profile: str, file: str | None = None) -> tuple[Profile, list[Result]]:
        parsed = self.reader(profile)
        return parsed, self.check_profile(parsed, file)

    def check_profile(self, profile: Profile, file: str | None = None) -> list[Result]:
        """A profile as given (a corrected one): no reading, no model."""
        cards = self.cards()
        if file:
            cards = find_card(cards, file)
        return check_all(cards, profile, self.now())

    def route(self, question: str, found_doc_ids: list[str]) -> Routed | None:
        return route(question, self.cards(), found_doc_ids, self.now())
