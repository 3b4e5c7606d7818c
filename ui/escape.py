"""Text from documents, uploads and the model, made inert before it reaches chat Markdown.

A heading such as `<img src=http://…>` or `[링크](https://…)` in an indexed document must show
as those characters, never make the browser fetch or link anything.
"""

from __future__ import annotations

import html
import re
import unicodedata

# Inline constructs that fetch, link, format or typeset; line-start ones (#, -, 1.) only change
# how a line looks, and `_` inside words (file names) is no emphasis in GFM.
_MD_SPECIAL = re.compile(r"([\\`*\[\]~$])")
_SCHEME = re.compile(r"(?i)\b(https?|ftp|javascript|data|mailto|file):")
# Brackets make every kind of Markdown link: inline, image, reference ("[신청][1]" with
# "[1]: https://…" anywhere below), and the definitions themselves.
_BRACKET = re.compile(r"([\[\]])")
# A citation marker "[1]" stays as written: with every other bracket escaped no definition is
# left for it to name, so it is no link; one followed by "(", "[" or ":" is escaped too.
_CITATION_KEPT = re.compile(r"\\\[(\d{1,2})\\\](?![(\\\[:])")
# What GFM turns into a link with no brackets at all: "www.…" and e-mail addresses.
_WWW = re.compile(r"(?i)\bwww\.")
_AT = re.compile(r"(?<=[\w.+-])@(?=[\w-])")


def plain(text: str) -> str:
    """Drop control and format characters (bidi overrides such as U+202E, zero-width joins),
    which can make a name read differently from what it is."""
    return "".join(
        ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf") or ch in "\n\t"
    )


def md_text(text: str) -> str:
    """`text` shown literally inside Markdown: no HTML, no links or images, no emphasis."""
    text = _MD_SPECIAL.sub(r"\\\1", html.escape(plain(text), quote=False))
    return _SCHEME.sub(r"\1&#58;", _WWW.sub("www&#46;", _AT.sub("&#64;", text)))


def md_answer(text: str) -> str:
    """The model's answer keeps its Markdown (lists, bold) but loses raw HTML, images and
    links of every kind (inline, reference-style, protocol-relative, bare www. and e-mail):
    it may have copied them from a passage. Its "[1]" markers show as written; the only
    links under an answer are the app's own source links."""
    text = _BRACKET.sub(r"\\\1", html.escape(plain(text), quote=False))
    text = _CITATION_KEPT.sub(r"[\1]", text)
    text = _WWW.sub("www&#46;", _AT.sub("&#64;", text))
    return _SCHEME.sub(r"\1&#58;", text)
