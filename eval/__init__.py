"""Answer-quality harness (QA-set readers, metrics, runner, report): see `axa-eval`."""

from .compare import compare
from .corpus import page_documents
from .harness import run_eval
from .judge import Judge
from .metrics import citation_precision, correctness, evidence_rank, faithfulness, summarize
from .qa import Evidence, QAFormatError, QAItem, load_qa, write_qa
from .runner import check_gate, read_results
from .suites import DEFAULT_SHARED, suites

__all__ = [
    "DEFAULT_SHARED",
    "Evidence",
    "Judge",
    "QAFormatError",
    "QAItem",
    "check_gate",
    "citation_precision",
    "compare",
    "correctness",
    "evidence_rank",
    "faithfulness",
    "load_qa",
    "page_documents",
    "read_results",
    "run_eval",
    "suites",
    "summarize",
    "write_qa",
]
