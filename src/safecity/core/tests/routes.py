"""Enumerate every page and API operation the project serves, for tests that must cover all of them.

`all_url_paths()` walks the URL conf (including the API's own patterns) and fills each route's parameters
with dummy values of the right converter type, so each path resolves to its view. `all_api_operations()`
reads the OpenAPI document the API serves and does the same for each path and method. Tests use them to
say "every URL" and "every operation" without a hand-kept list that a new module would silently escape.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.converters import IntConverter, PathConverter, SlugConverter, UUIDConverter

DUMMY_UUID = str(uuid.UUID(int=1))
OPENAPI_URL = "/api/v1/openapi.json"
_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>\w+)>")
_API_PARAM = re.compile(r"\{(?P<name>\w+)\}")


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name" or the raw pattern when the route has no name
    pattern: str  # the route as written, e.g. "accounts/tokens/<int:pk>/revoke/"
    path: str  # a concrete path that resolves to the route, e.g. "/accounts/tokens/1/revoke/"


@dataclass(frozen=True)
class ApiOperation:
    method: str  # lower case, as in the OpenAPI document
    template: str  # "/api/v1/agencies/{ori}"
    path: str  # "/api/v1/agencies/x"
    operation_id: str


def _dummy_for(converter: Any) -> str:
    if isinstance(converter, IntConverter):
        return "1"
    if isinstance(converter, UUIDConverter):
        return DUMMY_UUID
    if isinstance(converter, SlugConverter | PathConverter):
        return "x"
    return "x"


def url_patterns(skip_namespaces: frozenset[str] = frozenset()) -> list[tuple[str, str, URLPattern]]:
    """(name, route, pattern) for every route in the URL conf; `name` is "namespace:name", or the route
    itself when unnamed. Routes under a namespace in `skip_namespaces` are left out."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> list[tuple[str, str, URLPattern]]:
        found: list[tuple[str, str, URLPattern]] = []
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace in skip_namespaces:
                    continue
                ns = ":".join(p for p in (namespace, entry.namespace or "") if p)
                found.extend(walk(entry.url_patterns, prefix + str(entry.pattern), ns))
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or route)
                found.append((name, route, entry))
        return found

    return walk(get_resolver().url_patterns, "", "")


def api_views() -> dict[str, Callable[..., Any]]:
    """The view function behind each operationId of the API (where `requires` leaves its declaration)."""
    from safecity.api import api

    api.urls  # noqa: B018  (binds the routers)
    views: dict[str, Callable[..., Any]] = {}
    for bound in api._get_bound_routers():
        for path_view in bound.path_operations.values():
            for op in path_view.operations:
                views[op.operation_id or api.get_openapi_operation_id(op)] = op.view_func
    return views


def all_url_paths(values: dict[str, str] | None = None) -> list[Route]:
    """Every route in the URL conf with its parameters filled in (`values` overrides by parameter name)."""
    values = values or {}
    routes: list[Route] = []
    for name, pattern, entry in url_patterns():
        converters_by_name = dict(getattr(entry.pattern, "converters", {}))

        def fill(match: re.Match[str], conv: dict[str, Any] = converters_by_name) -> str:
            param = match["name"]
            return values.get(param) or _dummy_for(conv.get(param))

        path = "/" + _PARAM.sub(fill, pattern)
        resolve(path)  # fail loudly if a dummy value does not fit its converter
        routes.append(Route(name=name, pattern=pattern, path=path))
    return routes


def all_api_operations(client: Client | None = None, values: dict[str, str] | None = None) -> list[ApiOperation]:
    """Every path + method in the served OpenAPI document, with path parameters filled in."""
    values = values or {}
    document = (client or Client()).get(OPENAPI_URL).json()
    operations: list[ApiOperation] = []
    for template, methods in document["paths"].items():
        for method, spec in methods.items():
            kinds = {p["name"]: p.get("schema", {}) for p in spec.get("parameters", []) if p.get("in") == "path"}

            def fill(match: re.Match[str], kinds: dict[str, Any] = kinds) -> str:
                param = match["name"]
                schema = kinds.get(param, {})
                if param in values:
                    return values[param]
                if schema.get("type") == "integer":
                    return "1"
                return DUMMY_UUID if schema.get("format") == "uuid" else "x"

            operations.append(ApiOperation(method=method.lower(), template=template,
                                           path=_API_PARAM.sub(fill, template),
                                           operation_id=str(spec.get("operationId", ""))))
    return operations
