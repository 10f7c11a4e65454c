"""What an import check or run found: problems by row and column, the checked rows, the counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.places.rules import COLUMN_LABELS


@dataclass
class Problem:
    """One finding of the check; ``row`` is the spreadsheet row (header = 1), None for the whole file."""

    level: str  # "error" | "warning"
    message: str
    row: int | None = None
    column: str | None = None
    value: str = ""

    @property
    def column_label(self) -> str:
        if not self.column:
            return ""
        label = COLUMN_LABELS.get(self.column)
        return f"{self.column}（{label}）" if label else self.column

    @property
    def is_error(self) -> bool:
        return self.level == "error"


@dataclass
class ImportRow:
    """A validated row: ``data`` has the shape services.save_place accepts (reference values by name)."""

    row: int
    data: dict[str, Any]
    exists: bool = False


@dataclass
class ImportReport:
    """The outcome of a check or a run."""

    filename: str = ""
    encoding: str = ""
    total_rows: int = 0
    empty_rows: int = 0
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    new_themes: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    published: int = 0
    staged: int = 0  # published entries whose changes were saved as pending changes (reviewed later)
    done: bool = False

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def to_create(self) -> int:
        return sum(1 for r in self.rows if not r.exists)

    @property
    def to_update(self) -> int:
        return sum(1 for r in self.rows if r.exists)

    def add(self, level: str, message: str, row: int | None = None, column: str | None = None, value=""):
        text = "" if value is None else str(value)
        self.problems.append(Problem(level, message, row, column, text[:80]))
