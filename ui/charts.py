"""The chart builders (each a Plotly figure drawn in the palette's template, built once per data)
and ``show``, which draws a chart with its PNG download and its text alternative (``ui.chart_text``).

Every chart shows a camera button that downloads it as a PNG.
"""

from __future__ import annotations

import html
import pickle
import re
from datetime import date

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from lead_data.labels import label, labelled
from lead_data.site import Site
from ui.chart_text import text_alternative
from ui.palette import (
    ACCENT,
    AXIS_COLOUR,
    CAP_COLOUR,
    CONNECTED_COLOUR,
    NOT_RECORDED_COLOUR,
    OUTCOME_MEASURE_COLOURS,
    SURVIVAL_COLOURS,
    TEXT_COLOUR,
    coloured_by_label,
    styled,
    translucent,
)
from ui.settings import AS_OF_KEY
from ui.text import plotly_literal

# Downloaded PNGs are slide-shaped and sharp, whatever the size of the screen they came from.
PNG_WIDTH, PNG_HEIGHT, PNG_SCALE = 1200, 675, 2


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


@built_once
def monthly_bars(
    frame: pd.DataFrame, *, value: str, colour_by: str, colours: dict[str, str], title: str, y_title: str
) -> go.Figure:
    """Stacked bars per month, coloured by a coded column (``colours`` keyed by code, as in ``ui.palette``)."""
    data, shown_colours = labelled(frame, colour_by), coloured_by_label(colours)
    figure = px.bar(
        data,
        x="month",
        y=value,
        color=colour_by,
        color_discrete_map=shown_colours,
        category_orders={colour_by: list(shown_colours)},
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
    # Team names come from the database: Plotly would draw their HTML, so they are shown as text.
    caseload = caseload.assign(team=caseload["team"].map(plotly_literal))
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


# --- outcomes ----------------------------------------------------------------------------------


@built_once
def quarterly_bars(
    frame: pd.DataFrame, *, value: str, colour_by: str, colours: dict[str, str], title: str, y_title: str
) -> go.Figure:
    """Stacked bars per calendar quarter ('YYYY-Qn'), coloured by a coded column (``colours`` keyed by code)."""
    data, shown_colours = labelled(frame, colour_by), coloured_by_label(colours)
    figure = px.bar(
        data,
        x="quarter",
        y=value,
        color=colour_by,
        color_discrete_map=shown_colours,
        category_orders={colour_by: list(shown_colours), "quarter": sorted(data["quarter"].unique())},
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
        name, colour = label(group), SURVIVAL_COLOURS[group]
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
            fillcolor=translucent(colour, 0.18),
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
            line_color=OUTCOME_MEASURE_COLOURS[measure],
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
