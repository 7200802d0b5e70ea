"""Who may see what: roles, what each role may see, and the roles file that maps people to roles.

Deny by default: a person matched by no entry of the roles file has no role and sees nothing, and a
figure function that declares nothing (``@aggregate``, ``@needs(...)`` or ``@shown_by_role(...)``)
runs for no role. The dashboard enforces these rules on the server, for every page and every query.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

STAFF, LEADERSHIP, PARTNER, PUBLIC = "staff", "leadership", "partner", "public"
ROLES = (STAFF, LEADERSHIP, PARTNER, PUBLIC)

OVERVIEW, ENROLLMENT, REARRESTS, CASELOAD = "overview", "enrollment", "rearrests", "caseload"
REFERRAL_MAP, PARTICIPANTS, WEEKLY_MEETING = "referral_map", "participants", "weekly_meeting"
DATA_QUALITY, PUBLIC_SUMMARY = "data_quality", "public_summary"
OUTCOMES = "outcomes"
EQUITY, OFFICERS = "equity", "officers"
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
    database_address: bool  # where the program database is (server, name or file path)
    evaluation_extract: bool  # the pseudonymous one-row-per-participant extract for evaluators
    small_counts: bool  # counts from 1 to 10 of people in a group, shown exactly (else suppressed)
    officer_names: bool  # which police officer made how many referrals

    def may_open(self, page: str) -> bool:
        return page in self.pages


PERMISSIONS: dict[str, Permissions] = {
    STAFF: Permissions(
        pages=(
            *AGGREGATE_PAGES,
            OUTCOMES,
            EQUITY,
            OFFICERS,
            REFERRAL_MAP,
            PARTICIPANTS,
            WEEKLY_MEETING,
            DATA_QUALITY,
            PUBLIC_SUMMARY,
        ),
        participant_lists=True,
        consented_agenda_names=True,
        services=True,
        referral_points=True,
        staff_names=True,
        database_address=True,
        evaluation_extract=True,
        small_counts=True,
        officer_names=True,
    ),
    LEADERSHIP: Permissions(
        pages=(*AGGREGATE_PAGES, OUTCOMES, EQUITY, OFFICERS, REFERRAL_MAP, WEEKLY_MEETING, PUBLIC_SUMMARY),
        participant_lists=False,
        consented_agenda_names=False,
        services=True,
        referral_points=True,
        staff_names=True,
        database_address=False,
        evaluation_extract=True,
        small_counts=False,
        officer_names=True,
    ),
    PARTNER: Permissions(
        pages=(*AGGREGATE_PAGES, OUTCOMES, EQUITY, OFFICERS, WEEKLY_MEETING),
        participant_lists=False,
        consented_agenda_names=True,
        services=False,
        referral_points=False,
        staff_names=False,
        database_address=False,
        evaluation_extract=False,
        small_counts=False,
        officer_names=False,
    ),
    PUBLIC: Permissions(
        pages=(PUBLIC_SUMMARY,),
        participant_lists=False,
        consented_agenda_names=False,
        services=False,
        referral_points=False,
        staff_names=False,
        database_address=False,
        evaluation_extract=False,
        small_counts=False,
        officer_names=False,
    ),
}

# --- what each figure function declares about who may run it ------------------------------------

Figure = TypeVar("Figure", bound=Callable[..., Any])
PERMISSION_NAMES = tuple(field.name for field in fields(Permissions) if field.name != "pages")
_MARK = "lead_figure_access"


@dataclass(frozen=True)
class FigureAccess:
    """A figure function's own declaration of who may run it.

    ``needs``: the permission without which no role may run it (None: every role that may open the
    page). ``role_arguments``: keyword arguments that decide what the figure leaves out, each with the
    permission whose value ``ui.data.load`` passes for it, so pages never decide it.
    """

    needs: str | None = None
    role_arguments: Mapping[str, str] = field(default_factory=dict)


def _marked(figure: Figure, access: FigureAccess) -> Figure:
    if hasattr(figure, _MARK):
        raise TypeError(f"{figure.__qualname__} carries two access marks; give it one")
    for permission in (access.needs, *access.role_arguments.values()):
        if permission is not None and permission not in PERMISSION_NAMES:
            known = ", ".join(PERMISSION_NAMES)
            raise ValueError(f"{figure.__qualname__}: {permission!r} is not a permission ({known})")
    setattr(figure, _MARK, access)
    return figure


def aggregate(figure: Figure) -> Figure:
    """Mark a figure as counts only, safe for every role: no person, no staff name, no place, no service."""
    return _marked(figure, FigureAccess())


def needs(permission: str) -> Callable[[Figure], Figure]:
    """Mark a figure that only roles with ``permission`` may run, e.g. ``@needs("participant_lists")``."""
    return lambda figure: _marked(figure, FigureAccess(needs=permission))


def shown_by_role(**arguments: str) -> Callable[[Figure], Figure]:
    """Mark a figure every role may run, whose keyword ``arguments`` (each naming the permission
    that sets it) decide what it leaves out, e.g. ``@shown_by_role(with_names="consented_agenda_names")``."""
    return lambda figure: _marked(figure, FigureAccess(role_arguments=dict(arguments)))


def figure_access(figure: Callable[..., Any]) -> FigureAccess | None:
    """What ``figure`` declares; None when it declares nothing, and then no role may run it."""
    return getattr(figure, _MARK, None)


def may_load(role: str, figure: Callable[..., Any]) -> bool:
    """Whether a role may run ``figure``: deny by default, when the figure declares nothing."""
    declared = figure_access(figure)
    return declared is not None and (declared.needs is None or bool(getattr(PERMISSIONS[role], declared.needs)))


def role_arguments(role: str, figure: Callable[..., Any]) -> dict[str, bool]:
    """The arguments that ``figure``'s declaration leaves to the role, as the role's permissions set them."""
    declared = figure_access(figure)
    arguments = declared.role_arguments if declared else {}
    return {argument: bool(getattr(PERMISSIONS[role], permission)) for argument, permission in arguments.items()}


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

    A missing file means nobody has a role. A mistake (an unknown role or section, an email under
    ``[domains]``, a domain under ``[users]``) is an error, not a silent denial, so that it is found
    when the file is written rather than when someone is locked out.
    """
    if not path.is_file():
        return RoleMap(users={}, domains={})
    try:
        document = tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise RolesFileProblem(f"{path} is not valid TOML: {error}") from error
    unknown = set(document) - {"users", "domains"}
    if unknown:
        raise RolesFileProblem(f"{path}: {', '.join(sorted(unknown))} is not a section; use [users] and [domains]")
    sections = {}
    for section in ("users", "domains"):
        entries = document.get(section, {})
        if not isinstance(entries, dict):
            raise RolesFileProblem(f"[{section}] in {path} must map names to roles")
        for name, role in entries.items():
            if role not in ROLES:
                raise RolesFileProblem(f"{path}: {name!r} has role {role!r}; roles are {', '.join(ROLES)}")
            mistake = _misplaced(section, name.strip())
            if mistake:
                raise RolesFileProblem(f"{path}: {name!r} under [{section}]: {mistake}")
        sections[section] = {name.strip().lower(): role for name, role in entries.items()}
    return RoleMap(users=sections["users"], domains=sections["domains"])


def _misplaced(section: str, name: str) -> str | None:
    """Why ``name`` does not belong under ``[section]``, if it does not."""
    local, at, domain = name.rpartition("@")
    if section == "users" and not (local and at and domain):
        return "a person's entry is their whole email address; a whole domain goes under [domains]"
    if section == "domains" and at:
        if local:
            return "an email address goes under [users]"
        return f"write the domain without the @, as {domain!r}"
    return None
