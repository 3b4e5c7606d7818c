"""Cheap checks that a question is answerable from the passages, before asking the LLM.

Measured failure: asked about 부산's budget, the small model answered with 대구's figure from
the only passages it had. A question that names a region the passages never mention is about
a program the corpus does not cover, so it is refused without an LLM call.
"""

from __future__ import annotations

from collections.abc import Sequence

from korean import REGIONS, regions_in


def missing_regions(question: str, passages: Sequence[str]) -> list[str]:
    """Regions the question names that no passage mentions in any form."""
    joined = "\n".join(passages)
    return sorted(r for r in regions_in(question) if not any(f in joined for f in REGIONS[r]))
