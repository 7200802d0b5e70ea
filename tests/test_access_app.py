"""Who may see what, through the running app: the role × page matrix, canaries, the gates, the audit log."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta
from itertools import pairwise

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.media_file_storage import MediaFileStorageError
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import HeadingBase

import ui.access
from lead_data.access import PERMISSIONS, ROLES
from lead_data.db import DATABASE_URL_VARIABLE
from tests.apptest import (
    APP,
    AUTH_SECRETS,
    NO_ROLE_USER,
    PARTNER_USER,
    PUBLIC_USER,
    STAFF_USER,
    USER_OF_ROLE,
    metrics,
    open_app,
)
from ui import navigation

D = date(2024, 6, 30)
PAGES = {page.key: page.path for page in navigation.PAGES}  # the router's pages, by their access key
CANARIES = ("Qqcanary", "Zzcanary", "Xxcanary", "Wwcanary")


def default_page(role: str) -> str:
    return PAGES[PERMISSIONS[role].pages[0]]


def everything_shown(at: AppTest) -> str:
    """All the text an AppTest run put on screen, tables, charts and maps included."""

    def walk(node) -> list[str]:
        children = getattr(node, "children", None)
        if children:
            return [text for child in children.values() for text in walk(child)]
        texts = [str(getattr(node, "proto", ""))]
        if getattr(node, "type", "") == "arrow_data_frame":
            texts.append(node.value.to_csv())
        return texts

    return "\n".join(walk(at.main) + walk(at.sidebar))


def heading_levels(node) -> list[int]:
    """The levels of the headings under ``node`` (h1 is 1), in the order a reader meets them."""
    if isinstance(node, HeadingBase):
        return [int(node.proto.tag.removeprefix("h"))]
    children = getattr(node, "children", None) or {}
    return [level for child in children.values() for level in heading_levels(child)]


@pytest.fixture
def program(db, monkeypatch):
    """A program with distinctive fake names: one with a release in force, one never, one revoked."""
    team = db.team("Team A")
    consented = db.participant("Qqcanary", "Consented")
    db.enroll(consented, intake_on=D - timedelta(days=2), team_id=team)
    db.consent(consented, signed_on=D - timedelta(days=2))
    never = db.participant("Zzcanary", "Hidden")
    db.enroll(never, intake_on=D - timedelta(days=3), team_id=team)
    db.service(never, category="sud_treatment", referred_on=D - timedelta(days=3), started_on=D - timedelta(days=1))
    revoked = db.participant("Xxcanary", "Revoked")
    db.enroll(revoked, intake_on=date(2024, 1, 2), exited_on=D - timedelta(days=1), team_id=team)
    db.consent(revoked, signed_on=date(2024, 1, 2), revoked_on=date(2024, 5, 1))
    waiting = db.participant("Wwcanary", "Unassigned")
    db.enroll(waiting, intake_on=date(2024, 5, 1))
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)
    return {"consented": consented, "never": never, "waiting": waiting}


def test_every_page_a_role_opens_is_a_page_of_the_router_and_every_page_opens_for_some_role():
    opened = {page for permissions in PERMISSIONS.values() for page in permissions.pages}
    assert opened <= set(PAGES), opened - set(PAGES)
    assert set(PAGES) <= opened, set(PAGES) - opened
    assert len(PAGES) == len(navigation.PAGES), "two pages share a key"


def test_a_script_the_router_does_not_declare_is_no_page():
    assert navigation.page_of_script(navigation.APP_FOLDER / "pages" / "caseload.py").title == "Caseload"
    with pytest.raises(LookupError, match="declare it in ui.navigation.SECTIONS"):
        navigation.page_of_script(navigation.APP_FOLDER / "pages" / "nowhere.py")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_role_page_matrix(program, role, page):
    user, first = USER_OF_ROLE[role], default_page(role)
    if PERMISSIONS[role].may_open(page):
        at = open_app(PAGES[page], user=user, first_page=first, as_of=D.isoformat())
        assert not any("not available" in error.value for error in at.error)
        assert at.title
        # The page's h1, its sections h2 and theirs h3: no level skipped (Lighthouse's heading-order);
        # the menu's sections are top-level sections too.
        levels = heading_levels(at.main)
        assert levels[0] == 1 and all(level <= before + 1 for before, level in pairwise(levels)), levels
        assert set(heading_levels(at.sidebar)) == {2}
        return
    # Absent from the navigation ...
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_app(PAGES[page], user=user, first_page=first, as_of=D.isoformat())
    # ... and refusing to draw when its script is reached directly, as by its URL.
    direct = AppTest.from_file(str(APP.parent / PAGES[page]), default_timeout=60)
    direct.secrets["auth"] = AUTH_SECRETS
    direct.user = {"is_logged_in": True, "email": user, "email_verified": True}
    direct.query_params["as_of"] = D.isoformat()
    direct.run()
    assert f"not available to the {role} role" in direct.error[0].value
    assert not direct.metric and not direct.dataframe


@pytest.mark.parametrize("role", ["partner", "public"])
def test_canary_names_never_reach_partners_or_the_public(program, role, roles_and_audit_files):
    shown = []
    for page in PERMISSIONS[role].pages:
        at = open_app(PAGES[page], user=USER_OF_ROLE[role], first_page=default_page(role), as_of=D.isoformat())
        shown.append(everything_shown(at))
    text = "\n".join(shown)
    allowed = {"Qqcanary"} if role == "partner" else set()  # consented, on the meeting agenda only
    for canary in CANARIES:
        assert (canary in text) == (canary in allowed), canary
    assert "sud_treatment" not in text and "SUD treatment" not in text


def test_partners_see_consented_names_on_the_agenda_and_a_count_for_the_rest(program):
    at = open_app("pages/weekly_meeting.py", user=PARTNER_USER, as_of=D.isoformat())
    agenda = at.table[-1].value
    assert agenda["Name"].tolist() == ["Qqcanary Consented"]
    assert agenda["Why"].tolist() == ["New intake"]
    assert "3 more participants without a release on file" in everything_shown(at)


def test_leadership_sees_the_agenda_as_counts_only(program):
    at = open_app("pages/weekly_meeting.py", user="director@lead.test", as_of=D.isoformat())
    text = everything_shown(at)
    assert "4 participants with something to discuss" in text
    assert not any(canary in text for canary in CANARIES)


def test_staff_see_the_unassigned_client_list_but_partners_only_its_count(program):
    staff = open_app("pages/caseload.py", user=STAFF_USER, as_of=D.isoformat())
    assert staff.dataframe[-1].value["participant_id"].tolist() == [program["waiting"]]
    partner = open_app("pages/caseload.py", user=PARTNER_USER, as_of=D.isoformat())
    assert metrics(partner)["Unassigned clients"] == "1"
    assert len(partner.dataframe) == 2  # the team table and the forecast, no client list
    assert "peer" not in partner.dataframe[0].value.columns


def test_the_viewer_is_worked_out_once_per_run(program, monkeypatch):
    calls = []
    worked_out = ui.access.current_viewer
    monkeypatch.setattr(ui.access, "current_viewer", lambda: calls.append(1) or worked_out())
    at = open_app("pages/overview.py", as_of=D.isoformat())
    assert metrics(at)["Active now"] == "3" and len(at.metric) > 5  # many figures loaded ...
    assert len(calls) == 1  # ... and one viewer for all their gates


@pytest.mark.parametrize("role", ROLES)
def test_only_staff_are_shown_where_the_database_is(program, role):
    at = open_app(default_page(role), user=USER_OF_ROLE[role], first_page=default_page(role), as_of=D.isoformat())
    shown = everything_shown(at)
    assert at.sidebar.caption  # the sidebar was drawn
    assert ("program.sqlite" in shown or "postgresql" in shown) is (role == "staff")


def test_a_broken_roles_file_refuses_everyone_plainly_and_logs_the_detail(program, monkeypatch, tmp_path, caplog):
    roles = tmp_path / "secret-location" / "roles.toml"
    roles.parent.mkdir()
    roles.write_text(f'[users]\n"{STAFF_USER}" = "staff"\n"other.person@lead.test" = "superuser"\n')
    monkeypatch.setenv("LEAD_ROLES_FILE", str(roles))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = AUTH_SECRETS
    at.user = {"is_logged_in": True, "email": STAFF_USER, "email_verified": True}
    at.run()
    shown = everything_shown(at)
    assert "cannot be read" in at.warning[0].value and not at.metric
    assert "secret-location" not in shown and "other.person" not in shown and "superuser" not in shown
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "secret-location" in logged and "superuser" in logged


def test_a_signed_in_user_with_no_role_sees_only_the_no_access_page(program):
    at = open_app(user=NO_ROLE_USER, first_page="pages/overview.py")
    assert "no access" in at.warning[0].value
    assert not at.metric and not at.dataframe
    assert [button.label for button in at.button] == ["Sign out"]


def test_signing_in_is_required_when_sign_in_is_configured(program):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = AUTH_SECRETS
    at.user = {"is_logged_in": False}
    at.run()
    assert [button.label for button in at.button] == ["Sign in"]
    assert not at.metric


def signed_in_with(claims: dict) -> AppTest:
    """The app run once for a sign-in whose identity token carries ``claims``."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = AUTH_SECRETS
    at.user = {"is_logged_in": True, "name": "Test User", **claims}
    at.query_params["as_of"] = D.isoformat()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_verified_staff_email_sees_the_pages(program):
    at = signed_in_with({"email": STAFF_USER, "email_verified": True})
    assert metrics(at)["Active now"] == "3"


