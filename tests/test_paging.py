"""Long lists are paged or capped in SQL, with their full count shown: the participant list a page at a
time (its CSV every filtered row), the meeting agenda's names capped per team, data-quality examples
capped; on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import event, literal, select
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from lead_data.db import DATABASE_URL_VARIABLE
from lead_data.figures import meeting, participants, quality
from lead_data.figures.participants import ListPage, ParticipantFilters, page_count
from lead_data.sqlfunctions import fold, folded
from tests.apptest import STAFF_USER, open_app

D = date(2024, 6, 30)
LAST_NAMES = ("Adams", "Baker", "Clark", "Davis", "Evans", "Foster", "Green")


@pytest.fixture
def seven(db):
    """Seven active participants, Adams … Green (entered out of order), and one who exited."""
    team = db.team("Team A")
    ids = {}
    for last_name in sorted(LAST_NAMES, reverse=True):
        ids[last_name] = db.participant("Pat", last_name)
        db.enroll(ids[last_name], intake_on=date(2024, 3, 1), team_id=team)
    gone = db.participant("Pat", "Aaron")
    db.enroll(gone, intake_on=date(2023, 1, 1), exited_on=date(2023, 6, 1))
    return {"ids": ids, "exited": gone}


def listed(db, *, page: ListPage | None = None, **filters) -> list[int]:
    with db.connect() as conn:
        rows = participants.participant_list(conn, as_of=D, filters=ParticipantFilters(**filters), page=page)
    return rows["participant_id"].tolist()


def counted(db, **filters) -> int:
    with db.connect() as conn:
        return participants.participant_count(conn, as_of=D, filters=ParticipantFilters(**filters))


# --- the participant list, a page at a time ------------------------------------------------------------


def test_pages_split_the_list_in_its_order_without_repeating_or_skipping_anyone(db, seven):
    ids = [seven["ids"][name] for name in LAST_NAMES]
    pages = [listed(db, page=ListPage(number, size=3), statuses=("active",)) for number in (1, 2, 3)]
    assert pages == [ids[:3], ids[3:6], ids[6:]]  # the last page holds what is left
    assert listed(db, statuses=("active",)) == ids  # no page: the whole list, as before


def test_a_page_past_the_end_is_empty_and_the_count_still_counts_everyone(db, seven):
    assert listed(db, page=ListPage(4, size=3), statuses=("active",)) == []
    assert counted(db, statuses=("active",)) == 7
    assert counted(db) == 8  # the exited participant too


def test_people_with_the_same_name_keep_one_order_across_pages(db):
    twins = [db.participant("Sam", "Same") for _ in range(5)]
    for person in twins:
        db.enroll(person, intake_on=date(2024, 1, 1))
    pages = [listed(db, page=ListPage(number, size=2)) for number in (1, 2, 3)]
    assert pages == [twins[:2], twins[2:4], twins[4:]]  # by id within a name


def test_filters_apply_before_paging_and_to_the_count(db, seven):
    assert listed(db, page=ListPage(1, size=3), statuses=("exited",)) == [seven["exited"]]
    assert counted(db, statuses=("exited",)) == 1
    assert listed(db, page=ListPage(1, size=3), name="pat e") == [seven["ids"]["Evans"]]
    assert counted(db, name="pat") == 8
    assert counted(db, name="nobody") == 0 and listed(db, page=ListPage(1), name="nobody") == []


@pytest.mark.parametrize(("total", "pages"), [(0, 1), (1, 1), (100, 1), (101, 2), (12_345, 124)])
def test_page_count_rounds_up_and_an_empty_list_has_one_page(total, pages):
    assert page_count(total, 100) == pages


# --- the name search, in SQL on both backends ------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "search"),
    [
        ("Ana", "Straße", "STRASSE"),  # casefold: ß is ss
        ("Ana", "Straße", "straß"),
        ("Eleni", "ΟΔΟΣ", "οδος"),  # a final sigma is a sigma
        ("Eleni", "Οδος", "ΟΔΟΣ"),
        ("Mary  Ann", "Lee", "mary ann lee"),  # runs of spaces are one space
        ("Ana", "Ñúñez", "ÑÚÑ"),
    ],
)
def test_the_name_search_folds_like_python_on_both_backends(db, first, last, search):
    person = db.participant(first, last)
    db.enroll(person, intake_on=date(2024, 1, 1))
    db.enroll(db.participant("Someone", "Else"), intake_on=date(2024, 1, 1))
    assert fold(search) in fold(f"{first} {last}")  # what the SQL must agree with
    assert listed(db, name=search) == [person]


@pytest.mark.parametrize("search", ["%", "_", "a%b", "a_b", "/"])
def test_like_wildcards_in_a_search_are_plain_characters(db, search):
    plain = db.participant("Plain", "Name")
    odd = db.participant("Odd", "A%b_/x")
    for person in (plain, odd):
        db.enroll(person, intake_on=date(2024, 1, 1))
    assert listed(db, name=search) == ([odd] if fold(search) in fold("Odd A%b_/x") else [])


# --- the Participants page --------------------------------------------------------------------------------


@pytest.fixture
def paged_page(db, seven, monkeypatch):
    monkeypatch.setattr(participants, "PARTICIPANTS_PER_PAGE", 3)  # three rows a page: pages in a tiny program
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)
    return seven


def shown_ids(at) -> list[int]:
    return at.dataframe[0].value["participant_id"].tolist()


def showing(at) -> str | None:
    return next((caption.value for caption in at.caption if caption.value.startswith("Showing")), None)


def test_the_page_shows_the_first_page_with_the_total_and_next_and_previous_move(paged_page):
    ids = [paged_page["ids"][name] for name in LAST_NAMES]
    at = open_app("pages/participants.py", as_of=D.isoformat())
    assert at.main.header[0].value == "7 participants"
    assert (shown_ids(at), showing(at)) == (ids[:3], "Showing 1–3 of 7")
    assert at.button(key="participants-page-previous").disabled
    at.button(key="participants-page-next").click().run()
    assert (shown_ids(at), showing(at)) == (ids[3:6], "Showing 4–6 of 7")
    at.button(key="participants-page-next").click().run()
    assert (shown_ids(at), showing(at)) == (ids[6:], "Showing 7–7 of 7")
    assert at.button(key="participants-page-next").disabled
    at.button(key="participants-page-previous").click().run()
    assert showing(at) == "Showing 4–6 of 7"


def test_a_page_number_typed_in_opens_that_page(paged_page):
    at = open_app("pages/participants.py", as_of=D.isoformat())
    at.number_input(key="participants-page").set_value(3).run()
    assert (shown_ids(at), showing(at)) == ([paged_page["ids"]["Green"]], "Showing 7–7 of 7")


def test_changing_a_filter_goes_back_to_the_first_page(paged_page):
    at = open_app("pages/participants.py", as_of=D.isoformat())
    at.number_input(key="participants-page").set_value(3).run()
    at.text_input[0].input("pat").run()
    assert showing(at) == "Showing 1–3 of 7"
    at.multiselect[0].set_value(["active", "exited"]).run()
    assert (shown_ids(at)[0], showing(at)) == (paged_page["exited"], "Showing 1–3 of 8")  # Aaron first


def test_one_page_has_no_page_controls(paged_page):
    at = open_app("pages/participants.py", as_of=D.isoformat())
    at.multiselect[0].set_value(["exited"]).run()
    assert shown_ids(at) == [paged_page["exited"]]
    assert showing(at) is None  # the heading's count says it all
    page_controls = [widget.key for widget in (*at.number_input, *at.button) if widget.key]
    assert not [key for key in page_controls if key.startswith("participants-page")]


@pytest.fixture
def media_files(monkeypatch):
    """What the download buttons' deferred callables put in Streamlit's media storage when clicked."""
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


def test_the_csv_holds_every_filtered_row_not_only_the_page_and_is_audited(
    paged_page, media_files, roles_and_audit_files
):
    stored, deferred = media_files
    at = open_app("pages/participants.py", user=STAFF_USER, as_of=D.isoformat())
    at.button(key="participants-page-next").click().run()
    button = at.get("download_button")[0]
    deferred[-1].execute_deferred(button.proto.deferred_file_id)  # what Streamlit does on the click
    rows = list(csv.DictReader(io.StringIO(stored[-1].decode("utf-8"))))
    assert [int(row["participant_id"]) for row in rows] == [paged_page["ids"][name] for name in LAST_NAMES]
    assert {row["status"] for row in rows} == {"Active"}  # labelled as on screen; the exited one filtered out
    last = json.loads(roles_and_audit_files.read_text().splitlines()[-1])
    assert (last["event"], last["page"]) == ("export", "participants")
    assert "page" not in last["filters"]  # the export is of every page


def test_the_view_audit_records_which_page_was_seen(paged_page, roles_and_audit_files):
    at = open_app("pages/participants.py", user=STAFF_USER, as_of=D.isoformat())
    at.button(key="participants-page-next").click().run()
    views = [json.loads(line) for line in roles_and_audit_files.read_text().splitlines()]
    assert [view["filters"]["page"] for view in views if view["page"] == "participants"][-2:] == [1, 2]


def test_before_anyone_active_was_taken_in_the_list_is_empty_and_has_no_pages(paged_page):
    at = open_app("pages/participants.py", as_of=(date(2024, 3, 1) - timedelta(days=1)).isoformat())
    assert at.main.header[0].value == "0 participants"
    assert at.dataframe[0].value.empty and showing(at) is None


# --- the weekly meeting's agenda, capped per team ----------------------------------------------------------

MEETING_PAGE = "pages/weekly_meeting.py"
TEAM_A_NAMES = ("Ada Aa", "Bob Bb", "Cy Cc", "Di Dd", "Ed Ee")  # first name, last name: agenda order
TEAM_B_NAMES = ("Flo Ff", "Gil Gg")


@pytest.fixture
def busy_week(db):
    """Five named new intakes this week in Team A, two in Team B, and one in Team A without a release."""
    teams = {"Team A": db.team("Team A"), "Team B": db.team("Team B")}
    for team, names in (("Team A", TEAM_A_NAMES), ("Team B", TEAM_B_NAMES)):
        for name in reversed(names):  # entered out of order: the agenda sorts by last name
            person = db.participant(*name.split())
            db.enroll(person, intake_on=D - timedelta(days=2), team_id=teams[team])
            db.consent(person, signed_on=date(2024, 1, 1))
    db.enroll(db.participant("No", "Release"), intake_on=D - timedelta(days=1), team_id=teams["Team A"])
    return db


def agenda(db, **cap) -> meeting.Agenda:
    with db.connect() as conn:
        return meeting.meeting_agenda(conn, as_of=D, with_names=True, **cap)


def test_the_agenda_lists_at_most_the_cap_per_team_and_counts_everyone(busy_week):
    capped, whole = agenda(busy_week, names_per_team=2), agenda(busy_week)
    assert capped.listed["name"].tolist() == ["Ada Aa", "Bob Bb", "Flo Ff", "Gil Gg"]
    assert whole.listed["name"].tolist() == [*TEAM_A_NAMES, *TEAM_B_NAMES]
    assert capped.named == whole.named == 7
    assert capped.counts.equals(whole.counts)  # what the minutes PDF counts: everyone
    assert capped.not_named.to_dict("records") == [{"team": "Team A", "clients": 1}]
    team_a = capped.for_team("Team A", names=2)
    assert (team_a.listed["name"].tolist(), team_a.named) == (["Ada Aa", "Bob Bb"], 5)
    every_team = capped.for_team(None, names=3)
    assert (every_team.listed["name"].tolist(), every_team.named) == (["Ada Aa", "Bob Bb", "Flo Ff"], 7)


@pytest.fixture
def busy_meeting(busy_week, monkeypatch):
    monkeypatch.setattr(meeting, "NAMES_SHOWN", 2)  # two names a view: a cap in a tiny program
    monkeypatch.setenv(DATABASE_URL_VARIABLE, busy_week.url)
    return busy_week


def agenda_names(at) -> list[str]:
    return at.table[-1].value["Name"].tolist()


def cap_notes(at) -> list[str]:
    return [markdown.value for markdown in at.markdown if markdown.value.startswith("**Showing")]


def test_every_team_s_agenda_shows_the_first_names_and_says_how_to_narrow_it(busy_meeting):
    at = open_app(MEETING_PAGE, user=STAFF_USER, as_of=D.isoformat())
    assert agenda_names(at) == ["Ada Aa", "Bob Bb"]
    assert cap_notes(at) == [
        "**Showing 2 of 7 participants named**: choose a team above to narrow the list; the CSV holds them all."
    ]


def test_a_team_s_agenda_is_capped_with_its_own_count_and_a_small_team_is_whole(busy_meeting):
    at = open_app(MEETING_PAGE, user=STAFF_USER, as_of=D.isoformat(), team="Team A")
    assert agenda_names(at) == ["Ada Aa", "Bob Bb"]
    assert cap_notes(at) == ["**Showing 2 of 5 participants named**: the CSV holds them all."]
    at.selectbox(key="team").set_value("Team B").run()
    assert (agenda_names(at), cap_notes(at)) == (["Flo Ff", "Gil Gg"], [])


def test_the_agenda_csv_holds_every_name_of_the_chosen_team(busy_meeting, media_files):
    stored, deferred = media_files
    at = open_app(MEETING_PAGE, user=STAFF_USER, as_of=D.isoformat(), team="Team A")
    button = at.get("download_button")[-1]  # after the minutes and the caseload's CSV
    assert button.label == "Download CSV"
    deferred[-1].execute_deferred(button.proto.deferred_file_id)
    rows = list(csv.DictReader(io.StringIO(stored[-1].decode("utf-8"))))
    assert [row["Name"] for row in rows] == list(TEAM_A_NAMES)


# --- data-quality examples, capped in SQL ---------------------------------------------------------------------


@pytest.fixture
def future_contacts(db):
    person = db.participant()
    db.enroll(person, intake_on=date(2024, 1, 1))
    # Twelve contacts after today, whether today is D or the page's real today.
    return [db.contact(person, date(2099, 1, 1) + timedelta(days=day)) for day in range(12)]


def test_a_finding_counts_every_row_and_quotes_the_first_few_ids_read_with_limit(db, future_contacts):
    statements: list[str] = []
    with db.connect() as conn:
        event.listen(conn, "before_cursor_execute", lambda *args: statements.append(args[2]))
        findings = quality.check_database(conn, today=D)
    (future,) = [f for f in findings if (f.check, f.table) == (quality.FUTURE_DATE, "contacts")]
    assert future.rows == 12
    assert future.example_ids == tuple(future_contacts[: quality.EXAMPLES])
    reading_ids = [statement for statement in statements if "example_id" in statement]
    assert reading_ids and all("LIMIT" in statement.upper() for statement in reading_ids)


def test_the_data_quality_page_shows_the_full_count_beside_the_first_ids(db, future_contacts, monkeypatch):
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)
    at = open_app("pages/data_quality.py", user=STAFF_USER, as_of=D.isoformat())
    findings = at.dataframe[0].value.set_index(["check", "table"])
    shown = findings.loc[(quality.FUTURE_DATE, "contacts")]
    assert shown["rows"] == 12
    assert shown["example_ids"] == ", ".join(str(contact) for contact in future_contacts[:5])
    assert any(f"at most the first {quality.EXAMPLES}" in caption.value for caption in at.caption)


NAMES_TO_FOLD = (
    "Ñúñez",
    "STRAßE",
    "ΟΔΟΣ Οδός",
    "İlker Işık",
    "ǄEMAL",
    "  Mary \t Ann  ",
    "Yıldız ſ ẞ",
    "Ærø Øre",
    "O'Brien-Smith",
    "Nguye\u0302\u0303n",  # decomposed accents: folded to the composed letter
    "ДМИТРИЙ",
)


@pytest.mark.parametrize("name", NAMES_TO_FOLD)
def test_the_sql_fold_of_a_name_is_python_s(db, name):
    with db.connect() as conn:
        assert conn.execute(select(folded(literal(name)))).scalar_one() == fold(name)
