"""Nearest-rank percentiles worked out in the database: the p-th percentile of n values is the
value at rank ceil(p * n / 100) in ascending order, always one of the measured values, so a
figure can be traced to a case.

PostgreSQL has it as the ordered-set aggregate PERCENTILE_DISC (one sort per group, several
times faster than ranking every row); SQLite, for development and tests, gets the same
answer from a window function that ranks each row within its group. One query either way.
"""

from django.db import connection
from django.db.models import Aggregate, Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber


class PercentileDisc(Aggregate):
    function = "PERCENTILE_DISC"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, percent: int, **extra):
        # A literal in the SQL: it comes from our own constants, never from a request.
        super().__init__(expression, fraction=f"{int(percent) / 100:.2f}", **extra)


def _output_field(queryset: QuerySet, value: str):
    annotation = queryset.query.annotations.get(value)
    return annotation.output_field if annotation is not None else queryset.model._meta.get_field(value)


def grouped_percentiles(queryset: QuerySet, *, group: str, value: str, percents=(50, 80, 95)) -> dict:
    """{group value: {"count": n, p: value at that percentile, ...}} for each group that has values."""
    if connection.vendor == "postgresql":
        output = _output_field(queryset, value)
        rows = queryset.order_by().values(group).annotate(
            _count=Count("pk"), **{f"_p{p}": PercentileDisc(value, p, output_field=output) for p in percents}
        )
        return {row[group]: {"count": row["_count"], **{p: row[f"_p{p}"] for p in percents}} for row in rows}
    ranked = queryset.annotate(
        _rank=Window(RowNumber(), partition_by=[F(group)], order_by=[F(value).asc(), F("pk").asc()]),
        _total=Window(Count("pk"), partition_by=[F(group)]),
    )
    # ceil(p * n / 100) in whole numbers: (p * n + 99) // 100.
    wanted = Q()
    for p in percents:
        wanted |= Q(_rank=(F("_total") * p + 99) / 100)
    found: dict = {}
    for key, rank, total, measured in ranked.filter(wanted).values_list(group, "_rank", "_total", value):
        entry = found.setdefault(key, {"count": total})
        for p in percents:
            if rank == (p * total + 99) // 100:
                entry[p] = measured
    return found
