"""Chart helpers and the one palette every chart and the map use (Okabe–Ito, colour-blind safe).

Colours carry one meaning each, on every page and on the map:

- referral type: Arrest diversion blue, Social contact orange;
- severity: Felony vermillion, Misdemeanor reddish purple, Other sky blue;
- "Not recorded" and inactive teams: grey;
- a chart with a single series (no categories) uses the neutral slate ``ACCENT``, never a
  category's colour, so a plain bar is not mistaken for "arrest diversion";
- over cap: vermillion, the colour of the worst case.

Charts are drawn with their own projector-ready template (``theme=None``): Streamlit's Plotly theme
replaces a figure's fonts with small grey ones, which wash out on a meeting-room projector. Every
chart shows a camera button that downloads it as a PNG.
"""

from __future__ import annotations

import html
import numbers
import pickle
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from lead_data.figures.meeting import REASON_LABELS, Agenda
from lead_data.site import Site
from lead_data.sql import NOT_RECORDED, UNASSIGNED
from ui.settings import AS_OF_KEY

LABELS: dict[str, str] = {
    "arrest_diversion": "Arrest diversion",
    "social_contact": "Social contact",
    "drug": "Drug",
    "prostitution": "Prostitution",
    "other": "Other",
    "felony": "Felony",
    "misdemeanor": "Misdemeanor",
    "engaged": "Engaged",
    "contact_overdue": "Contact overdue",
    "in_the_wind": "In the wind",
    "under_supervision": "Under supervision",
    "disqualifying_record": "Disqualifying record",
    "open_case_or_warrant": "Open case or warrant",
    "public_safety_threat": "Public safety threat",
    "sud_treatment": "SUD treatment",
    "mental_health": "Mental health",
    "medical": "Medical",
    "housing": "Housing",
    "employment": "Employment",
    "income_benefits": "Income / benefits",
    "id_documents": "ID documents",
    "legal": "Legal",
    "referred": "Referred",
    "decided": "Decided",
    "eligible": "Eligible",
    "sao_verified": "SAO verified",
    "enrolled": "Enrolled",
    "active": "Active",
    "exited": "Exited",
    NOT_RECORDED: "Not recorded",
}

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
NOT_RECORDED_COLOUR = "#8C8C8C"
REFERRAL_TYPE_COLOURS = {
    "Arrest diversion": OKABE_ITO["blue"],
    "Social contact": OKABE_ITO["orange"],
    "Not recorded": NOT_RECORDED_COLOUR,
}
SEVERITY_COLOURS = {
    "Felony": OKABE_ITO["vermillion"],
    "Misdemeanor": OKABE_ITO["reddish_purple"],
    "Other": OKABE_ITO["sky_blue"],
    "Not recorded": NOT_RECORDED_COLOUR,
}
ACCENT = "#3D4F63"  # neutral slate for single-series charts: no category's colour
CAP_COLOUR = OKABE_ITO["vermillion"]
CONNECTED_COLOUR = OKABE_ITO["bluish_green"]
TEXT_COLOUR = "#111111"
AXIS_COLOUR = "#333333"
GRID_COLOUR = "#D4D4D4"
# Streamlit's own font (served with the app), so chart text matches the page.
FONT_FAMILY = '"Source Sans", "Source Sans Pro", "Source Sans 3", "Helvetica Neue", Arial, sans-serif'
TEMPLATE_NAME = "lead_projector"
CHART_HEIGHT = 460
# Downloaded PNGs are slide-shaped and sharp, whatever the size of the screen they came from.
PNG_WIDTH, PNG_HEIGHT, PNG_SCALE = 1200, 675, 2


def _axis() -> dict:
    return {
        "showline": True,
        "linecolor": AXIS_COLOUR,
        "linewidth": 1.5,
        "ticks": "outside",
        "tickcolor": AXIS_COLOUR,
        "tickfont": {"size": 15, "color": TEXT_COLOUR},
        "title": {"font": {"size": 16, "color": TEXT_COLOUR}, "standoff": 10},
        "gridcolor": GRID_COLOUR,
        "zeroline": False,
        "automargin": True,
        "fixedrange": True,  # no accidental zooming on a touchpad during a meeting
    }


