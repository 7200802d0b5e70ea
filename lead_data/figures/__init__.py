"""The figures of DATA_CONTRACT.md, one module per topic.

A figure is a public function whose first parameter is an open SQLAlchemy connection, marked by
``lead_data.access`` with who may run it (``@aggregate``, ``@needs(...)``, ``@shown_by_role(...)``):
what ``ui.data.load`` runs. Every figure takes the as-of date D (rows dated after D do not exist for
it); "per period" figures also take a Period and count events whose own date falls in it (clipped to
D). SQL does the counting with bound parameters, built from ``lead_data.sql``'s pieces and contract
rules; each figure's docstring lists what it returns.

Topics:

- ``enrollment``: referrals and enrollment, the eligibility funnel, days to intake;
- ``rearrests``: the re-arrest rate, re-arrests by month, days to first re-arrest, arrests before and after;
- ``rearrest_outcomes``: re-arrested within N months, the Kaplan–Meier curve, re-arrests by kind,
  rates per person-year before and after, the comparison group;
- ``outcomes``: housing, employment and income, exits by reason, participant-months, the outcome tables;
- ``caseload``: each care team against its cap, unassigned clients, the balance, the forecast;
- ``participants``: engagement and the participant lists, service linkage;
- ``referral_places``: where referrals come from (the referral map);
- ``meeting``: the weekly meeting's agenda and its week-over-week changes;
- ``equity``: referrals, intake and outcomes by race, sex and age band;
- ``officers``: officer training and referrals;
- ``casework``: the referral queue, my clients, the client record;
- ``quality``: the data-quality check of the program database;
- ``public_summary``: the monthly public summary.
"""
