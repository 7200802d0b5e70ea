"""Published results from Seattle's LEAD evaluation: context for Baltimore's figures, never part of them.

Seattle's figures come from a different program, population, time and method (a quasi-experimental
comparison with a control group arrested and prosecuted as usual). They are shown beside
Baltimore's outcomes, labelled as Seattle's, and never computed with, added to or compared
number-for-number against Baltimore's own figures.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PublishedFinding:
    topic: str
    finding: str
    source: str


SEATTLE_LEAD_FINDINGS: tuple[PublishedFinding, ...] = (
    PublishedFinding(
        topic="Arrests",
        finding="LEAD participants were 58% less likely than a comparison group to be arrested after evaluation entry.",
        source="Collins, Lonczak & Clifasefi, LEAD Program Evaluation: Recidivism Report, University of "
        "Washington, 2015",
    ),
    PublishedFinding(
        topic="Criminal-justice costs",
        finding="From before to after evaluation entry, criminal-justice and legal-system costs fell by "
        "$2,100 per LEAD participant, while the comparison group's rose by $5,961.",
        source="Collins, Lonczak & Clifasefi, LEAD Program Evaluation: Criminal Justice and Legal System "
        "Utilization and Associated Costs, University of Washington, 2015",
    ),
    PublishedFinding(
        topic="Housing, employment, income",
        finding="Participants were more likely to be housed, employed and to have legitimate income "
        "(wages or benefits) in each month after their referral than before it.",
        source="Clifasefi, Lonczak & Collins, Seattle's Law Enforcement Assisted Diversion (LEAD) Program: "
        "Within-Subjects Changes on Housing, Employment, and Income/Benefits Outcomes and Associations "
        "With Recidivism, Crime & Delinquency, 2017",
    ),
)