pio.templates[TEMPLATE_NAME] = go.layout.Template(
    layout={
        "font": {"family": FONT_FAMILY, "size": 16, "color": TEXT_COLOUR},
        "title": {
            "font": {"size": 21, "color": TEXT_COLOUR, "weight": 600},
            "x": 0.005,
            "xanchor": "left",
            "xref": "container",
            "y": 1,
            "yanchor": "top",
            "yref": "container",
            "pad": {"t": 8},
            "subtitle": {"font": {"size": 15, "color": "#444444"}},
        },
        "paper_bgcolor": "#FFFFFF",
        "plot_bgcolor": "#FFFFFF",
        "colorway": list(OKABE_ITO.values()),
        "xaxis": {**_axis(), "showgrid": False},
        "yaxis": {**_axis(), "showgrid": True},
        "legend": {"font": {"size": 15, "color": TEXT_COLOUR}},
        "hoverlabel": {"font": {"size": 16, "family": FONT_FAMILY}},
        "dragmode": False,
        "modebar": {"color": "#4A4A4A", "activecolor": "#000000", "bgcolor": "rgba(255,255,255,0.8)"},
        "separators": ".,",
    }
)
# Every chart's template. As the default, Plotly applies it without validating it again; named on each
# figure, it is validated whole every time (4–8 ms a chart, more than many pages' queries).
pio.templates.default = TEMPLATE_NAME


def label(code: object) -> str:
    return LABELS.get(str(code), str(code))


def labelled(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """A copy with the coded values of ``columns`` replaced by their display labels."""
    frame = frame.copy()
    for column in columns:
        frame[column] = frame[column].map(label)
    return frame


def _pickled(value: pd.DataFrame | Site) -> bytes:
    # A table's pickle is 30 times quicker to make than Streamlit's hash of its cells (0.06 against
    # 1.8 ms for a chart's few rows), and equal pickles mean equal values: a chart of other data (or
    # of another site's zones) is never taken for this one's.
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


# A chart built from the same data is built once and shared by every run and session: Plotly's
# figure building is most of a page's rerun. Figures are never changed after they are built.
built_once = st.cache_resource(show_spinner=False, max_entries=500, hash_funcs={pd.DataFrame: _pickled, Site: _pickled})


@built_once
def monthly_line(frame: pd.DataFrame, *, value: str, title: str, y_title: str) -> go.Figure:
    """One line of a monthly figure, with a marker per month."""
    figure = px.line(frame, x="month", y=value, markers=True, title=title, labels={"month": "Month", value: y_title})
    figure.update_traces(line_color=ACCENT)
    return styled(figure)


def hex_to_rgb(colour: str) -> list[int]:
    return [int(colour[i : i + 2], 16) for i in (1, 3, 5)]


@built_once
def monthly_bars(
    frame: pd.DataFrame, *, value: str, colour_by: str, colours: dict[str, str], title: str, y_title: str
) -> go.Figure:
    """Stacked bars per month, coloured by a coded column."""
    data = labelled(frame, colour_by)
    figure = px.bar(
        data,
        x="month",
        y=value,
        color=colour_by,
        color_discrete_map=colours,
        category_orders={colour_by: list(colours)},
        title=title,
        labels={"month": "Month", value: y_title, colour_by: ""},
    )
    # Plotly spaces the month labels to the chart's width, so they stay level and legible.
    figure.update_xaxes(type="date", tickformat="%b %Y", ticklabelmode="instant")
    figure.update_traces(hovertemplate=f"%{{x|%B %Y}}<br>{y_title}: %{{y}}<extra>%{{fullData.name}}</extra>")
    whole_number_ticks(figure, data.groupby("month")[value].sum().max() if not data.empty else 0)
    return styled(figure)


@built_once
def category_bars(
    frame: pd.DataFrame, *, category: str, value: str, title: str, x_title: str, colour: str = ACCENT
) -> go.Figure:
    """Horizontal bars, one per coded category, largest at the top."""
    data = labelled(frame, category).sort_values(value)
    figure = px.bar(
        data, x=value, y=category, orientation="h", title=title, text=value, labels={value: x_title, category: ""}
    )
    figure.update_traces(
        marker_color=colour,
        textposition="outside",
        textfont={"size": 16, "color": TEXT_COLOUR},
        cliponaxis=False,
        hovertemplate=f"%{{y}}<br>{x_title}: %{{x}}<extra></extra>",
    )
    figure.update_yaxes(showgrid=False, ticks="")
    figure.update_xaxes(showgrid=True)
    whole_number_ticks(figure, data[value].max() if not data.empty else 0, axis="x")
    return styled(figure)


@built_once
def service_bars(services: pd.DataFrame) -> go.Figure:
    """Service referrals against services connected, per category: the connected bar sits inside
    the referred one, so the gap is what has not started yet."""
    data = labelled(services, "category").sort_values("referred")
    figure = go.Figure()
    figure.add_bar(
        y=data["category"],
        x=data["referred"],
        orientation="h",
        name="Referred",
        marker={"color": "#FFFFFF", "line": {"color": TEXT_COLOUR, "width": 1.5}},
        text=data["referred"],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}<br>Referred: %{x}<extra></extra>",
    )
    figure.add_bar(
        y=data["category"],
        x=data["connected"],
        orientation="h",
        name="Connected (started)",
        marker_color=CONNECTED_COLOUR,
        width=0.5,
        hovertemplate="%{y}<br>Connected (started): %{x}<extra></extra>",
    )
    figure.update_layout(title="Service referrals and connections, by category", barmode="overlay")
    figure.update_xaxes(title="Services (referrals)", showgrid=True)
    figure.update_yaxes(showgrid=False, ticks="")
    return styled(figure)


