"""What every API input schema shares."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from ninja.schema import DjangoGetter
from pydantic import BaseModel, model_validator


class InputSchema(Schema):
    """A request body: a JSON object, never a list, string, number or null."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        # Ninja's own validator has wrapped the body before this one sees it.
        body = data._obj if isinstance(data, DjangoGetter) else data
        if not isinstance(body, dict | BaseModel):
            raise ValueError("the body must be a JSON object")
        return data


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def Text(**kwargs: Any) -> Any:
    """An optional text field of a body: it may be left out, never null (its column is NOT
    NULL, and a null let through reached the database as an IntegrityError)."""
    return Field(None, json_schema_extra=_no_default, **kwargs)