@pytest.mark.parametrize("user", [STAFF_USER, PARTNER_USER])
@pytest.mark.parametrize("verified", [False, "false"])
def test_an_unverified_email_gets_no_role_whatever_the_roles_file_says(program, user, verified):
    at = signed_in_with({"email": user, "email_verified": verified})
    assert "has not verified" in at.warning[0].value
    assert not at.metric and not at.dataframe
    assert [button.label for button in at.button] == ["Sign out"]


def test_a_sign_in_that_does_not_say_whether_the_email_is_verified_is_refused(program):
    at = signed_in_with({"email": STAFF_USER})
    assert "has not verified" in at.warning[0].value
    assert not at.metric


def test_entra_ids_email_domain_owner_verified_claim_counts_as_verified(program):
    assert metrics(signed_in_with({"email": STAFF_USER, "xms_edov": True}))["Active now"] == "3"
    assert not signed_in_with({"email": STAFF_USER, "xms_edov": False}).metric


def test_a_provider_the_site_trusts_for_emails_needs_no_claim_but_an_explicit_no_still_refuses(program, monkeypatch):
    issuer = "https://login.microsoftonline.com/tenant-id/v2.0"
    monkeypatch.setenv("LEAD_TRUST_EMAILS_FROM", issuer)
    assert metrics(signed_in_with({"email": STAFF_USER, "iss": issuer}))["Active now"] == "3"
    assert not signed_in_with({"email": STAFF_USER, "iss": "https://accounts.example.com"}).metric
    assert not signed_in_with({"email": STAFF_USER, "iss": issuer, "email_verified": False}).metric


