"""LEAD operational dashboard: the router. Declares every page, shows each viewer the pages their
role may open, and draws what all pages share."""

from __future__ import annotations

import streamlit as st

from ui.access import (
    draw_access_gate,
    draw_identity,
    may_see_the_database_address,
    signed_out_when_idle,
    viewer_of_this_run,
)
from ui.data import require_database
from ui.navigation import SECTIONS
from ui.runlog import script_run
from ui.settings import draw_report_settings

st.set_page_config(page_title="LEAD dashboard", page_icon=":material/diversity_3:", layout="wide")

# Styles for WCAG 2.1 AA that Streamlit's theme options cannot set:
# - one visible focus ring for every control, links, the tables' grids and the map included (2.4.7):
#   Streamlit's own is missing on some (the current page's link, a table's canvas);
# - reflow to 320 CSS px (1.4.10): tab names wrap instead of scrolling sideways, and a chart's
#   title, which Plotly cannot wrap, is shown as wrapping text above it (ui/charts.py, CHART_TITLE_CLASS).
ACCESSIBILITY_STYLE = """<style>
:focus-visible { outline: 3px solid #0072B2 !important; outline-offset: 2px; }
canvas:focus-visible, [data-testid="stMain"]:focus-visible { outline-offset: -3px; }
[role="tablist"] { flex-wrap: wrap; }
.stElementContainer:has(.lead-chart-title) { display: none; }
.lead-chart-title { font-weight: 600; font-size: 1.15rem; margin: 0; }
/* The menu's section names are h2 (top-level sections, as a page's are: no skipped level before the
   page's h1 and its h2s), drawn the size of the sidebar's h3 they were. */
.st-key-navigation h2 { font-size: 1.125rem; font-weight: 600; padding: 0.75rem 0 1rem 0; }
@media (max-width: 700px) {
  .stElementContainer:has(.lead-chart-title) { display: block; }
  .stPlotlyChart .gtitle { display: none; }
}
</style>"""
NAVIGATION_KEY = "navigation"  # the menu's container: class ``st-key-navigation`` in the browser


def document_title(page: st.Page) -> str:
    """The browser tab's title: the page first, so every page has its own (WCAG 2.4.2)."""
    return f"{page.title} · LEAD dashboard"


def draw_navigation(sections: dict[str, list[st.Page]]) -> None:
    """The sidebar's menu: a heading per section, a link per page the viewer may open.

    Drawn with ``st.page_link`` under headings because Streamlit's own sectioned menu nests section
    ``<div>``s in its ``<ul>`` (axe-core ``list``/``listitem``, WCAG 1.3.1). The links are the same
    ``st.Page`` objects the hidden router holds, so a page added to ui.navigation.SECTIONS needs nothing more.
    """
    with st.sidebar.container(key=NAVIGATION_KEY):
        for section, pages in sections.items():
            st.header(section, anchor=False)
            for page in pages:
                st.page_link(page, label=page.title, icon=page.icon)


with script_run() as run, viewer_of_this_run() as viewer:
    st.html(ACCESSIBILITY_STYLE)
    run.role = viewer.role
    signed_out_when_idle(viewer)
    if viewer.permissions is None:
        gate = st.navigation([st.Page(draw_access_gate, title="Sign in", icon=":material/lock:")])
        st.set_page_config(page_title=document_title(gate))
        run.page = gate.title
        gate.run()
        st.stop()

    allowed = {
        section: [
            st.Page(entry.path, title=entry.title, icon=entry.icon)
            for entry in entries
            if viewer.permissions.may_open(entry.key)
        ]
        for section, entries in SECTIONS.items()
    }
    allowed = {section: pages for section, pages in allowed.items() if pages}
    page = st.navigation(allowed, position="hidden")
    st.set_page_config(page_title=document_title(page))
    run.page = page.title

    draw_navigation(allowed)
    database = require_database()
    draw_report_settings(viewer)
    draw_identity(viewer)
    if not database.is_demo and may_see_the_database_address():
        st.sidebar.caption(f"Database: {database.display_url}")
    page.run()
