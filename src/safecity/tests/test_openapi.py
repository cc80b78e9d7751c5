"""The committed API document matches the API that every app's routers add up to."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db
OPENAPI_FILE = Path(__file__).resolve().parents[3] / "docs" / "openapi.json"


def test_openapi_document_is_committed_and_current() -> None:
    from safecity.openapi_export import schema_text

    assert OPENAPI_FILE.exists(), "run `make openapi` and commit docs/openapi.json"
    assert json.loads(OPENAPI_FILE.read_text()) == json.loads(schema_text()), (
        "docs/openapi.json is out of date: run `make openapi` and commit it")
