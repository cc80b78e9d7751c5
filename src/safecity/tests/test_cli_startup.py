"""The `safecity` command is assembled from an explicit list of apps' `register` functions: a broken app
module fails the command loudly, and start-up imports neither Django nor the numerical libraries."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from safecity.cli import REGISTER, build_parser

HEAVY = ("scipy", "numpy", "pandas", "django", "shapely")


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)


def test_every_app_command_is_registered() -> None:
    commands = set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    assert commands == {"audit", "serve", "manage", "users", "tasks", "passwords", "demo", "import", "analyze"}
    # core, demo, incidents, analytics, policing: stops, roster + training, surveys, recordings, complaints
    assert len(REGISTER) == 9
    import_kinds = build_parser()._subparsers._group_actions[0].choices["import"]  # type: ignore[union-attr]
    assert set(import_kinds.get_default("_import_kinds").choices) >= {"incidents", "stops", "officers", "training",
                                                                      "surveys", "recordings", "complaints"}


@pytest.mark.parametrize("module", ["safecity.incidents.cli", "safecity.analytics.cli", "safecity.demo.cli",
                                    "safecity.core.cli", "safecity.policing.cli_stops",
                                    "safecity.policing.cli_training", "safecity.policing.cli_community",
                                    "safecity.policing.cli_cameras", "safecity.policing.cli_complaints"])
def test_a_broken_app_cli_fails_loudly(module: str) -> None:
    # A finder that breaks one module's import the way a bad edit or a missing dependency would.
    code = f"""
import importlib.abc, sys
class Broken(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == {module!r}:
            raise ImportError("simulated breakage in " + name)
sys.meta_path.insert(0, Broken())
sys.argv = ["safecity", "--help"]
from safecity.cli import main
sys.exit(main())
"""
    result = _python(code)
    assert result.returncode != 0, result.stdout  # not a help text quietly missing `import` or `analyze`
    assert f"ImportError: simulated breakage in {module}" in result.stderr


@pytest.mark.parametrize("argv", [["--help"], ["analyze", "--help"], ["import", "incidents", "--help"],
                                  ["audit", "verify", "--help"]])
def test_start_up_imports_no_heavy_library(argv: list[str]) -> None:
    code = f"""
import json, sys
sys.argv = ["safecity", *{argv!r}]
from safecity.cli import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))
"""
    result = _python(code)
    assert result.returncode == 0, result.stderr
    assert "usage: safecity" in result.stdout
    assert json.loads(result.stdout.splitlines()[-1]) == []


def test_analyze_change_needs_no_django_pandas_or_scipy_stats() -> None:
    # scipy.stats takes about three times as long to import as scipy.special, which the Poisson tests use.
    code = """
import json, sys
from safecity.cli import main
code = main(["analyze", "change", "--current", "5", "--past", "3", "--json"])
print(json.dumps(sorted(m for m in ("django", "pandas", "shapely", "scipy.stats") if m in sys.modules)))
sys.exit(code)
"""
    result = _python(code)
    assert result.returncode == 0, result.stderr
    payload, loaded = result.stdout.rsplit("\n", 2)[:2]
    assert json.loads(payload)["current"] == 5
    assert json.loads(loaded) == []


def test_django_set_up_imports_no_numerical_library_nor_the_api() -> None:
    """Every database command pays for `django.setup()`; polygons and statistics load when first used,
    django-ninja (with pydantic) only when the API is served, and the audit checkpoints' HTTP client only
    when a checkpoint is written (the system checks import their modules when they run)."""
    code = f"""
import json, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "safecity.settings"
import django
django.setup()
print(json.dumps(sorted(m for m in {HEAVY + ("ninja", "pydantic", "urllib.request")!r}
                        if m != "django" and m in sys.modules)))
"""
    result = _python(code)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == []
