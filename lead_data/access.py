"""Who may see what: roles, what each role may see, and the roles file that maps people to roles.

Deny by default: a person matched by no entry of the roles file has no role and sees nothing.
The dashboard enforces these rules on the server, for every page and every query.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

STAFF, LEADERSHIP, PARTNER, PUBLIC = "staff", "leadership", "partner", "public"
ROLES = (STAFF, LEADERSHIP, PARTNER, PUBLIC)

OVERVIEW, ENROLLMENT, REARRESTS, CASELOAD = "overview", "enrollment", "rearrests", "caseload"
REFERRAL_MAP, PARTICIPANTS, WEEKLY_MEETING = "referral_map", "participants", "weekly_meeting"
DATA_QUALITY, PUBLIC_SUMMARY = "data_quality", "public_summary"
OUTCOMES = "outcomes"
AGGREGATE_PAGES = (OVERVIEW, ENROLLMENT, REARRESTS, CASELOAD)


@dataclass(frozen=True)
class Permissions:
    """What one role may see."""

    pages: tuple[str, ...]
    participant_lists: bool  # names and participant-level rows (lists, ids)
    consented_agenda_names: bool  # names on the meeting agenda, for people with a release in force
    services: bool  # treatment and service linkage (42 CFR Part 2)
    referral_points: bool  # exact referral locations on the map
    staff_names: bool  # who the peer and case manager of each team are
    evaluation_extract: bool = False  # the pseudonymous one-row-per-participant extract for evaluators

    def may_open(self, page: str) -> bool:
        return page in self.pages


PERMISSIONS: dict[str, Permissions] = {
    STAFF: Permissions(
        pages=(*AGGREGATE_PAGES, OUTCOMES, REFERRAL_MAP, PARTICIPANTS, WEEKLY_MEETING, DATA_QUALITY, PUBLIC_SUMMARY),
        participant_lists=True,
        consented_agenda_names=True,
        services=True,
        referral_points=True,
        staff_names=True,
        evaluation_extract=True,
    ),
    LEADERSHIP: Permissions(
        pages=(*AGGREGATE_PAGES, OUTCOMES, REFERRAL_MAP, WEEKLY_MEETING, PUBLIC_SUMMARY),
        participant_lists=False,
        consented_agenda_names=False,
        services=True,
        referral_points=True,
        staff_names=True,
        evaluation_extract=True,
    ),
    PARTNER: Permissions(
        pages=(*AGGREGATE_PAGES, OUTCOMES, WEEKLY_MEETING),
        participant_lists=False,
        consented_agenda_names=True,
        services=False,
        referral_points=False,
        staff_names=False,
    ),
    PUBLIC: Permissions(
        pages=(PUBLIC_SUMMARY,),
        participant_lists=False,
        consented_agenda_names=False,
        services=False,
        referral_points=False,
        staff_names=False,
    ),
}

# Query functions that reveal more than aggregates, and the permission each needs.
RESTRICTED_FIGURES: dict[str, str] = {
    "participant_list": "participant_lists",
    "unassigned_clients": "participant_lists",
    "team_names": "participant_lists",
    "check_database": "participant_lists",
    "service_linkage": "services",
    "referral_locations": "referral_points",
    "evaluation_extract": "evaluation_extract",
}


def may_load(role: str, figure_name: str) -> bool:
    """Whether a role may run the query function called ``figure_name``."""
    needed = RESTRICTED_FIGURES.get(figure_name)
    return needed is None or bool(getattr(PERMISSIONS[role], needed))


class RolesFileProblem(Exception):
    """The roles file cannot be read; nobody gets a role from it."""


@dataclass(frozen=True)
class RoleMap:
    """Emails and email domains mapped to roles. A person's own entry wins over their domain's."""

    users: dict[str, str]
    domains: dict[str, str]

    def role_for(self, email: str | None) -> str | None:
        if not email or "@" not in email:
            return None
        email = email.strip().lower()
        return self.users.get(email) or self.domains.get(email.rsplit("@", 1)[1])


def load_role_map(path: Path) -> RoleMap:
    """Read a roles file::

        [users]
        "someone@example.org" = "staff"
        [domains]
        "police.example.org" = "partner"

    A missing file means nobody has a role. An unknown role name is an error, not a silent denial,
    so that a typo is found when the file is written rather than when someone is locked out.
    """
    if not path.is_file():
        return RoleMap(users={}, domains={})
    try:
        document = tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise RolesFileProblem(f"{path} is not valid TOML: {error}") from error
    sections = {}
    for section in ("users", "domains"):
        entries = document.get(section, {})
        if not isinstance(entries, dict):
            raise RolesFileProblem(f"[{section}] in {path} must map names to roles")
        for name, role in entries.items():
            if role not in ROLES:
                raise RolesFileProblem(f"{path}: {name!r} has role {role!r}; roles are {', '.join(ROLES)}")
        sections[section] = {name.strip().lower(): role for name, role in entries.items()}
    return RoleMap(users=sections["users"], domains=sections["domains"])
