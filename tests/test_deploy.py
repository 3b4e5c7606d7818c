"""The deploy files cannot run here (no GPU, no container engine): parse and check them, and
hold their vLLM arguments to what `axa-serve vllm` builds."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from serving import VLLMConfig, vllm_image_args
from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
EXPECTED_VLLM = vllm_image_args(
    VLLMConfig(Path("/models/kanana-1.5-2.1b-instruct"), "axa-llm", "0.0.0.0", 8000)
)


def k8s_docs() -> list[dict]:
    return [d for f in sorted((DEPLOY / "k8s").glob("*.yaml"))
            for d in yaml.safe_load_all(f.read_text()) if d]  # fmt: skip


def test_compose_wires_the_app_to_qdrant_and_vllm() -> None:
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"qdrant", "vllm", "embed", "app"}
    assert services["vllm"]["command"] == EXPECTED_VLLM
    embed = services["embed"]["command"]
    assert services["embed"]["profiles"] == ["embed"]  # optional: only with --profile embed
    assert embed[embed.index("--runner") + 1] == "pooling"
    env = services["app"]["environment"]
    assert env["AXA_EMBED_MODEL"] == embed[embed.index("--served-model-name") + 1]
    assert env["AXA_EMBED_BASE_URL"] == "${AXA_EMBED_BASE_URL:-}"
    assert env["AXA_QDRANT_URL"] == "http://qdrant:6333"
    assert env["AXA_LLM_BASE_URL"] == "http://vllm:8000/v1"
    assert env["AXA_LLM_MODEL"] == EXPECTED_VLLM[EXPECTED_VLLM.index("--served-model-name") + 1]
    assert services["app"]["ports"] == ["127.0.0.1:7860:7860"]  # not exposed beyond the host
    assert (ROOT / services["app"]["build"]["dockerfile"]).is_file()


def test_k8s_objects_are_well_formed() -> None:
    docs = k8s_docs()
    assert {d["kind"] for d in docs} == {"Deployment", "StatefulSet", "Service"}
    for d in docs:
        assert d["apiVersion"] and d["metadata"]["name"]
    workloads = [d for d in docs if d["kind"] in ("Deployment", "StatefulSet")]
    for w in workloads:
        labels = w["spec"]["template"]["metadata"]["labels"]
        assert w["spec"]["selector"]["matchLabels"].items() <= labels.items(), w["metadata"]
    pod_labels = [w["spec"]["template"]["metadata"]["labels"] for w in workloads]
    for svc in (d for d in docs if d["kind"] == "Service"):
        assert any(svc["spec"]["selector"].items() <= lab.items() for lab in pod_labels), svc


@pytest.mark.parametrize("name", ["vllm", "qdrant", "ax-assist"])
def test_k8s_replicas(name: str) -> None:
    w = next(d for d in k8s_docs() if d["kind"] != "Service" and d["metadata"]["name"] == name)
    assert w["spec"]["replicas"] >= 2


def test_k8s_vllm_args_match_the_command_builder() -> None:
    vllm = next(
        d for d in k8s_docs() if d["kind"] == "Deployment" and d["metadata"]["name"] == "vllm"
    )
    container = vllm["spec"]["template"]["spec"]["containers"][0]
    assert container["args"] == EXPECTED_VLLM
    assert container["resources"]["limits"]["nvidia.com/gpu"] == 1


def test_qdrant_runs_distributed() -> None:
    sts = next(d for d in k8s_docs() if d["kind"] == "StatefulSet")
    env = {e["name"]: e["value"] for e in sts["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["QDRANT__CLUSTER__ENABLED"] == "true"


def _dockerfile() -> list[list[str]]:
    lines = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ").splitlines()
    return [line.split() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def test_the_image_copies_every_package_pyproject_installs() -> None:
    """The image once lacked search/, korean/, notices/ and axa_wiring.py and could not
    start: what setuptools packages must be what the Dockerfile copies."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    tool = project["tool"]["setuptools"]
    patterns = [p.rstrip("*") for p in tool["packages"]["find"]["include"]]
    packages = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()
                and p.name in patterns}  # fmt: skip
    wanted = packages | {f"{m}.py" for m in tool["py-modules"]}
    copied = {src.rstrip("/") for line in _dockerfile() if line[0] == "COPY" for src in line[1:-1]}
    assert packages == set(patterns), "a pattern in pyproject.toml names no package"
    assert wanted <= copied, f"not copied into the image: {sorted(wanted - copied)}"


def test_the_image_and_the_service_run_as_an_unprivileged_user() -> None:
    users = [line[1] for line in _dockerfile() if line[0] == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    unit = (DEPLOY / "axa-chat.service").read_text()
    user = next(line.split("=", 1)[1] for line in unit.splitlines() if line.startswith("User="))
    assert user not in ("root", "0") and "NoNewPrivileges=true" in unit
    app = next(d for d in k8s_docs() if d["metadata"]["name"] == "ax-assist"
               and d["kind"] == "Deployment")  # fmt: skip
    context = app["spec"]["template"]["spec"]["containers"][0]["securityContext"]
    assert context["runAsNonRoot"] is True and context["runAsUser"] != 0
