"""Dates, years, ages and durations as Korean notices and users write them: "2026년 5월 18일(월)",
"2026. 1. 12.(월)", "`26. 2. 24.(화) 18:00", "('23.12월)", "2025년도", "창업 3년차", "만 39세".

One home for every such pattern: notices read periods with them, ingest reads a document's date,
the eligibility reader reads a company's founding year and age, answers read the years a
question names.
"""

from __future__ import annotations

import re

# A date with its year ("2026." or "`26."), an optional weekday "(월)" and time "18:00" / "18시".
_YEAR = r"(?:(20\d\d)|[`'’‘](\d\d))"
_WEEKDAY = r"(?:\s*\(\s*[월화수목금토일]\s*\))?"
_TIME = r"(?:\s*(\d{1,2})\s*(?::|시)\s*(\d{2})?)?"
DATE_WITH_YEAR = re.compile(
    _YEAR + r"\s*[.년]\s*(\d{1,2})\s*[.월]\s*(\d{1,2})(?!\d)\s*[.일]?" + _WEEKDAY + _TIME
)
# "6월 8일(월) 15:00", "6. 8." — the year is carried over from context.
DATE_NO_YEAR = re.compile(
    r"(?<![\d.])(\d{1,2})\s*(?:월\s*(\d{1,2})\s*일|\.\s*(\d{1,2})\s*\.)" + _WEEKDAY + _TIME
)
DATE_RANGE = re.compile(r"[~～∼]")
DEADLINE_WORD = re.compile(r"까지|마감")
# A line that is a date and nothing else (a notice's date under its preamble); fullmatch it.
DATE_LINE = re.compile(r"\s*20\d\d\s*[.년]\s*\d{1,2}\s*[.월]\s*\d{1,2}\s*[.일]?\s*")
# A document's date: "2025. 3. 4.", "(2025.02)", "20241104" in a file name.
DOCUMENT_DATE = re.compile(
    r"(20\d\d)\s*[.년\-/]\s*(\d{1,2})\s*(?:[.월\-/]\s*(\d{1,2})?|(?=\)))"  # 2025. 3. 4. / (2025.02)
    r"|(?<!\d)(20\d\d)(\d\d)(\d\d)(?!\d)"  # 20241104 in file names
)
# A date as the API takes it (ISO 8601, day precision).
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"

# Years.
FULL_YEAR = re.compile(r"20\d\d")  # fullmatch: a fact's value that is a year
YEAR_WORD = re.compile(r"(?<!\d)(20\d\d)\s*년")  # "2025년"
YEAR_ANYWHERE = re.compile(r"(?<!\d)(20\d\d)(?!\d)")  # "2025" in a title
YEAR_LEAD = re.compile(r"^\s*(20\d\d)\s*년도?\s*")  # "2026년도 …" at a name's start
SHORT_YEAR = re.compile(r"['‘’`](\d{2})(?=[.\s년~\-)월]|$)")  # "'23." → 2023
CENTURY_YEAR = re.compile(r"(?:19|20)\d\d")  # fullmatch: "1998", "2023"
NUMBER_OR_YEAR = re.compile(r"\d+년?도?")  # fullmatch: a word that is only a number or year
NUMBER_OR_YEAR_NO_DO = re.compile(r"\d+년?")  # fullmatch: the same without 도
# "작년에 …", "2024년도에 …": when-words before a program's name.
WHEN_LEAD = re.compile(r"^((작년에?|올해|지난해에?|전년도?에?|20\d\d년도?에?|최근에?)\s*)+")
# A company's years and age, as a user writes them about it.
BUSINESS_YEARS = re.compile(r"업력\s*(?:은|이|:)?\s*(\d+(?:\.\d+)?)\s*년")
YEARS_SINCE_FOUNDING = re.compile(
    r"(?:창업|설립)\s*(?:한\s*지\s*)?(\d+(?:\.\d+)?)\s*년(?!\s*[월도])"
)
YEAR_OF_BUSINESS = re.compile(r"(\d+)\s*년\s*차")  # "3년차"
FOUNDING_YEAR = re.compile(r"(20\d\d|19\d\d)\s*년\s*(?:에\s*)?(?:설립|창업|개업|법인\s*설립)")
CEO_AGE = re.compile(r"대표(?:자|이사)?\s*(?:는|은|:|나이)?\s*(?:만\s*)?(\d{2})\s*세")
EXPORT_PLAN = re.compile(r"수출\s*(?:계획|예정)|(?:\d{4}년|올해|내년)\s*수출")
# "지원사업명 (2024년)": a name with its year in brackets, or none.
NAME_WITH_YEAR = re.compile(r"\s*(.+?)\s*(?:\(?\s*(20\d\d)\s*년?\s*\)?)?\s*$")
# A notice's conditions on age and years in business.
AGE_CONDITION = re.compile(r"(대표|청년).{0,30}만\s*\d{2}\s*세|\d{2}\s*세\s*(이하|미만|이상)")
YEARS_CONDITION = re.compile(
    r"업력|창업\s*\d+\s*년|\d+\s*년\s*(이내|미만|이상)\s*(의\s*)?(창업|기업)|"
    r"설립.{0,10}\d+\s*년|\d+\s*년차"
)
