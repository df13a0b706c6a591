"""A figure as the pages show it: a table of numbers, optionally drawn as a chart, downloadable as CSV."""

import csv
import io
from dataclasses import dataclass

Cell = int | float | str | None


@dataclass(frozen=True)
class Chart:
    """How to draw a table: `series` name -> one value per x label."""

    kind: str  # "line" or "bar"
    x_labels: list[str]
    series: dict[str, list[float]]
    y_label: str
    description: str


@dataclass(frozen=True)
class Table:
    slug: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    notes: str = ""
    chart: Chart | None = None
    # Figures worked out now rather than at the last refresh.
    live: bool = False


def csv_text(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.columns)
    writer.writerows([[_safe(cell) for cell in row] for row in table.rows])
    return out.getvalue()


def _safe(cell: Cell) -> Cell:
    # A spreadsheet runs a cell that starts with one of these as a formula.
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return "" if cell is None else cell


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None
