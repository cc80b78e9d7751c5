"""The module-structure check (issue 7, "Build"): every app has the skeleton docs/architecture.md names, and
apps meet only through each other's `selectors`, `actions` and `models`.

It reads the source with `ast` (nothing is imported), so it also sees imports inside functions. The rules
(docs/architecture.md, "Scaffold check"):

* every installed `safecity.*` app has `models`, `actions`, `selectors`, `api`, `views`, `forms`, `tasks`
  (each a module or a package), `templates/<app>/` and `tests/` — except `demo`, a tool that builds the demo
  city through the other apps' actions and owns no records or pages, which needs only `tests/`;
* `analytics` is a library, not an installed app: no Django, no other safecity package, and a `tests/`;
* `core` imports no other app (only `analytics`); any app may import anything from `core` and `analytics`;
* an app imports another app only through its `selectors`, `actions` or `models`;
* no import cycles between modules (a package importing its own submodules excepted).
Tests, migrations and conftest are not checked.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps

import safecity

SRC = Path(safecity.__file__).resolve().parent.parent
SKELETON = ("models", "actions", "selectors", "api", "views", "forms", "tasks", "templates", "tests")
# Apps that are not record-keeping modules, with what they must have instead and why.
REDUCED_SKELETON = {
    "demo": (("tests",), "builds the synthetic city through the other apps' actions; owns no records or pages"),
}
SHARED = {"core", "analytics"}  # every app may use these
PUBLIC = {"selectors", "actions", "models"}

# Violations in the code today, each with who is removing it. An entry that no longer occurs fails
# `test_known_violations_are_still_real`, so this list cannot hide a new one behind an old excuse.
# Violations that exist and are being removed, each with why it is still there (none today).
KNOWN_VIOLATIONS: dict[str, str] = {}
# Skeleton parts an app still lacks, each with why (none today).
KNOWN_GAPS: dict[tuple[str, str], str] = {}


# ---- the checker -------------------------------------------------------------------------------------


def skipped(path: Path) -> bool:
    parts = path.parts
    return "tests" in parts or "migrations" in parts or path.name.startswith("test_") or path.name == "conftest.py"


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(tree: ast.AST, module: str, is_package: bool) -> Iterator[tuple[str, list[str]]]:
    """Per import statement: the module named, and for `from X import a, b` the candidates `X.a`, `X.b`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join([*base, *([node.module] if node.module else [])])
            else:
                prefix = node.module or ""
            yield prefix, [f"{prefix}.{alias.name}" for alias in node.names]


def resolve(name: str, candidates: list[str], known: dict[str, Path]) -> list[str]:
    """The modules a statement reaches: `from pkg import sub` is `pkg.sub`; a name that is not a module is an
    attribute of the longest known prefix (`from pkg.mod import func` is `pkg.mod`)."""
    exact = [c for c in candidates if c in known]
    if candidates and len(exact) == len(candidates):
        return exact
    parts = name.split(".")
    while parts and ".".join(parts) not in known:
        parts.pop()
    return [*exact, ".".join(parts)] if parts else exact


@dataclass
class ImportMap:
    packages: set[str]  # the top-level packages under safecity/ (apps and libraries)
    edges: dict[str, set[str]] = field(default_factory=dict)
    problems: set[str] = field(default_factory=set)


def scan(root: Path) -> ImportMap:
    top = root / "safecity"
    files = {module_name(root, f): f for f in top.rglob("*.py") if not skipped(f.relative_to(top))}
    found = ImportMap(packages={p.name for p in top.iterdir() if (p / "__init__.py").exists()})
    for module, path in files.items():
        found.edges[module] = set()
        src_pkg = module.split(".")[1] if module.count(".") else ""
        tree = ast.parse(path.read_text(), str(path))
        targets: set[str] = set()
        for name, candidates in imported_names(tree, module, path.name == "__init__.py"):
            if src_pkg == "analytics" and (name == "django" or name.startswith("django.")):
                found.problems.add(f"{module} imports Django ({name}); analytics is pure Python")
            targets.update(resolve(name, candidates, files))
        for target in sorted(targets):
            parts = target.split(".")
            if len(parts) < 2 or parts[0] != "safecity":
                continue
            if target != module:
                found.edges[module].add(target)
            dst_pkg = parts[1]
            if src_pkg not in found.packages or dst_pkg not in found.packages or src_pkg == dst_pkg:
                continue
            if src_pkg == "analytics":
                found.problems.add(f"{module} imports {target}; analytics imports no other safecity package")
            elif src_pkg == "core" and dst_pkg != "analytics":
                found.problems.add(f"{module} imports the app {target}; core imports no app")
            elif dst_pkg not in SHARED and (len(parts) < 3 or parts[2] not in PUBLIC):
                found.problems.add(f"{module} reaches into {target} (use its selectors, actions or models)")
    found.problems.update(f"import cycle: {' <-> '.join(c)}" for c in cycles(found.edges))
    return found


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), minus a package and its own submodules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return [c for c in found if not all(m.startswith(min(c, key=len)) for m in c)]


def has_part(app_dir: Path, part: str) -> bool:
    if part == "templates":
        return (app_dir / "templates" / app_dir.name).is_dir()
    if part == "tests":
        return (app_dir / "tests" / "__init__.py").is_file()
    return (app_dir / f"{part}.py").is_file() or (app_dir / part / "__init__.py").is_file()


