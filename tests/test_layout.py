"""The house rules, checked on the source: packages meet only through each other's __init__, no
package reaches into another's CLI, and data flows one way (README: How the code is laid out)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ("korean", "search", "notices", "ingest", "rag", "serving", "ui", "web", "eval")
# What each package's library code may import of ours (axa_settings is everyone's).
MAY_USE = {
    "korean": set(),
    "serving": set(),
    "search": {"korean"},
    "notices": {"korean", "search"},
    "ingest": {"korean", "search", "notices"},
    "rag": {"korean", "search", "serving", "notices"},
    "ui": {"korean", "search", "notices", "ingest", "rag", "serving"},
    "web": {"korean", "search", "notices", "ingest", "rag", "serving", "ui", "axa_wiring"},
    "eval": {"korean", "search", "notices", "ingest", "rag", "serving", "axa_wiring"},
    "axa_wiring": {"search", "notices", "ingest", "rag", "serving"},
}
# Sub-packages with a front door of their own (the OpenAI-compatible API and its web limits).
SUB_FRONT_DOORS = {"rag.api"}
# Console scripts sit at the edge: they may also build the app through the wiring module.
CLI_MAY_ALSO_USE = {"axa_wiring", "ingest"}


def _modules() -> list[tuple[str, Path]]:
    found = [
        (p.relative_to(ROOT).parts[0], p) for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")
    ]
    return [*found, ("axa_wiring", ROOT / "axa_wiring.py")]


def _imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(module, names, line) of every absolute import of ours in `path`."""
    out = _imports_all(path)
    ours = (*PACKAGES, "axa_wiring")
    return [(m, n, line) for m, n, line in out if m.split(".")[0] in ours]


def violations() -> list[str]:
    found = []
    for pkg, path in _modules():
        where = path.relative_to(ROOT)
        is_cli = path.name == "cli.py"
        allowed = MAY_USE[pkg] | (CLI_MAY_ALSO_USE if is_cli else set())
        for module, names, line in _imports(path):
            top = module.split(".")[0]
            if top == pkg:
                continue  # a package's own modules are its business
            if top not in allowed:
                found.append(f"{where}:{line}: {pkg} must not depend on {top}")
            if "." in module and module not in SUB_FRONT_DOORS:
                found.append(f"{where}:{line}: imports {module}; use `from {top} import ...`")
            found += [
                f"{where}:{line}: imports private {top}.{n}" for n in names if n.startswith("_")
            ]
    return found


def test_packages_meet_only_through_their_front_doors() -> None:
    assert violations() == []


@pytest.mark.parametrize("pkg", PACKAGES)
def test_every_package_front_door_exports_what_it_names(pkg: str) -> None:
    import importlib

    module = importlib.import_module(pkg)
    exported = getattr(module, "__all__", [])
    assert exported, f"{pkg}/__init__.py names its public API in __all__"
    assert [n for n in exported if not hasattr(module, n)] == []


