"""Tabs of which only the open one runs, the open tab named in the URL (``?tab=Exits``).

Plain ``st.tabs`` runs every tab's body on each run and the browser hides all but one, so a page
computes every tab's figures for the one tab looked at: seconds at a statewide network's size.
Bound to a query parameter, Streamlit's tabs know which one is open (choosing another reruns the
page), so only that tab's section runs; a shared link or a reload opens the same tab. The first
tab is the default and leaves the URL without ``tab``; a value naming no tab is dropped from the
URL and opens the first. Pages share the parameter: moving to another page through the menu keeps
the open tab where that page has one of the same name (Exits on Outcomes and on Equity), else
opens its first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st

TAB_PARAMETER = "tab"  # the query parameter, and the tabs' key in st.session_state


def lazy_tabs(sections: Mapping[str, Callable[[], None]]) -> None:
    """A tab per label of ``sections``; only the open tab's section is called, drawing into its tab."""
    tabs = st.tabs(list(sections), key=TAB_PARAMETER, bind="query-params")
    for tab, draw in zip(tabs, sections.values(), strict=True):
        if tab.open:
            with tab:
                draw()
