"""Many users at once on a running chat (and API): each simulated user sends its questions
through Gradio's queue the way the page does (raw HTTP: join, then the event stream), and
the table gives errors, queue wait (join → processing starts), answer time (join → done),
the longest queue position seen, and answers per minute.

    AXA_RATE_PER_MIN=0 axa-chat &   # every simulated user comes from one address

    python benchmarks/chat_load.py --url http://127.0.0.1:7860 --users 20 --questions 2
    python benchmarks/chat_load.py --api http://127.0.0.1:8090 --users 20 --questions 2
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
import uuid

import httpx

QUESTIONS = [
    "대구시 AI 대전환 사업의 총 예산은?",
    "울산 AI 대전환 사업의 주관기관은 어디인가요?",
    "지역 주도형 AI 대전환 사업 공모 마감일은 언제인가요?",
    "sLLM 데이터프리존은 누가 이용할 수 있나요?",
]


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ask_chat(http: httpx.Client, fn: int, question: str) -> dict[str, object]:
    session = uuid.uuid4().hex[:10]
    t0 = time.perf_counter()
    joined = http.post("/gradio_api/queue/join", json={
        "data": [question, None, None, [], [], [], "", "", False], "fn_index": fn,
        "session_hash": session, "event_data": None, "trigger_id": None})  # fmt: skip
    if joined.status_code != 200:
        return {"ok": False, "error": f"HTTP {joined.status_code}: {joined.text[:100]}"}
    started = None
    rank_max = 0
    with http.stream("GET", "/gradio_api/queue/data", params={"session_hash": session},
                     timeout=1800) as stream:  # fmt: skip
        for line in stream.iter_lines():
            if not line.startswith("data:"):
                continue
            msg = json.loads(line[5:])
            kind = msg.get("msg")
            if kind == "estimation":
                rank_max = max(rank_max, int(msg.get("rank") or 0) + 1)
            elif kind == "process_starts" and started is None:
                started = time.perf_counter()
            elif kind == "process_completed":
                done = time.perf_counter()
                return {"ok": bool(msg.get("success")), "wait": (started or done) - t0,
                        "total": done - t0, "rank": rank_max}  # fmt: skip
    return {"ok": False, "error": "stream ended without a result"}


def ask_api(http: httpx.Client, question: str) -> dict[str, object]:
    t0 = time.perf_counter()
    body = {"messages": [{"role": "user", "content": question}]}
    r = http.post("/v1/chat/completions", json=body, timeout=1800)
    total = time.perf_counter() - t0
    if r.status_code != 200:
        return {"ok": False, "error": f"HTTP {r.status_code}: {r.text[:100]}"}
    return {"ok": True, "wait": float("nan"), "total": total, "rank": 0}


def run(users: int, questions: int, call: object) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    lock = threading.Lock()

    def user(i: int) -> None:
        for j in range(questions):
            res = call(QUESTIONS[(i + j) % len(QUESTIONS)])  # type: ignore[operator]
            with lock:
                out.append(res)

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for t in threads:
        t.start()
        time.sleep(0.05)
    for t in threads:
        t.join()
    return out


def report(name: str, results: list[dict[str, object]], seconds: float) -> None:
    ok = [r for r in results if r["ok"]]
    waits = [float(str(r["wait"])) for r in ok if r["wait"] == r["wait"]]
    totals = [float(str(r["total"])) for r in ok]
    errors = [r.get("error") or "failed" for r in results if not r["ok"]]
    print(f"\n{name}: {len(results)} questions, errors {len(errors)}")
    if waits:
        print(f"  queue wait p50 {statistics.median(waits):.1f} s  p95 {pct(waits, 0.95):.1f} s")
    print(f"  answer time p50 {statistics.median(totals):.1f} s  p95 {pct(totals, 0.95):.1f} s")
    print(f"  longest queue position seen {max((int(str(r['rank'])) for r in ok), default=0)}")
    print(f"  answers per minute {len(ok) / seconds * 60:.2f}")
    for e in errors[:5]:
        print(f"  error: {e}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", help="the chat, e.g. http://127.0.0.1:7860")
    ap.add_argument("--api", help="axa-api, e.g. http://127.0.0.1:8090")
    ap.add_argument("--api-key", default=None)
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--questions", type=int, default=2)
    args = ap.parse_args()
    if args.url:
        http = httpx.Client(base_url=args.url, timeout=60)
        deps = http.get("/config").json()["dependencies"]
        fn = next(i for i, d in enumerate(deps) if d.get("api_name") == "ask")
        t0 = time.perf_counter()
        res = run(args.users, args.questions, lambda q: ask_chat(http, fn, q))
        report(f"chat {args.url}, {args.users} users", res, time.perf_counter() - t0)
    if args.api:
        headers = {"Authorization": f"Bearer {args.api_key}"} if args.api_key else {}
        http = httpx.Client(base_url=args.api, timeout=60, headers=headers)
        t0 = time.perf_counter()
        res = run(args.users, args.questions, lambda q: ask_api(http, q))
        report(f"api {args.api}, {args.users} users", res, time.perf_counter() - t0)


if __name__ == "__main__":
    main()
