"""A company profile from a Korean sentence ("대구 소재 제조업, 직원 30명, 업력 5년, 대표 35세,
작년 AI바우처 수혜"): only what the sentence states; anything it does not say stays unknown, and
what it denies ("대전에는 지사가 없습니다", "수출 실적이 전혀 없고") is recorded as denied, never
as the fact itself.

This is the reader that needs no model: patterns, with negation read by `korean.negation`. A
model-backed reader (rag.profile_reader) may add what the patterns miss; where the two
disagree the fact is left unknown.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date

from korean import (
    BUSINESS_YEARS,
    CEO_AGE,
    EXPORT_PLAN,
    FOUNDING_YEAR,
    NAME_WITH_YEAR,
    REVENUE_EOK,
    WHEN_LEAD,
    YEAR_OF_BUSINESS,
    YEAR_WORD,
    YEARS_SINCE_FOUNDING,
    negated_at,
    region_spans,
)
from korean import REGIONS as REGION_NAMES

MAX_PROFILE_CHARS = 500
SIZES = ("소상공인", "중소기업", "중견기업", "대기업")
# Industries as notices name them; "IT" and "소프트웨어" are 정보통신업 for the check.
INDUSTRIES = {
    "제조업": ("제조업", "제조"), "정보통신업": ("정보통신업", "소프트웨어", "IT", "정보통신"),
    "도소매업": ("도소매업", "도매업", "소매업", "도소매"), "건설업": ("건설업", "건설"),
    "운수업": ("운수업", "운수", "물류"), "음식점업": ("음식점업", "음식점", "식당", "요식업"),
    "숙박업": ("숙박업", "숙박"), "서비스업": ("서비스업",), "농업": ("농업", "농업법인"),
    "광업": ("광업",), "유흥주점업": ("유흥주점", "유흥업"), "의료업": ("의료기관", "병원", "의원"),
}  # fmt: skip
# 소상공인기본법: fewer than 10 staff in these industries, fewer than 5 in the others.
_TEN_STAFF = {"제조업", "건설업", "운수업", "광업"}


# Where a company sits, as profiles name it; "" is the company's location without a role.
ROLES = {
    "본사": ("본사", "본점", "본부", "주사무소"),
    "지사": ("지사", "지점", "사무소", "영업소", "분점"),
    "공장": ("공장", "생산시설", "제조시설", "사업장"),
    "연구소": ("기업부설연구소", "부설연구소", "연구소", "연구개발전담부서", "연구센터"),
}
CERTIFICATES = {
    "벤처기업": ("벤처기업", "벤처인증", "벤처 인증", "벤처확인"),
    "이노비즈": ("이노비즈", "INNOBIZ", "기술혁신형"),
    "메인비즈": ("메인비즈", "MAINBIZ", "경영혁신형"),
    "여성기업": ("여성기업",),
    "장애인기업": ("장애인기업",),
    "사회적기업": ("사회적기업",),
}  # fmt: skip
# KSIC sections named in profiles ("C 제조업", "업종코드 J62")
KSIC = {
    "A": "농업", "B": "광업", "C": "제조업", "F": "건설업", "G": "도소매업", "H": "운수업",
    "I": "숙박업", "J": "정보통신업", "M": "서비스업", "Q": "의료업",
}  # fmt: skip


@dataclass
class Place:
    region: str  # one of the 17 시·도
    role: str = ""  # 본사 | 지사 | 공장 | 연구소 | "" (the company's location, no role said)
    negated: bool = False  # "대전에는 지사나 연구소가 없습니다"

    def label(self) -> str:
        what = f"{self.region} {self.role}".strip()
        return f"{what} 없음" if self.negated else what


@dataclass
class PastSupport:
    name: str
    year: int | None = None


@dataclass
class Profile:
    places: list[Place] = field(default_factory=list)
    industry: str | None = None
    ksic: str | None = None  # KSIC section letter, when the profile names one
    employees: int | None = None
    years: float | None = None  # 업력
    founded_year: int | None = None
    ceo_age: int | None = None
    size: str | None = None  # stated: 소상공인 | 중소기업 | 중견기업 | 대기업
    revenue_eok: float | None = None  # 매출 (억 원)
    export: str | None = None  # "실적" | "예정" | "없음" (no export results said)
    export_plan: bool | None = None  # False: "수출 계획도 없습니다"
    corporation: bool | None = None  # 법인 (True) or 개인사업자 (False)
    certificates: list[str] = field(default_factory=list)
    benefits: list[str] = field(default_factory=list)  # programs it was supported by
    past: list[PastSupport] = field(default_factory=list)  # the same, with the year when said
    no_benefits: bool = False  # "수혜 이력 없음"
    clear: bool = False  # "결격사유 없음": none of the generic exclusions (체납, 휴업, 제재) apply
    denied: list[str] = field(default_factory=list)  # what the user says is not so
    disputed: list[str] = field(default_factory=list)  # fields two readers read differently
    source: str = "patterns"  # patterns | model+patterns | edited

    @property
    def region(self) -> str | None:
        """Where the company is: its 본사, else the first place it states (not denied)."""
        plain = [p for p in self.places if not p.negated]
        main = [p for p in plain if p.role in ("본사", "")]
        return (main or plain)[0].region if (main or plain) else None

    def staff_known(self) -> bool:
        return self.employees is not None and self.industry is not None

    def is_small(self) -> bool | None:
        """소상공인기본법's test, when staff and industry (or a stated size) settle it."""
        if self.size in ("중견기업", "대기업"):
            return False
        if self.size == "소상공인":
            return True
        if self.staff_known():
            assert self.employees is not None
            return self.employees < (10 if self.industry in _TEN_STAFF else 5)
        return None

    def derived_size(self) -> str | None:
        """The size a check can rely on: as stated, or 소상공인 by staff count and industry."""
        if self.employees is not None and self.industry and self.size in (None, "중소기업"):
            limit = 10 if self.industry in _TEN_STAFF else 5
            if self.employees < limit:
                return "소상공인"
        if self.size:
            return self.size
        if self.employees is not None and self.employees >= 1000:
            return "대기업"  # 1,000명 이상 is never a 중소기업 (중소기업기본법 시행령 제3조)
        return None

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "region": self.region}

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) to show back, so a user can correct the sentence."""

        def v(x: object, unit: str = "") -> str:
            return "— (알 수 없음)" if x is None else f"{x}{unit}"

        export = {"실적": "수출 실적 있음", "예정": "수출 예정", "없음": "수출 실적 없음"}
        shown_export = export.get(self.export or "", "— (알 수 없음)")
        if self.export_plan is False:
            shown_export += ", 수출 계획 없음"
        size = v(self.size) if self.size else v(self.derived_size()) + (
            " (직원 수·업종으로 판단)" if self.derived_size() else "")  # fmt: skip
        past = ", ".join(f"{b.name} ({b.year}년)" if b.year else b.name for b in self.past)
        return [
            ("소재지", ", ".join(p.label() for p in self.places) or v(None)),
            ("업종", v(self.industry) + (f" (KSIC {self.ksic})" if self.ksic else "")),
            ("직원 수", v(self.employees, "명")),
            ("업력", v(None if self.years is None else f"{self.years:g}", "년")),
            ("대표자 나이", v(self.ceo_age, "세")),
            ("기업 규모", size),
            ("매출", v(self.revenue_eok, "억 원")),
            ("수출", shown_export),
            ("법인 여부", v(None) if self.corporation is None else
             ("법인" if self.corporation else "개인사업자")),
            ("인증", ", ".join(self.certificates) or v(None)),
            ("이전 수혜", past or ("없음" if self.no_benefits else "— (알 수 없음)")),
            ("결격사유", "없음 (본인 확인)" if self.clear else "— (알 수 없음)"),
            *([("아니라고 한 것", ", ".join(self.denied))] if self.denied else []),
            *([("확인 필요", ", ".join(self.disputed) + " (읽은 값이 서로 달라 비워 두었습니다)")]
              if self.disputed else []),
        ]  # fmt: skip


def _number(pattern: str | re.Pattern[str], text: str) -> float | None:
    m = re.search(pattern, text)
    return float(m.group(1).replace(",", "")) if m else None


def _stated(text: str, pattern: str | re.Pattern[str]) -> re.Match[str] | None:
    """The first mention of `pattern` that the sentence does not deny."""
    for m in re.finditer(pattern, text):
        if not negated_at(text, m.start(), m.end()):
            return m
    return None


_CLAUSE = re.compile(r"[,.;\n]|(?<=[가-힣])(?:이고|이며|으며|지만|고|며)\s")
_NONE_RECEIVED = re.compile(
    r"(수혜|지원받은|선정된)\s*(이력|경험|실적)?\s*(이\s*|은\s*)?(전혀\s*)?(없|無)"
    r"|(받은|지원받은|선정된|수혜받은|참여한)\s*적\s*(이|은)?\s*(전혀\s*|한\s*번도\s*)?없"
)
_KSIC = re.compile(r"(?<![A-Za-z])([A-U])\s*\d{0,5}\s*(?:\(|,|\s)?\s*(?:업종|제조업|정보통신)")


def _places(text: str) -> list[Place]:
    """Every 시·도 the profile names, with the role the words around it give ("서울 강남구에
    본사", "대전에는 지사나 연구소가 없습니다": 대전 지사 and 대전 연구소, both denied)."""
    out: list[Place] = []
    for region, start, end in region_spans(text):
        clause = _CLAUSE.split(text[end:])[0][:24]
        before = _CLAUSE.split(text[:start])[-1][-10:]  # "본사는 서울", "본사 소재지: 서울"
        roles = [r for r, words in ROLES.items() if any(w in clause for w in words)]
        roles = roles or [r for r, words in ROLES.items() if any(w in before for w in words)]
        negated = negated_at(text, start, end, window=24)
        for role in roles or [""]:
            place = Place(region, role, negated)
            if place not in out:
                out.append(place)
    return out


def _export(text: str, p: Profile) -> None:
    results = r"수출\s*(?:실적|경험|이력|성과)|수출(?:을|를)?\s*(?:하고|하는|중|기업)|수출기업"
    plan = EXPORT_PLAN
    said_results = _stated(text, results)
    said_plan = _stated(text, plan)
    if said_results is not None:
        p.export = "실적"
    elif said_plan is not None:
        p.export = "예정"
    elif re.search(results, text) or re.search(r"수출[^,.]{0,6}(?:없|않)|내수\s*전용", text):
        p.export = "없음"
        p.denied.append("수출 실적")
    if said_plan is not None:
        p.export_plan = True
    elif re.search(plan, text) and p.export != "실적":
        p.export_plan = False
        p.denied.append("수출 계획")


def _past(text: str, p: Profile, today: date) -> None:
    if _NONE_RECEIVED.search(text):
        p.no_benefits = True
        return
    for clause in re.split(r"[,，;\n]|그리고|(?<=[가-힣])(?:이고|이며|으며|고|며)\s", text):
        m = re.search(r"((?:[가-힣A-Za-z0-9·]+\s?){1,5}?)\s*(?:사업)?\s*(?:을|를|에)?\s*"
                      r"(?:수혜|지원\s*받|선정|받았)", clause)  # fmt: skip
        if not m or negated_at(clause, m.start(), m.end(), window=8):
            continue
        words = m.group(1)
        year = None
        if y := YEAR_WORD.search(clause):
            year = int(y.group(1))
        elif re.search(r"작년|지난해|전년", clause):
            year = today.year - 1
        elif re.search(r"올해|금년", clause):
            year = today.year
        name = WHEN_LEAD.sub("", words)
        # "AI바우처 수요기업으로 선정": the program, not the role it was chosen in
        name = re.sub(r"\s*(?:수요기업|공급기업|참여기업|기업)?\s*(?:으로|로)?$", "", name.strip())
        name = re.sub(r"\s*사업$", "", name.strip())
        if len(name) >= 2 and name not in p.benefits:
            p.benefits.append(name)
            p.past.append(PastSupport(name, year))


def parse_profile(text: str, today: date | None = None) -> Profile:
    text = (text if isinstance(text, str) else "")[:MAX_PROFILE_CHARS]
    today = today or date.today()
    p = Profile()
    p.places = _places(text)
    p.denied += [pl.label().removesuffix(" 없음") for pl in p.places if pl.negated]
    for name, words in INDUSTRIES.items():
        # a short name stands alone ("IT", "제조"); a long one may end a compound ("무도유흥주점업")
        if any(_stated(text, (rf"(?<![가-힣A-Za-z]){re.escape(w)}" if len(w) < 3 else re.escape(w)))
               for w in words):  # fmt: skip
            p.industry = name
            break
    if m := _KSIC.search(text):
        p.ksic = m.group(1)
    elif m := re.search(r"(?:업종\s*코드|KSIC)\s*[:：]?\s*([A-U])", text):
        p.ksic = m.group(1)
    if p.industry is None and p.ksic in KSIC:
        p.industry = KSIC[p.ksic]
    staff = _number(
        r"(?:직원|상시\s*근로자|근로자|종업원|임직원|인원)\s*(?:수\s*)?(?:는|은|이|가|:)?\s*"
        r"(?:[^\d,.]{0,8}?)(?:약\s*)?(\d[\d,]*)\s*(?:명|인)", text,
    )  # fmt: skip
    p.employees = int(staff) if staff is not None else None
    years = _number(BUSINESS_YEARS, text)
    if years is None:
        years = _number(YEARS_SINCE_FOUNDING, text)
    if years is None and (m := YEAR_OF_BUSINESS.search(text)):
        years = float(m.group(1)) - 1  # "창업 3년차": two full years
    if m := FOUNDING_YEAR.search(text):
        p.founded_year = int(m.group(1))
        if years is None:
            years = float(today.year - p.founded_year)
    p.years = years
    age = _number(CEO_AGE, text)
    p.ceo_age = int(age) if age is not None else None
    for size in SIZES:
        plain = size if size != "중소기업" else r"중소\s*기업|中企"
        if _stated(text, plain):
            p.size = size
            break
    if p.size is None and _stated(text, r"스타트업|창업기업"):
        p.size = "중소기업"
    p.revenue_eok = _number(REVENUE_EOK, text)
    _export(text, p)
    if _stated(text, r"개인\s*사업자"):
        p.corporation = False
    elif _stated(text, r"법인"):
        p.corporation = True
    for name, words in CERTIFICATES.items():
        for w in words:
            m = re.search(re.escape(w), text, re.I)
            if m is None:
                continue
            if negated_at(text, m.start(), m.end()):
                p.denied.append(name)
            elif name not in p.certificates:
                p.certificates.append(name)
            break
    _past(text, p, today)
    p.clear = bool(re.search(r"결격\s*사유\s*(?:가\s*)?(?:없|無)|제한\s*사유\s*(?:가\s*)?없", text))
    return p


def places_from_words(text: str) -> list[Place]:
    """The places of an edited form: "서울 본사, 대전 지사 없음" (a region, a role, "없음")."""
    out: list[Place] = []
    for item in re.split(r"[,;/\n]", text if isinstance(text, str) else "")[:8]:
        spans = region_spans(item)
        if not spans:
            continue
        role = next((r for r, words in ROLES.items() if any(w in item for w in words)), "")
        place = Place(spans[0][0], role, bool(re.search(r"없음|없다|없습니다|아님", item)))
        if place not in out:
            out.append(place)
    return out


def _bounded(value: object, lo: float, hi: float) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if lo <= number <= hi else None


def profile_from_fields(data: dict[str, object]) -> Profile:
    """A profile as a user corrected it (the tab's form, the API's `company`): each value
    checked for type and range, anything else ignored; it is checked as given, no model."""
    p = Profile(source="edited")
    raw_places = data.get("places")
    if isinstance(raw_places, str):
        p.places = places_from_words(raw_places)
    elif isinstance(raw_places, list):
        for item in raw_places[:8]:
            if isinstance(item, dict) and item.get("region") in REGION_NAMES:
                role = str(item.get("role") or "")
                p.places.append(Place(str(item["region"]), role if role in ROLES else "",
                                      bool(item.get("negated"))))  # fmt: skip
    industry = data.get("industry")
    p.industry = industry if isinstance(industry, str) and industry in INDUSTRIES else None
    for name, lo, hi in (("employees", 0, 1e6), ("ceo_age", 15, 100), ("founded_year", 1900, 2100)):
        if (n := _bounded(data.get(name), lo, hi)) is not None:
            setattr(p, name, int(n))
    p.years = _bounded(data.get("years"), 0, 200)
    p.revenue_eok = _bounded(data.get("revenue_eok"), 0, 1e7)
    size = data.get("size")
    p.size = size if isinstance(size, str) and size in SIZES else None
    export = data.get("export")
    p.export = str(export) if export in ("실적", "예정", "없음") else None
    plan = data.get("export_plan")
    p.export_plan = plan if isinstance(plan, bool) else {"있음": True, "없음": False}.get(str(plan))
    corp = data.get("corporation")
    p.corporation = corp if isinstance(corp, bool) else {"법인": True, "개인사업자": False}.get(
        str(corp))  # fmt: skip
    certs = data.get("certificates")
    p.certificates = [c for c in (certs if isinstance(certs, list) else []) if c in CERTIFICATES]
    past = data.get("past")
    items: list[object] = (
        list(re.split(r"[,;\n]", past)) if isinstance(past, str)
        else past if isinstance(past, list) else []
    )  # fmt: skip
    for item in items[:8]:
        if isinstance(item, dict):
            name, year = str(item.get("name") or "")[:40], item.get("year")
        else:
            m = NAME_WITH_YEAR.match(str(item))
            name, year = (m.group(1)[:40], m.group(2)) if m else ("", None)
        if len(name.strip()) >= 2:
            y = _bounded(year, 1990, 2100)
            p.past.append(PastSupport(name.strip(), int(y) if y else None))
            p.benefits.append(name.strip())
    p.no_benefits = data.get("no_benefits") is True and not p.benefits
    p.clear = data.get("clear") is True
    return p
