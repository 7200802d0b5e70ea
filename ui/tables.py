"""Tables with their own CSV download: formula-safe, made on the click, and audited when they hold
participant-level rows.

Streamlit's built-in table download is switched off (``client.disableDataExport``) because it
cannot be audited or made formula-safe; this is the one way tables leave the dashboard. The CSV is
made only when the button is clicked, within the session that drew the table (Streamlit runs the
button's callable then): a file handed to ``st.download_button`` up front would sit at a media URL
that answers anyone holding it, before any click and with nothing audited.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Literal

import pandas as pd
import streamlit as st

from lead_data.export import csv_bytes
from lead_data.figures.participants import ListPage, page_count


def table(
    frame: pd.DataFrame,
    *,
    file_name: str,
    column_config: dict[str, Any] | None = None,
    on_export: Callable[[], None] | None = None,
    height: int | Literal["auto", "content", "stretch"] = "auto",
    all_rows: Callable[[], pd.DataFrame] | None = None,
) -> None:
    """``frame`` as a table, with a "Download CSV" button for exactly its rows and columns, or, when
    ``frame`` is one page of a longer list, for every row ``all_rows`` gives on the click.

    ``on_export`` runs on each click before the CSV is made, to audit it: if it fails, there is no file.
    """
    st.dataframe(frame, hide_index=True, column_config=column_config, height=height)
    st.download_button(
        "Download CSV",
        data=lambda: exported(all_rows() if all_rows is not None else frame, on_export),
        file_name=file_name,
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key=f"download-{file_name}",
    )


def exported(frame: pd.DataFrame, on_export: Callable[[], None] | None) -> bytes:
    if on_export is not None:
        on_export()
    return csv_bytes(frame)


def pager(total: int, *, key: str, page_size: int, restart_on: Hashable) -> ListPage:
    """The page of a ``total``-row list to show, chosen with Previous / Next and a page number under
    "Showing 101–200 of 12,345"; nothing to choose or show when one page holds them all.

    The page number is kept in ``st.session_state[key]``; it goes back to page 1 when ``restart_on``
    (the list's filters) changes, and never points past the last page.
    """
    pages = page_count(total, page_size)
    state = st.session_state
    restart_key = f"{key}-restart-on"
    if state.get(restart_key) != restart_on:
        state[restart_key] = restart_on
        state[key] = 1
    state[key] = min(max(int(state.get(key) or 1), 1), pages)
    page = ListPage(state[key], page_size)
    if pages > 1:
        previous, number, following, showing = st.columns([1, 1, 1, 3], vertical_alignment="bottom")
        previous.button(
            "Previous",
            key=f"{key}-previous",
            on_click=_turn,
            args=(key, -1),
            disabled=page.number == 1,
            icon=":material/chevron_left:",
            width="stretch",
        )
        number.number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, step=1, key=key)
        following.button(
            "Next",
            key=f"{key}-next",
            on_click=_turn,
            args=(key, 1),
            disabled=page.number == pages,
            icon=":material/chevron_right:",
            icon_position="right",
            width="stretch",
        )
        showing.caption(f"Showing {page.offset + 1:,}–{min(page.offset + page_size, total):,} of {total:,}")
    return page


def _turn(key: str, step: int) -> None:
    st.session_state[key] = int(st.session_state[key]) + step
