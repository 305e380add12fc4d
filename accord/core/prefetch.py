"""Values attached to model instances that their classes do not declare.

`Prefetch(..., to_attr=...)` sets the rows it fetched as a plain attribute, `annotate()` the
values it computed, and some pages give a row a link or a bound form to show beside it. A type
checker cannot see them; these functions are the one place that reads or sets them.
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

from django.db import models

M = TypeVar("M", bound=models.Model)


def prefetched(instance: models.Model, to_attr: str, model: type[M]) -> list[M]:
    """The `model` rows that `Prefetch(..., to_attr=to_attr)` attached to `instance`."""
    return cast("list[M]", getattr(instance, to_attr))


def annotated(instance: models.Model, name: str) -> Any:
    """The value `QuerySet.annotate(name=...)` gave `instance`."""
    return getattr(instance, name)


def attach(instance: models.Model, **values: Any) -> None:
    """Give `instance` values its page shows, such as a link, a badge class or a form."""
    for name, value in values.items():
        setattr(instance, name, value)
