"""The source viewer: a cited passage with the sentences the answer relies on highlighted,
and a link that opens the original document at that page."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping

from korean import split_sentences
from rag import claims_citing, supporting_sentences
from search import doc_key

Terms = Callable[[str], list[str]]


def doc_href(doc_id: str, page: int, unit: str = "page") -> str:
    """PDF viewers honour #page=N; other formats download whole."""
    return f"/doc/{doc_key(doc_id)}" + (f"#page={page}" if unit == "page" else "")


def source_label(src: Mapping[str, object]) -> str:
    return f"[{src['ref']}] {src['file']} · {src['location']}"


def render_source(src: Mapping[str, object], answer: str, terms: Terms) -> str:
    """HTML for one source: file, place, passage (supporting sentences in <mark>), link."""
    ref, page = int(str(src["ref"])), int(str(src["page"]))
    file, location = html.escape(str(src["file"])), html.escape(str(src["location"]))
    sentences = split_sentences(str(src["text"]))
    marked = supporting_sentences(claims_citing(answer, ref), sentences, terms)
    body = "<br>".join(
        f"<mark>{html.escape(s)}</mark>" if i in marked else html.escape(s)
        for i, s in enumerate(sentences)
    )
    link = ""
    if src.get("doc_id"):
        href = html.escape(doc_href(str(src["doc_id"]), page, str(src.get("unit", "page"))))
        link = (f'<p><a href="{href}" target="_blank" rel="noopener" class="axa-open-doc">'
                f"원문 열기 ({location})</a></p>")  # fmt: skip
    return (
        f'<div class="axa-source" data-ref="{ref}"><h4>[{ref}] {file} · {location}</h4>'
        f'<div class="axa-passage">{body}</div>{link}</div>'
    )


EMPTY = (
    '<div class="axa-source"><p>답변 아래 출처를 고르면 근거 문단이 여기에 표시됩니다.</p></div>'
)
