"""What every API input schema shares."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from ninja.schema import DjangoGetter
from pydantic import BaseModel, model_validator

from accord.core.text import clean_text


class InputSchema(Schema):
    """A request body: a JSON object, never a list, string, number or null; its text without
    the control characters stored text never has (see accord/core/text.py), before anything
    (a uniqueness check, a lookup) sends it to the database, which may refuse NUL."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        # Ninja's own validator has wrapped the body before this one sees it.
        body = data._obj if isinstance(data, DjangoGetter) else data
        if not isinstance(body, dict | BaseModel):
            raise ValueError("the body must be a JSON object")
        return _cleaned(body) if isinstance(body, dict) else data


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {key: _cleaned(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_cleaned(item) for item in value]
    return value


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def Text(**kwargs: Any) -> Any:
    """An optional text field of a body: it may be left out, never null (its column is NOT
    NULL, and a null let through reached the database as an IntegrityError)."""
    return Field(None, json_schema_extra=_no_default, **kwargs)