def test_the_rule_catches_a_reach_into_a_sibling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checker itself: a private-module import, a CLI import and an upward import fail."""
    bad = ROOT / "rag" / "_layout_probe.py"
    bad.write_text(
        "from search.index import VectorIndex\nfrom ingest.cli import app\nfrom ui import build_app\n"
    )
    try:
        found = "\n".join(violations())
    finally:
        bad.unlink()
    assert "imports search.index" in found
    assert "rag must not depend on ingest" in found and "imports ingest.cli" in found
    assert "rag must not depend on ui" in found


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(path: Path, node: ast.ImportFrom) -> list[str]:
    """The modules of ours an import statement loads (relative ones resolved; a name that
    is a submodule counts as that submodule)."""
    here = _module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    if node.level:
        base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
        module = ".".join([*base, *([node.module] if node.module else [])])
    else:
        module = node.module or ""
    out = [module]
    for alias in node.names:
        sub = f"{module}.{alias.name}"
        if (ROOT / Path(*sub.split("."))).with_suffix(".py").is_file() or (
            ROOT / Path(*sub.split(".")) / "__init__.py"
        ).is_file():
            out.append(sub)
    return out


def import_graph() -> dict[str, set[str]]:
    """Module -> the modules of ours it imports, TYPE_CHECKING imports included."""
    ours = (*PACKAGES, "axa_wiring", "axa_settings")
    paths = [p for _, p in _modules()] + [ROOT / "axa_settings.py"]
    names = {_module_name(p) for p in paths}
    graph: dict[str, set[str]] = {}
    for path in paths:
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                deps.update(m for m in _resolve(path, node) if m in names)
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names if a.name in names)
        graph[_module_name(path)] = {d for d in deps if d.split(".")[0] in ours}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected set of two or more modules (Tarjan), and self-imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1 or v in graph.get(v, ()):
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_module_imports_itself_round_a_circle() -> None:
    """Package __init__ files re-export their modules, so a module that imports its own
    package's front door (or two modules that import each other, even for type hints only)
    makes a circle: the import order then decides what exists."""
    graph = import_graph()
    assert "ui.operator_desk" in graph["ui.admin_upload_tab"]  # type-only imports count too
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"d"}}) == [["a", "b", "c"], ["d"]]
    assert cycles(graph) == []


MAX_FUNCTION_LINES = 80


def _long_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.name}:{node.lineno} {node.name} ({lines} lines)"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (lines := (node.end_lineno or node.lineno) - node.lineno + 1) > MAX_FUNCTION_LINES
    ]


def test_no_library_function_is_longer_than_80_lines() -> None:
    """A function over 80 lines hides its steps; split it into named ones."""
    long = [f for _, path in _modules() for f in _long_functions(path)]
    assert long == []


def test_the_length_rule_sees_a_long_function(tmp_path: Path) -> None:
    def source(lines: int) -> str:
        body = "\n".join(f"    x{i} = {i}" for i in range(lines - 1))
        return f"async def f() -> None:\n{body}\n"

    (tmp_path / "short.py").write_text(source(MAX_FUNCTION_LINES), encoding="utf-8")
    (tmp_path / "long.py").write_text(source(MAX_FUNCTION_LINES + 1), encoding="utf-8")
    assert _long_functions(tmp_path / "short.py") == []
    assert _long_functions(tmp_path / "long.py") == ["long.py:1 f (81 lines)"]


# Korean text rules live in korean/ (one home per rule). A regex literal elsewhere that reads a
# date or year, an amount or percentage, an outline marker or a question word is a second home.
# eval/ is exempt on purpose: it measures korean/ and rag/, so it keeps its own reading.
TEXT_RULE_EXEMPT = ("korean", "eval")
_REGEX_LIKE = re.compile(r"\\[dsbwS]|\(\?[:=!<]|\[[^\]]*-[^\]]*\]|[\[\])][*+?]|\|")
_DIGIT = re.compile(r"\\d|\[0-9\]")
_DATE_OR_YEAR = re.compile(
    r"20\\d\\d|19\\d\\d|\(\?:19\|20\)|\\d\{4\}|(?:\\d|0-9\]|\))[^|]{0,14}?(?:년|월|일|세)|까지|마감"
)
_AMOUNT = re.compile(r"억|만\s*(?:\\s\*?\??)?원|천\s*원|백만|%|퍼센트")
_OUTLINE = re.compile(
    r"[ⅠⅡⅢⅣⅤ①⑳□■▣❍○◦●◎▪※◆◇▶►‣▸]|\[가-하\]|\\d\{1,[23]\}(?:\\s\*)?(?:\[\.\)\]|\\\.)|\\d\+\[\.\)\]"
)
_QUESTION_WORD = re.compile(r"무엇|언제|얼마|몇|어디|어떻게|누가|누구|무슨|어떤|뭐가")


def text_rule_kinds(literal: str) -> list[str]:
    """Which Korean text rule a string literal is a regex for; [] for plain text or other regexes."""
    if not _REGEX_LIKE.search(literal):
        return []
    digit = bool(_DIGIT.search(literal))
    found = [
        ("date or year", digit and _DATE_OR_YEAR.search(literal)),
        ("amount or percentage", digit and _AMOUNT.search(literal)),
        ("outline marker", _OUTLINE.search(literal)),
        ("question word", _QUESTION_WORD.search(literal)),
    ]
    return [kind for kind, hit in found if hit]


def _text_rules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    return [
        f"{path.relative_to(ROOT)}:{node.lineno} {', '.join(kinds)}: {node.value[:60]!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and id(node) not in docstrings
        and (kinds := text_rule_kinds(node.value))
    ]  # fmt: skip


def test_korean_text_rules_live_only_in_korean() -> None:
    found = [
        rule
        for pkg, path in _modules()
        if pkg not in TEXT_RULE_EXEMPT
        for rule in _text_rules(path)
    ]
    assert found == []


@pytest.mark.parametrize(
    ("literal", "kinds"),
    [
        (r"(20\d\d)\s*년", ["date or year"]),
        (r"(\d+)\s*년\s*차", ["date or year"]),
        (r"(\d[\d,]*)\s*억\s*원", ["amount or percentage"]),
        (r"(\d+(?:\.\d+)?)\s*%", ["amount or percentage"]),
        (r"^\s*(?:[□■○]|\d{1,2}[.)])\s*", ["outline marker"]),
        (r"언제\s*까지|기한", ["question word"]),
        (r"신청\s*방법|접수처", []),  # a field's words, no text rule
        ("2026년 5월 18일", []),  # text, not a regex
        (r"[가-힣]+\s*(?:은|는)", []),
    ],
)
def test_the_text_rule_check_knows_each_kind(literal: str, kinds: list[str]) -> None:
    assert text_rule_kinds(literal) == kinds


def test_the_text_rule_check_sees_a_date_regex_outside_korean() -> None:
    probe = ROOT / "notices" / "_text_rule_probe.py"
    probe.write_text('import re\n\nDAY = re.compile(r"(\\d{1,2})\\s*월\\s*(\\d{1,2})\\s*일")\n')
    try:
        found = _text_rules(probe)
    finally:
        probe.unlink()
    assert len(found) == 1 and "date or year" in found[0]


# Who reads Settings: the wiring module and the console scripts at the edge, and the eval
# harness, which records the configuration it measured. Library modules take built objects.
SETTINGS_READERS = {"axa_wiring", "eval.harness"}


def test_only_the_edge_reads_settings() -> None:
    readers = sorted(
        _module_name(path)
        for _, path in _modules()
        if any(m == "axa_settings" for m, _, _ in _imports_all(path))
    )
    library = [m for m in readers if m not in SETTINGS_READERS and not m.endswith(".cli")]
    assert "axa_wiring" in readers and "web.cli" in readers  # the check sees real readers
    assert library == []


def _imports_all(path: Path) -> list[tuple[str, list[str], int]]:
    """(module, names, line) of every absolute import in `path`."""
    out: list[tuple[str, list[str], int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.append((node.module, [a.name for a in node.names], node.lineno))
        elif isinstance(node, ast.Import):
            out += [(a.name, [], node.lineno) for a in node.names]
    return out