def test_a_real_database_without_sign_in_shows_no_data(program):
    at = open_app(user=None)
    assert "no sign-in is configured" in at.warning[0].value
    assert not at.metric and not at.dataframe


def test_a_trusted_proxy_without_its_identity_header_gets_no_access(program, monkeypatch):
    monkeypatch.setenv("LEAD_TRUST_PROXY_HEADER", "X-Forwarded-Email")
    at = open_app(user=None)
    assert "no access" in at.warning[0].value
    assert not at.metric


def test_an_idle_session_is_signed_out_after_30_minutes(program):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = AUTH_SECRETS
    at.user = {"is_logged_in": True, "email": STAFF_USER, "email_verified": True}
    at.session_state["_lead_last_interaction"] = time.time() - 31 * 60
    at.run()
    assert at.user.get("is_logged_in") is False


def test_a_recently_active_session_stays_signed_in(program):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = AUTH_SECRETS
    at.user = {"is_logged_in": True, "email": STAFF_USER, "email_verified": True}
    at.session_state["_lead_last_interaction"] = time.time() - 29 * 60
    at.query_params["as_of"] = D.isoformat()
    at.run()
    assert at.user.get("is_logged_in") is True
    assert metrics(at)["Active now"] == "3"


def test_viewing_the_participant_list_is_audited_without_names(program, roles_and_audit_files):
    at = open_app("pages/participants.py", user=STAFF_USER, as_of=D.isoformat())
    at.text_input[0].input("Qqcanary").run()
    assert at.dataframe[0].value["name"].tolist() == ["Qqcanary Consented"]
    lines = [json.loads(line) for line in roles_and_audit_files.read_text().splitlines()]
    assert [(line["event"], line["user"], line["role"], line["page"]) for line in lines][-1] == (
        "view",
        STAFF_USER,
        "staff",
        "participants",
    )
    assert lines[-1]["filters"]["name_search"] is True
    assert not any(canary in roles_and_audit_files.read_text() for canary in CANARIES)


