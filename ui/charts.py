"""Chart helpers and the one palette every chart and the map use (Okabe–Ito, colour-blind safe)."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from lead_data.queries import NOT_RECORDED

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

REFERRAL_TYPE_COLOURS = {"Arrest diversion": "#0072B2", "Social contact": "#E69F00", "Not recorded": "#999999"}
SEVERITY_COLOURS = {"Felony": "#D55E00", "Misdemeanor": "#CC79A7", "Other": "#56B4E9", "Not recorded": "#999999"}
ACCENT = "#0072B2"
CAP_COLOUR = "#D55E00"


def label(code: object) -> str:
    return LABELS.get(str(code), str(code))


def labelled(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """A copy with the coded values of ``columns`` replaced by their display labels."""
    frame = frame.copy()
    for column in columns:
        frame[column] = frame[column].map(label)
    return frame


def hex_to_rgb(colour: str) -> list[int]:
    return [int(colour[i : i + 2], 16) for i in (1, 3, 5)]


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
    figure.update_xaxes(type="date", dtick="M1" if data["month"].nunique() <= 14 else None, tickformat="%b %Y")
    return styled(figure)


def category_bars(
    frame: pd.DataFrame, *, category: str, value: str, title: str, x_title: str, colour: str = ACCENT
) -> go.Figure:
    """Horizontal bars, one per coded category, largest at the top."""
    data = labelled(frame, category).sort_values(value)
    figure = px.bar(
        data, x=value, y=category, orientation="h", title=title, text=value, labels={value: x_title, category: ""}
    )
    figure.update_traces(marker_color=colour, textposition="outside", cliponaxis=False)
    return styled(figure)


def service_bars(services: pd.DataFrame) -> go.Figure:
    """Service referrals against services connected, per category."""
    data = labelled(services, "category").melt(
        id_vars="category", value_vars=["referred", "connected"], var_name="stage", value_name="services"
    )
    data["stage"] = data["stage"].map({"referred": "Referred", "connected": "Connected (started)"})
    figure = px.bar(
        data,
        x="services",
        y="category",
        color="stage",
        barmode="group",
        orientation="h",
        title="Service referrals and connections, by category",
        color_discrete_map={"Referred": "#56B4E9", "Connected (started)": "#009E73"},
        labels={"services": "Services", "category": ""},
    )
    figure.update_yaxes(categoryorder="total ascending")
    return styled(figure)


def styled(figure: go.Figure) -> go.Figure:
    figure.update_layout(
        font_size=16,
        title_font_size=20,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0, "title": None},
        margin={"l": 10, "r": 30, "t": 80, "b": 10},
    )
    return figure


def show(figure: go.Figure) -> None:
    st.plotly_chart(figure, width="stretch", config={"displaylogo": False})


def funnel(stages: pd.DataFrame) -> go.Figure:
    """The eligibility funnel, each stage a share of referrals."""
    data = labelled(stages, "stage")
    figure = go.Figure(
        go.Funnel(y=data["stage"], x=data["referrals"], textinfo="value+percent initial", marker_color=ACCENT)
    )
    figure.update_layout(title="Eligibility funnel (referrals in the period)")
    return styled(figure)


def days_bars(counts: pd.DataFrame, *, count: str, title: str, y_title: str, median: float | None) -> go.Figure:
    """A distribution of whole days, one bar per day, with its median marked."""
    figure = px.bar(counts, x="days", y=count, title=title, labels={"days": "Days", count: y_title})
    figure.update_traces(marker_color=ACCENT)
    if median is not None:
        figure.add_vline(x=median, line_dash="dash", line_color=CAP_COLOUR, annotation_text=f"median {median:g} days")
    return styled(figure)


def caseload_bars(caseload: pd.DataFrame) -> go.Figure:
    """Caseload per team with each team's cap marked; over-cap and inactive teams stand out."""
    status = (
        caseload["over_cap"]
        .map({True: "Over cap", False: "Within cap"})
        .where(caseload["team_active"], "Inactive team")
    )
    figure = go.Figure()
    for name, colour in (("Within cap", ACCENT), ("Over cap", CAP_COLOUR), ("Inactive team", "#999999")):
        rows = caseload[status == name]
        if not rows.empty:
            figure.add_bar(x=rows["team"], y=rows["caseload"], name=name, marker_color=colour, text=rows["caseload"])
    figure.add_scatter(
        x=caseload["team"],
        y=caseload["caseload_cap"],
        mode="markers",
        name="Cap",
        marker={"symbol": "line-ew-open", "size": 36, "color": "#000000", "line": {"width": 4, "color": "#000000"}},
    )
    figure.update_traces(selector={"type": "bar"}, textposition="inside", insidetextanchor="end")
    figure.update_layout(title="Caseload per team against its cap", barmode="overlay")
    figure.update_xaxes(categoryorder="array", categoryarray=caseload["team"].tolist(), title="Team")
    figure.update_yaxes(title="Active clients")
    return styled(figure)
