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


def plain(text: str) -> str:
    """Drop control and format characters (bidi overrides such as U+202E, zero-width joins),
    which can make a name read differently from what it is."""
    return "".join(
        ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf") or ch in "\n\t"
    )


def md_text(text: str) -> str:
    """`text` shown literally inside Markdown: no HTML, no links or images, no emphasis."""
    return _SCHEME.sub(r"\1&#58;", _MD_SPECIAL.sub(r"\\\1", html.escape(plain(text), quote=False)))


def md_answer(text: str) -> str:
    """The model's answer keeps its Markdown (lists, bold) but loses raw HTML, images and
    links: it may have copied them from a passage."""
    text = html.escape(plain(text), quote=False)
    text = text.replace("![", "!\\[").replace("](", "]\\(")
    return _SCHEME.sub(r"\1&#58;", text)