@pytest.fixture
def media_files(monkeypatch):
    """What the app puts in Streamlit's media storage (what its media URLs serve, to anyone holding
    the URL), and the download buttons' deferred callables with the manager that holds them."""
    stored: list[bytes] = []
    deferred: list[MediaFileManager] = []
    store, defer = MemoryMediaFileStorage.load_and_get_id, MediaFileManager.add_deferred

    def storing(self, data, *args, **kwargs):
        stored.append(data if isinstance(data, bytes) else b"")
        return store(self, data, *args, **kwargs)

    def deferring(self, *args, **kwargs):
        deferred.append(self)
        return defer(self, *args, **kwargs)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", storing)
    monkeypatch.setattr(MediaFileManager, "add_deferred", deferring)
    return stored, deferred


def test_a_csv_is_made_only_when_its_button_is_clicked_and_the_click_is_audited(
    program, roles_and_audit_files, media_files
):
    stored, deferred = media_files
    at = open_app("pages/participants.py", user=STAFF_USER, as_of=D.isoformat())
    button = at.get("download_button")[0]
    assert button.proto.url == "" and button.proto.deferred_file_id  # nothing waits at a media URL
    assert not any(canary.encode() in data for data in stored for canary in CANARIES)
    assert [json.loads(line)["event"] for line in roles_and_audit_files.read_text().splitlines()] == ["view"]

    url = deferred[-1].execute_deferred(button.proto.deferred_file_id)  # what Streamlit does on the click

    assert url and any(b"Qqcanary Consented" in data for data in stored)
    last = json.loads(roles_and_audit_files.read_text().splitlines()[-1])
    assert (last["event"], last["user"], last["page"]) == ("export", STAFF_USER, "participants")


def test_no_csv_is_made_when_its_export_cannot_be_audited(program, media_files, monkeypatch, tmp_path):
    stored, deferred = media_files
    at = open_app("pages/participants.py", user=STAFF_USER, as_of=D.isoformat())
    blocker = tmp_path / "logs"
    blocker.write_text("a file where the audit log's folder should be")
    monkeypatch.setenv("LEAD_AUDIT_LOG", str(blocker / "audit.jsonl"))  # the log breaks after the page drew
    with pytest.raises(MediaFileStorageError):
        deferred[-1].execute_deferred(at.get("download_button")[0].proto.deferred_file_id)
    assert not any(b"Qqcanary" in data for data in stored)


@pytest.mark.parametrize("page", ["pages/participants.py", "pages/caseload.py"])
def test_participant_lists_close_with_a_plain_message_when_the_audit_log_cannot_be_written(
    program, monkeypatch, tmp_path, page
):
    blocker = tmp_path / "logs"
    blocker.write_text("a file where the audit log's folder should be")
    monkeypatch.setenv("LEAD_AUDIT_LOG", str(blocker / "audit.jsonl"))
    at = open_app(page, user=STAFF_USER, as_of=D.isoformat())
    assert any("audit log is unavailable" in e.value and "closed until it is fixed" in e.value for e in at.error)
    assert not any("participant_id" in frame.value.columns for frame in at.dataframe)
    assert not any(canary in everything_shown(at) for canary in CANARIES)


@pytest.mark.parametrize("search", ["' OR 1=1 --", "'; DROP TABLE participants; --", "%' --"])
def test_name_search_with_sql_injection_strings_finds_nobody_and_breaks_nothing(program, search):
    at = open_app("pages/participants.py", user=STAFF_USER, as_of=D.isoformat())
    at.text_input[0].input(search).run()
    assert not at.exception and not at.error
    assert at.dataframe[0].value.empty


def test_public_summary_hides_small_counts(program):
    at = open_app(
        "pages/public_summary.py", user=PUBLIC_USER, first_page="pages/public_summary.py", as_of=D.isoformat()
    )
    shown = metrics(at)
    assert shown["People enrolled since 2017"] == "<11"
    assert shown["Re-arrested after enrolling"] == "*"
