"""The Outcomes page through the running app, for every role, on databases whose figures are known."""

from __future__ import annotations

import json
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from lead_data.access import PERMISSIONS, ROLES
from lead_data.db import DATABASE_URL_VARIABLE
from lead_data.evaluation import PSEUDONYM_KEY_VARIABLE
from lead_data.site import SITE_VARIABLE
from tests.apptest import APP, AUTH_SECRETS, LEADERSHIP_USER, PARTNER_USER, STAFF_USER, USER_OF_ROLE, open_app
from tests.test_site import copy_of_baltimore
from ui.runlog import recording_figure_calls
from ui.tabs import TAB_PARAMETER

D = date(2024, 6, 30)
PAGE = "pages/outcomes.py"
OVERVIEW = "pages/overview.py"
CANARY = "Qqcanary"
TABS = ("Re-arrest", "Jail and cost", "Housing, work, income", "Exits", "Comparison group", "Seattle (reference)")
EXTRACT = "Evaluation extract"  # a tab of its own, for the roles that may download it


def open_outcomes(user: str = STAFF_USER, *, tab: str | None = None, **query: str) -> AppTest:
    """The page as ``user`` at ``?tab=`` (none: the first tab, as the bare page link opens it)."""
    if tab is not None:
        query[TAB_PARAMETER] = tab
    return open_app(PAGE, user=user, as_of=D.isoformat(), **query)


def choose_tab(at: AppTest, tab: str) -> AppTest:
    """Open another tab, as a click on it does: the tabs' state and the URL change, the page runs again."""
    at.session_state[TAB_PARAMETER] = tab
    at.query_params[TAB_PARAMETER] = tab  # AppTest sends its own URL on every run
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def figures_loaded_by_a_run(at: AppTest) -> set[str]:
    with recording_figure_calls() as calls:
        at.run()
    return {call.figure.__name__ for call in calls}


def shown_text(at: AppTest) -> str:
    def walk(node) -> list[str]:
        children = getattr(node, "children", None)
        if children:
            return [text for child in children.values() for text in walk(child)]
        texts = [str(getattr(node, "proto", ""))]
        if getattr(node, "type", "") == "arrow_data_frame":
            texts.append(node.value.to_csv())
        return texts

    return "\n".join(walk(at.main) + walk(at.sidebar))


@pytest.fixture
def program(db, monkeypatch):
    """Three participants, worked out by hand:

    - "Qqcanary" referred 2023-01-01, intake 2023-01-02, re-arrested 2023-03-01 (within 6 months);
      a booking of 3 days in 2022; housed at their first assessment; graduated 2024-04-10.
    - a social-contact referral of 2023-02-01, intake the same day, never re-arrested; disengaged 2024-05-01.
    - an arrest diversion of 2024-06-01 (too recent for any follow-up share).
    6 months: 2 followed, 1 re-arrested (50%); 12 months: the same two; 24 months: nobody followed yet.
    """
    canary = db.participant(CANARY, "Person")
    db.enroll(canary, intake_on=date(2023, 1, 2), referred_on=date(2023, 1, 1), exited_on=date(2024, 4, 10))
    db.arrest(canary, date(2023, 3, 1), severity="felony", warrant_only=False)
    db.book(canary, date(2022, 6, 1), released_on=date(2022, 6, 3))
    db.assess(canary, date(2023, 1, 20), housing="housed", employed=False)
    db.assess(canary, date(2023, 6, 20), housing="housed", employed=True)
    social = db.participant()
    db.enroll(
        social,
        intake_on=date(2023, 2, 1),
        exited_on=date(2024, 5, 1),
        exit_reason="disengaged",
        referral_type="social_contact",
    )
    db.enroll(db.participant(), intake_on=date(2024, 6, 1))
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)
    monkeypatch.setenv(PSEUDONYM_KEY_VARIABLE, "a-test-pseudonym-key-0123456789")
    return db


def test_the_page_shows_each_follow_up_share_with_its_numerator_and_denominator(program):
    at = open_outcomes()
    shares = {metric.label: (metric.value, metric.delta) for metric in at.metric}
    assert shares["6 months"] == ("50%", "1 of 2 followed 6 months")
    assert shares["12 months"] == ("50%", "1 of 2 followed 12 months")
    assert shares["24 months"] == ("—", "0 of 0 followed 24 months")
    exits = {metric.label: (metric.value, metric.delta) for metric in open_outcomes(tab="Exits").metric}
    assert exits["Graduations"] == ("1", "of 2 exits")


def extract_buttons(at: AppTest) -> list:
    """The evaluation extract's download (the page's tables have their own CSV buttons)."""
    return [button for button in at.get("download_button") if "extract" in button.label]


