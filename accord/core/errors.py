"""Errors the services raise that entry points turn into clear answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accord.core.versions import FieldConflict


class ConflictError(Exception):
    """Someone else changed the same thing first; nothing was written. HTTP 409."""


class GateRefused(Exception):
    """A stage move the gate does not allow; `missing` lists, in words, what is needed."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(" ".join(missing))
        self.missing = missing


class EditConflict(ConflictError):
    """An edit made from a version someone else has since changed; nothing was written.

    `conflicts` names, per field, the value submitted and the value stored now; `version` is the
    stored one, so that a second, deliberate save from it overwrites.
    """

    def __init__(self, subject: str, conflicts: list[FieldConflict], version: int) -> None:
        super().__init__(
            f"{subject} was changed by someone else since you loaded it; nothing was saved. "
            "Compare the values and save again to keep yours."
        )
        self.subject = subject
        self.conflicts = conflicts
        self.version = version


# SQLite's answer when the write lock stayed taken for the whole busy timeout, and
# PostgreSQL's lock timeout and deadlock: the change may well succeed when tried again.
_BUSY_SQLITE = ("database is locked", "database table is locked")
_BUSY_SQLSTATES = {"55P03", "40P01"}


def database_busy(error: BaseException | None) -> bool:
    """Whether `error` means another writer held a lock for too long (worth a retry)."""
    from django.db import OperationalError

    if not isinstance(error, OperationalError):
        return False
    if any(text in str(error) for text in _BUSY_SQLITE):
        return True
    return getattr(error.__cause__, "sqlstate", None) in _BUSY_SQLSTATES
