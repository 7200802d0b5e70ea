"""Every figure function declares who may run it, on the function itself, and the declarations hold:
run as each role with what that role may see, no figure returns more than the role's permissions allow.

A figure is a public function of any module of the ``lead_data`` package (subpackages included) whose
first parameter is the connection: what ``ui.data.load`` runs. Renaming one cannot lift its restriction,
and a new one without a mark is refused by ``load`` and fails here.
"""

from __future__ import annotations

import dataclasses
import inspect
from datetime import date, timedelta
from types import ModuleType
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import lead_data
from lead_data import evaluation, sql
from lead_data.access import PERMISSIONS, ROLES, figure_access, figures_in, may_load, package_modules, role_arguments
from lead_data.db import DATABASE_URL_VARIABLE
from lead_data.figures import (
    caseload,
    casework,
    enrollment,
    equity,
    meeting,
    officers,
    participants,
    quality,
    referral_places,
)
from lead_data.models import CONTRACT_TABLES
from lead_data.periods import Period
from lead_data.site import load_site
from tests.apptest import AUTH_SECRETS, STAFF_USER

# Every module of the data package, however deep (the command line and the migrations hold no figures),
# but the SQL toolkit: its frame(conn, statement) and scalar(conn, statement) run the figures' statements.
FIGURE_MODULES: tuple[ModuleType, ...] = tuple(module for module in package_modules(lead_data) if module is not sql)
D = date(2024, 6, 30)
# What each figure parameter gets here; a figure with a parameter missing from this table fails the test.
SAMPLE_INPUTS: dict[str, Any] = {
    "as_of": D,
    "today": D,
    "period": Period(date(2024, 1, 1), D),
    "site": load_site(),
    "filters": participants.ParticipantFilters(),
    "by": tuple(enrollment.REFERRAL_DIMENSIONS),
    "cohort": sql.EVERYONE,
    "tables": CONTRACT_TABLES,
    "key": b"figure-marks-test-key",
    "costs": load_site().costs,
    "deadlines": load_site().deadlines,
    "staff_id": None,  # every team
    "participant_id": None,  # set by the ``program`` fixture: a canary's id
}
CONSENTED, UNCONSENTED = "Qqmark Consented", "Zzmark Private"
STAFF_NAME = "Staff Test-"  # what tests/program.py names every staff member
OFFICER_NAME = "Officer Test-"  # and every officer
SERVICE = "sud_treatment"
LATITUDE, LONGITUDE = 39.2904123, -76.6122456


def figures() -> list[Any]:
    found = []
    for module in FIGURE_MODULES:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            parameters = list(inspect.signature(function).parameters)
            if function.__module__ == module.__name__ and not name.startswith("_") and parameters[:1] == ["conn"]:
                found.append(function)
    return found


FIGURES = figures()


def test_the_figures_are_found():
    names = {figure.__name__ for figure in FIGURES}
    assert {"participant_list", "unassigned_clients", "caseload_by_team", "public_summary", "check_database"} <= names
    assert {"rearrest_outcomes", "comparison", "evaluation_extract", "program_cost"} <= names
    assert {"referrals_by_group", "rearrested_within_year_by_group", "referrals_by_officer"} <= names
    assert {"caseload_forecast", "weekly_changes", "referral_locations", "program_cost"} <= names


def test_the_marked_figures_are_the_figures_found():
    """``access.figures_in`` (what other tests and the docs use for "every figure") finds these same ones."""
    assert set(figures_in(lead_data)) == set(FIGURES)


@pytest.mark.parametrize("figure", FIGURES, ids=lambda figure: figure.__name__)
def test_every_figure_declares_who_may_run_it(figure):
    declared = figure_access(figure)
    assert declared is not None, f"{figure.__module__}.{figure.__name__} has no access mark (lead_data.access)"
    for argument in declared.role_arguments:
        assert argument in inspect.signature(figure).parameters, f"{figure.__name__} has no parameter {argument}"


