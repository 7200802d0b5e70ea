"""Tables with their own CSV download: formula-safe, made on the click, and audited when they hold
participant-level rows.

Streamlit's built-in table download is switched off (``client.disableDataExport``) because it
cannot be audited or made formula-safe; this is the one way tables leave the dashboard. The CSV is
made only when the button is clicked, within the session that drew the table (Streamlit runs the
button's callable then): a file handed to ``st.download_button`` up front would sit at a media URL
that answers anyone holding it, before any click and with nothing audited.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from lead_data.export import csv_bytes


def table(
    frame: pd.DataFrame,
    *,
    file_name: str,
    column_config: dict[str, Any] | None = None,
    on_export: Callable[[], None] | None = None,
    height: int | str = "auto",
) -> None:
    """``frame`` as a table, with a "Download CSV" button for exactly its rows and columns.

    ``on_export`` runs on each click before the CSV is made, to audit it: if it fails, there is no file.
    """
    st.dataframe(frame, hide_index=True, column_config=column_config, height=height)
    st.download_button(
        "Download CSV",
        data=lambda: exported(frame, on_export),
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
