"""The cards of every indexed notice, as stored with the manifest, with 정정·변경 공고 applied."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable

from .card import NoticeCard
from .deadline import supersede

log = logging.getLogger(__name__)


def cards_from_json(stored: Iterable[str]) -> list[NoticeCard]:
    cards = []
    for text in stored:
        try:
            cards.append(NoticeCard.from_storage(json.loads(text)))
        except (ValueError, KeyError, TypeError, AssertionError) as exc:
            log.warning("skipping an unreadable notice card: %s", exc)
    return supersede(cards)


def find_card(cards: list[NoticeCard], name: str) -> list[NoticeCard]:
    """Cards whose file or program name holds `name` (spaces ignored)."""
    key = "".join(name.split())
    if not key:
        return cards
    return [c for c in cards if key in "".join(c.file.split()) or key in "".join(c.program.split())]
