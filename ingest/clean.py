"""Text clean-up shared by every loader: what PDF/HWP extraction leaves behind in Korean text."""

from __future__ import annotations

import re
import unicodedata

# pypdf emits U+0007 (BEL) in place of spaces in some Korean PDFs (FIS reports).
_BEL = "\u0007"
_CONTROL = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd\u200b\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")


def clean_text(text: str) -> str:
    """NFC-normalise (decomposed jamo from some PDFs), fix BEL-as-space, squeeze whitespace."""
    text = text.replace(_BEL, " ").replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()
