"""A company described in words -> a typed profile, read by the model under a JSON schema and
checked by code; the pattern reader (notices.parse_profile) is the cross-check and the fallback.

Only what the user wrote survives: every number must be in their words, every place must be
named there, every program must be written there. A place or fact the code reads as denied is
denied, whatever the model says ("대전에는 지사가 없습니다" is never a 대전 지사). Where the
model and the patterns read a field differently, the field is left unknown and listed as
disputed, so the eligibility check says 확인 필요 about it rather than 충족.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import fields, replace
from datetime import date
from typing import Any

from korean import REGIONS, negated_at, region_spans
from notices import CERTIFICATES, INDUSTRIES, ROLES, SIZES, PastSupport, Place, Profile
from notices import parse_profile as read_by_patterns
from serving import ChatModel, ServingError

from .prompts import build_profile_messages

log = logging.getLogger(__name__)

# digits only, or "" when the words give none: junk such as "Not Specified" costs tokens
_NUMBER = {"type": "string", "pattern": "^[0-9]{0,7}$"}
_YEAR = {"type": "string", "pattern": "^(|[0-9]{4}|작년|올해|재작년)$"}


def profile_schema() -> dict[str, object]:
    place = {
        "type": "object",
        "properties": {
            "region": {"type": "string", "enum": [*REGIONS, ""]},
            "role": {"type": "string", "enum": [*ROLES, ""]},
            "negated": {"type": "boolean"},
        },
        "required": ["region", "role", "negated"],
    }
    past = {
        "type": "object",
        "properties": {"name": {"type": "string", "maxLength": 30}, "year": _YEAR},
        "required": ["name", "year"],
    }
    props: dict[str, object] = {
        "places": {"type": "array", "items": place, "maxItems": 4},
        "industry": {"type": "string", "enum": [*INDUSTRIES, ""]},
        "employees": _NUMBER,
        "years_in_business": _NUMBER,
        "founded_year": _NUMBER,
        "ceo_age": _NUMBER,
        "revenue_eok": _NUMBER,
        "size": {"type": "string", "enum": [*SIZES, ""]},
        "export": {"type": "string", "enum": ["실적", "예정", "없음", ""]},
        "export_plan": {"type": "string", "enum": ["있음", "없음", ""]},
        "corporation": {"type": "string", "enum": ["법인", "개인사업자", ""]},
        "certificates": {
            "type": "array",
            "items": {"type": "string", "enum": list(CERTIFICATES)},
            "maxItems": 6,
        },
        "past_programs": {"type": "array", "items": past, "maxItems": 4},
        "no_past_support": {"type": "boolean"},
    }
    return {"type": "object", "properties": props, "required": list(props)}


def _in_words(value: str, text: str) -> float | None:
    """A number the model read, if the user's words hold it."""
    digits = re.sub(r"[^\d.]", "", value)
    if not digits or not re.search(rf"(?<![\d.]){re.escape(digits)}(?![\d])",
                                   text.replace(",", "")):  # fmt: skip
        return None
    try:
        return float(digits)
    except ValueError:
        return None


def _places(raw: object, text: str, dropped: list[str]) -> list[Place]:
    spans = region_spans(text)
    out: list[Place] = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict) or item.get("region") not in REGIONS:
            continue
        region, role = str(item["region"]), str(item.get("role") or "")
        mentions = [(s, e) for r, s, e in spans if r == region]
        if not mentions:
            dropped.append(f"place {region} (not in the words)")
            continue
        denied = any(negated_at(text, s, e, window=24) for s, e in mentions)
        place = Place(region, role if role in ROLES else "", denied or bool(item.get("negated")))
        if place not in out:
            out.append(place)
    return out


