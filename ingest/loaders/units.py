"""Split page-less documents (HWP, HWPX, DOCX, HTML, Markdown) into citable units by heading.

Such formats have no fixed pages, so a citation points at the n-th unit and names its heading.
"""

from __future__ import annotations

import re

from search import Page

from ..clean import clean_text

_HEADING = re.compile(r"^(#{1,3})\s+(.+?)\s*#*\s*$")
_MIN_UNIT_CHARS = 200  # tiny units (a lone title) are merged into the next one


def _heading_text(line: str) -> str | None:
    m = _HEADING.match(line)
    return re.sub(r"[*_`]", "", m.group(2)).strip() if m else None


def split_units(markdown: str) -> list[Page]:
    units: list[tuple[str, list[str]]] = [("", [])]
    for line in markdown.splitlines():
        heading = _heading_text(line)
        if heading is not None and sum(len(x) for x in units[-1][1]) >= _MIN_UNIT_CHARS:
            units.append((heading, []))
        elif heading is not None and not units[-1][0]:
            units[-1] = (heading, units[-1][1])
        units[-1][1].append(line)
    pages: list[Page] = []
    for title, lines in units:
        text = clean_text("\n".join(lines))
        if text:
            pages.append(Page(number=len(pages) + 1, text=text, section=title))
    return pages
