"""Display labels: the words shown for the coded values of the database and the figures.

Every chart, table, map legend, page and report that shows a code (a referral type, a severity, an
exit reason, a funnel stage, an agenda reason…) shows it through ``label``, so a value is worded once
and the same everywhere. A code with no label here is shown as it is (team names, places, free text).
"""

from __future__ import annotations

import pandas as pd

from lead_data.sql import (
    CONTACT_OVERDUE,
    ENGAGED,
    ENGAGED_MAX_DAYS,
    IN_THE_WIND,
    NOT_RECORDED,
    OVERDUE_MAX_DAYS,
)

LABELS: dict[str, str] = {
    # referral types (docs/DATA_CONTRACT.md, referrals.referral_type)
    "arrest_diversion": "Arrest diversion",
    "social_contact": "Social contact",
    # offense categories and severities
    "drug": "Drug",
    "prostitution": "Prostitution",
    "other": "Other",
    "felony": "Felony",
    "misdemeanor": "Misdemeanor",
    # engagement levels
    "engaged": "Engaged",
    "contact_overdue": "Contact overdue",
    "in_the_wind": "In the wind",
    # reasons a referral was found ineligible
    "under_supervision": "Under supervision",
    "disqualifying_record": "Disqualifying record",
    "open_case_or_warrant": "Open case or warrant",
    "public_safety_threat": "Public safety threat",
    # service categories
    "sud_treatment": "SUD treatment",
    "mental_health": "Mental health",
    "medical": "Medical",
    "housing": "Housing",
    "employment": "Employment",
    "income_benefits": "Income / benefits",
    "id_documents": "ID documents",
    "legal": "Legal",
    # the eligibility funnel's stages and a participant's status
    "referred": "Referred",
    "decided": "Decided",
    "eligible": "Eligible",
    "sao_verified": "SAO verified",
    "enrolled": "Enrolled",
    "active": "Active",
    "exited": "Exited",
    # the weekly meeting's reasons to discuss a client (the others are engagement levels and exits)
    "new_intake": "New intake",
    "rearrested": "Re-arrest",
    # kinds of re-arrest
    "new_offense": "New offense",
    "warrant_only": "Warrant only",
    # exit reasons
    "graduated": "Graduated",
    "disengaged": "Disengaged",
    "moved": "Moved",
    "incarcerated": "Incarcerated",
    "deceased": "Deceased",
    # outcome measures
    "housed": "Housed",
    "employed": "Employed",
    "legal_income": "Legal income",
    # the groups and years compared on Outcomes
    "participants": "LEAD participants",
    "comparison": "Comparison group",
    "before": "Year before referral",
    "after": "Year after intake",
    NOT_RECORDED: "Not recorded",
}


def label(code: object) -> str:
    """The display label of a coded value; a value with none is shown as it is."""
    return LABELS.get(str(code), str(code))


def labelled(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """A copy with the coded values of ``columns`` replaced by their display labels."""
    frame = frame.copy()
    for column in columns:
        frame[column] = frame[column].map(label)
    return frame


def engagement_days(level: str) -> str:
    """What puts a client at engagement ``level``, in words built from the rule's thresholds (``lead_data.sql``),
    for help texts and notes."""
    return {
        ENGAGED: f"{ENGAGED_MAX_DAYS} days or fewer since the last contact",
        CONTACT_OVERDUE: f"{ENGAGED_MAX_DAYS + 1}–{OVERDUE_MAX_DAYS} days since the last contact",
        IN_THE_WIND: f"more than {OVERDUE_MAX_DAYS} days since the last contact",
    }[level]