@pytest.mark.parametrize(
    "figure, permission",
    [
        (participants.participant_list, "participant_lists"),
        (caseload.unassigned_clients, "participant_lists"),
        (participants.team_names, "participant_lists"),
        (quality.check_database, "participant_lists"),
        (participants.service_linkage, "services"),
        (referral_places.referral_locations, "referral_points"),
        (evaluation.evaluation_extract, "evaluation_extract"),
    ],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_the_known_restricted_figures_carry_their_permission(figure, permission):
    assert figure_access(figure).needs == permission


def test_what_the_role_decides_is_the_role_s_own_permission():
    assert figure_access(meeting.meeting_agenda).role_arguments == {
        "with_names": "consented_agenda_names",
        "with_ids": "participant_lists",
    }
    assert figure_access(caseload.caseload_by_team).role_arguments == {"with_staff_names": "staff_names"}
    assert figure_access(officers.referrals_by_officer).role_arguments == {"with_officer_names": "officer_names"}
    for by_group in (equity.referrals_by_group, equity.days_to_intake_by_group, equity.exits_by_group):
        assert figure_access(by_group).role_arguments == {"with_small_counts": "small_counts"}
    assert role_arguments("partner", meeting.meeting_agenda) == {"with_names": True, "with_ids": False}
    assert role_arguments("leadership", meeting.meeting_agenda) == {"with_names": False, "with_ids": False}


def test_an_undeclared_function_may_be_loaded_by_no_role():
    def undeclared(conn):
        return 0

    assert not any(may_load(role, undeclared) for role in ROLES)


def as_text(value: Any) -> str:
    """Everything a figure's value holds, as text: column names, cells, fields."""
    if isinstance(value, pd.DataFrame):
        return " ".join(map(str, value.columns)) + "\n" + value.to_csv(index=False)
    if dataclasses.is_dataclass(value):
        return "\n".join(as_text(getattr(value, field.name)) for field in dataclasses.fields(value))
    if isinstance(value, dict):
        return "\n".join(f"{as_text(key)} {as_text(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return "\n".join(as_text(item) for item in value)
    return str(value)


def reveals(text: str) -> dict[str, bool]:
    """Which permission each thing found in ``text`` needs."""
    return {
        "participant_lists": UNCONSENTED in text or "participant_id" in text or "example_ids" in text,
        "consented_agenda_names": CONSENTED in text,
        "staff_names": STAFF_NAME in text,
        "officer_names": OFFICER_NAME in text,
        "services": SERVICE in text,
        "referral_points": "latitude" in text or str(LATITUDE)[:7] in text or str(LONGITUDE)[:8] in text,
    }


@pytest.fixture
def program(db, monkeypatch):
    team = db.team("Team A")
    consented = db.participant(*CONSENTED.split())
    db.enroll(consented, intake_on=D - timedelta(days=2), team_id=team)
    db.consent(consented, signed_on=D - timedelta(days=2))
    private = db.participant(*UNCONSENTED.split())
    db.enroll(private, intake_on=D - timedelta(days=3))
    monkeypatch.setitem(SAMPLE_INPUTS, "participant_id", private)  # the client page's canary
    db.service(private, category=SERVICE, referred_on=D - timedelta(days=3), started_on=D - timedelta(days=1))
    officer = db.officer(lead_trained_on=D - timedelta(days=100))
    db.referral(private, D - timedelta(days=20), latitude=LATITUDE, longitude=LONGITUDE, officer_id=officer)
    waiting = db.participant(*UNCONSENTED.split())  # on the referral queue
    db.referral(waiting, D - timedelta(days=5), eligibility="pending")
    return db


@pytest.mark.parametrize("role", ROLES)
def test_no_figure_returns_more_than_the_role_may_see(program, role):
    permissions = PERMISSIONS[role]
    checked = 0
    with program.connect() as conn:
        for figure in FIGURES:
            if not may_load(role, figure):
                continue
            parameters = [name for name in inspect.signature(figure).parameters if name != "conn"]
            inputs = {name: SAMPLE_INPUTS[name] for name in parameters if name in SAMPLE_INPUTS}
            text = as_text(figure(conn, **inputs, **role_arguments(role, figure)))
            for permission, found in reveals(text).items():
                assert not found or getattr(permissions, permission), (
                    f"{figure.__name__} shows the {role} role what needs {permission}"
                )
            checked += 1
    assert checked >= 10


def test_the_check_sees_what_a_restricted_figure_shows(program):
    """The canaries are in the database: run as staff, the restricted figures show every one."""
    with program.connect() as conn:
        shown = "\n".join(
            as_text(figure)
            for figure in (
                participants.participant_list(conn, as_of=D),
                caseload.caseload_by_team(conn, as_of=D, with_staff_names=True),
                participants.service_linkage(conn, as_of=D),
                referral_places.referral_locations(conn, as_of=D, site=SAMPLE_INPUTS["site"]),
                meeting.meeting_agenda(conn, as_of=D, with_names=True, with_ids=True),
                casework.referral_queue(conn, as_of=D, deadlines=SAMPLE_INPUTS["deadlines"], with_names=True),
                casework.client_record(conn, as_of=D, participant_id=SAMPLE_INPUTS["participant_id"]),
                officers.referrals_by_officer(conn, as_of=D, period=SAMPLE_INPUTS["period"], with_officer_names=True),
            )
        )
    assert all(reveals(shown).values()), reveals(shown)


LOADS_AN_UNDECLARED_FIGURE = """
import streamlit as st
from datetime import date

from lead_data.figures import enrollment
from ui.data import load

def unmarked_count(conn, *, as_of):
    return 7

st.metric("Enrolled", load(enrollment.enrolled_ever, as_of=date(2024, 6, 30)))
st.metric("Unmarked", load(unmarked_count, as_of=date(2024, 6, 30)))
"""


def test_load_refuses_a_figure_that_declares_nothing_and_logs_its_name(program, monkeypatch, caplog):
    monkeypatch.setenv(DATABASE_URL_VARIABLE, program.url)
    at = AppTest.from_string(LOADS_AN_UNDECLARED_FIGURE, default_timeout=60)
    at.secrets["auth"] = AUTH_SECRETS
    at.user = {"is_logged_in": True, "email": STAFF_USER, "email_verified": True}
    at.run()
    assert not at.exception
    assert [metric.label for metric in at.metric] == ["Enrolled"]
    assert "not available" in at.error[0].value
    assert any("unmarked_count" in record.getMessage() for record in caplog.records if record.levelname == "ERROR")