@pytest.mark.parametrize("role", ROLES)
def test_staff_leadership_and_partners_open_the_page_and_the_public_cannot(program, role):
    user, first = USER_OF_ROLE[role], f"pages/{PERMISSIONS[role].pages[0]}.py"
    if role == "public":
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            open_app(PAGE, user=user, first_page=first, as_of=D.isoformat())
        direct = AppTest.from_file(str(APP.parent / PAGE), default_timeout=60)
        direct.secrets["auth"] = AUTH_SECRETS
        direct.user = {"is_logged_in": True, "email": user, "email_verified": True}
        direct.run()
        assert "not available to the public role" in direct.error[0].value
        assert not direct.metric
        return
    at = open_app(PAGE, user=user, first_page=first, as_of=D.isoformat())
    assert at.title[0].value == "Outcomes"
    assert "6 months" in {metric.label for metric in at.metric}
    assert "Graduations" in {metric.label for metric in choose_tab(at, "Exits").metric}
    at = open_app(PAGE, user=user, first_page=first, as_of=D.isoformat(), tab=EXTRACT)
    extracts = [button.label for button in extract_buttons(at)]
    assert (extracts == ["Download the extract (3 rows, CSV)"]) == (role in ("staff", "leadership"))


def test_partners_see_no_extract_and_nothing_participant_level(program):
    at = open_outcomes(PARTNER_USER)
    text = "\n".join(shown_text(choose_tab(at, tab)) for tab in TABS)  # every tab, each drawn on its own
    assert not extract_buttons(at)
    assert "Evaluation extract" not in text
    assert CANARY not in text


@pytest.mark.parametrize("user", [STAFF_USER, LEADERSHIP_USER])
def test_every_download_of_the_extract_is_audited(program, user, roles_and_audit_files):
    at = open_outcomes(user, tab=EXTRACT)
    assert not roles_and_audit_files.exists()  # opening the page exports nothing
    extract_buttons(at)[0].click().run()
    (line,) = [json.loads(text) for text in roles_and_audit_files.read_text().splitlines()]
    assert (line["event"], line["user"], line["page"]) == ("export", user, "outcomes")
    assert line["filters"] == {
        "as_of": D.isoformat(),
        "extract": "evaluation",
        "referral_types": [],
        "referral_year": None,
    }


def test_without_a_pseudonym_key_the_extract_says_how_to_set_one(program, monkeypatch):
    monkeypatch.delenv(PSEUDONYM_KEY_VARIABLE)
    at = open_outcomes(tab=EXTRACT)
    assert not extract_buttons(at)
    assert any(PSEUDONYM_KEY_VARIABLE in info.value for info in at.info)


def test_narrowing_the_cohort_by_referral_type_and_year(program):
    at = open_outcomes()
    at.multiselect(key="outcome_types").select("social_contact").run()
    shares = {metric.label: (metric.value, metric.delta) for metric in at.metric}
    assert shares["6 months"] == ("0%", "0 of 1 followed 6 months")
    at.multiselect(key="outcome_types").unselect("social_contact").run()
    at.selectbox(key="outcome_year").select(2024).run()
    shares = {metric.label: (metric.value, metric.delta) for metric in at.metric}
    assert shares["6 months"] == ("—", "0 of 0 followed 6 months")


def test_a_cohort_nobody_is_in_says_so(program):
    at = open_outcomes()
    at.selectbox(key="outcome_year").select(2019).run()
    assert not at.metric
    assert "No participant in this cohort" in at.info[0].value


def test_empty_outcome_tables_say_what_they_would_show_instead_of_zeros(db, monkeypatch):
    person = db.participant()
    db.enroll(person, intake_on=date(2023, 1, 2))
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)
    at = open_outcomes(tab="Jail and cost")
    labels = {metric.label for metric in at.metric}
    infos = " ".join(info.value for info in at.info)
    infos += " ".join(info.value for info in choose_tab(at, "Housing, work, income").info)
    infos += " ".join(info.value for info in choose_tab(at, "Comparison group").info)
    assert "The bookings table is empty" in infos
    assert "The assessments table is empty" in infos
    assert "No comparison group has been supplied" in infos
    assert "Arrests per person-year, year after intake" in labels
    assert (
        not {"Jail bookings per person-year, year after intake", "Jail days per person-year, year after intake"}
        & labels
    )


def test_unit_costs_are_printed_beside_the_cost_figures_and_placeholders_are_flagged(program):
    at = open_outcomes(tab="Jail and cost")
    assert any(caption.value.startswith("Unit costs: $1,000 per arrest") for caption in at.caption)
    assert any("Placeholder unit costs" in warning.value for warning in at.warning)
    shares = {metric.label: metric.value for metric in at.metric}
    # Before: 3 participants × 365 days; 1 booking (500) and 3 jail days (3 × 150) = 950.
    assert shares["Criminal-justice cost per person-year, before"] == f"${950 / (3 * 365 / 365.25):,.0f}"


def test_bad_unit_costs_stop_the_page_with_what_to_fix_in_the_site_file(program, monkeypatch, tmp_path):
    broken = copy_of_baltimore(tmp_path, lambda text: text.replace("arrest = 1000.0", "arrest = 'a lot'"))
    monkeypatch.setenv(SITE_VARIABLE, str(broken))
    at = open_outcomes(tab="Jail and cost")
    assert not at.exception
    assert "costs.arrest must be a number" in at.error[0].value
    assert not at.metric


