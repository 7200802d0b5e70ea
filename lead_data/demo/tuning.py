"""The demo's tuning: the rates, shares, spans and weights its history is drawn from (the places'
own are in places.py, the outcome tables' in outcomes.py).

Tune the demo by changing these and letting the draws add up; no figure is written in directly.
"""

from __future__ import annotations

from datetime import date

from lead_data.models import DEFAULT_CASELOAD_CAP, ELIGIBILITY, INELIGIBLE_REASONS, OFFENSES, REFERRAL_TYPES, SEVERITIES

DEFAULT_SEED = 2017
PROGRAM_START = date(2017, 2, 1)  # the demo program's first day; its officers' training days are set around it

# Unpacked from the contract's tuples so that a renamed value breaks here, not in the data.
PENDING, ELIGIBLE, INELIGIBLE = ELIGIBILITY
FELONY, MISDEMEANOR, OTHER_SEVERITY = SEVERITIES
ARREST_DIVERSION, SOCIAL_CONTACT = REFERRAL_TYPES

# Referral volume: a pilot ramps up from its launch, then runs at a steady pace, except for the
# pandemic's months, when patrols made far fewer arrests and contacts.
FIRST_MONTH_REFERRALS = 6.0
STEADY_MONTHLY_REFERRALS = 14.0
RAMP_MONTHS = 30
PANDEMIC_MONTHS = (date(2020, 4, 1), date(2021, 1, 1))  # from the first day, up to the second
PANDEMIC_REFERRAL_FACTOR = 0.45
REFERRAL_HOUR_WEIGHTS = (2, 1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 8, 8, 8, 8, 8, 7, 6, 5, 4, 3, 2)
REFERRAL_TYPE_WEIGHTS = {ARREST_DIVERSION: 70, SOCIAL_CONTACT: 30}
OFFENSE_WEIGHTS: dict[str | None, int] = dict(zip((*OFFENSES, None), (74, 16, 8, 2), strict=True))

# Eligibility and the way to intake. Only drug and prostitution offenses are eligible: a referral
# for another offense is ineligible (reason "other"); of the rest, a share is ineligible for a
# reason of the person's record or situation.
# (A referral whose offense was not recorded is decided on the person's record like the others.)
INELIGIBLE_OFFENSE, OFFENSE_NOT_ELIGIBLE_REASON = OFFENSES[-1], INELIGIBLE_REASONS[-1]  # "other", "other"
INELIGIBLE_SHARE = 0.10
PENDING_WINDOW_DAYS = 21
PENDING_SHARE_IN_WINDOW = 0.6
INELIGIBLE_REASON_WEIGHTS = (30, 25, 25, 8, 12)
ENROLLING_SHARE_OF_VERIFIED = 0.9
MAX_DAYS_TO_INTAKE = 30
# After an arrest diversion the officer calls the State's Attorney's Office on the spot and takes
# the person to the case manager at once: intake the same day or the next, now and then later.
SAME_DAY_INTAKE_SHARE = 0.55
NEXT_DAY_INTAKE_SHARE = 0.30
MEAN_LATER_DAYS_TO_INTAKE = 5.0  # the rest: from 2 days on
# A social contact is verified within days and comes to intake when the person is found again.
MEAN_EXTRA_DAYS_TO_INTAKE = 7.0

# Exits: each reason comes with its own span of time in the program, in months.
EXIT_REASON_WEIGHTS = (40, 25, 12, 12, 2, 9)
MONTHS_ENROLLED_BY_EXIT_REASON = {
    "graduated": (20, 60),
    "disengaged": (3, 24),
    "moved": (2, 36),
    "incarcerated": (2, 36),
    "deceased": (1, 48),
    "other": (2, 36),
}
DAYS_PER_MONTH = 30.44
DAYS_PER_YEAR = 365.25
# Intakes this recent are never the ones sent out early to fit the as-of caseloads.
PROTECTED_RECENT_INTAKE_DAYS = 30

# Teams on the as-of date.
RETIRED_TEAM_NUMBER = 2
TYPICAL_CASELOAD = 25.5
NEAR_CAP_CASELOADS = (22, DEFAULT_CASELOAD_CAP - 1)
OVER_CAP_CASELOADS = (DEFAULT_CASELOAD_CAP + 2, DEFAULT_CASELOAD_CAP + 3)
UNASSIGNED_CLIENTS = (3, 6)
CLIENTS_LEFT_ON_RETIRED_TEAM = (1, 2)
UNASSIGNED_FROM_LATEST_INTAKES = 12
EXITED_WITHOUT_TEAM_SHARE = 0.03
# Teams over time: the program opens with one pair, and the next pair starts when every open team
# holds this many clients. The retired team stops taking clients some time before the as-of date.
OPEN_TEAM_AT = 24
SUPERVISORS = 2

# Engagement of active participants on the as-of date (DATA_CONTRACT.md, "Engagement").
OVERDUE_SHARE = (0.10, 0.15)
IN_THE_WIND_SHARE = (0.05, 0.10)
NEVER_REACHED_CLIENTS = (1, 2)
NEVER_REACHED_DAYS_ENROLLED = (3, 40)
ENGAGED_DAYS = 14
OVERDUE_DAYS = (15, 30)
IN_THE_WIND_DAYS = (31, 150)
CONTACT_KIND_WEIGHTS = (60, 25, 15)
EARLY_CONTACT_DAYS = 90
EARLY_CONTACT_GAP = (2, 7)
LATER_CONTACT_GAP = (7, 18)
ATTEMPT_GAP = (4, 12)
CONTACT_WITHOUT_STAFF_SHARE = 0.02
QUIET_DAYS_BEFORE_EXIT: dict[str | None, tuple[int, int]] = {
    "graduated": (0, 0),
    "disengaged": (21, 60),
    "incarcerated": (3, 20),
}
USUAL_QUIET_DAYS_BEFORE_EXIT = (0, 14)

