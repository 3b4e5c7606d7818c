"""The web server in front of the Gradio pages: the FastAPI app, its outer wall (hosts, routes,
body caps, event values, rate limits), the operator's login and `axa-chat`."""

from .events import PublicEvents
from .guard import TempSweeper, WebGuard
from .operator_login import OperatorLogin
from .ratelimit import RateLimit
from .server import build_server

__all__ = ["OperatorLogin", "PublicEvents", "RateLimit", "TempSweeper", "WebGuard", "build_server"]
