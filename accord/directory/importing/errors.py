"""The one shape every import problem takes: a row, a column and a message."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class RowError:
    """A problem with one cell (or one row, or the whole file when `row` is None).

    Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row is
    row 2. JSON Lines files have no header, so there the row is the line number.
    """

    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def __str__(self) -> str:
        where = [f"row {self.row}" if self.row is not None else "file"]
        if self.column:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}"


class ImportUsageError(ValueError):
    """The import was asked for wrongly (unknown field, preset or kind): nothing is read."""
