"""The embedded index allows one process, and a running chat or API server is that process:
`axa-ingest` hands its job to the server over a Unix socket in the data folder and streams the
progress back, so a refresh is no outage. The socket is 0600 in the 0700 data folder, and each
request carries a token from a 0600 file beside it: only the operator's account can use it.

Protocol: one JSON request line, then JSON event lines (`progress`, then `report` or `error`).
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict
from pathlib import Path

from .backup import DataParts, check, snapshot
from .pipeline import FileResult, Ingestor, IngestReport, Outcome, Progress

log = logging.getLogger(__name__)

SOCKET_NAME = "control.sock"
TOKEN_NAME = "control.token"
MAX_REQUEST = 1 << 20  # a job names paths, never more than this
BUSY = "다른 색인 작업이 진행 중입니다. 끝난 뒤 다시 실행하세요."


class ControlError(RuntimeError):
    """The running server refused or failed the job; `user_message` is Korean."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


def socket_path(data_dir: Path) -> Path:
    return data_dir / SOCKET_NAME


Send = Callable[[dict[str, object]], None]
Handler = Callable[[dict[str, object], Send], dict[str, object]]


class ControlServer:
    """Serves `ingest`, `remove`, `snapshot`, `check` and `ping` for the process that holds
    `ingestor`, and the commands in `handlers` (`ask`, given by the server that answers)."""

    def __init__(
        self, data_dir: Path, ingestor: Ingestor, parts: DataParts | None = None,
        handlers: Mapping[str, Handler] | None = None,
    ) -> None:  # fmt: skip
        """`parts`: where the state lives, for `axa-data snapshot` and `check` meanwhile.
        `handlers` run without the ingestor's lock: questions flow during an ingest."""
        self.data_dir = data_dir
        self.ingestor = ingestor
        self.parts = parts
        self.handlers = dict(handlers or {})
        self.path = socket_path(data_dir)
        self._token = secrets.token_hex(24)
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> ControlServer:
        token_file = self.data_dir / TOKEN_NAME
        # a fresh file each start: an old one keeps its mode (0644 from a copy, a restore)
        # under O_TRUNC, and O_CREAT would write through a link planted in its place
        token_file.unlink(missing_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        fd = os.open(token_file, flags, 0o600)
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(self._token)
        self.path.unlink(missing_ok=True)  # a stale socket of a killed server
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            sock.bind(str(self.path))
        finally:
            os.umask(old)
        os.chmod(self.path, 0o600)
        sock.listen(4)
        self._sock = sock
        self._thread = threading.Thread(target=self._serve, name="axa-control", daemon=True)
        self._thread.start()
        log.info("control socket at %s", self.path)
        return self

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        self.path.unlink(missing_ok=True)
        (self.data_dir / TOKEN_NAME).unlink(missing_ok=True)

    def _serve(self) -> None:
        while self._sock is not None:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn, conn.makefile("rwb") as f:

            def send(event: dict[str, object]) -> None:
                f.write(json.dumps(event, ensure_ascii=False).encode() + b"\n")
                f.flush()

            try:
                line = f.readline(MAX_REQUEST)
                request = json.loads(line) if line.endswith(b"\n") else None
                if not isinstance(request, dict) or not hmac.compare_digest(
                    str(request.get("token", "")).encode(), self._token.encode()
                ):
                    send({"event": "error", "message": "인증되지 않은 요청입니다."})
                    return
                self._run(request, send)
            except (BrokenPipeError, ConnectionResetError):
                log.info("the control client left before its job ended")
            except Exception:
                log.exception("control request failed")
                try:
                    send(
                        {
                            "event": "error",
                            "message": "처리 중 오류가 발생했습니다 (서버 로그 참고).",
                        }
                    )
                except OSError:
                    pass

    def _run(self, request: dict[str, object], send: Callable[[dict[str, object]], None]) -> None:
        cmd = request.get("cmd")
        if cmd == "ping":
            send({"event": "pong", "pid": os.getpid(), "commands": sorted(self.handlers)})
            return
        if isinstance(cmd, str) and cmd in self.handlers:
            send(self.handlers[cmd](request, send))
            return
        given = request.get("paths")
        paths = [Path(p) for p in given if isinstance(p, str)] if isinstance(given, list) else []
        if not self.ingestor.lock.acquire(blocking=False):
            send({"event": "error", "message": BUSY})
            return
        try:
            final = self._job(cmd, paths, request, send)
        finally:
            self.ingestor.lock.release()
        send(final)  # after the lock is free: a client's next job must not find it busy

    def _job(
        self, cmd: object, paths: list[Path], request: dict[str, object],
        send: Callable[[dict[str, object]], None],
    ) -> dict[str, object]:  # fmt: skip
        """Runs under the ingestor's lock; progress goes out as it happens, the report last."""
        if cmd == "ingest":

            def step(result: FileResult, done: int, total: int) -> None:
                send({"event": "progress", "done": done, "total": total, **asdict(result)})

            report = self.ingestor.ingest(
                paths, progress=step, dry_run=bool(request.get("dry_run")),
                prune=bool(request.get("prune")), optimize=False,
            )  # fmt: skip
            return {"event": "report", **report.to_dict()}
        if cmd == "remove":
            removed = [str(p) for p in paths if self.ingestor.remove(str(p))]
            return {"event": "report", "removed_paths": removed}
        if cmd == "snapshot" and self.parts is not None and paths:
            info = snapshot(self.parts, paths[0], self.ingestor.index.count())
            return {"event": "report", **info}
        if cmd == "check":
            checked = check(self.ingestor, repair=bool(request.get("repair")))
            return {"event": "report", **checked.to_dict()}
        return {"event": "error", "message": f"알 수 없는 명령입니다: {cmd}"}


def server_running(data_dir: Path) -> bool:
    try:
        return any(e.get("event") == "pong" for e in _call(data_dir, {"cmd": "ping"}))
    except (OSError, ControlError):
        return False


def remote_events(data_dir: Path, request: dict[str, object]) -> Iterator[dict[str, object]]:
    """Send one request to the running server; its events as they come. An `error` event is
    raised as ControlError with the server's Korean message."""
    try:
        yield from _call(data_dir, request)
    except OSError as exc:
        raise ControlError("실행 중인 서버에 연결할 수 없습니다.") from exc


def _call(data_dir: Path, request: dict[str, object]) -> Iterator[dict[str, object]]:
    try:
        token = (data_dir / TOKEN_NAME).read_text().strip()
    except OSError as exc:
        raise ControlError("실행 중인 서버의 인증 정보를 읽을 수 없습니다.") from exc
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(str(socket_path(data_dir)))
        with sock.makefile("rwb") as f:
            f.write(json.dumps({**request, "token": token}, ensure_ascii=False).encode() + b"\n")
            f.flush()
            for line in f:
                event = json.loads(line)
                if event.get("event") == "error":
                    raise ControlError(str(event.get("message", "")))
                yield event


def remote_ingest(
    data_dir: Path, paths: list[Path], *, progress: Progress | None = None,
    dry_run: bool = False, prune: bool = False,
) -> IngestReport:  # fmt: skip
    """Run an ingest in the server that holds the index; the same report as a local one."""
    request = {"cmd": "ingest", "paths": [str(p.resolve()) for p in paths],
               "dry_run": dry_run, "prune": prune}  # fmt: skip
    for event in _call(data_dir, request):
        if event["event"] == "progress":
            result = _result(event)
            if progress:
                progress(result, int(str(event["done"])), int(str(event["total"])))
        elif event["event"] == "report":
            files = event.get("files") or []
            assert isinstance(files, list)
            seconds = event.get("seconds", 0.0)
            return IngestReport([_result(f) for f in files], float(str(seconds)))
    raise ControlError("서버가 작업 결과를 보내지 않고 연결을 끊었습니다.")


def remote_remove(data_dir: Path, paths: list[Path]) -> list[str]:
    request: dict[str, object] = {"cmd": "remove", "paths": [str(p.resolve()) for p in paths]}
    for event in _call(data_dir, request):
        if event["event"] == "report":
            removed = event.get("removed_paths") or []
            assert isinstance(removed, list)
            return [str(p) for p in removed]
    raise ControlError("서버가 작업 결과를 보내지 않고 연결을 끊었습니다.")


def remote_job(data_dir: Path, request: dict[str, object]) -> dict[str, object]:
    """A snapshot or check run by the server; its report."""
    for event in _call(data_dir, request):
        if event["event"] == "report":
            return event
    raise ControlError("서버가 작업 결과를 보내지 않고 연결을 끊었습니다.")


def _result(d: Mapping[str, object]) -> FileResult:
    return FileResult(
        path=str(d.get("path", "")), file=str(d.get("file", "")),
        outcome=Outcome(str(d["outcome"])), pages=int(str(d.get("pages", 0))),
        chunks=int(str(d.get("chunks", 0))), reason=str(d.get("reason", "")),
    )  # fmt: skip
