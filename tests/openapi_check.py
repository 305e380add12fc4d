"""Validate API responses against the committed OpenAPI schema (docs/openapi.json).

A small checker for the subset of JSON Schema that django-ninja emits ($ref, anyOf, type,
required, properties, items, enum/const, date-time), so no extra dependency is needed.
Undocumented keys in a response are an error: the schema must say what the API returns.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from django.http import HttpResponse

COMMITTED_SCHEMA = Path(__file__).resolve().parents[1] / "docs" / "openapi.json"
REGENERATE = (
    "accord manage export_openapi_schema --api accord.api.api --sorted --indent 2 "
    "--output docs/openapi.json"
)
_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "array": list,
    "object": dict,
    "null": type(None),
}


@cache
def committed_schema() -> dict[str, Any]:
    return json.loads(COMMITTED_SCHEMA.read_text())


def response_schema(path: str, method: str, status: int) -> dict[str, Any]:
    operation = committed_schema()["paths"][path][method.lower()]
    return operation["responses"][str(status)]["content"]["application/json"]["schema"]


def assert_matches_schema(response: HttpResponse, path: str, method: str = "get") -> None:
    """`path` is the schema's template, e.g. /api/v1/organizations/{organization_id}."""
    schema = response_schema(path, method, response.status_code)
    problems = list(_problems(response.json(), schema, "$"))
    assert problems == [], f"{method.upper()} {path} does not match docs/openapi.json: {problems}"


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = committed_schema()["components"]["schemas"][name]
    return schema


def _problems(value: Any, schema: dict[str, Any], where: str) -> Iterator[str]:
    schema = _resolve(schema)
    if "anyOf" in schema:
        if not any(not list(_problems(value, s, where)) for s in schema["anyOf"]):
            yield f"{where}: {value!r} matches none of {schema['anyOf']}"
        return
    expected = schema.get("type")
    if expected is not None:
        kind = _TYPES[expected]
        is_bool = isinstance(value, bool) and expected in ("integer", "number")
        if not isinstance(value, kind) or is_bool:
            yield f"{where}: expected {expected}, got {type(value).__name__}"
            return
    if "enum" in schema and value not in schema["enum"]:
        yield f"{where}: {value!r} not in {schema['enum']}"
    if "const" in schema and value != schema["const"]:
        yield f"{where}: {value!r} is not {schema['const']!r}"
    if schema.get("format") == "date-time" and isinstance(value, str):
        try:
            dt.datetime.fromisoformat(value)
        except ValueError:
            yield f"{where}: {value!r} is not a date-time"
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                yield f"{where}: missing required key {name!r}"
        for name, item in value.items():
            if name not in properties:
                yield f"{where}: undocumented key {name!r}"
            else:
                yield from _problems(item, properties[name], f"{where}.{name}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            yield from _problems(item, schema["items"], f"{where}[{index}]")
