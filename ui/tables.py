"""Tables with their own CSV download: formula-safe, and audited when they hold participant-level rows.

Streamlit's built-in table download is switched off (``client.disableDataExport``) because it
cannot be audited or made formula-safe; this is the one way tables leave the dashboard.
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
    """``frame`` as a table, with a "Download CSV" button for exactly its rows and columns."""
    st.dataframe(frame, hide_index=True, column_config=column_config, height=height)
    st.download_button(
        "Download CSV",
        data=csv_bytes(frame),
        file_name=file_name,
        mime="text/csv",
        on_click=on_export or "ignore",
        icon=":material/download:",
        key=f"download-{file_name}",
    )