def _from_model(data: dict[str, Any], text: str, today: date) -> tuple[Profile, list[str]]:
    dropped: list[str] = []
    p = Profile(source="model")
    p.places = _places(data.get("places"), text, dropped)
    industry = data.get("industry")
    if industry in INDUSTRIES and any(w in text for w in INDUSTRIES[industry]):
        p.industry = industry
    for name, attr, cast in (("employees", "employees", int), ("ceo_age", "ceo_age", int),
                             ("years_in_business", "years", float),
                             ("founded_year", "founded_year", int),
                             ("revenue_eok", "revenue_eok", float)):  # fmt: skip
        value = str(data.get(name) or "")
        if value and (n := _in_words(value, text)) is not None:
            setattr(p, attr, cast(n))
        elif value:
            dropped.append(f"{name} {value!r} (not in the words)")
    if p.years is None and p.founded_year:
        p.years = float(today.year - p.founded_year)
    size = data.get("size")
    if size in SIZES and (size in text or (size == "중소기업" and re.search(r"중소\s*기업", text))):
        p.size = size
    p.export = data.get("export") or None if "수출" in text else None
    p.export_plan = {"있음": True, "없음": False}.get(str(data.get("export_plan")))
    if "수출" not in text:
        p.export_plan = None
    corp = data.get("corporation")
    if corp == "법인" and "법인" in text:
        p.corporation = True
    elif corp == "개인사업자" and re.search(r"개인\s*사업자", text):
        p.corporation = False
    for cert in data.get("certificates") or []:
        if cert in CERTIFICATES and any(w.lower() in text.lower() for w in CERTIFICATES[cert]):
            p.certificates.append(cert)
    squashed = re.sub(r"\s", "", text)
    for item in data.get("past_programs") or []:
        name = str(item.get("name") or "").strip() if isinstance(item, dict) else ""
        if len(name) < 2 or re.sub(r"\s", "", name) not in squashed:
            if name:
                dropped.append(f"program {name!r} (not in the words)")
            continue
        year_said = str(item.get("year") or "")
        year = _in_words(year_said, text) if re.search(r"\d", year_said) else None
        if year is None and re.search(r"작년|지난해|전년", text):
            year = today.year - 1
        p.past.append(PastSupport(name, int(year) if year else None))
        p.benefits.append(name)
    p.no_benefits = bool(data.get("no_past_support")) and not p.benefits
    return p, dropped


_SCALARS = ("industry", "employees", "years", "founded_year", "ceo_age", "size",
            "revenue_eok", "export", "export_plan", "corporation")  # fmt: skip
_LABELS = {"industry": "업종", "employees": "직원 수", "years": "업력", "founded_year": "설립연도",
           "ceo_age": "대표자 나이", "size": "기업 규모", "revenue_eok": "매출", "export": "수출",
           "export_plan": "수출 계획", "corporation": "법인 여부", "region": "소재지"}  # fmt: skip


def merge(model: Profile, patterns: Profile) -> Profile:
    """One profile from two readings: a field only one read is kept; a field both read
    differently is left unknown and listed in `disputed`; a place is denied if either reader
    denies it, and disputed if one states what the other denies."""
    out = replace(patterns, source="model+patterns", disputed=list(patterns.disputed))
    for name in _SCALARS:
        a, b = getattr(model, name), getattr(patterns, name)
        if a is None or a == b:
            continue
        if b is None:
            setattr(out, name, a)
        else:
            setattr(out, name, None)
            out.disputed.append(_LABELS[name])
    places = list(patterns.places)
    for pl in model.places:
        twin = next((q for q in places if (q.region, q.role) == (pl.region, pl.role)), None)
        if twin is None:
            places.append(pl)
        elif twin.negated != pl.negated:
            places = [q for q in places if q is not twin] + [Place(pl.region, pl.role, True)]
            if "region" not in out.disputed:
                out.disputed.append("region")
    out.places = places
    for name in ("certificates", "benefits"):
        merged = list(getattr(patterns, name))
        merged += [x for x in getattr(model, name) if x not in merged]
        setattr(out, name, merged)
    out.past = list(patterns.past) + [x for x in model.past
                                      if x.name not in {y.name for y in patterns.past}]  # fmt: skip
    out.no_benefits = patterns.no_benefits or (model.no_benefits and not out.benefits)
    out.disputed = [_LABELS.get(d, d) for d in out.disputed]
    return out


class ModelProfileReader:
    """Reads a profile with the model, checks it, and merges it with the patterns' reading;
    the patterns alone when the model is unavailable or answers nonsense."""

    def __init__(self, llm: ChatModel, *, today: date | None = None, max_tokens: int = 320):
        self.llm = llm
        self.today = today
        self.max_tokens = max_tokens

    def __call__(self, text: str) -> Profile:
        today = self.today or date.today()
        patterns = read_by_patterns(text, today)
        try:
            deltas = self.llm.stream(build_profile_messages(text), max_tokens=self.max_tokens,
                                     temperature=0.0, json_schema=profile_schema())  # fmt: skip
            reply = "".join(deltas)
            data = json.loads(reply)
        except (ServingError, ValueError) as exc:
            log.warning("profile reader: model unavailable or unreadable (%s); patterns only",
                        type(exc).__name__)  # fmt: skip
            return patterns
        if not isinstance(data, dict):
            return patterns
        model, dropped = _from_model(data, text, today)
        if dropped:
            log.info("profile reader dropped: %s", "; ".join(dropped))
        return merge(model, patterns)


def profile_fields() -> list[str]:
    """The Profile fields a user may edit (the tab's form, the API's `company`)."""
    return [f.name for f in fields(Profile) if f.name not in ("source", "disputed")]
