"""The one palette every chart and the map use (Okabe–Ito, colour-blind safe), and the charts' template.

Colours carry one meaning each, on every page and on the map:

- referral type: Arrest diversion blue, Social contact orange;
- severity: Felony vermillion, Misdemeanor reddish purple, Other sky blue;
- "Not recorded" and inactive teams: grey;
- a chart with a single series (no categories) uses the neutral slate ``ACCENT``, never a
  category's colour, so a plain bar is not mistaken for "arrest diversion";
- over cap: vermillion, the colour of the worst case.

Charts are drawn with their own projector-ready template (``theme=None``): Streamlit's Plotly theme
replaces a figure's fonts with small grey ones, which wash out on a meeting-room projector. Importing
this module makes the template every figure's default; ``styled`` lays a built figure out for it.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

from lead_data.labels import label
from lead_data.sql import NOT_RECORDED

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
# Colour maps are keyed by code; a chart looks each category's colour up before labelling it.
REFERRAL_TYPE_COLOURS = {
    "arrest_diversion": OKABE_ITO["blue"],
    "social_contact": OKABE_ITO["orange"],
    NOT_RECORDED: NOT_RECORDED_COLOUR,
}
SEVERITY_COLOURS = {
    "felony": OKABE_ITO["vermillion"],
    "misdemeanor": OKABE_ITO["reddish_purple"],
    "other": OKABE_ITO["sky_blue"],
    NOT_RECORDED: NOT_RECORDED_COLOUR,
}
ACCENT = "#3D4F63"  # neutral slate for single-series charts: no category's colour
CAP_COLOUR = OKABE_ITO["vermillion"]
CONNECTED_COLOUR = OKABE_ITO["bluish_green"]
GOOD_OUTCOME_COLOUR = OKABE_ITO["bluish_green"]  # graduations, and being housed: the outcome hoped for
REARREST_KIND_COLOURS = {"new_offense": ACCENT, "warrant_only": "#93A6BA", NOT_RECORDED: NOT_RECORDED_COLOUR}
# A graduation stands out in green; every other exit reason is a shade of slate, none of them a "failure".
EXIT_REASON_COLOURS = {
    "graduated": GOOD_OUTCOME_COLOUR,
    "disengaged": ACCENT,
    "moved": "#6F8298",
    "incarcerated": "#28323D",
    "deceased": "#000000",
    "other": "#A9B7C6",
    NOT_RECORDED: NOT_RECORDED_COLOUR,
}
OUTCOME_MEASURE_COLOURS = {"housed": GOOD_OUTCOME_COLOUR, "employed": ACCENT, "legal_income": OKABE_ITO["blue"]}
SURVIVAL_COLOURS = {"participants": ACCENT, "comparison": "#000000"}
TEXT_COLOUR = "#111111"
AXIS_COLOUR = "#333333"
GRID_COLOUR = "#D4D4D4"
# Streamlit's own font (served with the app), so chart text matches the page.
FONT_FAMILY = '"Source Sans", "Source Sans Pro", "Source Sans 3", "Helvetica Neue", Arial, sans-serif'
TEMPLATE_NAME = "lead_projector"
CHART_HEIGHT = 460


def _axis() -> dict[str, object]:
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


def coloured_by_label(colours: dict[str, str]) -> dict[str, str]:
    """A colour map keyed by code, keyed by the labels a chart shows instead (in the same order)."""
    return {label(code): colour for code, colour in colours.items()}


def hex_to_rgb(colour: str) -> list[int]:
    return [int(colour[i : i + 2], 16) for i in (1, 3, 5)]


def translucent(colour: str, alpha: float) -> str:
    red, green, blue = hex_to_rgb(colour)
    return f"rgba({red},{green},{blue},{alpha})"
