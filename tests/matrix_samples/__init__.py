"""Sample rows of each app for the role-matrix test (tests/test_role_matrix.py).

The matrix fills every URL and API path with a sample of the model it names, and checks that
nothing hanging off a confidential partnership leaks. An app adds its samples here, in a
module of its own with `@samples` and `@confidential_samples` builders, and the matrix walks
its endpoints without an edit to the test. Modules are found by name, in sorted order.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

Builder = Callable[[dict[str, Any]], dict[Any, Any]]
SAMPLES: list[Builder] = []
CONFIDENTIAL: list[Builder] = []
# Rows each user has of their own (notifications, say): model -> builder(user) -> row.
OWN: dict[Any, Callable[[Any], Any]] = {}


def samples(builder: Builder) -> Builder:
    """`builder(world)` answers {model: row} for the paths to fill; `world` holds `users`
    (by role), `samples` (built so far, by model) and `org_a`, `org_b`."""
    SAMPLES.append(builder)
    return builder


def confidential_samples(builder: Builder) -> Builder:
    """`builder(world)` answers {name: row} of rows that hang off the confidential partnership
    `world["secret"][Partnership]`; every role outside its team must not see any of them."""
    CONFIDENTIAL.append(builder)
    return builder


def own_samples(model: Any) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    """`builder(user)` answers a row of `model` that is the user's own: each role acts on one
    of its own, and on no one else's."""

    def register(builder: Callable[[Any], Any]) -> Callable[[Any], Any]:
        OWN[model] = builder
        return builder

    return register


def load() -> None:
    for module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        importlib.import_module(f"{__name__}.{module}")
