"""The package's names load on first use: every public name resolves, and importing the package alone
imports no SciPy (the `safecity` command's start-up depends on it)."""

from __future__ import annotations

import subprocess
import sys

import pytest

import safecity.analytics as analytics


def test_every_public_name_resolves_to_its_module() -> None:
    assert sorted(analytics.__all__) == sorted(analytics._HOME)
    for name in analytics.__all__:
        value = getattr(analytics, name)
        assert value.__module__ == f"safecity.analytics.{analytics._HOME[name]}"
        assert name in dir(analytics)


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_statistic"):
        analytics.no_such_statistic  # type: ignore[attr-defined]  # noqa: B018


def test_importing_the_package_imports_no_scipy() -> None:
    code = "import sys, safecity.analytics; print(sorted(m for m in ('scipy', 'numpy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"