def styled(figure: go.Figure) -> go.Figure:
    """The projector layout (the template is every figure's default): the title at the top, the legend
    (if any) between it and the plot, with room for the legend to take two rows on a narrow chart."""
    with_legend = sum(1 for trace in figure.data if trace.showlegend is not False and trace.name) > 1
    figure.update_layout(
        height=figure.layout.height or CHART_HEIGHT,
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.0,
            "xanchor": "left",
            "x": 0,
            "title": None,
            "font": {"size": 15},
        },
        margin={
            "l": 10,
            "r": 30,
            "t": (94 if with_legend else 56) + (26 if figure.layout.title.subtitle.text else 0),
            "b": 10,
        },
    )
    for trace in figure.data:
        if trace.type == "scatter" and trace.mode and "lines" in trace.mode:
            # A line of counts starts at zero, or small changes look like collapses.
            figure.update_yaxes(rangemode="tozero")
            trace.update(line_width=3, marker_size=9)
    return figure


def _file_stem(figure: go.Figure) -> str:
    title = figure.layout.title.text or "chart"
    stem = "lead-" + re.sub(r"[^a-z0-9]+", "-", re.sub(r"<[^>]*>", "", title).lower()).strip("-")
    as_of = st.session_state.get(AS_OF_KEY)
    return f"{stem}-{as_of.isoformat()}" if isinstance(as_of, date) else stem


CHART_TITLE_CLASS = "lead-chart-title"


def show(figure: go.Figure, *, filename: str | None = None) -> None:
    """Draw a chart full width, with a visible camera button that downloads it as a PNG, and its text
    alternative (WCAG 1.1.1): a one-sentence summary, which is also the chart's accessible name, and
    the chart's data as a table behind a "Show data" expander. Both come from the figure's own
    traces, so they say exactly what the chart draws."""
    text = text_alternative(figure)
    # Shown only on narrow screens (dashboard.ACCESSIBILITY_STYLE), where Plotly's one-line title is cut off.
    st.html(f'<p class="{CHART_TITLE_CLASS}" aria-hidden="true">{html.escape(text.title)}</p>')
    st.plotly_chart(
        figure,
        width="stretch",
        theme=None,
        alt=text.summary,
        config={
            "displaylogo": False,
            "displayModeBar": True,
            "modeBarButtons": [["toImage"]],
            "toImageButtonOptions": {
                "format": "png",
                "filename": filename or _file_stem(figure),
                "width": PNG_WIDTH,
                "height": PNG_HEIGHT,
                "scale": PNG_SCALE,
            },
            "scrollZoom": False,
        },
    )
    st.caption(text.summary)
    with st.expander("Show data"):
        # An HTML table, which screen readers read cell by cell (st.dataframe draws on a canvas).
        st.table(text.table, hide_index=True)


