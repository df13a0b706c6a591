"""Charts as SVG drawn on the server by matplotlib, so a page needs no JavaScript to show them.

matplotlib rather than a smaller SVG library: it is already in the lock (the tests
use its sample images), it is among the best-kept Python libraries, and its SVG
output keeps text as text. A chart is drawn once per set of numbers and kept in
the cache: the numbers change only when the figures are refreshed.
"""

import hashlib
import io

from django.core.cache import cache
from matplotlib import rc_context
from matplotlib.figure import Figure

from management_information.tables import Chart

# GOV.UK Design System colours, each at least 3:1 against white.
COLOURS = ["#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#f47738", "#505a5f", "#912b88"]
_STYLE = {
    "svg.fonttype": "none",  # text stays text, in the page's own font
    "svg.hashsalt": "management-information",  # the same numbers give the same SVG
    "font.family": "sans-serif",
    "font.size": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#505a5f",
    "axes.labelcolor": "#0b0c0c",
    "xtick.color": "#0b0c0c",
    "ytick.color": "#0b0c0c",
}
_CACHE_SECONDS = 24 * 60 * 60


def chart_svg(chart: Chart) -> str:
    key = "mi-chart:" + hashlib.sha256(repr(chart).encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = _draw(chart)
        cache.set(key, svg, _CACHE_SECONDS)
    return svg


def _draw(chart: Chart) -> str:
    with rc_context(_STYLE):
        figure = Figure(figsize=(9, 3.6))
        axes = figure.subplots()
        positions = list(range(len(chart.x_labels)))
        count = max(len(chart.series), 1)
        width = 0.8 / count
        for index, (name, values) in enumerate(chart.series.items()):
            plotted = [float("nan") if value is None else value for value in values]
            colour = COLOURS[index % len(COLOURS)]
            if chart.kind == "bar":
                axes.bar([p + (index - (count - 1) / 2) * width for p in positions], plotted, width, label=name, color=colour)
            else:
                axes.plot(positions, plotted, label=name, color=colour, linewidth=2, marker="o", markersize=3)
        step = max(1, len(positions) // 12)
        axes.set_xticks(positions[::step], chart.x_labels[::step], rotation=30, ha="right")
        axes.set_ylabel(chart.y_label)
        axes.set_ylim(bottom=0)
        axes.grid(axis="y", color="#b1b4b6", linewidth=0.5)
        if len(chart.series) > 1:
            axes.legend(frameon=False, fontsize=9, loc="upper left", bbox_to_anchor=(1, 1))
        figure.tight_layout()
        out = io.StringIO()
        figure.savefig(out, format="svg")
    svg = out.getvalue()
    # The page embeds it as an image: the XML declaration and doctype are not needed there.
    return svg[svg.index("<svg"):]
