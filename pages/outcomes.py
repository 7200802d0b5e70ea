"""Outcomes: is LEAD working? Re-arrest over time, jail and cost before and after, housing, work and
income, exits, the comparison group where an evaluator supplied one, and Seattle's published
results as context. Aggregates only; the pseudonymous evaluation extract for staff and leadership."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lead_data import access, costs, evaluation, sql
from lead_data.export import csv_bytes
from lead_data.figures import outcomes, rearrest_outcomes
from lead_data.labels import label, labelled
from lead_data.models import REFERRAL_TYPES
from lead_data.reference import SEATTLE_LEAD_FINDINGS
from ui.access import may_see, record_export, require_page
from ui.charts import outcome_share_lines, quarterly_bars, show, survival_chart
from ui.data import database, load
from ui.palette import EXIT_REASON_COLOURS, REARREST_KIND_COLOURS, SEVERITY_COLOURS
from ui.settings import current_site, report_settings
from ui.tables import table
from ui.tabs import lazy_tabs

viewer = require_page(__file__)
settings = report_settings()
as_of = settings.as_of
MARKS = {f"{months} mo": day for months, day in rearrest_outcomes.DAYS_AT_MONTHS.items()}  # short: 6 and 12 sit close


def percent(share: float | None) -> str:
    return "—" if share is None or pd.isna(share) else f"{share:.0%}"


def per_year(rate: float | None) -> str:
    return "—" if rate is None or pd.isna(rate) else f"{rate:.2f}"


st.title("Outcomes")
st.caption(
    f"What became of the people LEAD took in, as of {as_of:%d %B %Y}. Everyone is counted from their first "
    "intake; “How this is counted” at the foot of the page quotes each definition."
)

with st.container(border=True):
    left, right = st.columns(2)
    chosen_types = left.multiselect(
        "Referral type", REFERRAL_TYPES, format_func=label, placeholder="All referral types", key="outcome_types"
    )
    years = [None, *range(as_of.year, current_site().launch_date.year - 1, -1)]
    chosen_year = right.selectbox(
        "Year of referral",
        years,
        format_func=lambda year: "All years" if year is None else str(year),
        key="outcome_year",
        help="The year of the referral behind each participant's first enrollment.",
    )
cohort = sql.Cohort(referral_types=tuple(chosen_types), referral_year=chosen_year)

rearrest = load(rearrest_outcomes.rearrest_outcomes, as_of=as_of, cohort=cohort)
survival = rearrest.survival
if rearrest.unreadable_starts:
    st.warning(
        f"{rearrest.unreadable_starts} participant(s) of this cohort have a first intake date that cannot be read "
        "as a date: the re-arrest figures leave them out. The Data quality page lists the rows to fix.",
        icon=":material/event_busy:",
    )
if survival.people == 0:
    st.info(f"No participant in this cohort ({cohort.describe()}) had started by {as_of:%d %B %Y}.")
    st.stop()


# Each tab's section loads its own figures: only the open tab's runs (ui.tabs).
def rearrest_tab() -> None:
    st.header("Re-arrested within…")
    columns = st.columns(3)
    for column, row, reading in zip(columns, rearrest.within.itertuples(), survival.readings, strict=True):
        column.metric(
            f"{row.months} months",
            percent(row.share),
            f"{row.rearrested} of {row.followed} followed {row.months} months",
            delta_color="off",
            delta_arrow="off",
            help="Only participants with a full follow-up count; people with less are left out, "
            "never counted as successes.",
            border=True,
        )
        column.caption(
            f"Kaplan–Meier estimate by day {reading.day}: {percent(reading.share)}"
            + ("" if reading.share is None else f" (95% CI {percent(reading.lower)}–{percent(reading.upper)})")
        )
    show(
        survival_chart(
            {rearrest_outcomes.PARTICIPANTS: (survival.curve, survival.longest_follow_up)},
            title="Share re-arrested, by days since intake (Kaplan–Meier, 95% band)",
            x_title="Days since first intake",
            marks=MARKS,
        )
    )
    st.caption(
        f"{survival.people} participants, {survival.events} re-arrested; the others are counted until "
        f"{as_of:%d %B %Y}. Leaving the program does not stop the count."
    )
    by_kind = rearrest.by_kind
    if by_kind.empty:
        st.info("No re-arrests in this cohort yet.")
    else:
        left, right = st.columns(2)
        with left:
            show(
                quarterly_bars(
                    rearrest_outcomes.quarterly_totals(by_kind, "kind"),
                    value="rearrests",
                    colour_by="kind",
                    colours=REARREST_KIND_COLOURS,
                    title="Re-arrests per quarter: new offense or warrant only",
                    y_title="Re-arrests",
                )
            )
        with right:
            show(
                quarterly_bars(
                    rearrest_outcomes.quarterly_totals(by_kind, "severity"),
                    value="rearrests",
                    colour_by="severity",
                    colours=SEVERITY_COLOURS,
                    title="Re-arrests per quarter, by severity",
                    y_title="Re-arrests",
                )
            )


def jail_tab() -> None:
    recorded = load(outcomes.outcome_rows, as_of=as_of)
    rates = load(rearrest_outcomes.rates_before_and_after, as_of=as_of, cohort=cohort).set_index("window")
    before, after = rates.loc["before"], rates.loc["after"]
    st.header("Per person-year: the year before referral against the year after intake")
    st.caption(
        f"{int(before['participants'])} participants; {before['person_years']:.1f} person-years before, "
        f"{after['person_years']:.1f} after (the after window is shorter for people who started less than a year ago)."
    )
    measures = [("arrests", "Arrests")]
    if recorded["bookings"]:
        measures += [("bookings", "Jail bookings"), ("jail_days", "Jail days")]
    columns = st.columns(3)
    for column, (measure, title) in zip(columns, measures, strict=False):
        now, then = after[f"{measure}_per_person_year"], before[f"{measure}_per_person_year"]
        column.metric(
            f"{title} per person-year, year after intake",
            per_year(now),
            None if pd.isna(now) or pd.isna(then) else f"{now - then:+.2f} from {then:.2f} the year before",
            delta_color="inverse",
            border=True,
        )
    if not recorded["bookings"]:
        st.info(
            "The bookings table is empty, so jail bookings and jail days are not shown (not zero). With the "
            "detention center's bookings it would show bookings and days in jail per person-year, before and after."
        )

    st.header("Cost (an estimate)")
    site = current_site()
    unit_costs = site.costs
    if unit_costs is None:
        st.info(
            "The site file sets no unit costs, so no cost estimate is shown. With a `[costs]` table in the site "
            "file it would show the criminal-justice cost per person-year before and after, and the program's cost."
        )
    else:
        money = unit_costs.money
        justice = costs.criminal_justice_cost(rates, costs=unit_costs)
        program = load(costs.program_cost, as_of=as_of, costs=unit_costs, cohort=cohort)
        if unit_costs.placeholder:
            st.warning(
                f"**Placeholder unit costs**: these are not {site.city_name}'s costs. Set the site's own "
                "in the `[costs]` table of the site file (docs/YOUR_SITE.md) before quoting any cost figure.",
                icon=":material/warning:",
            )
        before_column, after_column = st.columns(2)  # two a row: a network's program cost has ten digits and more
        cost_before, cost_after = (
            justice.loc["before", "cost_per_person_year"],
            justice.loc["after", "cost_per_person_year"],
        )
        before_column.metric(
            "Criminal-justice cost per person-year, before",
            "—" if pd.isna(cost_before) else money(cost_before),
            border=True,
        )
        after_column.metric(
            "Criminal-justice cost per person-year, after",
            "—" if pd.isna(cost_after) else money(cost_after),
            None if pd.isna(cost_after) or pd.isna(cost_before) else f"{money(cost_after - cost_before)} a year",
            delta_color="inverse",
            border=True,
        )
        st.columns(2)[0].metric(
            "Program cost to date",
            money(program.cost),
            f"{program.participant_months:,.0f} participant-months",
            delta_color="off",
            delta_arrow="off",
            border=True,
        )
        st.caption(
            f"Unit costs: {unit_costs.describe()}. Source: {unit_costs.source}."
            + ("" if recorded["bookings"] else " The bookings table is empty: jail costs are not included.")
        )


def wellbeing_tab() -> None:
    recorded = load(outcomes.outcome_rows, as_of=as_of)
    if not recorded["assessments"]:
        st.info(
            "The assessments table is empty. With case managers' periodic assessments this tab would show, for "
            "each month from the referral month to 24 months after, the share of those assessed who are housed, "
            "employed and with legal income (each with its n), and people's first assessment against their latest."
        )
    else:
        by_month = load(outcomes.outcomes_by_month, as_of=as_of, cohort=cohort)
        if by_month.empty:
            st.info("Nobody in this cohort was assessed in the 24 months after their referral.")
        else:
            show(outcome_share_lines(by_month))
            with st.expander("Each month's n"):
                table(
                    by_month[["month", "assessed", "housed_answered", "employed_answered", "legal_income_answered"]],
                    file_name=f"lead-assessments-by-month-{as_of}.csv",
                    column_config={
                        "month": "Months since referral",
                        "assessed": "Assessed",
                        "housed_answered": "Housing answered",
                        "employed_answered": "Employment answered",
                        "legal_income_answered": "Income answered",
                    },
                )
        first_latest = load(outcomes.first_and_latest_assessment, as_of=as_of, cohort=cohort)
        people = int(first_latest["participants"].iloc[0])
        st.header("First assessment against latest")
        if people == 0:
            st.info("Nobody in this cohort has two or more assessments yet.")
        else:
            st.caption(
                f"{people} participant(s) with two or more assessments; each share's n leaves out unanswered questions."
            )
            shown = labelled(first_latest, "measure")
            shown["First"] = [
                f"{percent(s)} ({y} of {n})"
                for s, y, n in zip(shown["first_share"], shown["first"], shown["first_answered"], strict=True)
            ]
            shown["Latest"] = [
                f"{percent(s)} ({y} of {n})"
                for s, y, n in zip(shown["latest_share"], shown["latest"], shown["latest_answered"], strict=True)
            ]
            table(
                shown[["measure", "First", "Latest"]],
                file_name=f"lead-first-and-latest-assessment-{as_of}.csv",
                column_config={"measure": ""},
            )


def exits_tab() -> None:
    exits = load(outcomes.exits_by_reason, as_of=as_of, cohort=cohort)
    if exits.empty:
        st.info("Nobody in this cohort has left the program yet.")
    else:
        graduations, every_exit = outcomes.graduations_of(exits)
        st.metric(
            "Graduations", graduations, f"of {every_exit} exits", delta_color="off", delta_arrow="off", border=True
        )
        show(
            quarterly_bars(
                exits,
                value="exits",
                colour_by="exit_reason",
                colours=EXIT_REASON_COLOURS,
                title="Exits per quarter, by reason (graduations in green)",
                y_title="Exits",
            )
        )
        st.caption("A graduation is the outcome hoped for. LEAD has no fail-out: no exit reason is a failure.")


def comparison_tab() -> None:
    result = load(rearrest_outcomes.comparison, as_of=as_of, cohort=cohort)
    if not result.available:
        st.info(
            "No comparison group has been supplied. An evaluator would fill `comparison_people` with people "
            "arrested for a LEAD-eligible offense and not referred (outside the pilot zone, or before launch), "
            "each with the date of that arrest, and `comparison_arrests` with their later arrests. This tab "
            "would then show both groups' time to first arrest, the log-rank test, and the ratio of arrests "
            "per person-year with its 95% interval."
        )
    else:
        st.warning(
            "**Observational comparison, not randomised**: the groups were not assigned by chance, so a "
            "difference may come from who was referred rather than from LEAD.",
            icon=":material/info:",
        )
        show(
            survival_chart(
                {group: (curve.curve, curve.longest_follow_up) for group, curve in result.curves.items()},
                title="Share arrested again, by days since referral or index arrest",
                x_title="Days since referral (participants) or index arrest (comparison)",
                marks=MARKS,
            )
        )
        groups = result.groups.set_index("group")
        columns = st.columns(3)
        for column, group in zip(columns, (rearrest_outcomes.PARTICIPANTS, rearrest_outcomes.COMPARISON), strict=False):
            column.metric(
                f"Arrests per person-year: {label(group)}",
                per_year(groups.loc[group, "per_person_year"]),
                f"{int(groups.loc[group, 'arrests'])} arrests, {int(groups.loc[group, 'people'])} people",
                delta_color="off",
                delta_arrow="off",
                border=True,
            )
        ratio = result.rate_ratio
        columns[2].metric(
            "Rate ratio (participants ÷ comparison)",
            "—" if ratio.ratio is None else f"{ratio.ratio:.2f}",
            None if ratio.ratio is None else f"95% CI {ratio.lower:.2f}–{ratio.upper:.2f}",
            delta_color="off",
            delta_arrow="off",
            help="Poisson model of arrests with each person's years of follow-up as exposure. "
            "Below 1: fewer arrests among participants.",
            border=True,
        )
        if result.logrank_p is None:
            logrank = "not computable (no arrests yet)"
        else:
            p_value = "p < 0.001" if result.logrank_p < 0.001 else f"p = {result.logrank_p:.3f}"
            logrank = f"χ² = {result.logrank_chi2:.2f}, {p_value}"
        st.caption(
            f"Log-rank test of the two curves: {logrank}. Participants' clock starts at referral, comparison "
            "people's at their index arrest; both end at the as-of date."
        )


def seattle_tab() -> None:
    st.caption(
        "Published results from Seattle's LEAD evaluation: another city's program, population and years. "
        f"Context, not {current_site().city_name}'s figures."
    )
    for finding in SEATTLE_LEAD_FINDINGS:
        with st.container(border=True):
            st.markdown(f"**Seattle — {finding.topic}.** {finding.finding}")
            st.caption(finding.source)


def extract_tab() -> None:
    st.caption(
        "One row per participant of this cohort for an outside evaluator: a pseudonym (not the participant id), "
        "referral month and type, age band, sex, race, days to first re-arrest or censoring and the event flag, "
        "and the before/after counts. No names, dates of birth or exact dates. Every download is logged."
    )
    try:
        key = evaluation.pseudonym_key(demo=database().is_demo)
    except evaluation.PseudonymKeyProblem as problem:
        st.info(str(problem), icon=":material/key:")
    else:
        extract = load(evaluation.evaluation_extract, as_of=as_of, key=key, cohort=cohort)
        filters = {"as_of": as_of, "extract": "evaluation", **cohort.for_audit()}
        st.download_button(
            f"Download the extract ({len(extract)} rows, CSV)",
            data=csv_bytes(extract),
            file_name=f"lead-evaluation-extract-{as_of.isoformat()}.csv",
            mime="text/csv",
            on_click=lambda: record_export(viewer, access.OUTCOMES, filters),
            icon=":material/download:",
            key="download-evaluation-extract",
        )


sections = {
    "Re-arrest": rearrest_tab,
    "Jail and cost": jail_tab,
    "Housing, work, income": wellbeing_tab,
    "Exits": exits_tab,
    label("comparison"): comparison_tab,
    "Seattle (reference)": seattle_tab,
}
if may_see(evaluation.evaluation_extract):
    sections["Evaluation extract"] = extract_tab
lazy_tabs(sections)

with st.expander("How this is counted"):
    definitions = outcomes.outcome_definitions()
    if not definitions:
        st.markdown("The definitions are in docs/DATA_CONTRACT.md, which is not deployed with this dashboard.")
    for name, text in definitions:
        st.markdown(f"**{name}**\n\n> {text}")
    reading_days = ", ".join(str(day) for day in rearrest_outcomes.DAYS_AT_MONTHS.values())
    st.markdown(
        f"Kaplan–Meier readings: 6, 12 and 24 months are read at days {reading_days} (months × 365.25 ÷ 12). "
        "Narrowing by year of referral applies to comparison people by the year of their index arrest."
    )
