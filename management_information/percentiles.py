"""Nearest-rank percentiles worked out in the database, on SQLite and PostgreSQL alike.

The p-th percentile of n values is the value at rank ceil(p * n / 100) in ascending
order: always one of the measured values, so a figure can be traced to a case.
One query whatever the number of groups: each row is ranked within its group by a
window function and only the rows at the wanted ranks come back.
"""

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber


def grouped_percentiles(queryset: QuerySet, *, group: str, value: str, percents=(50, 80, 95)) -> dict:
    """{group value: {"count": n, p: value at that percentile, ...}} for each group that has values."""
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
