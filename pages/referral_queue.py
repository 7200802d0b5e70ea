"""Referral queue: referrals waiting at each step on the way to intake, with their clocks.

Staff see who is waiting; leadership see each referral without a name; partners see the counts.
"""

from __future__ import annotations

import streamlit as st

from lead_data import access
from lead_data.figures import casework
from ui.access import may_see, record_export, record_view, require_page
from ui.casework import STEP_HELP, STEP_LABELS, client_links, queue_rows
from ui.data import load, load_later
from ui.settings import current_site, report_settings
from ui.tables import pager, table

viewer = require_page(__file__)
as_of = report_settings().as_of
deadlines = current_site().deadlines

counts = load(casework.referral_queue_counts, as_of=as_of, deadlines=deadlines)

st.title("Referral queue")
st.caption(
    f"Referrals waiting on {as_of:%A %d %B %Y}, each clock counting days since the referral. Deadlines: "
    f"eligibility decided within {deadlines.eligibility_days} days of the referral, SAO verification within "
    f"{deadlines.verification_days}, intake within {deadlines.intake_days}; a referral is past its deadline "
    f"from the day after. Referrals older than {deadlines.window_days} days with no intake have left the queue."
)
columns = st.columns(len(casework.QUEUE_STEPS))
for column, step in zip(columns, counts.itertuples(), strict=True):
    column.metric(
        STEP_LABELS[step.step],
        step.waiting,
        f"{step.past_deadline} past the {step.deadline_days}-day deadline",
        delta_color="inverse" if step.past_deadline else "off",
        delta_arrow="off",
        border=True,
        help=STEP_HELP[step.step] + (f" Longest wait: {step.longest_wait} days." if step.waiting else ""),
    )

if not may_see(casework.referral_queue):
    st.info("The referrals themselves are shown to program staff and leadership; your role sees the counts.")
    st.stop()

total = casework.queue_total(counts)
st.header(f"{total:,} referral{'' if total == 1 else 's'} waiting")
page = pager(total, key="queue-page", page_size=casework.QUEUE_PER_PAGE, restart_on=as_of)
queue = queue_rows(load(casework.referral_queue, as_of=as_of, deadlines=deadlines, page=page))
every_referral = load_later(casework.referral_queue, as_of=as_of, deadlines=deadlines)
with_names = "name" in queue.columns
audit = {"as_of": as_of, "list": "referral queue"}
if with_names:
    record_view(viewer, access.REFERRAL_QUEUE, {**audit, "page": page.number})

if queue.empty:
    st.info("No referral is waiting at any step.")
else:
    table(
        queue,
        file_name=f"lead-referral-queue-{as_of.isoformat()}.csv",
        on_export=(lambda: record_export(viewer, access.REFERRAL_QUEUE, audit)) if with_names else None,
        all_rows=lambda: queue_rows(every_referral()),
        column_config={
            "participant_id": st.column_config.NumberColumn("ID", format="%d"),
            "name": "Name",
            "step": "Step",
            "referral_type": "Referral type",
            "unit": "Officer's unit",
            "referred_on": st.column_config.DateColumn("Referred"),
            "days_waiting": st.column_config.NumberColumn("Days waiting"),
            "deadline_days": st.column_config.NumberColumn("Deadline (days)"),
            "past_deadline": st.column_config.CheckboxColumn("Past deadline"),
        },
    )
    if with_names:
        client_links(queue, key="queue-client")
