"""Charts as SVG (matplotlib), for the PDF and the dashboard. Each chart's numbers are also in a table
beside it, and each has a text alternative; the chart is a picture of the table, never the only copy."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("svg")

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

matplotlib.rcParams.update(
    {
        "svg.fonttype": "none",  # text stays text: smaller files, selectable words
        "svg.hashsalt": "helpdesk",  # the same figures give the same file
        "font.family": "DejaVu Sans",
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": "#444444",
        "axes.labelcolor": "#1a1a1a",
        "xtick.color": "#1a1a1a",
        "ytick.color": "#1a1a1a",
    }
)

# Distinguishable without colour too: each line has its own marker and dash.
PALETTE = ["#1d5a8c", "#b35900", "#2e7d32", "#6a1b9a", "#00695c", "#8d2b2b"]
MARKERS = ["o", "s", "^", "D", "v", "P"]
DASHES = ["-", "--", "-.", ":", "-", "--"]


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def data_uri(svg: str) -> str:
    """The SVG as an `<img src>`: ids inside one chart never clash with another's on the same page."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def bar_chart(labels: Sequence[str], values: Sequence[float], *, colour: str = PALETTE[0], width: float = 6.0) -> str:
    """Horizontal bars with their value printed at the end of each bar."""
    height = max(1.2, 0.45 * len(labels) + 0.6)
    figure = Figure(figsize=(width, height))
    axes = figure.subplots()
    positions = list(range(len(labels)))
    axes.barh(positions, values, color=colour)
    axes.set_yticks(positions, labels=list(labels))
    axes.invert_yaxis()
    top = max([*values, 1])
    for position, value in zip(positions, values, strict=True):
        axes.text(value + top * 0.01, position, f"{value:g}", va="center")
    axes.set_xlim(0, top * 1.15)
    axes.xaxis.set_visible(False)
    axes.spines["bottom"].set_visible(False)
    return _svg(figure)


def line_chart(
    labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], *, width: float = 6.5
) -> str:
    """One line per series over the months (`labels`), with a legend; missing values leave a gap."""
    figure = Figure(figsize=(width, 2.8))
    axes = figure.subplots()
    positions = list(range(len(labels)))
    for index, (name, values) in enumerate(series):
        points = [float("nan") if value is None else value for value in values]
        axes.plot(
            positions,
            points,
            label=name,
            color=PALETTE[index % len(PALETTE)],
            marker=MARKERS[index % len(MARKERS)],
            linestyle=DASHES[index % len(DASHES)],
            linewidth=2,
        )
    axes.set_xticks(positions, labels=list(labels), rotation=45, ha="right", fontsize=8)
    axes.set_ylim(bottom=0)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="y", color="#dddddd")
    if len(series) > 1:  # above the plot, clear of the month labels
        axes.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=3, frameon=False, fontsize=9)
    return _svg(figure)