# --- text alternatives -------------------------------------------------------------------------


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
    return str(key)


def _value_text(value: float, percent: bool) -> str:
    if percent:
        return f"{value:.0%}"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def chart_summary(data: ChartSeries) -> str:
    """One sentence saying what a chart shows: its title, the span of its categories, and for each
    series (or the stacked total) its highest and lowest value and where."""
    if not data.categories:
        return f"{data.title}: no data."
    if data.ordered:
        first, last = data.categories[0], data.categories[-1]
        span = first if first == last else f"{first} to {last}"
    else:
        span = f"{len(data.categories)} {'category' if len(data.categories) == 1 else 'categories'}"
    series = data.series
    if data.stacked:
        series = {"": [sum(value or 0 for value in values) for values in zip(*series.values(), strict=True)]}
    readings = []
    for name, values in series.items():
        known = [(value, text) for value, text in zip(values, data.categories, strict=True) if value is not None]
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


@built_once
def funnel(stages: pd.DataFrame) -> go.Figure:
    """The eligibility funnel, each stage a share of referrals."""
    data = labelled(stages, "stage")
    figure = go.Figure(
        go.Funnel(
            y=data["stage"],
            x=data["referrals"],
            name="Referrals",
            textinfo="value+percent initial",
            textfont={"size": 17, "color": "#FFFFFF"},
            marker_color=ACCENT,
            connector={"fillcolor": "#C9D1DA"},
            hovertemplate="%{y}: %{x} referrals (%{percentInitial:.0%} of referred)<extra></extra>",
        )
    )
    figure.update_layout(
        title={"text": "Eligibility funnel", "subtitle": {"text": "Referrals in the period, each stage a share of all"}}
    )
    figure.update_yaxes(showline=False, ticks="")
    return styled(figure)


DAY_BIN_WIDTHS = (1, 7, 14, 30, 60, 90, 180, 365)
MAX_DAY_BARS = 45


