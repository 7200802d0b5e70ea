"""Who may see what: roles, what each role may see, and the roles file that maps people to roles.

Deny by default: a person matched by no entry of the roles file has no role and sees nothing, and a
figure function that declares nothing (``@aggregate``, ``@needs(...)`` or ``@shown_by_role(...)``)
runs for no role. The dashboard enforces these rules on the server, for every page and every query.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

STAFF, LEADERSHIP, PARTNER, PUBLIC = "staff", "leadership", "partner", "public"
ROLES = (STAFF, LEADERSHIP, PARTNER, PUBLIC)

OVERVIEW, ENROLLMENT, REARRESTS, CASELOAD = "overview", "enrollment", "rearrests", "caseload"
REFERRAL_MAP, PARTICIPANTS, WEEKLY_MEETING = "referral_map", "participants", "weekly_meeting"
DATA_QUALITY, PUBLIC_SUMMARY = "data_quality", "public_summary"
OUTCOMES = "outcomes"
REFERRAL_QUEUE, MY_CLIENTS, CLIENT = "referral_queue", "my_clients", "client"
EQUITY, OFFICERS = "equity", "officers"
AGGREGATE_PAGES = (OVERVIEW, ENROLLMENT, REARRESTS, CASELOAD)


@dataclass(frozen=True)
class Permissions:
    """What one role may see."""

    pages: tuple[str, ...]
    participant_lists: bool  # names and participant-level rows (lists, ids)
    referral_rows: bool  # one row per waiting referral (type, officer unit, days waiting), without names
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
            REFERRAL_QUEUE,
            MY_CLIENTS,
            CLIENT,
        ),
        participant_lists=True,
        referral_rows=True,
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
        pages=(
            *AGGREGATE_PAGES,
            OUTCOMES,
            EQUITY,
            OFFICERS,
            REFERRAL_MAP,
            WEEKLY_MEETING,
            PUBLIC_SUMMARY,
            REFERRAL_QUEUE,
        ),
        participant_lists=False,
        referral_rows=True,
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
        pages=(*AGGREGATE_PAGES, OUTCOMES, EQUITY, OFFICERS, WEEKLY_MEETING, REFERRAL_QUEUE),  # the queue's counts only
        participant_lists=False,
        referral_rows=False,
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
        referral_rows=False,
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


def needs(permission: str, **arguments: str) -> Callable[[Figure], Figure]:
    """Mark a figure that only roles with ``permission`` may run, e.g. ``@needs("participant_lists")``;
    keyword ``arguments``, as for ``shown_by_role``, are what the role decides among those roles,
    e.g. ``@needs("referral_rows", with_names="participant_lists")``."""
    return lambda figure: _marked(figure, FigureAccess(needs=permission, role_arguments=dict(arguments)))


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


# The command line, and Alembic's migration scripts (which run only inside Alembic): no figures there.
_NOT_FIGURE_MODULES = ("__main__", "migrations")


def package_modules(package: ModuleType) -> list[ModuleType]:
    """Every module of ``package`` and of its subpackages, imported, but for the command line and the
    migrations: wherever a figure lives, it is among them."""
    modules = [package]
    for found in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        if not set(found.name.split(".")) & set(_NOT_FIGURE_MODULES):
            modules.append(importlib.import_module(found.name))
    return modules


def figures_in(package: ModuleType) -> list[Callable[..., Any]]:
    """Every function of ``package_modules(package)`` that declares who may run it, each once (in the
    module that defines it)."""
    return [
        function
        for module in package_modules(package)
        for _, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__ and figure_access(function) is not None
    ]


class RolesFileProblem(Exception):
    """The roles file cannot be read; nobody gets a role from it."""


@dataclass(frozen=True)
class RoleMap:
    """Emails and email domains mapped to roles. A person's own entry wins over their domain's.

    ``staff_ids``: a person's id in the program database's ``staff`` table, for those whose entry
    gives one (My clients shows their own team's clients first)."""

    users: dict[str, str]
    domains: dict[str, str]
    staff_ids: dict[str, int] = field(default_factory=dict)

    def role_for(self, email: str | None) -> str | None:
        if not email or "@" not in email:
            return None
        email = email.strip().lower()
        return self.users.get(email) or self.domains.get(email.rsplit("@", 1)[1])

    def staff_id_for(self, email: str | None) -> int | None:
        """The staff id of the person's own entry; None without one (a domain's entry never has one)."""
        return self.staff_ids.get(email.strip().lower()) if email else None


def load_role_map(path: Path) -> RoleMap:
    """Read a roles file::

        [users]
        "someone@example.org" = "staff"
        "jane@example.org" = { role = "staff", staff_id = 12 }
        [domains]
        "police.example.org" = "partner"

    A person's entry is a role, or a table with their ``role`` and, for the staff role, their
    ``staff_id`` in the program database's ``staff`` table. A missing file means nobody has a role.
    A mistake (an unknown role, section or key, an email under ``[domains]``, a domain under
    ``[users]``, a staff id that is not a positive whole number or given for another role) is an
    error, not a silent denial, so that it is found when the file is written rather than when
    someone is locked out.
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
    sections: dict[str, dict[str, str]] = {}
    staff_ids: dict[str, int] = {}
    for section in ("users", "domains"):
        entries = document.get(section, {})
        if not isinstance(entries, dict):
            raise RolesFileProblem(f"[{section}] in {path} must map names to roles")
        sections[section] = {}
        for name, entry in entries.items():
            role, staff_id = _role_and_staff_id(path, section, name, entry)
            mistake = _misplaced(section, name.strip())
            if mistake:
                raise RolesFileProblem(f"{path}: {name!r} under [{section}]: {mistake}")
            sections[section][name.strip().lower()] = role
            if staff_id is not None:
                staff_ids[name.strip().lower()] = staff_id
    return RoleMap(users=sections["users"], domains=sections["domains"], staff_ids=staff_ids)


def _role_and_staff_id(path: Path, section: str, name: str, entry: Any) -> tuple[str, int | None]:
    """An entry's role and staff id: ``"staff"`` or, under [users], ``{ role = "staff", staff_id = 12 }``."""
    staff_id = None
    if isinstance(entry, dict):
        if section != "users":
            raise RolesFileProblem(f"{path}: {name!r} under [{section}]: a domain's entry is just its role")
        extra = set(entry) - {"role", "staff_id"}
        if extra:
            raise RolesFileProblem(f"{path}: {name!r} has {', '.join(sorted(extra))}; an entry has role and staff_id")
        role, staff_id = entry.get("role"), entry.get("staff_id")
        if staff_id is not None:
            if isinstance(staff_id, bool) or not isinstance(staff_id, int) or staff_id < 1:
                raise RolesFileProblem(
                    f"{path}: {name!r} has staff_id {staff_id!r}; it must be a whole number, 1 or more"
                )
            if role != STAFF:
                raise RolesFileProblem(f"{path}: {name!r} has a staff_id but role {role!r}; only staff have one")
    else:
        role = entry
    if role not in ROLES:
        raise RolesFileProblem(f"{path}: {name!r} has role {role!r}; roles are {', '.join(ROLES)}")
    return role, staff_id


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
