"""Gradio only: the chat page (one module per tab) and the operator page. Layout and wiring
over `rag` calls, nothing else; the web server that serves them is `web`."""

from .admin import OperatorDesk, build_admin
from .app import CSS, CorpusInfo, build_app
from .chat_tab import format_sources, respond

__all__ = ["CSS", "CorpusInfo", "OperatorDesk", "build_admin", "build_app", "format_sources",
           "respond"]  # fmt: skip
