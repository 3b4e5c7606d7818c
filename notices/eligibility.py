"""A company profile against a notice's conditions: each condition 충족 / 미충족 / 확인 필요 with
the quoted rule, its page and why. A wrong "가능" costs an SME an application; a "확인 필요"
costs it a phone call.

The verdict rules, stated once (`verdict`):
- 신청 불가: a required condition is unmet, or an exclusion applies.
- 신청 가능: every required condition is met and no exclusion is unknown (and the notice's
  지원대상 was read at all).
- 확인 필요: anything else, with exactly what the user must confirm (`Result.to_confirm`).
A fact the user denied ("대전에는 지사가 없습니다") or that two readers read differently is never
a met condition: the first can make one unmet, the second leaves it 확인 필요."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from korean import regions_in

from .card import Condition, NoticeCard
from .deadline import status
from .profile import INDUSTRIES, ROLES, Profile

CAPITAL_AREA = {"서울", "경기", "인천"}
ALL_REGIONS = {
    "서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "경기", "강원", "충북", "충남",
    "전북", "전남", "경북", "경남", "제주",
}  # fmt: skip
VERDICT_LABELS = {"eligible": "신청 가능", "ineligible": "신청 불가", "unknown": "확인 필요"}
STATUS_LABELS = {"met": "충족", "unmet": "미충족", "unknown": "확인 필요"}


@dataclass(frozen=True)
class Check:
    condition: Condition
    status: str  # met | unmet | unknown
    why: str

    def to_dict(self) -> dict[str, object]:
        c = self.condition
        return {"text": c.text, "page": c.page, "status": self.status, "why": self.why,
                "exclude": c.exclude, "kinds": list(c.kinds)}  # fmt: skip


@dataclass(frozen=True)
class Result:
    card: NoticeCard
    verdict: str  # eligible | ineligible | unknown
    checks: list[Check]
    notice_status: str

    @property
    def to_confirm(self) -> list[str]:
        """What the user must confirm for a 확인 필요: each condition left unknown, as quoted."""
        if self.verdict != "unknown":
            return []
        out = [c.condition.text for c in self.checks if c.status == "unknown"]
        if not any(not c.exclude for c in self.card.conditions):
            out.insert(0, "공고문에서 지원대상 조건을 읽지 못했습니다: 원문을 확인하세요")
        return out

    def to_dict(self) -> dict[str, object]:
        return {"file": self.card.file, "program": self.card.program, "verdict": self.verdict,
                "notice_status": self.notice_status, "to_confirm": self.to_confirm,
                "conditions": [c.to_dict() for c in self.checks]}  # fmt: skip


# --- one fact of a condition: (holds?, why); None when the profile does not say ---------------

Fact = tuple[bool, str] | None


def _bound(text: str, unit: str) -> tuple[float | None, float | None]:
    """(minimum, maximum) a condition puts on a number: "20인 이상", "만 39세 이하", "7년 이내"."""
    lo = hi = None
    for m in re.finditer(
        rf"(\d+(?:\.\d+)?)\s*(?:{unit})\s*(이상|초과|이하|미만|이내|以下|以內)", text
    ):
        n, rel = float(m.group(1)), m.group(2)
        if rel == "이상":
            lo = n
        elif rel == "초과":
            lo = n + 1e-9
        elif rel == "미만":
            hi = n - 1e-9
        else:
            hi = n
    return lo, hi


def _in_bounds(
    value: float | None, lo: float | None, hi: float | None, what: str, unit: str
) -> Fact:
    if (lo is None and hi is None) or value is None:
        return None
    ok = (lo is None or value >= lo) and (hi is None or value <= hi)
    return ok, f"{what} {value:g}{unit}"


_CAPITAL_OUT = re.compile(
    r"비수도권|수도권\s*(?:을\s*)?제외|(?:서울|경기|인천)[^가-힣]{0,3}(?:경기|인천)?[^가-힣]{0,3}제외"
)


def _region(text: str, p: Profile) -> Fact:
    """Where the company is against where the notice wants it. A place the user denied
    ("대전에는 지사나 연구소가 없습니다") can only fail a condition, never meet one; a 본사
    elsewhere with nothing said about a 지사 the notice would also accept leaves it unknown."""
    named = regions_in(text)
    if _CAPITAL_OUT.search(text):
        allowed = ALL_REGIONS - CAPITAL_AREA
    elif named:
        allowed = named
    else:
        return None
    if "region" in p.disputed or not p.places:
        return None
    asked = {r for r, words in ROLES.items() if any(w in text for w in words)}
    stated = [pl for pl in p.places if not pl.negated]
    where = ", ".join(pl.label() for pl in p.places)
    inside = [pl for pl in stated if pl.region in allowed]
    if fits := [pl for pl in inside if not asked or pl.role in asked or pl.role == ""]:
        return True, f"소재지 {fits[0].label()}"
    # "대구 소재", or its 본사 where any place of the company will do: it is elsewhere
    located = [pl for pl in stated if pl.role == "" or (pl.role == "본사" and not asked)]
    if located and not inside:
        return False, f"소재지 {where}"

    def ruled_out(region: str, role: str) -> bool:
        denied = any(pl.negated and pl.region == region and pl.role in (role, "")
                     for pl in p.places)  # fmt: skip
        one_head_office = role == "본사" and any(pl.role == "본사" for pl in stated)
        return denied or one_head_office

    if all(ruled_out(r, a) for r in allowed for a in asked or {""}):
        return False, f"소재지 {where}"
    return None


def _size(text: str, p: Profile) -> Fact:
    allowed: set[str] = set()
    if re.search(r"소상공인", text):
        allowed |= {"소상공인"}
    if re.search(r"중소|中企", text):
        allowed |= {"소상공인", "중소기업"}
    if re.search(r"중견", text):
        allowed |= {"중견기업"}
    if re.search(r"대기업", text):
        allowed |= {"대기업"}
    facts: list[tuple[bool, str]] = []
    if allowed >= {"소상공인", "중소기업", "중견기업", "대기업"}:
        facts.append((True, "기업 규모 무관"))
    elif allowed == {"소상공인"}:
        small = p.is_small()
        if small is None:
            return None
        staff = f"직원 {p.employees}명 {p.industry}" if p.staff_known() else p.size or ""
        facts.append((small, f"{staff} ({'소상공인' if small else '소상공인 아님'})"))
    elif allowed:
        size = p.derived_size()
        if size is None or (allowed == {"소상공인"} and size == "중소기업" and not p.staff_known()):
            return None  # a 중소기업 may be a 소상공인: staff and industry would tell
        facts.append((size in allowed, f"기업 규모 {size}"))
    if re.search(r"법인에\s*한|법인\s*\(", text):
        if p.corporation is None:
            return None
        facts.append((p.corporation, "법인" if p.corporation else "개인사업자"))
    if not facts:
        return None
    return all(f[0] for f in facts), ", ".join(f[1] for f in facts)


def _industry(text: str, p: Profile, exclude: bool) -> Fact:
    named = {name for name, words in INDUSTRIES.items() if any(w in text for w in words[:1])}
    if not named:
        return None
    if p.industry is None:
        return None
    if not exclude and re.search(r"(" + "|".join(named) + r")\s*등", text):
        # "제조업 등 전통기업": an example, not a limit — it settles only the named industry
        return (True, f"업종 {p.industry}") if p.industry in named else None
    return p.industry in named, f"업종 {p.industry}"


def _export(text: str, p: Profile) -> Fact:
    """ "수출 실적이 있거나 수출 예정인": met by results or a plan; unmet only when the user
    denies both (no results said and no plan, or a notice that takes no plan)."""
    if p.export is None or "export" in p.disputed:
        return None
    takes_plan = bool(re.search(r"예정|계획", text))
    if p.export == "실적" or (takes_plan and p.export == "예정"):
        label = "수출 실적 있음" if p.export == "실적" else "수출 예정"
        return True, label
    if p.export == "예정":
        return False, "수출 예정 (실적 없음)"
    if takes_plan and p.export_plan is not False:
        return None  # no results, but a plan is not ruled out
    return False, "수출 실적 없음" + (", 수출 계획 없음" if p.export_plan is False else "")


_QUALIFIED = re.compile(r"탈퇴|퇴출|\d+\s*회|중도\s*포기|미흡|부정|제재|동일|유사|중복")
# An inclusion that asks more than the facts a profile holds: "… 지원기기를 신규 구매한 자"
_MORE_ASKED = re.compile(
    r"(구매|보유|설치|수행|희망|계획|운영|개발|도입|이수|취득|등록|가입|진출)"
    r"(한|하는|하고|중인|예정인|하려는)?\s*(자|기업|기관|업체)|가능\s*(기업|기관)|우선지원대상"
)


# An item whose subject is no company ("지역소재 보건소", "국내 의료법상 의료기관"): a
# company's facts never settle it
_NOT_A_COMPANY = re.compile(r"(보건소|의료기관|동물병원|병원|대학|협회|단체|기관|센터)\s*$")


def _subject_is_no_company(text: str) -> bool:
    main = re.split(r"[※*]", text)[0]
    main = re.sub(r"\([^)]*\)", "", main).strip(" ,.")
    return bool(_NOT_A_COMPANY.search(main))


def _benefit(text: str, p: Profile) -> Fact:
    """Inside an exclusion ("과거 AI바우처 지원사업에 선정된 이력이 있는 수요기업"): True
    when the profile names that program. A rule with a qualifier ("졸업 후 2년 이내 …
    탈퇴한 기업", "동일·유사 과제") asks more than the profile says: not judged."""
    if _QUALIFIED.search(text):
        return None
    squashed = re.sub(r"\s", "", text)
    for name in p.benefits:
        if re.sub(r"\s", "", name) in squashed:
            return True, f"이전 수혜 '{name}'"
    if p.no_benefits:
        return False, "이전 수혜 이력 없음"
    return None


# In 제외 lists only a named industry or a named earlier program is read: a number or a place
# there is mostly an exception's or an obligation's ("만 39세 이하인 경우 … 검증대상에서
# 제외", "대전 소재 … 이전 시 환수"), and reading it as a rule would shut a company out.
_EXCLUSION_KINDS = ("industry", "benefit")


def _facts(c: Condition, p: Profile) -> list[Fact]:
    """Inclusion: does the company meet each tagged fact. Exclusion: does it fall under it."""
    t = re.sub(r"[「｢『][^」｣』]*[」｣』]", " ", c.text)  # law titles: "「중소기업 창업 지원법」"
    out: list[Fact] = []
    for kind in c.kinds:
        if c.exclude and kind not in _EXCLUSION_KINDS:
            out.append(None)
        elif kind == "region":
            out.append(_region(t, p))
        elif kind == "size":
            out.append(_size(t, p))
        elif kind == "employees":
            out.append(_in_bounds(p.employees, *_bound(t, "인|명"), "직원", "명"))
        elif kind == "years":
            out.append(_in_bounds(p.years, *_bound(t, "년"), "업력", "년"))
        elif kind == "ceo_age":
            out.append(_in_bounds(p.ceo_age, *_bound(t, "세"), "대표자", "세"))
        elif kind == "industry":
            out.append(_industry(t, p, c.exclude))
        elif kind == "export" and not c.exclude:
            out.append(_export(t, p))
        elif kind == "benefit" and c.exclude:
            out.append(_benefit(t, p))
        else:
            out.append(None)
    return out


def check_condition(c: Condition, p: Profile) -> Check:
    facts = _facts(c, p)
    known = [f for f in facts if f is not None]
    if c.exclude:
        if hits := [f for f in known if f[0]]:
            return Check(c, "unmet", f"{hits[0][1]}: 이 제외 조건에 해당합니다")
        if known and len(known) == len(facts):
            return Check(
                c, "met", "; ".join(f[1] for f in known) + ": 이 제외 조건에 해당하지 않습니다"
            )
        if p.clear:
            return Check(c, "met", "입력한 회사 정보에 '결격사유 없음'이 있습니다 (본인 확인 필요)")
        return Check(
            c, "unknown", "회사 정보로는 이 제한에 해당하는지 알 수 없습니다: 직접 확인하세요"
        )
    if misses := [f for f in known if not f[0]]:
        return Check(c, "unmet", f"{misses[0][1]}: 조건에 맞지 않습니다")
    if known and (_MORE_ASKED.search(c.text) or _subject_is_no_company(c.text)):
        said = "; ".join(f[1] for f in known)
        return Check(c, "unknown", f"{said}은(는) 맞지만, 조건의 나머지 부분은 직접 확인하세요")
    if known and len(known) == len(facts):
        return Check(c, "met", "; ".join(f[1] for f in known) + ": 조건에 맞습니다")
    return Check(c, "unknown", _unknown_why(c, p))


def _unknown_why(c: Condition, p: Profile) -> str:
    missing = {
        "region": "소재지", "size": "기업 규모(중소기업확인서)", "employees": "직원 수",
        "years": "업력", "ceo_age": "대표자 나이", "industry": "업종", "export": "수출 실적",
    }  # fmt: skip
    known = {
        "region": p.region, "size": p.derived_size(), "employees": p.employees,
        "years": p.years, "ceo_age": p.ceo_age, "industry": p.industry, "export": p.export,
    }  # fmt: skip
    lacking = [missing[k] for k in c.kinds if k in missing and known.get(k) is None]
    if lacking:
        return "프로필에 " + ", ".join(lacking) + " 정보가 없습니다"
    return "자동으로 판단할 수 없는 조건입니다: 문서의 조건을 직접 확인하세요"


def _group_status(checks: list[Check]) -> str:
    """Alternatives ("다음 중 하나"): met if one is, unmet only if every one is."""
    states = {c.status for c in checks}
    if "met" in states:
        return "met"
    return "unmet" if states == {"unmet"} else "unknown"


def verdict(checks: list[Check], read_target: bool) -> str:
    """The rules of the module docstring: 불가 on any unmet condition or applying exclusion
    (a "met"/"unmet" of an exclusion means "does not apply"/"applies"); 가능 only when every
    condition is met, the target was read, and no exclusion is unknown; else 확인 필요."""
    required = [c.status for c in checks if not c.condition.any_of]
    groups: dict[int, list[Check]] = {}
    for c in checks:
        if c.condition.any_of:
            groups.setdefault(c.condition.any_of, []).append(c)
    states = required + [_group_status(g) for g in groups.values()]
    if "unmet" in states:
        return "ineligible"
    if read_target and all(s == "met" for s in states):
        return "eligible"
    return "unknown"


def check_notice(card: NoticeCard, p: Profile, now: datetime) -> Result:
    checks = [check_condition(c, p) for c in card.conditions]
    read_target = any(not c.exclude for c in card.conditions)
    return Result(card, verdict(checks, read_target), checks, status(card, now))


_ORDER = {"open": 0, "upcoming": 1, "unknown": 2, "closed": 3}


def check_all(cards: list[NoticeCard], p: Profile, now: datetime) -> list[Result]:
    """Open notices first, then upcoming, unknown, closed; by deadline within each."""
    results = [check_notice(c, p, now) for c in cards]
    far = datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(results, key=lambda r: (_ORDER[r.notice_status], r.card.apply_end or far))