@built_once
def days_bars(counts: pd.DataFrame, *, count: str, title: str, y_title: str, median: float | None) -> go.Figure:
    """A distribution of whole days with its median marked: one bar per day, or per week, month…
    when the days spread too wide for single-day bars to be seen."""
    span = int(counts["days"].max()) + 1 if not counts.empty else 1
    width = next((w for w in DAY_BIN_WIDTHS if span / w <= MAX_DAY_BARS), DAY_BIN_WIDTHS[-1])
    data = counts.assign(start=counts["days"] // width * width).groupby("start", as_index=False)[count].sum()
    ranges = [f"{start} days" if width == 1 else f"{start}–{start + width - 1} days" for start in data["start"]]
    figure = go.Figure(
        go.Bar(
            x=data["start"] + (width - 1) / 2,  # each bar spans its days
            y=data[count],
            width=width * 0.9 if width > 1 else None,
            customdata=ranges,
            marker_color=ACCENT,
            hovertemplate=f"%{{customdata}}<br>{y_title}: %{{y}}<extra></extra>",
        )
    )
    figure.update_layout(title=title)
    figure.update_xaxes(title="Days" if width == 1 else f"Days (bars of {width} days)", rangemode="tozero")
    figure.update_yaxes(title=y_title)
    whole_number_ticks(figure, data[count].max() if not data.empty else 0)
    if median is not None:
        figure.add_vline(
            x=median,
            line_dash="dash",
            line_width=2.5,
            line_color=TEXT_COLOUR,
            annotation_text=f"median {median:g} days",
            annotation_font_size=16,
            annotation_bgcolor="rgba(255,255,255,0.85)",
        )
    return styled(figure)


def whole_number_ticks(figure: go.Figure, largest: float, *, axis: str = "y") -> None:
    """Counts are whole: no 2.5 on a small axis."""
    if largest <= 8:
        (figure.update_yaxes if axis == "y" else figure.update_xaxes)(dtick=1, tick0=0)


@built_once
def caseload_bars(caseload: pd.DataFrame) -> go.Figure:
    """Caseload per team with each team's cap marked; over-cap and inactive teams stand out."""
    status = (
        caseload["over_cap"]
        .map({True: "Over cap", False: "Within cap"})
        .where(caseload["team_active"], "Inactive team")
    )
    figure = go.Figure()
    # A count sits at the foot of its bar, clear of the cap line at the top; above a bar too short to hold it.
    # (max over a list, not a column: with no teams a column's max is NaN.)
    room = max([1, *caseload["caseload_cap"].astype(int), *caseload["caseload"].astype(int)]) * 0.12
    for name, colour in (("Within cap", ACCENT), ("Over cap", CAP_COLOUR), ("Inactive team", NOT_RECORDED_COLOUR)):
        rows = caseload[status == name]
        if not rows.empty:
            figure.add_bar(
                x=rows["team"],
                y=rows["caseload"],
                name=name,
                marker_color=colour,
                text=rows["caseload"],
                textposition=["inside" if value >= room else "outside" for value in rows["caseload"]],
                hovertemplate="%{x}: %{y} active clients<extra>" + name + "</extra>",
            )
    figure.add_scatter(
        x=caseload["team"],
        y=caseload["caseload_cap"],
        mode="markers",
        name="Cap",
        marker={"symbol": "line-ew-open", "size": 34, "color": "#000000", "line": {"width": 4, "color": "#000000"}},
        hovertemplate="%{x}: cap %{y}<extra></extra>",
    )
    figure.update_traces(
        selector={"type": "bar"},
        insidetextanchor="start",
        cliponaxis=False,
        textangle=0,
        textfont={"size": 16},
        outsidetextfont={"color": TEXT_COLOUR},
        insidetextfont={"color": "#FFFFFF"},
    )
    figure.update_layout(title="Caseload per team against its cap", barmode="overlay")
    figure.update_xaxes(categoryorder="array", categoryarray=caseload["team"].tolist(), title="Team")
    figure.update_yaxes(title="Active clients")
    return styled(figure)


# --- the weekly meeting's agenda ----------------------------------------------------------------

ALL_TEAMS = "All teams"
AGENDA_HEADINGS = {"team": "Team", "name": "Name", "reasons": "Why", "discuss": "What to discuss"}
# Characters Markdown would read as formatting; st.table renders every cell as Markdown.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$])")


def agenda_team_choices(teams: pd.DataFrame, agenda: Agenda) -> list[str]:
    """The team filter's options: every team, then "Unassigned", after "All teams"."""
    return [ALL_TEAMS, *dict.fromkeys([*teams["team"], *agenda.teams, UNASSIGNED])]


def agenda_rows(listed: pd.DataFrame) -> pd.DataFrame:
    """The named part of the agenda as people read it (and download it): no participant id."""
    rows = listed[list(AGENDA_HEADINGS)].copy()
    rows["reasons"] = rows["reasons"].map(lambda reasons: ", ".join(REASON_LABELS[reason] for reason in reasons))
    return rows.rename(columns=AGENDA_HEADINGS)


def agenda_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """Clients to discuss per team and reason, headed as on the page, for ``st.table``."""
    return counts.assign(team=counts["team"].map(markdown_text)).rename(
        columns={"team": "Team", **REASON_LABELS, "clients": "Clients"}
    )


def markdown_text(text: str) -> str:
    """Database text (a name, a team, a charge) shown literally where Streamlit reads Markdown;
    a line break starts a new line."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


def markdown_cells(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` for ``st.table``: database text shown literally; a graduation in green, as on every chart."""
    shown = rows.map(markdown_text)
    if "Why" in shown:
        shown["Why"] = shown["Why"].str.replace("Graduated", ":green[**Graduated**]", regex=False)
    return shown


# --- outcomes ----------------------------------------------------------------------------------

LABELS.update(
    {
        "new_offense": "New offense",
        "warrant_only": "Warrant only",
        "graduated": "Graduated",
        "disengaged": "Disengaged",
        "moved": "Moved",
        "incarcerated": "Incarcerated",
        "deceased": "Deceased",
        "housed": "Housed",
        "employed": "Employed",
        "legal_income": "Legal income",
        "participants": "LEAD participants",
        "comparison": "Comparison group",
        "before": "Year before referral",
        "after": "Year after intake",
    }
)
GOOD_OUTCOME_COLOUR = OKABE_ITO["bluish_green"]  # graduations, and being housed: the outcome hoped for
REARREST_KIND_COLOURS = {"New offense": ACCENT, "Warrant only": "#93A6BA", "Not recorded": NOT_RECORDED_COLOUR}
# A graduation stands out in green; every other exit reason is a shade of slate, none of them a "failure".
EXIT_REASON_COLOURS = {
    "Graduated": GOOD_OUTCOME_COLOUR,
    "Disengaged": ACCENT,
    "Moved": "#6F8298",
    "Incarcerated": "#28323D",
    "Deceased": "#000000",
    "Other": "#A9B7C6",
    "Not recorded": NOT_RECORDED_COLOUR,
}
OUTCOME_MEASURE_COLOURS = {"Housed": GOOD_OUTCOME_COLOUR, "Employed": ACCENT, "Legal income": OKABE_ITO["blue"]}
SURVIVAL_COLOURS = {"LEAD participants": ACCENT, "Comparison group": "#000000"}


def _translucent(colour: str, alpha: float) -> str:
    red, green, blue = hex_to_rgb(colour)
    return f"rgba({red},{green},{blue},{alpha})"


@built_once
def quarterly_bars(
    frame: pd.DataFrame, *, value: str, colour_by: str, colours: dict[str, str], title: str, y_title: str
) -> go.Figure:
    """Stacked bars per calendar quarter ('YYYY-Qn'), coloured by a coded column."""
    data = labelled(frame, colour_by)
    figure = px.bar(
        data,
        x="quarter",
        y=value,
        color=colour_by,
        color_discrete_map=colours,
        category_orders={colour_by: list(colours), "quarter": sorted(data["quarter"].unique())},
        title=title,
        labels={"quarter": "Quarter", value: y_title, colour_by: ""},
    )
    figure.update_xaxes(type="category")
    figure.update_traces(hovertemplate=f"%{{x}}<br>{y_title}: %{{y}}<extra>%{{fullData.name}}</extra>")
    whole_number_ticks(figure, data.groupby("quarter")[value].sum().max() if not data.empty else 0)
    return styled(figure)


@built_once
def survival_chart(
    curves: dict[str, tuple[pd.DataFrame, int]], *, title: str, x_title: str, marks: dict[str, int]
) -> go.Figure:
    """Kaplan–Meier curves of the share with the event by each day, each with its 95% band.

    ``curves`` maps a coded group to (``outcomes.kaplan_meier`` frame, longest follow-up in days):
    a curve runs flat to its longest follow-up and stops there. ``marks`` labels days on the x axis.
    """
    figure = go.Figure()
    bands = []
    for group, (curve, longest) in curves.items():
        name, colour = label(group), SURVIVAL_COLOURS[label(group)]
        data = curve
        if longest > int(curve["day"].iloc[-1]):
            data = pd.concat([curve, curve.iloc[[-1]].assign(day=longest)], ignore_index=True)
        figure.add_scatter(
            x=data["day"], y=data["upper"], mode="lines", line_shape="hv", showlegend=False, hoverinfo="skip"
        )
        figure.add_scatter(
            x=data["day"],
            y=data["lower"],
            mode="lines",
            line_shape="hv",
            fill="tonexty",
            fillcolor=_translucent(colour, 0.18),
            name=f"{name}: 95% band",
            hoverinfo="skip",
        )
        bands += [len(figure.data) - 2, len(figure.data) - 1]
        figure.add_scatter(
            x=data["day"],
            y=data["share"],
            mode="lines",
            line_shape="hv",
            line_color=colour,
            name=name,
            customdata=data[["lower", "upper"]],
            hovertemplate="Day %{x}: %{y:.0%} (95% CI %{customdata[0]:.0%}–%{customdata[1]:.0%})<extra>"
            + name
            + "</extra>",
        )
    for text, day in marks.items():
        figure.add_vline(
            x=day,
            line_dash="dot",
            line_width=1.5,
            line_color=AXIS_COLOUR,
            annotation_text=text,
            annotation_font_size=15,
        )
    figure.update_layout(title=title)
    figure.update_xaxes(title=x_title, rangemode="tozero")
    figure.update_yaxes(title="Share (cumulative)", tickformat=".0%", range=[0, 1])
    figure = styled(figure)
    for index in bands:  # the band's edges are not lines to read
        figure.data[index].update(line_width=0, marker_size=None)
    return figure


@built_once
def outcome_share_lines(by_month: pd.DataFrame) -> go.Figure:
    """Share housed, employed and with legal income by month since referral, each with its n."""
    figure = go.Figure()
    for measure in ("housed", "employed", "legal_income"):
        name = label(measure)
        figure.add_scatter(
            x=by_month["month"],
            y=by_month[f"{measure}_share"],
            mode="lines+markers",
            name=name,
            line_color=OUTCOME_MEASURE_COLOURS[name],
            customdata=by_month[[measure, f"{measure}_answered"]],
            hovertemplate="Month %{x}: %{y:.0%} (%{customdata[0]} of %{customdata[1]})<extra>" + name + "</extra>",
        )
    figure.update_layout(title="Housed, employed, with legal income, by month since referral")
    figure.update_xaxes(title="Months since referral (0 = the referral month)", range=[-0.5, 24.5], dtick=3)
    figure.update_yaxes(title="Share of those assessed", tickformat=".0%", range=[0, 1.02])
    return styled(figure)


HIDDEN_RATE_TEXT = "hidden (small count)"


@built_once
def group_rate_bars(
    shares: pd.DataFrame, *, value: str, overall: float | str | None, title: str, x_title: str, group: str = "group"
) -> go.Figure:
    """One bar per group (column ``group``) of a share in ``value`` (a float, None, or "*" when a count
    behind it is suppressed: no bar, said so in words), with the program's overall share as a line."""
    data = shares.iloc[::-1]  # the first group at the top
    numbers = [share if _is_share(share) else None for share in data[value]]
    texts = [
        f"{share:.0%}" if _is_share(share) else (HIDDEN_RATE_TEXT if isinstance(share, str) else "no one")
        for share in data[value]
    ]
    figure = go.Figure(
        go.Bar(
            x=numbers,
            y=[label(name) for name in data[group]],
            orientation="h",
            marker_color=ACCENT,
            text=texts,
            textposition="outside",
            textfont={"size": 16, "color": TEXT_COLOUR},
            cliponaxis=False,
            hovertemplate=f"%{{y}}<br>{x_title}: %{{text}}<extra></extra>",
        )
    )
    if _is_share(overall):
        figure.add_vline(
            x=overall,
            line_dash="dot",
            line_width=2,
            line_color=AXIS_COLOUR,
            annotation_text=f"Program {overall:.0%}",
            annotation_font_size=15,
        )
    figure.update_layout(title=title)
    figure.update_xaxes(title=x_title, tickformat=".0%", range=[0, 1.15], showgrid=True)
    figure.update_yaxes(showgrid=False, ticks="", type="category")
    return styled(figure)


def _is_share(value: object) -> bool:
    return isinstance(value, float) and not pd.isna(value)


@built_once
def running_total_lines(frame: pd.DataFrame, *, x: str, y: str, colour_by: str, title: str, y_title: str) -> go.Figure:
    """A running total per category (e.g. officers trained to date, per unit) as stepped lines by month."""
    figure = px.line(
        frame, x=x, y=y, color=colour_by, line_shape="hv", markers=True, title=title, labels={x: "Month", y: y_title}
    )
    figure.update_xaxes(type="date", tickformat="%b %Y", ticklabelmode="instant")
    figure.update_traces(hovertemplate=f"%{{x|%B %Y}}<br>{y_title}: %{{y}}<extra>%{{fullData.name}}</extra>")
    whole_number_ticks(figure, frame[y].max() if not frame.empty else 0)
    return styled(figure)
