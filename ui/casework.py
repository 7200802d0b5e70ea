"""What the casework pages share: the referral queue's rows in words, and the way from a list of people to one
client's page."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lead_data.figures import casework
from lead_data.labels import labelled
from ui.text import isolated_text, markdown_literal

CLIENT_PAGE = "pages/client.py"
CLIENT_PARAMETER = "participant"

STEP_LABELS = {
    casework.PENDING_ELIGIBILITY: "Pending eligibility",
    casework.AWAITING_VERIFICATION: "Awaiting SAO verification",
    casework.AWAITING_INTAKE: "Awaiting intake",
}
STEP_HELP = {
    casework.PENDING_ELIGIBILITY: "Referred; eligibility not decided yet.",
    casework.AWAITING_VERIFICATION: "Eligible; the State's Attorney's Office has not verified it yet.",
    casework.AWAITING_INTAKE: "Eligible and SAO-verified; no intake yet.",
}


def queue_rows(queue: pd.DataFrame) -> pd.DataFrame:
    """The queue's rows as the table shows them: steps and referral types in words."""
    return labelled(queue.assign(step=queue["step"].map(STEP_LABELS)), "referral_type")


def client_links(*lists: pd.DataFrame, key: str) -> None:
    """A chooser of the people in ``lists`` (each with participant_id and name) and a link to the
    chosen one's page. Only for staff pages: the client page is staff-only."""
    names = {
        int(participant_id): name
        for frame in lists
        for participant_id, name in zip(frame["participant_id"], frame["name"], strict=True)
    }
    if not names:
        return
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    chosen = left.selectbox(
        "Open a client's page",
        options=list(names),
        index=None,
        format_func=lambda participant_id: f"{isolated_text(names[participant_id])} (ID {participant_id})",
        placeholder="Choose a client from the list above",
        key=key,
    )
    if chosen is not None:
        right.page_link(
            CLIENT_PAGE,
            label=f"Open {markdown_literal(names[chosen])}'s page",
            icon=":material/person:",
            query_params={CLIENT_PARAMETER: str(chosen)},
        )