def skeleton_gaps(app_dir: Path, required: tuple[str, ...] = SKELETON) -> list[str]:
    return [part for part in required if not has_part(app_dir, part)]


def installed_apps() -> dict[str, Path]:
    return {c.label: Path(c.path) for c in apps.get_app_configs() if c.name.startswith("safecity.")}


# ---- the real code -----------------------------------------------------------------------------------


def _skeleton_cases() -> list[object]:
    cases: list[object] = []
    for label in ("core", "incidents", "policing", "demo"):
        required = REDUCED_SKELETON[label][0] if label in REDUCED_SKELETON else SKELETON
        for part in required:
            reason = KNOWN_GAPS.get((label, part))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cases.append(pytest.param(label, part, id=f"{label}-{part}", marks=marks))
    return cases


def test_the_skeleton_cases_cover_every_installed_app() -> None:
    assert set(installed_apps()) == {"core", "incidents", "policing", "demo"}, (
        "a new app: add it to _skeleton_cases (and to the module table in docs/architecture.md)")
    assert "safecity.analytics" not in {c.name for c in apps.get_app_configs()}  # a library, not an app


@pytest.mark.parametrize(("label", "part"), _skeleton_cases())
def test_app_has_skeleton_part(label: str, part: str) -> None:
    app_dir = installed_apps()[label]
    assert has_part(app_dir, part), f"safecity.{label} has no {part} (docs/architecture.md, 'How to add a module')"


def test_analytics_is_a_tested_library() -> None:
    analytics = SRC / "safecity" / "analytics"
    assert skeleton_gaps(analytics, ("tests",)) == []
    assert not (analytics / "apps.py").exists() and not (analytics / "models.py").exists()


def test_apps_import_each_other_only_through_selectors_actions_models() -> None:
    found = scan(SRC)
    assert {"core", "incidents", "policing", "demo", "analytics"} <= found.packages
    assert sum(len(e) for e in found.edges.values()) > 200  # the walk saw the real import graph
    new = sorted(found.problems - set(KNOWN_VIOLATIONS))
    assert not new, "module boundaries broken:\n" + "\n".join(new)


def test_analytics_imports_no_django() -> None:
    assert not [p for p in scan(SRC).problems if p.startswith("safecity.analytics")]


def test_known_violations_are_still_real() -> None:
    stale = sorted(set(KNOWN_VIOLATIONS) - scan(SRC).problems)
    assert not stale, "fixed, so remove it from KNOWN_VIOLATIONS in test_scaffold.py: " + "; ".join(stale)


# ---- the checker fails on broken code ----------------------------------------------------------------


def _tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / "safecity" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_checker_reports_every_kind_of_violation(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "__init__.py": "",
        "cli.py": "from safecity.incidents import cli\n",
        "analytics/__init__.py": "",
        "analytics/rates.py": "import numpy\n\ndef f():\n    from django.db import models\n",
        "analytics/spill.py": "from safecity.core.models import Agency\n",
        "core/__init__.py": "",
        "core/actions.py": "from safecity.analytics import rates\n",
        "core/models.py": "",
        "incidents/actions.py": "from safecity.core.actions import audited\n",
        "core/views.py": "from safecity.incidents.selectors import incident_list\n",
        "incidents/__init__.py": "",
        "incidents/cli.py": "import safecity.cli\n",
        "incidents/selectors.py": "from safecity.core import actions\nfrom . import codes\n",
        "incidents/codes.py": "from .models import Offense\n",
        "incidents/models/__init__.py": "from safecity.incidents.models.codes import Offense\n",
        "incidents/models/codes.py": "from safecity.core.models import Agency\n",
        "incidents/tests/__init__.py": "",
        "incidents/tests/test_x.py": "from safecity.demo import build\nimport django\n",
        "incidents/migrations/__init__.py": "",
        "incidents/migrations/0001.py": "from safecity.demo.build import x\n",
        "demo/__init__.py": "",
        "demo/build.py": ("from safecity.incidents.codes import load\nfrom safecity.incidents import actions\n"
                          "from safecity.incidents.models import Offense\n"),
        "demo/pages.py": "def f():\n    from ..incidents.importers import pipeline\n",
        "incidents/importers/__init__.py": "",
        "incidents/importers/pipeline.py": "",
    })
    assert scan(root).problems == {
        "safecity.analytics.rates imports Django (django.db); analytics is pure Python",
        "safecity.analytics.spill imports safecity.core.models; analytics imports no other safecity package",
        "safecity.core.views imports the app safecity.incidents.selectors; core imports no app",
        "safecity.demo.build reaches into safecity.incidents.codes (use its selectors, actions or models)",
        "safecity.demo.pages reaches into safecity.incidents.importers.pipeline (use its selectors, actions or "
        "models)",
        "import cycle: safecity.cli <-> safecity.incidents.cli",
    }


def test_checker_reports_a_missing_skeleton_part(tmp_path: Path) -> None:
    app = tmp_path / "newapp"
    for part in ("models/__init__.py", "actions.py", "selectors.py", "api.py", "views.py", "tasks.py",
                 "tests/__init__.py", "templates/other/page.html"):
        (app / part).parent.mkdir(parents=True, exist_ok=True)
        (app / part).write_text("")
    assert skeleton_gaps(app) == ["forms", "templates"]
    (app / "forms.py").write_text("")
    (app / "templates" / "newapp").mkdir()
    assert skeleton_gaps(app) == []
