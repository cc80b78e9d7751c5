"""Print the API's OpenAPI document (committed as docs/openapi.json; a test fails on drift)."""

from __future__ import annotations

import json
import os
import sys


def schema_text() -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecity.settings")
    import django

    django.setup()
    from safecity.api import api

    return json.dumps(api.get_openapi_schema(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    sys.stdout.write(schema_text())
