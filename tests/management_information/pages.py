"""Reading figures back out of a page, a CSV and a JSON answer, as their users would."""

import csv
import io
from html.parser import HTMLParser


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table = None
        self._row = None
        self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id"):
            self._table = self.tables.setdefault(attrs["id"], [])
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag == "tr" and self._row is not None:
            self._table.append(self._row)
            self._row = None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def html_table(response, table_id: str) -> list[list[str]]:
    """The table's rows as text, the header row first."""
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables[table_id]


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv"), response["Content-Type"]
    return list(csv.reader(io.StringIO(response.content.decode())))


def as_text(rows: list[list]) -> list[list[str]]:
    """Figures as a table or a CSV shows them: None as a dash on the page."""
    return [["–" if cell is None else str(cell) for cell in row] for row in rows]