def test_a_site_without_unit_costs_shows_no_cost_estimate(program, monkeypatch, tmp_path):
    monkeypatch.setenv(SITE_VARIABLE, str(copy_of_baltimore(tmp_path, lambda text: text[: text.index("[costs]")])))
    at = open_outcomes(tab="Jail and cost")
    assert not at.exception and not at.error
    assert any("sets no unit costs" in info.value for info in at.info)
    assert not {"Program cost to date", "Criminal-justice cost per person-year, before"} & {m.label for m in at.metric}


def test_a_comparison_group_is_labelled_an_observational_comparison(program):
    person = program.comparison_person(date(2023, 1, 1))
    program.comparison_arrest(person, date(2023, 2, 1))
    at = open_outcomes(tab="Comparison group")
    assert any("Observational comparison, not randomised" in warning.value for warning in at.warning)
    shown = {metric.label: metric.value for metric in at.metric}
    # Participants' clocks from referral to D: 546 + 515 + 29 = 1090 days, 1 arrest; comparison: 546 days,
    # 1 arrest. Ratio (1/1090) ÷ (1/546) = 0.50.
    assert shown["Rate ratio (participants ÷ comparison)"] == "0.50"
    assert not any("No comparison group" in info.value for info in at.info)


def test_how_this_is_counted_quotes_the_contract(program):
    text = " ".join(markdown.value for markdown in open_outcomes().markdown)
    assert "strictly after that participant's earliest `intake_on`" in text
    assert "Participants with less follow-up are left out of that N, never counted as successes." in text


def test_seattles_results_are_labelled_as_seattles(program):
    at = open_outcomes(tab="Seattle (reference)")
    seattle = [markdown.value for markdown in at.markdown if "58%" in markdown.value]
    assert seattle and all(text.startswith("**Seattle") for text in seattle)


# --- the tabs: only the open one runs, and the URL names it ------------------------------------------


def test_only_the_open_tabs_figures_are_loaded(program):
    first = figures_loaded_by_a_run(open_outcomes())
    assert "rearrest_outcomes" in first
    assert not {"rates_before_and_after", "outcome_rows", "exits_by_reason", "comparison", "evaluation_extract"} & first
    comparison = figures_loaded_by_a_run(open_outcomes(tab="Comparison group"))
    assert "comparison" in comparison
    assert not {"rates_before_and_after", "exits_by_reason"} & comparison


def test_the_tab_in_the_url_is_the_tab_opened(program):
    at = open_outcomes(tab="Exits")
    assert at.session_state[TAB_PARAMETER] == "Exits"
    assert [tab.label for tab in at.tabs] == [*TABS, EXTRACT]
    assert {metric.label for metric in at.metric} == {"Graduations"}


@pytest.mark.parametrize("odd", ["nonsense", "exits", "", "Exits&tab=Re-arrest"])
def test_a_tab_the_page_does_not_have_opens_the_first_tab(program, odd):
    at = open_outcomes(tab=odd)  # open_app asserts there is no exception
    assert at.session_state[TAB_PARAMETER] == "Re-arrest"
    assert {"6 months", "12 months", "24 months"} <= {metric.label for metric in at.metric}
    assert "Graduations" not in {metric.label for metric in at.metric}


# --- the weekly meeting ---------------------------------------------------------------------------


def test_the_weekly_meeting_shows_more_graduations_as_good_news_and_more_other_exits_as_bad(db, monkeypatch):
    from streamlit.proto.Metric_pb2 import Metric

    db.team("Team A")  # (the meeting page needs at least one team to draw its caseload chart)
    db.enroll(db.participant(), intake_on=date(2023, 1, 1), exited_on=D, exit_reason="graduated")
    db.enroll(db.participant(), intake_on=date(2023, 1, 1), exited_on=D, exit_reason="moved")
    monkeypatch.setenv(DATABASE_URL_VARIABLE, db.url)
    at = open_app("pages/weekly_meeting.py", as_of=D.isoformat())
    shown = {metric.label: metric for metric in at.metric}
    assert (shown["Graduations"].value, shown["Graduations"].proto.color) == ("1", Metric.MetricColor.GREEN)
    assert (shown["Other exits"].value, shown["Other exits"].proto.color) == ("1", Metric.MetricColor.RED)


def test_the_public_summary_shows_the_12_month_share_suppressed_like_the_rest(program):
    from tests.apptest import PUBLIC_USER

    page = "pages/public_summary.py"
    at = open_app(page, user=PUBLIC_USER, first_page=page, as_of=D.isoformat())
    shown = {metric.label: (metric.value, metric.delta) for metric in at.metric}
    # Two people enrolled a full year by 30 June 2024, one re-arrested: both counts are small.
    assert shown["Re-arrested within 12 months of enrolling"] == ("*", "of <11 people enrolled at least a year")