# Officers: the pilot trains a cohort of Central District officers before launch; training then
# spreads unit by unit, each unit's officers trained from the date it joins.
OFFICERS = 40
LAUNCH_COHORT = 10
UNTRAINED_OFFICERS = 4
LAUNCH_TRAINING_DAY = date(2017, 1, 10)
LATER_TRAINING_FROM = date(2017, 4, 1)
# (unit, weight among the units training officers, first day its officers are trained)
OFFICER_UNITS = (
    ("Central District Patrol", 40, LAUNCH_TRAINING_DAY),
    ("Downtown Foot Patrol", 20, date(2017, 10, 1)),
    ("Western District Patrol", 25, date(2018, 10, 1)),
    ("Southern District Patrol", 15, date(2020, 1, 1)),
)
REFERRAL_WITHOUT_OFFICER_SHARE = 0.02

# Arrests.
# Everyone is arrested at their own pace, a gamma-distributed multiple (mean 1) of a rate: before
# the referral over the years of their adult record, and after intake at a much lower rate, the
# participants of Seattle's evaluation having been 58% less likely to be arrested than its
# comparison group (whose rate here is outcomes.py's COMPARISON_ARRESTS_PER_PERSON_YEAR).
ARREST_PACE_SHAPE = 0.8
PRIOR_ARRESTS_PER_PERSON_YEAR = 0.3
PRIOR_RECORD_YEARS = 8
LATEST_PRIOR_ARREST_DAYS = 3  # before the referral
RE_ARRESTS_PER_PERSON_YEAR = 0.1
ADULT_AGE_DAYS = round(18 * DAYS_PER_YEAR) + 1
INTAKE_DAY_ARRESTS = 3
NEVER_ENROLLED_ARREST_SHARE = 0.15
DIVERTED_CHARGES: dict[str | None, tuple[str, ...]] = {  # by offense; others have none
    "drug": ("CDS possession", "CDS possession - paraphernalia"),
    "prostitution": ("Prostitution",),
    "other": ("Trespassing", "Loitering", "Theft under $100"),
}
# (charge, severity, warrant_only, weight) for arrests other than the diverted one.
OTHER_ARRESTS = (
    ("CDS possession", MISDEMEANOR, False, 25),
    ("CDS possession with intent to distribute", FELONY, False, 8),
    ("Theft under $100", MISDEMEANOR, False, 10),
    ("Trespassing", MISDEMEANOR, False, 8),
    ("Second-degree assault", MISDEMEANOR, False, 6),
    ("Burglary", FELONY, False, 4),
    ("Robbery", FELONY, False, 3),
    ("Prostitution", MISDEMEANOR, False, 5),
    ("Open container", OTHER_SEVERITY, False, 5),
    ("Failure to appear (bench warrant)", OTHER_SEVERITY, True, 8),
    ("Violation of probation (warrant)", OTHER_SEVERITY, True, 4),
)
UNRECORDED_SEVERITY_SHARE = 0.06
UNRECORDED_WARRANT_SHARE = 0.03

# Services and consents.
SERVICES_PER_ENROLLMENT_WEIGHTS = (35, 30, 22, 13)
SERVICE_CATEGORY_WEIGHTS = (22, 14, 14, 16, 8, 10, 9, 4, 3)
SERVICE_REFERRAL_WITHIN_DAYS = 120
SERVICE_STARTED_SHARE = 0.72
SERVICE_START_WITHIN_DAYS = 45
CONSENT_SHARE = 0.85
CONSENT_ON_INTAKE_DAY_SHARE = 0.6
CONSENT_REVOKED_SHARE = 0.10

# People.
FIRST_NAMES = (
    "Cedar",
    "Maple",
    "Willow",
    "Birch",
    "Aspen",
    "Hazel",
    "Rowan",
    "Alder",
    "Juniper",
    "Linden",
    "Cypress",
    "Laurel",
    "Holly",
    "Spruce",
    "Ash",
    "Oak",
    "Elm",
    "Magnolia",
    "Sycamore",
    "Poplar",
    "Wren",
    "Robin",
    "Sparrow",
    "Finch",
    "Heron",
    "Jay",
    "Lark",
    "Raven",
    "Oriole",
    "Starling",
    "Kestrel",
    "Swift",
    "Plover",
    "Dove",
    "Egret",
    "Crane",
    "Ochre",
    "Indigo",
    "Amber",
    "Scarlet",
    "Sienna",
    "Teal",
    "Cobalt",
    "Saffron",
    "Slate",
    "Umber",
    "Olive",
    "Russet",
    "Sage",
    "Coral",
)
STAFF_FIRST_NAMES = FIRST_NAMES[:20]
SEXES = (("Male", 64), ("Female", 34), (None, 2))
SEXES_FOR_PROSTITUTION = (("Female", 80), ("Male", 18), (None, 2))
RACES = (
    ("Black", 72),
    ("White", 22),
    ("Asian", 1),
    ("American Indian or Alaska Native", 1),
    ("Other", 2),
    (None, 2),
)
ETHNICITIES = (("Not Hispanic or Latino", 93), ("Hispanic or Latino", 4), (None, 3))
UNKNOWN_BIRTH_DATE_SHARE = 0.03
AGE_AT_REFERRAL_YEARS = (18, 66, 32)  # low, high, mode
OLDEST_AGE_AT_REFERRAL = 70
REPEAT_REFERRAL_SHARE = 0.012
DAYS_BETWEEN_EXIT_AND_NEW_REFERRAL = 60
