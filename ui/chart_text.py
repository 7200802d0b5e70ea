"""A chart's text alternative (WCAG 1.1.1): what it draws, read from the figure's own traces, as one
sentence (also the chart's accessible name) and as a table of its data."""

from __future__ import annotations

import html
import numbers
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ui.text import markdown_literal


@dataclass(frozen=True)
class ChartSeries:
    """What a chart draws, as data: one label per point of the category axis and, per series, the
    value at each label (None where the series has no point)."""

    title: str
    category_title: str
    categories: list[str]
    series: dict[str, list[float | None]]
    ordered: bool = False  # categories run in time or number order (months, days), not by size
    stacked: bool = False  # bars stacked on each other: the total per category is what stands out
    percent: bool = False  # values are shares (0–1)


@dataclass(frozen=True)
class TextAlternative:
    """What ``show`` says instead of the picture: the chart's title, its one-sentence summary and its data."""

    title: str
    summary: str
    table: pd.DataFrame


_TEXT_ALTERNATIVE = "_lead_text_alternative"  # where a figure keeps its own


def text_alternative(figure: go.Figure) -> TextAlternative:
    """The figure's text alternative, worked out on its first showing and kept on the figure: charts
    are built once, shared by every run and never changed after (``built_once``), so reading their
    traces again on each run (1-2 ms a chart) would only find the same answer."""
    known = getattr(figure, _TEXT_ALTERNATIVE, None)
    if known is None:
        data = chart_series(figure)
        known = TextAlternative(title=data.title, summary=chart_summary(data), table=chart_table(data))
        setattr(figure, _TEXT_ALTERNATIVE, known)
    return known


def chart_series(figure: go.Figure) -> ChartSeries:
    """The data a figure draws, read from its traces. Traces without hover (a confidence band's
    edges) are decoration and left out; a trace whose ``customdata`` holds one text per point (the
    day ranges of ``days_bars``) names its points by that text."""
    series: dict[str, dict[str, float | None]] = {}
    categories: list[str] = []
    positions: dict[str, Any] = {}  # each category's date or number, to order several traces' together
    ordered = percent = False
    category_title = value_title = ""
    for trace in figure.data:
        if trace.type not in ("bar", "scatter", "funnel") or trace.hoverinfo == "skip":
            continue
        horizontal = trace.orientation == "h" or (trace.type == "funnel" and trace.orientation != "v")
        keys, values = (trace.y, trace.x) if horizontal else (trace.x, trace.y)
        category_axis, value_axis = (figure.layout.yaxis, figure.layout.xaxis)
        if not horizontal:
            category_axis, value_axis = value_axis, category_axis
        category_title = category_title or (category_axis.title.text or "")
        value_title = value_title or (value_axis.title.text or "")
        percent = percent or (value_axis.tickformat or "").endswith("%")
        keys, values = list(keys if keys is not None else []), list(values if values is not None else [])
        if category_axis.type == "date":  # months arrive as ISO text; the axis reads them as dates
            keys = [pd.Timestamp(key) for key in keys]
        ordered = ordered or any(isinstance(key, (date, pd.Timestamp, numbers.Real)) for key in keys)
        custom = trace.customdata
        if custom is not None and len(custom) == len(keys) and all(isinstance(text, str) for text in custom):
            keys = list(custom)
        tickformat = category_axis.tickformat  # read once: a Plotly property read is slow, a curve has thousands
        labels = [_category_label(key, tickformat) for key in keys]
        name = trace.name or value_title or "Value"
        points = series.setdefault(name, {})
        for text, key, value in zip(labels, keys, values, strict=True):
            if text not in positions:
                categories.append(text)
                positions[text] = key
            points[text] = None if value is None or pd.isna(value) else float(value)
    kinds = {type(key) for key in positions.values()}
    if len(series) > 1 and (kinds == {pd.Timestamp} or kinds <= {int, float}):
        categories.sort(key=positions.__getitem__)  # lines over different spans: earliest first
    bar_traces = sum(1 for trace in figure.data if trace.type == "bar")
    axis_order = [str(key) for key in (figure.layout.xaxis.categoryarray or ())]
    if set(categories) <= set(axis_order):  # the order the axis draws, not the traces' order
        categories = [key for key in axis_order if key in categories]
    return ChartSeries(
        title=re.sub(r"<[^>]*>", "", figure.layout.title.text or "Chart"),
        category_title=category_title or "Category",
        categories=categories,
        series={name: [points.get(text) for text in categories] for name, points in series.items()},
        ordered=ordered,
        stacked=bar_traces > 1 and figure.layout.barmode in ("stack", "relative"),
        percent=percent,
    )


def _category_label(key: object, tickformat: str | None) -> str:
    if isinstance(key, (date, pd.Timestamp)):
        return key.strftime(tickformat if tickformat and tickformat.startswith("%") else "%b %Y")
    if isinstance(key, float) and key.is_integer():
        return str(int(key))
    return html.unescape(str(key))  # a label from the database is drawn by Plotly as its escaped text


def _value_text(value: float, percent: bool) -> str:
    if percent:
        return f"{value:.0%}"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def chart_summary(data: ChartSeries) -> str:
    """One sentence saying what a chart shows: its title, the span of its categories, and for each
    series (or the stacked total) its highest and lowest value and where."""
    if not data.categories:
        return f"{data.title}: no data."
    categories = [markdown_literal(text) for text in data.categories]  # the sentence is drawn as Markdown
    if data.ordered:
        first, last = categories[0], categories[-1]
        span = first if first == last else f"{first} to {last}"
    else:
        span = f"{len(data.categories)} {'category' if len(data.categories) == 1 else 'categories'}"
    series = data.series
    if data.stacked:
        series = {"": [sum(value or 0 for value in values) for values in zip(*series.values(), strict=True)]}
    readings = []
    for name, values in series.items():
        known = [(value, text) for value, text in zip(values, categories, strict=True) if value is not None]
        if not known:
            continue
        highest = max(known, key=lambda point: point[0])
        lowest = min(known, key=lambda point: point[0])
        if len(known) > 1 and highest[0] == lowest[0]:
            reading = f"{_value_text(highest[0], data.percent)} throughout"
        elif len(known) == 1:
            reading = f"{_value_text(highest[0], data.percent)} ({highest[1]})"
        else:
            reading = (
                f"highest {_value_text(highest[0], data.percent)} ({highest[1]}), "
                f"lowest {_value_text(lowest[0], data.percent)} ({lowest[1]})"
            )
        readings.append(f"{name} {reading}" if len(series) > 1 else reading)
    return f"{data.title}, {span}: {'; '.join(readings) or 'no values'}."


def chart_table(data: ChartSeries) -> pd.DataFrame:
    """The chart's data as a table of text: one row per category, one column per series (and the
    total of stacked bars); blank where a series has no point."""
    columns: dict[str, list[str]] = {data.category_title: data.categories}
    for name, values in data.series.items():
        columns[name] = ["" if value is None else _value_text(value, data.percent) for value in values]
    if data.stacked:
        totals = [sum(value or 0 for value in values) for values in zip(*data.series.values(), strict=True)]
        columns["Total"] = [_value_text(total, data.percent) for total in totals]
    return pd.DataFrame(columns)
