"""A company profile from a Korean sentence ("대구 소재 제조업, 직원 30명, 업력 5년, 대표 35세,
작년 AI바우처 수혜"): only what the sentence states; anything it does not say stays unknown."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from korean import regions_in

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


@dataclass
class Profile:
    region: str | None = None
    industry: str | None = None
    employees: int | None = None
    years: float | None = None  # 업력
    ceo_age: int | None = None
    size: str | None = None  # stated: 소상공인 | 중소기업 | 중견기업 | 대기업
    revenue_eok: float | None = None  # 매출 (억 원)
    export: str | None = None  # "실적" | "예정" | "없음"
    corporation: bool | None = None  # 법인 (True) or 개인사업자 (False)
    benefits: list[str] = field(default_factory=list)  # programs it was supported by
    no_benefits: bool = False  # "수혜 이력 없음"
    clear: bool = False  # "결격사유 없음": none of the generic exclusions (체납, 휴업, 제재) apply

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
        return asdict(self)

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) to show back, so a user can correct the sentence."""

        def v(x: object, unit: str = "") -> str:
            return "— (알 수 없음)" if x is None else f"{x}{unit}"

        export = {"실적": "수출 실적 있음", "예정": "수출 예정", "없음": "수출 실적 없음"}
        return [
            ("소재지", v(self.region)), ("업종", v(self.industry)),
            ("직원 수", v(self.employees, "명")),
            ("업력", v(None if self.years is None else f"{self.years:g}", "년")),
            ("대표자 나이", v(self.ceo_age, "세")),
            ("기업 규모", v(self.size) if self.size else v(self.derived_size()) +
             (" (직원 수·업종으로 판단)" if self.derived_size() else "")),
            ("매출", v(self.revenue_eok, "억 원")),
            ("수출", export.get(self.export or "", "— (알 수 없음)")),
            ("법인 여부", v(None) if self.corporation is None else
             ("법인" if self.corporation else "개인사업자")),
            ("이전 수혜", ", ".join(self.benefits) if self.benefits else
             ("없음" if self.no_benefits else "— (알 수 없음)")),
            ("결격사유", "없음 (본인 확인)" if self.clear else "— (알 수 없음)"),
        ]  # fmt: skip


def _number(pattern: str, text: str) -> float | None:
    m = re.search(pattern, text)
    return float(m.group(1).replace(",", "")) if m else None


def parse_profile(text: str) -> Profile:
    text = (text if isinstance(text, str) else "")[:MAX_PROFILE_CHARS]
    p = Profile()
    regions = sorted(regions_in(text))
    p.region = regions[0] if regions else None
    for name, words in INDUSTRIES.items():
        if any(re.search(rf"(?<![가-힣A-Za-z]){re.escape(w)}", text) for w in words):
            p.industry = name
            break
    staff = _number(
        r"(?:직원|상시\s*근로자|근로자|종업원|임직원|인원)\s*(?:수\s*)?(?:는|이|가|:)?\s*"
        r"(?:약\s*)?(\d[\d,]*)\s*(?:명|인)", text,
    )  # fmt: skip
    p.employees = int(staff) if staff is not None else None
    years = _number(r"업력\s*(?:은|이|:)?\s*(\d+(?:\.\d+)?)\s*년", text)
    if years is None:
        years = _number(r"(?:창업|설립)\s*(?:한\s*지\s*)?(\d+(?:\.\d+)?)\s*년", text)
    if years is None and (m := re.search(r"(\d+)\s*년\s*차", text)):
        years = float(m.group(1)) - 1  # "창업 3년차": two full years
    p.years = years
    age = _number(r"대표(?:자|이사)?\s*(?:는|은|:|나이)?\s*(?:만\s*)?(\d{2})\s*세", text)
    p.ceo_age = int(age) if age is not None else None
    for size in SIZES:
        if size in text or (size == "중소기업" and re.search(r"중소\s*기업|中企", text)):
            p.size = size
            break
    if re.search(r"스타트업|창업기업", text) and p.size is None:
        p.size = "중소기업"
    p.revenue_eok = _number(r"매출(?:액)?\s*(?:은|이|:)?\s*(?:약\s*)?(\d+(?:\.\d+)?)\s*억", text)
    if re.search(r"수출\s*(?:실적)?\s*(?:이\s*)?(?:없|無)", text):
        p.export = "없음"
    elif re.search(
        r"수출\s*(?:실적)?\s*(?:이\s*)?(?:있|보유|\d)|수출\s*실적|수출\s*중|수출기업", text
    ):
        p.export = "실적"
    elif re.search(r"수출\s*예정|수출\s*계획", text):
        p.export = "예정"
    if re.search(r"개인\s*사업자", text):
        p.corporation = False
    elif re.search(r"법인", text):
        p.corporation = True
    if re.search(r"(수혜|지원받은)\s*(이력|경험|실적)?\s*(이\s*)?(없|無)", text):
        p.no_benefits = True
    else:
        for clause in re.split(r"[,，;\n]|그리고", text):  # "…, 작년 AI바우처 수혜"
            m = re.search(r"((?:[가-힣A-Za-z0-9·]+\s?){1,5}?)\s*(?:사업)?\s*(?:을|를|에)?\s*"
                          r"(?:수혜|지원\s*받|선정)", clause)  # fmt: skip
            if not m:
                continue
            name = re.sub(r"^((작년|올해|지난해|전년도?|20\d\d년도?|최근)\s*)+", "", m.group(1))
            name = re.sub(r"\s*사업$", "", name.strip())
            if len(name) >= 2 and name not in p.benefits:
                p.benefits.append(name)
    p.clear = bool(re.search(r"결격\s*사유\s*(?:가\s*)?(?:없|無)|제한\s*사유\s*(?:가\s*)?없", text))
    return p
