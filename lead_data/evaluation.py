"""The evaluation extract: one row per participant for an outside evaluator, pseudonymous.

No names, no dates of birth, no exact dates: a keyed hash (HMAC-SHA256) of the participant id
stands for the person, the referral is given to the month, age as a band. The key is a secret of
the deployment (``LEAD_PSEUDONYM_KEY``), never stored in the program database (which the dashboard
never writes): the same key gives the same pseudonyms on every extract, so an evaluator can join
extracts taken on different days; a different key (another site, or a rotated key) gives
unrelated ones, and without the key nobody can go from a pseudonym back to a participant id.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from datetime import date

import pandas as pd
from sqlalchemy import Connection, select

from lead_data import sql
from lead_data.access import needs
from lead_data.figures.rearrest_outcomes import per_participant_before_after, time_to_first_rearrest_rows
from lead_data.models import Participant

PSEUDONYM_KEY_VARIABLE = "LEAD_PSEUDONYM_KEY"
MINIMUM_KEY_LENGTH = 16
# The demo database's people are made up; its extract may use a published key.
DEMO_PSEUDONYM_KEY = b"lead-demo-database-published-key"
PSEUDONYM_HEX_DIGITS = 16
AGE_BANDS = ((18, "under 18"), (25, "18-24"), (35, "25-34"), (45, "35-44"), (55, "45-54"), (65, "55-64"))
OLDEST_BAND = "65 and over"
EXTRACT_COLUMNS = (
    "pseudonym", "referral_month", "referral_type", "age_band", "sex", "race",
    "days_to_first_rearrest_or_censoring", "rearrested", "after_window_days",
    "arrests_before", "arrests_after", "bookings_before", "bookings_after",
    "jail_days_before", "jail_days_after",
)  # fmt: skip


class PseudonymKeyProblem(Exception):
    """No usable key for pseudonyms: no extract."""


def pseudonym_key(*, demo: bool) -> bytes:
    """The deployment's pseudonym key from ``LEAD_PSEUDONYM_KEY``; the published demo key on the demo database."""
    secret = os.environ.get(PSEUDONYM_KEY_VARIABLE, "")
    if secret:
        if len(secret) < MINIMUM_KEY_LENGTH:
            raise PseudonymKeyProblem(
                f"{PSEUDONYM_KEY_VARIABLE} is too short to keep pseudonyms safe: use at least "
                f"{MINIMUM_KEY_LENGTH} random characters (e.g. `openssl rand -hex 32`)."
            )
        return secret.encode("utf-8")
    if demo:
        return DEMO_PSEUDONYM_KEY
    raise PseudonymKeyProblem(
        f"The evaluation extract needs a pseudonym key: set {PSEUDONYM_KEY_VARIABLE} in the dashboard's "
        "environment to a long random secret (e.g. `openssl rand -hex 32`), keep it out of the program "
        "database, and keep it the same so that pseudonyms stay the same from one extract to the next."
    )


def pseudonym(participant_id: int, key: bytes) -> str:
    """A stable pseudonym for a participant: the first hex digits of HMAC-SHA256(key, id)."""
    digest = hmac.new(key, f"participant:{participant_id}".encode(), hashlib.sha256).hexdigest()
    return digest[:PSEUDONYM_HEX_DIGITS]


def age_band(born_on: date | None, on: date) -> str:
    if born_on is None or pd.isna(born_on):
        return sql.NOT_RECORDED
    age = on.year - born_on.year - ((on.month, on.day) < (born_on.month, born_on.day))
    return next((band for limit, band in AGE_BANDS if age < limit), OLDEST_BAND)


@needs("evaluation_extract")
def evaluation_extract(conn: Connection, *, as_of: date, key: bytes, cohort: sql.Cohort = sql.EVERYONE) -> pd.DataFrame:
    """One row per participant of the cohort (T0 ≤ D), ordered by pseudonym.

    Columns: pseudonym, referral_month ('YYYY-MM'), referral_type, age_band (age at referral),
    sex, race ("not recorded" when null), days_to_first_rearrest_or_censoring and rearrested (1:
    re-arrested, 0: censored at D) as in ``outcomes.rearrest_outcomes``, after_window_days
    (the after window's length, at most 365), and the counts of ``outcomes.rates_before_and_after``:
    arrests_before, arrests_after (re-arrests), bookings_before, bookings_after, jail_days_before,
    jail_days_after.
    """
    people = sql.cohort(as_of, cohort)
    counts = per_participant_before_after(as_of, people)
    clock = time_to_first_rearrest_rows(as_of, people)
    statement = (
        select(
            counts.c.participant_id,
            counts.c.referral_month,
            counts.c.referral_type,
            counts.c.referred_on,
            Participant.date_of_birth,
            Participant.sex,
            Participant.race,
            clock.c.days.label("days_to_first_rearrest_or_censoring"),
            clock.c.event.label("rearrested"),
            *(counts.c[column] for column in EXTRACT_COLUMNS[8:]),
        )
        .join(clock, clock.c.participant_id == counts.c.participant_id)
        .join(Participant, Participant.participant_id == counts.c.participant_id)
    )
    rows = sql.frame(conn, statement)
    referred_on = pd.to_datetime(rows["referred_on"]).dt.date
    born_on = pd.to_datetime(rows["date_of_birth"]).dt.date
    rows["pseudonym"] = [pseudonym(int(person), key) for person in rows["participant_id"]]
    rows["referral_month"] = rows["referral_month"].str[:7]
    rows["age_band"] = [age_band(born, on) for born, on in zip(born_on, referred_on, strict=True)]
    for column in ("sex", "race"):
        rows[column] = rows[column].fillna(sql.NOT_RECORDED)
    extract = rows[list(EXTRACT_COLUMNS)].sort_values("pseudonym", ignore_index=True)
    return extract.astype({column: int for column in EXTRACT_COLUMNS[6:]})
